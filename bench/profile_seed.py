"""cProfile of one in-process build of the seed page: where pagesetter's time goes (issue 8).

Imports are timed apart (they are not in the profile); the build runs with XDG_CACHE_HOME
pointed at a new empty folder, as a cold build, unless --warm builds once first.

cProfile slows pure-Python code (fontTools' charstring interpreter) about 2.5x more than C-backed
code, so --phases instead times a few pipeline stages by wrapping them, with no profiler: the
real split of the wall time.

Usage: python bench/profile_seed.py [--limit 25] [--sort cumulative|tottime] [--warm] [--save OUT.prof]
       python bench/profile_seed.py --phases
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from phases import wrap_phases

ROOT = Path(__file__).resolve().parent.parent
# Stages timed by --phases, as module:function. Missing ones are skipped (the tree is moving).
PHASES = (
    "pagesetter.spec.loader:load_spec",
    "pagesetter.content.reader:read_article",
    "pagesetter.flow.page:flow_page",
    "pagesetter.render.pdf:render_pdf",
    "pagesetter.render.pdf:_draw_image",
    "pagesetter.render.pdf:_subsets",
    "pagesetter.render.pdf:_written",
    "pagesetter.fonts.subset:subset_font",
)


def wrap_timed() -> dict[str, list[float]]:
    """Each PHASES function timed in wall seconds (phases.wrap_phases), each call's time listed under
    its name; subset_font's by the font file (its first argument), so the faces can be told apart."""
    times: dict[str, list[float]] = defaultdict(list)

    def record(name: str, a: tuple[Any, ...], seconds: float) -> None:
        key = f"{name}({a[0].name})" if name == "subset_font" and a and isinstance(a[0], Path) else name
        times[key].append(seconds)

    wrap_phases(PHASES, time.perf_counter, record)
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", type=Path, default=ROOT / "layout" / "seed-page.yaml")
    ap.add_argument("--limit", type=int, default=25, help="functions to print (default 25)")
    ap.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime", "ncalls"))
    ap.add_argument("--warm", action="store_true", help="build once, unprofiled, with the same cache first")
    ap.add_argument("--save", type=Path, default=None, help="also write the raw profile (for snakeviz etc.)")
    ap.add_argument("--phases", action="store_true", help="time pipeline stages without a profiler instead")
    args = ap.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="profile-seed-"))
    # Before importing pagesetter, in case a cache location is read at import time.
    os.environ["XDG_CACHE_HOME"] = str(scratch / "cache")
    started = time.perf_counter()
    from pagesetter.build import build_page
    imports = time.perf_counter() - started

    if args.warm:
        build_page(args.spec, scratch / "warm-up")
    if args.phases:
        times = wrap_timed()
        started = time.perf_counter()
        build_page(args.spec, scratch / "out")
        wall = time.perf_counter() - started
        print(f"import pagesetter.build: {imports:.2f} s; build_page ({'warm' if args.warm else 'cold'}): {wall:.2f} s")
        print("stage (nested stages are inside their callers)    calls   total s   each s")
        for name, ts in times.items():
            each = ", ".join(f"{t:.2f}" for t in ts) if len(ts) <= 6 else ""
            print(f"  {name:48s} {len(ts):5d} {sum(ts):9.2f}   {each}")
        return 0
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    result = build_page(args.spec, scratch / "out")
    profiler.disable()
    wall = time.perf_counter() - started

    print(f"import pagesetter.build: {imports:.2f} s; build_page ({'warm' if args.warm else 'cold'}): "
          f"{wall:.2f} s under cProfile; PDF {result.pdf_path.stat().st_size} bytes at {result.pdf_path}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.limit)
    # pstats opens with a few lines of preamble; keep the table.
    print(out.getvalue().strip())
    if args.save:
        profiler.dump_stats(str(args.save))
        print(f"raw profile written to {args.save}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
