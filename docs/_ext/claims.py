"""Numbers and conclusions in prose are checked by the build, or cited.

Two parts:

* The ``{check}`` role states a value in a sentence and the expression that must reproduce it, in
  the page's namespace at that point of the page (after the examples above it)::

      在距离 1000 处上界是 {check}`4.471 ≈ bound[1000]`，约为 {check}`1/7 if 6.5 < r < 7.5`。

  The page shows the left-hand side exactly as written (``4.471``, ``1/7``). The rule is in the
  source: ``≈`` the value rounded to the digits shown reads the same (a ``%`` on the left means
  the value is a fraction shown times 100); ``==`` the value is exactly the number (or the text)
  shown; ``if`` the condition after it is true, for anything the first two cannot say ("the
  curve rises at {check}`43 == rises` of its 99 steps", "{check}`5 of 5 seeds if all(wins)`").
  The gate (examples.py) runs each one as an example: a mismatch or an exception fails the build
  at the role's file:line.

* A lint: in the prose of every page but the API reference, a number with a decimal point, a
  percentage, a multiple (``3 倍``) or a fraction (``1/7``) must be inside a ``{check}`` or in a
  sentence that cites its source with a locator (``{cite:p}`su2021roformer {§3.4}```). What is not a
  number in this sense (versions, section and table numbers, identifiers) is listed in EXEMPT; a
  page's count per class is logged and kept in ``env.explained_numbers``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from example_runner import CHECK_CALL
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

logger = logging.getLogger(__name__)

RULES = (" ≈ ", " == ", " if ")


class checked_value(nodes.inline):
    """A value in prose that the gate checks: shows ``shown``; ``expr`` and ``rule`` say how."""


class CheckRole(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        text = " ".join(self.text.split())
        found = [(text.find(rule), rule) for rule in RULES if rule in text]
        if not found:
            message = self.inliner.reporter.error(
                f"{{check}} needs `shown ≈ expression`, `shown == expression` or "
                f"`shown if condition`, got `{text}`",
                line=self.lineno,
            )
            return [], [message]
        at, rule = min(found)
        shown, expr = text[:at].strip(), text[at + len(rule) :].strip()
        node = checked_value(shown, shown, expr=expr, rule=rule.strip(), classes=["checked"])
        source, line = self.get_source_info()
        forms = (f"{{{self.name}}}`{self.text}`", f":{self.name}:`{self.text}`")  # MyST, rST
        node.source, node.line = source, _role_line(self.env, source, line, forms)
        return [node], []


def _role_line(env: Any, source: str, line: int, forms: tuple[str, ...]) -> int:
    """The 1-based line of the role in the source file. MyST gives a role its paragraph's first
    line, so look for the role's text from there; each occurrence is claimed once."""
    lines = env.temp_data.setdefault("explained_source_lines", {})
    if source not in lines:
        try:
            lines[source] = Path(source).read_text(encoding="utf-8").splitlines()
        except OSError:
            lines[source] = []
    claimed = env.temp_data.setdefault("explained_claimed_roles", set())
    for number in range(max(line, 1), len(lines[source]) + 1):
        for rawtext in forms:
            start = 0
            while (col := lines[source][number - 1].find(rawtext, start)) != -1:
                if (number, col) not in claimed:
                    claimed.add((number, col))
                    return number
                start = col + 1
    return line


def check_example(node: checked_value) -> str:
    """The example the gate runs for a checked value (docs/_ext/example_runner.py: checked)."""
    return (
        f">>> {CHECK_CALL}({node['expr']}), {node.astext()!r}, {node['rule']!r})\n{node.astext()}\n"
    )


# -- The lint -------------------------------------------------------------------------------------

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
ZH = "零一二两三四五六七八九十百千万"
KINDS = {
    "percentage": re.compile(rf"(?<![\w.])(?:{NUMBER})\s*[%％]"),
    "multiple": re.compile(rf"(?<![\w.])(?:{NUMBER})\s*倍"),
    "fraction": re.compile(r"(?<![\w./])\d+\s*/\s*\d+(?![\w/])"),
    # 五分之一, 两倍: the same claims written in Chinese numerals
    "fraction in words": re.compile(rf"[{ZH}\d]+\s*分之\s*[{ZH}\d]+"),
    "multiple in words": re.compile(rf"[{ZH}]+倍"),
    "decimal": re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])"),
}
# Numbers that are not quantities: the text right before (or the token itself) says what they are.
PRODUCTS = (
    "Python|CPython|Pyodide|numpy|NumPy|scikit-learn|sklearn|Sphinx|matplotlib|PyTorch|torch|"
    "transformers|myst-parser|docutils|furo|jieba|MathJax|Node\\.js|Debian|pip|版本|v"
)
EXEMPT = {
    # Python 3.12; Python 3.10–3.13; numpy 2.4、2.5
    "version": re.compile(
        rf"(?<![A-Za-z])(?:{PRODUCTS})\s*(?:\d+(?:\.\d+)+\+?\s*[–~\-、,，/和至到与]\s*)*$"
    ),
    "section": re.compile(
        r"(?:§|第\s*|Section\s*|Sec\.\s*|Table\s*|Fig\.\s*|Figure\s*|Eq\.\s*|表\s*|图\s*|例\s*|式\s*|"
        r"算法\s*|Algorithm\s*|arXiv:)$"
    ),
}
VERSION_TOKEN = re.compile(r"^\d+\.\d+\.\d+")  # 3.14.2, 0.26.1
# Inline math that is only a number (perhaps after ≈ or =, perhaps a percentage).
BARE_NUMBER = re.compile(
    r"^\s*(?:\\approx|\\sim|=|\\le|\\ge|<|>)?\s*(?P<number>[-−+]?\s*\d[\d,]*(?:\.\d+)?\s*(?:\\%)?)\s*$"
)
SENTENCE_END = re.compile(r"[。！？]|[.!?](?=\s|$)")
CITED, UNLOCATED, CHECKED, HIDDEN = "\x01", "\x02", "\x03", "\x04"
TEXT_BLOCKS = (nodes.paragraph, nodes.title, nodes.caption, nodes.term, nodes.rubric)
SKIP = (
    nodes.literal,
    nodes.literal_block,
    nodes.doctest_block,
    nodes.math,
    nodes.math_block,
    nodes.raw,
    nodes.comment,
    nodes.image,
    nodes.target,
    nodes.citation,
    nodes.footnote,
)


