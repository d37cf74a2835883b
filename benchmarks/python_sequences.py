"""Relative costs of building and reading lists and tuples, printed as ratios only.

Run: python benchmarks/python_sequences.py

Absolute timings depend on the machine, the CPython version and the load; ratios between two
operations measured in the same run are far more stable, and they are what the list-tuple
article talks about. Each ratio is ``time(list variant) / time(tuple variant)``: above 1 means
the tuple variant was faster.
"""

from __future__ import annotations

import sys
import timeit

CASES = {
    "constant literal, 5 items": ("[1, 2, 3, 4, 5]", "(1, 2, 3, 4, 5)", ""),
    "built from variables, 3 items": (
        "[a, b, c]",
        "(a, b, c)",
        "a, b, c = object(), object(), object()",
    ),
    "converted from range(1000)": ("list(r)", "tuple(r)", "r = range(1000)"),
    "iterate 1000 items": ("for x in s: pass", "for x in s: pass", ""),
    "index s[500]": ("s[500]", "s[500]", ""),
}
SETUP = {
    "iterate 1000 items": ("s = list(range(1000))", "s = tuple(range(1000))"),
    "index s[500]": ("s = list(range(1000))", "s = tuple(range(1000))"),
}


def best(stmt: str, setup: str, repeat: int = 5) -> float:
    timer = timeit.Timer(stmt, setup)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def main() -> None:
    print(f"CPython {sys.version_info[0]}.{sys.version_info[1]}: time(list) / time(tuple)")
    for name, (list_stmt, tuple_stmt, setup) in CASES.items():
        list_setup, tuple_setup = SETUP.get(name, (setup, setup))
        ratio = best(list_stmt, list_setup) / best(tuple_stmt, tuple_setup)
        print(f"  {name:<32} {ratio:5.2f}")


if __name__ == "__main__":
    main()
