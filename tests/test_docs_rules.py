"""Each rule of the gate, proved on a one-page scratch site that uses the real conf.py and extensions."""

from __future__ import annotations

import json
import re
from pathlib import Path

from docs_build import ROOT, assert_math_served_locally, copy_site, reported, sphinx_build

HEADER = "(test-page)=\n# 测试页\n\n"


def body_line(n: int) -> int:
    """Line number in the page of line ``n`` (1-based) of the body passed to build_page."""
    return HEADER.count("\n") + n


def build_page(tmp_path: Path, body: str, *extra: str):
    site = copy_site(tmp_path, pages=False)
    page = site / "docs" / "index.md"
    page.write_text(HEADER + body, encoding="utf-8")
    return page, sphinx_build(site, tmp_path / "html", *extra)


def test_a_passing_page_builds(tmp_path: Path) -> None:
    _page, build = build_page(tmp_path, "```pycon\n>>> 6 * 7\n42\n```\n")
    assert build.returncode == 0, build.output
    assert "examples: 1 run on 1 pages" in build.output


def test_a_wrong_output_fails_and_names_the_line(tmp_path: Path) -> None:
    page, build = build_page(tmp_path, "```pycon\n>>> x = 6\n>>> x * 7\n41\n```\n")
    assert build.returncode != 0
    assert reported(build.output, page, body_line(3))
    assert "Expected:\n    41\nGot:\n    42" in build.output


def test_an_unexpected_exception_fails(tmp_path: Path) -> None:
    page, build = build_page(tmp_path, "```pycon\n>>> 1 / 0\n0\n```\n")
    assert build.returncode != 0
    assert reported(build.output, page, body_line(2))
    assert "ZeroDivisionError" in build.output


def test_examples_share_one_namespace_per_page(tmp_path: Path) -> None:
    body = "```pycon\n>>> total = 40\n```\n\n文字。\n\n```pycon\n>>> total + 2\n42\n```\n"
    _page, build = build_page(tmp_path, body)
    assert build.returncode == 0, build.output


def test_a_python_fence_that_would_not_run_is_an_error(tmp_path: Path) -> None:
    page, build = build_page(tmp_path, "```python\nprint('never checked')\n```\n")
    assert build.returncode != 0
    assert reported(build.output, page, body_line(1))
    assert "not executed by the gate" in build.output


def test_norun_blocks_are_allowed_and_say_why(tmp_path: Path) -> None:
    _page, build = build_page(
        tmp_path, "```{norun} 这段代码永远不会结束\nwhile True:\n    pass\n```\n"
    )
    assert build.returncode == 0, build.output
    html = (build.outdir / "index.html").read_text(encoding="utf-8")
    assert "这段代码永远不会结束" in html


def test_skip_is_an_error(tmp_path: Path) -> None:
    _page, build = build_page(tmp_path, "```pycon\n>>> 1 + 1  # doctest: +SKIP\n3\n```\n")
    assert build.returncode != 0
    assert "+SKIP is not allowed" in build.output


def test_a_hanging_example_fails_instead_of_hanging(tmp_path: Path) -> None:
    body = (
        "```pycon\n>>> def forever():\n...     while True:\n...         yield 1\n...\n"
        ">>> list(forever())\n[]\n```\n"
    )
    page, build = build_page(tmp_path, body, "-D", "examples_timeout=2")
    assert build.returncode != 0
    assert reported(build.output, page, body_line(6))
    assert "did not finish within" in build.output


FIGURE = "```{{plot}}\n:alt: 一条线\n:caption: 一条线。\n\n{}\n```\n"
PLOT = "import matplotlib.pyplot as plt\nplt.plot({})"


def test_a_failing_figure_fails_the_build(tmp_path: Path) -> None:
    _page, build = build_page(tmp_path, FIGURE.format("raise RuntimeError('no data')"))
    assert build.returncode != 0
    assert "no data" in build.output


def test_a_figure_needs_alt_text_and_a_caption(tmp_path: Path) -> None:
    page, build = build_page(tmp_path, "```{plot}\n:caption: 图。\n\nplot()\n```\n")
    assert build.returncode != 0
    assert reported(build.output, page, body_line(1)) and "needs :alt:" in build.output


def test_figures_get_separate_images(tmp_path: Path) -> None:
    body = (
        FIGURE.format(PLOT.format("[0, 1]")) + "\n文字。\n\n" + FIGURE.format(PLOT.format("[1, 0]"))
    )
    _page, build = build_page(tmp_path, body)
    assert build.returncode == 0, build.output
    html = (build.outdir / "index.html").read_text(encoding="utf-8")
    images = re.findall(r'src="_images/([^"]+\.png)"', html)
    assert len(images) == len(set(images)) == 2
    first, second = (build.outdir / "_images" / name for name in images)
    assert first.read_bytes() != second.read_bytes()


