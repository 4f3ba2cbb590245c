import gc

gc.disable()  # while the command line's own modules load; main() sets the collector up (cli.GC_THRESHOLD)

from pagesetter.cli import main  # noqa: E402

raise SystemExit(main())
