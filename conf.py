"""Sphinx configuration for Explained.

Run from the repository root: ``sphinx-build -c . docs <out>`` (``make docs`` does it for you).
While this file runs the working directory is the repository root, so paths such as
``html_static_path`` are written from here, while ``exclude_patterns`` and toctrees resolve from
``docs/``.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# The examples multiply tiny matrices: BLAS threads only add overhead there, and with -j auto they
# oversubscribe the cores. Set before numpy is first imported (Sphinx itself does not import it).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

project = "Explained"
author = "Explained contributors"
# Fixed by SOURCE_DATE_EPOCH when set, so two builds of one commit are identical.
copyright = f"2026–{time.gmtime(int(os.environ.get('SOURCE_DATE_EPOCH', time.time()))).tm_year}"
language = "zh_CN"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx_copybutton",
    "matplotlib.sphinxext.plot_directive",
    # Local extensions, in docs/_ext/:
    "examples",  # runs every example on every page; the build fails when one does not match
    "offline_math",  # MathJax from a PyPI wheel, copied next to the pages
    "zh_search",  # Chinese full-text search that works in the browser on Sphinx 9.0
    "anchors",  # every heading has an explicit label, so Chinese headings get stable anchors
    "figures",  # one figure counter per page, so figures in separate eval-rst blocks never collide
]

exclude_patterns = ["_ext", "_templates", "_static"]
templates_path = ["docs/_templates"]
html_static_path = ["docs/_static"]
html_css_files = ["explained.css"]

# -- MyST ---------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
suppress_warnings: list[str] = []  # warnings are errors; fix causes instead of listing them here

# -- Examples (docs/_ext/examples.py) ------------------------------------------
examples_timeout = 60  # seconds per example; a hanging example fails the build instead of CI

# -- HTML -----------------------------------------------------------------------
html_theme = "furo"
html_title = "Explained · 讲透"
html_show_sourcelink = True
# Domain terms jieba would otherwise split (迭代器 -> 迭代 + 器), so a reader's query matches them.
html_search_options = {"dict": str(ROOT / "docs" / "_ext" / "search_words.txt")}
html_last_updated_fmt = None

# -- Copy buttons: copy only the code after >>> / ... prompts, never the output ------------------
# "..." alone (the end of a block) becomes an empty line, so a pasted def/for block closes in the REPL.
copybutton_prompt_text = r">>> |\.\.\.(?: |$)|\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_remove_prompts = True

# -- Figures: drawn at build time by the package ------------------------------------------------
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 150)]
plot_rcparams = {
    # A white card keeps the figure legible in furo's dark mode too.
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.figsize": (6.4, 3.6),
    "font.size": 10,
}

# -- API reference ----------------------------------------------------------------------------
autodoc_default_options = {"members": True}
autodoc_typehints = "description"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
