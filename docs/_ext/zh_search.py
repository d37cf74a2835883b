"""Chinese full-text search that finds any word or phrase of a page, with Sphinx's own search.

The index holds every pair of adjacent Chinese characters of a page (and its Latin words, as
Sphinx's Chinese search does), not jieba's words: no dictionary decides what can be found, and a
term jieba would cut apart (迭代器 into 迭代 + 器) or never saw (远程衰减) is found all the same.
``zh_search.js`` (next to this file), written into ``language_data.js``, looks a query up the
same way in the browser and ranks what the index returns by reading the pages: pages containing
the query as written before those that only hold its character pairs, articles before the home
page, section indexes and API entries, more occurrences first; the snippet shows the query.

``search_aliases.txt`` lists, one per line, a name readers type and the form(s) the pages use
(旋转位置编码 for 旋转式位置编码): searching the name also finds the pages with a form.

It also keeps Sphinx 9.0's Chinese search working: 9.0 writes ``window.Stemmer = ChineseStemmer;``
into ``language_data.js``, but the stemmer it bundles for Latin words is the English one, so the
name is undefined and the search page throws a ReferenceError (sphinx-doc/sphinx#14229, fixed in
9.1 by #14416). Sphinx derives that name from ``language_name``; naming the class after the
stemmer it really ships fixes the generated script. Newer Sphinx versions are left alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import sphinx
from sphinx.application import Sphinx
from sphinx.search import languages
from sphinx.search.zh import SearchChinese

HERE = Path(__file__).parent
ALIASES_FILE = HERE / "search_aliases.txt"
SCRIPT_FILE = HERE / "zh_search.js"
# The same ranges as ZH_RUN in zh_search.js: CJK ideographs, extension A, compatibility forms.
CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def read_aliases(path: Path = ALIASES_FILE) -> dict[str, list[str]]:
    """{name readers type: forms the pages use} from a file of ``name form [form ...]`` lines."""
    aliases = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            aliases[words[0].lower()] = words[1:]
    return aliases


def bigrams(text: str) -> list[str]:
    """Every pair of adjacent Chinese characters in ``text``."""
    return [run[i : i + 2] for run in CJK_RUN.findall(text) for i in range(len(run) - 1)]


def browser_code(aliases: dict[str, list[str]]) -> str:
    code = SCRIPT_FILE.read_text(encoding="utf-8")
    return code.replace("/* ZH_ALIASES */ {}", json.dumps(aliases, ensure_ascii=False))


class SearchChineseBigrams(SearchChinese):
    js_splitter_code = browser_code(read_aliases())

    def __init__(self, options: dict[str, str]) -> None:
        # Skip SearchChinese's loading of jieba's dictionary: the index does not use jieba.
        super().__init__({"dict": "", **options})

    def split(self, input: str) -> list[str]:
        latin = [term.strip() for term in self.latin1_letters.findall(input)]
        self.latin_terms.update(latin)
        return bigrams(input) + latin


class SearchChineseBigramsWithEnglishStemmer(SearchChineseBigrams):
    language_name = "English"


def setup(app: Sphinx) -> dict[str, Any]:
    search: type[SearchChinese] = SearchChineseBigrams
    if (
        sphinx.version_info[:2] < (9, 1)
        and SearchChinese.js_stemmer_rawcode == "english-stemmer.js"
    ):
        search = SearchChineseBigramsWithEnglishStemmer
    languages["zh"] = search
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
