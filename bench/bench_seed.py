"""Wall time, CPU time, peak memory and PDF size of the seed page: pagesetter against Typst (issue 8).

Each engine runs as a whole fresh process, as a user would run it, so interpreter start-up and
imports count. Per repetition, in a rotating order so no engine always goes first:

  pagesetter-cold  python -m pagesetter build -q -o TMP, XDG_CACHE_HOME a new empty folder
  pagesetter-warm  the same, XDG_CACHE_HOME kept from an untimed run before the first repetition:
                   nothing changed since, so the recorded build is written again (rebuild.py)
  pagesetter-edit  the warm cache, but one character of one article changed before each run, to
                   one the page sets already and the run has not put there (an editor's rebuild:
                   that paragraph is set again; bench/project.py: Editor)
  pagesetter-edit-kept  the same edit and command, in a project (and cache) of its own where a
                   `pagesetter keep` was started before the runs (untimed): the timed process is
                   the client, which hands the build to the kept process and prints its report
  typst            a fresh Python that imports typst and runs typst.compile() on the .typ that
                   bench/typst_seed.py wrote once before the runs (untimed): no Python preparation
                   (YAML, Markdown, writing the .typ) counted on Typst's side, only what its own CLI
                   would do plus the interpreter's start (the typst package ships no CLI)

Peak RSS and CPU time come from os.wait4() on each child: exact per process, unlike deltas of
getrusage(RUSAGE_CHILDREN), whose ru_maxrss is a running maximum.

Usage: python bench/bench_seed.py [--runs 5] [--json]
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from project import EDIT_FILE, Editor, make_project, run_bench

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
ENGINES = ("pagesetter-cold", "pagesetter-warm", "pagesetter-edit", "pagesetter-edit-kept", "typst")


@dataclass
class Sample:
    wall: float      # seconds
    cpu: float       # user + system seconds
    maxrss_kib: int
    pdf_bytes: int


@dataclass
class Stats:
    samples: list[Sample] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        walls = [s.wall for s in self.samples]
        return {
            "median_s": statistics.median(walls),
            "min_s": min(walls),
            "max_s": max(walls),
            "cpu_median_s": statistics.median(s.cpu for s in self.samples),
            "peak_rss_mib": max(s.maxrss_kib for s in self.samples) / 1024,
            "pdf_bytes": self.samples[-1].pdf_bytes,
        }


def run(cmd: list[str], env: dict[str, str], pdf: Path, log_dir: Path, cwd: Path = ROOT) -> Sample:
    """One child process, timed; its own rusage via wait4 (stdout/stderr to files: no pipe to drain)."""
    with open(log_dir / "stdout", "wb") as out, open(log_dir / "stderr", "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
    if proc.returncode != 0 or not pdf.is_file():
        sys.exit(f"bench: {' '.join(cmd)} failed (exit {proc.returncode}):\n"
                 f"{(log_dir / 'stderr').read_text(errors='replace')[-2000:]}")
    return Sample(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, pdf.stat().st_size)


def tree_cpu(pid: int) -> float:
    """User + system seconds of a process and its children so far (/proc: they run on)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of stat)
    return total


def pagesetter_cmd(out: Path) -> list[str]:
    return [str(PYTHON), "-m", "pagesetter", "build", "-q", "-o", str(out)]


# typst.compile of a prewritten .typ, as typst_seed.py compiles it: root "/" so the photos' absolute
# paths resolve, only the repo's fonts visible.
TYPST_COMPILE = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root='/', "
                 "font_paths=[sys.argv[3]], ignore_system_fonts=True)")


def typst_cmd(typ: Path, out: Path) -> list[str]:
    return [str(PYTHON), "-c", TYPST_COMPILE, str(typ), str(out / "seed-page.pdf"), str(ROOT / "fonts")]


