"""Command line: ``pagesetter build``, ``pagesetter preview``.

Exit status: 0 success, 1 bad input, 2 bad command line, 3 overset, 4 (check) typography rule broken,
5/6 (preflight) warnings / errors, 7 (diff) something changed, 70 internal error (a bug: reported in
one line, the traceback written to a log file).
Errors are one line each on stderr; never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import io
import math
import os
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable

from pagesetter import __version__
from pagesetter.errors import InputError, Loc, OversetError, PagesetterError, display_path
from pagesetter.paths import NotRegularFile, open_regular

DEFAULT_SPEC = Path("layout") / "seed-page.yaml"
EXIT_INPUT, EXIT_USAGE, EXIT_OVERSET, EXIT_TYPOGRAPHY, EXIT_PREFLIGHT_WARN, EXIT_PREFLIGHT_ERROR = 1, 2, 3, 4, 5, 6
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): a bug of ours, not the user's input
# Ranges of the numeric options (inclusive). Under 10 dpi a preview shows nothing; 1,200 dpi of a
# broadsheet is a 330-megapixel PNG. Total area coverage: 100 % is one solid ink; newsprint plants
# ask 220–260 %, and no process goes past 400 % (four solid inks).
DPI_RANGE = (10.0, 1200.0)
TAC_RANGE = (100.0, 400.0)


def _ranged(low: float, high: float, unit: str = "") -> "Callable[[str], float]":
    """An argparse type: a finite number from ``low`` to ``high``."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"expected a number from {low:g} to {high:g}{unit}, got {text!r}")
        return value
    return parse


def _port(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free one) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {value}")
    return value


