"""Where an edition page's CPU goes, phase by phase, as an edition's page worker spends it (issue 21).

The pages of bench/project.py's edition are built one after another in this process the way a
page worker builds them (edition._run_page_in_worker: its kept Ghostscript and fonts, a cold
cache): the first page untimed (a worker's start: modules loaded, Ghostscript started), then
each later page with every PHASES function wrapped to sum its CPU time (time.process_time: this
process and its threads; nested phases are inside their callers). Ghostscript renders in a
process of its own: its CPU is read from /proc and given apart.

CPU time, not wall time, so two versions can be compared on a busy machine; run each version's
code in turn, and more than once (PYTHONPATH picks the code; a phase a version does not have is
said and skipped). The project is made from this checkout's layout/ and content/ (bench/project.py);
--project reuses one made before, as an older version whose spec keys differ needs its own (made
by its checkout's bench/project.py: make_project, then edition(project, 24)).

Usage: PYTHONPATH=SRC python bench/profile_edition_page.py [--pages 2-9] [--project DIR] [--phase module:function ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from phases import wrap_phases

# module:function, in the order a page runs them
PHASES = (
    "pagesetter.build:load_inputs",
    "pagesetter.flow.glyphs:missing_glyphs",
    "pagesetter.flow.page:flow_page",
    "pagesetter.flow.fit:fit_article",
    "pagesetter.flow.fit:_rebroken",
    "pagesetter.compose.lines:compose_paragraph",
    "pagesetter.compose.linebreak:knuth_plass",
    "pagesetter.build:with_sources",
    "pagesetter.build:with_marks",
    "pagesetter.build:save_memo",
    "pagesetter.render.pdf:render_pdf",
    "pagesetter.render.pdf:_prepare",
    "pagesetter.render.pdf:_subsets",
    "pagesetter.proof.report:gate_pdf_bytes",
    "pagesetter.proof.readback:read_chars",
    "pagesetter.proof.typography:pdf_records",
    "pagesetter.proof.typography:analyse",
    # the check's largest parts (session 19: the check grew from ~33 to ~62 ms a page since 25e2ac0)
    "pagesetter.proof.typography:_framed_columns",
    "pagesetter.proof.typography:_check_column",
    "pagesetter.proof.typography:_text_over_text",
    "pagesetter.proof.typography:_locate",
    "pagesetter.proof.preflight:preflight",
    "pagesetter.proof.preflight:preflight_structure",
    "pagesetter.proof.preflight:preflight_finish",
    "pagesetter.rebuild:record_payload",
)


def wrap(phases: tuple[str, ...], cpu: dict[str, float], calls: dict[str, int]) -> None:
    """Each phase timed in this process's CPU seconds (phases.wrap_phases): its calls and their sum."""

    def record(name: str, _args: tuple[Any, ...], seconds: float) -> None:
        cpu[name] += seconds
        calls[name] += 1

    wrap_phases(phases, time.process_time, record)


def gs_cpu(server: object) -> float:
    """CPU seconds of the worker's Ghostscript so far (0 when there is none)."""
    process = getattr(server, "_process", None)
    if process is None or process.poll() is not None:
        return 0.0
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", default="2-9", help="pages timed, FIRST-LAST of the 24 (page 1 warms up)")
    ap.add_argument("--project", type=Path, default=None, help="a project made before (else a new one)")
    ap.add_argument("--phase", action="append", default=[], help="another module:function to time")
    args = ap.parse_args(argv)
    first, last = (int(v) for v in args.pages.split("-"))
    scratch = Path(tempfile.mkdtemp(prefix="profile-edition-page-"))
    try:
        return _profile(scratch, args.project, first, last, tuple(args.phase))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _profile(scratch: Path, given: Path | None, first: int, last: int, extra: tuple[str, ...]) -> int:
    os.environ["XDG_CACHE_HOME"] = str(scratch / "cache")  # cold: before pagesetter reads it
    if given is None:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from project import edition, make_project

        project = make_project(scratch / "project")
        edition(project, 24)
    else:
        project = given.resolve()
    os.chdir(project)  # as a build is run, from the project's folder

    from pagesetter import edition as ed
    from pagesetter.cache import default_cache
    from pagesetter.workers import coverage_server

    loaded = ed.load_edition(project / "layout" / "edition-24.yaml")
    cache = default_cache()
    server = coverage_server()

    def page(n: int) -> None:
        ed._run_page_in_worker(ed._PageJob(loaded.pages[n - 1], loaded.data, cache, photo_threads=0))

    page(1)  # a worker's first page: modules, faces and Ghostscript started
    cpu: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    wrap(PHASES + extra, cpu, calls)
    gs0, cpu0, wall0 = gs_cpu(server), time.process_time(), time.perf_counter()
    for n in range(first, last + 1):
        page(n)
    count = last - first + 1
    print(f"pages {first}-{last}: CPU {(time.process_time() - cpu0) / count * 1000:.0f} ms a page "
          f"(+ Ghostscript {(gs_cpu(server) - gs0) / count * 1000:.0f} ms), wall "
          f"{(time.perf_counter() - wall0) / count * 1000:.0f} ms; load {os.getloadavg()[0]:.1f}")
    print("phase (nested ones inside their callers)   calls a page   CPU ms a page")
    for name, seconds in cpu.items():
        print(f"  {name:40s} {calls[name] / count:12.1f} {seconds / count * 1000:15.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
