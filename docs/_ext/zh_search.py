"""Make Sphinx's Chinese search work in the browser on Sphinx 9.0.

Sphinx 9.0 writes ``window.Stemmer = ChineseStemmer;`` into ``language_data.js`` for Chinese, but
the stemmer it bundles for the Latin words in a Chinese page is the English one, so the name is
undefined and the search page throws a ReferenceError (sphinx-doc/sphinx#14229, fixed in 9.1 by
#14416). Sphinx derives that name from ``language_name``; naming the class after the stemmer it
really ships fixes the generated script. Newer Sphinx versions are left alone.
"""

from __future__ import annotations

import logging
from typing import Any

import sphinx
from sphinx.application import Sphinx
from sphinx.search import languages
from sphinx.search.zh import SearchChinese


class SearchChineseWithEnglishStemmer(SearchChinese):
    language_name = "English"


def setup(app: Sphinx) -> dict[str, Any]:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not a build message
    if sphinx.version_info[:2] < (9, 1) and SearchChinese.js_stemmer_rawcode == "english-stemmer.js":
        languages["zh"] = SearchChineseWithEnglishStemmer
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
