"""Number the figures of a page across MyST ``{eval-rst}`` blocks.

matplotlib's plot directive names an inline figure ``<page>-<n>.png`` with a counter kept on the
docutils document. MyST parses each ``{eval-rst}`` block as a fresh document, so every block
restarts at 1: the second figure of a page silently overwrote the first, and its code never
showed. ``:filename-prefix:`` would avoid it but needs matplotlib >= 3.11, which Python 3.10
cannot install. This keeps one counter per page instead, on every matplotlib version.

It also redraws every figure whenever its page is read. matplotlib keeps the images in a cache
beside the doctrees and redraws one only when the *page* is newer than the image, so a change to
the package's drawing code, or a build on another Python, would have shown a stale figure.
"""

from __future__ import annotations

from typing import Any

import dependencies
from matplotlib.sphinxext import plot_directive
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
        # Redraw this figure when a module its code reaches changes (docs/_ext/dependencies.py).
        for path in dependencies.reached_files(["\n".join(self.content)]):
            document.settings.env.note_dependency(str(path))
        try:
            return super().run()
        finally:
            page["explained_plot_counter"] = document.attributes[COUNTER]


def _always_out_of_date(*args: Any, **kwargs: Any) -> bool:
    return True


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("matplotlib.sphinxext.plot_directive")
    plot_directive.out_of_date = _always_out_of_date
    app.add_directive("plot", PagePlot, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
