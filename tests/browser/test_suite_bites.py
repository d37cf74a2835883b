"""The browser checks fail when the site breaks: a page that loads a script from a CDN, a broken
search, an element wider than the window, a display formula that is cut off without a sign or does
not scroll, served from a scratch copy of the built site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from site_checks import DESKTOP, PHONE_390, new_context, search_results, serve, visit

CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"


@pytest.fixture(scope="module")
def broken_site(site_html: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("broken") / "html"
    shutil.copytree(site_html, copy)
    page = copy / "python" / "generators.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(
        html.replace("</head>", f'<script src="{CDN}"></script></head>', 1), encoding="utf-8"
    )
    # The Sphinx 9.0 bug docs/_ext/zh_search.py works around: an undefined stemmer class.
    language_data = copy / "_static" / "language_data.js"
    language_data.write_text(
        language_data.read_text(encoding="utf-8") + "\nwindow.Stemmer = ChineseStemmer;\n",
        encoding="utf-8",
    )
    # A block wider than the desktop window, and a long inline formula, in the article itself.
    _edit(copy / "python" / "gc.html", "<article", '<div style="width: 1500px">太宽的一段</div>')
    formula = " + ".join(f"x_{{{i}}}" for i in range(40))
    inline = f'<p>公式 <span class="math notranslate nohighlight">\\({formula}\\)</span>。</p>'
    _edit(copy / "python" / "list-tuple.html", "<article", inline)
    # Display formulas cut off with no sign of it (no fade, no scrollbar), or that do not scroll.
    hidden = "<style>mjx-container { background: none !important; scrollbar-width: none; }</style>"
    _edit(copy / "position" / "rope.html", "</head>", hidden)
    clipped = "<style>mjx-container { overflow-x: hidden !important; }</style>"
    _edit(copy / "position" / "survey.html", "</head>", clipped)
    return copy


def _edit(page: Path, where: str, insert: str) -> None:
    """Insert ``insert`` right after the opening tag that starts with ``where`` (or before
    ``</head>``)."""
    html = page.read_text(encoding="utf-8")
    if where == "</head>":
        html = html.replace("</head>", insert + "</head>", 1)
    else:
        html = re.sub(f"({where}[^>]*>)", lambda m: m[1] + insert, html, count=1)
    assert insert in html, page
    page.write_text(html, encoding="utf-8")


@pytest.fixture(scope="module")
def broken_phone(browser, broken_site: Path):
    with serve(broken_site) as url:
        context = new_context(browser, url, viewport=PHONE_390, theme="dark")
        yield context, url
        context.close()


@pytest.fixture(scope="module")
def broken(browser, broken_site: Path):
    with serve(broken_site) as url:
        context = new_context(browser, url, viewport=DESKTOP, theme="light")
        yield context, url
        context.close()


def test_page_loading_a_cdn_script_fails_the_page_checks(broken) -> None:
    context, url = broken
    problems = visit(context, url, "python/generators.html").problems()
    assert f"request to another host: {CDN}" in problems, problems


def test_broken_search_fails_the_search_check(broken) -> None:
    context, url = broken
    with pytest.raises(AssertionError):
        results = search_results(context, url, "生成器")
        assert results and results[0] == "python/generators.html"


def test_an_element_wider_than_the_window_fails_the_page_checks(broken) -> None:
    context, url = broken
    problems = visit(context, url, "python/gc.html").problems()
    assert any(p.startswith("wider than the window: div (") for p in problems), problems


def test_a_long_inline_formula_fails_on_a_phone(broken_phone) -> None:
    context, url = broken_phone
    problems = visit(context, url, "python/list-tuple.html").problems()
    wide = [p for p in problems if p.startswith("wider than the window: span.math")]
    assert wide and "inside div.content" in wide[0], problems


def test_a_cut_off_formula_without_a_sign_fails_the_page_checks(broken_phone) -> None:
    context, url = broken_phone
    problems = visit(context, url, "position/rope.html").problems()
    assert any(p.startswith("display math cut off: no scrollbar and no fade") for p in problems)


def test_a_formula_that_does_not_scroll_fails_the_page_checks(broken_phone) -> None:
    context, url = broken_phone
    problems = visit(context, url, "position/survey.html").problems()
    assert any(p.startswith("display math cut off: does not scroll") for p in problems), problems
