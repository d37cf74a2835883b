"""Fences that would silently not do what the page says are errors.

* A fence left open: Markdown closes it at the end of the page, so everything after it becomes the
  fence's content: its examples would silently not run and its headings would vanish. Fences nest
  the CommonMark way: only a line of at least as many of the same character closes one.
* A directive's ``---`` option block that is not valid YAML: MyST reads it with a lenient parser
  of its own and accepts, for example, ``class: [tip`` as the class ``[tip`` without a word.

Both are reported as warnings (errors under ``-W``) at the line in the page's source.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from typing import Any

import yaml
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
DIRECTIVE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\{[^}]+\}")


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


def bad_option_blocks(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line, YAML error) for each directive option block that is not a YAML mapping."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not DIRECTIVE.match(line) or i + 1 >= len(lines) or lines[i + 1].strip() != "---":
            continue
        end = next((j for j in range(i + 2, len(lines)) if lines[j].strip() == "---"), None)
        if end is None:
            continue  # MyST itself reports an option block that never ends
        block = textwrap.dedent("\n".join(lines[i + 2 : end]))
        try:
            options = yaml.safe_load(block)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            offset = mark.line if mark is not None else 0
            problem = getattr(exc, "problem", None) or str(exc)
            yield i + 3 + offset, f"this directive's option block is not valid YAML: {problem}"
            continue
        if options is not None and not isinstance(options, dict):
            yield i + 3, "this directive's option block must be YAML `key: value` lines"


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
    for line, message in bad_option_blocks(source[0]):
        logger.warning(message, location=(docname, line), type="fences")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("source-read", check_fences)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
