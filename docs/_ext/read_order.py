"""Give the parallel readers equal shares of work: slow pages are spread by their last read time.

With ``-j auto`` Sphinx reads the pages in chunks of consecutive docnames, one process per chunk
(``sphinx.util.parallel.make_chunks``). In alphabetical order the API pages and the three ensemble
articles, which run most of the site's experiments, land in one chunk, and one core idles while
the other reads them. Each build records how long every page took to read, in the experiments'
cache folder (``EXPLAINED_CACHE_DIR``, ``_build/cache``, which ``make docs`` keeps); the next
build reorders the pages (the ``env-before-read-docs`` event exists for that) so that the chunks
that start together get about the same total time. The order changes nothing but the schedule.
Without a record (a fresh clone) the order stays alphabetical.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.parallel import make_chunks

RECORD = "read-seconds.json"


def _record_path() -> Path | None:
    folder = os.environ.get("EXPLAINED_CACHE_DIR")
    return Path(folder) / RECORD if folder else None


def _last_times() -> dict[str, float]:
    path = _record_path()
    if path is None or not path.is_file():
        return {}
    try:
        return {str(k): float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (ValueError, AttributeError):  # a damaged record only costs the balance
        return {}


def balanced_order(docnames: list[str], seconds: dict[str, float], nproc: int) -> list[str]:
    """``docnames`` reordered so that the first ``nproc`` chunks of ``make_chunks`` (the ones that
    start at once) get about equal time: slowest first, each into the least loaded of them that
    has room (longest-processing-time scheduling); the cheapest pages fill the later chunks."""
    sizes = [len(chunk) for chunk in make_chunks(docnames, nproc)]
    first, rest = sizes[:nproc], sum(sizes[nproc:])
    ranked = sorted(docnames, key=lambda d: -seconds.get(d, 0.0))  # stable: ties alphabetical
    later = ranked[len(ranked) - rest :] if rest else []
    chunks: list[list[str]] = [[] for _ in first]
    loads = [0.0] * len(first)
    for doc in ranked[: len(ranked) - rest]:
        open_ = [i for i in range(len(first)) if len(chunks[i]) < first[i]]
        i = min(open_, key=lambda i: loads[i])
        chunks[i].append(doc)
        loads[i] += seconds.get(doc, 0.0)
    return [doc for chunk in chunks for doc in sorted(chunk)] + sorted(later)


def _reorder(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    env.explained_read_seconds = getattr(env, "explained_read_seconds", {})  # type: ignore[attr-defined]
    # Sphinx reads in parallel from 6 pages on (Builder.read).
    if app.parallel <= 1 or len(docnames) <= 5:
        return
    seconds = _last_times()
    if any(doc in seconds for doc in docnames):
        docnames[:] = balanced_order(docnames, seconds, app.parallel)


def _start(app: Sphinx, docname: str, source: list[str]) -> None:
    app.env.explained_read_started = time.perf_counter()  # type: ignore[attr-defined]


def _stop(app: Sphinx, doctree: Any) -> None:
    started = getattr(app.env, "explained_read_started", None)
    if started is not None:
        app.env.explained_read_seconds[app.env.docname] = time.perf_counter() - started  # type: ignore[attr-defined]


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = getattr(other, "explained_read_seconds", {})
    env.explained_read_seconds.update({d: theirs[d] for d in docnames if d in theirs})  # type: ignore[attr-defined]


def _save(app: Sphinx, env: BuildEnvironment) -> list[str]:
    path = _record_path()
    measured = getattr(env, "explained_read_seconds", {})
    if path is not None and measured:
        record = {**_last_times(), **measured}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    env.explained_read_seconds = {}  # type: ignore[attr-defined]
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-before-read-docs", _reorder)
    app.connect("source-read", _start)
    app.connect("doctree-read", _stop, priority=900)  # after the examples (400) and Sphinx's own
    app.connect("env-merge-info", _merge)
    app.connect("env-updated", _save)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
