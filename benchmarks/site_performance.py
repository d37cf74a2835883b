"""Measure the site's performance: build times, first-visit bytes and time to typeset math.

    .venv/bin/python benchmarks/site_performance.py [--page position/rope.md] [--runs 3]

Prints, for the real tree (conf.py and docs/ copied to a scratch folder; the package is the
installed one):

* the clean docs gate (``sphinx-build -W --keep-going -j auto``, as ``make docs``), the no-op
  rebuild and the incremental rebuild after one page changed (the package is copied too and
  imported from the copy, so nothing edited meanwhile can invalidate a rebuild);
* the bytes a first visit to an article transfers, raw (as this script's server and
  ``make serve`` send them) and gzip-compressed (as GitHub Pages and Read the Docs send text);
* the time from navigation start until MathJax has typeset the page, in headless Debian Chromium.

Build times are also put against the *raw* time of the examples: each page's blocks (examples,
checked values and figures, exactly as the gate records them) replayed in a fresh interpreter
with the gate's own runner, outside Sphinx, measured in the same run. Targets (issue 12): a
one-page rebuild <= 1.5x that page's raw time + 1 s; a clean build <= 1.5x the raw time of all
pages; an edit of a package module re-reads only the pages whose code reaches it.

It reports; it asserts nothing. Other targets (issue 7), on the 2-core build machine: clean gate
<= 90 s, first visit <= 1 MB transferred.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "browser")]

from docs_build import SPHINX_OPTS, copy_site
from site_checks import launch, serve

TARGETS = {"clean": 90.0, "first_visit_bytes": 1_000_000}
BINARY = (".png", ".woff", ".woff2", ".jpg", ".gif", ".ico")  # already compressed: sent as they are


def build(root: Path, out: Path) -> tuple[float, int, str]:
    # The package is imported from the scratch copy: edits elsewhere cannot invalidate the rebuilds
    # (every page with examples depends on every module of the package).
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(root / "src"))
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-c",
            str(root),
            *SPHINX_OPTS,
            "-b",
            "html",
            "-d",
            str(out.parent / "doctrees"),
            str(root / "docs"),
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return time.perf_counter() - start, proc.returncode, proc.stdout + proc.stderr


def record_blocks() -> dict[str, list[dict]]:
    """The blocks the gate runs, per page, recorded from one read of the site (mutation/run.py)."""
    import dataclasses

    sys.path[:0] = [str(ROOT / "mutation")]
    from run import collect_suite  # mutation/run.py: builds once, records what the gate runs

    return {
        page: [dataclasses.asdict(b) for b in blocks] for page, blocks in collect_suite().items()
    }


REPLAY = """
import json, sys, time
sys.path.insert(0, {ext!r})
import example_runner
example_runner.FIGURE_DIR = {figures!r}  # figures are drawn and saved, as in a build
blocks = [example_runner.Block(**b) for b in json.load(open({path!r}))]
runner = example_runner._PageRunner(timeout=0)
start = time.perf_counter()
example_runner.run_blocks(blocks, runner)
print(time.perf_counter() - start, len(runner.problems))
"""


def raw_times(pages: dict[str, list[dict]], tmp: Path) -> dict[str, float]:
    """Seconds each page's blocks take, each page in a fresh interpreter (imports included)."""
    import json

    times = {}
    for page, blocks in sorted(pages.items()):
        path = tmp / f"blocks-{page.replace('/', '-')}.json"
        path.write_text(json.dumps(blocks, ensure_ascii=False), encoding="utf-8")
        code = REPLAY.format(
            ext=str(ROOT / "docs" / "_ext"), figures=str(tmp / "raw-figures"), path=str(path)
        )
        env = dict(os.environ, PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1")
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=False,
        )
        seconds, failures = out.stdout.split()[-2:] if out.returncode == 0 else ("nan", "?")
        times[page] = float(seconds)
        if failures != "0":
            print(f"  (replaying {page}: {failures} failures)")
    return times


