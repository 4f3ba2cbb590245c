"""Where a kept one-sentence edit spends its time (issue 21, ``pagesetter keep``).

Two measurements on a scratch copy of the project, the edit of bench_seed.py toggled before each run:

- whole: ``python -m pagesetter build -q -o OUT`` (the client) against a running ``pagesetter keep``,
  beside ``python -c pass`` (the interpreter's own start) and the client's import of its module;
- inside: the kept process's work, in this process, as keeper.py does it (cli.run_kept with a
  Kept: the cache lookup, Session.build, the gate, the build record), each part timed by wrapping
  the function that does it.

Medians over the runs; each part's CPU time (of the thread that runs it) beside its wall time: the
machine is shared and has 2 cores, and its load moves the wall times far more than the CPU times.

Usage: python bench/keep_parts.py [--runs 15]
"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import EDIT_FILE, Editor, compile_package, make_project  # noqa: E402



@functools.cache
def _editor(project: Path) -> Editor:
    return Editor(project / EDIT_FILE, "page-glyph")


def toggle(project: Path) -> None:
    """The edit of bench_seed.py: the phrase in a wording this run has not used."""
    _editor(project).edit()


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, cmd
    return time.perf_counter() - started, ru.ru_utime + ru.ru_stime


def whole(project: Path, env: dict[str, str], runs: int) -> dict[str, list[float]]:
    python = sys.executable
    keeper = subprocess.Popen([python, "-m", "pagesetter", "keep", "--idle", "30"], cwd=project, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = defaultdict(list)
    try:
        assert keeper.stdout is not None and keeper.stdout.readline().startswith("pagesetter keep")
        build = [python, "-m", "pagesetter", "build", "-q", "-o", str(project / "out")]
        toggle(project)
        timed(build, project, env)  # the session's first build, untimed
        for _ in range(runs):
            out["python -c pass"].append(timed([python, "-c", "pass"], project, env)[0])
            out["client import"].append(timed([python, "-c", "import pagesetter.handoff"], project, env)[0])
            toggle(project)
            wall, _cpu = timed(build, project, env)
            out["kept edit, client whole"].append(wall)
            out["kept edit, client whole (client's CPU)"].append(_cpu)
    finally:
        keeper.send_signal(signal.SIGINT)
        keeper.wait(timeout=60)
    return out


# Functions whose time is each part of the kept build: (module, name, label).
PARTS = (("pagesetter.rebuild", "lookup", "cache lookup (the page's record)"),
         ("pagesetter.session", "Session.build", "Session.build (compose, flow, render, write)"),
         ("pagesetter.proof.report", "gate_pdf", "gate, whole"),
         ("pagesetter.proof.preflight", "coverage_render", "gate: Ghostscript started on the PDF"),
         ("pagesetter.proof.readback", "read_chars", "gate: pdfium read-back"),
         ("pagesetter.proof.typography", "pdf_records", "gate: layout records read (pikepdf)"),
         ("pagesetter.proof.typography", "analyse", "gate: typography check"),
         ("pagesetter.proof.preflight", "preflight", "gate: preflight (with the coverage wait)"),
         ("pagesetter.proof.preflight", "preflight_finish", "gate: preflight's rest (trim margin, coverage wait)"),
         ("pagesetter.proof.structure_worker", "StructureWorker.structure", "gate: waiting for the preflight worker"),
         ("pagesetter.proof.coverage", "_read_until", "gate: waiting for Ghostscript"),
         ("pagesetter.rebuild", "record", "build record written"))


def inside(project: Path, env: dict[str, str], runs: int) -> dict[str, list[float]]:
    import importlib

    os.environ.update({k: v for k, v in env.items() if k in ("XDG_CACHE_HOME", "SOURCE_DATE_EPOCH")})
    os.chdir(project)
    from pagesetter import cli, keeper

    spent: dict[str, float] = defaultdict(float)
    spent_cpu: dict[str, float] = defaultdict(float)  # this thread's CPU: the part's own work, whatever the load

    def wrap(owner: object, attr: str, label: str) -> None:
        original = getattr(owner, attr)

        def timed_call(*args, **kwargs):  # type: ignore[no-untyped-def]
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started
                spent_cpu[label] += time.thread_time() - cpu
        setattr(owner, attr, timed_call)

    for module, name, label in PARTS:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue  # a part another checkout has not (bench an older tree with this script)
        owner, _, attr = name.rpartition(".")
        holder = getattr(mod, owner, None) if owner else mod
        if holder is not None and hasattr(holder, attr):
            wrap(holder, attr, label)
    # the gate's modules import these names into their own namespaces at call time: wrapped above
    kept = keeper.Kept()
    argv = ["build", "-q", "-o", str(project / "out-inside")]
    out = defaultdict(list)
    for n in range(runs + 1):
        toggle(project)
        args = cli.make_parser().parse_args(argv)
        args.whole_process, args.kept = False, kept
        spent.clear()
        spent_cpu.clear()
        started, cpu = time.perf_counter(), time.process_time()
        assert cli.run_kept(args, argv) == 0
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        if n == 0:
            continue  # the session's first build
        out["kept build, whole (wall)"].append(wall)
        out["kept build, whole (CPU of this process)"].append(cpu)
        for label, seconds in spent.items():
            out[label].append(seconds)
            out[label + " (CPU)"].append(spent_cpu[label])
    kept.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    compile_package()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="keep-parts-") as scratch:
        folder = Path(scratch)
        env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "PAGESETTER_CACHE")}
        env["XDG_CACHE_HOME"] = str(folder / "cache")
        found = whole(make_project(folder / "whole"), env, args.runs)
        found.update(inside(make_project(folder / "inside"), dict(env, XDG_CACHE_HOME=str(folder / "cache2")),
                            args.runs))
    print(f"{args.runs} runs, medians in ms (load {os.getloadavg()[0]:.1f})")
    for label, values in found.items():
        print(f"  {label:52s} {statistics.median(values) * 1000:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
