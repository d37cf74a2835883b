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
PHONE_390 = {"width": 390, "height": 844}  # the commonest phone width today
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
            out.append(f"scrolls horizontally: {f['scrollWidth']}px wide at {f['innerWidth']}px")
        for what in f.get("sticksOut", [])[:8]:
            out.append(f"wider than the window: {what}")
        for what in f.get("mathHidden", []):
            out.append(f"display math cut off: {what}")
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


# Where the page is wider than the window. furo's html is overflow-x: hidden, so the document
# itself never scrolls sideways: what sticks out is cut off, or (on a phone, where furo lets the
# article column scroll) drags the whole column. So every element's right edge is measured. An
# element may reach past the window only inside a box of its own that scrolls (display math, code,
# a table's wrapper) when that box is inside the window, or in furo's off-canvas (fixed) drawers.
# A display formula wider than its box must scroll, and show that it does: a visible scrollbar,
# or the fade explained.css paints at the cut edge (phones and macOS hide scrollbars).
LAYOUT_JS = r"""
() => {
  const limit = document.documentElement.clientWidth;
  const column = document.querySelector("article") || document.body;
  const name = (el) => el.tagName.toLowerCase() + [...el.classList].map((c) => "." + c).join("")
    + (el.tagName === "MJX-CONTAINER" ? `[display=${el.getAttribute("display")}]` : "");
  const text = (el) => {  // a formula by its characters (MathJax's hidden MathML), else the text
    const math = el.closest("mjx-container");
    const mml = math && math.querySelector("mjx-assistive-mml");
    return ((mml || el).textContent || "").replace(/\s+/g, " ").trim().slice(0, 50);
  };
  const scrolls = (box) => ["auto", "scroll"].includes(getComputedStyle(box).overflowX)
    && box.scrollWidth > box.clientWidth;
  const sticksOut = [];
  const reported = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right <= limit + 1 || (r.width === 0 && r.height === 0)) continue;
    let fine = false, inside = null;
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const style = getComputedStyle(a);
      // Its culprit is reported already; furo's off-canvas (fixed) drawers; text only screen
      // readers get (MathJax's MathML copy is clipped to nothing).
      if (reported.has(a) || style.position === "fixed" || style.clip !== "auto") {
        fine = true;
        break;
      }
      if (!inside && a !== el && ["auto", "scroll"].includes(style.overflowX)) inside = a;
    }
    if (fine) continue;
    // The nearest box that scrolls it: fine when that is a box of its own (not the article column
    // or what holds the column), inside the window, and it does scroll.
    if (inside && !inside.contains(column) && inside.getBoundingClientRect().right <= limit + 1
        && scrolls(inside)) continue;
    reported.add(el);
    sticksOut.push(`${name(el)} (${Math.round(r.right)}px > ${limit}px${
      inside ? ", inside " + name(inside) : ""}): ${text(el)}`);
  }
  const mathBoxes = [], mathHidden = [];
  for (const math of document.querySelectorAll('mjx-container[display="true"]')) {
    let box = math;
    while (box && getComputedStyle(box).overflowX === "visible") box = box.parentElement;
    if (!box || box.scrollWidth <= box.clientWidth + 1) continue;  // it fits
    const style = getComputedStyle(box);
    const before = box.scrollLeft;
    box.scrollLeft = before + 10;
    const scrolled = box.scrollLeft > before;
    box.scrollLeft = before;
    const scrollbar = box.offsetHeight - box.clientHeight
      - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
    const fade = style.backgroundImage.includes("gradient")
      && style.backgroundAttachment.includes("local") && style.backgroundAttachment.includes("scroll");
    const where = `${name(box)}: ${text(math)}`;
    mathBoxes.push(where);
    if (!(scrolls(box) && scrolled)) mathHidden.push(`does not scroll: ${where}`);
    else if (!(scrollbar > 0 || fade)) mathHidden.push(`no scrollbar and no fade: ${where}`);
  }
  return {sticksOut, mathBoxes, mathHidden};
}
"""

# Runs in the page once it has loaded and MathJax (if any) has finished.
PAGE_FACTS = (
    r"""
async () => {
  const LAYOUT = """
    + LAYOUT_JS
    + r""";
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
  const layout = LAYOUT();
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    sticksOut: layout.sticksOut, mathBoxes: layout.mathBoxes, mathHidden: layout.mathHidden,
    mathSources: document.querySelectorAll(".math").length,
    typeset: document.querySelectorAll(".math mjx-container").length,
    mathErrors: document.querySelectorAll("mjx-merror").length,
    rawMath: raw.slice(0, 5), images, brokenAnchors: broken,
    theme: document.body.dataset.theme,
  };
}
"""
)


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


