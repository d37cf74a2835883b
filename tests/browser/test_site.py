"""The built site in a real browser (Debian's Chromium): every page, then search, copy, theme, anchors.

Every page is loaded four times: on a 375 px phone in dark mode, a 390 px phone in light mode, and
a desktop in light and in dark mode. Each load must log no console error, have no failed request,
ask nothing of any host but the local server, typeset all of its math (no raw TeX left, no MathJax
error), show every figure with alt text on a light card (legible in both themes), resolve every
in-page link, have no element reaching past the window (except inside a box of its own that
scrolls: display math, code, tables), and show a sign on every display formula that is cut off
and scrolls (site_checks.LAYOUT_JS).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_build import ROOT
from site_checks import (
    DESKTOP,
    PHONE_390,
    all_copied_texts,
    cjk,
    code_of,
    copied_text,
    new_context,
    search_results,
    visit,
)

DOCS = ROOT / "docs"
SPECIAL = ["genindex.html", "py-modindex.html", "search.html"]
PAGES = (
    sorted(
        p.relative_to(DOCS).with_suffix(".html").as_posix()
        for p in DOCS.rglob("*.md")
        if not any(part.startswith("_") for part in p.relative_to(DOCS).parts)
    )
    + SPECIAL
)

# The article a reader means by each query; it must be the first result.
SEARCHES = {
    "生成器": "python/generators.html",
    "旋转位置编码": "position/rope.html",
    "随机森林": "ensembles/random-forest.html",
    "垃圾回收": "python/gc.html",
    "SigLIP": "multimodal/siglip.html",
}


# Layout (nothing wider than the window, display math that scrolls and shows it) at both phone
# widths and on a desktop, in both themes: the two loads above, and these two.
@pytest.fixture(scope="module")
def phone_390(browser, base_url):
    context = new_context(browser, base_url, viewport=PHONE_390, theme="light")
    yield context
    context.close()


@pytest.fixture(scope="module")
def desktop_dark(browser, base_url):
    context = new_context(browser, base_url, viewport=DESKTOP, theme="dark")
    yield context
    context.close()


def _page_in_build(site_html: Path, path: str) -> None:
    assert (site_html / path).is_file(), f"{path} is not part of this build"


@pytest.mark.parametrize("path", PAGES)
def test_page_on_a_phone_in_dark_mode(phone, base_url, site_html, path: str) -> None:
    _page_in_build(site_html, path)
    result = visit(phone, base_url, path)
    assert result.facts["theme"] == "dark"
    assert result.problems() == []


@pytest.mark.parametrize("path", PAGES)
def test_page_on_a_desktop_in_light_mode(desktop, base_url, site_html, path: str) -> None:
    _page_in_build(site_html, path)
    result = visit(desktop, base_url, path)
    assert result.facts["theme"] == "light"
    assert result.problems() == []


@pytest.mark.parametrize("path", PAGES)
def test_page_on_a_390px_phone_in_light_mode(phone_390, base_url, site_html, path: str) -> None:
    _page_in_build(site_html, path)
    result = visit(phone_390, base_url, path)
    assert result.facts["theme"] == "light"
    assert result.problems() == []


@pytest.mark.parametrize("path", PAGES)
def test_page_on_a_desktop_in_dark_mode(desktop_dark, base_url, site_html, path: str) -> None:
    _page_in_build(site_html, path)
    result = visit(desktop_dark, base_url, path)
    assert result.facts["theme"] == "dark"
    assert result.problems() == []


@pytest.mark.parametrize("fixture", ["phone", "phone_390", "desktop", "desktop_dark"])
def test_the_display_math_check_sees_formulas_wider_than_their_box(
    request, base_url, fixture: str
) -> None:
    # The page checks above prove nothing about scrolling formulas unless some are too wide:
    # on a phone many are, on a desktop the long ones of the ensembles articles.
    path = "position/rope.html" if fixture.startswith("phone") else "ensembles/random-forest.html"
    facts = visit(request.getfixturevalue(fixture), base_url, path).facts
    assert facts["mathBoxes"], f"no display formula on {path} is wider than its box"
    assert facts["mathHidden"] == []


def test_pages_with_math_and_figures_are_covered(site_html: Path) -> None:
    # The per-page checks above prove nothing if no page has math or figures to check.
    html = {
        p: (site_html / p).read_text(encoding="utf-8") for p in PAGES if (site_html / p).is_file()
    }
    assert sum('class="math' in t for t in html.values()) >= 5
    assert sum("<img" in t and "_images/" in t for t in html.values()) >= 5


def test_missing_page_shows_the_404_page(desktop, base_url) -> None:
    result = visit(desktop, base_url, "python/no-such-article.html", expect_status=404)
    assert (
        result.problems() == []
    )  # its styles and scripts load although it is served one level down


@pytest.mark.parametrize("query", list(SEARCHES))
def test_search_finds_the_article_first(desktop, base_url, site_html, query: str) -> None:
    _page_in_build(site_html, SEARCHES[query])
    results = search_results(desktop, base_url, query)
    assert results, f"no result for {query!r}"
    assert results[0] == SEARCHES[query], f"{query!r}: first results {results[:3]}"


def test_copy_button_copies_code_without_prompts_or_output(desktop, base_url) -> None:
    copied, shown = copied_text(desktop, base_url, "python/generators.html", block=1)
    outputs = [
        line for line in shown.splitlines() if line.strip() and not line.startswith((">>>", "..."))
    ]
    assert outputs, "pick an example that has output"
    assert copied.strip() == code_of(shown).strip()
    assert ">>>" not in copied
    for line in outputs:
        assert line not in copied.splitlines(), f"output line {line!r} was copied"


@pytest.mark.parametrize("path", ["python/generators.html", "api/python.html"])
def test_the_copy_rule_of_the_paste_test_is_the_copy_buttons(
    desktop, base_url, site_html, path: str
) -> None:
    # tests/test_copy_paste.py pastes what copy_button_text() makes of the built HTML into the
    # interpreter; on a page full of def/for/with/try blocks, and on docstrings' examples, it is
    # exactly what a click copies.
    from copy_paste import copy_button_text, pycon_blocks

    clicked = all_copied_texts(desktop, base_url, path)
    blocks = pycon_blocks((site_html / path).read_text(encoding="utf-8"))
    assert len(clicked) == len(blocks) >= 20
    assert sum("\n\n" in copied for copied, _ in clicked) >= 3  # closing "..." lines, copied
    for (copied, shown), block in zip(clicked, blocks):
        assert shown == block
        assert copied == copy_button_text(block), block


def test_theme_toggle_cycles_and_persists(browser, base_url) -> None:
    context = new_context(browser, base_url, viewport=DESKTOP)  # a fresh profile: theme "auto"
    page = context.new_page()
    page.goto(base_url + "index.html", wait_until="load")
    assert page.evaluate("() => document.body.dataset.theme || 'auto'") == "auto"
    background = "() => getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    toggle = page.locator("button.theme-toggle:visible").first
    toggle.click()
    assert page.evaluate("() => document.body.dataset.theme") == "dark"
    dark = page.evaluate(background)
    assert dark != light
    toggle.click()
    assert page.evaluate("() => document.body.dataset.theme") == "light"
    assert page.evaluate(background) == light
    toggle.click()  # back to auto
    toggle.click()  # dark again: it must survive a reload and a new page
    page.goto(base_url + "python/generators.html", wait_until="load")
    assert page.evaluate("() => document.body.dataset.theme") == "dark"
    assert page.evaluate(background) == dark
    context.close()


@pytest.mark.parametrize("path", ["python/generators.html", "position/rope.html"])
def test_anchors_on_chinese_headings_resolve(desktop, base_url, path: str) -> None:
    page = desktop.new_page()
    page.goto(base_url + path, wait_until="load")
    links = page.eval_on_selector_all(
        ".toc-tree a.reference[href^='#']",
        "els => els.map(a => [a.getAttribute('href'), a.textContent])",
    )
    chinese = [(href, text) for href, text in links if href != "#" and cjk(text)]
    assert len(chinese) >= 3, links
    for href, _ in chinese:
        assert page.locator(f"[id='{href[1:]}']").count() == 1, href
    # Clicking an entry of the page's table of contents scrolls its heading to the top...
    href, _ = chinese[-2]
    at_top = (
        f"() => {{ const t = document.getElementById({href[1:]!r}).getBoundingClientRect().top;"
        " return t >= -2 && t < 150; }"
    )
    page.locator(f".toc-tree a[href='{href}']").click()
    page.wait_for_function(f"() => location.hash === {href!r}")
    page.wait_for_function(at_top, timeout=5_000)  # furo scrolls smoothly
    # ...and a link from elsewhere (a fresh load of page#heading) lands there too.
    other = desktop.new_page()
    other.goto(base_url + path + href, wait_until="load")
    other.wait_for_function(at_top, timeout=5_000)
    assert other.evaluate("() => window.scrollY") > 0
    other.close()
    page.close()


def test_article_states_what_its_examples_ran_on(desktop, base_url) -> None:
    page = desktop.new_page()
    page.goto(base_url + "python/generators.html", wait_until="load")
    note = page.locator(".explained-provenance")
    assert note.count() == 1
    text = note.inner_text()
    import platform

    import numpy

    assert platform.python_version() in text and numpy.__version__ in text
    links = note.locator("a").evaluate_all("els => els.map(a => a.href)")
    assert any("_sources/python/generators.md" in h or "/blob/" in h for h in links), links
    module = [h for h in links if "api/python.html#module-explained.python.generators" in h]
    assert module, links
    page.goto(module[0], wait_until="load")
    assert page.locator("[id='module-explained.python.generators']").count() == 1
    page.close()
