"""The part of the docs gate that runs examples: blocks, their namespaces, the doctest runner.

It imports neither Sphinx nor docutils, so the same code runs the recorded blocks outside a build:
under Pyodide (tests/pyodide/), in the mutation tool (mutation/run.py). ``examples.py`` finds the
blocks while Sphinx reads a page and re-exports everything here.
"""

from __future__ import annotations

import ast
import codeop
import doctest
import faulthandler
import hashlib
import importlib
import re
import signal
import sys
import threading
import traceback
import warnings
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
        self._caught: list[warnings.WarningMessage] | None = None
        self._catching: Any = None
        self._first: dict[int, int] = {}  # id(test) -> index in problems of its first failure
        self._after: dict[int, list[str]] = {}  # id(test) -> lines of the failures after it

    def _where(self, test: doctest.DocTest, example: doctest.Example) -> str:
        return f"{test.filename}:{(test.lineno or 0) + example.lineno + 1}"

    def run(self, test: doctest.DocTest, *args: Any, **kwargs: Any) -> doctest.TestResults:
        result = super().run(test, *args, **kwargs)
        # The failures that follow the first one in a block usually follow *from* it (a name it
        # should have bound, a state it should have left): one line for them, not one report each.
        after = self._after.pop(id(test), [])
        if after:
            first = self.problems[self._first[id(test)]]
            note = (
                f"\n... and {len(after)} more example(s) of this block failed after it, probably "
                f"as a consequence (lines {', '.join(after)})"
            )
            self.problems[self._first[id(test)]] = first._replace_message(first.message + note)
        self._first.pop(id(test), None)
        return result

    def _add(self, test: doctest.DocTest, problem: Problem) -> None:
        if id(test) in self._first:
            self._after.setdefault(id(test), []).append(problem.where.rsplit(":", 1)[-1])
            return
        self._first[id(test)] = len(self.problems)
        self.problems.append(problem)

    # doctest calls report_start right before it executes an example: arm the timer there, and
    # record the warnings it raises (an example must show or expect every warning it causes).
    def report_start(self, out: Any, test: doctest.DocTest, example: doctest.Example) -> None:
        self._catching = warnings.catch_warnings(record=True)
        self._caught = self._catching.__enter__()
        warnings.simplefilter("always")
        if self.timeout and _HAS_TIMER and threading.current_thread() is threading.main_thread():
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
            # Last resort for a hang inside C code, where no Python signal handler can run.
            faulthandler.dump_traceback_later(4 * self.timeout, exit=True)

    def _disarm(self) -> list[warnings.WarningMessage]:
        if _HAS_TIMER and threading.current_thread() is threading.main_thread():
            signal.setitimer(signal.ITIMER_REAL, 0)
            faulthandler.cancel_dump_traceback_later()
        caught, self._caught = self._caught or [], None
        if self._catching is not None:
            self._catching.__exit__(None, None, None)
            self._catching = None
        return caught

    def report_success(self, out, test, example, got) -> None:
        caught = self._disarm()
        unshown = [w for w in caught if w.category.__name__ not in example.want]
        if unshown:
            shown = "".join(
                f"    {w.category.__name__}: {w.message} ({w.filename}:{w.lineno})\n"
                for w in unshown
            )
            self._add(
                test,
                Problem(
                    self._where(test, example),
                    f"example raised a warning it does not show:\n{_show(example)}{shown}"
                    "Fix the cause, or show the warning (print it, or catch it with "
                    "warnings.catch_warnings and show what it says).",
                    (test.filename, test.lineno),
                    _show(example),
                    example.want,
                    shown,
                ),
            )

    def report_failure(self, out, test, example, got) -> None:
        self._disarm()
        if example.source.startswith(CHECK_CALL):
            self._add(test, _checked_problem(self._where(test, example), test, example, got))
            return
        diff = self._checker.output_difference(example, got, self.optionflags)
        self._add(
            test,
            Problem(
                self._where(test, example),
                f"example failed:\n{_show(example)}{diff}",
                (test.filename, test.lineno),
                _show(example),
                example.want,
                got,
            ),
        )

    def report_unexpected_exception(self, out, test, example, exc_info) -> None:
        self._disarm()
        exc_type, exc, tb = exc_info
        # Drop the first frame: it is doctest's own exec(), not the reader's code.
        tb = "".join(traceback.format_exception(exc_type, exc, tb.tb_next if tb else None))
        what = "checked value" if example.source.startswith(CHECK_CALL) else "example"
        self._add(
            test,
            Problem(
                self._where(test, example),
                f"{what} raised an exception:\n{_show(example)}{tb}",
                (test.filename, test.lineno),
                _show(example),
                example.want or "",
                tb,
            ),
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

    def _replace_message(self, message: str) -> Problem:
        return Problem(self.where, message, self.block, self.example, self.expected, self.got)


# -- Checked values in prose --------------------------------------------------------------------
# The {check} role (docs/_ext/claims.py) turns `shown ≈ expression` into an example that calls
# checked(); it runs in the page's namespace at its place on the page, like any other example.
CHECK_CALL = "__import__('example_runner').checked("
_NUMBER = re.compile(
    r"^(?P<sign>[-−]?)(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?\s*(?P<unit>.*)$"
)


def shown_number(shown: str) -> tuple[float, int, bool] | None:
    """(value, decimals, is_percent) of a shown number such as ``4.471``, ``−0.45``, ``13.4 %``,
    ``19,200`` or ``3 倍``; None when ``shown`` does not start with a number."""
    match = _NUMBER.match(shown.strip())
    if match is None:
        return None
    frac = match["frac"] or ""
    value = float(match["digits"].replace(",", "") + frac)
    value = -value if match["sign"] else value
    return value, len(frac) - 1 if frac else 0, match["unit"].strip() in ("%", "％")


def checked(value: Any, shown: str, rule: str) -> None:
    """Print what the page may show for ``value``: ``shown`` itself when the rule holds, else
    what the value really is (the example expects ``shown``, so doctest reports the mismatch)."""
    print(_checked_text(value, shown, rule))


def _checked_text(value: Any, shown: str, rule: str) -> str:
    """``shown`` when the rule holds for ``value``; otherwise what the value really is.

    Rules: ``≈`` the value rounded to the digits shown (times 100 for a percentage) reads as
    ``shown``; ``==`` the value equals the shown number exactly (or, for text, ``str(value)``
    is the text); ``if`` the condition is true.
    """
    if rule == "if":
        return shown if bool(value) else f"the condition is {value!r}, not true"
    number = shown_number(shown)
    if rule == "==":
        if number is None:
            return shown if str(value) == shown else f"str(value) is {str(value)!r}"
        return shown if value == number[0] else f"the value is {value!r}"
    if rule == "≈":
        if number is None:
            raise ValueError(f"'≈' needs a number on the left, got {shown!r}")
        target, decimals, percent = number
        scaled = float(value) * (100 if percent else 1)
        rounded = f"{scaled:.{decimals}f}"
        if float(rounded) == target:
            return shown
        return f"the value is {scaled!r}, which rounds to {rounded}"
    raise ValueError(f"unknown rule {rule!r}: use ≈, == or if")


def _checked_problem(
    where: str, test: doctest.DocTest, example: doctest.Example, got: str
) -> Problem:
    shown = example.want.strip()
    message = (
        f"checked value does not hold: the page shows {shown}, but {got.strip()}\n"
        f"    {example.source.strip()}"
    )
    return Problem(where, message, (test.filename, test.lineno), "", example.want, got)


# -- Figures (docs/_ext/figures.py) ---------------------------------------------------------------
DRAW_CALL = "__import__('example_runner').draw("
# One look for every figure; a white card keeps it legible in furo's dark mode.
FIGURE_STYLE = {
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.figsize": (6.4, 3.6),
    "font.size": 10,
}


# Where draw() saves images; None (the mutation tool, Pyodide) runs a figure's code, saves nothing.
FIGURE_DIR: str | None = None


def draw(code: str, namespace: dict[str, Any], name: str) -> None:
    """Run a figure's code in a copy of the page's namespace; save what it drew as FIGURE_DIR/name.

    The block's text names the image relatively, so it is the same wherever the site is built
    (the versions a page was verified on are matched by the digest of its blocks' texts).
    """
    import os

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    try:
        with plt.rc_context(FIGURE_STYLE):
            exec(compile(code, "<figure>", "exec"), dict(namespace))  # noqa: S102  (the page's own code)
            figure = plt.gcf()
            if not figure.axes:
                raise ValueError("the figure's code drew nothing")
            if FIGURE_DIR is not None:
                outfile = os.path.join(FIGURE_DIR, name)
                os.makedirs(os.path.dirname(outfile), exist_ok=True)
                # "tight": titles and tick labels are never cut off at the edges.
                figure.savefig(outfile, dpi=150, bbox_inches="tight", metadata={"Software": None})
    finally:
        plt.close("all")


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


# -- Examples the reader copies ----------------------------------------------------------------
# The copy button copies the code after the prompts, and "..." alone as an empty line. The classic
# interactive interpreter (CPython 3.10-3.12) ends a compound statement only at an empty line: a
# pasted `def` followed directly by the next statement is a SyntaxError. So an example whose code
# ends in a compound statement must end with a line holding only "...".
_COMPOUND: dict[type, str] = {
    ast.FunctionDef: "def",
    ast.AsyncFunctionDef: "async def",
    ast.ClassDef: "class",
    ast.If: "if",
    ast.For: "for",
    ast.AsyncFor: "async for",
    ast.While: "while",
    ast.With: "with",
    ast.AsyncWith: "async with",
    ast.Try: "try",
    ast.Match: "match",
}
if hasattr(ast, "TryStar"):  # Python 3.11+
    _COMPOUND[ast.TryStar] = "try"


@dataclass(frozen=True)
class UnclosedBlock:
    """An example ending in a compound statement with no closing ``...`` line."""

    line: int  # 0-based line of its >>> line in the block's text
    last: int  # 0-based line of its last line of code, after which "..." belongs
    keyword: str  # "def", "for", "with", ...


def unclosed_compound_statements(text: str) -> list[UnclosedBlock]:
    """The examples in ``text`` whose code ends in a compound statement without a closing ``...``."""
    lines = text.split("\n")
    found = []
    for example in doctest.DocTestParser().get_examples(text):
        try:
            tree = ast.parse(example.source)
        except SyntaxError:
            continue  # running it reports the error
        keyword = _COMPOUND.get(type(tree.body[-1])) if tree.body else None
        if keyword is None:
            continue
        last = example.lineno + 1
        while last < len(lines) and lines[last][example.indent :].startswith("..."):
            last += 1
        last -= 1
        if lines[last][example.indent :].strip() != "...":
            found.append(UnclosedBlock(example.lineno, last, keyword))
    return found


def empty_lines_inside_blocks(text: str) -> list[int]:
    """0-based lines of ``text`` that hold only ``...`` inside an example, where the interactive
    interpreter would take the empty line as the end of the statement (a blank line between two
    methods of a class): pasted, the rest of the example is an IndentationError."""
    lines = text.split("\n")
    found = []
    for example in doctest.DocTestParser().get_examples(text):
        end = example.lineno + 1
        while end < len(lines) and lines[end][example.indent :].startswith("..."):
            end += 1
        code = [line[example.indent + 4 :] for line in lines[example.lineno : end]]
        for i in range(1, len(code) - 1):
            if code[i].strip():
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a SyntaxWarning is the run's to report
                try:
                    complete = codeop.compile_command("\n".join(code[: i + 1]), symbol="single")
                except (SyntaxError, ValueError, OverflowError):
                    complete = True  # the interpreter stops there too, with an error
            if complete is not None:
                found.append(example.lineno + i)
    return found


def blocks_digest(blocks: list[Block]) -> str:
    """sha256 of a page's block texts, in order: a record of the versions a page passed on
    (docs/_ext/provenance.py) is about the page as it is only while this stays the same."""
    return hashlib.sha256("\0".join(b.text for b in blocks).encode()).hexdigest()


def run_blocks(blocks: list[Block], runner: doctest.DocTestRunner) -> int:
    """Run the blocks in order, in their namespaces; return how many examples ran."""
    parser = doctest.DocTestParser()
    page_globs: dict[str, Any] = {"__name__": "__main__"}
    docstring_globs: dict[str, dict[str, Any]] = {}  # one namespace per docstring
    ran = 0
    try:
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
    finally:
        _stop_worker_processes()
    return ran


def _stop_worker_processes() -> None:
    """End the worker processes a page's examples started (``n_jobs=2``: joblib's loky pool).

    joblib keeps them for 300 s after their last task, and a process that Sphinx or the mutation
    tool started to read pages exits only once its children have: a page that fitted a forest
    with ``n_jobs=2`` kept its reader alive for five minutes. joblib has no public call for this;
    its pool is loky's one reusable executor, and joblib's ``terminate`` also removes the
    pool's temporary folder (a plain ``shutdown`` leaves it, and loky warns at exit).
    """
    reusable = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(reusable, "_executor", None)
    if executor is not None:
        getattr(executor, "terminate", executor.shutdown)()
