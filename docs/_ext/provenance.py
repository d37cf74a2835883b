"""A note on every article: what its examples were verified with, its source, its companion module.

While a page is read (right after ``examples.py`` ran its examples), this records in the page's
doctree how many examples ran, the Python and numpy versions they ran on, and the ``explained``
modules they import. When the page is written, the record becomes a note at the bottom of the
article that links to

* the page's source: the repository file when ``explained_repository`` (conf.py) is known, else the
  copy Sphinx publishes under ``_sources/`` (no link in builders that publish no sources, such as
  EPUB);
* each companion module's entry in the API reference. A module that the API reference does not
  document is a warning (an error under ``-W``): CONTRIBUTING.md asks for it.

Nothing is typed by hand, so the note can never claim a version the examples did not run on.
"""

from __future__ import annotations

import json
import platform
import re
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

IMPORT = re.compile(
    r"^\s*(?:>>>|\.\.\.)\s+(?:from\s+(explained(?:\.\w+)*)\s+import\s+\(?\s*([\w\s,]+)"
    r"|import\s+(explained(?:\.\w+)*))",
    re.MULTILINE,
)


class provenance(nodes.General, nodes.Element):
    """Placeholder filled in per builder at ``doctree-resolved``."""


def _imports(doctree: nodes.document) -> list[tuple[str, list[str]]]:
    """(module, imported names) for every ``explained`` import in the page's own examples."""
    found: list[tuple[str, list[str]]] = []
    for block in doctree.findall(nodes.literal_block):
        if block.get("language") != "pycon":
            continue
        for match in IMPORT.finditer(block.astext()):
            if match.group(3):
                found.append((match.group(3), []))
            else:
                names = [n.split(" as ")[0].strip() for n in match.group(2).split(",")]
                found.append((match.group(1), [n for n in names if n]))
    return found


def record(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    own = [
        b
        for b in doctree.findall(nodes.literal_block)
        if b.get("language") == "pycon" and ":docstring of " not in (b.source or "")
    ]
    ran = getattr(app.env, "explained_ran", {}).get(docname, 0)  # examples, checks and figures
    if not own or not ran:
        return
    import numpy

    node = provenance(
        examples=ran,
        failures=getattr(app.env, "explained_failures", {}).get(docname, 0),
        checks=getattr(app.env, "explained_checks", {}).get(docname, 0),
        python=platform.python_version(),
        implementation=platform.python_implementation(),
        numpy=numpy.__version__,
        imports=_imports(doctree),
    )
    # At the end of the article, inside its top-level section so the theme styles it as content.
    section = next(iter(doctree.findall(nodes.section)), None)
    (section if section is not None else doctree).append(node)


def _module_target(app: Sphinx, module: str, names: list[str]) -> list[str]:
    """The documented modules an import refers to: ``from explained.a import b`` may mean ``a.b``."""
    modules = app.env.get_domain("py").modules
    sub = [f"{module}.{n}" for n in names if f"{module}.{n}" in modules]
    return sub or [module]


def _source_link(app: Sphinx, docname: str) -> str | None:
    suffix = app.env.doc2path(docname).suffix
    repository = app.config.explained_repository.rstrip("/")
    if repository:
        branch = app.config.explained_branch
        return f"{repository}/blob/{branch}/docs/{docname}{suffix}"
    if app.builder.name in ("html", "dirhtml") and app.config.html_copy_source:
        return _relative(
            app, docname, f"_sources/{docname}{suffix}{app.config.html_sourcelink_suffix}"
        )
    return None


def _relative(app: Sphinx, fromdoc: str, target: str) -> str:
    from sphinx.util.osutil import relative_uri

    return relative_uri(app.builder.get_target_uri(fromdoc), target)


def _records(app: Sphinx) -> list[dict]:
    """What other Pythons recorded as passed: ``_build/verified/*.json``, written by the gate
    (examples.py) on every CPython that built the site and by ``make test-pyodide``."""
    found = []
    for path in sorted((Path(app.confdir) / "_build" / "verified").glob("*.json")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return found


def also_passed_on(app: Sphinx, docname: str) -> list[str]:
    """The other Pythons on which this page's examples, exactly as they are now, all passed."""
    digest = getattr(app.env, "explained_digests", {}).get(docname)
    ran = getattr(app.env, "explained_ran", {}).get(docname, 0)  # examples, checks and figures
    here = (platform.python_implementation(), platform.python_version(), sys.platform)
    versions = []
    for record in _records(app):
        page = record.get("examples_passed", {}).get(docname)
        where = (record.get("implementation"), record.get("python"), record.get("platform", ""))
        if not page or page.get("blocks") != digest or where[:2] == here[:2]:
            continue
        name = f"{where[0]} {where[1]}"
        if where[2].startswith("emscripten"):
            name += "（Pyodide，wasm32"
            missing = ran - page.get("examples", 0)
            name += f"，不含需要 numpy 的 {missing} 项）" if missing > 0 else "）"
        versions.append(name)
    return sorted(set(versions), key=_version_key)


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", name.split("（")[0]))


def fill(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    modules = app.env.get_domain("py").modules
    for node in list(doctree.findall(provenance)):
        para = nodes.paragraph()
        ran_on = f"{node['implementation']} {node['python']}，numpy {node['numpy']}"
        others = also_passed_on(app, docname) if not node.get("failures") else []
        if others:
            ran_on += f"；同样的示例也已在 {'、'.join(others)} 上全部通过"
        what = f"{node['examples']} 个示例"
        if node.get("checks"):
            what += f"和正文中的 {node['checks']} 个数值与结论"
        if node.get("failures"):
            para += nodes.Text(
                f"本页的 {what}在构建本页时运行过，其中 {node['failures']} 处"
                f"没有通过（{ran_on}），见页首的说明。"
            )
        else:
            para += nodes.Text(f"本页的 {what}已在构建本页时运行并逐字核对：{ran_on}。")
        source = _source_link(app, docname)
        path = f"docs/{docname}{app.env.doc2path(docname).suffix}"
        para += nodes.Text("源文件：")
        literal = nodes.literal(path, path)
        if source:
            ref = nodes.reference("", "", internal=False, refuri=source)
            ref += literal
            para += ref
        else:
            para += literal
        para += nodes.Text("。")
        targets: list[str] = []
        for module, names in node["imports"]:
            for target in _module_target(app, module, names):
                if target not in targets:
                    targets.append(target)
        if targets:
            para += nodes.Text("伴随模块：")
            for i, target in enumerate(targets):
                if i:
                    para += nodes.Text("、")
                literal = nodes.literal(target, target)
                entry = modules.get(target)
                if entry is None:
                    logger.warning(
                        "this page's examples import %s, which the API reference (docs/api/) does "
                        "not document: add an automodule for it",
                        target,
                        location=docname,
                        type="provenance",
                    )
                    para += literal
                    continue
                ref = nodes.reference(
                    "",
                    "",
                    internal=True,
                    refuri=app.builder.get_relative_uri(docname, entry.docname)
                    + "#"
                    + entry.node_id,
                )
                ref += literal
                para += ref
            para += nodes.Text("。")
        note = nodes.container("", para, classes=["explained-provenance"])
        node.replace_self(note)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("explained_repository", "", "html", types=(str,))
    app.add_config_value("explained_branch", "main", "html", types=(str,))
    app.add_node(provenance)
    # After examples.py (priority 500) has counted the page's examples.
    app.connect("doctree-read", record, priority=900)
    app.connect("doctree-resolved", fill)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
