"""The mutation tool (mutation/) does what its report claims: the mutants it makes, and that a
mutant the docs pin is killed while one they do not pin survives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "mutation"))

import run as mutation
from examples import Block
from mutants import mutants

SOURCE = '''\
"""Docstring 1 + 1 is not mutated."""


def scale(x: float, factor: float = 2.0) -> float:
    """Scale x."""
    if x < 0:
        raise ValueError(f"x must be >= 0, got {x - 1}")
    return x * factor


def unused(a: list[int]) -> bool:
    return not a and len(a) == 0


LIMIT = 10
'''


def _module(tmp_path: Path) -> Path:
    path = tmp_path / "toy.py"
    path.write_text(SOURCE, encoding="utf-8")
    return path


def test_the_mutants_of_a_small_module(tmp_path: Path) -> None:
    found = [(m.line, m.description, m.in_function) for m in mutants(_module(tmp_path), "toy")]
    assert found == [
        (4, "2.0 -> 3.0", False),  # a default is evaluated at import, not when called
        (6, "< -> <=", True),
        (6, "0 -> 1", True),
        (8, "* -> /", True),
        (12, "and -> or", True),
        (12, "drop not", True),
        (12, "== -> !=", True),
        (12, "0 -> 1", True),
        (15, "10 -> 11", False),
    ]  # nothing from the docstrings, the annotations or the raise statement


def test_a_mutant_compiles_to_the_changed_behaviour(tmp_path: Path) -> None:
    by_description = {m.description: m for m in mutants(_module(tmp_path), "toy")}
    namespace: dict[str, object] = {}
    exec(by_description["* -> /"].code(), namespace)  # noqa: S102
    assert namespace["scale"](3.0) == 1.5  # was 3.0 * 2.0


def test_copy_flags_are_not_mutated(tmp_path: Path) -> None:
    path = tmp_path / "flags.py"
    path.write_text("def f(a):\n    return a.astype(float, copy=False)\n", encoding="utf-8")
    assert mutants(path, "flags") == []


@pytest.fixture
def toy_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package ``toyexplained`` on sys.path, and the tool pointed at it."""
    package = tmp_path / "toyexplained"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "toy.py").write_text(SOURCE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(mutation, "ROOT", tmp_path)
    monkeypatch.setattr(mutation, "PACKAGE_NAME", "toyexplained")
    yield package
    mutation._forget_package()


def test_only_the_mutants_an_example_pins_are_killed(toy_package: Path) -> None:
    page = textwrap.dedent("""\
        >>> from toyexplained.toy import scale
        >>> scale(3.0)
        6.0
        """)
    suite = {"page": [Block("page", "page.md", 0, page)]}
    baseline = mutation.measure_baseline(suite)
    todo = mutants(toy_package / "toy.py", "toyexplained.toy")
    results = mutation.run_mutants(todo, suite, baseline, 2, {})
    outcome = {(r.mutant.line, r.mutant.description): r.outcome for r in results}
    assert outcome[8, "* -> /"] == "killed"  # 3.0 / 2.0 is not 6.0
    assert outcome[4, "2.0 -> 3.0"] == "killed"  # the default factor shows in the output
    assert outcome[6, "0 -> 1"] == "survived"  # x = 3.0 is far from the boundary: not pinned
    assert outcome[12, "and -> or"] == "not reached"  # no example calls unused()
    equivalent = {todo[1].key(toy_package.parent): "recorded as equivalent"}
    rerun = mutation.run_mutants(todo[1:2], suite, baseline, 1, equivalent)
    assert [r.outcome for r in rerun] == ["equivalent"]


def test_a_mutant_that_hangs_is_killed_by_the_time_limit(toy_package: Path) -> None:
    (toy_package / "toy.py").write_text(
        "def countdown(n):\n    while n > 0:\n        n -= 1\n    return n\n", encoding="utf-8"
    )
    page = ">>> from toyexplained.toy import countdown\n>>> countdown(3)\n0\n"
    suite = {"page": [Block("page", "page.md", 0, page)]}
    baseline = mutation.measure_baseline(suite)
    todo = [
        m
        for m in mutants(toy_package / "toy.py", "toyexplained.toy")
        if m.description == "-= -> +="
    ]
    [result] = mutation.run_mutants(todo, suite, baseline, 1, {})
    assert result.outcome == "timeout"


def test_every_recorded_equivalent_names_a_mutant_that_exists() -> None:
    # A stale entry (the line changed or went away) would hide nothing but mislead the reader.
    keys = {m.key(mutation.ROOT) for m in mutation.select([])}
    stale = [key for key in mutation.read_equivalent() if key not in keys]
    assert stale == [], f"mutation/equivalent.txt names mutants that no longer exist: {stale}"


EXPERIMENTS = """\
from ._cache import remember


def _square(x):
    return x * x


def _cube(x):
    return x * x * x


def squares(n):
    return remember("squares", (n,), lambda: [_square(i) for i in range(n)])


def cubes(n):
    return remember("cubes", (n,), lambda: [_cube(i) for i in range(n)])


def both(n):
    return remember("both", (n,), lambda: squares(n) + cubes(n))
"""


def test_a_child_reuses_only_the_computations_the_mutant_cannot_change(
    toy_package: Path,
) -> None:
    (toy_package / "_cache.py").write_text(
        (REPO / "src" / "explained" / "_cache.py").read_text(encoding="utf-8"), encoding="utf-8"
    )  # the package's own cache
    (toy_package / "experiments.py").write_text(EXPERIMENTS, encoding="utf-8")
    page = textwrap.dedent("""\
        >>> from toyexplained.experiments import both, squares
        >>> squares(4)
        [0, 1, 4, 9]
        >>> both(3)
        [0, 1, 4, 0, 1, 8]
        """)
    suite = {"page": [Block("page", "page.md", 0, page)]}
    baseline = mutation.measure_baseline(suite)
    assert set(baseline.results) == {("squares", "(4,)"), ("both", "(3,)"), ("squares", "(3,)"),
                                     ("cubes", "(3,)")}  # fmt: skip
    todo = mutants(toy_package / "experiments.py", "toyexplained.experiments")
    [in_cube] = [m for m in todo if m.line == 9 and m.description == "* -> /"][:1]
    reused = set(mutation.reusable_results(in_cube, baseline))
    # cubes runs _cube, and so does both, which asked for cubes (even when it was remembered)
    assert reused == {("squares", "(4,)"), ("squares", "(3,)")}
    [result] = mutation.run_mutants([in_cube], suite, baseline, 1, {})
    assert result.outcome == "killed"  # cubes and both were computed again, with the mutant
    # A default runs at import and may reach any computation: nothing is reused for it.
    [default] = [m for m in mutants(toy_package / "toy.py", "toyexplained.toy") if m.line == 4]
    assert not default.in_function and mutation.reusable_results(default, baseline) == {}


def test_importing_the_tool_leaves_the_environment_alone() -> None:
    # The tool turns the experiments' cache and joblib's processes off for a mutation run only;
    # the test session and the site benchmark import it and must keep both.
    script = "import os, sys; before = dict(os.environ); import run; sys.exit(before != os.environ)"
    path = os.pathsep.join([str(REPO / "mutation"), str(REPO / "docs" / "_ext")])
    env = {**os.environ, "PYTHONPATH": path}
    assert subprocess.run([sys.executable, "-c", script], env=env, check=False).returncode == 0


def test_results_name_every_mutant_once_and_survive_a_round_trip(
    toy_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (toy_package / "toy.py").write_text("def f(x):\n    return x * 3 + x * 3\n", encoding="utf-8")
    todo = mutants(toy_package / "toy.py", "toyexplained.toy")
    names = mutation.identities(todo)
    assert len(set(names)) == len(names)  # the two "3 -> 4" of the line are told apart
    assert sum(name.endswith("| 3 -> 4 #1") for name in names) == 1
    monkeypatch.setattr(mutation, "RESULTS", toy_package / "results.json")
    outcomes = ["killed", "survived", "timeout", "not reached"]
    results = [mutation.Result(m, outcomes[i % 4], ["page"]) for i, m in enumerate(todo)]
    mutation.save_results(results, "a run")
    stored = json.loads((toy_package / "results.json").read_text(encoding="utf-8"))
    assert stored["run"] == "a run"
    assert [stored["mutants"][name][0] for name in names] == [r.outcome for r in results]
    # Only a survivor keeps its pages: the report names them, and a killed mutant is not re-run.
    assert {tuple(v[1]) for v in stored["mutants"].values() if v[0] != "survived"} == {()}
    # --survivors keeps what was killed or timed out and runs the rest again, new mutants too.
    stored["mutants"].pop(names[0])
    kept, rerun = mutation.split_by_stored(todo, stored["mutants"])
    assert [r.mutant for r in kept] == [m for i, m in enumerate(todo) if i % 2 == 0 and i > 0]
    assert rerun == [todo[0]] + [m for i, m in enumerate(todo) if i % 2 == 1]
