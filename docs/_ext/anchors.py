"""Every heading needs an explicit label, so its anchor is stable and readable.

docutils derives a section's id from its title with ASCII-only rules: a Chinese heading gets a
meaningless ``id1``, ``id2``, … that changes whenever a heading is added above it, breaking every
link into the page. A MyST label line such as ``(rope-derivation)=`` above the heading fixes the
id; this check warns (an error under ``-W``) for any heading left without one.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
AUTO_ID = re.compile(r"id\d+")


def check_anchors(app: Sphinx, doctree: nodes.document) -> None:
    for section in doctree.findall(nodes.section):
        if all(AUTO_ID.fullmatch(i) for i in section["ids"]):
            title = section.next_node(nodes.title)
            logger.warning(
                "heading %r has no stable anchor (its id would be %s): put a label line such as "
                "(page-topic)= directly above it",
                title.astext() if title else "?",
                section["ids"][0] if section["ids"] else "none",
                location=title or section,
                type="anchors",
            )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", check_anchors)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
