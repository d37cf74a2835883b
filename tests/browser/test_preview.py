"""The preview (`make serve`) never shows a failing page as verified.

A one-page scratch site is served by sphinx-autobuild with the options `make serve` uses. The page
passes, then an expected output is broken while the server runs: the rebuilt page must carry the
failure banner and a marker with expected vs got, and its note must say the examples failed,
while the server keeps serving. Fixing the example removes the marks again.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from docs_build import SPHINX_OPTS, copy_site
from site_checks import DESKTOP, new_context

PAGE = "(preview-test)=\n# 预览测试\n\n```pycon\n>>> 6 * 7\n{}\n```\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, marker: str, *, present: bool, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    html = ""
    while time.monotonic() < deadline:
        try:
            html = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
        except OSError:  # not served yet
            html = ""
        if html and (marker in html) == present:
            return html
        time.sleep(0.5)
    raise AssertionError(f"{url}: {marker!r} {'never appeared' if present else 'never went'}")


@pytest.fixture
def preview(tmp_path: Path):
    site = copy_site(tmp_path, pages=False)
    page = site / "docs" / "index.md"
    page.write_text(PAGE.format(42), encoding="utf-8")
    port = _free_port()
    autobuild = Path(sys.executable).with_name("sphinx-autobuild")
    proc = subprocess.Popen(
        [
            str(autobuild),
            "-c",
            str(site),
            *SPHINX_OPTS,
            "-d",
            str(tmp_path / "doctrees"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            str(site / "docs"),
            str(tmp_path / "out"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONHASHSEED="0"),
    )
    try:
        yield page, f"http://127.0.0.1:{port}/index.html"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_preview_shows_a_failing_example_in_the_page(preview, browser) -> None:
    page, url = preview
    _wait_for(url, "逐字核对", present=True)

    page.write_text(PAGE.format(41), encoding="utf-8")  # the author breaks an expected output
    _wait_for(url, "explained-failure-banner", present=True)
    context = new_context(browser, url.rsplit("/", 1)[0] + "/", viewport=DESKTOP, theme="light")
    try:
        tab = context.new_page()
        assert tab.goto(url).status == 200  # still served
        # sphinx-autobuild's live reload may reload the page once more: wait rather than poll.
        banner = tab.locator(".explained-failure-banner")
        banner.wait_for(state="visible")
        assert "1 个示例没有通过" in banner.inner_text()
        marker = tab.locator(".explained-example-failure").inner_text()
        assert "期望（Expected）" in marker and "41" in marker and "42" in marker
        note = tab.locator(".explained-provenance").inner_text()
        assert "没有通过" in note and "逐字核对" not in note
    finally:
        context.close()

    page.write_text(PAGE.format(42), encoding="utf-8")  # fixed again
    html = _wait_for(url, "explained-failure-banner", present=False)
    assert "逐字核对" in html
