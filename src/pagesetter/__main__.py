import gc

gc.disable()  # while the command line's own modules load; main() sets the collector up (cli.GC_THRESHOLD)


def run() -> int:
    """``python -m pagesetter`` and the ``pagesetter`` script: a page's build is handed to
    ``pagesetter keep`` when one runs for this project (handoff.py, before the engine or even
    argparse is imported), else run here."""
    import sys

    from pagesetter.handoff import handoff

    code = handoff(sys.argv[1:])
    if code is not None:
        return code
    from pagesetter.cli import main

    return main()


if __name__ == "__main__":
    raise SystemExit(run())
