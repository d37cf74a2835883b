"""The interface is Chinese: no English string of furo's or Sphinx's interface on any page.

The strings looked for are read from the installed furo and Sphinx, not listed by hand: furo's
gettext strings (its templates, through jinja2's extractor), the labels it writes in English
without gettext (aria-labels, SVG titles, the navigation's toggles), the English messages of
sphinx-copybutton, and the strings of Sphinx's catalogue template (sphinx.pot) that come from the
parts of Sphinx this site shows: the search scripts, the HTML writer's permalinks, the index pages
and the API reference's field names. Every page is loaded on a phone in dark mode and on a desktop
in light mode; the interface around the article is searched (text, including what is hidden at
that width, and labels), and inside the article what Sphinx writes there.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import furo
import jinja2.ext
import pytest
import sphinx
import sphinx_copybutton
from babel.messages.pofile import read_po
from docs_build import ROOT
from site_checks import DESKTOP, PHONE, new_context

DOCS = ROOT / "docs"
PAGES = sorted(
    p.relative_to(DOCS).with_suffix(".html").as_posix()
    for p in DOCS.rglob("*.md")
    if not any(part.startswith("_") for part in p.relative_to(DOCS).parts)
) + ["genindex.html", "py-modindex.html", "search.html"]

FURO = Path(furo.__file__).parent
SPHINX = Path(sphinx.__file__).parent
# The parts of Sphinx whose catalogue strings these pages can show.
SPHINX_SOURCES = (
    "themes/basic/static/",
    "themes/basic/search",
    "themes/basic/genindex",
    "writers/html5.py",
    "ext/napoleon/",
    "domains/python/",
    "environment/adapters/indexentries.py",
)
# Names, not interface text: they stay in Latin letters in Chinese too.
NAMES = re.compile(r"Sphinx|Furo|JavaScript|Read the Docs|@pradyunsg|GitHub|Python")
# furo writes these without gettext: literal attribute values and SVG titles in its templates.
LITERAL = re.compile(r'(?:aria-label|title|placeholder)="([^"{]+)"|<title>([^<{]+)</title>')

# What the page shows of furo's and Sphinx's interface: the text outside the article (hidden parts
# too: the other width's header or sidebar, visually hidden labels, SVG titles), the labels, and
# what Sphinx writes inside the article.
INTERFACE_TEXT = r"""
() => {
  const out = [];
  const outside = document.body.cloneNode(true);
  for (const el of outside.querySelectorAll("article, script, style")) el.remove();
  out.push(outside.textContent);
  // Labels: all of those around the article; inside it, those Sphinx and the copy button add
  // (a link's title there is the page or paper it points to, in whatever language that is).
  for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], [data-tooltip]")) {
    const own = !el.closest("article") || el.matches(".headerlink, .copybtn, [aria-label]");
    for (const a of ["aria-label", "title", "placeholder", "data-tooltip"])
      if (own && el.hasAttribute(a)) out.push(el.getAttribute(a));
  }
  for (const el of document.querySelectorAll(
      "article .admonition-title, article dl.field-list > dt, article .rubric, " +
      "article .caption-number, article #search-results h2, article .search-summary, " +
      "article .genindex-jumpbox, article h1, article .modindex-jumpbox"))
    out.push(el.textContent);
  out.push(document.title);
  return out.join("\n");
}
"""


def _fragments(msgid: str) -> list[str]:
    """The words of a message a reader would see: no markup, no %(name)s, no product names."""
    text = NAMES.sub(" ", re.sub(r"<[^>]+>|&#?\w+;", " ", msgid))
    parts = re.split(r"%\(\w+\)s|%s|\$\{\w+\}|\{\w*\}", text)
    return [" ".join(p.split()) for p in parts if re.search(r"[A-Za-z]{2,}", p)]


@cache
def interface_strings() -> frozenset[str]:
    msgids: set[str] = set()
    for template in (FURO / "theme").rglob("*.html"):
        with template.open("rb") as f:
            found = jinja2.ext.babel_extract(f, ("_", "gettext", "ngettext"), [], {})
            for _, _, message, _ in found:
                msgids.update([message] if isinstance(message, str) else message)
        for match in LITERAL.finditer(template.read_text(encoding="utf-8")):
            msgids.add(match.group(1) or match.group(2))
    navigation = (FURO / "navigation.py").read_text(encoding="utf-8")
    msgids.update(re.findall(r'f"(Toggle navigation of) \{', navigation))
    copybutton = Path(sphinx_copybutton.__file__).parent / "_static" / "copybutton.js_t"
    english = copybutton.read_text(encoding="utf-8").split("'en': {", 1)[1].split("}", 1)[0]
    msgids.update(re.findall(r": '([^']+)'", english))
    with (SPHINX / "locale" / "sphinx.pot").open("rb") as f:
        for message in read_po(f):
            if message.id and any(
                source.startswith(SPHINX_SOURCES) for source, _ in message.locations
            ):
                msgids.update([message.id] if isinstance(message.id, str) else message.id)
    return frozenset(f for msgid in msgids for f in _fragments(msgid))


def english_left(text: str) -> list[str]:
    """The interface strings ``text`` contains as whole words (not inside a name such as
    ``decision_function``), case as written."""
    return sorted(
        s
        for s in interface_strings()
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(s)}(?![A-Za-z0-9_])", text)
    )


def test_the_list_covers_furo_and_sphinx() -> None:
    strings = interface_strings()
    assert len(strings) > 100, len(strings)
    for expected in ["Next", "Previous", "On this page", "Back to top", "Made with",
                     "Last updated on", "Skip to content", "Toggle site navigation sidebar",
                     "Toggle Light / Dark / Auto color theme", "Toggle navigation of",
                     "Auto light/dark, in dark mode", "Link to this heading", "Copied!",
                     "Searching", "Parameters"]:  # fmt: skip
        assert expected in strings, expected
    assert english_left("下一篇\n最后更新于 2026-12-01\n本站用 Sphinx 和 Furo 主题构建") == []
    assert english_left("Previous\nLast updated on 2026") == ["Last updated on", "Previous"]


@pytest.fixture(scope="module", params=["phone-dark", "desktop-light"])
def reader(request, browser, base_url):
    viewport, theme = (PHONE, "dark") if request.param == "phone-dark" else (DESKTOP, "light")
    context = new_context(browser, base_url, viewport=viewport, theme=theme)
    yield context
    context.close()


@pytest.mark.parametrize("path", [*PAGES, "no-such-page.html"])
def test_no_english_interface_on_the_page(reader, base_url, site_html: Path, path: str) -> None:
    assert path == "no-such-page.html" or (site_html / path).is_file(), f"{path} not in this build"
    page = reader.new_page()
    page.goto(base_url + path, wait_until="load")
    if path == "search.html":
        page.wait_for_selector("#search-results", state="attached")
    left = english_left(page.evaluate(INTERFACE_TEXT))
    page.close()
    assert left == [], f"{path}: English interface text {left}"


SUMMARY = "document.querySelector('#search-results .search-summary')?.textContent.trim()"


def _search(context, base: str, query: str) -> str:
    page = context.new_page()
    page.goto(f"{base}search.html?q={query}", wait_until="load")
    page.wait_for_function(SUMMARY)  # searchtools.js writes the summary when it has finished
    # The heading and the summary: the results themselves are the pages' own text.
    text = page.locator("#search-results h2, #search-results .search-summary").all_inner_texts()
    page.close()
    return "\n".join(text)


def test_search_without_results_says_what_to_do(reader, base_url) -> None:
    text = _search(reader, base_url, "qqzzxxnothing")
    assert "没有找到匹配的页面" in text, text
    assert "分类" not in text, text  # the search page has no categories to select
    assert english_left(text) == [], text


def test_search_with_results_reports_them_in_chinese(reader, base_url) -> None:
    text = _search(reader, base_url, "生成器")
    assert "搜索完成" in text and "搜索结果" in text, text
    assert english_left(text) == [], text


def test_no_namedtuple_leftovers_in_the_api_reference(site_html: Path) -> None:
    pages = sorted((site_html / "api").glob("*.html"))
    assert len(pages) >= 5, pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "Alias for field number" not in html, page.name
    generators = (site_html / "api" / "python.html").read_text(encoding="utf-8")
    assert "How many numbers were sent" in generators
