import gc
import sys

gc.disable()  # while the command line's own modules load; main() sets the collector up (cli.GC_THRESHOLD)


def run() -> int:
    """``python -m pagesetter`` and the ``pagesetter`` script: a page's build is handed to
    ``pagesetter keep`` when one runs for this project (handoff.py, before the engine or even
    argparse is imported), else run here. Ctrl-C before the command runs (the command line's
    modules loading, the hand-over being asked) ends it as in a build: one line, status 130,
    never a traceback (cli._run says it once a command runs)."""
    try:
        from pagesetter.handoff import handoff

        code = handoff(sys.argv[1:])
        if code is not None:
            return code
        from pagesetter.cli import main

        return main()
    except KeyboardInterrupt:
        print("pagesetter: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(run())
