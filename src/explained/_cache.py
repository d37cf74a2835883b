"""Results of the slow experiments, remembered within a process and, when asked, across builds.

Some articles run experiments that take seconds (five seeds of hundred-tree forests, a training
run per batch size and seed). The examples and the figure of a page share one computation through
the in-process layer. The docs build also sets ``EXPLAINED_CACHE_DIR`` (conf.py), and then a result
is kept on disk too, so that the next clean build, and the several builds CI makes of the site, do
not compute it again. A result on disk is only used for exactly the computation that made it: the
key holds the experiment's name and arguments, the source of every module of ``explained`` and the
versions of Python, numpy and scikit-learn, so any edit of the package computes everything afresh.
Without the variable (the unit tests, docs coverage, the mutation tool, whose mutants live only in
memory) nothing is read from or written to disk.

Callers always get a fresh copy: an example that modifies what it got cannot change what the next
caller sees.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_MEMORY: dict[str, bytes] = {}
_PACKAGE = Path(__file__).resolve().parent


def _fingerprint() -> str:
    """The package's source and the versions its results depend on."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    for name in ("numpy", "scikit-learn"):
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none".encode())
    digest.update(platform.python_version().encode())
    return digest.hexdigest()


def remember(name: str, args: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, or a copy of what it returned the last time for this name and these args."""
    key = hashlib.sha256(repr((name, args, _fingerprint())).encode()).hexdigest()
    if key not in _MEMORY:
        folder = os.environ.get("EXPLAINED_CACHE_DIR")
        path = Path(folder) / f"{name}-{key[:24]}.pickle" if folder else None
        if path is not None and path.is_file():
            _MEMORY[key] = path.read_bytes()
        else:
            _MEMORY[key] = pickle.dumps(compute())
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                # Parallel readers of the docs build may compute the same result: write atomically.
                with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
                    tmp.write(_MEMORY[key])
                os.replace(tmp.name, path)
    return pickle.loads(_MEMORY[key])
