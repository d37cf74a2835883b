"""The terms a reader may search for, taken from the articles' own prose in the built site.

Every word (jieba) and every phrase of two adjacent words that is 2–6 Chinese characters long and
occurs in the prose of at most ``MAX_PAGES`` articles is a candidate; a term found in more articles
cannot put each of them among the first three results. From each article ``PER_ARTICLE`` candidates
are drawn in the order of a hash of the term, so the list is deterministic, changes only where the
pages change, and is picked by nobody.

``python tests/browser/search_terms.py <site html dir>`` prints the list.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

MAX_PAGES = 3
PER_ARTICLE = 25  # about 300 terms for the site's 12 articles
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Prose: paragraphs, list items, headings, table cells, captions; not code, math or references.
PROSE = "p, li, dt, dd, th, td, figcaption, h1, h2, h3, h4, h5, h6"
NOT_PROSE = "pre, .highlight, .math, script, style, .headerlink, .citation, .explained-provenance"


@dataclass(frozen=True)
class Term:
    text: str
    article: str  # the article it was drawn from
    pages: frozenset[str]  # every article whose prose contains it


def articles(site_html: Path) -> list[str]:
    """The articles of the site: pages in a section folder other than the section's index."""
    return sorted(
        p.relative_to(site_html).as_posix()
        for p in site_html.glob("*/*.html")
        if p.name != "index.html" and p.parent.name not in ("api", "_static", "_sources")
    )


def prose(html: str) -> str:
    """The text of an article's prose, one element a line."""
    from bs4 import BeautifulSoup

    main = BeautifulSoup(html, "html.parser").select_one("article[role=main]")
    if main is None:
        return ""
    for element in main.select(NOT_PROSE):
        element.decompose()
    # An element inside another (a paragraph in a list item) is read once, as part of the outer.
    blocks = [e for e in main.select(PROSE) if not e.find_parent(PROSE.split(", "))]
    return "\n".join(e.get_text(" ", strip=True) for e in blocks)


def candidates(text: str) -> set[str]:
    """Words and two-word phrases of 2–6 Chinese characters in ``text``."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    found = set()
    for run in CJK_RUN.findall(text):
        words = list(jieba.cut(run))
        found.update(w for w in words if 2 <= len(w) <= 6)
        found.update(
            a + b
            for a, b in itertools.pairwise(words)
            if len(a) >= 2 and len(b) >= 2 and len(a + b) <= 6
        )
    return found


def _order(term: str) -> str:
    return hashlib.sha1(term.encode("utf-8")).hexdigest()


def article_texts(site_html: Path) -> dict[str, str]:
    """{article: its prose} for the built site."""
    return {a: prose((site_html / a).read_text(encoding="utf-8")) for a in articles(site_html)}


def search_terms(texts: dict[str, str], per_article: int = PER_ARTICLE) -> list[Term]:
    """The term list for the articles' prose ``texts`` (from ``article_texts``)."""
    chosen: dict[str, Term] = {}
    for article, text in texts.items():
        drawn = 0
        for term in sorted(candidates(text), key=_order):
            if drawn == per_article:
                break
            pages = frozenset(a for a, t in texts.items() if term in t)
            if term in chosen or len(pages) > MAX_PAGES:
                continue
            chosen[term] = Term(term, article, pages)
            drawn += 1
    return list(chosen.values())


if __name__ == "__main__":
    for t in search_terms(article_texts(Path(sys.argv[1]))):
        print(t.text, t.article, len(t.pages), sep="\t")
