"""'Last updated' dates: the commit that last changed the page, never a shallow clone's cut-off."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import last_updated
import pytest


def _git(cwd: Path, *args: str, when: int | None = None) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t")
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{when} +0000"
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A repository where page.md last changed in the first of three commits."""
    repo = tmp_path / "origin"
    repo.mkdir()
    _git(repo, "init", "-q")
    for i, name in enumerate(["page.md", "other.md", "other.md"]):
        (repo / name).write_text(f"{i}\n", encoding="utf-8")
        _git(repo, "add", name)
        _git(repo, "commit", "-qm", f"commit {i}", when=1_700_000_000 + 86_400 * i)
    return repo


def test_full_clone_dates_the_page_by_its_last_change(history: Path, tmp_path: Path) -> None:
    _git(tmp_path, "clone", "-q", history.as_uri(), "full")
    last_updated._cache.clear()
    assert last_updated.page_timestamp(tmp_path / "full" / "page.md") == 1_700_000_000


def test_shallow_clone_refuses_rather_than_print_the_cut_off_date(
    history: Path, tmp_path: Path
) -> None:
    _git(tmp_path, "clone", "-q", "--depth", "2", history.as_uri(), "shallow")
    page = tmp_path / "shallow" / "page.md"
    # What a naive `git log -1 -- page.md` says there: the cut-off commit, a day too late.
    naive = _git(page.parent, "log", "-1", "--format=%ct", "--", "page.md").strip()
    assert int(naive) == 1_700_000_000 + 86_400
    last_updated._cache.clear()
    with pytest.raises(last_updated.ShallowHistory):
        last_updated.page_timestamp(page)
    # A file the shallow history does date correctly keeps its date.
    assert last_updated.page_timestamp(tmp_path / "shallow" / "other.md") == 1_700_172_800
