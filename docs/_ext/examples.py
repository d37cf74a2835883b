"""Run every example on every page while Sphinx reads it.

This is the site's gate. Each page's ``pycon`` fences (and the ``>>>`` blocks that autodoc brings
in from docstrings) run top to bottom in one namespace per page, with the standard library's
``doctest`` comparing output. Anything that does not match, raises unexpectedly or runs too long
is reported as a Sphinx warning at ``file:line``; ``make docs`` builds with ``-W``, so the build
fails. Because the examples run while a page is *read*, ``sphinx-autobuild`` re-runs a page's
examples whenever the page or the companion package changes.

Two more rules keep a page from looking tested without being tested:

* a ``python`` code block is an error: write it as a ``pycon`` example, or, when it must not run,
  as a ``{norun}`` block whose argument says why (the reason is printed under the code);
* ``# doctest: +SKIP`` is an error for the same reason.
"""

from __future__ import annotations

import doctest
import faulthandler
import importlib
import signal
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.directives.code import container_wrapper
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

EXAMPLE_LANGUAGES = {"pycon"}
PYTHON_LANGUAGES = {"python", "python3", "py", "py3", "ipython", "ipython3"}


class ExampleTimeout(Exception):
    """Raised inside an example that runs longer than ``examples_timeout`` seconds."""


class NoRun(SphinxDirective):
    """Python code shown but not executed; the required argument says why, on the page."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar = {"name": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        code = "\n".join(self.content)
        literal = nodes.literal_block(code, code, language="python", norun=True)
        self.set_source_info(literal)
        wrapped = container_wrapper(self, literal, f"不运行的代码：{self.arguments[0]}")
        self.add_name(wrapped)
        return [wrapped]


class _PageRunner(doctest.DocTestRunner):
    """A doctest runner that collects problems instead of printing them."""

    def __init__(self, timeout: float) -> None:
        super().__init__(verbose=False, optionflags=0)
        self.timeout = timeout
        self.problems: list[tuple[str, str]] = []  # ("file:line", message)

    def _where(self, test: doctest.DocTest, example: doctest.Example) -> str:
        return f"{test.filename}:{(test.lineno or 0) + example.lineno + 1}"

    # doctest calls report_start right before it executes an example: arm the timer there.
    def report_start(self, out: Any, test: doctest.DocTest, example: doctest.Example) -> None:
        if self.timeout and threading.current_thread() is threading.main_thread():
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
            # Last resort for a hang inside C code, where no Python signal handler can run.
            faulthandler.dump_traceback_later(4 * self.timeout, exit=True)

    def _disarm(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.setitimer(signal.ITIMER_REAL, 0)
            faulthandler.cancel_dump_traceback_later()

    def report_success(self, out, test, example, got) -> None:
        self._disarm()

    def report_failure(self, out, test, example, got) -> None:
        self._disarm()
        diff = self._checker.output_difference(example, got, self.optionflags)
        self.problems.append(
            (self._where(test, example), f"example failed:\n{_show(example)}{diff}")
        )

    def report_unexpected_exception(self, out, test, example, exc_info) -> None:
        self._disarm()
        exc_type, exc, tb = exc_info
        # Drop the first frame: it is doctest's own exec(), not the reader's code.
        tb = "".join(traceback.format_exception(exc_type, exc, tb.tb_next if tb else None))
        self.problems.append(
            (self._where(test, example), f"example raised an exception:\n{_show(example)}{tb}")
        )


def _show(example: doctest.Example) -> str:
    lines = example.source.rstrip("\n").split("\n")
    return "".join(f"    {'>>>' if i == 0 else '...'} {line}\n" for i, line in enumerate(lines))


def _on_alarm(signum: int, frame: Any) -> None:
    raise ExampleTimeout("the example did not finish within examples_timeout seconds (conf.py)")


def _blocks(doctree: nodes.document) -> list[nodes.Element]:
    return list(
        doctree.findall(lambda n: isinstance(n, (nodes.literal_block, nodes.doctest_block)))
    )


def _docstring_module(source: str) -> str | None:
    """The module whose namespace a docstring's examples run in, as under pytest --doctest-modules.

    autodoc marks blocks from docstrings with a source like ``.../x.py:docstring of pkg.mod.func``.
    """
    marker = ":docstring of "
    if marker not in source:
        return None
    parts = source.split(marker, 1)[1].split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        return name
    return None


def _first_code_line(node: nodes.Element) -> int:
    """0-based line in the source file of the block's first line of code."""
    if isinstance(node, nodes.doctest_block):
        # Blocks from docstrings point into a generated source; count from their own line.
        return (node.line or 1) - 1
    # MyST gives a fence the line of its opening ``` (1-based); the code starts one below.
    return node.line or 0


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


