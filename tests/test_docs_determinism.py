"""The build is a function of the sources: same verdict under any hash seed, same bytes twice.

Two clean builds of one scratch copy of the site, each with a random ``PYTHONHASHSEED`` (so that
an example or an extension that depends on the order of a set or a dict shows up), the same
``SOURCE_DATE_EPOCH`` and the same output path, must both pass the gate with no warning and write
byte-identical files. Nothing is excluded: a file that differs is reported with the first place
where it does.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docs_build import copy_site

# Whole-site check, the same on every Python: make test-matrix leaves it to the default one.
pytestmark = pytest.mark.site

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z


def _build(site: Path, out: Path, seed: int) -> tuple[int, list[str], str]:
    shutil.rmtree(out, ignore_errors=True)
    doctrees = out.parent / "doctrees"
    shutil.rmtree(doctrees, ignore_errors=True)
    env = dict(os.environ, PYTHONHASHSEED=str(seed), SOURCE_DATE_EPOCH=EPOCH)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-c",
            str(site),
            "-W",
            "--keep-going",
            "-j",
            "auto",
            "-b",
            "html",
            "-d",
            str(doctrees),
            str(site / "docs"),
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    output = proc.stdout + proc.stderr
    warnings = sorted(line for line in output.splitlines() if "WARNING" in line or "ERROR" in line)
    return proc.returncode, warnings, output


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _first_difference(a: bytes, b: bytes) -> str:
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"at byte {i}: {a[max(0, i - 80) : i + 80]!r}\n   vs: {b[max(0, i - 80) : i + 80]!r}"


def test_same_verdict_and_identical_html_under_random_hash_seeds(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    site = copy_site(tmp_path / "site")
    seeds = random.sample(range(1, 2**32 - 1), 2)
    out = tmp_path / "html"
    trees = []
    for seed in seeds:
        code, warnings, output = _build(site, out, seed)
        assert code == 0 and warnings == [], (
            f"PYTHONHASHSEED={seed}: the gate failed\n" + "\n".join(warnings) + output[-3000:]
        )
        trees.append(_files(out))
    first, second = trees
    assert first.keys() == second.keys(), (
        f"PYTHONHASHSEED={seeds}: files only in one build: {sorted(first.keys() ^ second.keys())}"
    )
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"PYTHONHASHSEED={seeds}: {len(differing)} files differ:\n" + "\n".join(
        f"{name} {_first_difference(first[name], second[name])}" for name in differing[:8]
    )
