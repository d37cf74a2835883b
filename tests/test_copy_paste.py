"""What the copy button copies from every example of the built site pastes into the interactive
interpreter without a SyntaxError (tests/copy_paste.py says how it is pasted)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from copy_paste import copy_button_text, paste_into_repl, pycon_blocks
from docs_build import ROOT


@pytest.fixture(scope="module")
def site_html(request: pytest.FixtureRequest) -> Path:
    given = os.environ.get("EXPLAINED_SITE_HTML")  # an existing build, as in tests/browser/
    if given:
        return Path(given).resolve()
    return request.getfixturevalue("site").outdir


def test_a_pasted_block_without_its_closing_line_is_a_syntax_error(tmp_path: Path) -> None:
    # The check below proves nothing unless the interpreter really rejects the unclosed block.
    unclosed = copy_button_text(">>> def f():\n...     return 1\n>>> f()\n1\n")
    closed = copy_button_text(">>> def f():\n...     return 1\n...\n>>> f()\n1\n")
    errors = paste_into_repl([closed, unclosed, closed], tmp_path)
    assert [(e.block, e.line, e.message, e.text) for e in errors] == [
        (1, 3, "invalid syntax", "f()")
    ]


def test_every_copied_example_pastes_into_the_interpreter(site_html: Path, tmp_path: Path) -> None:
    problems, pasted = [], 0
    for page in sorted(site_html.rglob("*.html")):
        blocks = pycon_blocks(page.read_text(encoding="utf-8"))
        if not blocks:
            continue
        pasted += len(blocks)
        # One interpreter per page, its blocks pasted in order, as a reader follows the page.
        for error in paste_into_repl([copy_button_text(b) for b in blocks], tmp_path):
            first = blocks[error.block].splitlines()[0]
            problems.append(
                f"{page.relative_to(site_html)}: example {error.block + 1} ({first!r}): "
                f"{error.message} at {error.text!r}, line {error.line} of its statement"
            )
    # Every pycon fence of the sources is on the site, and the API pages add the docstrings'.
    fences = sum(
        md.read_text(encoding="utf-8").count("```pycon")
        for md in (ROOT / "docs").rglob("*.md")
        if "_templates" not in md.parts
    )
    assert pasted >= fences > 100, f"{pasted} pycon examples in {site_html}, {fences} in docs/"
    assert problems == [], "\n".join(problems)
