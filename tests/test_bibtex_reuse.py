"""docs/_ext/bibtex_reuse.py: a rebuild reuses formatted citations only when they cannot differ."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXT = Path(__file__).resolve().parents[1] / "docs" / "_ext"

CONF = f"""
import sys
sys.path.insert(0, {str(EXT)!r})
extensions = ["myst_parser", "sphinxcontrib.bibtex", "bibtex_reuse"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "unsrt"
"""
BIB = """
@article{{knuth, author = {{Donald Knuth}}, title = {{{title}}}, journal = {{J}}, year = {{1974}}}}
@article{{hoare, author = {{Tony Hoare}}, title = {{Quicksort}}, journal = {{C}}, year = {{1962}}}}
"""
PAGE = """# {name}

As shown {{cite:p}}`{name}:{key}`.

```{{bibliography}}
:filter: docname in docnames
:labelprefix: {name}
:keyprefix: {name}:
```
"""


def _build(src: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-v", "-b", "html", "-d", str(src / "_doctrees"),
         str(src), str(src / "_html")],
        capture_output=True, text=True, check=False,
        env=dict(os.environ, PYTHONHASHSEED="random"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _html(src: Path, page: str) -> str:
    return (src / "_html" / f"{page}.html").read_text(encoding="utf-8")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "conf.py").write_text(CONF, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIB.format(title="Structured programming"), "utf-8")
    (tmp_path / "index.md").write_text("# Home\n\n```{toctree}\na\nb\n```\n", encoding="utf-8")
    (tmp_path / "a.md").write_text(PAGE.format(name="A", key="knuth"), encoding="utf-8")
    (tmp_path / "b.md").write_text(PAGE.format(name="B", key="hoare"), encoding="utf-8")
    return tmp_path


REUSED = "citations unchanged, formatted ones reused"


def test_rereading_a_page_keeps_every_citation(project: Path) -> None:
    assert REUSED not in _build(project)
    before = {page: _html(project, page) for page in ("a", "b")}
    with open(project / "a.md", "a", encoding="utf-8") as f:
        f.write("\n")  # a real edit: page a is read again, and its citations with it
    assert REUSED in _build(project)
    assert {page: _html(project, page) for page in ("a", "b")} == before
    assert "Structured programming" in before["a"] and "Quicksort" in before["b"]


def test_a_changed_entry_is_formatted_again(project: Path) -> None:
    _build(project)
    (project / "refs.bib").write_text(BIB.format(title="Literate programming"), "utf-8")
    os.utime(project / "refs.bib", (1, 1))  # a new mtime even on a coarse-grained file system
    (project / "a.md").write_text(PAGE.format(name="A", key="knuth") + "\n", encoding="utf-8")
    assert REUSED not in _build(project)
    assert "Literate programming" in _html(project, "a")


def test_a_changed_citation_is_formatted_again(project: Path) -> None:
    _build(project)
    (project / "a.md").write_text(PAGE.format(name="A", key="hoare"), encoding="utf-8")
    assert REUSED not in _build(project)
    assert "Quicksort" in _html(project, "a") and "Structured" not in _html(project, "a")
