"""docs/_ext/read_order.py: the parallel readers get equal shares of the last build's read time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st
from sphinx.util.parallel import make_chunks

EXT = Path(__file__).resolve().parents[1] / "docs" / "_ext"
sys.path.insert(0, str(EXT))

import read_order

# Seconds each page's examples took in one cold replay (benchmarks/site_performance.py).
SITE = {
    "api/ensembles": 2.0, "api/index": 0.0, "api/multimodal": 2.6, "api/position": 0.9,
    "api/python": 0.6, "bibliography": 0.0, "ensembles/adaboost": 4.6, "ensembles/gbdt": 6.7,
    "ensembles/index": 0.0, "ensembles/random-forest": 25.4, "index": 0.0, "multimodal/blip": 6.3,
    "multimodal/clip": 1.2, "multimodal/index": 0.0, "multimodal/siglip": 10.4,
    "position/index": 0.0, "position/rope": 1.0, "position/survey": 1.0, "python/gc": 0.7,
    "python/generators": 3.2, "python/index": 0.0, "python/list-tuple": 0.8,
    "python/mutability": 0.1,
}  # fmt: skip


def loads(order: list[str], seconds: dict[str, float], nproc: int) -> list[float]:
    """Total time of each chunk Sphinx makes of ``order``."""
    return [sum(seconds.get(d, 0.0) for d in chunk) for chunk in make_chunks(order, nproc)]


def test_the_slow_pages_are_spread_over_the_readers():
    alphabetical = sorted(SITE)
    before = loads(alphabetical, SITE, 2)
    after = loads(read_order.balanced_order(alphabetical, SITE, 2), SITE, 2)
    assert max(before[:2]) > 40  # the API and ensemble pages in one chunk
    assert max(after[:2]) < 0.5 * sum(SITE.values()) + 1  # now about half each
    assert sum(after[2:]) < 1  # the chunk that starts last gets the cheap pages


@given(
    st.dictionaries(
        st.text("abcdef/", min_size=1, max_size=6),
        st.floats(0, 100, allow_nan=False),
        min_size=1,
        max_size=40,
    ),
    st.integers(1, 4),
)
def test_the_order_is_a_permutation(seconds, nproc):
    docnames = sorted(seconds)
    order = read_order.balanced_order(docnames, seconds, nproc)
    assert sorted(order) == docnames


def _reordered(tmp_path, monkeypatch, record: dict | None, parallel: int) -> list[str]:
    monkeypatch.setenv("EXPLAINED_CACHE_DIR", str(tmp_path))
    if record is not None:
        (tmp_path / read_order.RECORD).write_text(json.dumps(record), encoding="utf-8")
    docnames = sorted(SITE)
    read_order._reorder(SimpleNamespace(parallel=parallel), SimpleNamespace(), docnames)
    return docnames


def test_without_a_record_or_parallel_reading_the_order_stays(tmp_path, monkeypatch):
    assert _reordered(tmp_path, monkeypatch, None, 2) == sorted(SITE)
    assert _reordered(tmp_path, monkeypatch, SITE, 1) == sorted(SITE)
    assert _reordered(tmp_path, monkeypatch, SITE, 2) != sorted(SITE)


def test_a_damaged_record_only_costs_the_balance(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLAINED_CACHE_DIR", str(tmp_path))
    (tmp_path / read_order.RECORD).write_text("{not json", encoding="utf-8")
    assert read_order._last_times() == {}


def test_a_build_records_every_page_it_read(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(EXT)!r})\nextensions = ['read_order']\n",
        encoding="utf-8",
    )
    for name in ("a", "b"):
        (tmp_path / "src" / f"{name}.rst").write_text(f"{name}\n=\n", encoding="utf-8")
    (tmp_path / "src" / "index.rst").write_text(
        "Home\n====\n\n.. toctree::\n\n   a\n   b\n", encoding="utf-8"
    )
    cache = tmp_path / "cache"
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(tmp_path / "src"),
         str(tmp_path / "out")],
        check=True, env={**os.environ, "EXPLAINED_CACHE_DIR": str(cache)},
    )  # fmt: skip
    record = json.loads((cache / read_order.RECORD).read_text(encoding="utf-8"))
    assert sorted(record) == ["a", "b", "index"]
    assert all(seconds >= 0 for seconds in record.values())
