"""What the browser suite checks, as plain functions: the tests run them on the real site, and the
self-tests run them on a deliberately broken copy to prove they fail.

Everything here drives Debian's Chromium (``/usr/bin/chromium``, or ``$EXPLAINED_CHROMIUM``) through
Playwright's Python package; Playwright never downloads a browser of its own.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = os.environ.get("EXPLAINED_CHROMIUM", "/usr/bin/chromium")
# As root, in a sandbox with no network: no setuid sandbox, no GPU, and no background traffic to
# Google's hosts (refused here, and a test must never depend on it anyway).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1400, "height": 900}
TIMEOUT_MS = 45_000  # generous: the build machine is shared


# -- Serving the built site ---------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, and the site's 404.html for a missing path, as GitHub Pages serves them."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 on a free port; yields the base URL (with a final slash)."""
    handler = functools.partial(_Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def launch(playwright):
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"{CHROMIUM} not found: `make test` installs Debian's chromium (apt-get install chromium)"
        )
    # Playwright gives every launch a fresh, empty profile directory of its own.
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# -- One page load, with everything the browser saw ---------------------------------------------


@dataclass
class Visit:
    url: str
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # requests that failed or returned >= 400
    foreign: list[str] = field(default_factory=list)  # requests to any host but the local server
    facts: dict = field(default_factory=dict)  # what PAGE_FACTS measured

    def problems(self) -> list[str]:
        out = [f"console error: {m}" for m in self.console_errors]
        out += [f"failed request: {u}" for u in self.failed]
        out += [f"request to another host: {u}" for u in self.foreign]
        f = self.facts
        if f.get("scrollWidth", 0) > f.get("innerWidth", 0):
            out.append(
                f"scrolls horizontally: {f['scrollWidth']}px wide at {f['innerWidth']}px"
                f" (widest: {f.get('widest')})"
            )
        if f.get("mathSources"):
            if f["typeset"] < f["mathSources"]:
                out.append(f"math not typeset: {f['typeset']} of {f['mathSources']} formulas")
            if f["mathErrors"]:
                out.append(f"math errors: {f['mathErrors']}")
        if f.get("rawMath"):
            out.append(f"raw TeX left in the text: {f['rawMath']}")
        for img in f.get("images", []):
            if not img["alt"]:
                out.append(f"figure without alt text: {img['src']}")
            if not img["loaded"]:
                out.append(f"figure not displayed: {img['src']}")
            if img["filter"] != "none" or float(img["opacity"]) < 1:
                out.append(f"figure dimmed or filtered: {img['src']}")
            if img["luminance"] is not None and img["luminance"] < 0.85:
                out.append(f"figure background is dark ({img['luminance']:.2f}): {img['src']}")
        for anchor in f.get("brokenAnchors", []):
            out.append(f"in-page link to a missing anchor: {anchor}")
        return out


# Runs in the page once it has loaded and MathJax (if any) has finished.
PAGE_FACTS = r"""
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  const article = document.querySelector("article") || document.body;
  // Text outside code and outside MathJax's output: a TeX delimiter there was never typeset.
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest("pre, code, script, style, mjx-container, textarea")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const raw = [];
  for (let n; (n = walker.nextNode()); ) {
    const m = n.textContent.match(/\\\(|\\\)|\\\[|\\\]|\$\$/);
    if (m) raw.push(n.textContent.trim().slice(0, 60));
  }
  const images = [];
  // Figures: the page's images (in _images/ or a <figure>), not the theme's or Sphinx's UI icons.
  for (const img of article.querySelectorAll("img")) {
    const src = img.getAttribute("src") || "";
    if (!src.includes("_images/") && !img.closest("figure")) continue;
    await img.decode().catch(() => {});
    let luminance = null;
    if (img.complete && img.naturalWidth > 0 && /\.png$/.test(new URL(img.src).pathname)) {
      const c = document.createElement("canvas");
      c.width = img.naturalWidth; c.height = img.naturalHeight;
      const ctx = c.getContext("2d");
      ctx.drawImage(img, 0, 0);
      const [r, g, b] = ctx.getImageData(2, 2, 1, 1).data;
      luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    }
    const style = getComputedStyle(img);
    const rect = img.getBoundingClientRect();
    images.push({src: img.getAttribute("src"), alt: (img.getAttribute("alt") || "").trim(),
                 loaded: img.complete && img.naturalWidth > 0 && rect.width > 0,
                 filter: style.filter, opacity: style.opacity, luminance});
  }
  const broken = [];
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute("href").slice(1));
    if (id && !document.getElementById(id)) broken.push(a.getAttribute("href"));
  }
  let widest = null;
  const limit = document.documentElement.clientWidth;
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 1 && getComputedStyle(el).position !== "fixed") {
      widest = el.tagName.toLowerCase() + "." + [...el.classList].join("."); break;
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, widest,
    mathSources: document.querySelectorAll(".math").length,
    typeset: document.querySelectorAll(".math mjx-container").length,
    mathErrors: document.querySelectorAll("mjx-merror").length,
    rawMath: raw.slice(0, 5), images, brokenAnchors: broken,
    theme: document.body.dataset.theme,
  };
}
"""