def write_typ(scratch: Path) -> Path:
    """The seed page's .typ, written once, untimed, by typst_seed.py (its Python preparation)."""
    folder = scratch / "typ"
    subprocess.run([str(PYTHON), str(ROOT / "bench" / "typst_seed.py"), "-q", "--typ-dir", str(folder),
                    "-o", str(folder / "seed-page.pdf")], check=True)
    return folder / "seed-page.typ"


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def bench(runs: int, scratch: Path) -> dict[str, object]:
    base_env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "PAGESETTER_CACHE")}
    warm_cache = scratch / "warm-cache"
    warm_cache.mkdir()
    edit_cache = scratch / "edit-cache"
    edit_cache.mkdir()
    project = make_project(scratch / "project")  # the edit runs change its copy of the content
    kept_project = make_project(scratch / "project-kept")  # and the kept edit runs theirs
    kept_env = dict(base_env, XDG_CACHE_HOME=str(scratch / "edit-kept-cache"))
    (scratch / "edit-kept-cache").mkdir()
    editors = {folder: Editor(folder / EDIT_FILE, "page-glyph") for folder in (project, kept_project)}
    typ = write_typ(scratch)
    stats = {name: Stats() for name in ENGINES}
    counter = 0
    edits = 0

    def once(name: str) -> Sample:
        nonlocal counter
        counter += 1
        work = scratch / f"{counter:03d}-{name}"
        work.mkdir()
        env = dict(base_env)
        if name == "typst":
            return run(typst_cmd(typ, work), env, work / "seed-page.pdf", work)
        if name in ("pagesetter-edit", "pagesetter-edit-kept"):
            nonlocal edits
            edits += 1
            folder = project if name == "pagesetter-edit" else kept_project
            editors[folder].edit()
            if name == "pagesetter-edit":
                env["XDG_CACHE_HOME"] = str(edit_cache)
                return run(pagesetter_cmd(work), env, work / "seed-page.pdf", work, cwd=folder)
            # the client's CPU time and the kept process's (and its Ghostscript's) meanwhile: the edit's whole cost
            kept_cpu = tree_cpu(keeper.pid)
            sample = run(pagesetter_cmd(work), dict(kept_env), work / "seed-page.pdf", work, cwd=folder)
            sample.cpu += tree_cpu(keeper.pid) - kept_cpu
            return sample
        cache = warm_cache if name == "pagesetter-warm" else work / "cache"
        cache.mkdir(exist_ok=True)
        env["XDG_CACHE_HOME"] = str(cache)
        return run(pagesetter_cmd(work), env, work / "seed-page.pdf", work)

    # Untimed: fills the warm cache, and brings fonts, photos and the venv into the OS page cache
    # so the first timed run of each engine is not penalised for cold disk reads.
    once("pagesetter-warm")
    once("pagesetter-edit")
    once("typst")
    cache_files, cache_bytes = folder_size(warm_cache)
    # The kept process, started (untimed) before the runs, as a user starts it before editing;
    # its first build (the session's cold one) untimed too, as the warm cache's first build is.
    keeper = subprocess.Popen([str(PYTHON), "-m", "pagesetter", "keep", "--idle", "60"], cwd=kept_project,
                              env=kept_env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                              text=True)
    try:
        assert keeper.stdout is not None and keeper.stdout.readline().startswith("pagesetter keep: keeping")
        once("pagesetter-edit-kept")
        for rep in range(runs):
            order = ENGINES[rep % len(ENGINES):] + ENGINES[:rep % len(ENGINES)]
            for name in order:
                sample = once(name)
                stats[name].samples.append(sample)
                print(f"  run {rep + 1}/{runs} {name:20s} {sample.wall:6.2f} s  {sample.maxrss_kib / 1024:6.1f} MiB",
                      file=sys.stderr)
    finally:
        keeper.send_signal(signal.SIGINT)
        keeper.wait(timeout=60)
    summary = {name: s.summary() for name, s in stats.items()}
    t = summary["typst"]
    ratios = {f"{kind}_over_typst": {"median": summary[f"pagesetter-{kind}"]["median_s"] / t["median_s"],
                                     "min": summary[f"pagesetter-{kind}"]["min_s"] / t["min_s"]}
              for kind in ("cold", "warm", "edit", "edit-kept")}
    return {
        "runs": runs,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "typst": _version("typst"), "pagesetter": _version("pagesetter")},
        "warm_cache": {"files": cache_files, "bytes": cache_bytes},
        "results": summary,
        "raw_wall_s": {name: [round(x.wall, 4) for x in s.samples] for name, s in stats.items()},
        "ratios": ratios,
    }


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def table(r: dict[str, object]) -> str:
    res: dict[str, dict[str, float]] = r["results"]  # type: ignore[assignment]
    m: dict[str, object] = r["machine"]  # type: ignore[assignment]
    wc: dict[str, int] = r["warm_cache"]  # type: ignore[assignment]
    lines = [f"seed page, {r['runs']} runs each, {m['cores']} cores, Python {m['python']}, "
             f"pagesetter {m['pagesetter']}, typst (PyPI) {m['typst']}",
             f"warm cache after one build: {wc['files']} files, {wc['bytes']} bytes", "",
             f"{'engine':20s} {'median s':>9s} {'min s':>7s} {'max s':>7s} {'CPU s':>7s} {'peak RSS MiB':>13s} {'PDF bytes':>10s}"]
    for name, s in res.items():
        lines.append(f"{name:20s} {s['median_s']:9.2f} {s['min_s']:7.2f} {s['max_s']:7.2f} {s['cpu_median_s']:7.2f} "
                     f"{s['peak_rss_mib']:13.1f} {s['pdf_bytes']:10d}")
    ratios: dict[str, dict[str, float]] = r["ratios"]  # type: ignore[assignment]
    lines.append("")
    for key, v in ratios.items():
        lines.append(f"pagesetter {key.split('_')[0]} / typst: {v['median']:.1f}x (medians), {v['min']:.1f}x (minima)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="repetitions of each engine (default 5)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of the table")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder (PDFs, logs)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    return run_bench("bench-seed-", lambda scratch: bench(args.runs, scratch), table, args.json, keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