_dpi = _ranged(*DPI_RANGE)
_tac = _ranged(*TAC_RANGE, " %")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pagesetter",
        description="Set Chinese newspaper pages: YAML page specs and Markdown articles in, print-ready PDF out.",
    )
    parser.add_argument("--version", action="version", version=f"pagesetter {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = sub.add_parser("build", help="build pages into PDF",
                           description="Build each page SPEC into OUT/<page name>.pdf; an edition file "
                                       "(top key 'edition') builds each of its pages, carries jumps between them, "
                                       "renders pages in parallel and writes OUT/<edition name>.pdf with all pages. "
                                       f"With no SPEC, builds {DEFAULT_SPEC} (the seed page) of the project in the "
                                       "current folder.")
    build.add_argument("specs", nargs="*", type=Path, metavar="SPEC", help=f"page spec YAML (default: {DEFAULT_SPEC})")
    build.add_argument("-o", "--output", type=Path, default=Path("output"), metavar="DIR",
                       help="folder for the PDFs (default: output)")
    build.add_argument("--allow-overset", action="store_true",
                       help="write the PDF even when text does not fit (overset is still reported)")
    build.add_argument("--preview", action="store_true", help="also write a PNG preview beside each PDF")
    build.add_argument("--proof", action="store_true",
                       help="also write <page>.proof.pdf: grid, module frames and names, overset in red, trim, "
                            "bleed and safety lines (written even when overset stops the build)")
    build.add_argument("--dpi", type=_dpi, default=50.0, help="preview resolution, 10–1200 (default: 50)")
    build.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    build.add_argument("-j", "--jobs", type=_positive_int, default=None, metavar="N",
                       help="editions: pages built at once, one process each (default: one per core)")
    build.add_argument("--no-cache", action="store_true",
                       help="neither read nor fill the build cache (set lines, font subsets, prepared photos); "
                            "same as PAGESETTER_CACHE=off")

    check = sub.add_parser("check", help="typography report of a PDF (from its glyph positions)",
                           description="Read the glyph positions of each PDF (ours by the frames it carries, "
                                       "any other by inference) and report body lines, kinsoku (horizontal and "
                                       "vertical), split ——/…… and their length, justified lines off the measure, "
                                       "ink past the measure, 孤字 paragraphs, lines off the baseline grid, "
                                       "Han–Latin gaps, loose lines and spacing jumps, one-character vertical "
                                       "columns and holes left by characters not printed. Exit status 4 when a "
                                       "rule is broken.")
    check.add_argument("pdfs", nargs="+", type=Path, metavar="PDF")
    check.add_argument("--json", action="store_true", help="print the report as JSON")

    pre = sub.add_parser("preflight", help="check PDFs against the newsprint PDF/X-1a profile",
                         description="Check each PDF (ours or another's) as a newspaper plant would: PDF/X-1a "
                                     "identification and OutputIntent, page boxes, fonts embedded, colour spaces, "
                                     "transparency, image resolution, smallest text, thinnest rule, rich black "
                                     "small text, text near the trim, total area coverage (Ghostscript, when "
                                     "installed). Exit status 0 clean, 5 warnings only, 6 errors.")
    pre.add_argument("pdfs", nargs="+", type=Path, metavar="PDF")
    pre.add_argument("--json", action="store_true", help="print the report as JSON")
    pre.add_argument("--tac", type=_tac, default=240.0,
                     help="total area coverage limit in %%, 100–400 (default: 240)")

    diff = sub.add_parser("diff", help="mark what changed between two builds",
                          description="Render OLD and NEW, mark the changed regions on a copy of NEW "
                                      "(DIR/<new>.diff.png per page) and name the articles they touch. "
                                      "Exit status 0 when nothing changed, 7 when something did.")
    diff.add_argument("old", type=Path, metavar="OLD")
    diff.add_argument("new", type=Path, metavar="NEW")
    diff.add_argument("-o", "--output", type=Path, default=None, metavar="DIR",
                      help="folder for the diff PNGs (default: beside NEW)")
    diff.add_argument("--dpi", type=_dpi, default=50.0, help="comparison resolution, 10–1200 (default: 50)")

    live = sub.add_parser("serve", help="the make-up desk on localhost: see, click and drag the page",
                          description="Build SPEC (a page or an edition), then watch layout/, content/ and fonts/ "
                                      "and rebuild on every save (overset allowed, so the page always shows); "
                                      "serve on localhost the make-up desk: the page with its proof overlay, "
                                      "every module's report, the verdicts, and modules to drag on the grid, "
                                      "written back into the spec. Updates are pushed to the page.")
    live.add_argument("spec", nargs="?", type=Path, default=DEFAULT_SPEC, metavar="SPEC|EDITION")
    live.add_argument("--host", default="127.0.0.1",
                      help="127.0.0.1 (default), localhost or ::1: the desk edits files, so it listens on this computer only")
    live.add_argument("--port", type=_port, default=8470, help="port (default: 8470; 0 picks a free one)")
    live.add_argument("-o", "--output", type=Path, default=None, metavar="DIR",
                      help="where serve writes (default: a temporary folder; never the build's output/)")
    live.add_argument("--dpi", type=_dpi, default=150.0, help="resolution of the page picture, 10–1200 (default: 150)")
    live.add_argument("-q", "--quiet", action="store_true")

    schema = sub.add_parser("schema", help="print the JSON Schema of page specs (for editors)",
                            description="Print the JSON Schema of page specs (or of style sheets), for an "
                                        "editor's completion and checks; layout/*.schema.json are copies.")
    schema.add_argument("--stylesheet", action="store_true", help="the schema of style sheets instead")

    preview = sub.add_parser("preview", help="render PDF pages to PNG",
                             description="Render every page of each PDF to PNG (pypdfium2).")
    preview.add_argument("pdfs", nargs="+", type=Path, metavar="PDF")
    preview.add_argument("-o", "--output", type=Path, default=None, metavar="DIR",
                         help="folder for the PNGs (default: beside each PDF)")
    preview.add_argument("--dpi", type=_dpi, default=50.0,
                         help="resolution in dots per inch, 10–1200 (default: 50)")
    preview.add_argument("--contact", type=Path, default=None, metavar="PNG",
                         help="also write a contact sheet: every page of every PDF as a thumbnail in one PNG")
    return parser


# Cyclic garbage collection every this many new container objects (Python's default: 700). Setting
# a page makes tens of thousands of tuples and none of them form cycles; at 700 the collector ran
# some fifty times a page, about 20 ms of a 0.6 s page, for nothing to collect.
GC_THRESHOLD = (10_000, 10, 10)


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLD)  # this process's, and its page workers' (they are forked)
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return _run(args)
    except Exception as exc:  # noqa: BLE001 - the safety net: a bug is one line and a log, not a traceback
        return _internal_error(exc, argv)