def _flatten(block: nodes.Element) -> str:
    """The block's prose with placeholders for what the lint must not read as a number."""
    out: list[str] = []

    def walk(node: nodes.Node) -> None:
        if isinstance(node, checked_value):
            out.append(CHECKED)
        elif isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite":
            out.append(
                CITED if re.search(r"\{[^{}]+\}\s*$", node.get("reftarget", "")) else UNLOCATED
            )
        elif isinstance(node, nodes.math) and BARE_NUMBER.match(node.astext()):
            # $-0.96$ is a number in a sentence, not a formula: it is read like the prose.
            out.append(BARE_NUMBER.match(node.astext())["number"].replace("\\%", "%"))
        elif isinstance(node, SKIP):
            out.append(HIDDEN + "\n" * node.astext().count("\n"))
        elif isinstance(node, nodes.Text):
            out.append(str(node))
        elif isinstance(node, TEXT_BLOCKS) and node is not block:
            return  # linted on its own
        else:
            for child in node.children:
                walk(child)

    walk(block)
    return "".join(out)


def classify(text: str) -> list[tuple[str, int, str]]:
    """(class, offset, number) of every number in ``text``; the class is ``checked``, ``cited``,
    ``exempt:<why>``, ``uncited:<kind>`` (cited without a locator) or ``unchecked:<kind>``."""
    found = [("checked", m.start(), "") for m in re.finditer(CHECKED, text)]
    start = 0
    for end_match in [*SENTENCE_END.finditer(text), None]:
        end = end_match.end() if end_match else len(text)
        sentence = text[start:end]
        taken: list[tuple[int, int]] = []
        for kind, pattern in KINDS.items():
            for m in pattern.finditer(sentence):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                before = sentence[: m.start()]
                why = next((w for w, p in EXEMPT.items() if p.search(before)), None)
                if why is None and VERSION_TOKEN.match(sentence[m.start() :]):
                    why = "version"
                if why == "version" and kind != "decimal":
                    why = None
                if why:
                    label = f"exempt:{why}"
                elif CITED in sentence:
                    label = "cited"
                elif UNLOCATED in sentence:
                    label = f"uncited:{kind}"
                else:
                    label = f"unchecked:{kind}"
                found.append((label, start + m.start(), m.group()))
        start = end
    return sorted(found, key=lambda f: f[1])


def lint_numbers(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    if env.docname.startswith("api/"):
        return
    counts: dict[str, int] = {}
    for block in doctree.findall(lambda n: isinstance(n, TEXT_BLOCKS)):
        if any(isinstance(a, SKIP) for a in _ancestors(block)):
            continue
        text = _flatten(block)
        for label, offset, token in classify(text):
            counts[label.split(":")[0]] = counts.get(label.split(":")[0], 0) + 1
            if label.split(":")[0] not in ("uncited", "unchecked"):
                continue
            line = _line(block) + text.count("\n", 0, offset)
            if label.startswith("uncited"):
                why = (
                    "is in a sentence whose citation names no section, table or figure: "
                    "write {cite:p}`key {§3.2}`"
                )
            else:
                why = (
                    "is neither checked nor cited: state it with {check}`<shown> ≈ <expression>` "
                    "(or == / if), or cite where it is published, with its section or table"
                )
            logger.warning(
                "number in prose %r (%s) %s",
                token,
                label.split(":")[1],
                why,
                location=(env.docname, line),
                type="claims",
            )
    env.explained_numbers[env.docname] = counts  # type: ignore[attr-defined]


def _line(block: nodes.Node) -> int:
    """The block's line, or its nearest ancestor's (table cells and captions may have none)."""
    for node in [block, *_ancestors(block)]:
        if getattr(node, "line", None):
            return node.line
    return 0


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    out = []
    while node.parent is not None:
        node = node.parent
        out.append(node)
    return out


def _init(app: Sphinx, env: Any, docnames: list[str]) -> None:
    if not hasattr(env, "explained_numbers"):
        env.explained_numbers = {}


def _purge(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, "explained_numbers", {}).pop(docname, None)


def _merge(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    for docname in docnames:
        if docname in other.explained_numbers:
            env.explained_numbers[docname] = other.explained_numbers[docname]


def _report(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    for docname, counts in sorted(getattr(app.env, "explained_numbers", {}).items()):
        if counts:
            summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            logger.info("numbers in prose: %s: %s", docname, summary)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(checked_value)
    app.add_role("check", CheckRole())
    app.connect("env-before-read-docs", _init)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-read", lint_numbers, priority=600)
    app.connect("build-finished", _report)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
