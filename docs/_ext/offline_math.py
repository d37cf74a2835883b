"""Serve MathJax from the site itself: no CDN, no third-party request, math renders offline.

MathJax 3 comes from the PyPI wheel ``django-static-mathjax`` (installed with the docs extra, so no
third-party code lives in this repository). Only what the pages may load is copied into ``_static``:
the TeX-to-CHTML bundle, its web fonts, the TeX extensions its ``autoload`` fetches the first time a
page uses one of their macros (``\\boldsymbol``, ``\\cancel``, ...), and the menu/accessibility parts it
may load on demand.

The bundle is ``tex-chtml.js`` rather than ``tex-chtml-full.js``: the full one inlines every TeX
extension (170 kB more on every first visit) although the pages use few of them, and the ones
they do use load from the site itself, as the browser suite checks (no failed request, no math
error on any page).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

BUNDLE = "tex-chtml.js"
PARTS = [BUNDLE, "output/chtml/fonts/woff-v2", "input/tex/extensions", "a11y", "ui"]


def mathjax_source() -> Path:
    try:
        import mathjax  # the django-static-mathjax wheel
    except ImportError as exc:
        raise ExtensionError(
            "offline_math needs the 'django-static-mathjax' package: run `make install`"
        ) from exc
    root = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (root / BUNDLE).is_file():
        raise ExtensionError(
            f"offline_math: {root / BUNDLE} is missing; reinstall django-static-mathjax"
        )
    return root


def _configure(app: Sphinx, config: Any) -> None:
    mathjax_source()  # fail early, with a clear message
    config.mathjax_path = f"mathjax/{BUNDLE}"  # relative: resolved against _static/


def _copy(app: Sphinx, exception: Exception | None) -> None:
    # Only builders that render math with MathJax: the EPUB's is MathML (epub_math.py).
    if exception is not None or getattr(app.builder, "math_renderer_name", None) != "mathjax":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _configure)
    app.connect("build-finished", _copy)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
