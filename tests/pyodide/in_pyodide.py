"""The Python half of ``make test-pyodide``: what runs inside Pyodide (CPython 3.14, wasm32).

run.mjs mounts the checkout and calls :func:`main`. It runs

1. the blocks the docs gate ran on the Python-internals pages (recorded on the host by record.py)
   with the gate's own ``run_blocks`` and ``_PageRunner`` (docs/_ext/example_runner.py), so an
   example passes here exactly when it would pass in ``make docs`` on this Python;
2. the ``explained.python`` unit tests (tests/python/) with pytest and hypothesis, from wheels the
   host's pip downloaded (tests/pyodide/wheels/) and unpacked here.

Pyodide's npm package ships no numpy or matplotlib, so the blocks and tests that use them are left
out, and counted. Everything else must pass.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import inspect
import json
import platform
import re
import struct
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A block needs numpy when it names it or matplotlib (built on numpy), or the names the pages bind
# them to. A later block that used a name such a block bound would fail, never pass silently.
# A figure (example_runner.draw) needs matplotlib whatever its code says.
NEEDS = {
    "numpy": re.compile(r"\b(numpy|np)\b"),
    "matplotlib": re.compile(
        r"\b(matplotlib|plt)\b|^>>> __import__\('example_runner'\)\.draw\(", re.MULTILINE
    ),
}


def run_pages(pages: dict[str, list[dict]]) -> tuple[int, dict[str, dict]]:
    """Run each page's blocks as the gate does; return (failures, examples passed per page)."""
    from example_runner import Block, _PageRunner, run_blocks

    missing = [name for name in NEEDS if importlib.util.find_spec(name) is None]
    parser = doctest.DocTestParser()
    failures, passed, left_out = 0, {}, 0
    for docname, recorded in pages.items():
        blocks = [Block(**b) for b in recorded]
        needs = [any(NEEDS[name].search(b.text) for name in missing) for b in blocks]
        # No interval timers in wasm (example_runner._HAS_TIMER): the Makefile bounds the run.
        runner = _PageRunner(timeout=0)
        ran = run_blocks([b for b, n in zip(blocks, needs) if not n], runner)
        for problem in runner.problems:
            print(f"{problem.where}: {problem.message}")
        failures += len(runner.problems)
        # The hash of the page's block texts tells a later build whether this record is still
        # about the page as it is (see blocks_digest).
        passed[docname] = {"examples": ran - len(runner.problems), "blocks": blocks_digest(blocks)}
        print(f"  {docname}: {ran - len(runner.problems)} of {ran} examples passed")
        for b, n in zip(blocks, needs):
            if n:
                count = len(parser.get_examples(b.text))
                left_out += count
                print(
                    f"    left out {count} examples (need numpy/matplotlib): {b.source}:{b.line + 1}"
                )
    total = sum(page["examples"] for page in passed.values())
    print(f"examples: {total} passed, {failures} failed, {left_out} left out")
    return failures, passed


def blocks_digest(blocks) -> str:
    from example_runner import blocks_digest as digest  # the gate's own, as provenance.py uses

    return digest(blocks)


def install_wheels(folder: Path) -> None:
    """Unpack pure-Python wheels into site-packages: all that installing one amounts to."""
    site = sysconfig.get_path("purelib")
    for wheel in sorted(folder.glob("*.whl")):
        with zipfile.ZipFile(wheel) as z:
            z.extractall(site)
    importlib.invalidate_caches()


# A test needs numpy when its file or its own body imports numpy or matplotlib.
IMPORTS_NUMPY = re.compile(r"^\s*(import|from) (numpy|matplotlib)\b", re.MULTILINE)


class LeaveOutNumpy:
    """pytest plugin: deselect the tests whose body imports numpy or matplotlib, and say which."""

    def pytest_collection_modifyitems(self, config, items) -> None:
        left = [i for i in items if IMPORTS_NUMPY.search(_source(getattr(i, "function", None)))]
        for item in left:
            print(f"  left out {item.nodeid}: imports numpy/matplotlib")
        config.hook.pytest_deselected(items=left)
        items[:] = [i for i in items if i not in left]


def _source(function) -> str:
    return inspect.getsource(function) if function is not None else ""


def run_unit_tests() -> int:
    """pytest on tests/python/, with the project's settings (pyproject.toml); its exit status."""
    install_wheels(Path(__file__).with_name("wheels"))
    import pytest

    files = sorted((ROOT / "tests" / "python").glob("test_*.py"))
    # A file that imports numpy at the top cannot even be collected: leave it out whole.
    whole = [
        f for f in files if IMPORTS_NUMPY.search(f.read_text(encoding="utf-8").split("\ndef ")[0])
    ]
    for f in whole:
        tests = len(re.findall(r"^def test_", f.read_text(encoding="utf-8"), re.MULTILINE))
        print(
            f"  left out {f.relative_to(ROOT)} ({tests} test functions): imports numpy/matplotlib"
        )
    args = ["-q", "-p", "no:cacheprovider", *(str(f) for f in files if f not in whole)]
    # -p no:cacheprovider: nothing is written into the checkout, which is mounted read-write.
    return pytest.main(args, plugins=[LeaveOutNumpy()])


def main(blocks_json: str) -> tuple[int, str]:
    """Run both parts; return (exit status, JSON of what passed on which Python)."""
    # The package from the checkout (as the editable install gives it on the host), the runner.
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "docs" / "_ext")]
    where = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"== {where} ({sys.platform}, {platform.machine()}, {8 * struct.calcsize('P')}-bit)")
    failures, passed = run_pages(json.loads(blocks_json))
    print("unit tests (tests/python/):")
    status = run_unit_tests()
    # For the pages' "verified with" note: which Python, and how many examples passed on it.
    record = {
        "implementation": platform.python_implementation(),
        "python": platform.python_version(),
        "platform": f"{sys.platform} {platform.machine()}",
        "examples_passed": passed if not failures else {},
    }
    return (1 if failures else int(status)), json.dumps(record, indent=1)
