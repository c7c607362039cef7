"""The web pages in Chromium: how long from asking for a page until it is interactive.

Run from the repository root (``make bench``; needs Debian's chromium and the
test extras' Playwright)::

    .venv/bin/python benchmarks/pages.py [--repeats 5] [--json PATH]

``marsplan serve`` runs in a subprocess on a free 127.0.0.1 port. Each page is
requested once first, so the server's caches hold its computation (the
windows, the porkchop grid, the mission search, the plan): what is timed is
the page itself, not the search behind it (``benchmarks/windows.py`` and
``missions.py`` time those). Then each page is opened ``--repeats`` times, each
in a new browser context (an empty cache: plotly.js, 4.8 MB, is fetched and
compiled every time), and the time from navigation start until the page's
scripts have drawn (its ready marker: for the porkchop, the heat map that
answers hover and click; its C3 contour lines follow and are timed apart) is
recorded; the median is reported
against the issue's target, 2 s. Sweeps is left out: it needs a sweep folder.
"Cores busy elsewhere" counts Chromium's own processes too (they are not this
process's waited-for children): on an idle machine it shows about what the
browser used.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

from _common import OtherLoad, print_machine, print_targets, targets_json, warn_if_shared

#: Page, URL path and the selector that says its scripts are done.
PAGES = (
    ("opportunities (2033 porkchop)", "/opportunities?year=2033", "#porkchop[data-ready='1']"),
    ("round trips (2033 conjunction)", "/round-trips?from=2033&to=2033&class=conjunction",
     "#front[data-ready='1']"),
    ("joint plan (US-Russia)", "/joint-plan", "html[data-ready='1']"),
)
TARGET_S = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _mark(page, name: str) -> float:
    """Seconds from navigation start to the page's performance mark ``name`` (set by its
    scripts when done; reading the clock afterwards would add whatever ran since)."""
    return page.evaluate(f"performance.getEntriesByName('{name}')[0].startTime") / 1e3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium is missing: apt-get install -y chromium (make test does it)")
        return 1
    from playwright.sync_api import sync_playwright

    machine = print_machine()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-c", "from marsplan.cli import main; main()",
                               "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = {}
    try:
        _wait(f"{base}/static/marsplan.css")
        for label, path, _ in PAGES:  # fill the server's caches: the search is not timed
            t0 = time.perf_counter()
            with urllib.request.urlopen(base + path, timeout=600) as r:
                r.read()
            print(f"{label}: first request (server computing) {time.perf_counter() - t0:.2f} s")
        load = OtherLoad().start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for label, path, ready in PAGES:
                times, drawn = [], []
                for _ in range(args.repeats):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    page.goto(base + path, timeout=120_000)
                    page.wait_for_selector(ready, state="attached", timeout=120_000)
                    times.append(_mark(page, "marsplan-interactive"))
                    if "porkchop" in ready:  # the contour lines follow the heat map
                        page.wait_for_selector("#porkchop[data-contours='1']", state="attached",
                                               timeout=120_000)
                        drawn.append(_mark(page, "marsplan-drawn"))
                    context.close()
                results[label] = {"median_s": statistics.median(times), "min_s": min(times),
                                  "max_s": max(times), "runs": len(times)}
                print(f"{label}: interactive after {statistics.median(times):.2f} s median "
                      f"({min(times):.2f}-{max(times):.2f} s, {len(times)} loads, empty cache)")
                if drawn:
                    results[label]["contours_drawn_median_s"] = statistics.median(drawn)
                    print(f"{label}: C3 contour lines drawn after {statistics.median(drawn):.2f} s "
                          "median")
            browser.close()
        busy = load.stop()
        print(f"cores busy elsewhere while timed: {busy:.2f}")
        warn_if_shared(busy)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    targets = [(f"{label} interactive < {TARGET_S:g} s", f"{r['median_s']:.2f} s",
                r["median_s"] < TARGET_S) for label, r in results.items()]
    print_targets(targets)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"machine": machine, "pages": results, "cores_busy_elsewhere": busy,
                       "targets": targets_json(targets)}, f, indent=2)
    return 0


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main())
