"""The docs gate: the real site builds clean, and the gate fails when prose and code disagree."""

from __future__ import annotations

import json
import pickle
import re
import shutil
from pathlib import Path

import pytest
from docs_build import (
    ROOT,
    article_pages,
    assert_math_served_locally,
    copy_site,
    reported,
    sphinx_build,
)
from zh_search import bigrams

# `site` (tests/conftest.py): the real site, built once and shared with the browser suite.


def test_site_builds_with_zero_warnings(site) -> None:
    assert site.warnings() == []


def test_every_article_runs_its_examples(site) -> None:
    with open(site.doctreedir / "environment.pickle", "rb") as f:
        counts = pickle.load(f).explained_examples
    for page in article_pages(ROOT / "docs"):
        docname = page.relative_to(ROOT / "docs").with_suffix("").as_posix()
        assert counts.get(docname, 0) >= 10, f"{docname} ran {counts.get(docname)} examples"


def _search_index(site) -> dict:
    text = (site.outdir / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


@pytest.mark.parametrize("term", ["生成器", "迭代器", "协程", "惰性", "栈帧"])
def test_search_index_holds_chinese_body_terms(site, term: str) -> None:
    # The index holds character pairs (docs/_ext/zh_search.py): each pair of the term must point
    # to the page. Sphinx files a term under "titleterms" when it is in a heading, else "terms".
    index = _search_index(site)
    page = index["docnames"].index("python/generators")
    for pair in bigrams(term):
        found: set[int] = set()
        for kind in ("terms", "titleterms"):
            docs = index[kind].get(pair, [])
            found |= set(docs if isinstance(docs, list) else [docs])
        assert page in found, f"{pair!r} of {term!r} not indexed"


def test_search_script_defines_the_stemmer_it_uses(site) -> None:
    # Sphinx 9.0 assigned an undefined ChineseStemmer here, which broke search in the browser.
    script = (site.outdir / "_static" / "language_data.js").read_text(encoding="utf-8")
    assigned = re.search(r"window\.Stemmer = (\w+);", script)
    if assigned:
        name = assigned.group(1)
        assert re.search(rf"(class|var|let|const|function) {name}\b|{name} = function", script)


ASSET = re.compile(r"""<(?:script|img|link|iframe|source)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""")


def test_pages_load_nothing_from_other_hosts(site) -> None:
    pages = list(site.outdir.rglob("*.html"))
    assert pages
    for page in pages:
        for url in ASSET.findall(page.read_text(encoding="utf-8")):
            assert not re.match(r"(https?:)?//", url), f"{page.name} loads {url}"
    for css in site.outdir.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css


def test_articles_carry_link_preview_tags(site) -> None:
    # sphinxext-opengraph runs with its social-card module stood in for (conf.py): the tags stay.
    html = (site.outdir / "python" / "generators.html").read_text(encoding="utf-8")
    for tag in ("og:title", "og:type", "og:url", "og:site_name", "og:description"):
        assert f'property="{tag}"' in html, f"no {tag} meta tag"
    assert "og:image" not in html  # no social cards: they would need fonts for Chinese titles


def test_math_is_served_locally(site) -> None:
    assert_math_served_locally(site.outdir)


def test_figures_are_drawn_at_build_time(site) -> None:
    images = {p.name for p in (site.outdir / "_images").glob("*.png")}
    assert {"generators-1.png", "generators-2.png"} <= images
    assert not list((ROOT / "docs").rglob("*.png")), "figures must be drawn, not committed"


def _break_first_output(page: Path) -> int:
    """Alter the first expected output line of the first example; return the example's line."""
    lines = page.read_text(encoding="utf-8").split("\n")
    in_pycon, example_line = False, 0
    for i, line in enumerate(lines):
        if line.startswith("```pycon"):
            in_pycon = True
        elif in_pycon and line.startswith("```"):
            in_pycon = False
        elif in_pycon and line.startswith(">>> "):
            example_line = i + 1
        elif in_pycon and example_line and line.strip() and not line.startswith("... "):
            lines[i] = line + " (altered)"
            page.write_text("\n".join(lines), encoding="utf-8")
            return example_line
    raise AssertionError(f"{page} has no example with output")


def test_gate_fails_on_an_altered_output_in_every_article(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    broken = {page: _break_first_output(page) for page in article_pages(site / "docs")}
    assert broken
    build = sphinx_build(site, tmp_path / "html")
    assert build.returncode != 0
    for page, line in broken.items():
        assert reported(build.output, page, line), (
            f"{page}:{line} not reported\n{build.output[-4000:]}"
        )


def test_gate_fails_when_the_package_changes_behaviour(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "explained", src / "explained", ignore=shutil.ignore_patterns("__pycache__")
    )
    module = src / "explained" / "python" / "generators.py"
    code = module.read_text(encoding="utf-8")
    assert "average = total / count" in code
    module.write_text(code.replace("average = total / count", "average = total / (count + 1)"))
    build = sphinx_build(ROOT, tmp_path / "html", pythonpath=src)
    assert build.returncode != 0
    page = ROOT / "docs" / "python" / "generators.md"
    assert re.search(rf"{re.escape(str(page))}:\d+: WARNING: example failed", build.output)


def test_no_page_shows_a_space_between_chinese_characters(site) -> None:
    # Source lines broken between two Chinese characters render as a space unless the build
    # joins them (docs/_ext/cjk_breaks.py): none may reach a page's paragraphs.
    cjk = "[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
    found = []
    for page in sorted(site.outdir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        for paragraph in re.findall(r"<p>(.*?)</p>", html, flags=re.DOTALL):
            text = re.sub(r"<[^>]+>", "", paragraph)
            found += [f"{page.name}: {m}" for m in re.findall(rf"{cjk}\s*\n\s*{cjk}", text)]
    assert found == [], found[:10]


def test_every_article_states_its_numbers_checked_or_cited(site) -> None:
    # The lint (docs/_ext/claims.py) fails the build on an unchecked number; this pins that the
    # articles really do use checked values, and that the per-page classes are recorded.
    with open(site.doctreedir / "environment.pickle", "rb") as f:
        numbers = pickle.load(f).explained_numbers
    articles = [
        p.relative_to(ROOT / "docs").with_suffix("").as_posix()
        for p in article_pages(ROOT / "docs")
    ]
    for page in articles:
        if page.startswith("api/"):
            continue
        counts = numbers.get(page, {})
        assert not counts.get("unchecked") and not counts.get("uncited"), (page, counts)
    assert sum(numbers.get(p, {}).get("checked", 0) for p in articles) > 100