def clean_build(root: Path, out: Path, *, keep_cache: bool) -> tuple[float, int, str]:
    """A clean build as ``make docs`` makes it: no doctrees, no output; the experiments' results
    (``_build/cache``, which ``make docs`` keeps) kept or removed."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(out.parent / "doctrees", ignore_errors=True)
    if not keep_cache:
        shutil.rmtree(root / "_build" / "cache", ignore_errors=True)
    return build(root, out)


def compare_with_baseline(rev: str, rounds: int, site: Path, tmp: Path) -> list[float]:
    """Clean builds of ``rev`` and of the tree, interleaved round by round so that both see the
    same machine (its speed drifts by a fifth between minutes here), and the medians' ratios:
    the tree cold (empty experiments cache: a fresh clone, or any edit of the package) and warm
    (``make docs`` again on unchanged code, the cache kept). Returns the cold times."""
    worktree = tmp / "baseline"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(worktree), rev],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    times: dict[str, list[float]] = {"baseline": [], "cold": [], "warm": []}
    try:
        for _ in range(rounds):
            seconds, rc, _ = clean_build(worktree, tmp / "baseline-html", keep_cache=False)
            times["baseline"].append(seconds if rc == 0 else float("nan"))
            for kind in ("cold", "warm"):
                seconds, rc, _ = clean_build(site, tmp / "html", keep_cache=kind == "warm")
                times[kind].append(seconds if rc == 0 else float("nan"))
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False
        )
    base = statistics.median(times["baseline"])
    print(f"clean builds, {rounds} interleaved rounds (median; every run):")
    print(f"  {rev}: {base:6.1f} s   ({', '.join(f'{t:.1f}' for t in times['baseline'])})")
    for kind, label in (("cold", "empty experiments cache"), ("warm", "cache kept, as make docs")):
        median = statistics.median(times[kind])
        print(
            f"  now, {label}: {median:6.1f} s   ({', '.join(f'{t:.1f}' for t in times[kind])})"
            f"   now / {rev} = {median / base:.2f} (target <= 1.3)"
        )
    return times["cold"]


def reread(log: str) -> int:
    """How many pages a build re-read ("updating environment: 0 added, N changed, ...")."""
    import re

    found = re.search(r"updating environment: (?:\[[^\]]*\] )?(\d+) added, (\d+) changed", log)
    return int(found.group(1)) + int(found.group(2)) if found else 0


def first_visit(browser, base: str, path: str) -> dict:
    """One cold visit (fresh profile, empty cache): bytes by resource, time to typeset."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(base + path, wait_until="load")
    typeset_ms = page.evaluate(
        "async () => { if (!window.MathJax) return null; await MathJax.startup.promise;"
        " return performance.now(); }"
    )
    page.wait_for_load_state("networkidle")
    raw = compressed = 0
    biggest = []
    for response in responses:
        if response.status != 200:
            continue
        body = response.body()
        size = len(body)
        zipped = size if response.url.endswith(BINARY) else len(gzip.compress(body, 6))
        raw += size
        compressed += zipped
        biggest.append((size, zipped, response.url[len(base) :]))
    context.close()
    return {
        "raw": raw,
        "gzip": compressed,
        "requests": len(biggest),
        "typeset_ms": typeset_ms,
        "biggest": sorted(biggest, reverse=True)[:5],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="position/rope.md", help="article to change and visit")
    parser.add_argument("--runs", type=int, default=3, help="cold visits to take the median of")
    parser.add_argument(
        "--module", default="position/rope.py", help="package module to edit (under src/explained)"
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also time clean builds of this commit (a git worktree), in the same run",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved clean builds against --baseline"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="explained-bench-") as tmp:
        site = copy_site(Path(tmp))
        shutil.copytree(
            ROOT / "src" / "explained",
            site / "src" / "explained",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        out = Path(tmp) / "html"
        print(
            f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}, options: {' '.join(SPHINX_OPTS)}"
        )

        pages = record_blocks()
        raw = raw_times(pages, Path(tmp))
        raw_all = sum(raw.values())
        print(
            f"raw time of all examples and figures: {raw_all:6.1f} s ({len(raw)} pages, one process each)"
        )

        clean_runs = (
            compare_with_baseline(args.baseline, args.rounds, site, Path(tmp))
            if args.baseline
            else []
        )
        clean, rc, log = clean_build(site, out, keep_cache=False)
        clean_runs.append(clean)
        ok = "ok" if rc == 0 else f"FAILED (exit {rc}; the build reported problems, see below)"
        clean = statistics.median(clean_runs)  # cold: what a fresh clone's first build costs
        print(
            f"clean docs gate (cold):      {clean:6.1f} s   target <= {TARGETS['clean']:.0f} s   {ok}"
        )
        if rc != 0:
            print(
                "\n".join(line for line in log.splitlines() if "WARNING" in line or "ERROR" in line)
            )
        noop, rc_noop, _ = build(site, out)
        noop_ok = "ok" if rc_noop == 0 else f"exit {rc_noop}"
        print(f"no-op rebuild:               {noop:6.1f} s   {noop_ok}")
        page = site / "docs" / args.page
        page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a real edit
        incremental, rc_inc, _ = build(site, out)
        # Its target is relative to the page's own examples (below): a page whose examples take
        # 4 s cannot rebuild in less, so a fixed number of seconds says little.
        inc_ok = f"exit {rc_inc}" if rc_inc else "ok"
        print(f"rebuild after editing {args.page}: {incremental:6.1f} s   {inc_ok}")
        docname = Path(args.page).with_suffix("").as_posix()
        page_raw = raw.get(docname, float("nan"))
        print(
            f"  ratios: clean build / raw all = {clean / raw_all:.2f} (target <= 1.5); "
            f"one-page rebuild = {incremental:.1f} s vs 1.5 x raw {page_raw:.1f} s + 1 s = "
            f"{1.5 * page_raw + 1:.1f} s ({'met' if incremental <= 1.5 * page_raw + 1 else 'MISSED'})"
        )
        module = site / "src" / "explained" / args.module
        module.write_text(module.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        after_module, _rc, log = build(site, out)
        print(
            f"rebuild after editing src/explained/{args.module}: {after_module:6.1f} s, "
            f"re-read {reread(log)} of {len(list((site / 'docs').rglob('*.md')))} pages"
        )

        from playwright.sync_api import sync_playwright

        html_path = Path(args.page).with_suffix(".html").as_posix()
        with serve(out) as base, sync_playwright() as p:
            browser = launch(p)
            visits = [first_visit(browser, base, html_path) for _ in range(args.runs)]
            browser.close()
        v = visits[-1]
        limit = TARGETS["first_visit_bytes"]
        print(f"first visit to {html_path}: {v['requests']} requests")
        print(
            f"  raw (uncompressed):        {v['raw'] / 1e6:6.2f} MB   target <= {limit / 1e6:.0f} MB   "
            f"{'met' if v['raw'] <= limit else 'MISSED'}"
        )
        print(
            f"  gzip (as hosts serve it):  {v['gzip'] / 1e6:6.2f} MB   target <= {limit / 1e6:.0f} MB   "
            f"{'met' if v['gzip'] <= limit else 'MISSED'}"
        )
        for size, zipped, url in v["biggest"]:
            print(f"    {size / 1e3:8.1f} kB raw {zipped / 1e3:7.1f} kB gzip  {url}")
        times = [x["typeset_ms"] for x in visits if x["typeset_ms"] is not None]
        if times:
            print(
                f"math typeset after:          {statistics.median(times):6.0f} ms (median of "
                f"{len(times)} cold visits: {', '.join(f'{t:.0f}' for t in times)})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
