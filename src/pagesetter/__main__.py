import gc
import sys

gc.disable()  # while the command line's own modules load; main() sets the collector up (cli.GC_THRESHOLD)


def run() -> int:
    """``python -m pagesetter`` and the ``pagesetter`` script: a page's build is handed to
    ``pagesetter keep`` when one runs for this project (handoff.py, before the engine or even
    argparse is imported), else run here. Ctrl-C before the command runs (the command line's
    modules loading, the hand-over being asked) ends it as in a build: one line, status 130,
    never a traceback (cli._run says it once a command runs). The process ends here once the
    command has (_end_now)."""
    try:
        from pagesetter.handoff import handoff

        code = handoff(sys.argv[1:])
        if code is None:
            from pagesetter.cli import main

            code = main()
    except KeyboardInterrupt:
        print("pagesetter: interrupted", file=sys.stderr)
        return 130
    _end_now(code)
    return code  # the ending was left to the interpreter


def _end_now(code: int) -> None:
    """End the process with ``code`` as the interpreter would, less its last step: taking every
    object apart one by one (a cold page's faces, lines, memo and modules: some 8 ms on its
    critical path, for memory the system takes back at once). What it does first is done: the
    atexit handlers (temporary folders removed, logs shut down) and the standard streams flushed.
    Left to the interpreter, as before, when a thread still runs (it waits for it) or a stream
    will not flush (it says so and exits 120)."""
    import atexit
    import os
    import threading

    if threading.active_count() > 1 or not isinstance(code, int) or not 0 <= code <= 255:
        return
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # a closed pipe, a closed stream: the interpreter's own way
        return
    os._exit(code)


if __name__ == "__main__":
    raise SystemExit(run())
