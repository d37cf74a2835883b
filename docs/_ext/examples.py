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

import ast
import doctest
import faulthandler
import gc
import importlib
import json
import os
import platform
import signal
import sys
import threading
import warnings
from pathlib import Path
from typing import Any, ClassVar

import claims
import dependencies
import example_runner
import figures
from docutils import nodes
from docutils.parsers.rst import directives

# The runner imports no Sphinx, so recorded blocks also run under Pyodide (tests/pyodide/).
from example_runner import Block, Problem, _on_alarm, _PageRunner, run_blocks
from sphinx.application import Sphinx
from sphinx.directives.code import container_wrapper
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

EXAMPLE_LANGUAGES = {"pycon"}
PYTHON_LANGUAGES = {"python", "python3", "py", "py3", "ipython", "ipython3"}


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


def _blocks(doctree: nodes.document) -> list[nodes.Element]:
    """Code blocks and checked values in prose, in page order: the order they run in."""
    kinds = (nodes.literal_block, nodes.doctest_block, claims.checked_value, figures.pending_figure)
    return list(doctree.findall(lambda n: isinstance(n, kinds)))


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
    if isinstance(node, (claims.checked_value, figures.pending_figure)):
        return (node.line or 1) - 1
    if isinstance(node, nodes.doctest_block):
        # Blocks from docstrings point into a generated source; count from their own line.
        return (node.line or 1) - 1
    # MyST gives a fence the line of its opening ``` (1-based); the code starts one below.
    return node.line or 0


def page_blocks(docname: str, doctree: nodes.document) -> list[Block]:
    """The page's blocks to run; warns about code that looks tested but would not be."""
    parser = doctest.DocTestParser()
    found = []
    for node in _blocks(doctree):
        if isinstance(node, claims.checked_value):
            source = node.source or doctree.get("source") or docname
            found.append(Block(docname, source, node.line - 1, claims.check_example(node)))
            continue
        if isinstance(node, figures.pending_figure):
            source = node.source or doctree.get("source") or docname
            call = f"{example_runner.DRAW_CALL}{node['code']!r}, globals(), {node['name']!r})"
            found.append(Block(docname, source, (node.line or 1) - 1, f">>> {call}\n"))
            continue
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
        _warn_unpastable(block)
        found.append(block)
    return found


def _warn_unpastable(block: Block) -> None:
    """What the copy button copies must paste into the interactive interpreter and run: a
    compound statement ends with a ``...`` line, and has no empty ``...`` line inside it."""
    lines = block.text.split("\n")
    for line in example_runner.empty_lines_inside_blocks(block.text):
        where = f"{block.source}:{block.line + line + 1}"
        if ":docstring of " in where:
            where = docstring_location(where, "\n".join(lines[line - 1 : line + 2]))
        logger.warning(
            "this empty `...` line ends the statement in the interactive interpreter, so the "
            "pasted code fails at the next line (`%s`): remove it",
            lines[line + 1].strip(),
            location=where,
            type="examples",
        )
    for unclosed in example_runner.unclosed_compound_statements(block.text):
        shown = "\n".join(lines[unclosed.line : unclosed.last + 1])
        where = f"{block.source}:{block.line + unclosed.line + 1}"
        if ":docstring of " in where:  # report it where the author edits it: in the .py file
            where = docstring_location(where, shown)
        logger.warning(
            "this `%s` example has no closing `...` line: add a line with only `...` after "
            "`%s`. The copy button copies it as an empty line, and without it the pasted code "
            "is a SyntaxError in the interactive interpreter:\n%s",
            unclosed.keyword,
            lines[unclosed.last].strip(),
            _indent(shown).rstrip("\n"),
            location=where,
            type="examples",
        )


_BASELINE: dict[str, Any] = {}


def _capture_baseline(app: Sphinx) -> None:
    import numpy

    _BASELINE.update(
        cwd=os.getcwd(), filters=list(warnings.filters), numpy=numpy.get_printoptions()
    )


def _restore_baseline() -> None:
    """Undo what the last page's examples changed globally (numpy print options, the working
    directory, warning filters), so each page runs as it would on its own."""
    import numpy

    os.chdir(_BASELINE["cwd"])
    warnings.filters[:] = _BASELINE["filters"]
    numpy.set_printoptions(**_BASELINE["numpy"])