def _internal_error(exc: BaseException, argv: list[str] | None) -> int:
    """An exception no part of the engine expected: the traceback goes to a log file, the user
    gets one line saying where. Outputs are written atomically (paths.py), so none was replaced."""
    details = "".join(traceback.format_exception(exc))
    message = " ".join(str(exc).split())[:300]
    try:
        fd, log = tempfile.mkstemp(prefix="pagesetter-internal-error-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"pagesetter {__version__}, python {sys.version.split()[0]}\n")
            fh.write(f"command: pagesetter {' '.join(sys.argv[1:] if argv is None else argv)}\n\n{details}")
        where = f"details in {log}"
    except OSError as log_exc:
        where = f"no log written ({log_exc.strerror or log_exc})"
    print(f"pagesetter: internal error: {type(exc).__name__}: {message}; {where}; please report",
          file=sys.stderr)
    return EXIT_INTERNAL


def _readable_pdfs(paths: list[Path]) -> None:
    """Each PDF given to preflight, check, preview or diff opened by both readers they use, every
    page loaded, before any work: a locked PDF, or one whose page tree loops, is one located line."""
    import pikepdf
    import pypdfium2

    for path in paths:
        loc = Loc.of_file(path)
        if not path.exists():
            raise InputError(loc, "file not found")
        try:
            with open_regular(path) as fh:
                data = fh.read()
        except NotRegularFile as exc:
            raise InputError(loc, exc.strerror) from None
        except IsADirectoryError:
            raise InputError(loc, "expected a PDF file, found a directory") from None
        try:
            with pikepdf.open(io.BytesIO(data)) as pdf:
                len(pdf.pages)  # walks the page tree: a loop in it is found here
            doc = pypdfium2.PdfDocument(data)
            try:
                for i in range(len(doc)):
                    doc[i].close()
            finally:
                doc.close()
        except pikepdf.PasswordError:
            raise InputError(loc, "the PDF is encrypted (it needs a password); give an unencrypted copy") from None
        except (pikepdf.PdfError, pypdfium2.PdfiumError) as exc:
            said = re.sub(r"^stream <[^>]*> ", "", " ".join(str(exc).split()))  # qpdf names the buffer
            raise InputError(loc, f"not a readable PDF ({said[:200]})") from None


def _run(args: argparse.Namespace) -> int:
    """The command, with every error the user can cause turned into one line and a status."""
    try:
        if args.command in ("preflight", "check", "preview"):
            _readable_pdfs(args.pdfs)
        elif args.command == "diff":
            _readable_pdfs([args.old, args.new])
        if args.command == "build":
            return _build(args)
        if args.command == "check":
            return _check(args)
        if args.command == "preflight":
            return _preflight(args)
        if args.command == "diff":
            return _diff(args)
        if args.command == "schema":
            from pagesetter.spec.schema import schema_json

            sys.stdout.write(schema_json("stylesheet" if args.stylesheet else "spec"))
            return 0
        if args.command == "serve":
            from pagesetter.serve import serve

            serve(args.spec, args.host, args.port, args.output, args.dpi, args.quiet)
            return 0
        return _preview(args)
    except OversetError as exc:
        print(f"pagesetter: error: {exc}", file=sys.stderr)
        return EXIT_OVERSET
    except PagesetterError as exc:
        for line in str(exc).splitlines() or [""]:  # several faults at once (InputErrors): a line each
            print(f"pagesetter: error: {line}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("pagesetter: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the report piped into head or less, closed early: nothing went wrong
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (Python flushes stdout at exit)
        return 0
    except OSError as exc:  # the system refused a file: an output folder that is a file, a full disk …
        print(f"pagesetter: error: {_os_error(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except RuntimeError as exc:
        # pathlib's resolve() (Python < 3.13) reports a symlink that points back at itself so
        if not str(exc).startswith("Symlink loop from "):
            raise
        where = str(exc)[len("Symlink loop from "):].strip("'\"")
        print(f"pagesetter: error: {display_path(where)}: a symbolic link that loops back on itself; "
              "replace it with the file", file=sys.stderr)
        return EXIT_INPUT


def _os_error(exc: OSError) -> str:
    """What the system refused, and where, in one line."""
    where = exc.filename if exc.filename is not None else ""
    if isinstance(exc, FileExistsError):
        return f"{where}: is a file, where a folder was expected (choose another --output)"
    if isinstance(exc, NotADirectoryError):
        return f"{where}: part of this path is a file, not a folder (choose another --output)"
    return f"{where}: {exc.strerror or exc}" if where else str(exc.strerror or exc)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _build(args: argparse.Namespace) -> int:
    from pagesetter.cache import DiskCache, default_cache

    cache = DiskCache(None) if args.no_cache else default_cache()

    specs = args.specs or [DEFAULT_SPEC]
    if not args.specs and not DEFAULT_SPEC.exists():  # a FIFO there is refused unread by load_yaml
        raise InputError(None, f"no {DEFAULT_SPEC} here; run in the project folder or name a spec: "
                         "pagesetter build layout/PAGE.yaml")
    status = 0
    for spec in specs:
        started = time.perf_counter()
        if _is_edition(spec):
            from pagesetter.edition import build_edition

            progress = None if args.quiet else (lambda message: print(message, flush=True))
            edition = build_edition(spec, args.output, allow_overset=args.allow_overset, progress=progress,
                                    proof=args.proof,
                                    jobs=args.jobs, cache=cache)
            if _report_edition(edition, time.perf_counter() - started, args.quiet):
                status = EXIT_PREFLIGHT_ERROR
            if args.preview:
                from pagesetter.proof.preview import contact_sheet, render_png

                for pdf in edition.page_paths:
                    for png in render_png(pdf, args.output, args.dpi):
                        if not args.quiet:
                            print(f"wrote {display_path(png)}")
                sheet = contact_sheet(list(edition.page_paths), args.output / f"{edition.edition.name}.contact.png")
                if not args.quiet:
                    print(f"wrote {display_path(sheet)}")
            continue
        pdf_path, failed = _build_page(spec, args, cache, started)
        if failed:
            status = EXIT_PREFLIGHT_ERROR
        if args.preview:
            from pagesetter.proof.preview import render_png

            for pdf in [pdf_path] + ([pdf_path.with_suffix(".proof.pdf")] if args.proof else []):
                for png in render_png(pdf, args.output, args.dpi):
                    if not args.quiet:
                        print(f"wrote {display_path(png)}")
    cache.prune_if_due()  # the oldest entries go once the cache passes 512 MB
    if status:
        print("pagesetter: error: preflight found errors (above): the PDF is not fit to print", file=sys.stderr)
    return status


def _is_edition(path: Path) -> bool:
    from pagesetter.yamlsource import load_yaml  # not edition.py: that would load the whole engine

    root = load_yaml(path)
    return root.is_map and "edition" in root.value


def _build_page(spec: Path, args: argparse.Namespace, cache, started: float) -> tuple[Path, bool]:  # type: ignore[no-untyped-def]
    """One page: written again from the cache when nothing it reads has changed (rebuild.py),
    else built, reported and recorded. Returns the PDF and whether its preflight found errors."""
    from pagesetter import rebuild
    from pagesetter.proof.report import PageReport, page_report

    # Not the output folder: where the files go does not change them.
    key = rebuild.job_key(spec, ("page", args.allow_overset, args.proof))
    found = rebuild.lookup(cache, key) if cache.enabled else None
    if isinstance(found, rebuild.PageFiles) and isinstance(found.report, PageReport):
        written = rebuild.replay(found, args.output)
        if not args.quiet:
            print(f"wrote {display_path(written[0])} (unchanged since the last build, "
                  f"{time.perf_counter() - started:.1f} s)")
        found.report.emit(args.quiet)
        if not args.quiet:
            for path in written[1:]:
                print(f"wrote {display_path(path)}")
        return written[0], found.report.preflight_errors > 0
    from pagesetter.build import build_page

    started_ns = time.time_ns()
    result = build_page(spec, args.output, allow_overset=args.allow_overset, proof=args.proof, cache=cache)
    if not args.quiet:
        chars = sum(len(line.text) for line in result.page.lines)
        print(f"wrote {display_path(result.pdf_path)} ({chars} characters, {len(result.page.images)} photos, "
              f"{time.perf_counter() - started:.1f} s)")
    report = page_report(result)  # quiet or not: the preflight is the gate
    outputs = {result.pdf_path.name: result.pdf_path}
    if args.proof:
        proof = result.pdf_path.with_suffix(".proof.pdf")
        outputs[proof.name] = proof
    report.emit(args.quiet)
    if args.proof and not args.quiet:
        print(f"wrote {display_path(proof)}")
    if cache.enabled:
        rebuild.record(cache, key, result.inputs, rebuild.PageFiles.of(outputs, report), started_ns)
    return result.pdf_path, report.preflight_errors > 0


def _report_edition(edition, seconds: float, quiet: bool) -> bool:  # type: ignore[no-untyped-def]
    """Each page as a single-page build reports it (normalisation, typography, its preflight
    findings and warnings, by file), read back from the combined file the plant gets (one read,
    one Ghostscript render), then a table of the pages; returns whether the preflight found errors."""
    from pagesetter.proof.preflight import coverage_render, preflight
    from pagesetter.proof.readback import read_chars
    from pagesetter.proof.report import normalised_line, preflight_lines, preflight_summary, warning_lines
    from pagesetter.proof.typography import analyse, pdf_frames

    info: list[str] = []
    problems: list[str] = []
    with coverage_render(edition.combined) as render:
        chars = read_chars(edition.combined)
        checked = preflight(edition.combined, chars=chars, render=render)
    frames = pdf_frames(edition.combined)
    rows = []
    for n, (page, path) in enumerate(zip(edition.pages, edition.page_paths), 1):
        info.append(f"wrote {display_path(path)} ({sum(len(l.text) for l in page.lines)} characters, "
                    f"{len(page.images)} photos)")
        changes = edition.changes[n - 1] if n <= len(edition.changes) else ()
        if changes:
            info.append("  " + normalised_line(changes))
        typo = analyse(chars[n - 1:n], frames[n - 1:n]) if n <= len(chars) else None
        if typo is not None:
            info.append("  " + typo.summary())
        for o in page.overset:
            problems.append(f"overset: {display_path(path)}: {o.article}: {o.chars} characters in {o.lines} lines")
        found = [f for f in checked.findings if f.page == n]
        problems += preflight_lines(path, found, with_page=False)  # the page's own file
        rows.append((path.name, sum(len(l.text) for l in page.lines), len(page.images),
                     sum(o.chars for o in page.overset), typo.problems if typo else 0,
                     sum(f.severity == "error" for f in found), sum(f.severity == "warning" for f in found)))
    problems += preflight_lines(edition.combined, [f for f in checked.findings if not f.page])
    for proof in edition.proofs:
        info.append(f"wrote {display_path(proof)}")
    info.append(f"wrote {display_path(edition.combined)} ({len(edition.pages)} pages, {seconds:.1f} s)")
    info.append(f"preflight ({edition.combined.name}): " + preflight_summary(checked).split(": ", 1)[1])
    problems += warning_lines(edition.warnings, info)
    info += _edition_table(rows)
    if not quiet:
        print("\n".join(info), flush=True)
    for line in problems:
        print(line, file=sys.stderr, flush=True)
    return checked.errors > 0


def _edition_table(rows: list[tuple[str, int, int, int, int, int, int]]) -> list[str]:
    """The pages at a glance, for the night desk: what each holds and what is wrong with it."""
    head = ("page", "characters", "photos", "overset", "typography", "errors", "warnings")
    cells = [head] + [tuple(str(v) for v in row) for row in rows]
    widths = [max(len(r[k]) for r in cells) for k in range(len(head))]
    return ["  ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(r, widths))) for r in cells]


def _diff(args: argparse.Namespace) -> int:
    from pagesetter.proof.diff import diff_pdfs

    result = diff_pdfs(args.old, args.new, args.output or args.new.parent, args.dpi)
    for region in result.regions:
        names = ", ".join(region.articles) or "outside the modules"
        print(f"page {region.page}: changed {region.x0:.0f},{region.y0:.0f}–{region.x1:.0f},{region.y1:.0f} pt: {names}")
    for image in result.images:
        print(f"wrote {display_path(image)}")
    print(result.summary())
    return 7 if result.changed else 0


def _preflight(args: argparse.Namespace) -> int:
    import json

    from pagesetter.proof.preflight import Limits, preflight

    reports = [preflight(pdf, Limits(tac=args.tac)) for pdf in args.pdfs]
    if args.json:
        print(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2))
    else:
        for r in reports:
            print(r.text())
    if any(r.errors for r in reports):
        return EXIT_PREFLIGHT_ERROR
    return EXIT_PREFLIGHT_WARN if any(r.warnings for r in reports) else 0


def _check(args: argparse.Namespace) -> int:
    import json

    from pagesetter.proof.typography import check_pdf

    worst = 0
    reports = {}
    for pdf in args.pdfs:
        report = check_pdf(pdf)
        reports[display_path(pdf)] = report.to_json()
        if not args.json:
            print(f"{display_path(pdf)}: {report.text()}")
        worst = max(worst, report.problems)
    if args.json:
        print(json.dumps(reports, ensure_ascii=False, indent=2))
    return EXIT_TYPOGRAPHY if worst else 0


def _preview(args: argparse.Namespace) -> int:
    from pagesetter.proof.preview import render_png

    for pdf in args.pdfs:
        for png in render_png(pdf, args.output or pdf.parent, args.dpi):
            print(f"wrote {display_path(png)}")
    if args.contact:
        from pagesetter.proof.preview import contact_sheet

        print(f"wrote {display_path(contact_sheet(args.pdfs, args.contact))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
