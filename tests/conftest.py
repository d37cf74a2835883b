"""Fixtures shared by the gate's tests and the browser suite."""

from __future__ import annotations

import pytest
from docs_build import ROOT, Build, sphinx_build


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The real site, built once per session exactly as ``make docs`` builds it. Read-only."""
    build = sphinx_build(ROOT, tmp_path_factory.mktemp("site") / "html")
    assert build.returncode == 0, build.output[-6000:]
    return build
