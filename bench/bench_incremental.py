"""In-process one-character edit: pagesetter's Session against Typst's incremental Compiler (issue 21).

The make-up desk's case: one process stays up, an editor changes one character, the page comes
back. pagesetter: ``Session(spec).build(out)`` (session.py) on a scratch copy of the project, after
content/dongfeng-media.md is saved with one character of a phrase changed. Typst: a
``typst.Compiler`` kept for the equivalent .typ that bench/typst_seed.py writes (same text, fonts,
page, photos), after the same character is changed in the .typ. Each edit puts a character in the
phrase not used there before in the run (bench/project.py: Editor), so no engine meets an earlier
state in a memo. Two kinds, timed apart: a character the page sets already (its font subsets stay)
and one new to the page (the body face is subset again). Each side is warmed first, then the two
are timed alternately. Only the build (``build``/``compile``, PDF written on both sides) is timed, not the save.
CPU time (all the process's threads) is printed beside the wall time: on this shared 2-core machine
the wall time of either moves with what else runs.

Usage: python bench/bench_incremental.py [--runs 15] [--json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import EDIT_FILE, EDIT_KINDS, Editor, make_project, run_bench  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 2


def measure(runs: int, scratch: Path) -> dict[str, object]:
    os.environ["XDG_CACHE_HOME"] = str(scratch / "cache")  # a cache of the scratch folder's own
    import typst
    import typst_seed

    from pagesetter.session import Session

    project = make_project(scratch / "project")
    article = project / EDIT_FILE
    out = scratch / "out"
    session = Session(project / "layout" / "seed-page.yaml")
    typ_dir = scratch / "typ"
    typst_seed.main(["--spec", str(project / "layout" / "seed-page.yaml"), "--typ-dir", str(typ_dir), "-q"])
    typ = typ_dir / "seed-page.typ"
    typ_pdf = typ_dir / "seed-page.pdf"
    compiler = typst.Compiler(str(typ), root="/", font_paths=[str(ROOT / "fonts")], ignore_system_fonts=True)

    def timed(edit: Callable[[], None], build: Callable[[], object]) -> tuple[float, float]:
        edit()
        started, cpu = time.perf_counter(), time.process_time()
        build()
        return time.perf_counter() - started, time.process_time() - cpu

    def ours() -> object:
        return session.build(out)

    def theirs() -> object:
        return compiler.compile(output=str(typ_pdf))

    first = time.perf_counter()
    ours()
    cold_ours = time.perf_counter() - first
    first = time.perf_counter()
    theirs()
    cold_theirs = time.perf_counter() - first
    edits: dict[str, object] = {}
    for kind in EDIT_KINDS:  # the same characters for both engines, one kind after the other
        edit_ours, edit_theirs = Editor(article, kind).edit, Editor(typ, kind, source=article).edit
        for _ in range(WARM_UP):
            timed(edit_ours, ours)
            timed(edit_theirs, theirs)
        times: dict[str, list[float]] = {"pagesetter": [], "typst": []}
        cpu: dict[str, list[float]] = {"pagesetter": [], "typst": []}
        for i in range(runs):
            for name in (("pagesetter", "typst") if i % 2 == 0 else ("typst", "pagesetter")):
                wall, used = timed(edit_ours, ours) if name == "pagesetter" else timed(edit_theirs, theirs)
                times[name].append(wall)
                cpu[name].append(used)
                print(f"  {kind} run {i + 1}/{runs} {name}: {wall * 1000:.1f} ms ({used * 1000:.1f} ms CPU)",
                      file=sys.stderr)
        medians = {name: statistics.median(ts) for name, ts in times.items()}
        edits[kind] = {
            "edit_ms": {name: {"median": medians[name] * 1000, "min": min(ts) * 1000, "max": max(ts) * 1000,
                               "cpu_median": statistics.median(cpu[name]) * 1000}
                        for name, ts in times.items()},
            "ratio": medians["pagesetter"] / medians["typst"]}
    return {
        "runs": runs,
        "first_build_ms": {"pagesetter": cold_ours * 1000, "typst": cold_theirs * 1000},
        "edits": edits,
        "typst_version": typst_seed.version("typst"),
    }


# How each kind of edit reads in the table (bench/project.py: Editor).
KIND_LABELS = {"page-glyph": "a character the page sets already (subsets unchanged)",
               "new-glyph": "a character new to the page (the body face subset again)"}


def table(result: dict) -> str:
    rows = [f"In-process one-character edit, {result['runs']} runs each, alternating (typst {result['typst_version']})",
            f"first build: pagesetter {result['first_build_ms']['pagesetter']:.1f} ms, "
            f"typst {result['first_build_ms']['typst']:.1f} ms"]
    for kind, found in result["edits"].items():
        edit = found["edit_ms"]
        rows += ["", f"edit: {KIND_LABELS[kind]}",
                 f"{'engine':12s} {'median ms':>10s} {'min':>8s} {'max':>8s} {'CPU median':>11s}"]
        for name in ("pagesetter", "typst"):
            rows.append(f"{name:12s} {edit[name]['median']:10.1f} {edit[name]['min']:8.1f} {edit[name]['max']:8.1f} "
                        f"{edit[name]['cpu_median']:11.1f}")
        rows.append(f"ratio pagesetter/typst (medians): {found['ratio']:.2f}x")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15, help="timed edits per engine (default 15)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of the table")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args(argv)
    return run_bench("bench-incremental-", lambda scratch: measure(args.runs, scratch), table, args.json, args.keep)


if __name__ == "__main__":
    sys.exit(main())
