"""A code fence left open is an error.

Markdown closes an unclosed fence at the end of the page, so everything after it becomes the
fence's content: its examples would silently not run and its headings would vanish. This reads
each page's source and warns (an error under ``-W``) at the line of a fence that is never closed.
Fences nest the CommonMark way: only a line of at least as many of the same character closes one.
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")


def unclosed_fence(text: str) -> int | None:
    """1-based line of the first fence that is never closed, or None."""
    open_at, marker = None, ""
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line)
        if not match:
            continue
        run, rest = match.groups()
        if open_at is None:
            if not (run[0] == "`" and "`" in rest):  # a backtick fence's info string has none
                open_at, marker = number, run
        elif run[0] == marker[0] and len(run) >= len(marker) and not rest.strip():
            open_at = None
    return open_at


def check_fences(app: Sphinx, docname: str, source: list[str]) -> None:
    if not app.env.doc2path(docname).name.endswith(".md"):
        return
    line = unclosed_fence(source[0])
    if line is not None:
        logger.warning(
            "this code fence is never closed, so the rest of the page is swallowed into it",
            location=(docname, line),
            type="fences",
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("source-read", check_fences)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
