"""Sphinx configuration for Explained.

Run from the repository root: ``sphinx-build -c . docs <out>`` (``make docs`` does it for you).
While this file runs the working directory is the repository root, so paths such as
``html_static_path`` are written from here, while ``exclude_patterns`` and toctrees resolve from
``docs/``.
"""

import os
import sys
import time
import types
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import sphinx_copybutton

ROOT = Path(__file__).resolve().parent
# The examples multiply tiny matrices: BLAS threads only add overhead there, and with -j auto they
# oversubscribe the cores. Set before numpy is first imported (Sphinx itself does not import it).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The slow experiments' results are kept here between builds, keyed by the package's source
# (src/explained/_cache.py): a clean rebuild of unchanged code does not train them again.
# EXPLAINED_CACHE_DIR="" turns it off (docs coverage and the mutation tool need the code to run).
os.environ.setdefault("EXPLAINED_CACHE_DIR", str(ROOT / "_build" / "cache"))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

project = "Explained"
author = "Explained contributors"
# Fixed by SOURCE_DATE_EPOCH when set, so two builds of one commit are identical.
_year = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))).tm_year
copyright = "2026" if _year == 2026 else f"2026–{_year}"
language = "zh_CN"
# The interface (furo's and Sphinx's strings) in Chinese: locale/zh_CN/LC_MESSAGES/sphinx.po, read
# before Sphinx's own catalogue and compiled to sphinx.mo by Sphinx at the start of each build.
locale_dirs = [str(ROOT / "locale")]
gettext_auto_build = True
# The companion package's version (EPUB needs one; pages do not show it).
try:
    release = metadata.version("explained")
except metadata.PackageNotFoundError:  # building without `make install`
    release = "0.0"
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx_copybutton",
    # Local extensions, in docs/_ext/:
    "examples",  # runs every example on every page; the build fails when one does not match
    "claims",  # {check} values in prose, run with the examples; numbers in prose checked or cited
    "offline_math",  # MathJax from a PyPI wheel, copied next to the pages
    "epub_math",  # the EPUB's math as MathML (latex2mathml), checked formula by formula
    "interface_zh",  # furo's English-only labels and the search scripts' strings from locale/
    "zh_search",  # Chinese search: any phrase of a page finds it, articles first (docs/_ext/)
    "fences",  # a code fence left open (which would swallow the rest of a page) is an error
    "anchors",  # every heading has an explicit label, so Chinese headings get stable anchors
    "cjk_breaks",  # a source line break between two Chinese characters renders as no space
    "figures",  # {plot} fences: drawn from the page's own (checked) data while its examples run
    "provenance",  # each article names the Python/numpy its examples ran on, its source and module
    "last_updated",  # "last updated" from the page's last commit (or SOURCE_DATE_EPOCH), not build time
    "read_order",  # -j auto: the parallel readers get equal shares, by each page's last read time
    # From PyPI; none of them touches the network while building:
    "sphinxcontrib.bibtex",  # {cite:p} roles and per-page bibliographies from docs/references.bib
    "bibtex_reuse",  # (docs/_ext/) a rebuild reuses the formatted citations when nothing changed
    "sphinx_sitemap",
    "sphinxext.opengraph",
    "notfound.extension",
]

exclude_patterns = ["_ext", "_templates", "_static"]
templates_path = ["docs/_templates"]
# Config values are written here as the extensions leave them, so that every build sees the same
# configuration as the last one (a changed value makes Sphinx treat the environment as changed):
# sphinx-copybutton appends its static folder at builder-inited (setup() below drops the second
# copy), Sphinx fills in each CSS file's priority, MyST sets MathJax's processHtmlClass.
html_static_path = ["docs/_static", str(Path(sphinx_copybutton.__file__).parent / "_static")]
html_css_files = [
    ("explained.css", {"priority": 800}),
    # Articles on paper: no navigation, sidebars or buttons; figures, math and all of the code.
    ("print.css", {"media": "print", "priority": 800}),
]
epub_css_files = [("explained.css", {"priority": 800})]
# Sphinx 9 writes this as window.MathJax; the bundle served is MathJax 3.2 (offline_math.py), which
# reads the same keys. MathJax 3 cannot break inline math across lines (4 can): long inline
# formulas are split in the articles, and display math scrolls in its box (explained.css).
mathjax4_config = {
    "options": {"processHtmlClass": "tex2jax_process|mathjax_process|math|output_area"}
}

# -- MyST ---------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
suppress_warnings: list[str] = []  # warnings are errors; fix causes instead of listing them here

# -- Examples (docs/_ext/examples.py) ------------------------------------------
examples_timeout = 60  # seconds per example; a hanging example fails the build instead of CI

