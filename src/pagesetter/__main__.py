import gc
import sys

import _signal  # signal's C part: the Python module imports enum, which a replayed page does not load

gc.disable()  # while the command line's own modules load; main() sets the collector up (cli.GC_THRESHOLD)


def run() -> int:
    """``python -m pagesetter`` and the ``pagesetter`` script: a page's build is handed to
    ``pagesetter keep`` when one runs for this project (handoff.py, before the engine or even
    argparse is imported), else run here. Ctrl-C before the command runs (the command line's
    modules loading, the hand-over being asked) ends it as in a build: one line, status 130,
    never a traceback (cli._run says it once a command runs).

    Once the command has returned, Ctrl-C is ignored for the rest of the process: its files are
    written and said, and its status stands. Else a Ctrl-C in the process's last moments was
    either lost (status 0) or, once the interpreter ending had put back the signal's default
    action, killed the process (-2, no line) after its report was printed. One that lands before
    the ignoring takes effect is said as any other: status 130."""
    status: int | None = None
    interrupted = False
    try:
        status = _command()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        try:
            _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
        except KeyboardInterrupt:  # raised by the call itself, for a Ctrl-C pending as it was made
            interrupted = True
            _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    if interrupted and status != 130:  # 130: the command said so itself (cli._say_interrupted)
        print("pagesetter: interrupted", file=sys.stderr)
        return 130
    assert status is not None
    return status


def _command() -> int:
    from pagesetter.handoff import handoff
    from pagesetter.interrupts import resend_lost_signals
    from pagesetter.stdio import outlive_readers

    outlive_readers()  # a report piped into head: the command goes on, its status stands
    resend_lost_signals()  # Ctrl-C landing in a weakref callback: raised again, not lost

    code = handoff(sys.argv[1:])
    if code is not None:
        return code
    from pagesetter.cli import main

    return main()


if __name__ == "__main__":
    raise SystemExit(run())
