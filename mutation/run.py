"""Mutation testing of ``explained`` with the docs as the only test suite (issue 8).

Run: ``make mutation`` (all subpackages, writes mutation/report.md), or
``.venv/bin/python mutation/run.py position`` / ``... src/explained/position/rope.py`` for a part.

1. Sphinx builds the site once (dummy builder) and the gate records every block of examples it
   runs: the articles' ``pycon`` fences and the docstring examples on the API pages, exactly what
   ``make docs`` runs (docs/_ext/examples.py).
2. Those blocks are replayed once per page under coverage.py, which gives each page's run time and
   the lines of ``explained`` each page reaches. The replay must pass.
3. For each mutant (mutation/mutants.py) a forked child imports the mutated module and replays the
   pages that reach the mutated statement, fastest first, stopping at the first failing example.
   The mutant is killed if an example fails, raises or runs past the time limit; it survives if
   every example passes, or if no example reaches it at all.
   The slow experiments go through ``explained._cache.remember``. The baseline records what each
   such computation returned and the lines it ran; a child is handed the recorded result of every
   computation that never runs the mutated statement (``reusable_results``), and computes only
   the others. Without that, every mutant would train every model of every page it reaches again.

The score of a subpackage is killed / (mutants - equivalent). Mutants listed in
mutation/equivalent.txt are equivalent (no example could tell them apart: the reason is given).
``figures.py`` modules are not mutated: what they draw is an image the gate does not compare.
Nor is the package's own plumbing outside the subpackages (the results cache): tests/ covers it.
"""

from __future__ import annotations

import argparse
import doctest
import importlib
import importlib.abc
import importlib.util
import io
import json
import math
import os
import pickle
import platform
import signal
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import CodeType, ModuleType

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_NAME = "explained"
PACKAGE = ROOT / "src" / PACKAGE_NAME
SUBPACKAGES = ("python", "position", "multimodal", "ensembles")
TARGET = 90.0  # % of non-equivalent mutants the docs must kill, per subpackage
EQUIVALENT = Path(__file__).with_name("equivalent.txt")

sys.path.insert(0, str(ROOT / "docs" / "_ext"))
sys.path.insert(0, str(Path(__file__).parent))

import examples
from mutants import Mutant, mutants

Suite = dict[str, list[examples.Block]]  # docname -> its blocks, in page order


# -- 1. the suite: what the gate runs ----------------------------------------------------------


def collect_suite() -> Suite:
    """Build the site once and record the blocks the gate runs on every page."""
    from sphinx.application import Sphinx

    suite: Suite = {}
    original = examples.run_blocks

    def recording(blocks: list[examples.Block], runner: doctest.DocTestRunner) -> int:
        if blocks:
            suite[blocks[0].docname] = list(blocks)
        return original(blocks, runner)

    examples.run_blocks = recording
    warnings = io.StringIO()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = Sphinx(
                str(ROOT / "docs"), str(ROOT), f"{tmp}/out", f"{tmp}/doctrees", "dummy",
                status=None, warning=warnings, freshenv=True,
            )  # fmt: skip
            app.build()
    finally:
        examples.run_blocks = original
    if warnings.getvalue():
        sys.exit(f"the docs build is not clean; fix it first:\n{warnings.getvalue()}")
    return suite


# -- 2. baseline: time and coverage per page ---------------------------------------------------


class _Killed(Exception):
    pass


class _FailFast(doctest.DocTestRunner):
    """Stops at the first example that does not pass: that is enough to kill a mutant."""

    def report_failure(self, out, test, example, got) -> None:
        raise _Killed

    def report_unexpected_exception(self, out, test, example, exc_info) -> None:
        raise _Killed


def _forget_package() -> None:
    """Unload the package, so that the next import (of a mutant, say) runs its code again."""
    for name in [n for n in sys.modules if n.partition(".")[0] == PACKAGE_NAME]:
        del sys.modules[name]


Computation = tuple[str, str]  # (name, repr(args)) of one explained._cache.remember call
Lines = dict[Path, set[int]]  # file -> line numbers


