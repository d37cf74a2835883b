"""Figures drawn at build time from the page's own data.

A figure is a fence whose code draws with the companion package's ``figures`` module::

    ```{plot}
    :alt: 替代文字
    :caption: 图注，可以含 {check}`4.471 ≈ bound[1000]` 这样的核对值。

    plot_long_term_decay(curve)
    ```

The code is not run while the page is parsed. It runs with the page's examples, at its place on
the page, in a *copy* of the page's namespace (examples.py and example_runner.draw): ``curve`` is
the very object the examples above computed and checked, so the figure cannot show data the page
did not check, and the figure cannot change the page's names. ``figures.py`` modules only draw
(tests/test_figures_only_draw.py). An exception fails the build at the fence's line, like an
example. Images are numbered per page (``rope-1.png``, ...) and redrawn on every read of the page.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


class pending_figure(nodes.General, nodes.Element):
    """Where a figure goes; examples.py runs its code and replaces it with the image."""


class Plot(SphinxDirective):
    has_content = True
    option_spec: ClassVar = {
        "alt": directives.unchanged_required,
        "caption": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        missing = [o for o in ("alt", "caption") if not self.options.get(o)]
        if missing:
            raise self.error(
                f"a figure needs :{missing[0]}: (readers of screen readers and of the EPUB rely "
                "on the alt text; the caption says what to read off the figure)"
            )
        if not self.content:
            raise self.error("a figure needs code that draws it")
        page = self.env.temp_data  # cleared by Sphinx before each page is read
        page["explained_figures"] = number = page.get("explained_figures", 0) + 1
        docname = self.env.docname
        pending = pending_figure(
            code="\n".join(self.content), alt=self.options["alt"], name=f"{docname}-{number}.png"
        )
        self.set_source_info(pending)
        caption_nodes, messages = self.state.inline_text(self.options["caption"], self.lineno)
        caption = nodes.caption("", "", *caption_nodes)
        figure = nodes.figure("", pending, caption)
        self.set_source_info(caption)
        self.set_source_info(figure)
        self.add_name(figure)
        return [figure, *messages]


def figure_dir(app: Sphinx) -> Path:
    """Where this build's figures are drawn: beside the doctrees, never in the sources."""
    return Path(app.doctreedir).parent / "figures"


def place_images(app: Sphinx, doctree: nodes.document) -> None:
    """Replace each drawn figure's placeholder with its image. examples.py calls this after it
    ran the page, before Sphinx collects the page's images (doctree-read, priority 500)."""
    for node in list(doctree.findall(pending_figure)):
        outfile = figure_dir(app) / node["name"]
        if not outfile.is_file():  # its code failed: the gate has reported where
            node.replace_self(nodes.paragraph("", "（这幅图没能画出来，见构建输出。）"))
            continue
        here = Path(app.srcdir, app.env.docname).parent
        uri = Path(os.path.relpath(outfile, here)).as_posix()
        image = nodes.image(uri=uri, alt=node["alt"])
        image.source, image.line = node.source, node.line
        node.replace_self(image)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(pending_figure)
    app.add_directive("plot", Plot)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
