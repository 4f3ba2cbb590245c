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
import time
import warnings
from dataclasses import field, replace
from pathlib import Path

from pagesetter import __version__, outputs
from pagesetter.errors import READING, InputError, Loc, OversetError, PagesetterError, display_path
from pagesetter.paths import NotRegularFile, open_regular, proof_print_path
from pagesetter.records import record
from pagesetter.wording import counted

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (an unchanged page's replay never needs it)
if TYPE_CHECKING:  # the report module is imported where a build needs it (start-up time)
    from typing import Callable

    from pagesetter.proof.report import PageReport

DEFAULT_SPEC = Path("layout") / "seed-page.yaml"
EXIT_INPUT, EXIT_USAGE, EXIT_OVERSET, EXIT_TYPOGRAPHY, EXIT_PREFLIGHT_WARN, EXIT_PREFLIGHT_ERROR = 1, 2, 3, 4, 5, 6
EXIT_DIFF = 7
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
                                       "With no SPEC, builds the spec named in pagesetter.toml of the project in "
                                       f"the current folder ({DEFAULT_SPEC}, the seed page, when there is none).")
    build.add_argument("specs", nargs="*", type=Path, metavar="SPEC",
                       help=f"page spec YAML (default: pagesetter.toml's spec, else {DEFAULT_SPEC})")
    build.add_argument("-o", "--output", type=Path, default=None, metavar="DIR",
                       help="folder for the PDFs (default: pagesetter.toml's output, else output)")
    build.add_argument("--allow-overset", action="store_true",
                       help="write the PDF even when text does not fit (overset is still reported)")
    build.add_argument("--preview", action="store_true",
                       help="also write a PNG preview beside each PDF (and of its proof, with --proof); a build "
                            "without --preview removes an older preview of the page, as one without --proof "
                            "removes an older proof")
    build.add_argument("--proof", action="store_true",
                       help="also write <page>.proof.pdf: grid, module frames and names, overset in red, trim, "
                            "bleed and safety lines (written even when overset stops the build), and "
                            "<page>.proof-a3.pdf, the proof at 100 %% tiled on A3 sheets (大样, to read on paper)")
    build.add_argument("--dpi", type=_dpi, default=150.0, help="preview resolution, 10–1200 (default: 150)")
    build.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    build.add_argument("-j", "--jobs", type=_positive_int, default=None, metavar="N",
                       help="editions: pages built at once, one process each (default: one per core)")
    build.add_argument("--json", action="store_true",
                       help="print the build's status as one JSON object on stdout (pages, files, warnings, "
                            "overset, preflight; fields in the README), instead of the report")
    build.add_argument("--epaper", action="store_true",
                       help="also write the digital edition (数字报) of each page or edition into "
                            "OUT/epaper/<name>/ (see: pagesetter epaper)")
    build.add_argument("--no-cache", action="store_true",
                       help="neither read nor fill the build cache (set lines, font subsets, prepared photos); "
                            "same as PAGESETTER_CACHE=off")

    epaper = sub.add_parser("epaper", help="数字报: the digital edition as a static site",
                            description="Build SPEC (a page or an edition file) and write its digital edition "
                                        "(数字报), a static site: page images at two resolutions with a hot zone "
                                        "on each article's module, 版次 navigation and the 报眉, an HTML page per "
                                        "article (text from the content, jumps joined, photos in sRGB), the "
                                        "pages' PDFs, and edition.json (schema: edition.schema.json). Default "
                                        "folder: output/epaper/<name>; inside the project only. With no SPEC, "
                                        "the spec pagesetter.toml names (as build).")
    epaper.add_argument("spec", nargs="?", type=Path, default=None, metavar="SPEC|EDITION",
                        help="page spec or edition (default: pagesetter.toml's spec, else the seed page)")
    epaper.add_argument("-o", "--output", type=Path, default=None, metavar="DIR",
                        help="folder for the site (default: output/epaper/<name>)")
    epaper.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    epaper.add_argument("--no-cache", action="store_true", help="neither read nor fill the build cache")

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
                                     "small text, type too near its ground's darkness, text near the trim, total area coverage (Ghostscript, when "
                                     "installed). Exit status 0 clean, 5 warnings only, 6 errors.")
    pre.add_argument("pdfs", nargs="+", type=Path, metavar="PDF")
    pre.add_argument("--json", action="store_true", help="print the report as JSON")
    pre.add_argument("--tac", type=_tac, default=240.0,
                     help="total area coverage limit in %%, 100–400 (default: 240)")

    diff = sub.add_parser("diff", help="核红: what changed between two builds, by source line",
                          description="Read the text back from OLD and NEW and compare it character by "
                                      "character: in our PDFs article by article, each change named by its "
                                      "source file and line (content/a.md:9: a: ，→、), with modules moved, "
                                      "resized or reflowed; in any other PDF page by page, by page and line. "
                                      "The pages are compared as pictures too: each changed page gets "
                                      "DIR/<new>.diff.png (OLD | NEW, changes boxed) and DIR/<new>.overlay.png "
                                      "(red: only in OLD, green: only in NEW). A proof (<page>.proof.pdf, its "
                                      "A3 sheets) is compared only with a proof of its kind. "
                                      "Exit status 0 when nothing changed, 7 when something did.")
    diff.add_argument("old", type=Path, metavar="OLD")
    diff.add_argument("new", type=Path, metavar="NEW")
    diff.add_argument("-o", "--output", type=Path, default=None, metavar="DIR",
                      help="folder for the diff PNGs (default: diff/ beside NEW)")
    diff.add_argument("--dpi", type=_dpi, default=150.0, help="picture comparison resolution, 10–1200 (default: 150)")

    live = sub.add_parser("serve", help="the make-up desk on localhost: see, click and drag the page",
                          description="Build SPEC (a page or an edition), then watch layout/, content/ and fonts/ "
                                      "and rebuild on every save (overset allowed, so the page always shows); "
                                      "serve on localhost the make-up desk: the page with its proof overlay, "
                                      "every module's report, the verdicts, and modules to drag on the grid, "
                                      "written back into the spec. Updates are pushed to the page.")
    live.add_argument("spec", nargs="?", type=Path, default=None, metavar="SPEC|EDITION",
                      help="page spec or edition (default: pagesetter.toml's spec, else the seed page)")
    live.add_argument("--host", default="127.0.0.1",
                      help="127.0.0.1 (default), localhost or ::1: the desk edits files, so it listens on this computer only")
    live.add_argument("--port", type=_port, default=8470, help="port (default: 8470; 0 picks a free one)")
    live.add_argument("-o", "--output", type=Path, default=None, metavar="DIR",
                      help="where serve writes (default: a temporary folder; never the build's output/)")
    live.add_argument("--dpi", type=_dpi, default=150.0, help="resolution of the page picture, 10–1200 (default: 150)")
    live.add_argument("-q", "--quiet", action="store_true")

    keep = sub.add_parser("keep", help="keep the engine loaded: this project's page builds hand over to it",
                          description="Run in the foreground, holding the engine, each page's last build and a "
                                      "primed Ghostscript in memory: while it runs, 'pagesetter build' of one page "
                                      "of this project (run in this folder, by you, with the same cache; not an "
                                      "edition, --epaper or --no-cache) hands its command to it and prints, "
                                      "writes and exits exactly as it would have, in a fraction of the time. "
                                      "Ctrl-C stops it; so do --idle minutes without a build, and a change "
                                      "to the installed pagesetter.")
    keep.add_argument("--idle", type=_ranged(0.01, 7 * 24 * 60, " minutes"), default=30.0, metavar="MINUTES",
                      help="stop after this many minutes without a build (default: 30)")

    schema = sub.add_parser("schema", help="print the JSON Schema of page specs (for editors)",
                            description="Print the JSON Schema of page specs (or of style sheets), for an "
                                        "editor's completion and checks; layout/*.schema.json are copies.")
    which = schema.add_mutually_exclusive_group()
    which.add_argument("--stylesheet", action="store_const", const="stylesheet", dest="which",
                       help="the schema of style sheets instead")
    which.add_argument("--edition", action="store_const", const="edition", dest="which",
                       help="the schema of edition files instead")
    which.add_argument("--article", action="store_const", const="article", dest="which",
                       help="the schema of an article's front matter instead")
    which.add_argument("--epaper", action="store_const", const="epaper", dest="which",
                       help="the schema of a digital edition's edition.json instead")

    init = sub.add_parser("init", help="make a new project that builds at once",
                          description="Make DIR (absent or empty) a project: layout/page.yaml (an example page), "
                                      "layout/styles/paper.yaml (every style the engine sets), content/example.md, "
                                      "fonts/ (copied from --fonts, else from fonts/ here, else from the system's "
                                      "Noto CJK and LXGW WenKai) and pagesetter.toml, which names the spec "
                                      "'pagesetter build' builds there with no argument.")
    init.add_argument("dir", type=Path, metavar="DIR")
    init.add_argument("--fonts", type=Path, default=None, metavar="FONTS",
                      help="a folder with manifest.yaml and its fonts to copy (default: ./fonts, else system fonts)")

    fonts = sub.add_parser("fonts", help="faces, their styles and licences, and what the content lacks",
                           description="List the faces of SPEC's font manifest (an edition's: its pages' "
                                       "together): name, role, file, licence, the "
                                       "styles set in each, and the characters of the page's articles and "
                                       "masthead that each face lacks, with the fallback face that prints them "
                                       "or that none does. With no SPEC, the spec pagesetter.toml names.")
    fonts.add_argument("spec", nargs="?", type=Path, default=None, metavar="SPEC|EDITION",
                       help="page spec or edition, whose pages' faces and content are listed together "
                            "(default: pagesetter.toml's spec, else the seed page)")

    imp = sub.add_parser("import", help="turn copy (.docx, .txt, .md) into article files",
                         description="Read each file of copy (Word .docx, text .txt with one paragraph a line, "
                                     "Markdown .md) and write our article files into DIR: headline (引题, 主题, 副题), "
                                     "byline, lead sentences, 小标题, photo captions and paragraphs cut at column "
                                     "breaks recognised; every guess and whatever was not recognised is printed "
                                     "as file:line. Existing articles are never replaced without --force.")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("-o", "--output", type=Path, default=Path("content"), metavar="DIR",
                     help="folder for the articles, inside the project (default: content)")
    imp.add_argument("--force", action="store_true", help="replace article files of the same name")

    preview = sub.add_parser("preview", help="render PDF pages to PNG",
                             description="Render every page of each PDF to PNG (pypdfium2).")
    preview.add_argument("pdfs", nargs="+", type=Path, metavar="PDF")
    preview.add_argument("-o", "--output", type=Path, default=None, metavar="DIR",
                         help="folder for the PNGs (default: beside each PDF)")
    preview.add_argument("--dpi", type=_dpi, default=150.0,
                         help="resolution in dots per inch, 10–1200 (default: 150)")
    preview.add_argument("--contact", type=Path, default=None, metavar="PNG",
                         help="also write a contact sheet: every page of every PDF as a thumbnail in one PNG")
    return parser