@dataclass
class Baseline:
    seconds: dict[str, float] = field(default_factory=dict)  # docname -> replay time
    reached: dict[Path, dict[int, set[str]]] = field(default_factory=dict)  # file -> line -> pages
    # Each remembered computation (the slow experiments): what it returned, and every line it and
    # the computations it asked for ran. A mutant that none of those lines holds cannot change the
    # result, so its child is handed the result instead of computing it again (see _child).
    results: dict[Computation, bytes] = field(default_factory=dict)
    lines: dict[Computation, Lines] = field(default_factory=dict)


_CONTEXT = "\x00"  # separates a page from a computation in a coverage context


class _Recorder:
    """Wraps ``remember`` of the package's ``_cache`` during the baseline: each computation runs
    under its own coverage context, and what it returned is kept."""

    def __init__(self, cov, baseline: Baseline) -> None:
        self.cov, self.baseline = cov, baseline
        self.docname, self.original = "", None
        self.stack: list[Computation] = []
        self.contexts: dict[str, Computation] = {}
        self.inner: dict[Computation, set[Computation]] = {}  # computations each one asked for

    def start_page(self, docname: str) -> None:
        self.docname = docname
        self.cov.switch_context(docname)
        cache = _cache_module()
        if cache is not None:
            self.original, cache.remember = cache.remember, self

    def _switch(self) -> None:
        context = self.docname
        if self.stack:
            context += _CONTEXT + "".join(self.stack[-1])
            self.contexts[context] = self.stack[-1]
        self.cov.switch_context(context)

    def __call__(self, name: str, args: tuple, compute):
        computation = (name, repr(args))
        if self.stack:
            self.inner.setdefault(self.stack[-1], set()).add(computation)
        self.stack.append(computation)
        self._switch()
        try:
            result = self.original(name, args, compute)
        finally:
            self.stack.pop()
            self._switch()
        self.baseline.results[computation] = pickle.dumps(result)
        return result

    def finish(self, data) -> None:
        """Fill the baseline's lines from the coverage data."""
        lines = self.baseline.lines
        for filename in data.measured_files():
            path = Path(filename).resolve()
            by_line = data.contexts_by_lineno(filename)
            self.baseline.reached[path] = {
                n: {c.partition(_CONTEXT)[0] for c in found} for n, found in by_line.items()
            }
            for n, found in by_line.items():
                for context in set(found) & self.contexts.keys():
                    lines.setdefault(self.contexts[context], {}).setdefault(path, set()).add(n)
        merged: dict[Computation, Lines] = {}
        for computation in self.baseline.results:  # with the lines of those it asked for
            todo, seen = [computation], {computation}
            while todo:
                for other in self.inner.get(todo.pop(), set()) - seen:
                    seen.add(other)
                    todo.append(other)
            merged[computation] = {}
            for other in seen:
                for path, numbers in lines.get(other, {}).items():
                    merged[computation].setdefault(path, set()).update(numbers)
        self.baseline.lines = merged


def _cache_module() -> ModuleType | None:
    """The package's results cache (explained._cache), imported afresh, if it has one."""
    try:
        return importlib.import_module(f"{PACKAGE_NAME}._cache")
    except ModuleNotFoundError:
        return None


def measure_baseline(suite: Suite) -> Baseline:
    import coverage

    baseline = Baseline()
    cov = coverage.Coverage(data_file=None, source=[PACKAGE_NAME])
    recorder = _Recorder(cov, baseline)
    _forget_package()
    cov.start()
    try:
        for docname, blocks in suite.items():
            # A fresh import per page: a cache (lru_cache) filled by one page would otherwise
            # hide the code that another page reaches too.
            _forget_package()
            recorder.start_page(docname)
            start = time.perf_counter()
            try:
                examples.run_blocks(blocks, _FailFast(optionflags=0))
            except _Killed:
                sys.exit(f"{docname}: an example fails when replayed outside Sphinx")
            baseline.seconds[docname] = time.perf_counter() - start
    finally:
        cov.stop()
        _forget_package()
    recorder.finish(cov.get_data())
    return baseline


