"""The browser checks fail when the site breaks: a page that loads a script from a CDN, or a broken
search, served from a scratch copy of the built site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from site_checks import DESKTOP, new_context, search_results, serve, visit

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
    return copy


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
