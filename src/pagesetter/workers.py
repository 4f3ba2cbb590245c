"""Worker processes die with the process that made them.

A page's precompose child (flow/precompose.py) and an edition's page workers (edition.py) are
forked. Killed, their parent can neither reap nor tell them to stop: without this a worker would
go on setting text for nobody, or wait for ever on a queue no one writes to.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pagesetter.fonts.face import OpenFaces
    from pagesetter.proof.coverage import CoverageServer

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>: the signal this process gets when its parent dies


def worker_started(parent: int) -> None:
    """A forked page worker's set-up: it dies with ``parent`` (die_with_parent), and collects
    cyclic garbage between its pages, whether or not its parent does (an edition's main process
    turns its collector off for good, cli._build_all; a worker sets many pages, and what each
    leaves in cycles would add up)."""
    import gc

    die_with_parent(parent)
    gc.enable()


def told_to_stop(stop: int) -> bool:
    """Whether this worker's parent has said its edition stopped (a page's error, Ctrl-C): one
    byte written on the ``stop`` pipe (its read end, inherited by the fork under the same number),
    or the pipe's end closed, both seen by every worker at once. A page not yet begun is then not
    built: the pool's queue already holds the next pages, and without this an edition whose first
    page failed built every other page before its error was said (edition.py _pool)."""
    if stop < 0:
        return False
    try:
        readable, _, _ = select.select([stop], [], [], 0)
    except (OSError, ValueError):  # the descriptor is gone: nothing to say a stop on
        return False
    return bool(readable)


def die_with_parent(parent: int) -> None:
    """In a forked worker: have the kernel kill this process when ``parent`` dies (Linux), and
    exit at once if it died before this ran (the worker then already belongs to init)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc to ask: the check below still runs
            pass
    if os.getppid() != parent:
        os._exit(1)


def coverage_server() -> "CoverageServer":
    """This worker's Ghostscript for the coverage check of the pages it makes (proof/preflight.py
    CoverageServer): started with the first page, kept for the next, stopped when the worker ends.
    Held by the process because that is what it belongs to: a pool worker receives only pickled
    jobs, and a process cannot be pickled."""
    global _SERVER
    if _SERVER is None:
        from multiprocessing.util import Finalize

        from pagesetter.proof.coverage import CoverageServer

        _SERVER = CoverageServer()
        # run by multiprocessing as the worker exits (it ends with os._exit: no atexit)
        Finalize(_SERVER, _SERVER.close, exitpriority=10)
    return _SERVER


_SERVER: "CoverageServer | None" = None  # this worker process's, made on first use


def open_faces() -> "OpenFaces":
    """This worker's faces, kept open for every page it sets (fonts/face.py OpenFaces): each page
    makes a FaceSet of its own (its own lines, its own memo) from faces whose glyphs and metrics
    were already read for an earlier page. Held by the process, as its Ghostscript is: a pool
    worker receives only pickled jobs, and a HarfBuzz font cannot be pickled."""
    global _FACES
    if _FACES is None:
        from pagesetter.fonts.face import OpenFaces

        _FACES = OpenFaces()
    return _FACES


_FACES: "OpenFaces | None" = None  # this worker process's, made on first use
