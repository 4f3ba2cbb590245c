"""Where a cold edition's wall and CPU time go: a timeline of one `pagesetter build -j 2` (issue 21).

The bench edition (bench/project.py, 24 pages) is built cold (an empty XDG_CACHE_HOME) by a child
process that wraps some of pagesetter's functions before running its command line as
`python -m pagesetter` does (`--trace`, below): each wrapper appends one line to a log as its
function starts and ends (epoch time, pid, the process's CPU seconds). The forked page workers
inherit the wrappers. Printed after: when the main process got to each step, when each worker
started and ended, each page's start, end and CPU in its worker, the main process's CPU by step,
each process's CPU (a worker's Ghostscript is its child: its CPU is the worker's children's),
and the machine's busy and idle CPU seconds over the build from /proc/stat (other sessions' work
on a shared machine shows as busy time that is not this build's).

Run each version's code in turn, more than once (PYTHONPATH picks the code; the machine is noisy).

Usage: PYTHONPATH=SRC python bench/edition_timeline.py [--pages 24] [--jobs 2] [--project DIR] [--log FILE]
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# module:function wrapped in every process (a wrapper logs NAME:start and NAME:end)
TRACED = (
    "pagesetter.edition:build_edition",
    "pagesetter.edition:_page_roots",
    "pagesetter.edition:_worker_result",
    "pagesetter.edition:_received",
    "pagesetter.edition:_Combined.add",
    "pagesetter.edition:_Combined.finish",
    "pagesetter.paths:StagedWrites.commit",
    "pagesetter.cli:_report_edition",
    "pagesetter.proof.preflight:preflight",
    "pagesetter.edition:_run_page_in_worker",
)


def _log(name: str, extra: str = "") -> None:
    """One line of the trace: epoch time, pid, this process's CPU and its reaped children's."""
    t = os.times()
    line = (f"{time.time():.4f} {os.getpid()} {time.process_time():.4f} "
            f"{t.children_user + t.children_system:.4f} {name} {extra}\n")
    fd = os.open(os.environ["EDITION_TIMELINE_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def _wrap(target: str) -> None:
    import importlib

    module_name, qualname = target.split(":")
    owner: object = importlib.import_module(module_name)
    *outer, name = qualname.split(".")
    for part in outer:
        owner = getattr(owner, part)
    real = getattr(owner, name)
    label = qualname.rsplit(".", 1)[-1].lstrip("_")

    def wrapper(*args: object, **kwargs: object) -> object:
        job = next((a for a in args if type(a).__name__ == "_PageJob"), None)  # edition._PageJob
        extra = f"page={job.path.stem}" if job is not None else ""  # type: ignore[attr-defined]
        _log(f"{label}:start", extra)
        try:
            return real(*args, **kwargs)
        finally:
            _log(f"{label}:end", extra)

    # pickled by name into the workers (_run_page_in_worker): the wrapper must pass for the function
    wrapper.__name__, wrapper.__qualname__, wrapper.__module__ = real.__name__, real.__qualname__, real.__module__
    setattr(owner, name, wrapper)


class _Kept:
    """What a worker's exit log hangs on (multiprocessing's Finalize needs an object to outlive)."""


_KEEP = _Kept()


def _traced_build(argv: list[str]) -> int:
    """In the child: the wrappers put in, then pagesetter's command line as `python -m pagesetter`."""
    _log("launch")
    import pagesetter.__main__ as entry  # turns the collector off while the command line loads, as it does

    for target in TRACED:
        _wrap(target)
    _log("engine imported")
    import pagesetter.workers as workers

    started = workers.worker_started

    def worker_started(*args: object) -> None:
        _log("worker started")
        from multiprocessing.util import Finalize

        # run as the worker exits (multiprocessing ends it with os._exit: no atexit)
        Finalize(_KEEP, lambda: _log("worker exit"), exitpriority=20)
        started(*args)  # type: ignore[arg-type]

    workers.worker_started = worker_started
    sys.argv = ["pagesetter", *argv]
    status = entry.run()
    _log("main returned")
    return status


def _machine() -> list[float]:
    """CPU seconds of the whole machine (every process of every session): user, nice, system,
    idle, iowait, irq, softirq, steal."""
    with open("/proc/stat") as fh:
        fields = fh.readline().split()[1:9]
    return [int(v) / os.sysconf("SC_CLK_TCK") for v in fields]


