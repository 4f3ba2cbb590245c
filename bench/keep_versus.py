"""A kept one-sentence edit, this checkout's code against another's (issue 21, ``pagesetter keep``).

For each of the two source trees: a scratch copy of the project and a cache of its own, a
``pagesetter keep`` started there with ``PYTHONPATH`` set to the tree (untimed, as are two first
edits); then, alternating which goes first, the edit of bench_seed.py toggled and ``python -m
pagesetter build -q -o OUT`` (the client) timed whole, with Typst's compile of the prewritten .typ
(bench_seed.py's ``typst``) once a round. Medians of wall time and of the client's CPU; the kept
process's CPU (it and its children: Ghostscript, the preflight worker) from /proc at clock-tick
resolution; the paired difference. ``--chrt`` runs every timed process (and the kept ones) under
``chrt -r 10``, which gives them the cores as an idle machine would (root only).

Usage: python bench/keep_versus.py OTHER/src [--runs 15] [--chrt]   (OTHER: an export, e.g. `git archive
main src | tar -x -C /tmp/main`: its package is byte-compiled in place)
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_seed import typst_cmd, write_typ  # noqa: E402
from keep_parts import toggle  # noqa: E402
from project import compile_package, make_project  # noqa: E402

PYTHON = sys.executable
HERE = Path(__file__).resolve().parent.parent / "src"


def tree_cpu(root: int) -> float:
    """CPU seconds of ``root`` and its descendants so far (/proc, clock ticks)."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    spent: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        spent[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += spent.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


def timed(cmd: list[str], cwd: Path | None, env: dict[str, str] | None) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, cmd
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("other", type=Path, help="the other checkout's src folder")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--chrt", action="store_true", help="chrt -r 10 every process (root)")
    args = ap.parse_args()
    trees = {"other": args.other.resolve(), "this": HERE}
    for tree in trees.values():
        compile_package(tree / "pagesetter")
    pre = ["chrt", "-r", "10"] if args.chrt else []
    found: dict[str, tuple[list[float], list[float], list[float]]] = {name: ([], [], []) for name in trees}
    typst: list[float] = []
    with tempfile.TemporaryDirectory(prefix="keep-versus-") as scratch:
        folder = Path(scratch)
        typ = write_typ(folder)
        kept: dict[str, tuple[subprocess.Popen[str], Path, dict[str, str]]] = {}
        try:
            for name, tree in trees.items():
                project = make_project(folder / name)
                env = {k: v for k, v in os.environ.items() if k not in ("PAGESETTER_CACHE", "PYTHONDONTWRITEBYTECODE")}
                env.update(PYTHONPATH=str(tree), XDG_CACHE_HOME=str(folder / f"cache-{name}"))
                keep = subprocess.Popen(pre + [PYTHON, "-m", "pagesetter", "keep", "--idle", "30"], cwd=project,
                                        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                kept[name] = (keep, project, env)
                assert keep.stdout is not None and keep.stdout.readline().startswith("pagesetter keep")
                for _ in range(2):  # the session's first build, then one edit: untimed
                    toggle(project)
                    timed(pre + [PYTHON, "-m", "pagesetter", "build", "-q", "-o", str(project / "out")], project, env)
            for n in range(args.runs):
                for name in (list(trees) if n % 2 == 0 else list(trees)[::-1]):
                    keep, project, env = kept[name]
                    toggle(project)
                    before = tree_cpu(keep.pid)
                    wall, cpu = timed(pre + [PYTHON, "-m", "pagesetter", "build", "-q", "-o", str(project / "out")],
                                      project, env)
                    time.sleep(0.05)  # Ghostscript's and the worker's last ticks
                    found[name][0].append(wall)
                    found[name][1].append(cpu)
                    found[name][2].append(tree_cpu(keep.pid) - before)
                typst.append(timed(pre + typst_cmd(typ, folder), None, None)[0])
        finally:
            for keep, _, _ in kept.values():
                keep.send_signal(signal.SIGINT)
                keep.wait(timeout=60)
    t = statistics.median(typst)
    print(f"{args.runs} runs each, alternating{' under chrt -r 10' if args.chrt else ''}, "
          f"load {os.getloadavg()[0]:.1f}; medians in ms")
    for name, (wall, cpu, kept_cpu) in found.items():
        print(f"  {name:5s} ({trees[name]}): client whole {statistics.median(wall) * 1000:6.1f} (min "
              f"{min(wall) * 1000:6.1f}), client CPU {statistics.median(cpu) * 1000:5.1f}, kept process CPU "
              f"{statistics.median(kept_cpu) * 1000:5.1f}; {statistics.median(wall) / t:.2f}x Typst")
    print(f"  typst: {t * 1000:6.1f} (min {min(typst) * 1000:6.1f})")
    a, b = found["other"], found["this"]
    print(f"  paired median, other - this: wall {statistics.median([x - y for x, y in zip(a[0], b[0])]) * 1000:+.1f}, "
          f"client CPU {statistics.median([x - y for x, y in zip(a[1], b[1])]) * 1000:+.1f}; this faster in "
          f"{sum(x > y for x, y in zip(a[0], b[0]))} of {len(a[0])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
