"""Make Sphinx's Chinese search work in the browser on Sphinx 9.0.

Sphinx 9.0 writes ``window.Stemmer = ChineseStemmer;`` into ``language_data.js`` for Chinese, but
the stemmer it bundles for the Latin words in a Chinese page is the English one, so the name is
undefined and the search page throws a ReferenceError (sphinx-doc/sphinx#14229, fixed in 9.1 by
#14416). Sphinx derives that name from ``language_name``; naming the class after the stemmer it
really ships fixes the generated script. Newer Sphinx versions are left alone.

It also indexes the names readers search by when a page uses another form of the term. The browser
does not segment a Chinese query: 旋转位置编码 is looked up as one word, and an article that says
旋转式位置编码 would not be found. ``search_aliases.txt`` (next to this file) lists, one per line,
the name readers type and the form(s) the pages use; a page that contains one of those forms is
indexed under the name too, in its title terms if the form is in a title.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sphinx
from sphinx.application import Sphinx
from sphinx.search import languages
from sphinx.search.zh import SearchChinese


class SearchChineseWithEnglishStemmer(SearchChinese):
    language_name = "English"


ALIASES_FILE = Path(__file__).with_name("search_aliases.txt")


def read_aliases(path: Path = ALIASES_FILE) -> list[tuple[str, list[str]]]:
    """(name readers type, forms the pages use) from a file of ``name form [form ...]`` lines."""
    aliases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            aliases.append((words[0], words[1:]))
    return aliases


def with_aliases(base: type[SearchChinese]) -> type[SearchChinese]:
    aliases = read_aliases()

    class SearchChineseWithAliases(base):  # type: ignore[misc, valid-type]
        def split(self, input: str) -> list[str]:
            words = super().split(input)
            return words + [name for name, forms in aliases if any(f in input for f in forms)]

    return SearchChineseWithAliases


def setup(app: Sphinx) -> dict[str, Any]:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not a build message
    base: type[SearchChinese] = SearchChinese
    if (
        sphinx.version_info[:2] < (9, 1)
        and SearchChinese.js_stemmer_rawcode == "english-stemmer.js"
    ):
        base = SearchChineseWithEnglishStemmer
    languages["zh"] = with_aliases(base)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