# Cyclic garbage collection every this many new container objects (Python's default: 700). Setting
# a page makes tens of thousands of tuples and none of them form cycles; at 700 the collector ran
# some fifty times a page, about 20 ms of a 0.6 s page, for nothing to collect.
GC_THRESHOLD = (10_000, 10, 10)
# Freed image memory Pillow keeps for its next images (its memory pool, PILLOW_BLOCKS_MAX; none by
# default). A photo is decoded, resampled, separated, summed band by band, encoded and decoded again,
# each step a new image of a megabyte or more, and the gate sums the page's coverage render so: every
# one was fresh memory from the system, its pages faulted in and zeroed by the kernel (a quarter of a
# photo's time). Reused, the same pixels cost less. A process-wide setting of the library: made
# for this process's own command line only (main), never on import, so that a program that embeds
# pagesetter (session.Session, main(argv)) keeps Pillow as it had it.
PILLOW_BLOCKS = 8
# A process that builds one page (`pagesetter build` from the command line, nothing after it)
# runs without the cyclic collector: even at GC_THRESHOLD it ran some ten times, nearly all while
# the engine's modules were imported (their classes and functions are what it walks, all of them
# kept), some 15 ms, to free about 400 objects. Without it a page ends with about a thousand
# objects in cycles (140 KB: argparse's, the import machinery's), so its peak memory is the same.
# It is not turned on again: the first collection after would walk every object made meanwhile.
# Several pages in one command, serve and main() called by a longer-lived program keep it: they
# set many pages, and what each leaves would add up. An edition's main process does not (_build_all);
# its page workers collect between pages, not while one is set (edition.py _collector_paused).


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLD)  # this process's, and its page workers' (they are forked)
    parser = make_parser()
    args = parser.parse_args(argv)
    args.whole_process = argv is None  # this process's own command line: the process ends with it
    if args.whole_process:
        # What start-up made (modules, classes, the parser) lives as long as the process: kept out
        # of every collection, and of what a forked worker's collector would touch (and copy).
        gc.freeze()
        gc.enable()  # python -m pagesetter loads this module with the collector off (__main__.py)
        pillow_pool(os.environ)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    _warnings_as_lines()
    _never_unencodable()
    try:
        return _guarded(args, argv)
    finally:
        if args.whole_process:
            # The command is done and the process ends with it. The interpreter's finalization
            # collects cycles over every object still alive: an edition's page trees, kept to the
            # end, took it 60-130 ms of CPU after the edition was written, on its critical path,
            # for nothing a finalizer needed. Frozen, they are not walked; atexit handlers still
            # run, objects are still freed by their counts, only garbage in cycles is left to the exit.
            gc.freeze()


def pillow_pool(environ: "os._Environ[str]") -> None:
    """Pillow's memory pool (PILLOW_BLOCKS) for a process that runs pagesetter's command line: through
    the environment, which Pillow reads as it is imported (later: no command imports it before this
    runs; a replayed page does not import it at all). A user's own PILLOW_BLOCKS_MAX is kept. The
    edition's page workers and a `pagesetter keep` process are this process or its children, and
    inherit it; so do the tools a build runs (Ghostscript), which do not read it."""
    environ.setdefault("PILLOW_BLOCKS_MAX", str(PILLOW_BLOCKS))


class HandBack(Exception):
    """A kept process (keeper.py) does not build this command: the client builds it itself. Raised
    before anything is printed or written."""


def run_kept(args: argparse.Namespace, argv: list[str]) -> int:
    """``main(argv)`` for a command line already parsed, in a kept process (keeper.py): the same
    checks, statuses and safety net; ``args.kept`` holds the process's sessions and Ghostscript.
    Raises HandBack when the command is one the client must build itself."""
    return _guarded(args, argv)