def docstring_location(where: str, example: str) -> str:
    """``file.py:line`` of a docstring example that autodoc reported as
    ``file.py:docstring of pkg.mod.func:N`` (a line of the generated text, not of the file)."""
    path, _, rest = where.partition(":docstring of ")
    first = next((line.strip()[4:] for line in example.splitlines() if ">>> " in line), "")
    try:
        text = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return where
    qualname = rest.rsplit(":", 1)[0].split(".")
    span = _docstring_span(ast.parse("\n".join(text)), qualname)
    start, end = span if span else (1, len(text))
    for number in range(start, end + 1):
        if text[number - 1].strip() == f">>> {first}":
            return f"{path}:{number}"
    return where


def _docstring_span(tree: ast.AST, qualname: list[str]) -> tuple[int, int] | None:
    """Lines of the docstring of the object whose dotted name ends with part of ``qualname``."""
    for i in range(len(qualname)):
        node: ast.AST = tree
        for name in qualname[i:]:
            found = next(
                (
                    child
                    for child in getattr(node, "body", [])
                    if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                    and child.name == name
                ),
                None,
            )
            if found is None:
                break
            node = found
        else:
            doc = node.body[0] if getattr(node, "body", None) else None
            if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant):
                return doc.lineno, doc.end_lineno or doc.lineno
    return None


def run_examples(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    _restore_baseline()
    example_runner.FIGURE_DIR = str(figures.figure_dir(app))
    blocks = page_blocks(env.docname, doctree)
    runner = _PageRunner(app.config.examples_timeout)
    previous = signal.getsignal(signal.SIGALRM)
    on_main = threading.current_thread() is threading.main_thread()
    if on_main:
        signal.signal(signal.SIGALRM, _on_alarm)
    # The reader's own objects (Sphinx, docutils, every page read so far) are not the examples'
    # business: frozen, they are not scanned by each collection the examples make or trigger
    # (the gc page's examples took 4.0 s in a reader, 1.7 s with the reader frozen).
    gc.freeze()
    try:
        ran = run_blocks(blocks, runner)
    finally:
        gc.unfreeze()
        if on_main:
            faulthandler.cancel_dump_traceback_later()
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    for problem in runner.problems:
        where = problem.where
        if ":docstring of " in where:  # report it where the author edits it: in the .py file
            where = docstring_location(where, problem.example)
        logger.warning(problem.message, location=where, type="examples")
    _mark_failures(doctree, runner.problems)
    figures.place_images(app, doctree)
    if ran:
        codes = [n["code"] for n in doctree.findall(figures.pending_figure)]
        _depend_on_reached_modules(env, blocks, codes)
    checks = sum(1 for b in blocks if b.text.startswith(f">>> {example_runner.CHECK_CALL}"))
    drawn = sum(1 for b in blocks if b.text.startswith(f">>> {example_runner.DRAW_CALL}"))
    env.explained_examples[env.docname] = ran - checks - drawn  # type: ignore[attr-defined]
    env.explained_ran[env.docname] = ran  # type: ignore[attr-defined]
    env.explained_checks[env.docname] = checks  # type: ignore[attr-defined]
    env.explained_failures[env.docname] = len(runner.problems)  # type: ignore[attr-defined]
    env.explained_digests[env.docname] = example_runner.blocks_digest(blocks)  # type: ignore[attr-defined]


def _mark_failures(doctree: nodes.document, problems: list[Problem]) -> None:
    """Show failures on the page itself: a banner under the title, expected vs got at each one.

    ``make docs`` fails on the warnings anyway; this is for the preview (``make serve``), which
    keeps serving while the author fixes the page, so a failing page never looks verified.
    """
    if not problems:
        return
    nodes_at: dict[tuple[str, int], nodes.Element] = {}
    for node in _blocks(doctree):
        source = node.source or doctree.get("source") or ""
        nodes_at.setdefault((source, _first_code_line(node)), node)
    for problem in problems:
        node = nodes_at.get(problem.block)
        if node is None:
            continue
        if isinstance(node, claims.checked_value):
            node["classes"].append("explained-check-failed")
            node += nodes.Text(f"［✗ 构建核对未通过：{problem.got.strip()}］")
            continue
        text = (
            f"{problem.example}期望（Expected）：\n{_indent(problem.expected)}"
            f"实际（Got）：\n{_indent(problem.got)}"
        )
        line = problem.where.rsplit(":", 1)[-1]
        marker = nodes.container(
            "",
            nodes.paragraph("", f"✗ 第 {line} 行的示例没有通过："),
            nodes.literal_block(text, text, language="text"),
            classes=["explained-example-failure"],
        )
        node.parent.insert(node.parent.index(node) + 1, marker)
    banner = nodes.container(
        "",
        nodes.paragraph(
            "",
            f"本页有 {len(problems)} 个示例没有通过：页面上写的输出与代码实际的结果不一致，"
            "每一处都在示例下方用红框标出（期望与实际）。修好之前，本页的内容不可信。",
        ),
        classes=["explained-failure-banner"],
    )
    section = next(iter(doctree.findall(nodes.section)), None)
    parent = section if section is not None else doctree
    title = next((i for i, c in enumerate(parent.children) if isinstance(c, nodes.title)), -1)
    parent.insert(title + 1, banner)


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.splitlines()) or "    （无输出）\n"


