"""Sphinx configuration for Explained.

Run from the repository root: ``sphinx-build -c . docs <out>`` (``make docs`` does it for you).
While this file runs the working directory is the repository root, so paths such as
``html_static_path`` are written from here, while ``exclude_patterns`` and toctrees resolve from
``docs/``.
"""

import os
import sys
import time
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
    "zh_search",  # Chinese full-text search that works in the browser on Sphinx 9.0
    "fences",  # a code fence left open (which would swallow the rest of a page) is an error
    "anchors",  # every heading has an explicit label, so Chinese headings get stable anchors
    "cjk_breaks",  # a source line break between two Chinese characters renders as no space
    "figures",  # {plot} fences: drawn from the page's own (checked) data while its examples run
    "provenance",  # each article names the Python/numpy its examples ran on, its source and module
    "last_updated",  # "last updated" from the page's last commit (or SOURCE_DATE_EPOCH), not build time
    # From PyPI; none of them touches the network while building:
    "sphinxcontrib.bibtex",  # {cite:p} roles and per-page bibliographies from docs/references.bib
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
html_css_files = [("explained.css", {"priority": 800})]
epub_css_files = [("explained.css", {"priority": 800})]
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
# Domain terms jieba would otherwise split (迭代器 -> 迭代 + 器), so a reader's query matches them.
html_search_options = {"dict": str(ROOT / "docs" / "_ext" / "search_words.txt")}
html_last_updated_fmt = "%Y-%m-%d"  # filled in by docs/_ext/last_updated.py
html_favicon = "docs/_static/favicon.svg"

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
