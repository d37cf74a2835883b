"""Run the docs gate the way ``make docs`` does, on the real tree or on a scratch copy of it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPHINX_OPTS = ["-W", "--keep-going", "-j", "auto"]


@dataclass
class Build:
    returncode: int
    output: str
    outdir: Path
    doctreedir: Path

    def warnings(self) -> list[str]:
        return [line for line in self.output.splitlines() if "WARNING" in line or "ERROR" in line]


def sphinx_build(root: Path, outdir: Path, *extra: str, pythonpath: Path | None = None) -> Build:
    """Build ``root/docs`` with ``root/conf.py`` into ``outdir`` (clean), return what happened."""
    doctrees = outdir.parent / (outdir.name + "-doctrees")
    shutil.rmtree(outdir, ignore_errors=True)
    shutil.rmtree(doctrees, ignore_errors=True)
    # Scratch copies share the real tree's results of slow experiments (explained._cache): the key
    # holds the package's source, so a copy with a changed package computes its own.
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.setdefault("EXPLAINED_CACHE_DIR", str(ROOT / "_build" / "cache"))
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-c",
            str(root),
            *SPHINX_OPTS,
            *extra,
            "-b",
            "html",
            "-d",
            str(doctrees),
            str(root / "docs"),
            str(outdir),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return Build(proc.returncode, proc.stdout + proc.stderr, outdir, doctrees)


def copy_site(dest: Path, *, pages: bool = True) -> Path:
    """A scratch copy of conf.py and docs/ (only the machinery when ``pages`` is false)."""
    shutil.copy2(ROOT / "conf.py", dest / "conf.py")
    if pages:
        shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    else:
        (dest / "docs").mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "docs" / "references.bib", dest / "docs" / "references.bib")
        for part in ["_ext", "_static", "_templates"]:
            if (ROOT / "docs" / part).exists():
                shutil.copytree(
                    ROOT / "docs" / part,
                    dest / "docs" / part,
                    dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"),
                )
    return dest


def article_pages(docs: Path) -> list[Path]:
    """Every page that carries examples: those with at least one pycon fence."""
    return sorted(
        p
        for p in docs.rglob("*.md")
        if not any(part.startswith("_") for part in p.relative_to(docs).parts)
        and "```pycon" in p.read_text(encoding="utf-8")
    )


def reported(output: str, page: Path, line: int) -> bool:
    """Whether the build output names ``page:line`` in a warning."""
    # myst-parser 4 (the newest for Python 3.10) names some locations "page.md.rst".
    return re.search(rf"{re.escape(str(page))}(\.rst)?:{line}: (WARNING|ERROR)", output) is not None


def assert_math_served_locally(outdir: Path) -> int:
    """Every page with math loads MathJax from the site itself; returns how many pages have math."""
    pages = [p for p in outdir.rglob("*.html") if 'class="math' in p.read_text(encoding="utf-8")]
    for page in pages:
        src = re.search(r'<script[^>]+src="([^"?]*mathjax[^"?]*)', page.read_text(encoding="utf-8"))
        assert src, f"{page} has math but no MathJax script"
        assert (page.parent / src.group(1)).resolve().is_file(), src.group(1)
    if pages:
        fonts = outdir / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
        assert any(fonts.glob("*.woff"))
    return len(pages)
