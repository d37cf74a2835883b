"""Join source lines broken between two Chinese characters.

A line break inside a paragraph is a soft break, which HTML renders as a space. Between Latin words
that is right; between two Chinese characters (or full-width punctuation) it puts a visible gap in
the middle of a sentence ("一亿行；  而求和"). This removes exactly those breaks from the page's text,
after the gate has read the page (so the lint's line numbers still count source lines), and keeps
every other break: between Latin words, and between Chinese and Latin, where the site's style puts
a space anyway. Code, math and raw HTML are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

# CJK punctuation, unified ideographs (and extension A), full-width forms.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
VERBATIM = (nodes.literal, nodes.literal_block, nodes.doctest_block, nodes.math, nodes.raw)


def _block(node: nodes.Node) -> nodes.Node | None:
    while node is not None and not isinstance(node, nodes.TextElement):
        node = node.parent
    while node is not None and isinstance(node.parent, nodes.TextElement):
        node = node.parent  # the outermost: a paragraph, not an emphasis inside it
    return node


def _verbatim(node: nodes.Node) -> bool:
    while node is not None:
        if isinstance(node, VERBATIM):
            return True
        node = node.parent
    return False


def join_cjk_lines(app: Sphinx, doctree: nodes.document) -> None:
    texts = [t for t in doctree.findall(nodes.Text) if not _verbatim(t.parent)]
    blocks = [_block(t.parent) for t in texts]
    values = [str(t) for t in texts]
    in_block: dict[int, list[int]] = {}
    for k, block in enumerate(blocks):
        in_block.setdefault(id(block), []).append(k)
    for i, value in enumerate(values):
        if "\n" not in value:
            continue
        same = [k for k in in_block[id(blocks[i])] if values[k]]
        before = next((values[k] for k in reversed(same) if k < i), "")
        after = next((values[k] for k in same if k > i), "")
        out = []
        for j, char in enumerate(value):
            if char == "\n":
                left = value[j - 1] if j else before[-1:]
                right = value[j + 1] if j + 1 < len(value) else after[:1]
                if CJK.match(left or " ") and CJK.match(right or " "):
                    continue
            out.append(char)
        values[i] = "".join(out)
    for text, value in zip(texts, values):
        if value != str(text):
            # By identity: Text nodes compare equal by value, so parent.replace() would pick the
            # paragraph's first "\n", not this one.
            parent = text.parent
            parent[next(i for i, c in enumerate(parent.children) if c is text)] = nodes.Text(value)


def setup(app: Sphinx) -> dict[str, Any]:
    # After examples.py (400), claims.py (600) and provenance.py (900) have read the page.
    app.connect("doctree-read", join_cjk_lines, priority=950)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
