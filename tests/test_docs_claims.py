"""The gate's rules for prose (issue 13), each proved on a one-page scratch site: checked values,
the lint for unchecked numbers, citations, conclusions across seeds, figures that cannot drift,
warnings inside examples, and the sharper failure reports."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from docs_build import copy_site, reported, sphinx_build
from test_docs_rules import body_line, build_page

SETUP = "```pycon\n>>> bound = {1000: 4.4713, 0: 32.5}\n>>> r = bound[0] / bound[1000]\n```\n\n"


def _line_of(page: Path, text: str) -> int:
    return next(i for i, line in enumerate(page.read_text("utf-8").splitlines(), 1) if text in line)


def test_checked_values_pass_and_show_the_number_as_written(tmp_path: Path) -> None:
    body = SETUP + (
        "上界是 {check}`4.471 ≈ bound[1000]`，约为 {check}`1/7 if 6.5 < r < 7.5`，"
        "比例是 {check}`13.8 % ≈ bound[1000] / bound[0]`，"
        "恰好 {check}`2 == len(bound)` 个。\n\n"
        "| 距离 | 上界 |\n|---|---|\n| 1000 | {check}`4.47 ≈ bound[1000]` |\n\n"
        ":::{note}\n提示里也能核对：{check}`32.5 == bound[0]`。\n:::\n"
    )
    _page, build = build_page(tmp_path, body)
    assert build.returncode == 0, build.output[-3000:]
    html = (build.outdir / "index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<span class="checked">([^<]*)</span>', html)
    assert shown == ["4.471", "1/7", "13.8 %", "2", "4.47", "32.5"]
    assert "和正文中的 6 个数值与结论" in html


@pytest.mark.parametrize(
    ("role", "says"),
    [
        ("{check}`4.472 ≈ bound[1000]`", "which rounds to 4.471"),
        ("{check}`15 % ≈ bound[1000] / bound[0]`", "which rounds to 14"),
        ("{check}`3 == len(bound)`", "the value is 2"),
        ("{check}`约 1/5 if 4.5 < r < 5.5`", "the condition is False"),
    ],
)
def test_a_wrong_checked_value_fails_at_its_line(tmp_path: Path, role: str, says: str) -> None:
    page, build = build_page(tmp_path, SETUP + f"第一行。\n第二行写着 {role}。\n")
    assert build.returncode != 0
    assert reported(build.output, page, _line_of(page, "第二行")), build.output[-3000:]
    assert "checked value does not hold" in build.output and says in build.output


def test_a_checked_value_that_raises_fails_at_its_line(tmp_path: Path) -> None:
    page, build = build_page(tmp_path, "这是 {check}`1.0 ≈ undefined_name`。\n")
    assert build.returncode != 0
    assert reported(build.output, page, body_line(1)) and "NameError" in build.output


def test_a_checked_value_sees_only_the_examples_above_it(tmp_path: Path) -> None:
    body = "值是 {check}`42 == answer`。\n\n```pycon\n>>> answer = 42\n```\n"
    page, build = build_page(tmp_path, body)
    assert build.returncode != 0 and reported(build.output, page, body_line(1))


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("误差约为 0.5。", "decimal"),
        ("准确率提高了 12 %。", "percentage"),
        ("快了 3 倍。", "multiple"),
        ("大约是 1/7。", "fraction"),
        ("实测的偏置是 $-0.96$。", "decimal"),  # a bare number in math is still prose
    ],
)
def test_an_unchecked_number_in_prose_fails(tmp_path: Path, sentence: str, kind: str) -> None:
    page, build = build_page(tmp_path, f"第一段。\n\n{sentence}\n")
    assert build.returncode != 0
    assert reported(build.output, page, body_line(3)), build.output[-3000:]
    assert f"({kind}) is neither checked nor cited" in build.output


def test_numbers_that_are_not_quantities_are_exempt(tmp_path: Path) -> None:
    body = (
        "在 Python 3.12 和 Python 3.10–3.13 上，以及 CPython 3.14.2 上；见第 3.5 节、§4.10、"
        "表 2.1 与 arXiv:2104.09864。代码里的 `0.5` 和公式 $0.1 \\ln s + 1$ 也不算。\n"
    )
    _page, build = build_page(tmp_path, body)
    assert build.returncode == 0, build.output[-3000:]
    assert "numbers in prose: index: exempt 7" in build.output


BIB = textwrap.dedent(
    """
    @article{gatetest2021rope, author = {Jianlin Su and Yu Lu}, year = {2021},
      title = {RoFormer: Enhanced Transformer with Rotary Position Embedding},
      journal = {arXiv preprint arXiv:2104.09864}}
    """
)
BIBLIOGRAPHY = "\n(refs)=\n## 参考文献\n\n```{bibliography}\n:filter: docname in docnames\n:keyprefix: t:\n```\n"


def _with_bib(tmp_path: Path, body: str):
    site = copy_site(tmp_path, pages=False)
    bib = site / "docs" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + BIB, encoding="utf-8")
    page = site / "docs" / "index.md"
    page.write_text("(test-page)=\n# 测试页\n\n" + body + BIBLIOGRAPHY, encoding="utf-8")
    return page, sphinx_build(site, tmp_path / "html")


def test_a_cited_number_with_its_section_passes(tmp_path: Path) -> None:
    _page, build = _with_bib(
        tmp_path, "论文报告 76.2 % 的准确率 {cite:p}`t:gatetest2021rope {表 2}`。\n"
    )
    assert build.returncode == 0, build.output[-3000:]
    html = (build.outdir / "index.html").read_text(encoding="utf-8")
    assert "表 2" in html and "roformer" in html.lower()


def test_a_citation_without_a_section_does_not_cover_a_number(tmp_path: Path) -> None:
    page, build = _with_bib(tmp_path, "论文报告 76.2 % 的准确率 {cite:p}`t:gatetest2021rope`。\n")
    assert build.returncode != 0
    assert reported(build.output, page, 4) and "names no section" in build.output


def test_a_conclusion_that_fails_for_one_seed_fails(tmp_path: Path) -> None:
    # "A beats B" is checked on every seed: one seed where it does not hold fails the build.
    body = (
        "```pycon\n>>> scores = {seed: (0.9, 0.8 if seed != 3 else 0.95) for seed in range(5)}\n"
        ">>> wins = [a > b for a, b in scores.values()]\n```\n\n"
        "A 在 {check}`全部 5 个种子上 if all(wins)` 都胜过 B。\n"
    )
    page, build = build_page(tmp_path, body)
    assert build.returncode != 0
    assert reported(build.output, page, _line_of(page, "胜过")) and "False" in build.output


def test_a_change_to_a_figures_data_fails_the_build(tmp_path: Path) -> None:
    # The figure draws `curve`, the page checks where it peaks: change the data function and the
    # page fails, although the figure itself would draw happily.
    module = tmp_path / "toydata.py"
    body = (
        "```pycon\n>>> from toydata import curve_of\n>>> curve = curve_of(5)\n```\n\n"
        "```{plot}\n:alt: 一条曲线\n:caption: 曲线在 {check}`2 == curve.index(max(curve))` 处最高。\n\n"
        "import matplotlib.pyplot as plt\nplt.plot(curve)\n```\n"
    )
    module.write_text("def curve_of(n):\n    return [-(i - 2) ** 2 for i in range(n)]\n")
    site = copy_site(tmp_path, pages=False)
    page = site / "docs" / "index.md"
    page.write_text("(test-page)=\n# 测试页\n\n" + body, encoding="utf-8")
    assert sphinx_build(site, tmp_path / "html", pythonpath=tmp_path).returncode == 0
    module.write_text("def curve_of(n):\n    return [-(i - 3) ** 2 for i in range(n)]\n")
    build = sphinx_build(site, tmp_path / "html", pythonpath=tmp_path)
    assert build.returncode != 0
    assert reported(build.output, page, _line_of(page, ":caption:")), build.output[-3000:]


def test_a_warning_inside_an_example_fails_unless_shown(tmp_path: Path) -> None:
    body = "```pycon\n>>> import warnings\n>>> warnings.warn('careful', UserWarning)\n```\n"
    page, build = build_page(tmp_path, body)
    assert build.returncode != 0
    assert reported(build.output, page, body_line(3))
    assert (
        "raised a warning it does not show" in build.output
        and "UserWarning: careful" in build.output
    )


def test_a_warning_the_example_shows_passes(tmp_path: Path) -> None:
    body = (
        "```pycon\n>>> import warnings\n>>> with warnings.catch_warnings(record=True) as caught:\n"
        "...     warnings.simplefilter('always')\n...     warnings.warn('careful', UserWarning)\n"
        "...\n>>> caught[0].category.__name__\n'UserWarning'\n```\n"
    )
    _page, build = build_page(tmp_path, body)
    assert build.returncode == 0, build.output[-3000:]


def test_failures_that_follow_the_first_are_summarised(tmp_path: Path) -> None:
    body = "```pycon\n>>> x = undefined\n>>> x + 1\n2\n>>> x * 2\n4\n```\n"
    _page, build = build_page(tmp_path, body)
    assert build.returncode != 0
    assert build.output.count("WARNING") == 1, build.output[-3000:]
    assert "and 2 more example(s) of this block failed after it" in build.output
    assert f"lines {body_line(3)}, {body_line(5)}" in build.output


def test_each_page_starts_from_the_same_global_state(tmp_path: Path) -> None:
    # One page changes numpy's print options, the working directory and the warning filters;
    # the next page must not see any of it.
    site = copy_site(tmp_path, pages=False)
    docs = site / "docs"
    (docs / "index.md").write_text(
        "(test-page)=\n# 测试页\n\n```{toctree}\na\nb\n```\n", encoding="utf-8"
    )
    (docs / "a.md").write_text(
        "(a)=\n# A\n\n```pycon\n>>> import numpy as np, os, warnings\n"
        ">>> np.set_printoptions(precision=1)\n>>> os.chdir('/')\n"
        ">>> warnings.simplefilter('ignore')\n```\n",
        encoding="utf-8",
    )
    (docs / "b.md").write_text(
        "(b)=\n# B\n\n```pycon\n>>> import numpy as np, os, warnings\n"
        ">>> print(np.array([0.123456]))\n[0.123456]\n>>> os.getcwd() != '/'\nTrue\n"
        ">>> warnings.warn('still reported', UserWarning)\n```\n",
        encoding="utf-8",
    )
    build = sphinx_build(site, tmp_path / "html", "-j", "1")  # one process: state could leak
    assert build.returncode != 0  # b's warning is still caught, so its filters were restored
    assert re.search(r"b\.md:\d+: WARNING: example raised a warning", build.output)
    assert "[0.1]" not in build.output and build.output.count("WARNING: example") == 1


def test_a_failing_docstring_example_is_reported_at_its_line_in_the_py_file(
    tmp_path: Path,
) -> None:
    module = tmp_path / "toymod.py"
    module.write_text(
        'def twice(x):\n    """Double it.\n\n    Examples\n    --------\n    >>> twice(2)\n    4\n'
        '    >>> twice(3)\n    7\n    """\n    return 2 * x\n',
        encoding="utf-8",
    )
    site = copy_site(tmp_path, pages=False)
    (site / "docs" / "index.md").write_text(
        "(test-page)=\n# 测试页\n\n```{eval-rst}\n.. automodule:: toymod\n```\n", encoding="utf-8"
    )
    build = sphinx_build(site, tmp_path / "html", pythonpath=tmp_path)
    assert build.returncode != 0
    assert f"{module}:8: WARNING: example failed" in build.output, build.output[-3000:]
