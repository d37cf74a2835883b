""" "Last updated" dates that depend on the commit, not on when or where the site was built.

Sphinx's own ``html_last_updated_fmt`` stamps every page with the build time, so two builds of one
commit differ and every page claims to be fresh. Here a page's date is the commit date of the last
commit that touched its source file (``git log -1 --format=%ct``). Outside a git checkout (an
sdist, a scratch copy in the tests), or for a file git does not track yet, ``SOURCE_DATE_EPOCH``
is used when set; otherwise the page shows no date rather than a made-up one. In a shallow clone
(``git clone --depth N``) the last commit git sees may be the clone's cut-off rather than the
file's last change: then the page says the date is unknown instead of printing a wrong one.

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


UNKNOWN = "未知（构建用的是浅克隆，git 历史不完整）"


class ShallowHistory(Exception):
    """The last commit git finds for a file is a shallow clone's boundary: the true one is older."""


def _git(path: Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _shallow_boundary(path: Path) -> set[str]:
    """Commits at the edge of a shallow clone (empty for a full one).

    git log treats such a commit as the file's creation, so its date is not the file's last
    change: a ``--depth`` clone (Read the Docs clones shallow) would print wrong dates.
    """
    if _git(path, "rev-parse", "--is-shallow-repository") != "true":
        return set()
    shallow = Path(_git(path, "rev-parse", "--absolute-git-dir")) / "shallow"
    return set(shallow.read_text(encoding="utf-8").split()) if shallow.is_file() else set()


def _git_timestamp(path: Path) -> int | None:
    """Commit time of the last commit that changed ``path``; None when git does not know the file."""
    if path not in _cache:
        out = _git(path, "log", "-1", "--format=%H %ct", "--", path.name).split()
        if len(out) == 2 and out[0] in _shallow_boundary(path):
            _cache[path] = -1  # see page_timestamp
        else:
            _cache[path] = int(out[1]) if len(out) == 2 and out[1].isdigit() else None
    if _cache[path] == -1:
        raise ShallowHistory(path)
    return _cache[path]


def page_timestamp(path: Path) -> int | None:
    """The page's date; raises ShallowHistory rather than return a wrong one."""
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
    try:
        stamp = page_timestamp(Path(app.env.doc2path(pagename)))
    except ShallowHistory:
        # Say so on the page rather than print the clone's cut-off date (`git fetch --unshallow`).
        context["last_updated"] = UNKNOWN
        return
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
