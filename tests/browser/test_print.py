"""Printing an article (docs/_static/print.css): the article alone, with its figures, math and code.

Chromium prints the page to PDF as a reader's "print" would, and pypdf reads the PDF's text back.
The build machine has no CJK font, so Chinese characters print as blank glyphs and the text checks
use the Latin runs: the article's code and names must be in the PDF, and no word that only the
navigation, the table of contents, the header or the footer shows. The layout checks run with the
print media emulated, in the light, dark and automatic themes: the chrome is hidden, nothing of
the article is cut off, and it prints dark on white.
"""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from site_checks import DESKTOP, PHONE, new_context

# An article with math, figures and code blocks.
ARTICLE = "position/rope.html"
CHROME = [
    ".mobile-header",
    ".sidebar-drawer",
    ".toc-drawer",
    ".theme-toggle",
    ".back-to-top",
    ".content-icon-container",
    ".skip-to-content",
    ".related-pages",
    ".bottom-of-page",
    "footer",
    ".copybtn",
]
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}")

LAYOUT = r"""
() => {
  const lum = (color) => {
    const [r, g, b] = color.match(/[\d.]+/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const article = document.querySelector("article");
  const images = [...article.querySelectorAll("img")];
  return {
    articleVisible: visible(article),
    articleWidth: article.getBoundingClientRect().width,
    pageWidth: document.documentElement.clientWidth,
    images: images.length,
    imagesShown: images.filter((i) => visible(i) && i.complete && i.naturalWidth > 0).length,
    formulas: article.querySelectorAll(".math").length,
    formulasShown: [...article.querySelectorAll(".math mjx-container")].filter(visible).length,
    // Luminance (0 black, 1 white) of the paper behind the code, and of the code's words.
    codeLuminance: [...article.querySelectorAll(".highlight, .highlight pre span")].slice(0, 40)
      .map((el) => { const s = getComputedStyle(el);
        return [el.matches(".highlight") ? lum(s.backgroundColor) : null, lum(s.color)]; }),
    bodyLuminance: lum(getComputedStyle(document.body).backgroundColor),
    textLuminance: lum(getComputedStyle(article.querySelector("p")).color),
    code: [...article.querySelectorAll("pre")].map((p) => ({
      whiteSpace: getComputedStyle(p).whiteSpace,
      cut: p.scrollWidth > p.clientWidth + 1,
      start: p.textContent.slice(0, 40),
    })),
  };
}
"""

# Latin words of the page's chrome that the article's own text does not contain.
CHROME_ONLY_WORDS = r"""
() => {
  const article = document.querySelector("article").textContent;
  const chrome = [...document.querySelectorAll(
    ".sidebar-drawer, .toc-drawer, .mobile-header, footer")].map((e) => e.textContent).join(" ");
  const words = new Set(chrome.match(/[A-Za-z][A-Za-z0-9_]{2,}/g) || []);
  return [...words].filter((w) => !new RegExp(`(^|[^A-Za-z])${w}([^A-Za-z]|$)`).test(article));
}
"""


def _open(browser, base_url: str, viewport: dict, theme: str = "light"):
    context = new_context(browser, base_url, viewport=viewport, theme=theme)
    page = context.new_page()
    page.goto(base_url + ARTICLE, wait_until="load")
    page.evaluate("async () => { if (window.MathJax) await MathJax.startup.promise; }")
    return context, page


@pytest.mark.parametrize(
    ("viewport", "theme"),
    [(PHONE, "dark"), (DESKTOP, "light"), (DESKTOP, "auto")],
    ids=["phone-dark", "desktop-light", "desktop-auto-on-a-dark-system"],
)
def test_print_media_shows_the_article_alone(browser, base_url, viewport: dict, theme: str) -> None:
    context, page = _open(browser, base_url, viewport, theme)
    page.emulate_media(color_scheme="dark")  # what "auto" follows; the page must print light
    page.reload(wait_until="load")
    page.evaluate("async () => { if (window.MathJax) await MathJax.startup.promise; }")
    screen = page.evaluate(LAYOUT)
    page.emulate_media(media="print")
    for selector in CHROME:
        shown = [el for el in page.locator(selector).all() if el.is_visible()]
        assert not shown, f"{selector} is printed"
    layout = page.evaluate(LAYOUT)
    context.close()
    assert layout["articleVisible"]
    assert layout["articleWidth"] >= 0.9 * layout["pageWidth"], layout  # the sidebars' room too
    assert layout["images"] > 0 and layout["imagesShown"] == layout["images"], layout
    assert layout["formulas"] > 0 and layout["formulasShown"] == screen["formulasShown"], layout
    assert layout["code"], "no code block on the page"
    for block in layout["code"]:
        assert block["whiteSpace"] == "pre-wrap" and not block["cut"], block
    # Dark text on white paper, whatever the reader's theme.
    assert layout["bodyLuminance"] > 0.95 and layout["textLuminance"] < 0.3, layout
    for paper, ink in layout["codeLuminance"]:
        assert (paper is None or paper > 0.9) and ink < 0.5, layout["codeLuminance"]


def test_printed_pdf_has_the_article_and_no_navigation(browser, base_url) -> None:
    context, page = _open(browser, base_url, DESKTOP)
    chrome_only = page.evaluate(CHROME_ONLY_WORDS)
    code = page.locator("article pre").all_text_contents()
    pdf = page.pdf(format="A4")
    context.close()
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    printed = set(WORD.findall(text))
    assert chrome_only, "the navigation has no Latin words to look for"  # e.g. the other articles
    assert not printed & set(chrome_only), sorted(printed & set(chrome_only))
    # Every line of every code block, long lines included (wrapped, not cut at the margin); only
    # the lines without Chinese, which has no glyphs here.
    flat = re.sub(r"\s+", "", text)
    lines = [line for block in code for line in block.splitlines() if line.strip()]
    latin = [line for line in lines if line.isascii()]
    assert len(latin) > len(lines) / 2, (len(latin), len(lines))
    for line in latin:
        assert re.sub(r"\s+", "", line) in flat, line
