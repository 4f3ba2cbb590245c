"""How cost grows (issues 8 and 21): editions of 1, 2, 4, 8, 16, 32 and 48 pages, and one page with
1x, 2x and 4x its text, each built cold (empty cache) as a whole process, and beside each edition
Typst compiling the same pages (typst_seed.py --edition: a .typ written once, untimed; Typst's
whole process, a fresh Python running typst.compile).

Pages: every page has its own text and photos (bench/project.py), built with -j JOBS. Text: every
article's body repeated 2 or 4 times on the seed page's layout; what does not fit is overset (the
build is told to allow it), and overset text is composed like any other, so the work grows with the
text while the page stays the same. The table gives seconds per page, and the composition time (in
process, nothing cached) per 1000 characters: flat columns mean linear growth. The whole flow is
given beside it; its fitting trials depend on how near each article is to its space.

Usage: python bench/bench_scaling.py [--pages 1,2,4,8,16,32,48] [--text 1,2,4] [--jobs 2] [--json]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from bench_edition import typst_build, write_typ
from project import edition, make_project, page_variant, run_bench

PYTHON = Path(sys.executable)
# In process, with nothing set before (the whole-process time is mostly fixed costs: start-up,
# photos, fonts), the best of three: composition alone (every body set into lines, what grows with
# the text), then the whole flow (composition, fitting trials, placing), each with fresh faces and
# an empty memo. Fitting tries variants only while an article is near its space, so flow time
# also depends on how far off the text is; composition is the part that must stay linear.
FLOW_TIMER = """
import sys, time
from pathlib import Path
from pagesetter.build import load_inputs
from pagesetter.flow.article import compose_body
from pagesetter.flow.geometry import PageGeometry
from pagesetter.flow.page import flow_page
from pagesetter.flow.precompose import _jobs
from pagesetter.fonts.face import FaceSet
spec, manifest, articles, _ = load_inputs(Path(sys.argv[1]))
measure = PageGeometry(spec).span_width(1)
compose, flow = [], []
for _ in range(3):
    faces = FaceSet(manifest)
    started = time.perf_counter()
    for aspec, article in _jobs(spec, articles):
        compose_body(aspec, article, spec.styles, measure, faces)
    compose.append(time.perf_counter() - started)
    faces = FaceSet(manifest)
    started = time.perf_counter()
    flow_page(spec, articles, faces)
    flow.append(time.perf_counter() - started)
print(min(compose), min(flow))
"""


def timed(cmd: list[str], cwd: Path, cache: Path) -> tuple[float, float, str]:
    env = {k: v for k, v in os.environ.items() if k != "PAGESETTER_CACHE"}
    env["XDG_CACHE_HOME"] = str(cache)
    started = time.perf_counter()
    run = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if run.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed (exit {run.returncode}):\n{run.stderr[-2000:]}")
    return wall, 0.0, run.stdout


def chars_set(project: Path, content: Path) -> int:
    """Characters of body text in the content folder (what the composer sets)."""
    total = 0
    for md in content.glob("*.md"):
        if md.name == "README.md":
            continue
        _, _, body = md.read_text(encoding="utf-8").partition("\n---\n")
        total += sum(1 for ch in body if not ch.isspace())
    return total


def bench(pages: list[int], texts: list[int], jobs: int, scratch: Path) -> dict[str, object]:
    rows_pages = []
    for n in pages:
        project = make_project(scratch / f"pages-{n}")
        spec = edition(project, n)
        wall, _, _ = timed([str(PYTHON), "-m", "pagesetter", "build", str(spec), "-q", "-j", str(jobs), "-o", "out"],
                           project, scratch / f"cache-pages-{n}")
        typst = typst_build(write_typ(spec, scratch / f"typ-{n}"), scratch / f"typst-{n}", f"{n:2d} pages")
        rows_pages.append({"pages": n, "wall_s": wall, "per_page_s": wall / n, "typst_s": typst["wall_s"],
                           "typst_per_page_s": typst["wall_s"] / n})
        print(f"  {n:2d} pages: {wall:6.2f} s ({wall / n:.2f} s/page)", file=sys.stderr)
    rows_text = []
    for k in texts:
        project = make_project(scratch / f"text-{k}")
        content = page_variant(project, 1, text_factor=k)
        spec_text = (project / "layout" / "seed-page.yaml").read_text(encoding="utf-8")
        spec = project / "layout" / f"text-{k}.yaml"
        spec.write_text(spec_text.replace("name: seed-page", f"name: text-{k}")
                        .replace("content: ../content", f"content: ../{content.name}"), encoding="utf-8")
        chars = chars_set(project, content)
        wall, _, _ = timed([str(PYTHON), "-m", "pagesetter", "build", str(spec), "-q", "--allow-overset", "-o", "out"],
                           project, scratch / f"cache-text-{k}")
        _, _, out = timed([str(PYTHON), "-c", FLOW_TIMER, str(spec)], project, scratch / "unused")
        compose, flow = (float(x) for x in out.split())
        rows_text.append({"text": k, "chars": chars, "wall_s": wall, "compose_s": compose,
                          "compose_per_1000_chars_s": compose / chars * 1000, "flow_s": flow})
        print(f"  {k}x text ({chars} characters): {wall:6.2f} s, composition {compose:.3f} s, "
              f"flow {flow:.3f} s", file=sys.stderr)
    return {"jobs": jobs, "cores": os.cpu_count(), "pages": rows_pages, "text": rows_text}


def table(r: dict) -> str:
    lines = [f"cold builds, -j {r['jobs']} on {r['cores']} cores", "",
             f"{'pages':>5s} {'wall s':>8s} {'s/page':>7s} {'typst s':>8s} {'s/page':>7s} {'ratio':>6s}"]
    lines += [f"{row['pages']:5d} {row['wall_s']:8.2f} {row['per_page_s']:7.2f} {row['typst_s']:8.2f} "
              f"{row['typst_per_page_s']:7.2f} {row['wall_s'] / row['typst_s']:5.1f}x" for row in r["pages"]]
    lines += ["", f"{'text':>5s} {'chars':>7s} {'wall s':>8s} {'compose s':>10s} {'s/1000 chars':>13s} {'flow s':>7s}"]
    lines += [f"{row['text']:4d}x {row['chars']:7d} {row['wall_s']:8.2f} {row['compose_s']:10.3f} "
              f"{row['compose_per_1000_chars_s']:13.4f} {row['flow_s']:7.3f}" for row in r["text"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", default="1,2,4,8,16,32,48")
    ap.add_argument("--text", default="1,2,4")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    pages, texts = [int(x) for x in args.pages.split(",")], [int(x) for x in args.text.split(",")]
    return run_bench("bench-scaling-", lambda scratch: bench(pages, texts, args.jobs, scratch), table, args.json)


if __name__ == "__main__":
    sys.exit(main())
