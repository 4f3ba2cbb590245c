"""Timing pipeline stages without a profiler (profile_seed.py --phases, profile_edition_page.py):
each stage, named module:function, replaced by a wrapper that times it, wherever pagesetter holds
it (its module, and every pagesetter module that imported it by name)."""

from __future__ import annotations

import functools
import importlib
import sys
from typing import Any, Callable, Iterable

# What a wrapper hands on after each call: the stage's function name, the call's positional
# arguments and the time the call took by the clock given.
Record = Callable[[str, tuple[Any, ...], float], None]


def wrap_phases(phases: Iterable[str], clock: Callable[[], float], record: Record) -> None:
    """Each of ``phases`` (module:function) timed by ``clock`` (time.perf_counter for wall time,
    time.process_time for this process's CPU), each call handed to ``record``. A stage this version
    of the code does not have is said on stderr and skipped (the tree moves; two versions are
    compared with one script)."""
    for spec in phases:
        module, name = spec.split(":")
        try:
            original = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            print(f"(phase {spec} not in this version: skipped)", file=sys.stderr)
            continue

        def timed(*a: Any, _f: Callable[..., Any] = original, _k: str = name, **kw: Any) -> Any:
            started = clock()
            try:
                return _f(*a, **kw)
            finally:
                record(_k, a, clock() - started)

        functools.update_wrapper(timed, original)
        for m in list(sys.modules.values()):
            if getattr(m, "__name__", "").startswith("pagesetter") and getattr(m, name, None) is original:
                setattr(m, name, timed)
