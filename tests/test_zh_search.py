"""The index side of the site's Chinese search (docs/_ext/zh_search.py), without a build."""

from __future__ import annotations

from pathlib import Path

from zh_search import SearchChineseBigrams, bigrams, browser_code, read_aliases


def test_bigrams_cover_every_pair_of_each_chinese_run() -> None:
    assert bigrams("交叉熵") == ["交叉", "叉熵"]
    assert bigrams("用 RoPE 做远程衰减，见上文") == ["做远", "远程", "程衰", "衰减", "见上", "上文"]
    assert bigrams("熵") == []


def test_the_index_holds_pairs_and_latin_words_not_jieba_words() -> None:
    words = SearchChineseBigrams({}).split("迭代器协议与 yield from")
    assert words == ["迭代", "代器", "器协", "协议", "议与", "yield", "from"]


def test_aliases_reach_the_browser(tmp_path: Path) -> None:
    path = tmp_path / "aliases.txt"
    path.write_text("# comment\nRoPE式 旋转式 旋转 # trailing\n\nlonely\n", encoding="utf-8")
    aliases = read_aliases(path)
    assert aliases == {"rope式": ["旋转式", "旋转"]}
    code = browser_code(aliases)
    assert '{"rope式": ["旋转式", "旋转"]}' in code and "/* ZH_ALIASES */" not in code
    assert "旋转位置编码" in browser_code(read_aliases())  # the site's own file
