""" "Last updated" dates that depend on the commit, not on when or where the site was built.

Sphinx's own ``html_last_updated_fmt`` stamps every page with the build time, so two builds of one
commit differ and every page claims to be fresh. Here a page's date is the commit date of the last
commit that touched its source file (``git log -1 --format=%ct``). Outside a git checkout (an
sdist, a scratch copy in the tests), or for a file git does not track yet, ``SOURCE_DATE_EPOCH``
is used when set; otherwise the page shows no date rather than a made-up one.

The date also goes into ``<meta property="article:modified_time">`` for link previews.
"""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

_cache: dict[Path, int | None] = {}


def _git_timestamp(path: Path) -> int | None:
    if path not in _cache:
        try:
            out = subprocess.run(
                ["git", "log", "-1", "--format=%ct", "--", path.name],
                cwd=path.parent,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        _cache[path] = int(out) if out.isdigit() else None
    return _cache[path]


def page_timestamp(path: Path) -> int | None:
    stamp = _git_timestamp(path)
    if stamp is None and os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        stamp = int(os.environ["SOURCE_DATE_EPOCH"])
    return stamp


def _context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if "last_updated" not in context or not app.config.html_last_updated_fmt:
        return
    context["last_updated"] = None
    if doctree is None or pagename not in app.env.all_docs:
        return
    stamp = page_timestamp(Path(app.env.doc2path(pagename)))
    if stamp is None:
        return
    date = datetime.fromtimestamp(stamp, timezone.utc)
    context["last_updated"] = time.strftime(app.config.html_last_updated_fmt, date.timetuple())
    context["metatags"] = context.get("metatags", "") + (
        f'\n    <meta property="article:modified_time" content="{date.isoformat()}" />'
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _context)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