def test_a_figure_draws_the_pages_own_data_and_cannot_change_it(tmp_path: Path) -> None:
    # The figure runs in a copy of the page's namespace, at its place: it sees `curve` as the
    # example above left it, and what it binds does not leak into the examples below.
    body = (
        "```pycon\n>>> curve = [0, 1, 3]\n```\n\n"
        + FIGURE.format("import matplotlib.pyplot as plt\nplt.plot(curve)\ncurve = None")
        + "\n```pycon\n>>> curve\n[0, 1, 3]\n```\n"
    )
    _page, build = build_page(tmp_path, body)
    assert build.returncode == 0, build.output


def test_a_broken_cross_reference_fails(tmp_path: Path) -> None:
    _page, build = build_page(tmp_path, "见 {doc}`missing-page`。\n")
    assert build.returncode != 0
    assert "missing-page" in build.output


def test_an_unknown_directive_fails(tmp_path: Path) -> None:
    page, build = build_page(tmp_path, "```{nosuchdirective}\n内容\n```\n")
    assert build.returncode != 0
    assert reported(build.output, page, body_line(1))


def test_the_article_template_passes_the_gate(tmp_path: Path) -> None:
    template = (ROOT / "docs" / "_templates" / "article.md").read_text(encoding="utf-8")
    site = copy_site(tmp_path, pages=False)
    (site / "docs" / "python").mkdir()
    (site / "docs" / "python" / "generators.md").write_text(
        "(generators)=\n# 生成器\n", encoding="utf-8"
    )
    (site / "docs" / "index.md").write_text(
        "(home)=\n# 首页\n\n```{toctree}\narticle\npython/generators\n```\n", encoding="utf-8"
    )
    (site / "docs" / "article.md").write_text(template, encoding="utf-8")
    build = sphinx_build(site, tmp_path / "html")
    assert build.returncode == 0, build.output[-3000:]
    assert assert_math_served_locally(build.outdir) == 1  # the template's page has math


def test_a_heading_without_a_label_fails(tmp_path: Path) -> None:
    page, build = build_page(
        tmp_path, "(page-ok)=\n## 有标签的标题\n\n## 没有标签的标题\n\n正文。\n"
    )
    assert build.returncode != 0
    flagged = [line for line in build.warnings() if "no stable anchor" in line]
    assert len(flagged) == 1 and "没有标签的标题" in flagged[0]
    assert reported(build.output, page, body_line(4))


def test_figures_are_redrawn_when_only_their_data_changes(tmp_path: Path) -> None:
    # The page itself did not change, only what its figure reads.
    data = tmp_path / "data.txt"
    values = f"__import__('pathlib').Path({str(data)!r}).read_text().split()"
    body = FIGURE.format(PLOT.format(f"[float(v) for v in {values}]"))
    data.write_text("0 1")
    _page, first = build_page(tmp_path, body)
    before = (first.outdir / "_images" / "index-1.png").read_bytes()
    data.write_text("1 0")
    second = sphinx_build(tmp_path, tmp_path / "html")  # a clean build, the same page file
    assert second.returncode == 0, second.output
    assert (second.outdir / "_images" / "index-1.png").read_bytes() != before


# -- issue 8: every kind of broken page names its file and line --------------------------------


def test_malformed_myst_fails_and_names_the_line(tmp_path: Path) -> None:
    # A directive option the directive does not have, and a role that does not exist.
    body = "正文。\n\n```{note}\n:nosuchoption: 1\n内容\n```\n\n见 {nosuchrole}`x`。\n"
    page, build = build_page(tmp_path, body)
    assert build.returncode != 0
    # myst-parser 5 names the option's line; myst-parser 4 (Python 3.10) the directive's.
    assert reported(build.output, page, body_line(4)) or reported(build.output, page, body_line(3))
    assert reported(build.output, page, body_line(8)), build.output[-3000:]


def test_an_unclosed_fence_fails_at_its_line(tmp_path: Path) -> None:
    # Markdown would swallow the rest of the page into the fence, examples included.
    body = "正文。\n\n```text\n说明文字\n\n```pycon\n>>> 1 + 1\n3\n"
    page, build = build_page(tmp_path, body)
    assert build.returncode != 0
    assert reported(build.output, page, body_line(3)), build.output[-3000:]
    assert "never closed" in build.output


def test_nested_fences_close_the_commonmark_way() -> None:
    from fences import unclosed_fence

    assert unclosed_fence("````md\n```pycon\n>>> 1\n```\n````\n") is None
    assert unclosed_fence("```{eval-rst}\n.. plot::\n```\n~~~\nx\n") == 4
    assert unclosed_fence("Inline ```code``` is not a fence.\n") is None


