"""docs/_ext/interface_zh.py: furo's English-only labels and the search scripts' strings."""

from __future__ import annotations

import json

from interface_zh import translate_js_catalogue, translate_page

CATALOGUE = {
    "Toggle navigation of %(title)s": "展开或折叠“%(title)s”",
    "Menu": "菜单",
    "Searching": "正在搜索",
}


def gettext(msgid: str) -> str:
    return CATALOGUE.get(msgid, msgid)


def test_labels_and_svg_titles_are_translated_and_nothing_else() -> None:
    html = (
        '<input aria-label="Toggle navigation of Python 内部机制"><svg><title>Menu</title></svg>'
        "<p>Menu</p><code>title=Menu</code>"
    )
    assert translate_page(html, gettext) == (
        '<input aria-label="展开或折叠“Python 内部机制”"><svg><title>菜单</title></svg>'
        "<p>Menu</p><code>title=Menu</code>"
    )


def test_the_search_scripts_catalogue_takes_the_sites_translations() -> None:
    sphinx_js = 'Documentation.addTranslations({"locale": "zh_Hans_CN", "messages": {'
    sphinx_js += (
        '"Searching": "\\u6b63\\u5728\\u641c\\u7d22\\u4e2d", "Search": "\\u641c\\u7d22"}});'
    )
    out = translate_js_catalogue(sphinx_js, gettext)
    assert out.startswith("Documentation.addTranslations(") and out.endswith(");")
    messages = json.loads(out[len("Documentation.addTranslations(") : -2])["messages"]
    assert messages == {"Search": "搜索", "Searching": "正在搜索"}