def _guarded(args: argparse.Namespace, argv: list[str] | None) -> int:
    """A parsed command run as main and a kept process both run it: SOURCE_DATE_EPOCH checked
    first, then the safety net (a bug is one line and a log, not a traceback); HandBack passes."""
    epoch_problem = _source_date_epoch_problem(os.environ.get("SOURCE_DATE_EPOCH"))
    if epoch_problem:
        print(f"pagesetter: error: {epoch_problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _run(args)
    except HandBack:
        raise
    except Exception as exc:  # noqa: BLE001 - the safety net
        if by_interrupt(exc):  # raised by a clean-up as Ctrl-C unwound the build: not a bug
            return _say_interrupted()
        return _internal_error(exc, argv)


def by_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is, or was raised while handling, an interrupt (KeyboardInterrupt: Ctrl-C, or
    a kept build's client gone). Ctrl-C is an exception that may land between any two steps of
    Python code; a clean-up on its way out (a ``finally`` closing a file, an ``except`` turning
    an OSError into an input error) may then fail and raise in its place, which without this
    would be reported as bad input ("cannot read file: Bad file descriptor") or as a bug. Python
    keeps what was being handled in ``__context__`` (also under ``raise ... from None``)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        todo += [current.__cause__, current.__context__]  # ``raise X from Y`` in a handler: both
    return False


def _say_interrupted() -> int:
    print("pagesetter: interrupted", file=sys.stderr)
    return 130


# SOURCE_DATE_EPOCH (reproducible-builds.org): seconds since 1970 as a whole number; the latest a
# PDF date can say is 9999-12-31 23:59:59 UTC.
MAX_EPOCH = 253_402_300_799


def _source_date_epoch_problem(value: str | None) -> str | None:
    """What is wrong with SOURCE_DATE_EPOCH, or None (unset and empty count as unset). The PDF's
    dates come from it, and a library that reads it too would fail on anything else."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_EPOCH:
        return (f"SOURCE_DATE_EPOCH={value[:40]!r}: expected a whole number of seconds since 1970-01-01 UTC, "
                f"0 to {MAX_EPOCH} (year 9999); fix it or unset it")
    return None


def _never_unencodable() -> None:
    """Chinese messages to a terminal or pipe whose encoding cannot show them (PYTHONIOENCODING=ascii)
    come out escaped, not as an encoding error."""
    for stream in (sys.stdout, sys.stderr):
        if callable(getattr(stream, "reconfigure", None)):  # a text stream (stdio.ReaderMayGo's too)
            stream.reconfigure(errors="backslashreplace")


def _warnings_as_lines() -> None:
    """A library's warning (Pillow: corrupt EXIF data in a photo) as one of our warning lines: held
    for the file being read (errors.Reading), which the build reports as its own warning naming it
    (also under -q), else one line. Each is shown every time, not once per process."""
    def show(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
        text = f"{category.__name__}: {' '.join(str(message).split())[:300]}"
        reading = READING.get()
        if reading is not None:  # reported by the reader with the file's name, or dropped with its refusal
            reading.held.append(text)
        else:
            print(f"warning: {text}", file=sys.stderr)

    warnings.showwarning = show
    warnings.filterwarnings("always", category=UserWarning, module="PIL")
    # Pillow's DecompressionBombWarning (a RuntimeWarning; named by its text, so that Pillow need not
    # be imported here): a picture between its limit and ours (render/images.py MAX_PIXELS) is placed.
    warnings.filterwarnings("ignore", category=RuntimeWarning, message=r"Image size \(\d+ pixels\) exceeds limit",
                            module="PIL")


def _library_logs_dropped() -> None:
    """Libraries also log what they then raise or recover from (Pillow: a TIFF's "More samples per
    pixel than can be decoded"; pikepdf: a traceback for XMP it cannot parse). With no handler,
    Python would print those records on stderr beside our one line. Called before any library is
    used, not at start-up: an unchanged page's replay uses none, and importing logging would
    cost it 4 ms of its ~50."""
    import logging

    root = logging.getLogger()
    if not any(isinstance(handler, logging.NullHandler) for handler in root.handlers):
        root.addHandler(logging.NullHandler())


def _internal_error(exc: BaseException, argv: list[str] | None) -> int:
    """An exception no part of the engine expected: the traceback goes to a log file, the user
    gets one line saying where. Outputs are written atomically (paths.py), so none was replaced."""
    import tempfile
    import traceback

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
            said = re.sub(r"^stream <[^>]*>:? ", "", " ".join(str(exc).split()))  # qpdf names the buffer
            raise InputError(loc, f"not a readable PDF ({said[:200]})") from None


def _run(args: argparse.Namespace) -> int:
    """The command, with every error the user can cause turned into one line and a status."""
    try:
        if args.command != "build":  # build: _build_all, once it knows it is not replaying a page
            _library_logs_dropped()
        if args.command in ("preflight", "check", "preview"):
            _readable_pdfs(args.pdfs)
        elif args.command == "diff":
            _readable_pdfs([args.old, args.new])
        if args.command == "build":
            return _build(args)
        if args.command == "check":
            return _check(args)
        if args.command == "epaper":
            return _epaper(args)
        if args.command == "preflight":
            return _preflight(args)
        if args.command == "diff":
            return _diff(args)
        if args.command == "schema":
            if args.which == "epaper":
                from pagesetter.epaper.site import schema_bytes

                sys.stdout.write(schema_bytes().decode())
                return 0
            from pagesetter.spec.schema import schema_json

            sys.stdout.write(schema_json(args.which or "spec"))
            return 0
        if args.command == "fonts":
            from pagesetter.fonts.report import font_report

            for face in font_report(args.spec or _project_spec("fonts")):
                print("\n".join(face.lines()))
            return 0
        if args.command == "init":
            return _init(args)
        if args.command == "import":
            return _import(args)
        if args.command == "keep":
            from pagesetter.keeper import keep

            return keep(Path.cwd(), args.idle)
        if args.command == "serve":
            from pagesetter.serve import serve

            serve(args.spec or _project_spec("serve"), args.host, args.port, args.output, args.dpi, args.quiet)
            return 0
        return _preview(args)
    except KeyboardInterrupt:
        return _say_interrupted()
    except Exception as exc:
        if by_interrupt(exc):  # an error of a clean-up while Ctrl-C unwound: the interrupt it is
            return _say_interrupted()
        return _failed(exc)


def _failed(exc: Exception) -> int:
    """An error the user can cause, said in one line, and its status; anything else raised again
    (the safety net, _guarded, takes it)."""
    if isinstance(exc, OversetError):
        print(f"pagesetter: error: {exc}", file=sys.stderr)
        return EXIT_OVERSET
    if isinstance(exc, PagesetterError):
        for line in str(exc).splitlines() or [""]:  # several faults at once (InputErrors): a line each
            print(f"pagesetter: error: {line}", file=sys.stderr)
        return EXIT_INPUT
    if isinstance(exc, OSError):  # the system refused a file: an output folder that is a file, a full disk …
        print(f"pagesetter: error: {_os_error(exc)}", file=sys.stderr)
        return EXIT_INPUT
    if isinstance(exc, RuntimeError) and str(exc).startswith("Symlink loop from "):
        # pathlib's resolve() (Python < 3.13) reports a symlink that points back at itself so
        where = str(exc)[len("Symlink loop from "):].strip("'\"")
        print(f"pagesetter: error: {display_path(where)}: a symbolic link that loops back on itself; "
              "replace it with the file", file=sys.stderr)
        return EXIT_INPUT
    raise exc


def _os_error(exc: OSError) -> str:
    """What the system refused, and where, in one line."""
    where = exc.filename if exc.filename is not None else ""
    if isinstance(exc, FileExistsError):
        return f"{where}: exists and is not a folder, where a folder was expected (choose another --output)"
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


@record
class _Status:
    """What ``build --json`` prints, filled in as the pages are built (README, "build --json")."""

    pages: list[dict[str, object]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[dict[str, object]] = field(default_factory=list)  # an edition's own, not a page's
    failure: str = ""  # the build's last line (without `pagesetter: error: `) when it failed

    def wrote(self, path: Path) -> None:
        self.files.append(display_path(path))

    def emit(self, code: int, errors: list[str], stopped: tuple = (),  # type: ignore[type-arg]
             places: tuple[str, ...] = ()) -> None:
        """``stopped``: the pagetree.Overset items of a build that overset stopped (no page written),
        ``places`` where its message says each is (a written page's are in its status)."""
        import json

        overset = [{**o, "pdf": p["pdf"]} for p in self.pages for o in p["overset"]]  # type: ignore[attr-defined]
        overset += [{"article": o.article, "where": places[k] if k < len(places) else "", "characters": o.chars,
                     "lines": o.lines, "message": f"{o.amount()} {o.cut()}", "pdf": ""} for k, o in enumerate(stopped)]
        document = {
            "format": "pagesetter-build-status", "version": STATUS_VERSION, "exit": code, "ok": code == 0,
            "pages": self.pages, "files": self.files, "warnings": self.warnings, "errors": errors,
            "overset": overset,
            "preflight_errors": sum(p["preflight"]["errors"] for p in self.pages),  # type: ignore[index]
        }
        print(json.dumps(document, ensure_ascii=False, indent=2), flush=True)


STATUS_VERSION = 1  # of build --json's document: raised only when a field changes meaning or goes


def _build(args: argparse.Namespace) -> int:
    if not args.json:
        return _build_all(args, None)
    status = _Status()
    args.quiet = True  # the JSON document is the whole of stdout; problems still go to stderr
    try:
        code = _build_all(args, status)
    except BaseException as exc:
        if by_interrupt(exc):  # Ctrl-C: a document still, saying so, as a desk's script expects one
            status.emit(130, ["interrupted"])
        elif isinstance(exc, OversetError):
            status.emit(EXIT_OVERSET, [str(exc)], getattr(exc, "overset", ()), getattr(exc, "places", ()))
        elif isinstance(exc, PagesetterError):
            status.emit(EXIT_INPUT, str(exc).splitlines() or [""])
        elif isinstance(exc, OSError):
            status.emit(EXIT_INPUT, [_os_error(exc)])
        raise  # said on stderr and given its status by _run (a bug: no document, README)
    status.emit(code, [status.failure or _failure(code)] if code else [])
    return code


def _build_all(args: argparse.Namespace, json_status: _Status | None) -> int:
    from pagesetter.cache import DiskCache, default_cache

    cache = DiskCache(None) if args.no_cache else default_cache()

    default, project_output = _default_spec()
    default_out = project_output or Path("output")  # where a build with no -o writes
    if args.output is None:
        args.output = default_out
    specs = args.specs or [_project_spec("build", default)]
    _output_not_planted(args.output)
    _one_file_each(specs)
    status = 0
    refused: list[str] = []  # an edition's pages the gate refused, named in the last line
    lost: list[str] = []  # each overset of a page written as allowed, located: the last line names them
    for spec in specs:
        started = time.perf_counter()
        if _is_edition(spec):
            if getattr(args, "kept", None) is not None:
                raise HandBack("an edition is built by its own workers, not kept")
            _library_logs_dropped()
            if args.whole_process and len(specs) == 1:
                # For good, as for a single page (GC_THRESHOLD), from before the engine's modules
                # load: this process sets no page of its own unless one continues a jump; it keeps
                # every page its workers send (their trees, some 20 000 objects a page, none in a
                # cycle) to the end, and a collector would walk them again and again (0.1 s of a
                # 24-page edition). Its page workers turn it on again for themselves
                # (workers.worker_started).
                gc.disable()
            from pagesetter.edition import build_edition

            progress = None if args.quiet else (lambda message: print(message, flush=True))
            before = outputs.output_identities(args.output)
            # the combined PDF of this edition's last build, held as it was: the build replaces it
            held = outputs.held_combined(args.output, spec, before)
            try:
                edition = build_edition(spec, args.output, allow_overset=args.allow_overset, progress=progress,
                                        proof=args.proof,
                                        jobs=args.jobs, cache=cache)
            except PagesetterError:  # an edition that stops writes nothing but proofs: its older pages go
                name, pages = _edition_names(spec)
                if args.proof:  # written even so (overset: build_edition), and said as a page's are
                    _say_stopped_proof(args, before, set(), json_status, pages)
                outputs.remove_stopped(args.output, pages, before, args.quiet, edition=name)
                _stopped_site(args, name)
                earlier = outputs.earlier_pages(held, name, pages, before)  # and closed
                if name:  # and a page the edition no longer has, which its last build wrote
                    outputs.remove_dropped(args.output, earlier, name, pages, before, args.quiet)
                raise
            except BaseException:  # Ctrl-C, a refused write, a bug: nothing removed
                if held is not None:
                    held.close()
                raise
            earlier = outputs.earlier_pages(held, edition.edition.name, [p.stem for p in edition.page_paths], before)
            errors, set_over = _report_edition(edition, time.perf_counter() - started, args.quiet, json_status, spec,
                                               lost)
            if errors:
                status = _worse(status, EXIT_PREFLIGHT_ERROR)
            if any(page.overset for page in edition.pages):  # written as allowed, marked: still text lost
                status = _worse(status, EXIT_OVERSET)
            if set_over:  # text over text, furniture or the trim: as a page's build (_page_exit)
                status = _worse(status, EXIT_TYPOGRAPHY)
            refused += _refused_pages(edition)
            written: list[Path] = [*edition.page_paths, *edition.proofs]
            if args.preview:
                from pagesetter.proof.preview import contact_sheet, render_png

                for pdf in [*edition.page_paths, *(p for p in edition.proofs if p.name.endswith(".proof.pdf"))]:
                    for png in render_png(pdf, args.output, args.dpi):
                        _said_written(png, args.quiet, json_status, written)
                sheet = contact_sheet(list(edition.page_paths), args.output / f"{edition.edition.name}.contact.png")
                _said_written(sheet, args.quiet, json_status, written)
            refused_edition = bool(errors or set_over or any(page.overset for page in edition.pages))
            if args.epaper and refused_edition:
                _say_no_epaper(args.output / "epaper" / edition.edition.name, "a page of the edition")
            elif args.epaper:
                from pagesetter.epaper import site_of

                site = site_of(edition.edition.pages, edition.pages, edition.page_paths,
                               args.output / "epaper" / edition.edition.name, edition.edition.data, edition.combined)
                if not args.quiet:
                    _say_epaper(site, time.perf_counter() - started)
            stems = [p.stem for p in edition.page_paths]
            outputs.remove_stale(args.output, stems, written, args.quiet, contact=f"{edition.edition.name}.contact.png",
                                 edition=edition.edition.name)
            outputs.remove_dropped(args.output, earlier, edition.edition.name, stems, before, args.quiet)
            if not args.epaper:
                outputs.remove_older_site(args.output, spec, edition.edition.name, list(edition.page_paths),
                                          edition.combined, args.quiet, default_out)
            continue
        if args.whole_process and len(specs) == 1:
            gc.disable()  # for good: see GC_THRESHOLD
        said: set[str] = set()
        before = outputs.output_identities(args.output)
        try:
            pdf_path, page_status, page = _build_page(spec, args, cache, started, json_status, said, lost)
            if args.epaper or args.preview:  # a replayed page has used no library yet; these do
                _library_logs_dropped()
            status = _worse(status, page_status)
            if args.epaper and page_status != 0:
                _say_no_epaper(args.output / "epaper" / pdf_path.stem, "the page")
            elif args.epaper and page is not None:
                from pagesetter.epaper import site_of

                site = site_of([spec], [page], [pdf_path], args.output / "epaper" / pdf_path.stem)
                if not args.quiet:
                    _say_epaper(site, time.perf_counter() - started)
            written = [pdf_path]
            if args.proof:
                written += [pdf_path.with_suffix(".proof.pdf"), proof_print_path(pdf_path.with_suffix(".proof.pdf"))]
            if args.preview:
                from pagesetter.proof.preview import render_png

                for pdf in [pdf_path] + ([pdf_path.with_suffix(".proof.pdf")] if args.proof else []):
                    for png in render_png(pdf, args.output, args.dpi):
                        _said_written(png, args.quiet, json_status, written, said)
            outputs.remove_stale(args.output, [pdf_path.stem], written, args.quiet)
            if not args.epaper:
                outputs.remove_older_site(args.output, spec, pdf_path.stem, [pdf_path], None, args.quiet, default_out)
        except BaseException as exc:
            if by_interrupt(exc):
                _say_unsaid(args.output, before, said, args.quiet, json_status)
            elif isinstance(exc, PagesetterError):
                if args.proof:
                    _say_stopped_proof(args, before, said, json_status)
                # The page stopped for what it holds (overset, bad input): its older PDF goes. Not
                # when the system refused a write (a full disk: the last PDF stays as it was) or a
                # bug stopped it; nor when the page is an edition's, built alone, stopped only for
                # its jump (the PDF there is the edition's page, trial 14b #15).
                name = _page_name(spec) if not exc.edition_page else None
                if name is not None:
                    outputs.remove_stopped(args.output, [name], before, args.quiet)
                _stopped_site(args, name or "")
            raise
    cache.prune_if_due()  # the oldest entries go once the cache passes 512 MB
    if status:
        marked = f"; marked NOT FOR PRINT in their slugs: {'; '.join(refused)}" if refused else ""
        failure = _failure(status, lost) + marked
        if json_status is not None:
            json_status.failure = failure
        what, _, why = failure.partition(": ")
        # the overset is named in the line itself, at its place; the preflight's errors are above
        print(f"pagesetter: error: {failure}" if status == EXIT_OVERSET and lost else
              f"pagesetter: error: {what} (above): {why}", file=sys.stderr)
    return status


def _refused_pages(edition) -> list[str]:  # type: ignore[no-untyped-def]  # edition.EditionResult
    """The pages of an edition the gate refused, each named by its PDF with the mark its slug
    carries there and in the combined PDF (the edition's last line names them: a night desk
    reading 'preflight found errors' for a 24-page edition is told which pages to take back)."""
    return [f"{path.name} ({mark.removesuffix(': NOT FOR PRINT')}; page {n} of {edition.combined.name})"
            for n, (path, mark) in enumerate(zip(edition.page_paths, edition.refused), 1) if mark]


def _failure(status: int, lost: list[str] | None = None) -> str:
    """What a build's non-zero status says, last on stderr: overset written as allowed (``lost``:
    each at its entry in the layout; trial 17b #5, the line blamed preflight errors the JSON
    counted as 0), the typography check's text set over text (or furniture, or the trim) apart
    from the preflight's errors."""
    if status == EXIT_OVERSET and lost:
        return (f"overset (text that does not fit): {'; '.join(lost)}; written as overset was allowed, "
                "marked NOT FOR PRINT: not fit to print")
    if status == EXIT_TYPOGRAPHY:
        return "the typography check found text set over text, the page's furniture or the trim: the PDF is not fit to print"
    return "preflight found errors: the PDF is not fit to print"


def _said_written(path: Path, quiet: bool, json_status: _Status | None, written: list[Path],
                  said: set[str] | None = None) -> None:
    """A file the build wrote besides its PDF (a preview, a contact sheet): kept from the stale
    clean-up (``written``), named in the JSON document and, unless quiet, said (and so in ``said``)."""
    written.append(path)
    if json_status is not None:
        json_status.wrote(path)
    if not quiet:
        print(f"wrote {display_path(path)}")
        if said is not None:
            said.add(path.name)


def _say_stopped_proof(args: argparse.Namespace, before: dict[str, tuple[int, int]], said: set[str],
                       json_status: _Status | None, pages: list[str] | None = None) -> None:
    """A page's build stopped (overset, a character no face has) after its proof was written (as it
    is, to show the desk where the text ran out): the proof and its A3 tiles named as written, and
    with --preview the proof rendered to <page>.proof.png as a build that goes on renders it
    (trial 13: both written unsaid, and no PNG). Said before the error that stops the build.
    ``pages``: an edition's, in its order, each page's proof before its A3 sheets (as a build that
    goes on says them: _report_edition); else by kind, as a page's build says them."""
    replaced = outputs.replaced_outputs(args.output, before, said)
    if pages is not None:
        order = {f"{page}{suffix}": (i, j) for i, page in enumerate(pages)
                 for j, suffix in enumerate((".proof.pdf", ".proof-a3.pdf"))}
        replaced.sort(key=lambda path: order.get(path.name, (len(pages), 0)))
    fresh = [p for p in replaced if p.name.endswith(".proof.pdf")]
    for path in replaced:
        _said_written(path, args.quiet, json_status, [], said)
    if args.preview:
        from pagesetter.proof.preview import render_png

        for proof in fresh:
            for png in render_png(proof, args.output, args.dpi):
                _said_written(png, args.quiet, json_status, [], said)


def _stopped_site(args: argparse.Namespace, name: str) -> None:
    """A build that stopped leaves no 数字报 of older pages where `build --epaper` writes it, as it
    leaves no older PDF (outputs.remove_stopped_site; trial 16b #12: yesterday's site, with copies
    of the PDFs just removed, stood alone in output/ as if current). With --epaper one line on
    stderr says no e-paper was written (README), and what became of an earlier site; without it
    the removal is said on stdout as the removed PDFs are. ``name``: the page's or edition's, ""
    when not known (nothing is removed)."""
    found = outputs.remove_stopped_site(args.output, name) if name else None
    site = f"{display_path(args.output / 'epaper' / name)}/"
    why = "数字报 of an earlier build: this build stopped"
    if args.epaper:
        tail = {None: "", True: f"; removed {site} ({why})",
                False: f"; {site} is an earlier build's, and not all of it could be removed"}[found]
        print(f"pagesetter: no e-paper written: the build stopped (below){tail}", file=sys.stderr)
    elif found is True and not args.quiet:
        print(f"removed {site} ({why})")
    elif found is False:
        print(f"pagesetter: warning: {site}: {why}, and not all of it could be removed", file=sys.stderr)


def _say_unsaid(out: Path, before: dict[str, tuple[int, int]], said: set[str], quiet: bool,
                json_status: _Status | None = None) -> None:
    """A page's build (its PDF, proofs and previews) cut short by Ctrl-C: every file it wrote is said
    as the interrupt ends it, those not said yet too (the proofs are written before the print PDF
    and said after the gate; a preview is said after it is written), so no file is left on disk
    unannounced. ``before``: the folder as the build found it; ``said``: the names it said.
    Under --json (quiet) the document's ``files`` gets those not in it yet."""
    if quiet and json_status is None:
        return
    for path in outputs.replaced_outputs(out, before, said):
        if json_status is not None:
            if display_path(path) not in json_status.files:
                json_status.wrote(path)
        else:
            print(f"wrote {display_path(path)}")


def _page_name(spec: Path) -> str | None:
    """The name a page spec gives its PDF (_page_named), or None."""
    named = _page_named(spec)
    return named[0] if named is not None else None


def _page_named(spec: Path) -> tuple[str, Loc] | None:
    """The name a page spec gives its PDF (``page: name:``, else the file's stem, as spec/loader.py
    names it) and where the spec says it, read from the spec alone so that it is known also when
    the spec is what stopped the build; None when the spec is no regular file or its name is no
    file name."""
    from pagesetter.spec import validate as v
    from pagesetter.yamlsource import Node, load_yaml

    try:
        if not spec.is_file():
            return None
        root = load_yaml(spec)
        page = root.get("page") if root.is_map else None
        node = page.get("name") if page is not None and page.is_map else None
        node = node if node is not None else Node(spec.stem, Loc.of_file(spec))
        return v.file_name(node, "page name"), node.loc
    except (PagesetterError, OSError):
        return None


def _edition_names(path: Path) -> tuple[str, list[str]]:
    """The names an edition file's PDFs take: the edition's own and each page's (_page_name); none
    when the edition file cannot be read."""
    from pagesetter.edition import load_edition

    try:
        edition = load_edition(path)
    except (PagesetterError, OSError):
        return "", []
    return edition.name, [name for name in map(_page_name, edition.pages) if name is not None]


def _output_not_planted(out: Path) -> None:
    """The default output folder must not be a link out of the folder the build runs in: a project
    received from elsewhere could carry ``output -> ~/somewhere`` and have the build write there.
    A folder named with -o elsewhere is the user's own choice."""
    if out != Path("output") or not out.is_symlink():
        return
    target = out.resolve()
    if not target.is_relative_to(Path.cwd().resolve()):
        raise InputError(Loc("output"), f"the output folder is a link to {target}, outside this folder; "
                         "remove the link, or name the folder you mean with -o")


def _one_file_each(specs: list[Path]) -> None:
    """Specs built by one command must not write one PDF (two pages of one page.name, as when a
    desk copies yesterday's spec): the later would replace the earlier with exit status 0, as an
    edition refuses for its own pages (edition._own_file). Trial 14: both said 'wrote t14-law.pdf'.
    A spec that cannot be read is left to its build, which says why; one named twice writes the same
    page twice."""
    if len(specs) < 2:
        return
    taken: dict[str, Path] = {}  # a PDF's name: the spec that writes it
    for spec in dict.fromkeys(p.resolve() for p in specs):
        for stem, writer, loc in _outputs(spec):
            if taken.setdefault(stem, writer) != writer:
                raise InputError(loc, f"{display_path(writer)} writes {stem}.pdf, as {display_path(taken[stem])} "
                                 "does on this command line: the later would replace the earlier; give each page "
                                 "a name of its own (page.name), or build them with different -o folders")


def _outputs(spec: Path) -> list[tuple[str, Path, Loc]]:
    """The PDFs a spec writes (their names without .pdf), each with the spec that writes it and
    where that names it: a page its page.name (else its file's name: _page_named), an edition
    itself and each of its pages."""
    try:
        if not _is_edition(spec):
            named = _page_named(spec)
            return [(named[0], spec, named[1])] if named is not None else []
        from pagesetter.edition import load_edition

        edition = load_edition(spec)
    except (PagesetterError, OSError):
        return []  # left to its build, which says why
    return [(edition.name, spec, Loc.of_file(spec)),
            *(out for page in edition.pages for out in _outputs(page.resolve()))]


def _is_edition(path: Path) -> bool:
    if _plainly_not_edition(path):
        return False
    from pagesetter.yamlsource import load_yaml  # not edition.py: that would load the whole engine

    root = load_yaml(path)
    return root.is_map and "edition" in root.value


def _plainly_not_edition(path: Path) -> bool:
    """A UTF-8 file whose bytes hold no "edition" and no escape (YAML's "\\x65dition" spells the
    key too) has no edition key: told without loading YAML, which an unchanged page's replay would
    otherwise import and parse for nothing. Anything unreadable or unusual is left to load_yaml,
    which refuses it with its own message."""
    try:
        with open_regular(path) as fh:
            data = fh.read()
    except (OSError, NotRegularFile):
        return False
    return b"edition" not in data and b"\\" not in data and b"\0" not in data  # no NUL: not UTF-16/32


def _page_json(status: _Status | None, spec: Path, report, written: list[Path], cached: bool) -> None:  # type: ignore[no-untyped-def]
    """A page built from a page spec, into ``build --json``'s document."""
    if status is None:
        return
    for path in written:
        status.wrote(path)
    page: dict[str, object] = {"spec": display_path(spec), "pdf": display_path(written[0]), "cached": cached}
    page.update(report.status.to_json())
    status.pages.append(page)


def _build_page(spec: Path, args: argparse.Namespace, cache, started: float,  # type: ignore[no-untyped-def]
                json_status: _Status | None, said: set[str], lost: list[str] | None = None):  # -> (pdf, failed, page tree or None)
    """One page: written again from the cache when nothing it reads has changed (rebuild.py),
    else built, reported and recorded. Returns the PDF, whether its preflight found errors and
    the page tree (None when replayed; --epaper needs it, so it builds). ``said`` gets the name of
    each file as the report says it was written (_say_unsaid); ``lost`` each overset, located."""
    from pagesetter import rebuild
    from pagesetter.proof.report import PageReport, gate_tools, load_gate, overset_said, page_report

    if lost is None:
        lost = []

    # Not the output folder: where the files go does not change them.
    key = rebuild.job_key(spec, ("page", args.allow_overset, args.proof, gate_tools()))
    found = rebuild.lookup(cache, key) if cache.enabled and not args.epaper else None
    if isinstance(found, rebuild.PageFiles) and isinstance(found.report, PageReport) \
            and found.report.status is not None:
        written = rebuild.replay(found, args.output)
        found = replace(found, report=found.report.moved(display_path(written[0]), spec))
        _page_json(json_status, spec, found.report, written, True)
        if not args.quiet:
            print(f"wrote {display_path(written[0])} (unchanged since the last build, "
                  f"{time.perf_counter() - started:.1f} s)")
            said.add(written[0].name)
        found.report.emit(args.quiet)
        lost += overset_said(found.report.status)
        if not args.quiet:
            for path in written[1:]:
                print(f"wrote {display_path(path)}")
                said.add(path.name)
        return written[0], _page_exit(found.report), None
    _library_logs_dropped()
    from pagesetter.proof.coverage import CoverageServer

    kept = getattr(args, "kept", None)  # keeper.Kept: a `pagesetter keep` process builds this page
    worker = None if kept is None else kept.structure_worker()  # the gate's second process
    if worker is not None:
        worker.warm()  # started (a first build, or one after a Ctrl-C) while the page is made
    # The gate's Ghostscript started now, on a primer page (its start and /All set-up on the
    # other core while this one composes), then given the page; stopped however this ends (a kept
    # process's is kept, primed, for its next page).
    with CoverageServer() if kept is None else kept.coverage() as server:
        server.prime()
        started_ns = time.time_ns()
        if kept is None:
            from pagesetter.build import build_page

            result = build_page(spec, args.output, allow_overset=args.allow_overset, proof=args.proof, cache=cache,
                                meanwhile=load_gate)
        else:  # the same bytes (tests/test_session.py, tests/test_keep.py), synced as build_page's
            result = kept.session(spec, cache).build(args.output, allow_overset=args.allow_overset,
                                                     proof=args.proof, durable=True)
        if not args.quiet:
            chars = sum(len(line.text) for line in result.page.lines)
            print(f"wrote {display_path(result.pdf_path)} ({counted(chars, 'character')}, {counted(len(result.page.images), 'photo')}, "
                  f"{time.perf_counter() - started:.1f} s)")
            said.add(result.pdf_path.name)
        report = page_report(result, server, worker)  # quiet or not: the preflight is the gate
    refused = _refused_mark(report)
    if refused:
        # Refused by the gate (trial 15: a 72 ppi page, exit 6, lay in the output folder under its
        # name, its slug a good page's): written again with the mark first in its slug, as an
        # overset page is (build.py with_marks). The page is the same; the report stays the first's.
        from pagesetter.build import build_page

        build_page(spec, args.output, allow_overset=args.allow_overset, cache=cache, refused=refused)
    page_files = {result.pdf_path.name: result.pdf_path}
    if args.proof:
        proof = result.pdf_path.with_suffix(".proof.pdf")
        page_files[proof.name] = proof
        page_files[proof_print_path(proof).name] = proof_print_path(proof)
    report.emit(args.quiet)
    lost += overset_said(report.status)
    if args.proof and not args.quiet:
        print(f"wrote {display_path(proof)}")
        said.add(proof.name)
        print(f"wrote {display_path(proof_print_path(proof))}")
        said.add(proof_print_path(proof).name)
    if cache.enabled:
        rebuild.record(cache, key, result.inputs, rebuild.PageFiles.of(page_files, report), started_ns,
                       dict(result.digests))
    _page_json(json_status, spec, report, list(page_files.values()), False)
    return result.pdf_path, _page_exit(report), result.page


def _refused_mark(report: PageReport) -> str:
    """The slug's mark of a written page the gate refused (build.py refused_slug), or "" (a good
    page; an overset one, marked already)."""
    from pagesetter.build import refused_slug

    return refused_slug(report.preflight_errors, report.set_over,
                        report.status is not None and bool(report.status.overset))


def _page_exit(report: PageReport) -> int:
    """A written page's exit status: overset (written because it was allowed, marked NOT FOR PRINT)
    is 3 as when it stops the build, so no page with text lost ever exits 0; else a preflight error."""
    if report.status is not None and report.status.overset:
        return EXIT_OVERSET
    if report.preflight_errors > 0:
        return EXIT_PREFLIGHT_ERROR
    return EXIT_TYPOGRAPHY if report.set_over else 0


def _worse(status: int, page: int) -> int:
    """The build's status over its pages: overset first (text lost), then a preflight error."""
    order = (EXIT_OVERSET, EXIT_PREFLIGHT_ERROR, EXIT_TYPOGRAPHY)
    ranked = [s for s in order if s in (status, page)]
    return ranked[0] if ranked else max(status, page)


def _epaper(args: argparse.Namespace) -> int:
    from pagesetter.cache import DiskCache, default_cache
    from pagesetter.epaper import make_epaper

    cache = DiskCache(None) if args.no_cache else default_cache()
    if args.spec is None:  # as build, serve and fonts: the project's spec (pagesetter.toml)
        args.spec = _project_spec("epaper")
    started = time.perf_counter()
    progress = None if args.quiet else (lambda message: print(message, flush=True))
    result = make_epaper(args.spec, args.output, cache, edition=_is_edition(args.spec), progress=progress)
    from pagesetter.proof.report import (SET_OVER, gate_errors, gate_pdf, not_in_preflight, preflight_lines, rooted,
                                         said_at_spec, unsaid, warning_lines)
    from pagesetter.spec.loader import project_root

    # Each page gated as `build` gates it (trial 14: a page with a 29 ppi photo, which build refuses
    # with exit 6, was published with exit 0): its preflight findings and what check finds, located.
    root = project_root(args.spec)
    problems: list[str] = []
    warnings = list(result.warnings)
    errors = set_over = 0
    for pdf in result.pdfs:
        gate = gate_pdf(pdf)
        problems += preflight_lines(pdf, said_at_spec(gate.preflight.findings, result.warnings))
        errors += gate_errors(gate.preflight.findings)
        set_over += sum(c.key in SET_OVER for c in gate.check_warnings)
        warnings = not_in_preflight(warnings, gate.preflight.findings)
        warnings += rooted(gate.measure_warnings, root) + rooted(tuple(unsaid(gate.check_warnings, result.warnings)), root)
    info: list[str] = []
    for line in problems + warning_lines(warnings, info):  # as build reports them: one line each, on stderr
        print(line, file=sys.stderr)
    if not args.quiet:
        print("\n".join(info) if info else "", end="\n" if info else "")
        _say_epaper(result, time.perf_counter() - started)
    older = _say_older_prints(result, args.spec)
    if errors:
        print("pagesetter: error: preflight found errors (above): the page is not fit to print nor to publish",
              file=sys.stderr)
        return EXIT_PREFLIGHT_ERROR
    if set_over:  # as build: text set over text, the furniture or the trim
        print("pagesetter: error: the typography check found text set over text, the page's furniture or the "
              "trim (above): the page is not fit to print nor to publish", file=sys.stderr)
        return EXIT_TYPOGRAPHY
    return EXIT_INPUT if older else 0


def _say_older_prints(result, spec: Path) -> bool:  # type: ignore[no-untyped-def]
    """A print PDF beside the site that is not the page the site shows (an earlier build's): one
    line each on stderr, naming the PDF, the site and the command that writes both again; `epaper`
    then exits 1. Said rather than mended: `epaper` writes the site, not the print, and the print
    may be the one the plant already has; but the night desk sends the output folder as it stands,
    so two texts of a page in it must not pass quietly (trial 17b #6; a build removes a site older
    than its PDFs, trial 14b #8)."""
    from pagesetter.epaper import older_prints, print_folder

    older = older_prints(result)
    out = print_folder(result.folder)
    if not older or out is None:
        return False
    default = _default_spec()[1] or Path("output")
    where = "" if out.resolve() == default.resolve() else f" -o {_shell_word(display_path(out))}"
    for pdf in older:
        print(f"pagesetter: error: {display_path(pdf)}: an earlier build's, not the page the 数字报 "
              f"{display_path(result.folder)}/ now shows: the output folder holds two texts of it; "
              f"pagesetter build --epaper{where} {_shell_word(display_path(spec))} writes both again",
              file=sys.stderr)
    return True


def _say_no_epaper(folder: Path, what: str) -> None:
    """A build the gate refused (overset, a preflight error, text set over) publishes no 数字报
    (trial 15: an overset page's site published the text print lost, marked nowhere): one line
    on stderr, and whether an earlier build's site stands in the folder, left as it was."""
    earlier = (folder / "edition.json").is_file()
    print(f"pagesetter: no e-paper written: {what} is not fit to publish (above)"
          + (f"; {display_path(folder)} is an earlier build's, left as it was" if earlier else ""), file=sys.stderr)


def _say_epaper(result, seconds: float) -> None:  # type: ignore[no-untyped-def]
    print(f"wrote {display_path(result.folder / 'index.html')} (数字报: {counted(result.pages, 'page')}, "
          f"{counted(result.articles, 'article')}, {counted(len(result.files), 'file')}, {seconds:.1f} s)")


def _report_edition(edition, seconds: float, quiet: bool, json_status: _Status | None = None,  # type: ignore[no-untyped-def]
                    spec: Path | None = None, lost: list[str] | None = None) -> tuple[bool, bool]:
    """Each page as a single-page build reports it (normalisation, typography, its preflight
    findings and warnings, by file), then a table of the pages; returns whether the preflight
    found errors, and whether the typography check found text set over text, the furniture or
    the trim on any page (report.SET_OVER: a page's build exits 4 for it). Each page's
    typography and preflight come from its own file, gated in the worker that made it (the combined file holds the same pages), the combined file's own
    structure from the combined file; an edition without them is read back from the combined file."""
    from pagesetter.proof.preflight import coverage_render, preflight
    from pagesetter.proof.report import (NOTE_KINDS, SET_OVER, gate_errors, merged_preflight, normalised_line,
                                         not_in_preflight, overset_said, page_status,
                                         preflight_lines, preflight_summary, said_at_spec, unsaid, warning_lines)

    info: list[str] = []
    problems: list[str] = []
    if edition.gates:  # each page gated in its own file where it was made: the edition's own structure here
        checked = merged_preflight(preflight(edition.combined, pages=False), [g.preflight for g in edition.gates])
        typography = [(g.typography_summary, g.typography_problems) for g in edition.gates]
        set_over = any(c.key in SET_OVER for g in edition.gates for c in g.check_warnings)
    else:
        from pagesetter.proof.readback import read_chars  # pypdfium2: not needed for gated pages
        from pagesetter.proof.typography import analyse, pdf_records  # nor the check (~30 ms to import)

        with coverage_render(edition.combined) as render:
            chars = read_chars(edition.combined)
            checked = preflight(edition.combined, chars=chars, render=render)
        records = pdf_records(edition.combined)
        typography = []
        set_over = False
        for n in range(1, len(chars) + 1):
            typo = analyse(chars[n - 1:n], records=records[n - 1:n])
            typography.append((typo.summary(), typo.problems))
            set_over = set_over or any(getattr(typo, key) for key in SET_OVER)
    rows = []
    for n, (page, path) in enumerate(zip(edition.pages, edition.page_paths), 1):
        characters = _characters(page)
        info.append(f"wrote {display_path(path)} ({counted(characters, 'character')}, "
                    f"{counted(len(page.images), 'photo')})")
        changes = edition.changes[n - 1] if n <= len(edition.changes) else ()
        if changes:
            info.append("  " + normalised_line(changes))
        typo = typography[n - 1] if n <= len(typography) else None
        if typo is not None:
            info.append("  " + typo[0])
        found = [f for f in checked.findings if f.page == n]
        own = edition.page_warnings[n - 1] if n <= len(edition.page_warnings) else ()
        page_spec = edition.specs[n - 1] if n <= len(edition.specs) else None
        # each overset at the article's entry in its page's layout, the page's file first (trial
        # 17b #5: the edition's last line named no page)
        located = overset_said(page_status(page, (), own, (), 0, path, spec=page_spec), display_path(path))
        problems += [f"overset: {line}" for line in located]
        if lost is not None:
            lost += located
        problems += preflight_lines(path, said_at_spec(found, own), with_page=False)  # the page's own file
        checked_warnings: tuple = ()  # type: ignore[type-arg]  # errors.Warning
        if n <= len(edition.gates):  # what check found, located (paths from the project root), once
            gate = edition.gates[n - 1]
            checked_warnings = (*gate.measure_warnings, *unsaid(gate.check_warnings, edition.warnings))
            problems += warning_lines(checked_warnings, info)
        if json_status is not None:
            entry: dict[str, object] = {"spec": display_path(spec) if spec else "", "pdf": display_path(path),
                                        "cached": False}
            # the page's own warnings, as a one-page build's JSON has them: the flow's (underset,
            # table-size, very-loose …, not said by the preflight), then what check found
            said = (*not_in_preflight(own, checked.findings), *checked_warnings)
            entry.update(page_status(page, changes, said, found, typo[1] if typo else 0, path,
                                     with_page=False, spec=page_spec).to_json())
            json_status.pages.append(entry)
            json_status.wrote(path)
        # every warning line said of the page (trial 14b: the column counted the preflight's only,
        # 0 beside pages with four warning lines): the flow's and render's, check's, the preflight's
        said_of_page = [w for w in not_in_preflight(own, checked.findings) if w.kind not in NOTE_KINDS]
        rows.append((path.name, characters, len(page.images),
                     sum(o.chars for o in page.overset), typo[1] if typo else 0,
                     gate_errors(found),
                     sum(f.severity == "warning" for f in found) + len(said_of_page) + len(checked_warnings)))
    problems += preflight_lines(edition.combined, [f for f in checked.findings if not f.page])
    for proof in edition.proofs:
        info.append(f"wrote {display_path(proof)}")
    info.append(f"wrote {display_path(edition.combined)} ({counted(len(edition.pages), 'page')}, {seconds:.1f} s)")
    info.append(f"preflight ({edition.combined.name}): " + preflight_summary(checked).split(": ", 1)[1])
    # a photo under the resolution print needs is the preflight's finding above, said once
    problems += warning_lines(not_in_preflight(edition.warnings, checked.findings), info)
    if json_status is not None:
        for proof in edition.proofs:
            json_status.wrote(proof)
        json_status.wrote(edition.combined)
        # the edition's own: a warning of no page (each page's are on its entry above)
        of_pages = {id(w) for own in edition.page_warnings for w in own}
        json_status.warnings += [{"kind": w.kind, "where": str(w.loc) if w.loc else "", "message": w.message}
                                 for w in not_in_preflight(edition.warnings, checked.findings)
                                 if id(w) not in of_pages]
        json_status.warnings += [{"kind": f.check, "where": display_path(edition.combined), "message": f.message}
                                 for f in checked.findings if not f.page]
    info += _edition_table(rows)
    if not quiet:
        print("\n".join(info), flush=True)
    for line in problems:
        print(line, file=sys.stderr, flush=True)
    return gate_errors(checked.findings) > 0, set_over


def _characters(page) -> int:  # type: ignore[no-untyped-def]  # pagetree.Page
    """The characters a page's lines print: each glyph's text counted, no line's text joined (the
    main process does this for every page after the last arrives, while the other core idles)."""
    return sum(len(g.text) for line in page.lines for g in line.glyphs)


def _edition_table(rows: list[tuple[str, int, int, int, int, int, int]]) -> list[str]:
    """The pages at a glance, for the night desk: what each holds and what is wrong with it."""
    head = ("page", "characters", "photos", "overset", "typography", "errors", "warnings")
    cells = [head] + [tuple(str(v) for v in row) for row in rows]
    widths = [max(len(r[k]) for r in cells) for k in range(len(head))]
    return ["  ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(r, widths))) for r in cells]


def _diff(args: argparse.Namespace) -> int:
    from pagesetter.proof.diff import diff_pdfs

    # a folder of their own by default (trial 16b #21: beside NEW, in output/, they stood among the
    # PDFs a later build wrote, showing an older page); the build removes them as stale (outputs.py)
    result = diff_pdfs(args.old, args.new, args.output or args.new.parent / outputs.DIFF_FOLDER, args.dpi)
    for line in result.lines():
        print(line)
    for image in result.images:
        print(f"wrote {display_path(image)}")
    print(result.summary())
    return EXIT_DIFF if result.changed else 0


def _default_spec() -> tuple[Path, Path | None]:
    from pagesetter.project import default_spec

    return default_spec()


def _project_spec(command: str, default: Path | None = None) -> Path:
    """The spec a command given none works on (build, serve, epaper, fonts alike: trial 14b #12, an
    edition named in pagesetter.toml was refused by fonts and not taken by epaper): pagesetter.toml's
    page or edition, else the seed page; none there is one line saying what to do."""
    spec = default if default is not None else _default_spec()[0]
    if not spec.exists():  # a FIFO there is refused unread by load_yaml
        raise InputError(None, f"no {spec} here; run in the project folder or name a spec: "
                         f"pagesetter {command} layout/PAGE.yaml (pagesetter init DIR makes a project)")
    return spec


def _init(args: argparse.Namespace) -> int:
    from pagesetter.project import init_project

    written, fonts = init_project(args.dir, args.fonts)
    for warning in fonts.warnings:
        print(f"pagesetter: warning: {warning}", file=sys.stderr)
    print(f"made {display_path(args.dir)}: {counted(len(written), 'file')}; fonts {fonts.origin}")
    print(f"next: cd {_shell_word(display_path(args.dir))} && pagesetter build")
    return 0


def _shell_word(path: str) -> str:
    """A path as one word a POSIX shell reads back as that path (trial 16b #18: `cd 夜班 项目` split
    at the space): quoted where it needs it, and ./ before a name cd would take for an option."""
    import shlex

    return shlex.quote(f"./{path}" if path.startswith("-") else path)


def _import(args: argparse.Namespace) -> int:
    from pagesetter.content.importer import plan, write
    from pagesetter.content.sources import TABLE_MARKER

    planned, notes = plan(args.files, args.output, Path.cwd(), args.force)
    write(planned)
    for path, note in notes:
        where = f"{display_path(path)}:{note.line}" if note.line else display_path(path)
        print(f"{where}: {note.kind}: {note.text}")
    for w in planned:
        title = w.article.title or "(no title)"
        for _, picture in w.pictures:
            print(f"wrote {display_path(picture)} (a picture taken from the Word file)")
        print(f"wrote {display_path(w.path)} ({title}, {counted(len(w.article.body), 'paragraph')}, "
              f"{counted(len(w.article.photos), 'caption')})")
    todo = sum(note.kind == "to do" and note.text.startswith("the caption") for _, note in notes)
    if todo:
        print(f"{counted(todo, 'photo')} {'needs its' if todo == 1 else 'need their'} picture file before the page builds (see 'to do' above)")
    tables = sum(note.kind == "to do" and note.text.startswith("a Word table") for _, note in notes)
    if tables:  # its marker stands in the body, where the table was (trial 16b #14)
        print(f"{counted(tables, 'Word table')} not imported: write {'it' if tables == 1 else 'them'} at "
              f"{TABLE_MARKER} in the article (see 'to do' above)")
    return 0


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