# -- Citations (sphinxcontrib-bibtex): one .bib file; each article lists what it cites ----------
# An article cites as {cite:p}`<page>:<key> {§3.2}` and ends with a bibliography directive with
# `:filter: docname in docnames`, `:keyprefix: <page>:` (two articles can cite one entry) and
# `:labelprefix: <code>` (their numbered labels stay distinct).
bibtex_bibfiles = ["docs/references.bib"]
bibtex_default_style = "unsrt"
bibtex_reference_style = "label"

# -- HTML -----------------------------------------------------------------------
html_theme = "furo"
html_title = "Explained · 讲透"
html_show_sourcelink = True
html_last_updated_fmt = "%Y-%m-%d"  # filled in by docs/_ext/last_updated.py
# furo's footer credit writes "@pradyunsg's" in English when this is on; sphinx.po names Sphinx.
html_show_sphinx = False
# MathJax on the site (docs/_ext/offline_math.py); MathML in the EPUB (docs/_ext/epub_math.py).
html_math_renderer = "mathjax"
epub_math_renderer = "mathml"
html_favicon = "docs/_static/favicon.svg"

# -- EPUB (make epub) ---------------------------------------------------------------------------
epub_title = "Explained · 讲透"
epub_author = author
epub_publisher = author
epub_contributor = author
epub_copyright = copyright
epub_language = "zh-CN"  # BCP 47, as dc:language wants it (Sphinx's language is zh_CN)
epub_description = "用简体中文写成的深度技术文章，每个例子都在构建时对照伴随包 explained 运行核对。"

# -- Hosting: where the site and its sources live ------------------------------------------------
# Both come from the environment so that a fork or a mirror never publishes our addresses; CI sets
# them (.github/workflows/ci.yml). The placeholder site URL is never a real host: it only keeps
# the sitemap and link previews well-formed in local builds.
SITE_URL = os.environ.get("EXPLAINED_SITE_URL", "https://explained.invalid/").rstrip("/") + "/"
# e.g. https://github.com/<owner>/explained; without it, "view source" links go to the _sources
# copy of the page published with the site, and there is no "edit this page" button.
explained_repository = os.environ.get("EXPLAINED_REPOSITORY", "").rstrip("/")
explained_branch = os.environ.get("EXPLAINED_BRANCH", "main")
# <link rel="canonical"> only for a real deployment: a local build names no host at all.
html_baseurl = SITE_URL if os.environ.get("EXPLAINED_SITE_URL") else ""
site_url = SITE_URL  # sphinx-sitemap
epub_identifier = SITE_URL  # the book's dc:identifier: the site it is a copy of
epub_scheme = "URL"
epub_uid = "explained"  # the XML id that ties the identifier to the package
html_theme_options = {"top_of_page_buttons": ["view", "edit"]}
if explained_repository:
    html_theme_options.update(
        source_repository=explained_repository + "/",
        source_branch=explained_branch,
        source_directory="docs/",
    )

# sitemap.xml, with page URLs as the site serves them (no language or version folder).
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "py-modindex.html", "404.html"]
# OpenGraph tags for link previews; no generated social cards (they need fonts for Chinese titles).
ogp_site_url = SITE_URL
ogp_site_name = "Explained · 讲透"
ogp_social_cards = {"enable": False}
# With the cards off, sphinxext-opengraph 0.13 still imports their module, and with it matplotlib,
# on every build: 0.7 s of each rebuild in `make serve`. This stand-in tells it there is no card
# maker, as it would be told without matplotlib, minus the message it prints then.
_no_cards = types.ModuleType("sphinxext.opengraph._social_cards")
_no_cards.DEFAULT_SOCIAL_CONFIG, _no_cards.create_social_card = {}, None
sys.modules.setdefault(_no_cards.__name__, _no_cards)
# 404.html, served by the host for any missing path: absolute links, so it works at any depth.
notfound_urls_prefix = urlsplit(SITE_URL).path
notfound_context = {
    "title": "页面不存在",
    "body": (
        "<h1>页面不存在</h1>"
        f'<p>这个地址上没有页面。请从<a href="{notfound_urls_prefix}index.html">首页</a>'
        "进入，或用左侧的搜索框查找。</p>"
    ),
}

# -- Copy buttons: copy only the code after >>> / ... prompts, never the output ------------------
# "..." alone (the end of a block) becomes an empty line, so a pasted def/for block closes in the REPL.
copybutton_prompt_text = r">>> |\.\.\.(?: |$)|\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_remove_prompts = True

# -- API reference ----------------------------------------------------------------------------
autodoc_default_options = {"members": True}
autodoc_typehints = "description"
napoleon_google_docstring = False
napoleon_numpy_docstring = True


def _drop_repeated_static_paths(app) -> None:
    # sphinx-copybutton appends its folder on every build; keep html_static_path as written above.
    app.config.html_static_path = list(dict.fromkeys(app.config.html_static_path))


def setup(app) -> None:
    app.connect("builder-inited", _drop_repeated_static_paths, priority=900)