def pages_for(mutant: Mutant, baseline: Baseline) -> list[str]:
    """The pages whose examples reach the mutated statement, fastest first."""
    lines = baseline.reached.get(mutant.path.resolve(), {})
    if mutant.in_function:
        first, last = mutant.statement
        pages = set().union(*(lines.get(n, set()) for n in range(first, last + 1)))
    else:  # runs when the module is imported: any page that uses the module
        pages = set().union(*lines.values())
    return sorted(pages, key=lambda page: baseline.seconds[page])


def reusable_results(mutant: Mutant, baseline: Baseline) -> dict[Computation, bytes]:
    """The baseline's results of the computations that never run the mutated statement.

    A computation is a deterministic function of its arguments and the code it runs (the cache on
    disk relies on the same), so if the original run of it never executed the statement, the
    mutant's run executes exactly the same code and returns the same result. A mutant outside a
    function (a constant, a default) runs at import and may reach anything: nothing is reused.
    """
    path = mutant.path.resolve()
    if not mutant.in_function or path.name == "_cache.py":
        return {}
    first, last = mutant.statement
    statement = set(range(first, last + 1))
    return {
        computation: result
        for computation, result in baseline.results.items()
        if not statement & baseline.lines.get(computation, {}).get(path, set())
    }


# -- 3. mutants, each in a forked child --------------------------------------------------------