def test_an_option_block_that_is_not_yaml_fails_at_its_line(tmp_path: Path) -> None:
    # MyST's own lenient reader would take "[tip" as a class name and say nothing.
    body = "正文。\n\n```{admonition} 标题\n---\nclass: [tip\n---\n内容。\n```\n"
    page, build = build_page(tmp_path, body)
    assert build.returncode != 0
    assert reported(build.output, page, body_line(5)), build.output[-3000:]
    assert "not valid YAML" in build.output


def test_option_blocks_are_read_as_yaml() -> None:
    from fences import bad_option_blocks

    good = "```{admonition} t\n---\nclass: tip\nname: x\n---\nbody\n```\n"
    assert list(bad_option_blocks(good)) == []
    folded = "```{admonition} t\n---\nclass: tip\n  name: x\n---\nbody\n```\n"
    assert [line for line, _ in bad_option_blocks(folded)] == [4]
    listed = ":::{note}\n---\n- tip\n---\nbody\n:::\n"
    assert "key: value" in next(bad_option_blocks(listed))[1]


def test_a_failing_figure_names_its_file_and_line(tmp_path: Path) -> None:
    body = "正文。\n\n" + FIGURE.format("raise RuntimeError('no data')")
    page, build = build_page(tmp_path, body)
    assert build.returncode != 0
    assert reported(build.output, page, body_line(3)), build.output[-3000:]
    assert "no data" in build.output


def test_a_broken_cross_reference_names_its_file_and_line(tmp_path: Path) -> None:
    page, build = build_page(tmp_path, "正文。\n\n见 {ref}`no-such-label`。\n")
    assert build.returncode != 0
    assert reported(build.output, page, body_line(3)), build.output[-3000:]


def test_a_failing_page_says_so_on_the_page(tmp_path: Path) -> None:
    # The preview (make serve) keeps serving a page whose examples fail: it must never look
    # verified. A banner under the title, expected vs got under the example, an honest note.
    body = "```pycon\n>>> 6 * 7\n41\n```\n\n```pycon\n>>> 1 + 1\n2\n```\n"
    _page, build = build_page(tmp_path, body)
    assert build.returncode != 0
    html = (build.outdir / "index.html").read_text(encoding="utf-8")
    assert html.count('class="explained-failure-banner') == 1
    assert "本页有 1 个示例没有通过" in html
    marker = html.split('class="explained-example-failure', 1)[1]
    assert "期望（Expected）：\n    41" in marker and "实际（Got）：\n    42" in marker
    assert "其中 1 处没有通过" in html and "逐字核对" not in html


def test_a_passing_page_carries_no_failure_marks(tmp_path: Path) -> None:
    _page, build = build_page(tmp_path, "```pycon\n>>> 6 * 7\n42\n```\n")
    assert build.returncode == 0, build.output
    html = (build.outdir / "index.html").read_text(encoding="utf-8")
    assert "explained-failure" not in html and "explained-example-failure" not in html
    assert "逐字核对" in html


def test_the_note_names_every_python_the_page_passed_on(tmp_path: Path) -> None:
    # Each build records the pages whose examples all passed on its Python (_build/verified/);
    # the note names the others, but only while the page's examples are still the same.
    page, first = build_page(tmp_path, "```pycon\n>>> 6 * 7\n42\n```\n")
    assert first.returncode == 0, first.output
    records = list((tmp_path / "_build" / "verified").glob("*.json"))
    assert len(records) == 1
    record = json.loads(records[0].read_text(encoding="utf-8"))
    assert record["examples_passed"]["index"]["examples"] == 1
    other = dict(record, python="3.99.0")  # as if another Python had built the same page
    (records[0].parent / "other.json").write_text(json.dumps(other), encoding="utf-8")
    second = sphinx_build(tmp_path, tmp_path / "html")
    html = (second.outdir / "index.html").read_text(encoding="utf-8")
    assert f"也已在 {record['implementation']} 3.99.0 上全部通过" in html
    page.write_text(page.read_text(encoding="utf-8").replace("6 * 7", "7 * 6"), encoding="utf-8")
    third = sphinx_build(tmp_path, tmp_path / "html")
    assert "3.99.0" not in (third.outdir / "index.html").read_text(encoding="utf-8")


