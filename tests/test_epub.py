"""The EPUB (``make epub``): math as MathML, no raw TeX, the book's metadata.

The book is built once per session from the session's build of the site (tests/conftest.py), so
the pages are read once; set ``EXPLAINED_SITE_EPUB=<dir>`` to check an existing ``-b epub`` output
directory instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from docs_build import ROOT

pytestmark = pytest.mark.site  # a whole-site check: the same on every Python

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
MATHML = "{http://www.w3.org/1998/Math/MathML}math"


@pytest.fixture(scope="session")
def epub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .epub file of the real site."""
    given = os.environ.get("EXPLAINED_SITE_EPUB")
    if given:
        outdir = Path(given)
    else:
        # The session's site build has read every page (and run its examples): the epub builder
        # starts from a copy of its environment and only writes the book.
        site = request.getfixturevalue("site")
        tmp = tmp_path_factory.mktemp("epub")
        doctrees, outdir = tmp / "doctrees", tmp / "epub"
        shutil.copytree(site.doctreedir, doctrees)
        proc = subprocess.run(
            [sys.executable, "-m", "sphinx", "-c", str(ROOT), "-W", "--keep-going", "-j", "auto"]
            + ["-b", "epub", "-d", str(doctrees), str(ROOT / "docs"), str(outdir)],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONHASHSEED="0"),
            check=False,
        )
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    books = sorted(outdir.glob("*.epub"))
    assert len(books) == 1, books
    return books[0]


def _pages(book: zipfile.ZipFile) -> dict[str, str]:
    return {
        name: book.read(name).decode("utf-8")
        for name in book.namelist()
        if name.endswith(".xhtml") and name != "nav.xhtml"
    }


def test_math_is_mathml_and_no_tex_is_left(epub: Path) -> None:
    with zipfile.ZipFile(epub) as book:
        pages = _pages(book)
        opf = book.read("content.opf").decode("utf-8")
        assert not [n for n in book.namelist() if "mathjax" in n.lower()]  # MathJax is not packed
    with_math = {}
    for name, text in pages.items():
        root = ET.fromstring(text)  # well-formed XHTML, MathML included
        formulas = list(root.iter(MATHML))
        body = re.sub(r"<(pre|code|script)\b.*?</\1>", "", text, flags=re.DOTALL)
        assert not re.search(r"\\\(|\\\[|\$\$|\\begin\{", body), f"raw TeX in {name}"
        script = re.search(r"<script[^>]*mathjax", text, re.IGNORECASE)
        assert not script, f"{name} still loads MathJax"
        if formulas:
            with_math[name] = len(formulas)
            # EPUB 3: a content document with MathML says so in the package file.
            assert re.search(rf'href="{re.escape(name)}"[^>]*properties="mathml"', opf), name
    assert sum(with_math.values()) > 500, with_math  # the articles' formulas, not a handful
    assert "position/rope.xhtml" in with_math, sorted(with_math)


def test_book_metadata(epub: Path) -> None:
    with zipfile.ZipFile(epub) as book:
        package = ET.fromstring(book.read("content.opf"))
    metadata = package.find("opf:metadata", NS)
    assert metadata is not None

    def text(tag: str) -> str:
        element = metadata.find(f"dc:{tag}", NS)
        assert element is not None and element.text, tag
        return element.text

    assert text("language") == "zh-CN"
    assert text("title") == "Explained · 讲透"
    assert text("creator") == "Explained contributors"
    assert text("publisher") == "Explained contributors"
    assert text("rights").startswith("2026")
    assert text("identifier").startswith("https://")
    for tag in ["description", "contributor", "identifier"]:
        assert text(tag) != "unknown", tag  # Sphinx's default for what conf.py does not set
    assert package.get("unique-identifier") == metadata.find("dc:identifier", NS).get("id")
