"""explained._cache: one computation per experiment and arguments; on disk only when asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from explained import _cache


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cache, "_MEMORY", {})
    monkeypatch.delenv("EXPLAINED_CACHE_DIR", raising=False)


def test_computes_once_per_arguments_and_hands_out_copies() -> None:
    calls = []

    def compute() -> dict:
        calls.append(1)
        return {"curve": [1, 2, 3]}

    first = _cache.remember("t.curve", (3,), compute)
    first["curve"].append(99)  # a caller that modifies its copy changes nothing for the next one
    assert _cache.remember("t.curve", (3,), compute) == {"curve": [1, 2, 3]}
    assert len(calls) == 1
    _cache.remember("t.curve", (4,), compute)
    assert len(calls) == 2


def test_nothing_on_disk_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _cache.remember("t.off", (), lambda: 1)
    assert list(tmp_path.iterdir()) == []


def test_disk_results_survive_the_process_and_depend_on_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPLAINED_CACHE_DIR", str(tmp_path))
    assert _cache.remember("t.disk", (1,), lambda: [1.5]) == [1.5]
    assert len(list(tmp_path.glob("t.disk-*.pickle"))) == 1
    monkeypatch.setattr(_cache, "_MEMORY", {})  # as if in a new process
    assert _cache.remember("t.disk", (1,), lambda: pytest.fail("recomputed")) == [1.5]
    # An edit of the package changes the key: the old result is never used for new code.
    monkeypatch.setattr(_cache, "_MEMORY", {})
    monkeypatch.setattr(_cache, "_fingerprint", lambda: "edited")
    assert _cache.remember("t.disk", (1,), lambda: [2.5]) == [2.5]
