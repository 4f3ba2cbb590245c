"""Edit-to-screen on the make-up desk (issue 18): from a save, or a drag, to the new page shown.

A scratch copy of the project (bench/project.py) is served with `pagesetter serve`; Debian's
Chromium, driven by Playwright, opens the desk. Two kinds of change, ``--runs`` each (10 by
default), after one untimed warm-up of each:

  save  an article saved with a new sentence at the end of its body (as a text editor does);
        timed from just before the file is written
  drag  the banner's foot edge dragged one grid line up or down with the mouse (the desk writes
        the spec); timed from just before the mouse button is released

to the moment the page's new picture is painted in the browser: the desk stamps it with Date.now()
in the requestAnimationFrame after the picture was decoded and put in (browser and bench read the
same clock). The first picture of a build is drawn at the size the desk shows it (one picture
pixel a screen pixel: 50 dpi in the bench's 1600×1000 window); the 150 dpi one follows and is timed
too ("full"). Between
changes the bench waits for the slower preflight and typography verdicts of the last build, so
every change starts from a quiet desk.

Also printed, median of each step (the server stamps its steps, epoch ms, in /status):
  desk     from the mouse release to the server taking the edit (a save: from the write to the
           file's modification time, about 0)
  watch    the change seen by the watcher (a save: polled every 25 ms, then 20 ms to settle)
  build    the incremental build (session.py): spec, articles, composition, PDF
  picture  the page drawn by pdfium at the screen's size, JPEG, and the modules' reports
  push     the state published and sent (Server-Sent Events) to the browser's handler
  paint    the browser: the desk redrawn, the picture fetched, decoded, put in, painted

Usage: python bench/desk_latency.py [--runs 10] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from project import make_project, run_bench

CHROMIUM = "/usr/bin/chromium"


def _status(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=30) as response:
        return json.loads(response.read())


STEPS = (("desk", "start", "change"), ("watch", "change", "seen"), ("build", "seen", "built"),
         ("picture", "built", "pictured"), ("push", "pictured", "arrived"), ("paint", "arrived", "painted"))


def _quiet(port: int, build: int) -> dict:
    """Wait until build ``build`` has its verdicts; returns its status."""
    deadline = time.time() + 120
    while True:
        s = _status(port)
        if s["build"] >= build and s["preflight"]:
            if s["build"] != build:
                raise SystemExit(f"desk_latency: build {s['build']} came after build {build} unasked")
            return s
        if time.time() > deadline:
            raise SystemExit(f"desk_latency: build {build} never finished: {s['error']}")
        time.sleep(0.05)


def measure(scratch: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    project = make_project(scratch / "project")
    article = project / "content" / "xian-education.md"
    body = article.read_text(encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "pagesetter", "serve", "--port", "0", "-o", str(scratch / "live")],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
    if match is None:
        raise SystemExit(f"desk_latency: serve did not start: {proc.stderr.read()}")
    port = int(match.group(1))
    result: dict = {"runs": runs, "page": "seed-page", "dpi": 150, "load": round(os.getloadavg()[0], 1)}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.set_viewport_size({"width": 1600, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function("window.desk.shown.build >= 1", timeout=60_000)
            build = 1
            _quiet(port, build)

            def shown_after(start_ms: float) -> dict:
                """One change's times: to the first picture painted, to the full one, each step."""
                nonlocal build
                build += 1
                page.wait_for_function(f"window.desk.shown.build >= {build}", timeout=120_000)
                first, shown = page.evaluate("window.desk.first"), page.evaluate("window.desk.shown")
                if first["build"] != build or shown["build"] != build:
                    raise SystemExit(f"desk_latency: build {build} not the one shown ({first}, {shown})")
                if first["t"] < start_ms:
                    raise SystemExit(f"desk_latency: build {build} was shown before the change was made")
                stamps = dict(_quiet(port, build)["timing"], start=start_ms, painted=first["t"],
                              arrived=page.evaluate(f"window.desk.arrived[{build}]"))
                return {"total": first["t"] - start_ms, "full": shown["t"] - start_ms, "dpi": first["dpi"],
                        **{name: stamps[b] - stamps[a] for name, a, b in STEPS}}

            def save(i: int) -> dict:
                start = time.time() * 1000
                article.write_text(body + f"\n补记第{i}句，看页面多快更新。\n", encoding="utf-8")
                return shown_after(start)

            def drag(i: int) -> dict:
                page.locator(".module[data-article='banner'] .name").evaluate(
                    "e => e.parentElement.dispatchEvent(new MouseEvent('mousedown', {bubbles: true}))")
                page.mouse.up()
                g, zoom = page.evaluate("state.pages[0].grid"), page.evaluate("zoom")
                box = page.locator(".module.selected[data-article='banner'] .handle.s").bounding_box()
                x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
                page.mouse.move(x, y)
                page.mouse.down()
                page.mouse.move(x, y + (-1 if i % 2 == 0 else 1) * g["pitch"] * zoom, steps=4)
                start = time.time() * 1000
                page.mouse.up()
                return shown_after(start)

            for name, change in (("save", save), ("drag", drag)):
                change(0)  # warm-up, untimed
                timings = [change(i + 1) for i in range(runs)]
                ms = [t["total"] for t in timings]
                result[name] = {"median_ms": round(statistics.median(ms)), "min_ms": round(min(ms)),
                                "max_ms": round(max(ms)), "all_ms": [round(t) for t in ms],
                                "full_median_ms": round(statistics.median(t["full"] for t in timings)),
                                "first_dpi": timings[-1]["dpi"],
                                "steps_median_ms": {step: round(statistics.median(t[step] for t in timings), 1)
                                                    for step, _, _ in STEPS}}
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return result


def table(r: dict) -> str:
    lines = [f"edit-to-screen on the desk, {r['page']}, median of {r['runs']} (load average {r['load']}):"]
    for name in ("save", "drag"):
        m = r[name]
        lines.append(f"  {name:5} median {m['median_ms']:4d} ms to the picture painted at {m['first_dpi']:g} dpi "
                     f"(min {m['min_ms']}, max {m['max_ms']}); the {r['dpi']} dpi picture at {m['full_median_ms']} ms")
        lines.append("        steps: " + ", ".join(f"{k} {v:.0f}" for k, v in m["steps_median_ms"].items()) + " ms")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    return run_bench("desk-latency-", lambda scratch: measure(scratch, args.runs), table, args.json)


if __name__ == "__main__":
    sys.exit(main())
