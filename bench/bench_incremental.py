"""In-process one-article edit: pagesetter's Session against Typst's incremental Compiler (issue 21).

The make-up desk's case: one process stays up, an editor changes one sentence, the page comes
back. pagesetter: ``Session(spec).build(out)`` (session.py) on a scratch copy of the project, after
content/dongfeng-media.md is saved with one sentence's wording changed. Typst: a
``typst.Compiler`` kept for the equivalent .typ that bench/typst_seed.py writes (same text, fonts,
page, photos), after the same wording is changed in the .typ. Each side is warmed first, then the
two are timed alternately, the edit toggling between two wordings, so every run sets that paragraph
anew. Only the build (``build``/``compile``, PDF written on both sides) is timed, not the save.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import make_project, run_bench  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EDIT_FILE = "content/dongfeng-media.md"
EDITS = ("没有披上白色战袍", "未曾披上白色战袍")  # as bench_seed.py's whole-process edit
WARM_UP = 2


def toggled(path: Path) -> None:
    """Save ``path`` with the sentence in its other wording."""
    text = path.read_text(encoding="utf-8")
    old, new = (EDITS[0], EDITS[1]) if EDITS[0] in text else (EDITS[1], EDITS[0])
    if old not in text:
        raise SystemExit(f"bench_incremental: {path} lacks the sentence to edit ({EDITS[0]!r})")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


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

    def ours() -> tuple[float, float]:
        toggled(article)
        started, cpu = time.perf_counter(), time.process_time()
        session.build(out)
        return time.perf_counter() - started, time.process_time() - cpu

    def theirs() -> tuple[float, float]:
        toggled(typ)
        started, cpu = time.perf_counter(), time.process_time()
        compiler.compile(output=str(typ_pdf))
        return time.perf_counter() - started, time.process_time() - cpu

    first = time.perf_counter()
    session.build(out)
    cold_ours = time.perf_counter() - first
    first = time.perf_counter()
    compiler.compile(output=str(typ_pdf))
    cold_theirs = time.perf_counter() - first
    for _ in range(WARM_UP):
        ours()
        theirs()
    times: dict[str, list[float]] = {"pagesetter": [], "typst": []}
    cpu: dict[str, list[float]] = {"pagesetter": [], "typst": []}
    for i in range(runs):
        for name in (("pagesetter", "typst") if i % 2 == 0 else ("typst", "pagesetter")):
            wall, used = ours() if name == "pagesetter" else theirs()
            times[name].append(wall)
            cpu[name].append(used)
            print(f"  run {i + 1}/{runs} {name}: {wall * 1000:.1f} ms ({used * 1000:.1f} ms CPU)", file=sys.stderr)
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    return {
        "runs": runs,
        "first_build_ms": {"pagesetter": cold_ours * 1000, "typst": cold_theirs * 1000},
        "edit_ms": {name: {"median": medians[name] * 1000, "min": min(ts) * 1000, "max": max(ts) * 1000,
                           "cpu_median": statistics.median(cpu[name]) * 1000}
                    for name, ts in times.items()},
        "ratio": medians["pagesetter"] / medians["typst"],
        "typst_version": typst_seed.version("typst"),
    }


def table(result: dict) -> str:
    edit = result["edit_ms"]
    rows = [f"In-process one-article edit, {result['runs']} runs each, alternating (typst {result['typst_version']})",
            f"{'engine':12s} {'median ms':>10s} {'min':>8s} {'max':>8s} {'CPU median':>11s} {'first build ms':>15s}"]
    for name in ("pagesetter", "typst"):
        rows.append(f"{name:12s} {edit[name]['median']:10.1f} {edit[name]['min']:8.1f} {edit[name]['max']:8.1f} "
                    f"{edit[name]['cpu_median']:11.1f} {result['first_build_ms'][name]:15.1f}")
    rows.append(f"ratio pagesetter/typst (medians): {result['ratio']:.2f}x")
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
