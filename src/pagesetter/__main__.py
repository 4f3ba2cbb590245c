from pagesetter.cli import main

raise SystemExit(main())