def run(project: Path, pages: int, jobs: int, log: Path) -> dict[str, float]:
    """One cold build of ``project``'s edition with the wrappers; the log written to ``log``."""
    cache = Path(tempfile.mkdtemp(prefix="timeline-cache-"))
    out = Path(tempfile.mkdtemp(prefix="timeline-out-"))
    log.unlink(missing_ok=True)
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), EDITION_TIMELINE_LOG=str(log))
    env.pop("PAGESETTER_CACHE", None)
    cmd = [sys.executable, __file__, "--trace", "build", f"layout/edition-{pages}.yaml", "-q", "-j", str(jobs),
           "-o", str(out)]
    try:
        before, started = _machine(), time.time()
        proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        ended, after = time.time(), _machine()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"edition_timeline: the build failed:\n{proc.stderr.read().decode(errors='replace')[-2000:]}")
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    spent = [b - a for a, b in zip(before, after)]
    return {"t0": started, "t1": ended, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024,
            "busy": spent[0] + spent[1] + spent[2] + spent[5] + spent[6], "idle": spent[3] + spent[4],
            "steal": spent[7], "load": os.getloadavg()[0]}


def report(log: Path, build: dict[str, float]) -> str:
    rows = []
    for line in log.read_text().splitlines():
        t, pid, cpu, children, name, *extra = line.split()
        rows.append((float(t) - build["t0"], int(pid), float(cpu), float(children), name, " ".join(extra)))
    # in the order written (each process's lines in its own order: the log is opened O_APPEND)
    main = next(pid for _, pid, _, _, name, _ in rows if name == "launch")
    out = [f"cold edition: wall {build['t1'] - build['t0']:.2f} s, CPU {build['cpu']:.2f} s (all processes), "
           f"peak RSS {build['rss']:.0f} MiB, load {build['load']:.1f}",
           f"machine over the build: busy {build['busy']:.2f} CPU s (this build's {build['cpu']:.2f}), idle "
           f"{build['idle']:.2f}, steal {build['steal']:.2f}", "",
           "main process (s from launch; its CPU s):"]
    open_steps: dict[str, tuple[float, float]] = {}
    sums: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0])
    quiet = ("worker_result", "received", "add", "run_page_in_worker", "preflight")
    for t, pid, cpu, children, name, extra in rows:
        if pid != main:
            continue
        step, _, edge = name.partition(":")
        if edge == "start":
            open_steps[step] = (t, cpu)
        elif edge == "end" and step in open_steps:
            t0, c0 = open_steps.pop(step)
            s = sums[step]
            s[0], s[1], s[2] = s[0] + t - t0, s[1] + cpu - c0, s[2] + 1
        if not name.startswith(quiet):
            out.append(f"  {t:7.3f}  cpu {cpu:6.3f}  {name} {extra}")
    out.append("main process by step (calls, wall s, CPU s):")
    out += [f"  {step:22s} {n:3d} {wall:8.3f} {cpu:7.3f}" for step, (wall, cpu, n) in sums.items()]
    pages: dict[str, dict[str, tuple[float, int, float]]] = collections.defaultdict(dict)
    workers: dict[int, dict[str, tuple[float, float]]] = collections.defaultdict(dict)
    for t, pid, cpu, children, name, extra in rows:
        if name.startswith("run_page_in_worker:"):
            pages[extra.removeprefix("page=")][name.rsplit(":", 1)[1]] = (t, pid, cpu)
        elif name == "worker":
            workers[pid][extra] = (t, cpu)
    out.append("pages, in the order they started (worker pid, start, end, wall s, CPU s in the worker):")
    for page, ends in sorted(pages.items(), key=lambda kv: kv[1]["start"][0]):
        (t0, pid, c0), (t1, _, c1) = ends["start"], ends["end"]
        out.append(f"  {page:10s} {pid:7d} {t0:7.3f} {t1:7.3f} {t1 - t0:6.3f} {c1 - c0:6.3f}")
    out.append("workers (started, last page ended, exit, own CPU s at exit):")
    for pid, marks in workers.items():
        last = max(e["end"][0] for e in pages.values() if e["end"][1] == pid)
        out.append(f"  {pid:7d} {marks['started'][0]:7.3f} {last:7.3f} {marks['exit'][0]:7.3f} "
                   f"{marks['exit'][1]:7.3f}")
    own = sum(m["exit"][1] for m in workers.values())
    main_cpu = max(cpu for _, pid, cpu, _, _, _ in rows if pid == main)
    out.append(f"CPU s: main {main_cpu:.2f}, workers {own:.2f}, their Ghostscripts and other children "
               f"{build['cpu'] - main_cpu - own:.2f}; a page {(build['cpu'] - main_cpu) / len(pages):.3f} in its "
               "worker and Ghostscript")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--trace"]:
        return _traced_build(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=24)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--project", type=Path, default=None,
                    help="a project made before by bench/project.py (else a new one, removed after)")
    ap.add_argument("--log", type=Path, default=None, help="keep the raw trace here")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from project import compile_package, edition, make_project

    compile_package()
    scratch = Path(tempfile.mkdtemp(prefix="edition-timeline-"))
    try:
        project = args.project.resolve() if args.project else make_project(scratch / "project")
        if not (project / "layout" / f"edition-{args.pages}.yaml").is_file():
            edition(project, args.pages)
        log = args.log.resolve() if args.log else scratch / "trace.log"
        print(report(log, run(project, args.pages, args.jobs, log)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