def new_context(browser, base: str, *, viewport: dict, theme: str | None = None):
    """A fresh context whose requests to any other host are recorded and never leave the machine."""
    context = browser.new_context(viewport=viewport, color_scheme="light")
    context.set_default_timeout(TIMEOUT_MS)
    context.foreign = []

    def route(r) -> None:
        if r.request.url.startswith(base):
            r.continue_()
        else:
            context.foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    if theme:
        context.add_init_script(f"localStorage.setItem('theme', {theme!r})")
    return context


def visit(context, base: str, path: str, *, expect_status: int = 200) -> Visit:
    """Load ``path`` in a new tab of ``context``; record errors and requests; measure the page."""
    page = context.new_page()
    result = Visit(base + path)
    page.on("console", lambda m: m.type == "error" and result.console_errors.append(m.text))
    page.on("pageerror", lambda e: result.console_errors.append(f"uncaught: {e}"))
    page.on(
        "requestfailed",
        lambda r: r.url.startswith(base) and result.failed.append(f"{r.url} ({r.failure})"),
    )

    def on_response(response) -> None:
        if response.status >= 400 and not (response.url == result.url and expect_status >= 400):
            result.failed.append(f"{response.url} (HTTP {response.status})")

    page.on("response", on_response)
    start = len(context.foreign)
    response = page.goto(result.url, wait_until="load")
    assert response is not None and response.status == expect_status, (
        path,
        response and response.status,
    )
    result.facts = page.evaluate(PAGE_FACTS)
    page.wait_for_timeout(50)  # let late requests (fonts a formula asked for) report
    result.foreign = context.foreign[start:]
    # A console error for the page's own expected 404 status is not a problem of the page.
    if expect_status >= 400:
        result.console_errors = [m for m in result.console_errors if str(expect_status) not in m]
    page.close()
    return result


# -- Site-wide checks ----------------------------------------------------------------------------


def search_results(context, base: str, query: str) -> list[str]:
    """Paths of the pages the site's search lists for ``query``, best first."""
    from urllib.parse import quote

    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}search.html?q={quote(query)}", wait_until="load")
    try:
        # Sphinx writes the summary ("找到 N 个结果" / nothing found) once every result is listed.
        page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && s.textContent.trim() && !document.querySelector('#search-progress')?.textContent.trim(); }",
            timeout=10_000,
        )
    except Exception as exc:
        raise AssertionError(f"search for {query!r} never finished; page errors: {errors}") from exc
    hrefs = page.eval_on_selector_all(
        "#search-results ul.search li > a", "els => els.map(a => new URL(a.href).pathname)"
    )
    page.close()
    assert not errors, errors
    return [h.lstrip("/") for h in hrefs]


def copied_text(context, base: str, path: str, block: int = 0) -> tuple[str, str]:
    """Click the copy button of the ``block``-th pycon example; return (what was copied, the block)."""
    page = context.new_page()
    page.goto(base + path, wait_until="load")
    # sphinx-copybutton copies through clipboard.js (a selection and execCommand("copy")), newer
    # versions through navigator.clipboard.writeText: record whichever one runs.
    page.evaluate(
        """() => {
          window.__copied = [];
          document.addEventListener('copy', () => window.__copied.push(
              document.getSelection().toString()), true);
          if (navigator.clipboard) navigator.clipboard.writeText = async (t) => { window.__copied.push(t); };
        }"""
    )
    example = page.locator("div.highlight-pycon").nth(block)
    example.scroll_into_view_if_needed()
    example.hover()
    example.locator("button.copybtn").click()
    page.wait_for_function("() => window.__copied.length > 0", timeout=5_000)
    copied = page.evaluate("() => window.__copied[window.__copied.length - 1]")
    shown = example.locator("pre").inner_text()
    page.close()
    return copied, shown


def code_of(example: str) -> str:
    """What a reader should paste into the REPL: the example's code lines, without prompts."""
    lines = []
    for line in example.splitlines():
        if line.startswith((">>> ", "... ")):
            lines.append(line[4:])
        elif line in (">>>", "..."):
            lines.append("")
    return "\n".join(lines)


def cjk(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None