def test_line_breaks_between_chinese_characters_render_as_nothing(tmp_path: Path) -> None:
    body = (
        "第一行；\n第二行**强调**\n继续。English\nwords stay apart, 中文\nand English too，\n"
        "最后\n一行。\n\n"
        "```pycon\n>>> print('代码\\n里的换行')\n代码\n里的换行\n```\n"
    )
    _page, build = build_page(tmp_path, body)
    assert build.returncode == 0, build.output[-3000:]
    html = (build.outdir / "index.html").read_text(encoding="utf-8")
    assert "第一行；第二行<strong>强调</strong>继续。English\nwords" in html
    assert (
        "中文\nand English" in html and "too，最后一行。" in html
    )  # several breaks, one paragraph
    assert "代码里的换行" not in html  # code keeps its lines


# -- issue 18: what the copy button copies pastes into the interactive interpreter --------------


def test_a_compound_statement_without_a_closing_line_fails(tmp_path: Path) -> None:
    # Copied, this is "def f():\n    return 1\nf()": a SyntaxError in the classic REPL.
    body = "```pycon\n>>> def f():\n...     return 1\n>>> f()\n1\n```\n"
    page, build = build_page(tmp_path, body)
    assert build.returncode != 0
    assert reported(build.output, page, body_line(2)), build.output[-3000:]
    assert "this `def` example has no closing `...` line" in build.output
    assert "add a line with only `...` after `...     return 1`" in build.output


def test_a_closed_compound_statement_passes(tmp_path: Path) -> None:
    body = "```pycon\n>>> def f():\n...     return 1\n...\n>>> f()\n1\n```\n"
    _page, build = build_page(tmp_path, body)
    assert build.returncode == 0, build.output[-3000:]


def test_which_examples_need_a_closing_line() -> None:
    from example_runner import unclosed_compound_statements as unclosed

    # A one-line compound statement, and a try block followed by its output, need one too.
    assert [u.keyword for u in unclosed(">>> for i in range(2): print(i)\n0\n1\n")] == ["for"]
    text = ">>> try:\n...     1 / 0\n... except ZeroDivisionError:\n...     print('no')\nno\n"
    assert [(u.line, u.last, u.keyword) for u in unclosed(text)] == [(0, 3, "try")]
    # Closed ones, and code that only spans lines inside brackets, need none.
    assert (
        unclosed(">>> @staticmethod\n... def f():\n...     pass\n...\n>>> x = (1,\n...      2)\n")
        == []
    )


def test_an_empty_line_inside_a_class_fails(tmp_path: Path) -> None:
    # Pasted, the empty line ends the class and "def b" is an IndentationError.
    body = (
        "```pycon\n>>> class K:\n...     def a(self):\n...         return 1\n...\n"
        "...     def b(self):\n...         return 2\n...\n>>> K().b()\n2\n```\n"
    )
    page, build = build_page(tmp_path, body)
    assert build.returncode != 0
    assert reported(build.output, page, body_line(5)), build.output[-3000:]
    assert "this empty `...` line ends the statement" in build.output


def test_which_empty_lines_end_a_statement_early() -> None:
    from example_runner import empty_lines_inside_blocks as early

    text = ">>> class K:\n...     def a(self):\n...         pass\n...\n...     x = 1\n...\n"
    assert early(text) == [3]
    # Inside brackets or a string an empty line is only text; at the end it closes the block.
    assert early('>>> s = """a\n...\n... b"""\n>>> x = (1,\n...\n...      2)\n') == []
    assert early(">>> for i in range(2):\n...     pass\n...\n") == []


def test_worker_processes_end_with_their_page() -> None:
    # joblib keeps its workers for 300 s, and a Sphinx reader (a forked child) waits for its
    # children before it exits; ending them must not leave joblib's temporary folder behind.
    import os
    import subprocess
    import sys
    import time

    script = f"""
import multiprocessing, sys
sys.path.insert(0, {str(ROOT / "docs" / "_ext")!r})
from example_runner import Block, _PageRunner, run_blocks
page = (
    ">>> from joblib import Parallel, delayed\\n"
    ">>> Parallel(n_jobs=2)(delayed(abs)(i) for i in (-1, -2))\\n[1, 2]\\n"
    ">>> import multiprocessing\\n>>> len(multiprocessing.active_children())\\n2\\n"
)
def reader():
    runner = _PageRunner(timeout=0)
    run_blocks([Block("page", "page.md", 0, page)], runner)
    assert runner.problems == [], runner.problems  # the workers were alive during the page
    assert multiprocessing.active_children() == []
child = multiprocessing.get_context("fork").Process(target=reader)
child.start()
child.join()
sys.exit(child.exitcode)
"""
    # Processes, whatever the caller's environment says (the mutation tool turns them off).
    env = {k: v for k, v in os.environ.items() if k != "JOBLIB_MULTIPROCESSING"}
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert time.perf_counter() - start < 60  # not joblib's 300 s
    assert "leaked" not in run.stderr, run.stderr
