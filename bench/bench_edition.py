"""A 24-page edition, cold and warm: wall time, CPU time, peak memory, PDF sizes (issue 8).

The edition is made in a scratch copy of the project (bench/project.py): 24 broadsheet pages laid
out like the seed page, each with its own text (every paragraph's sentences rotated by the page
number, so every line is set anew) and its own photos (marked with the page number, so every photo
is prepared anew). Runs:

  cold  pagesetter build layout/edition-24.yaml -q -j JOBS, XDG_CACHE_HOME a new empty folder
  warm  the same with the cache of an untimed build before the first run

  typst a fresh Python running typst.compile() on a .typ of the same 24 pages (typst_seed.py
        --edition: each page as the seed page's yardstick, page breaks between), written once,
        untimed, before the runs: Typst's whole process, in the same rounds (issue 21)

Peak RSS is the largest single process (the main process or one of its page workers), from wait4.

--versus SRC times another checkout's code too (its src folder, byte-compiled first; PYTHONPATH
set to it for its builds), alternating with this one's run by run and in turn first, on the same
scratch project: an A/B of two versions on a noisy machine, each figure reported for both.

Usage: python bench/bench_edition.py [--pages 24] [--runs 3] [--jobs 2] [--versus SRC] [--json]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_seed import TYPST_COMPILE
from project import ROOT, compile_package, edition, make_project, run_bench

PYTHON = Path(sys.executable)


def this_src() -> Path:
    """The folder holding the pagesetter this script imports (PYTHONPATH's, else the installed one):
    the code compile_package compiled, and the code "this one's" builds run. Until session 20 they
    ran with PYTHONPATH taken away, so from a worktree (PYTHONPATH=its src) they ran the venv's
    editable install, another checkout: `--versus` timed main against main."""
    import pagesetter

    return Path(pagesetter.__file__).resolve().parent.parent


def build(project: Path, spec: Path, out: Path, cache: Path, jobs: int, src: Path | None = None) -> dict[str, float]:
    """One timed build; ``src``: the pagesetter code to run (a checkout's src folder), else this one's."""
    env = {k: v for k, v in os.environ.items() if k not in ("PAGESETTER_CACHE", "PYTHONPATH")}
    env["XDG_CACHE_HOME"] = str(cache)
    env["PYTHONPATH"] = str(src if src is not None else this_src())
    cmd = [str(PYTHON), "-m", "pagesetter", "build", str(spec), "-q", "-j", str(jobs), "-o", str(out)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed (exit {proc.returncode}):\n"
                 f"{proc.stderr.read().decode(errors='replace')[-2000:] if proc.stderr else ''}")
    pages = sorted(p for p in out.glob("page-*.pdf"))
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mib": ru.ru_maxrss / 1024,
            "pages": len(pages), "largest_page_bytes": max(p.stat().st_size for p in pages),
            "edition_bytes": sum(p.stat().st_size for p in out.glob("edition-*.pdf"))}


def write_typ(spec: Path, folder: Path) -> Path:
    """The edition's .typ, written once, untimed, by typst_seed.py (its Python preparation), and
    compiled once there (the OS page cache filled with the photos and fonts)."""
    subprocess.run([str(PYTHON), str(ROOT / "bench" / "typst_seed.py"), "-q", "--edition", str(spec),
                    "--typ-dir", str(folder)], check=True)
    return folder / f"{spec.stem}.typ"


def typst_build(typ: Path, out: Path, label: str) -> dict[str, float]:
    """One timed Typst compile of the edition's .typ in a fresh Python, as bench_seed.py times the page's."""
    out.mkdir(parents=True, exist_ok=True)
    cmd = [str(PYTHON), "-c", TYPST_COMPILE, str(typ), str(out / "edition.pdf"), str(ROOT / "fonts")]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: typst failed:\n{proc.stderr.read().decode(errors='replace')[-2000:] if proc.stderr else ''}")
    sample = {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mib": ru.ru_maxrss / 1024,
              "edition_bytes": (out / "edition.pdf").stat().st_size}
    print(f"  {label} typst: {wall:.2f} s, CPU {sample['cpu_s']:.2f} s, {sample['peak_rss_mib']:.0f} MiB",
          file=sys.stderr)
    return sample


def bench(pages: int, runs: int, jobs: int, scratch: Path, photo_ppi: int | None = None,
          versus: Path | None = None) -> dict[str, object]:
    project = make_project(scratch / "project")
    spec = edition(project, pages, photo_ppi=photo_ppi)
    codes: list[tuple[str, Path | None]] = [("", None)] + ([("versus ", versus)] if versus is not None else [])
    for name, src in codes:  # fills each warm cache and the OS page cache
        build(project, spec, scratch / f"untimed-{name.strip()}", scratch / f"warm-cache-{name.strip()}", jobs, src)
    typ = write_typ(spec, scratch / "typ")
    samples: dict[str, list[dict[str, float]]] = {f"{name}{kind}": [] for name, _ in codes for kind in ("cold", "warm")}
    samples["typst"] = []
    for rep in range(runs):
        if rep % 2 == 1:  # Typst first in every other round, last in the others
            samples["typst"].append(typst_build(typ, scratch / f"out-typst-{rep}", f"run {rep + 1}/{runs}"))
        for name, src in (codes if rep % 2 == 0 else codes[::-1]):
            for kind in (("cold", "warm") if rep % 2 == 0 else ("warm", "cold")):
                cache = scratch / (f"warm-cache-{name.strip()}" if kind == "warm" else f"cold-{rep}")
                s = build(project, spec, scratch / f"out-{kind}-{rep}", cache, jobs, src)
                samples[f"{name}{kind}"].append(s)
                print(f"  run {rep + 1}/{runs} {name}{kind}: {s['wall_s']:.2f} s, CPU {s['cpu_s']:.2f} s, "
                      f"{s['peak_rss_mib']:.0f} MiB, load {os.getloadavg()[0]:.1f}", file=sys.stderr)
                if kind == "cold":
                    shutil.rmtree(cache, ignore_errors=True)
        if rep % 2 == 0:
            samples["typst"].append(typst_build(typ, scratch / f"out-typst-{rep}", f"run {rep + 1}/{runs}"))
    summary = {}
    for kind, ss in samples.items():
        summary[kind] = {
            "median_s": statistics.median(s["wall_s"] for s in ss),
            "min_s": min(s["wall_s"] for s in ss),
            "cpu_median_s": statistics.median(s["cpu_s"] for s in ss),
            "peak_rss_mib": max(s["peak_rss_mib"] for s in ss),
            "per_page_s": statistics.median(s["wall_s"] for s in ss) / pages,
        }
    last = samples["cold"][-1]
    typst_median = summary["typst"]["median_s"]
    ratios = {f"{kind}_over_typst": summary[kind]["median_s"] / typst_median for kind in summary if kind != "typst"}
    return {"pages": pages, "ratios": ratios, "typst_edition_bytes": samples["typst"][-1]["edition_bytes"], "runs": runs, "jobs": jobs, "cores": os.cpu_count(), "photo_ppi": photo_ppi,
            "versus": str(versus) if versus is not None else None, "results": summary,
            "largest_page_bytes": last["largest_page_bytes"], "edition_bytes": last["edition_bytes"]}


def table(r: dict) -> str:
    ppi = f", photo_ppi {r['photo_ppi']}" if r.get("photo_ppi") else ""
    versus = f", versus {r['versus']}" if r.get("versus") else ""
    lines = [f"{r['pages']}-page edition, {r['runs']} runs, -j {r['jobs']} on {r['cores']} cores{ppi}{versus}", "",
             f"{'cache':12s} {'median s':>9s} {'min s':>7s} {'CPU s':>7s} {'s/page':>7s} {'peak RSS MiB':>13s}"]
    for kind, s in r["results"].items():
        lines.append(f"{kind:12s} {s['median_s']:9.2f} {s['min_s']:7.2f} {s['cpu_median_s']:7.2f} "
                     f"{s['per_page_s']:7.2f} {s['peak_rss_mib']:13.1f}")
    lines += [""] + [f"pagesetter {key.replace('_over_typst', '')} / typst: {v:.1f}x (medians)"
                     for key, v in r["ratios"].items()]
    lines += ["", f"largest page PDF {r['largest_page_bytes'] / 1e6:.2f} MB; "
                  f"combined edition PDF {r['edition_bytes'] / 1e6:.1f} MB; Typst's {r['typst_edition_bytes'] / 1e6:.1f} MB"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=24)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2: the issue's two cores)")
    ap.add_argument("--photo-ppi", type=int, default=None,
                    help="photo_ppi in every page spec (default: the engine's, 200)")
    ap.add_argument("--versus", type=Path, default=None, metavar="SRC",
                    help="also time the code in SRC (another checkout's src folder), alternating run by run")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    versus = args.versus.resolve() if args.versus is not None else None
    if versus is not None:
        if not (versus / "pagesetter" / "__init__.py").is_file():
            ap.error(f"--versus {args.versus}: no pagesetter package in it (give a checkout's src folder)")
        compile_package(versus / "pagesetter")
    return run_bench("bench-edition-",
                     lambda scratch: bench(args.pages, args.runs, args.jobs, scratch, args.photo_ppi, versus),
                     table, args.json)


if __name__ == "__main__":
    sys.exit(main())
