"""Number the figures of a page across MyST ``{eval-rst}`` blocks.

matplotlib's plot directive names an inline figure ``<page>-<n>.png`` with a counter kept on the
docutils document. MyST parses each ``{eval-rst}`` block as a fresh document, so every block
restarts at 1: the second figure of a page silently overwrote the first, and its code never
showed. ``:filename-prefix:`` would avoid it but needs matplotlib >= 3.11, which Python 3.10
cannot install. This keeps one counter per page instead, on every matplotlib version.
"""

from __future__ import annotations

from typing import Any

from matplotlib.sphinxext.plot_directive import PlotDirective
from sphinx.application import Sphinx

COUNTER = "_plot_counter"  # the attribute matplotlib's directive reads and increments


class PagePlot(PlotDirective):
    def run(self) -> list[Any]:
        if "filename-prefix" in self.options:
            raise self.error(
                ":filename-prefix: is not available on Python 3.10 (matplotlib < 3.11); "
                "drop it: figures are numbered per page automatically"
            )
        document = self.state.document
        page = document.settings.env.temp_data  # cleared by Sphinx before each page is read
        document.attributes[COUNTER] = page.get("explained_plot_counter", 0)
        try:
            return super().run()
        finally:
            page["explained_plot_counter"] = document.attributes[COUNTER]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("matplotlib.sphinxext.plot_directive")
    app.add_directive("plot", PagePlot, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
