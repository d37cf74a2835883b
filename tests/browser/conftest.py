"""Fixtures of the browser suite: the built site, served on 127.0.0.1, and Debian's Chromium.

The site is the session's one build of the real site (``site`` in tests/conftest.py). Set
``EXPLAINED_SITE_HTML=<dir>`` to test an existing build instead (``make docs`` writes
``_build/html``); the benchmark and a developer iterating on a test use it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from site_checks import DESKTOP, PHONE, launch, new_context, serve


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Every test under tests/browser/ is a site test: `pytest -m "not site"` (make test-matrix)
    # leaves them out, as they do not depend on the Python version.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.site)


@pytest.fixture(scope="session")
def site_html(request: pytest.FixtureRequest) -> Path:
    given = os.environ.get("EXPLAINED_SITE_HTML")
    if given:
        path = Path(given).resolve()
        assert (path / "index.html").is_file(), f"EXPLAINED_SITE_HTML={given} holds no built site"
        return path
    return request.getfixturevalue("site").outdir


@pytest.fixture(scope="session")
def base_url(site_html: Path):
    with serve(site_html) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


# The two loads most tests share: a phone in dark mode and a desktop in light mode.
@pytest.fixture(scope="module")
def phone(browser, base_url):
    context = new_context(browser, base_url, viewport=PHONE, theme="dark")
    yield context
    context.close()


@pytest.fixture(scope="module")
def desktop(browser, base_url):
    context = new_context(browser, base_url, viewport=DESKTOP, theme="light")
    yield context
    context.close()
