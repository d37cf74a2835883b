"""Math in the EPUB as MathML, converted while the book is written: EPUB readers run no MathJax.

The HTML site keeps MathJax (``offline_math.py``); the epub builder uses the ``mathml`` renderer
registered here (``epub_math_renderer`` in conf.py; ``html_math_renderer`` stays ``mathjax``). Each
formula goes through ``latex2mathml`` (PyPI, pure Python), and the result is checked: a formula that
does not convert, that converts to XML that is not well-formed, or that keeps a TeX command the
converter did not know (``<mi>\\foo</mi>``) is a warning at the formula's line, so ``make epub``
(``-W``) fails instead of printing raw TeX in the book. EPUB 3 requires every content document with
MathML to say so in the package file; the builder below adds ``properties="mathml"`` there.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

# TeX that latex2mathml (3.81) does not know, rewritten to what it does: the output is the same.
REWRITES = [
    (re.compile(r"\\(begin|end)\{aligned\}"), r"\\\1{split}"),
    (re.compile(r"\\(arg)(?![A-Za-z])"), r"\\operatorname{\1}"),
]


class MathMLError(ValueError):
    """A formula that latex2mathml cannot turn into MathML that says the same."""


def to_mathml(latex: str, *, display: bool) -> str:
    """``latex`` as one ``<math>`` element; MathMLError when the conversion is not faithful."""
    from latex2mathml.converter import convert

    for pattern, replacement in REWRITES:
        latex = pattern.sub(replacement, latex)
    try:
        mathml = convert(latex, display="block" if display else "inline")
    except Exception as exc:  # the converter raises its own error classes, one per TeX mistake
        raise MathMLError(f"latex2mathml cannot convert it ({type(exc).__name__}: {exc})") from exc
    try:
        root = ET.fromstring(mathml)
    except ET.ParseError as exc:
        raise MathMLError(f"latex2mathml wrote MathML that is not well-formed ({exc})") from exc
    unknown = sorted({e.text for e in root.iter() if e.text and e.text.startswith("\\")})
    if unknown:
        raise MathMLError(f"latex2mathml does not know {', '.join(unknown)}")
    return mathml


def _convert(self: Any, node: nodes.Element, latex: str, *, display: bool) -> str:
    try:
        return to_mathml(latex, display=display)
    except MathMLError as exc:
        logger.warning(
            "formula not converted to MathML: %s: %s", exc, latex, location=node, type="epub_math"
        )
        return self.encode(latex)


def visit_math(self: Any, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(_convert(self, node, node.astext(), display=False) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self: Any, node: nodes.math_block) -> None:
    # As sphinx.ext.mathjax does: the number and its anchor, then one formula per paragraph.
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    for part in (p for p in node.astext().split("\n\n") if p.strip()):
        if r"\\" in part and not node.get("nowrap") and r"\begin" not in part:
            part = r"\begin{split}" + part + r"\end{split}"
        self.body.append(_convert(self, node, part, display=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


class MathMLEpub3Builder(Epub3Builder):
    """Sphinx's EPUB 3 builder, declaring the MathML of its pages in the package file."""

    def build_content(self) -> None:
        super().build_content()
        opf = Path(self.outdir) / "content.opf"
        text = opf.read_text(encoding="utf-8")

        def declare(match: re.Match[str]) -> str:
            page = Path(self.outdir) / match.group(1)
            # nav.xhtml is written after this; it holds no math.
            if page.suffix == ".xhtml" and page.is_file() and "<math" in page.read_text("utf-8"):
                return match.group(0)[:-2].rstrip() + ' properties="mathml" />'
            return match.group(0)

        opf.write_text(re.sub(r'<item id="[^"]*" href="([^"]*)"[^>]*/>', declare, text), "utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.add_config_value("epub_math_renderer", "mathml", "epub", types=frozenset({str}))
    app.add_builder(MathMLEpub3Builder, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
