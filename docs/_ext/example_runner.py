"""The part of the docs gate that runs examples: blocks, their namespaces, the doctest runner.

It imports neither Sphinx nor docutils, so the same code runs the recorded blocks outside a build:
under Pyodide (tests/pyodide/), in the mutation tool (mutation/run.py). ``examples.py`` finds the
blocks while Sphinx reads a page and re-exports everything here.
"""

from __future__ import annotations

import doctest
import faulthandler
import importlib
import signal
import threading
import traceback
from dataclasses import dataclass
from typing import Any

# Interval timers exist on Linux and macOS; Emscripten (Pyodide) and Windows have none, so there
# the per-example time limit is not enforced (the caller bounds the whole run instead).
_HAS_TIMER = hasattr(signal, "setitimer")


class ExampleTimeout(Exception):
    """Raised inside an example that runs longer than ``examples_timeout`` seconds."""


class _PageRunner(doctest.DocTestRunner):
    """A doctest runner that collects problems instead of printing them."""

    def __init__(self, timeout: float) -> None:
        super().__init__(verbose=False, optionflags=0)
        self.timeout = timeout
        self.problems: list[Problem] = []

    def _where(self, test: doctest.DocTest, example: doctest.Example) -> str:
        return f"{test.filename}:{(test.lineno or 0) + example.lineno + 1}"

    # doctest calls report_start right before it executes an example: arm the timer there.
    def report_start(self, out: Any, test: doctest.DocTest, example: doctest.Example) -> None:
        if self.timeout and _HAS_TIMER and threading.current_thread() is threading.main_thread():
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
            # Last resort for a hang inside C code, where no Python signal handler can run.
            faulthandler.dump_traceback_later(4 * self.timeout, exit=True)

    def _disarm(self) -> None:
        if _HAS_TIMER and threading.current_thread() is threading.main_thread():
            signal.setitimer(signal.ITIMER_REAL, 0)
            faulthandler.cancel_dump_traceback_later()

    def report_success(self, out, test, example, got) -> None:
        self._disarm()

    def report_failure(self, out, test, example, got) -> None:
        self._disarm()
        diff = self._checker.output_difference(example, got, self.optionflags)
        self.problems.append(
            Problem(
                self._where(test, example),
                f"example failed:\n{_show(example)}{diff}",
                (test.filename, test.lineno),
                _show(example),
                example.want,
                got,
            )
        )

    def report_unexpected_exception(self, out, test, example, exc_info) -> None:
        self._disarm()
        exc_type, exc, tb = exc_info
        # Drop the first frame: it is doctest's own exec(), not the reader's code.
        tb = "".join(traceback.format_exception(exc_type, exc, tb.tb_next if tb else None))
        self.problems.append(
            Problem(
                self._where(test, example),
                f"example raised an exception:\n{_show(example)}{tb}",
                (test.filename, test.lineno),
                _show(example),
                example.want or "",
                tb,
            )
        )


@dataclass(frozen=True)
class Problem:
    """A failing example: where, the warning's text, and what the page shows beside it."""

    where: str  # "file:line" of the example's >>> line
    message: str
    block: tuple[str, int]  # (source, line) of its block, as in Block
    example: str
    expected: str
    got: str


def _show(example: doctest.Example) -> str:
    lines = example.source.rstrip("\n").split("\n")
    return "".join(f"    {'>>>' if i == 0 else '...'} {line}\n" for i, line in enumerate(lines))


def _on_alarm(signum: int, frame: Any) -> None:
    raise ExampleTimeout("the example did not finish within examples_timeout seconds (conf.py)")


@dataclass(frozen=True)
class Block:
    """One block of examples the gate runs: where it is, its text, and its namespace.

    Blocks of a page share one namespace, top to bottom; a docstring's blocks run in a copy of
    their module's namespace (``module``). The mutation tool (mutation/run.py) replays them.
    """

    docname: str
    source: str
    line: int  # 0-based line of the block's first line of code in ``source``
    text: str
    module: str | None = None


def run_blocks(blocks: list[Block], runner: doctest.DocTestRunner) -> int:
    """Run the blocks in order, in their namespaces; return how many examples ran."""
    parser = doctest.DocTestParser()
    page_globs: dict[str, Any] = {"__name__": "__main__"}
    docstring_globs: dict[str, dict[str, Any]] = {}  # one namespace per docstring
    ran = 0
    for block in blocks:
        if block.module is None:
            globs = page_globs
        else:
            module = importlib.import_module(block.module)
            globs = docstring_globs.setdefault(block.source, dict(vars(module)))
        test = parser.get_doctest(block.text, globs, block.docname, block.source, block.line)
        test.examples = [ex for ex in test.examples if not ex.options.get(doctest.SKIP)]
        runner.run(test, clear_globs=False)
        # DocTest runs in a copy of the namespace: carry its state on to the next block.
        if block.module is None:
            page_globs = test.globs
        else:
            docstring_globs[block.source] = test.globs
        ran += len(test.examples)
    return ran