def search_hits(context, base: str, query: str) -> list[tuple[str, str]]:
    """(path, snippet) of each result the site's search page lists for ``query``, best first."""
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
        # Each snippet arrives with its page: wait for those of the first three results.
        page.wait_for_function(
            "() => [...document.querySelectorAll('#search-results ul.search > li')].slice(0, 3)"
            ".every(li => li.querySelector('p.context, span'))",
            timeout=10_000,
        )
    except Exception as exc:
        raise AssertionError(f"search for {query!r} never finished; page errors: {errors}") from exc
    hits = page.eval_on_selector_all(
        "#search-results ul.search > li",
        "els => els.map(li => [new URL(li.querySelector('a').href).pathname,"
        " (li.querySelector('p.context') || li.querySelector('span') || {}).textContent || ''])",
    )
    page.close()
    assert not errors, errors
    return [(path.lstrip("/"), snippet) for path, snippet in hits]


def search_results(context, base: str, query: str) -> list[str]:
    """Paths of the pages the site's search lists for ``query``, best first."""
    return [path for path, _ in search_hits(context, base, query)]


# Runs in the search page: the results of each query as the page ranks them (Search.zhSearch in
# docs/_ext/zh_search.js), with the snippet the page would show for each of the first three.
SEARCH_MANY = r"""
async (queries) => {
  const out = {};
  for (const q of queries) {
    const [results, shown] = await Search.zhSearch(q);
    out[q] = await Promise.all(results.slice(0, 10).map(async (r, i) => {
      const path = r[0] + DOCUMENTATION_OPTIONS.FILE_SUFFIX;
      if (i >= 3) return [path, ""];
      const html = await (await fetch(path)).text();
      const s = r[3] ? null : Search.makeSearchSummary(html, shown, r[2]);
      return [path, s ? s.textContent : r[3]];
    }));
  }
  return out;
}
"""


def search_many(context, base: str, queries: list[str]) -> dict[str, list[tuple[str, str]]]:
    """(path, snippet) of the first ten results of each query, from one search page."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}search.html", wait_until="load")
    page.wait_for_function("() => Search.hasIndex()", timeout=10_000)
    found = page.evaluate(SEARCH_MANY, queries)
    page.close()
    assert not errors, errors
    return {q: [(p, s) for p, s in hits] for q, hits in found.items()}


def search_problems(
    term: str, article: str, pages: frozenset[str], articles: set[str], hits: list[tuple[str, str]]
) -> list[str]:
    """What is wrong with the results for ``term``, drawn from ``article`` and found in the prose
    of ``pages``: the article not in the first three, a page that is no article ranked above a
    page that contains the term, or the article's snippet without the term."""
    paths = [p for p, _ in hits]
    out = []
    if article not in paths[:3]:
        out.append(f"{term}: {article} not in the first three {paths[:3]}")
    else:
        snippet = hits[paths.index(article)][1]
        if term not in re.sub(r"\s+", "", snippet):
            out.append(f"{term}: snippet of {article} lacks it: {snippet[:80]!r}")
    other = [i for i, p in enumerate(paths) if p not in articles]
    holding = [i for i, p in enumerate(paths) if p in pages]
    if other and holding and other[0] < holding[-1]:
        out.append(f"{term}: {paths[other[0]]} ranked above an article that has it: {paths}")
    return out


# sphinx-copybutton copies through clipboard.js (a selection and execCommand("copy")), newer
# versions through navigator.clipboard.writeText: record whichever one runs in window.__copied.
RECORD_COPIES = """() => {
  window.__copied = [];
  document.addEventListener('copy', () => window.__copied.push(
      document.getSelection().toString()), true);
  if (navigator.clipboard) navigator.clipboard.writeText = async (t) => { window.__copied.push(t); };
}"""


def copied_text(context, base: str, path: str, block: int = 0) -> tuple[str, str]:
    """Click the copy button of the ``block``-th pycon example; return (what was copied, the block)."""
    page = context.new_page()
    page.goto(base + path, wait_until="load")
    page.evaluate(RECORD_COPIES)
    example = page.locator("div.highlight-pycon").nth(block)
    example.scroll_into_view_if_needed()
    example.hover()
    example.locator("button.copybtn").click()
    page.wait_for_function("() => window.__copied.length > 0", timeout=5_000)
    copied = page.evaluate("() => window.__copied[window.__copied.length - 1]")
    shown = example.locator("pre").inner_text()
    page.close()
    return copied, shown


def all_copied_texts(context, base: str, path: str) -> list[tuple[str, str]]:
    """(what the copy button copied, the block's text) for every example of a page."""
    page = context.new_page()
    page.goto(base + path, wait_until="load")
    page.evaluate(RECORD_COPIES)
    examples = page.locator("div.highlight-pycon, div.doctest")  # fences; docstrings (API pages)
    found = []
    for i in range(examples.count()):
        example = examples.nth(i)
        example.scroll_into_view_if_needed()
        example.hover()
        example.locator("button.copybtn").click()
        page.wait_for_function(f"() => window.__copied.length > {i}", timeout=5_000)
        copied = page.evaluate(f"() => window.__copied[{i}]")
        found.append((copied, example.locator("pre").text_content()))
    page.close()
    return found


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