class _MutantImporter(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports one module from a mutated code object instead of its file."""

    def __init__(self, mutant: Mutant) -> None:
        self.mutant = mutant
        self.code: CodeType = mutant.code()

    def find_spec(self, fullname, path, target=None):
        if fullname != self.mutant.module:
            return None
        package = [str(self.mutant.path.parent)] if self.mutant.path.name == "__init__.py" else None
        return importlib.util.spec_from_file_location(
            fullname, self.mutant.path, loader=self, submodule_search_locations=package
        )

    def create_module(self, spec) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        exec(self.code, module.__dict__)  # noqa: S102  (the point: run the mutated module)


KILLED, SURVIVED = 1, 0


def _child(
    mutant: Mutant, pages: list[str], suite: Suite, limit: int, reusable: dict[Computation, bytes]
) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # kills the child even inside C code
    signal.alarm(limit)
    code = SURVIVED
    try:
        _forget_package()
        sys.meta_path.insert(0, _MutantImporter(mutant))
        cache = _cache_module()
        if cache is not None and reusable:
            original = cache.remember

            def remember(name, args, compute):
                found = reusable.get((name, repr(args)))
                return original(name, args, compute) if found is None else pickle.loads(found)

            cache.remember = remember
        for page in pages:
            examples.run_blocks(suite[page], _FailFast(optionflags=0))
    except BaseException:  # noqa: BLE001  (a failing example, or a mutant that will not import)
        code = KILLED
    os._exit(code)


@dataclass
class Result:
    mutant: Mutant
    outcome: str  # "killed", "timeout", "survived", "not reached", "equivalent"
    pages: list[str]


def run_mutants(
    todo: list[Mutant], suite: Suite, baseline: Baseline, jobs: int, equivalent: dict[str, str]
) -> list[Result]:
    results: list[Result] = []
    queue = []
    for mutant in todo:
        pages = pages_for(mutant, baseline)
        if mutant.key(ROOT) in equivalent:
            results.append(Result(mutant, "equivalent", pages))
        elif not pages:
            results.append(Result(mutant, "not reached", pages))
        else:
            queue.append((mutant, pages))
    running: dict[int, tuple[Mutant, list[str]]] = {}
    started, done = time.perf_counter(), 0
    while queue or running:
        while queue and len(running) < jobs:
            mutant, pages = queue.pop(0)
            limit = math.ceil(5 + 3 * sum(baseline.seconds[p] for p in pages))
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                _child(mutant, pages, suite, limit, reusable_results(mutant, baseline))
            running[pid] = (mutant, pages)
        pid, status = os.wait()
        mutant, pages = running.pop(pid)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
            outcome = "timeout"
        elif os.WIFEXITED(status) and os.WEXITSTATUS(status) == SURVIVED:
            outcome = "survived"
        else:
            outcome = "killed"
        results.append(Result(mutant, outcome, pages))
        done += 1
        if done % 50 == 0 or not (queue or running):
            elapsed = time.perf_counter() - started
            left = elapsed / done * (len(queue) + len(running))
            print(f"  {done} mutants run, {elapsed:.0f} s, about {left:.0f} s left", flush=True)
    return sorted(results, key=lambda r: (str(r.mutant.path), r.mutant.line, r.mutant.node_index))


# -- report ------------------------------------------------------------------------------------


def read_equivalent() -> dict[str, str]:
    """``key | reason`` lines of mutation/equivalent.txt (key as in Mutant.key)."""
    entries = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, reason = line.rsplit(" | ", 1)
            entries[key] = reason
    return entries


def subpackage_of(mutant: Mutant) -> str:
    return mutant.path.relative_to(PACKAGE).parts[0]


def scores(results: list[Result]) -> dict[str, dict[str, float]]:
    table: dict[str, Counter] = defaultdict(Counter)
    for result in results:
        table[subpackage_of(result.mutant)][result.outcome] += 1
    summary = {}
    for name, counts in sorted(table.items()):
        total = sum(counts.values())
        killed = counts["killed"] + counts["timeout"]
        considered = total - counts["equivalent"]
        summary[name] = {**counts, "total": total, "score": 100.0 * killed / max(considered, 1)}
    return summary


def render(results: list[Result], run: str) -> str:
    import numpy

    summary = scores(results)
    out = [
        "# Mutation testing with the docs as the test suite",
        "",
        "Generated by `make mutation` (mutation/run.py); do not edit by hand. A mutant is killed when",
        "an example on the site fails, raises or times out; see the module docstring of",
        "mutation/run.py for the method and mutation/mutants.py for what is mutated.",
        "",
        f"Run: {run}, on CPython {platform.python_version()}, numpy {numpy.__version__},",
        f"{platform.machine()}. Target: at least {TARGET:.0f}% of the non-equivalent mutants killed",
        "in each subpackage.",
        "",
        "| subpackage | mutants | killed | timed out | survived | not reached | equivalent | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in summary.items():
        cells = ["total", "killed", "timeout", "survived", "not reached", "equivalent"]
        counts = " | ".join(str(int(row.get(c, 0))) for c in cells)
        out.append(f"| {name} | {counts} | {row['score']:.1f}% |")
    for title, outcomes in [
        ("Surviving mutants", ("survived", "not reached")),
        ("Timed out (counted as killed: the gate fails a hang too)", ("timeout",)),
        ("Equivalent mutants", ("equivalent",)),
    ]:
        out += ["", f"## {title}", ""]
        chosen = [r for r in results if r.outcome in outcomes]
        equivalent = read_equivalent()
        for r in chosen:
            m = r.mutant
            where = f"{m.path.relative_to(ROOT).as_posix()}:{m.line}"
            why = equivalent.get(m.key(ROOT)) or (
                "no example reaches it"
                if r.outcome == "not reached"
                else "reached by " + ", ".join(r.pages)
            )
            out.append(f"- `{where}` `{m.description}` in `{m.source_line()}`: {why}")
        if not chosen:
            out.append("None.")
    return "\n".join(out) + "\n"


# -- command line ------------------------------------------------------------------------------


def select(targets: list[str]) -> list[Mutant]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        # figures.py only draws; the package's own modules (the results cache) are plumbing
        # that tests/ covers, not code a page explains.
        if path.name == "figures.py" or relative.parts[0] not in SUBPACKAGES:
            continue
        if targets and not any(
            t in (relative.parts[0], str(path.relative_to(ROOT))) for t in targets
        ):
            continue
        parts = ["explained", *relative.with_suffix("").parts]
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found += mutants(path, module)
    return found


def using(suite: Suite, subpackages: set[str]) -> Suite:
    """The pages whose examples mention ``explained.<subpackage>`` for one of ``subpackages``."""
    names = [f"{PACKAGE_NAME}.{name}" for name in subpackages]
    return {
        page: blocks
        for page, blocks in suite.items()
        if any(
            name in block.text or name in (block.module or "") for block in blocks for name in names
        )
    }


def isolate() -> None:
    """The environment a mutation run needs, set by ``main`` only: importing this module (the
    tests, the site benchmark) changes nothing. numpy and joblib read it when first imported."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one thread per child: -j uses the cores
    # Mutants live in memory: a result kept on disk by an earlier build would hide them.
    os.environ["EXPLAINED_CACHE_DIR"] = ""
    # ... and joblib's worker processes would import the file, not the mutant (n_jobs=2 then
    # "kills" any mutant that changes a tree): joblib runs every Parallel call in this process.
    os.environ["JOBLIB_MULTIPROCESSING"] = "0"


RESULTS = Path(__file__).with_name("results.json")


def identities(todo: list[Mutant]) -> list[str]:
    """A name for each mutant that survives edits elsewhere: its key, and which of the mutants
    with that key it is (a line may hold the same change twice, e.g. two ``3 -> 4``)."""
    seen: Counter = Counter()
    names = []
    for mutant in todo:
        key = mutant.key(ROOT)
        names.append(f"{key} #{seen[key]}")
        seen[key] += 1
    return names


def save_results(results: list[Result], run: str) -> None:
    """One line per mutant: its outcome, and for a survivor the pages that reach it (the report
    names them)."""
    todo = [r.mutant for r in results]
    lines = [
        f"{json.dumps(name, ensure_ascii=False)}: "
        f"{json.dumps([r.outcome, r.pages if r.outcome == 'survived' else []])}"
        for name, r in zip(identities(todo), results, strict=True)
    ]
    RESULTS.write_text(
        f'{{"run": {json.dumps(run)}, "mutants": {{\n' + ",\n".join(lines) + "\n}}\n",
        encoding="utf-8",
    )


def split_by_stored(
    todo: list[Mutant], stored: dict[str, list]
) -> tuple[list[Result], list[Mutant]]:
    """The recorded outcomes that still hold (killed, timed out), and the mutants to run again:
    survived, not reached, equivalent (the list may have changed since) and new ones."""
    kept, rerun = [], []
    for name, mutant in zip(identities(todo), todo, strict=True):
        outcome, pages = stored.get(name, ("new", []))
        if outcome in ("killed", "timeout"):
            kept.append(Result(mutant, outcome, pages))
        else:
            rerun.append(mutant)
    return kept, rerun


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help="subpackages or files (default: all)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--report", type=Path, help="write the Markdown report here")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help=f"run again only the mutants {RESULTS.name} records as surviving, not reached or"
        " equivalent, and new ones; take the killed ones from it (after adding examples or equivalents:"
        " an example added cannot save a killed mutant; after editing the package, run in full)",
    )
    args = parser.parse_args()
    isolate()
    started = time.perf_counter()
    todo = select(args.targets)
    kept: list[Result] = []
    if args.survivors:
        if args.targets:
            parser.error("--survivors re-runs the whole package's survivors: give no targets")
        stored = json.loads(RESULTS.read_text(encoding="utf-8"))
        kept, todo = split_by_stored(todo, stored["mutants"])
        print(f"{len(kept)} outcomes kept from {RESULTS.name} ({stored['run']})")
    print(f"{len(todo)} mutants; collecting the examples (one docs build)...", flush=True)
    suite = collect_suite()
    if args.targets:  # a partial run: only the pages that import the subpackages it mutates
        suite = using(suite, {subpackage_of(m) for m in todo})
    print(f"{sum(len(b) for b in suite.values())} blocks on {len(suite)} pages; baseline...")
    baseline = measure_baseline(suite)
    results = run_mutants(todo, suite, baseline, args.jobs, read_equivalent())
    minutes = (time.perf_counter() - started) / 60
    run = f"{minutes:.0f} min with {args.jobs} worker(s), {date.today().isoformat()}"
    if args.survivors:
        run = f"{stored['run']}; then {len(todo)} survivors and new mutants again, {run}"
        results = sorted(
            kept + results, key=lambda r: (str(r.mutant.path), r.mutant.line, r.mutant.node_index)
        )
    if args.report:
        args.report.write_text(render(results, run), encoding="utf-8")
        if not args.targets:
            save_results(results, run)
    summary = scores(results)
    for name, row in summary.items():
        print(f"explained.{name}: {row['score']:.1f}% of {int(row['total'])} mutants killed")
    return 0 if all(row["score"] >= TARGET for row in summary.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