def page_blocks(docname: str, doctree: nodes.document) -> list[Block]:
    """The page's blocks to run; warns about code that looks tested but would not be."""
    parser = doctest.DocTestParser()
    found = []
    for node in _blocks(doctree):
        language = node.get("language", "")
        location = (docname, node.line)
        if isinstance(node, nodes.literal_block) and language in PYTHON_LANGUAGES:
            if not node.get("norun"):
                logger.warning(
                    "this %s code block is not executed by the gate: write it as a "
                    "```pycon``` example, or as ```{norun} <why it must not run>```",
                    language,
                    location=location,
                    type="examples",
                )
            continue
        if isinstance(node, nodes.literal_block) and language not in EXAMPLE_LANGUAGES:
            continue
        source = node.source or doctree.get("source") or docname
        text = node.astext() + "\n"
        block = Block(docname, source, _first_code_line(node), text, _docstring_module(source))
        examples = parser.get_examples(block.text)
        if not examples:
            logger.warning(
                "this pycon block has no >>> example to run", location=location, type="examples"
            )
            continue
        for ex in examples:
            if ex.options.get(doctest.SKIP):
                logger.warning(
                    "+SKIP is not allowed: an example that cannot run belongs in a "
                    "```{norun} <why>``` block",
                    location=f"{source}:{block.line + ex.lineno + 1}",
                    type="examples",
                )
        found.append(block)
    return found


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


def run_examples(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    blocks = page_blocks(env.docname, doctree)
    runner = _PageRunner(app.config.examples_timeout)
    previous = signal.getsignal(signal.SIGALRM)
    on_main = threading.current_thread() is threading.main_thread()
    if on_main:
        signal.signal(signal.SIGALRM, _on_alarm)
    try:
        ran = run_blocks(blocks, runner)
    finally:
        if on_main:
            faulthandler.cancel_dump_traceback_later()
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    for where, message in runner.problems:
        logger.warning(message, location=where, type="examples")
    if ran:
        _depend_on_package(env)
    env.explained_examples[env.docname] = ran  # type: ignore[attr-defined]


def _depend_on_package(env: BuildEnvironment) -> None:
    """Re-read (and so re-run) a page when any file of the companion package changes."""
    import explained

    for path in sorted(Path(explained.__file__).parent.rglob("*.py")):
        env.note_dependency(str(path))


def _init_env(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if not hasattr(env, "explained_examples"):
        env.explained_examples = {}  # type: ignore[attr-defined]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "explained_examples", {}).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in other.explained_examples:  # type: ignore[attr-defined]
            env.explained_examples[docname] = other.explained_examples[docname]  # type: ignore[attr-defined]


def _summary(app: Sphinx, exception: Exception | None) -> None:
    if exception is None:
        counts = getattr(app.env, "explained_examples", {})
        pages = sum(1 for n in counts.values() if n)
        logger.info("examples: %d run on %d pages", sum(counts.values()), pages)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("examples_timeout", 60, "env", types=(int, float))
    app.add_directive("norun", NoRun)
    app.connect("env-before-read-docs", _init_env)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-read", run_examples)
    app.connect("build-finished", _summary)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
