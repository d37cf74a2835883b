"""Record the blocks the docs gate runs on the Python-internals pages, as JSON, for run.mjs.

Run on the host: ``.venv/bin/python tests/pyodide/record.py OUT.json``. As the mutation tool's
``collect_suite`` does (mutation/run.py), Sphinx reads the pages and the gate's own extraction
(``examples.page_blocks``) hands its blocks to ``run_blocks``, which is wrapped to record them;
nothing here parses a page a second way. Only these pages are read, so the other sections neither
slow this down nor can break it (``make test`` checks the whole site).
"""

from __future__ import annotations

import dataclasses
import io
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import examples  # from docs/_ext, which is not a package

# The pages Pyodide runs: the articles, and the API page of the package they lean on.
PAGES = ["python/*.md", "api/python.md"]
INCLUDE = ["index.md", *PAGES]  # Sphinx needs the root page too; it runs no examples


def record() -> dict[str, list[examples.Block]]:
    from sphinx.application import Sphinx

    recorded: dict[str, list[examples.Block]] = {}
    original = examples.run_blocks

    def recording(blocks: list[examples.Block], runner) -> int:
        if blocks:
            recorded[blocks[0].docname] = list(blocks)
        return original(blocks, runner)

    examples.run_blocks = recording
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = Sphinx(
                str(ROOT / "docs"), str(ROOT), f"{tmp}/out", f"{tmp}/doctrees", "dummy",
                status=None, warning=io.StringIO(), freshenv=True,
                confoverrides={"include_patterns": INCLUDE},
            )  # fmt: skip
            app.build()
    finally:
        examples.run_blocks = original
    return recorded


def main(out: str) -> None:
    pages = {name: [dataclasses.asdict(b) for b in blocks] for name, blocks in record().items()}
    if not pages:
        sys.exit("record.py: the gate ran no blocks on the Python-internals pages")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(pages, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"recorded {sum(map(len, pages.values()))} blocks on {len(pages)} pages in {out}")


if __name__ == "__main__":
    main(sys.argv[1])