def _depend_on_reached_modules(env: BuildEnvironment, blocks: list[Block], more: list[str]) -> None:
    """Re-read (and so re-run) a page when a file of the package its examples reach changes."""
    parser = doctest.DocTestParser()
    code = [ex.source for block in blocks for ex in parser.get_examples(block.text)] + more
    code += [f"import {block.module}" for block in blocks if block.module]
    for path in dependencies.reached_files(code):
        env.note_dependency(str(path))


# What the gate records per page in the environment: examples (doctest examples only), ran
# (everything that ran: examples, checked values, figures), checks, failures, digests (of the
# page's blocks, for the verified records).
PER_PAGE = (
    "explained_examples",
    "explained_ran",
    "explained_checks",
    "explained_failures",
    "explained_digests",
)


def _init_env(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    for name in PER_PAGE:
        if not hasattr(env, name):
            setattr(env, name, {})


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    for name in PER_PAGE:
        getattr(env, name, {}).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for name in PER_PAGE:
        ours, theirs = getattr(env, name), getattr(other, name)
        for docname in docnames:
            if docname in theirs:
                ours[docname] = theirs[docname]


def verified_record(app: Sphinx) -> Path:
    """This Python's record of the pages whose examples all passed (provenance.py reads them)."""
    name = f"{platform.python_implementation()}-{platform.python_version()}".lower()
    return Path(app.confdir) / "_build" / "verified" / f"{name}.json"


def _write_record(app: Sphinx) -> None:
    env = app.env
    passed = {
        # Everything that ran counts (examples, checked values, figures), as in the Pyodide run.
        docname: {"examples": env.explained_ran[docname], "blocks": digest}
        for docname, digest in env.explained_digests.items()
        if env.explained_ran.get(docname) and not env.explained_failures.get(docname)
    }
    path = verified_record(app)
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    record = {
        "implementation": platform.python_implementation(),
        "python": platform.python_version(),
        "platform": f"{sys.platform} {platform.machine()}",
        # A build of part of the site (tests/pyodide/record.py reads only the Python pages)
        # updates its pages and keeps the others'.
        "examples_passed": {**old.get("examples_passed", {}), **passed},
    }
    for docname, count in env.explained_failures.items():
        if count:
            record["examples_passed"].pop(docname, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _summary(app: Sphinx, exception: Exception | None) -> None:
    if exception is None:
        _write_record(app)
        counts = getattr(app.env, "explained_examples", {})
        checks = sum(getattr(app.env, "explained_checks", {}).values())
        pages = sum(1 for n in counts.values() if n)
        logger.info(
            "examples: %d run on %d pages, and %d checked values in prose",
            sum(counts.values()),
            pages,
            checks,
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("examples_timeout", 60, "env", types=(int, float))
    app.add_directive("norun", NoRun)
    app.connect("builder-inited", _capture_baseline)
    app.connect("env-before-read-docs", _init_env)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    # Before Sphinx's own doctree-read handlers (500) collect the page's images: the figures are
    # drawn, and their images placed, while the examples run.
    app.connect("doctree-read", run_examples, priority=400)
    app.connect("build-finished", _summary)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
