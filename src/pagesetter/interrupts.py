"""A signal's exception that Python could not raise where it landed: the signal sent again.

Ctrl-C raises KeyboardInterrupt between any two steps of Python code, so also inside a weakref
callback or a ``__del__`` run by the collector. Python cannot raise from there: it prints
"Exception ignored in ..." and the code goes on, so a build sent Ctrl-C in its gate ran to its end
and exited 0 (CI, session 16: a WeakSet's callback took the interrupt). The hook below sends the
same signal to the main thread again, a moment later from a thread of its own (the hook is itself
such a place), so that it lands in the build's own code and ends it as any Ctrl-C does. Exceptions
of our signal handlers name their signal (``signum``); KeyboardInterrupt is SIGINT's.
Imports nothing the standard library has not loaded at start-up (a replayed page's budget).
"""

from __future__ import annotations

import _signal
import _thread
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (not loaded at start-up)
if TYPE_CHECKING:
    from typing import Any

RESEND_AFTER = 0.005  # seconds: the hook has returned long before, the build is back in its own code


def resend_lost_signals() -> None:
    """From now on, a signal's exception Python reports as unraisable is raised again in the main
    thread (the thread calling this); any other unraisable exception is reported as before."""
    main, before = _thread.get_ident(), sys.unraisablehook

    def hook(unraisable: Any) -> None:
        signum = signal_of(unraisable.exc_value)
        if signum is None:
            before(unraisable)
            return
        _thread.start_new_thread(_resend, (main, signum))

    sys.unraisablehook = hook


def signal_of(exc: BaseException | None) -> int | None:
    """The signal whose handler raised ``exc``, or None for an exception of anything else."""
    signum = getattr(type(exc), "signum", None)
    if isinstance(signum, int):
        return signum
    return int(_signal.SIGINT) if isinstance(exc, KeyboardInterrupt) else None


def _resend(thread: int, signum: int) -> None:
    import time

    time.sleep(RESEND_AFTER)
    try:
        _signal.pthread_kill(thread, signum)
    except (OSError, ProcessLookupError):  # the process is ending: nothing to interrupt
        pass
