"""Preflight: check any PDF against the newsprint PDF/X profiles (X-1a or X-4, as the file claims),
as a plant's preflight would.

Checks (../shared/PRINT.md): PDF/X identification and OutputIntent (the embedded output profile:
class prtr, four components), PDF version, XMP metadata and its agreement with Info, page boxes,
fonts embedded, colour spaces (no RGB; no Lab or ICC-based colour in X-1a; spot colours and
/Separation /All allowed), transparency (X-1a only), effective image resolution, smallest text,
thinnest rule, rich black in small text, type too near its ground's darkness to read (legibility),
text too near the trim, and total area coverage on a Ghostscript CMYK render when Ghostscript is
installed.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import math
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import asdict, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import pikepdf
from PIL import Image, ImageMath

from pagesetter.errors import InputError, Loc
from pagesetter.proof.coverage import COVERAGE_DPI, OVERPRINT_PRELUDE, CoverageServer, gs_arguments
from pagesetter.proof.record import layout_record
from pagesetter.records import record
from pagesetter.render.photo import NEWSPRINT_PROFILE, TAC_LIMIT, WARN_PPI
from pagesetter.spec.model import PHOTO_PPI_RANGE
from pagesetter.wording import counted

if TYPE_CHECKING:  # pypdfium2 only where the characters are read here (not an edition's own structure)
    from PIL import ImageCms
    from pagesetter.proof.readback import PageChars

MM = 72 / 25.4


@record(frozen=True)
class Limits:
    # The limits the build holds itself to, checked again on the file: the same numbers.
    tac: float = TAC_LIMIT  # % total area coverage, newsprint (ISO 12647-3; PRINT.md)
    min_ppi_warn: float = float(WARN_PPI)
    min_ppi_error: float = float(PHOTO_PPI_RANGE[0])
    min_text: float = 6.0  # pt
    min_rule: float = 0.25  # pt
    rich_black_text: float = 12.0  # pt: smaller text must be 100 % K only
    safety: float = 5 * MM  # text at least this far inside the trim


@record(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    check: str
    message: str
    page: int = 0


@record
class PreflightReport:
    path: str
    findings: list[Finding] = field(default_factory=list)
    measured: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    def add(self, severity: str, check: str, message: str, page: int = 0) -> None:
        self.findings.append(Finding(severity, check, message, page))

    def verdict(self) -> str:
        """"PASS: 0 errors, 0 warnings", "PASS with 1 warning" (exit 5), "FAIL: 2 errors, 1 warning"
        (exit 6): a pass with warnings says so, as its exit status does."""
        errors, warnings = counted(self.errors, "error"), counted(self.warnings, "warning")
        if self.errors:
            return f"FAIL: {errors}, {warnings}"
        return f"PASS with {warnings}" if self.warnings else f"PASS: {errors}, {warnings}"

    def text(self) -> str:
        figures = ", ".join(f"{k} {v:g}" for k, v in sorted(self.measured.items()))
        out = [f"{self.path}: {self.verdict()} ({figures})"]
        out += [f"  {f.severity}: {f.check}: {f.message}" + (f" (page {f.page})" if f.page else "") for f in self.findings]
        return "\n".join(out)

    def to_json(self) -> dict:
        return {"path": self.path, "errors": self.errors, "warnings": self.warnings, "measured": self.measured,
                "findings": [asdict(f) for f in self.findings]}




@record(frozen=True)
class Render:
    """Ghostscript rendering a PDF to CMYK TIFFs for the coverage check, running meanwhile.

    ``device_colour``: rendered with -dUseFastColor, the file's DeviceCMYK and DeviceGray values
    passed to the CMYK raster as they are (gray as K) instead of through littleCMS from and to
    Ghostscript's default CMYK profile (the same profile: the same values, 30 % of the render's
    time on a page of photos). Valid only for a file that names no other colour space, which
    preflight checks before it trusts the render (``_device_colour_only``), else renders again
    with colour management."""

    process: subprocess.Popen[bytes] | None  # None: no Ghostscript here
    folder: Path
    device_colour: bool = False
    # Rendered by a CoverageServer instead: gives each page's TIFF, in order, or None if that
    # Ghostscript failed (the file is then rendered by a process of its own, as without one).
    pending: "Callable[[], tuple[Path, ...] | None] | None" = None
    # The server's render collected in a thread (_Collector): each page's ink total, summed as
    # soon as Ghostscript is done, while the caller still reads the PDF back.
    totals: "Callable[[], list[Image.Image] | None] | None" = None


class _Collector:
    """A CoverageServer's render, waited for in a thread, and each page's total ink (C+M+Y+K over
    the whole raster) summed there: on two cores that is done on the one Ghostscript rendered on,
    while the caller reads the PDF back on the other, instead of after the read-back. The coverage
    check then only crops each total to the page's trim: the same pixels, the same sums."""

    def __init__(self, pending: Callable[[], tuple[Path, ...] | None]) -> None:
        self._pending = pending
        self._tiffs: tuple[Path, ...] | None = None
        self._totals: list[Image.Image] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="coverage-collector", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._tiffs = self._pending()
            if self._tiffs:
                self._totals = [_ink_total(tiff) for tiff in self._tiffs]
        except BaseException as exc:  # said by the caller, in its thread
            self._error = exc

    def tiffs(self) -> tuple[Path, ...] | None:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._tiffs

    def totals(self) -> list[Image.Image] | None:
        self._thread.join()
        return self._totals

    def discard(self) -> None:
        """Waited for (the server's next file must not start before this one is collected: its
        TIFFs are numbered on from this one's), and its TIFFs removed, used or not."""
        self._thread.join()
        for tiff in self._tiffs or ():
            tiff.unlink(missing_ok=True)


def _ink_total(tiff: Path) -> Image.Image:
    """C+M+Y+K of each pixel of a CMYK TIFF (32-bit)."""
    with _cmyk_tiff(tiff) as im:
        c, m, y, k = im.split()
        return ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)


@contextlib.contextmanager
def coverage_render(path: Path, device_colour: bool = True, server: "CoverageServer | None" = None,
                    started: "tuple[Callable[[], tuple[Path, ...] | None] | None] | None" = None
                    ) -> Iterator[Render]:
    """Start the coverage render of ``path`` now (Ghostscript works on another core while the
    caller reads the PDF back); preflight(render=…) collects it. Stopped if never collected.
    ``server``: a Ghostscript kept running for many files (device colour only); a file outside
    its workspace is linked or copied into it for the render. ``started``: what ``server.render``
    gave for ``path`` when the caller queued it itself, earlier (report.gate_pdf), in a tuple."""
    with tempfile.TemporaryDirectory() as tmp:
        pending = None
        if server is not None and device_colour:
            pending = started[0] if started is not None else server.render(path)
        process = _start_render(path, Path(tmp), device_colour) if pending is None else None
        collector = _Collector(pending) if pending is not None else None
        render = Render(process, Path(tmp), device_colour, collector and collector.tiffs,
                        collector and collector.totals)
        try:
            yield render
        finally:
            if collector is not None:
                collector.discard()
            if render.process is not None and render.process.poll() is None:
                render.process.kill()
                render.process.wait()


# What reading a damaged PDF's page raises: qpdf's own errors, and Python's when an object is not
# of the type its key promises (a name where a number goes, a content stream holding a dictionary
# pikepdf cannot give back: "Only scalar types ... are allowed in content streams").
MALFORMED = (pikepdf.PdfError, TypeError, ValueError, KeyError, AttributeError, IndexError)


def preflight(path: Path, limits: Limits = Limits(), chars: list[PageChars] | None = None,
              render: Render | None = None, pages: bool = True) -> PreflightReport:
    """``chars``: the characters of ``path`` when the caller has read them already; ``render``: a
    coverage render the caller started (the build reads the PDF back once, while it renders).
    ``pages`` False: the document's own structure only (identification, output profile,
    metadata), for an edition whose every page was preflighted in its own file (``merged``)."""
    if render is None and pages:
        with coverage_render(path) as own:
            return preflight(path, limits, chars, own)
    assert render is not None or not pages
    structure = preflight_structure(path, limits, render is not None and render.device_colour, pages)
    return preflight_finish(structure, limits, chars, render) if pages and render is not None else structure.report


@record
class Structure:
    """The part of a preflight that reads the file's objects (pikepdf): its report so far, the
    pages' (trim, media) boxes, and whether the file uses device colour only. A kept build's gate runs it in
    its kept process's worker (structure_worker.py) while pdfium reads the characters back;
    preflight_finish does the rest."""

    path: Path
    report: PreflightReport
    boxes: list[tuple[list[float], list[float]]]
    device_colour: bool
    # each page's places (its layout record's frames, its images placed): what the coverage check
    # names where ink is over the limit
    places: "list[InkPlaces]" = field(default_factory=list)


def preflight_structure(path: Path, limits: Limits = Limits(), device_colour: bool = True,
                        pages: bool = True) -> Structure:
    """The checks of ``path``'s objects and content streams, in preflight's order.
    ``device_colour``: whether the coverage render preflight_finish collects is in device colour
    (Render.device_colour), which holds only if the file names no other colour space."""
    report = PreflightReport(str(path))
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, FileNotFoundError, OSError) as exc:
        raise InputError(Loc.of_file(path), f"cannot open PDF: {exc}") from None
    with pdf:
        x4 = _identification(pdf, report)
        _output_profile(pdf, report, x4)
        _metadata(pdf, report, x4)
        if not pages:
            return Structure(path, report, [], False)
        device_colour = device_colour and _device_colour_only(pdf)
        places: list[InkPlaces] = []
        for number, page in enumerate(pdf.pages, 1):
            try:
                record = layout_record(page)
                _overset_mark(record, number, report)
                _boxes(page, number, report)
                _fonts(page, number, report)
                text_places = TextPlaces.of(record)
                images = _content(page, number, report, limits, x4, _image_names(record), text_places)
                places.append(InkPlaces(text_places, tuple(images)))
            except MALFORMED as exc:  # a PDF from elsewhere whose objects are not what their keys promise
                raise InputError(Loc.of_file(path), f"page {number}: a malformed object or content stream "
                                 f"({' '.join(str(exc).split())[:160] or type(exc).__name__}); not a PDF "
                                 "preflight can read") from None
        # (trim, media) of every page, for the checks that look at the rendered or read-back page
        boxes = [(_box(p, "/TrimBox") or _box(p, "/MediaBox"), _box(p, "/MediaBox")) for p in pdf.pages]
    return Structure(path, report, boxes, device_colour, places)


def preflight_finish(structure: Structure, limits: Limits, chars: list[PageChars] | None,
                     render: Render) -> PreflightReport:
    """The rest of a preflight after preflight_structure: text near the trim (from ``chars``, the
    read-back) and the coverage check on ``render``; its findings after the structure's."""
    path, report, boxes = structure.path, structure.report, structure.boxes
    _text_positions(path, report, limits, chars, [trim for trim, _ in boxes])
    places = structure.places
    if render.device_colour and not structure.device_colour:  # another colour space named: colour-managed
        with coverage_render(path, device_colour=False) as managed:
            _coverage(managed.process, managed.folder, boxes, report, limits, places)
    else:
        _collected(render, path, boxes, report, limits, places)
    return report


def _collected(render: Render, path: Path, boxes: list[tuple[list[float], list[float]]],
               report: PreflightReport, limits: Limits, places: "list[InkPlaces]") -> None:
    """The coverage check on a render started earlier; a server's whose Ghostscript failed is
    done again by a process of its own (which then reports the failure, if it is the file's)."""
    if render.pending is None:
        _coverage(render.process, render.folder, boxes, report, limits, places)
        return
    pages = render.pending()
    if pages is None or len(pages) != len(boxes):
        with coverage_render(path, render.device_colour) as own:
            _coverage(own.process, own.folder, boxes, report, limits, places)
        return
    try:
        _coverage_of(pages, boxes, report, limits, render.totals() if render.totals is not None else None, places)
    finally:
        for tiff in pages:
            tiff.unlink(missing_ok=True)


# Colour spaces other than DeviceCMYK and DeviceGray, by name (ISO 32000-1 §8.6; /RGB is an
# inline image's abbreviation, the Default* names remap device colour): a file naming one is
# rendered with colour management for the coverage check.
_MANAGED_NAMES = re.compile(rb"/(?:DeviceRGB|RGB|CalRGB|CalGray|CalCMYK|Lab|ICCBased|Indexed|I|DefaultRGB|"
                            rb"DefaultGray|DefaultCMYK)(?![^\s/\[\]()<>{}%])")
# Operators that paint in DeviceRGB without naming it, and inline images (BI), whose colour
# space is in the content stream: found as words between PDF delimiters (§7.2.2).
_MANAGED_OPS = re.compile(rb"(?<![^\s/\[\]()<>{}%])(?:rg|RG|BI)(?![^\s/\[\]()<>{}%])")


def _device_colour_only(pdf: pikepdf.Pdf) -> bool:
    """Whether the file can use only DeviceCMYK and DeviceGray (and spot colours whose alternate is
    one of them): no object names another colour space, and no content-like stream (anything but
    images, font programs, ICC profiles, metadata and functions) holds an RGB operator or an inline
    image. Conservative: a binary stream whose bytes happen to spell one sends the file the slow,
    colour-managed way, never the other way round."""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            head = obj.stream_dict
            if _MANAGED_NAMES.search(head.unparse()):
                return False
            if head.get("/Subtype") in ("/Image", "/CIDFontType0C", "/Type1C", "/OpenType") \
                    or any(k in head for k in ("/Length1", "/Length2", "/Length3", "/N", "/FunctionType")) \
                    or head.get("/Type") == "/Metadata":
                continue
            try:
                data = obj.read_bytes()
            except pikepdf.PdfError:
                return False
            if _MANAGED_NAMES.search(data) or _MANAGED_OPS.search(data):
                return False
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)) and _MANAGED_NAMES.search(obj.unparse()):
            return False
    return True


def _image_names(record: dict) -> dict[str, str]:
    """XObject name -> "photo file (article)" from our layout record, for findings a desk can act on."""
    out: dict[str, str] = {}
    for image in record.get("images", []) or []:
        if isinstance(image, dict):
            label = f"{image.get('file')} ({image.get('article')})"
            out[f"/FormXob.{image.get('name')}"] = out[f"/{image.get('name')}"] = label
    return out


class TextPlaces:
    """Where a text run stands, by our layout record's frames (render/pdf.py _layout_json, in PDF
    user space): the article, the part of its module (body, headline, subhead …) and the article's
    source file, so that a finding about small text in several inks names what a desk changes
    (the style of that article's part), not only the page. A PDF from elsewhere has no frames:
    every run is "" (the finding then names its cause only)."""

    def __init__(self, frames: list[tuple[str, str, tuple[float, float, float, float]]],
                 files: dict[str, str]) -> None:
        # the smallest frame first: a body frame inside its block names the part, the block the rest
        self.frames = sorted(frames, key=lambda f: (f[2][2] - f[2][0]) * (f[2][3] - f[2][1]))
        self.files = files

    def __eq__(self, other: object) -> bool:  # a structure worker's answer is compared with the caller's
        return isinstance(other, TextPlaces) and (self.frames, self.files) == (other.frames, other.files)

    __hash__ = None  # type: ignore[assignment]  # mutable lists: no hash, as a list has none

    @staticmethod
    def of(record: dict) -> "TextPlaces":
        frames = []
        for f in record.get("frames", []) if isinstance(record.get("frames"), list) else []:
            try:
                frames.append((str(f["article"]), str(f["kind"]),
                               (float(f["x0"]), float(f["y0"]), float(f["x1"]), float(f["y1"]))))
            except (KeyError, TypeError, ValueError):
                continue  # any PDF may carry anything under PieceInfo
        sources = record.get("sources")
        files = {str(k): str(v["file"]) for k, v in sources.items() if isinstance(v, dict) and "file" in v} \
            if isinstance(sources, dict) else {}
        return TextPlaces(frames, files)

    def at(self, x: float, y: float, size: float) -> str:
        """"article 'x' (body, content/x.md)" for a run of this size starting at (x, y), or "":
        the smallest part of a module holding it, else the nearest part within an em (a line
        starting with an opening bracket set half an em left of its frame, as record.owner allows;
        a line in the gutter beside its column for the same reason), else the block holding it."""
        block = self._smallest(x, y, parts=False)
        found = self._smallest(x, y, parts=True) or self._nearest(x, y, size, block[0] if block else None) or block
        if found is None:
            return ""
        article, kind, _ = found
        return self.label(article, [] if kind == "block" else [PART_SAID.get(kind, kind)])

    def label(self, article: str, parts: list[str]) -> str:
        """"article 'x' (body, content/x.md)": the parts named, then the article's source file."""
        source = [self.files[article]] if article in self.files else []
        return f"article {article!r}" + (f" ({', '.join(parts + source)})" if parts or source else "")

    def _smallest(self, x: float, y: float, parts: bool) -> "tuple[str, str, tuple[float, float, float, float]] | None":
        e = 0.05  # pt: the record rounds frames to 0.01 pt, a line starts at its frame's edge
        return next((f for f in self.frames if (f[1] != "block") == parts
                     and f[2][0] - e <= x <= f[2][2] + e and f[2][1] - e <= y <= f[2][3] + e), None)

    def _nearest(self, x: float, y: float, size: float,
                 article: str | None) -> "tuple[str, str, tuple[float, float, float, float]] | None":
        """The nearest part within ``size``; only ``article``'s when its block holds the point (a
        line in its gutter is its own, not its neighbour's across the rule)."""
        near = [(max(x0 - x, x - x1, 0.0) + max(y0 - y, y - y1, 0.0), k) for k, (a, kind, (x0, y0, x1, y1))
                in enumerate(self.frames) if kind != "block" and article in (None, a)]
        distance, k = min(near, default=(size + 1, -1))
        return self.frames[k] if distance <= size else None


# A frame kind of the layout record as a finding names it (README's words for a module's parts):
# "end", "ragged" and "short" mark single body lines for `check` (a paragraph's end near the
# measure, a line set flush left, a justified line set short): to a desk they are the body, one finding with the rest of it (trial 17a:
# one colour style said three times, as "body", "end" and no part).
PART_SAID = {"end": "body", "ragged": "body", "short": "body"}


Box4 = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF page space (y up)
# How far outside its block a module's box reaches: its frame on the centre of the gutter (half of
# a 1字 gutter of 五号 type, 5.3 pt), the rule's half weight, and a pixel of the 50 dpi render.
BOX_REACH = 8.0  # pt


@record(frozen=True)
class InkPlaces:
    """What stands where on a page, for the coverage check to say where ink is over the limit: the
    images placed (their labels and boxes, as _content found them) and the layout record's frames
    (TextPlaces). A desk acts on "photo a.jpg (article)" or "article 'x' (block, content/x.md)",
    not on "page 1" (trial 17a: a box's 400 % tint named no place)."""

    text: TextPlaces
    images: tuple[tuple[str, Box4], ...]

    def over(self, total: Image.Image, threshold: int, trim: list[float], scale: float) -> str:
        """"in article 'x' (block, content/x.md)", "in photo a.jpg (x)", or "at 20 mm from the left,
        50 mm from the top of the trim": where ``total`` (the page's C+M+Y+K raster cropped to
        ``trim``, ``scale`` pixels a point) exceeds ``threshold``. Each over-limit pixel goes to the
        smallest place holding it (a photo, then a part of a module, then a module's block, then
        the block widened to its box's frame); pixels in no place are given by their extent on
        the trim (a PDF from elsewhere has no record: all of them)."""
        mask = ImageMath.lambda_eval(lambda a: (a["t"] > threshold) * 255, t=total).convert("L")
        left, top = min(trim[0], trim[2]), max(trim[1], trim[3])

        def pixels(rect: Box4) -> tuple[int, int, int, int]:
            return (max(0, math.floor((rect[0] - left) * scale)), max(0, math.floor((top - rect[3]) * scale)),
                    min(mask.width, math.ceil((rect[2] - left) * scale)), min(mask.height, math.ceil((top - rect[1]) * scale)))

        said: list[str] = []
        parts: dict[str, list[str]] = {}  # article -> its parts over the limit, in the order found
        for label, rect in self.images:
            box = pixels(rect)
            if box[0] < box[2] and box[1] < box[3] and mask.crop(box).getbbox():
                said.append(f"photo {label}")
                mask.paste(0, box)
        # the frames as they are, then each block widened by BOX_REACH: a box's frame stands on the
        # centre of the gutter beside it (its rule over its tint is the module's, not the paper's)
        widened = [(a, k, (r[0] - BOX_REACH, r[1] - BOX_REACH, r[2] + BOX_REACH, r[3] + BOX_REACH))
                   for a, k, r in self.text.frames if k == "block"]
        for article, kind, rect in [*self.text.frames, *widened]:
            box = pixels(rect)
            if box[0] < box[2] and box[1] < box[3] and mask.crop(box).getbbox():
                part = PART_SAID.get(kind, kind)
                if part not in parts.setdefault(article, []):
                    parts[article].append(part)
                mask.paste(0, box)
        for article, found in parts.items():
            # the parts over the limit (black text overprinting a tint: the text's places); the
            # block only when no part is (its ground alone: a tint, a rule). A box rule's pixels on
            # the block's edge come and go with a render's rounding: they never decide the words.
            named = [part for part in found if part != "block"] or ["block"]
            said.append(self.text.label(article, named))
        phrases = ["in " + ", ".join(said)] if said else []
        rest = mask.getbbox()
        if rest is not None:
            x0, y0, x1, y1 = rest
            phrases.append(f"at {x0 / scale / MM:.0f} mm from the left, {y0 / scale / MM:.0f} mm from the top of "
                           f"the trim ({(x1 - x0) / scale / MM:.0f} × {(y1 - y0) / scale / MM:.0f} mm)")
        return ", and ".join(phrases)


def _overset_mark(record: dict, number: int, report: PreflightReport) -> None:
    """Our PDFs record overset they were built with (--allow-overset) in the page's PieceInfo:
    text is missing from such a page, so it is never fit to print."""
    overset = record.get("overset")
    if overset:
        parts = ", ".join(f"{o.get('article')!s} ({counted(int(o.get('chars') or 0), 'character')})" for o in overset if isinstance(o, dict))
        report.add("error", "overset", f"built with overset allowed; text that did not fit: {parts}", number)


def _identification(pdf: pikepdf.Pdf, report: PreflightReport) -> bool:
    """GTS identification, OutputIntent, Trapped, encryption; returns whether the file claims PDF/X-4
    (whose rules differ: ISO 15930-7), else it is held to PDF/X-1a's."""
    info = pdf.docinfo
    version = str(info.get("/GTS_PDFXVersion", ""))
    x4 = version == "PDF/X-4"
    if not version.startswith("PDF/X-"):
        report.add("error", "pdfx", "no GTS_PDFXVersion in the Info dictionary: not a PDF/X file")
    elif version.startswith("PDF/X-4") and not x4:
        report.add("error", "pdfx", f"GTS_PDFXVersion {version!r}: PDF/X-4 is spelt exactly 'PDF/X-4'")
    if version.startswith("PDF/X-1") and str(info.get("/GTS_PDFXConformance", "")) not in ("PDF/X-1a:2001",):
        report.add("error", "pdfx", "GTS_PDFXConformance must be PDF/X-1a:2001 beside PDF/X-1:2001")
    if version.startswith("PDF/X-1") and pdf.pdf_version > "1.4":
        report.add("error", "version", f"PDF {pdf.pdf_version}; PDF/X-1a allows 1.3 (2001) or 1.4 (2003)")
    if x4 and "/GTS_PDFXConformance" in info:
        report.add("warning", "pdfx", "GTS_PDFXConformance in a PDF/X-4 file (X-4 has no conformance levels)")
    if x4 and pdf.pdf_version > "1.6":
        report.add("warning", "version", f"PDF {pdf.pdf_version}; PDF/X-4 is based on PDF 1.6 (ISO 15930-7)")
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFX"]
    if len(intents) != 1:
        report.add("error", "output intent", f"{len(intents)} GTS_PDFX OutputIntents; exactly one is required")
    for intent in intents:
        if "/OutputConditionIdentifier" not in intent:
            report.add("error", "output intent", "the OutputIntent has no OutputConditionIdentifier")
        if "/DestOutputProfile" not in intent and not str(intent.get("/RegistryName", "")).strip():
            report.add("error", "output intent", "destination profile must be embedded or RegistryName filled out")
    if str(info.get("/Trapped", "")) not in ("/True", "/False"):
        report.add("error", "pdfx", "Trapped must be True or False")
    if "/Encrypt" in pdf.trailer:
        report.add("error", "pdfx", "the file is encrypted")
    return x4


def _output_profile(pdf: pikepdf.Pdf, report: PreflightReport, x4: bool) -> None:
    """The DestOutputProfile: required in X-4 (ISO 15930-7), optional beside a RegistryName in X-1a;
    when present, an output profile (device class 'prtr') for CMYK with /N 4 (ICC.1 §7.2.5, §7.2.6;
    ISO 32000-1 §8.6.5.5)."""
    for intent in [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFX"]:
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            if x4:
                report.add("error", "output intent", "PDF/X-4 requires the output profile embedded (DestOutputProfile)")
            continue
        try:
            head = profile.read_bytes()[:20]
        except pikepdf.PdfError as exc:
            report.add("error", "output intent", f"the DestOutputProfile cannot be read ({exc})")
            continue
        if len(head) < 20 or head[12:16] != b"prtr":
            report.add("error", "output intent", f"the DestOutputProfile is not an output (prtr) profile "
                       f"(class {head[12:16]!r})")
        if head[16:20] != b"CMYK" or int(profile.get("/N", 0)) != 4:
            report.add("error", "output intent", f"the DestOutputProfile is not a four-component CMYK profile "
                       f"(space {head[16:20]!r}, /N {profile.get('/N')})")


# Info key -> XMP property that must say the same (XMP Specification Part 1, Annex; PRINT.md).
AGREEING = (("/Title", "dc:title"), ("/Producer", "pdf:Producer"), ("/CreationDate", "xmp:CreateDate"),
            ("/ModDate", "xmp:ModifyDate"), ("/Trapped", "pdf:Trapped"), ("/GTS_PDFXVersion", "pdfxid:GTS_PDFXVersion"))


def _metadata(pdf: pikepdf.Pdf, report: PreflightReport, x4: bool) -> None:
    """XMP: required in X-4, with pdfxid:GTS_PDFXVersion (ISO 15930-7 §6.7.7); in either version,
    whatever it says must agree with the Info dictionary."""
    if "/Metadata" not in pdf.Root:
        if x4:
            report.add("error", "metadata", "PDF/X-4 requires XMP metadata (no Metadata stream in the catalog)")
        return
    wanted = [key for _, key in AGREEING] + ["xmpMM:DocumentID", "xmpMM:VersionID", "xmpMM:RenditionClass"]
    try:
        found = xmp_properties(pdf.Root.Metadata.read_bytes(), wanted)
    except (pikepdf.PdfError, AttributeError, ValueError, SyntaxError) as exc:  # ET.ParseError is a SyntaxError
        report.add("error", "metadata", f"the XMP metadata cannot be read ({exc})")
        return
    values = {key: found.get(key) for _, key in AGREEING}
    ids = {key: found.get(key) for key in ("xmpMM:DocumentID", "xmpMM:VersionID", "xmpMM:RenditionClass")}
    info = pdf.docinfo
    for info_key, xmp_key in AGREEING:
        in_xmp, in_info = values[xmp_key], info.get(info_key)
        if in_xmp is None:
            if x4 and xmp_key == "pdfxid:GTS_PDFXVersion":
                report.add("error", "metadata", "PDF/X-4 requires pdfxid:GTS_PDFXVersion in the XMP metadata")
            continue
        if in_info is not None and not _same(str(in_info), str(in_xmp), info_key):
            report.add("error", "metadata", f"Info {info_key[1:]} {str(in_info)!r} and XMP {xmp_key} "
                       f"{str(in_xmp)!r} disagree")
    if x4:
        for key, value in ids.items():
            if not value:
                report.add("warning", "metadata", f"no {key} in the XMP metadata (expected in PDF/X-4)")


# The XMP namespaces of the properties preflight reads (XMP Specification Part 1 §8; Part 2 §8;
# ISO 15930-7 Annex for pdfxid:). Read with the standard library's expat parser rather than
# pikepdf's open_metadata(), which loads lxml: 15-30 ms of every gated build for a dozen values.
XMP_URIS = {"dc": "http://purl.org/dc/elements/1.1/", "pdf": "http://ns.adobe.com/pdf/1.3/",
            "xmp": "http://ns.adobe.com/xap/1.0/", "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
            "pdfxid": "http://www.npes.org/pdfx/ns/id/"}
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def xmp_properties(packet: bytes, names: list[str]) -> dict[str, str]:
    """The text of the simple XMP properties ``names`` (``prefix:local``) found in ``packet``, as
    pikepdf's metadata reader gives them: a property element's text or an rdf:Description's
    attribute (RDF's abbreviated form), and a language alternative (rdf:Alt, e.g. dc:title) as its
    x-default item, else its first. Raises SyntaxError (xml.etree's ParseError) on a broken packet."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(packet)
    qualified = {}
    for name in names:
        prefix, _, local = name.partition(":")
        qualified["{" + XMP_URIS[prefix] + "}" + local] = name
    found: dict[str, str] = {}
    for description in root.iter(RDF + "Description"):
        for attribute, value in description.attrib.items():
            if attribute in qualified:
                found.setdefault(qualified[attribute], value)
        for prop in description:
            if prop.tag in qualified and qualified[prop.tag] not in found:
                text = _xmp_text(prop)
                if text is not None:
                    found[qualified[prop.tag]] = text
    return found


def _xmp_text(prop) -> str | None:  # type: ignore[no-untyped-def]  # an ElementTree Element
    alt = prop.find(RDF + "Alt")
    if alt is not None:
        items = alt.findall(RDF + "li")
        chosen = next((li for li in items if li.get(XML_LANG) == "x-default"), items[0] if items else None)
        return None if chosen is None else (chosen.text or "")
    items = prop.findall(f"{RDF}Seq/{RDF}li") + prop.findall(f"{RDF}Bag/{RDF}li")
    if items:  # an array where a simple value belongs: as pikepdf's list would print, never equal to Info
        return str([li.text or "" for li in items])
    if len(prop):  # a structure: no simple value
        return None
    return prop.get(RDF + "resource", prop.text or "")


def _same(info_value: str, xmp_value: str, info_key: str) -> bool:
    if info_key in ("/CreationDate", "/ModDate"):
        in_info, in_xmp = _pdf_instant(info_value), _xmp_instant(xmp_value)
        return in_info is not None and in_info == in_xmp
    return info_value.lstrip("/") == xmp_value


PDF_DATE = re.compile(r"D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?([Zz+-])?(\d\d)?'?(\d\d)?'?")


def _pdf_instant(text: str) -> datetime.datetime | None:
    """A PDF date string (ISO 32000-1 §7.9.4) as an aware datetime; no offset counts as UTC."""
    match = PDF_DATE.match(text.strip())
    if match is None:
        return None
    y, mo, d, h, mi, s, sign, oh, om = match.groups()
    offset = datetime.timedelta(hours=int(oh or 0), minutes=int(om or 0))
    tz = datetime.timezone(-offset if sign == "-" else offset)
    return datetime.datetime(int(y), int(mo or 1), int(d or 1), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz)


def _xmp_instant(text: str) -> datetime.datetime | None:
    try:
        when = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)


def _box(page: pikepdf.Page, key: str) -> list[float] | None:
    value = page.obj.get(key)
    return [float(v) for v in value] if value is not None else None


def _inside(inner: list[float], outer: list[float]) -> bool:
    return (inner[0] >= outer[0] - 0.01 and inner[1] >= outer[1] - 0.01
            and inner[2] <= outer[2] + 0.01 and inner[3] <= outer[3] + 0.01)


def _boxes(page: pikepdf.Page, number: int, report: PreflightReport) -> None:
    media, trim, bleed = _box(page, "/MediaBox"), _box(page, "/TrimBox"), _box(page, "/BleedBox")
    if trim is None:
        report.add("error", "boxes", "no TrimBox", number)
        return
    if bleed is not None and not _inside(trim, bleed):
        report.add("error", "boxes", "the TrimBox is not inside the BleedBox", number)
    if media is not None and not _inside(bleed or trim, media):
        report.add("error", "boxes", "the BleedBox is not inside the MediaBox", number)


def _fonts(page: pikepdf.Page, number: int, report: PreflightReport) -> None:
    for name, font in _all_fonts(page.obj.get("/Resources")):
        subtype = str(font.get("/Subtype"))
        target = font["/DescendantFonts"][0] if subtype == "/Type0" else font
        if subtype == "/Type3":
            continue  # glyphs are content streams
        desc = target.get("/FontDescriptor")
        embedded = desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        if not embedded:
            report.add("error", "fonts", f"font {font.get('/BaseFont')} ({name}) is not embedded", number)


def _all_fonts(resources, seen: set | None = None):
    seen = seen if seen is not None else set()
    if resources is None:
        return
    for name, font in (resources.get("/Font") or {}).items():
        yield name, font
    for name, xobj in (resources.get("/XObject") or {}).items():
        if xobj.get("/Subtype") == "/Form" and xobj.objgen not in seen:
            seen.add(xobj.objgen)
            yield from _all_fonts(xobj.get("/Resources"), seen)


RGB_SPACES = ("/DeviceRGB", "/CalRGB", "/Lab")
# PDF/X-4 allows device-independent colour (ISO 15930-7): calibrated and ICC-based spaces and Lab;
# device RGB stays out, its meaning on a CMYK press being undefined.
X4_ALLOWED = ("/CalRGB", "/CalGray", "/Lab", "/ICCBased")


def _colour_space_problem(cs, x4: bool = False) -> str | None:
    """What is wrong with colour space ``cs`` for the file's PDF/X version, or None. Spot colours
    (/Separation, /DeviceN, the colorant /All included, ISO 32000-1 §8.6.6.4) are allowed; their
    alternate space is checked like any other."""
    if isinstance(cs, pikepdf.Name):
        name = str(cs)
        return name if name in RGB_SPACES and not (x4 and name in X4_ALLOWED) else None
    if isinstance(cs, pikepdf.Array) and len(cs) > 0:
        family = str(cs[0])
        if x4 and family in X4_ALLOWED:
            return None
        if family in RGB_SPACES:
            return family
        if family == "/ICCBased":
            return "/ICCBased (not allowed in PDF/X-1a)"
        if family == "/Indexed":
            return _colour_space_problem(cs[1], x4)
        if family in ("/Separation", "/DeviceN") and len(cs) > 2:
            problem = _colour_space_problem(cs[2], x4)
            return f"{family} with alternate {problem}" if problem else None
    return None


@record
class _State:
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    fill: tuple[float, ...] = ()
    line_width: float = 1.0
    stroke: tuple[float, ...] = ()
    fill_overprint: bool = False  # /op (ISO 32000-1 §8.6.7; /op defaults to /OP)
    stroke_overprint: bool = False  # /OP
    render_mode: int = 0  # Tr (ISO 32000-1 §9.3.6): 0 fills the glyphs; 3 is invisible (an OCR layer)

    def copy(self) -> "_State":
        return _State(self.ctm, self.fill, self.line_width, self.stroke, self.fill_overprint, self.stroke_overprint,
                      self.render_mode)


def overprint_problem(colour: tuple[float, ...]) -> str | None:
    """What is wrong with this colour overprinting (PRINT.md: only 100 % K text and rules overprint):
    white vanishes (nothing is painted where it should knock out), colour mixes with what is under
    it. A DeviceGray or DeviceCMYK black, or a K-only tint, may overprint."""
    if _white(colour):
        return "white set to overprint (it vanishes in print)"
    if len(colour) == 4:
        if max(colour[:3]) > 0.001:
            return f"colour {tuple(round(v * 100) for v in colour)} set to overprint (it mixes with what lies under it)"
    return None


_PAINT_FILL = frozenset(("f", "F", "f*", "B", "B*", "b", "b*"))
_PAINT_STROKE = frozenset(("S", "s", "B", "B*", "b", "b*"))
_SHOW_TEXT = frozenset(("Tj", "TJ", "'", '"'))
# The graphics and text state _content follows (ISO 32000-1 Table 51 and §9.3, §9.4.2).
_STATE = frozenset(("q", "Q", "cm", "rg", "RG", "k", "g", "K", "G", "CS", "gs", "w", "Tf", "Tm", "Do",
                    # a fill in another colour space (a spot colour, /All) and the text render mode:
                    # the legibility rule judges only type it knows the colour of, filled
                    "cs", "sc", "scn", "Tr"))
# Path construction and ending _content follows for the grounds text is reversed out of: a filled
# rectangle (a tinted panel, as our PDFs draw one) and the no-op ending that drops a path.
_GROUND = frozenset(("re", "n"))
# Every operator _content looks at, and so all that pikepdf is asked to hand it: BT, ET, path
# construction, Td and the like change nothing it checks (a third of a page's instructions,
# each a Python object less; tests/test_gate.py holds _content's comparisons to this list).
WATCHED_OPERATORS = " ".join(sorted(_PAINT_FILL | _PAINT_STROKE | _SHOW_TEXT | _STATE | _GROUND))


def _mul(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


@record(frozen=True)
class InkRule:
    """What misregistration shows, a hair between the plates: small text in ``min_inks`` inks or
    more of its own (``text``), white text knocked out of a ground of that many inks (``reversed``),
    whose plates fill a thin serif or hairline in, or a thin rule in that many inks (``rule``),
    whose plates part into coloured fringes. Text is judged under ``Limits.rich_black_text``
    (12 pt), a rule under ``thinner`` (its weight, pt)."""

    kind: str  # "text", "reversed" (the inks counted are the ground's under white text), "rule"
    min_inks: int
    cause: str  # the finding's words: {size} (a rule's weight), {n} inks, {inks} (percentages)
    thinner: float = 0.0  # pt: a rule's weight under which it is warned (the "rule" entry's)


# PRINT.md, "Black text and thin rules: 100 % K only … Small text never in four colours or reversed
# below about 8 pt bold": a text colour of two inks or more under 12 pt is warned (trial 9), and so
# is white type of that size reversed out of a ground of two inks or more (trial 17a: 9 pt white
# 宋体 out of a four-ink panel drew no word while 9 pt text in two inks did). White out of one ink
# (a black tint) has no plates to misregister. Bold or sans type holds up better, as PRINT.md
# says, but the check does not know a face's weight: the same limit for all, as for colour text.
# A coloured rule (trial 17a #10) is the same risk: under 1 pt (0.35 mm, the weight of a module's
# heavier rules) a rule of two inks or more is a few times the register drift a newspaper press
# holds to (a tenth of a millimetre or so), and shows its plates apart as fringes. The number is
# this project's judgement from PRINT.md's "thin rules: 100 % K only", not a standard's.
REGISTRATION_RULES: dict[str, InkRule] = {rule.kind: rule for rule in (
    InkRule("text", 2, "{size:g} pt text in {n} inks {inks}: misregistration makes it fuzzy"),
    InkRule("reversed", 2, "{size:g} pt white text reversed out of {n} inks {inks}: misregistration fills it in"),
    InkRule("rule", 2, "{size:g} pt rule in {n} inks {inks}: misregistration shows its colours apart", thinner=1.0),
)}


def rule_registration(weight: float, colour: tuple[float, ...]) -> str | None:
    """The cause a rule of this weight (pt) and colour (fractions of each ink, DeviceCMYK) is
    warned of (REGISTRATION_RULES["rule"]), or None. The same words for a stroke read from any
    PDF (_content) and for a rule the spec colours (build.py, at the spec's line)."""
    rule = REGISTRATION_RULES["rule"]
    if len(colour) != 4 or weight <= 0 or weight >= rule.thinner - 1e-9 or _inks(colour) < rule.min_inks:
        return None
    return rule.cause.format(size=round(weight, 2), n=_inks(colour), inks=tuple(round(v * 100) for v in colour))


@record(frozen=True)
class LegibilityRule:
    """Type whose printed darkness differs from its ground's by less than ``min_difference`` (0 the
    paper, 1 solid black: printed_darkness) is hard to read (``severity`` warning) or cannot be
    read at all (error)."""

    min_difference: float
    severity: str
    cause: str  # the finding's closing words


# Type on a ground (a box tint, a coloured panel, a solid, or the paper) too near it in darkness.
# The measure is the difference of printed darkness (printed_darkness: L* on our newsprint profile,
# so dot gain, and that yellow is nearly as light as the paper, are counted), one number for every
# pairing: black or dark type on a ground past 60 % darkness, white or light type on one under
# 40 %, colour type on a colour ground of like darkness. Source: judgement, against the newspaper
# production guides found (USA TODAY's ad production specifications: no type surprinted on a screen
# over 30 %, type reversed only out of a screen of 30 % or more; the Chicago Tribune's: surprint on
# 25 % or less, reverse out of a black screen of 70 % or more). Those are for optimum reproduction
# and disagree by 40 points on reverse type; 40 points of printed darkness is the difference at
# which the eye, on our pages, says "barely reads" (ink-places: black type on an 80 % K panel, 14
# points apart; white on 20 %, 28 points) and a 10 % tint behind black type (84 points) passes.
# WCAG 2's contrast ratio (screens, not paper) was not used: on newsprint even black type on bare
# paper reaches only about 8:1, and its 4.5:1 would warn 40 % tints behind black body type that
# read well in print. Under 10 points (white on a tint of about 6 % K or less, black on about 85 % K
# or more: an L* difference of about 5, which a reader sees only side by side) the type is
# effectively invisible: an error,
# the page is not fit to print; between the two a warning, for the desk to judge: the page prints,
# and a headline set so on purpose (a ghosted kicker) is the desk's to keep.
LEGIBILITY_RULES: tuple[LegibilityRule, ...] = (
    LegibilityRule(0.10, "error", "it cannot be read"),
    LegibilityRule(0.40, "warning", "it barely reads"),
)


@functools.lru_cache(maxsize=1)
def _to_lab() -> "ImageCms.ImageCmsTransform":
    # imported here: littleCMS loads only when a page has coloured type to judge (startup cost)
    from PIL import ImageCms

    # relative colorimetric: the paper is white (L* 100) to a reader's eye, whatever its shade
    return ImageCms.buildTransform(ImageCms.getOpenProfile(str(NEWSPRINT_PROFILE)), ImageCms.createProfile("LAB"),
                                   "CMYK", "LAB", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


def _lightness(cmyk: tuple[float, float, float, float]) -> float:
    """L* (0–100) of a DeviceCMYK colour printed on newsprint (the OutputIntent's profile)."""
    from PIL import ImageCms

    pixel = Image.new("CMYK", (1, 1), tuple(round(min(1.0, max(0.0, v)) * 255) for v in cmyk))
    return ImageCms.applyTransform(pixel, _to_lab()).getpixel((0, 0))[0] / 255 * 100


@functools.lru_cache(maxsize=256)
def printed_darkness(colour: tuple[float, ...]) -> float:
    """How dark a DeviceCMYK (or DeviceGray) colour prints on newsprint, 0 the paper to 1 solid
    black: its L* through our newsprint profile (CGATS TR 002, relative colorimetric, littleCMS)
    as a share of the way from the paper's L* to 100 % K's. A black tint prints darker than its
    number (80 % K: about 0.86, the press's dot gain); solid yellow about 0.08."""
    cmyk = _as_cmyk(colour)
    # the scale's two ends by definition (ink only darkens): most type is one of them, and then
    # littleCMS is not loaded at all (the startup of a kept edit)
    if cmyk[3] >= 1.0:
        return 1.0
    if not any(cmyk):
        return 0.0
    paper, black = _lightness((0.0, 0.0, 0.0, 0.0)), _lightness((0.0, 0.0, 0.0, 1.0))
    return round(min(1.0, max(0.0, (paper - _lightness(cmyk)) / (paper - black))), 3)


def _as_cmyk(colour: tuple[float, ...]) -> tuple[float, float, float, float]:
    """A DeviceGray colour (1 white) as the black tint it prints as; a DeviceCMYK one as it is."""
    return (0.0, 0.0, 0.0, 1.0 - colour[0]) if len(colour) == 1 else (colour[0], colour[1], colour[2], colour[3])


def _illegible(text: tuple[float, ...], ground: tuple[float, ...]) -> LegibilityRule | None:
    """The strictest legibility rule this type and ground break, or None."""
    difference = abs(printed_darkness(text) - printed_darkness(ground))
    return next((rule for rule in sorted(LEGIBILITY_RULES, key=lambda r: r.min_difference)
                 if difference < rule.min_difference), None)


def _on_trim(rect: tuple[float, float, float, float], page: pikepdf.Page) -> str:
    """"at 20 mm from the left, 50 mm from the top of the trim (80 × 40 mm)": a box on the page."""
    try:
        box = _box(page, "/TrimBox") or _box(page, "/MediaBox") or [0.0, 0.0, 0.0, 0.0]
    except MALFORMED:
        box = [0.0, 0.0, 0.0, 0.0]
    left, top = min(box[0], box[2]), max(box[1], box[3])
    return (f"at {(rect[0] - left) / MM:.0f} mm from the left, {(top - rect[3]) / MM:.0f} mm from the top of the "
            f"trim ({(rect[2] - rect[0]) / MM:.0f} × {(rect[3] - rect[1]) / MM:.0f} mm)")


def _inks(colour: tuple[float, ...]) -> int:
    """How many plates a DeviceCMYK colour prints on (a DeviceGray one: the black plate, or none)."""
    if len(colour) == 1:
        return int(colour[0] < 0.999)
    return sum(v > 0.001 for v in colour)


def _white(colour: tuple[float, ...]) -> bool:
    return (len(colour) == 1 and colour[0] >= 0.999) or (len(colour) == 4 and max(colour) <= 0.001)


@record(frozen=True)
class _Ground:
    """A painted rectangle in page space (x0, y0, x1, y1) and its fill: what text set over it is
    reversed out of. ``fill`` None: a picture, whose inks vary (text over it is not judged)."""

    rect: tuple[float, float, float, float]
    fill: tuple[float, ...] | None


def _ground_under(grounds: list[_Ground], x: float, y: float) -> _Ground | None:
    """The last painted (topmost) ground holding the point, or None (the paper)."""
    return next((g for g in reversed(grounds) if g.rect[0] <= x <= g.rect[2] and g.rect[1] <= y <= g.rect[3]), None)


def _page_rect(ctm: tuple[float, ...], x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
    """A rectangle of user space (``re``'s operands) as the box it covers in page space."""
    xs = [ctm[0] * u + ctm[2] * v + ctm[4] for u, v in ((x, y), (x + w, y), (x, y + h), (x + w, y + h))]
    ys = [ctm[1] * u + ctm[3] * v + ctm[5] for u, v in ((x, y), (x + w, y), (x, y + h), (x + w, y + h))]
    return (min(xs), min(ys), max(xs), max(ys))


def _content(page: pikepdf.Page, number: int, report: PreflightReport, limits: Limits, x4: bool = False,
             named: dict[str, str] | None = None, places: TextPlaces | None = None) -> list[tuple[str, tuple[float, float, float, float]]]:
    """``named``: photos by XObject name (_image_names), ``places``: where a text run stands
    (TextPlaces), for the findings. Returns each image placed: its label and the box it covers
    in page space, for the coverage check to name (InkPlaces)."""
    named = named or {}
    places = places or TextPlaces([], {})
    resources = page.obj.get("/Resources") or pikepdf.Dictionary()
    for name, gs in (resources.get("/ExtGState") or {}).items():
        if x4:
            break  # PDF/X-4 allows live transparency (ISO 15930-7)
        if gs.get("/SMask") not in (None, pikepdf.Name("/None")) or float(gs.get("/CA", 1)) < 1 \
                or float(gs.get("/ca", 1)) < 1 or str(gs.get("/BM", "/Normal")) not in ("/Normal", "/Compatible"):
            report.add("error", "transparency", f"graphics state {name} uses transparency", number)
    xobjects = resources.get("/XObject") or {}
    states = resources.get("/ExtGState") or {}
    state = _State()
    stack: list[_State] = []
    overprinted: dict[str, int] = {}  # problem -> how many paint operations
    # small text in several inks: (check, size, colour, where) -> how many text runs; one finding a
    # cause and place, with its count (trial 9: ten identical lines naming only the page)
    multi_ink: dict[tuple[str, float, tuple[float, ...], str], int] = {}
    # type too near its ground's darkness: (text colour, ground, where) -> text runs; one finding
    # a pairing and place, as for multi_ink
    faint: dict[tuple[tuple[float, ...], _Ground | None, str], int] = {}
    text_size, tm_scale, tm_origin = 0.0, 1.0, (0.0, 0.0)
    least_text, least_rule, least_ppi = 1e9, 1e9, 1e9
    thin_rules: dict[str, int] = {}  # a thin rule in several inks: its cause -> how many strokes
    path: list[tuple[float, float, float, float]] = []  # the rectangles of the path being built
    grounds: list[_Ground] = []  # what has been painted, in order: what white text stands on
    placed_images: list[tuple[str, tuple[float, float, float, float]]] = []
    for instruction in pikepdf.parse_content_stream(page, WATCHED_OPERATORS):
        # by attribute: unpacking an instruction iterates it through pybind11's __getitem__ until
        # IndexError, a third of this check's time on a broadsheet page
        operands, op = instruction.operands, str(instruction.operator)
        if op in _PAINT_FILL or op in _SHOW_TEXT:
            problem = overprint_problem(state.fill) if state.fill_overprint else None
            if problem:
                overprinted[problem] = overprinted.get(problem, 0) + 1
        if op in _PAINT_STROKE:
            problem = overprint_problem(state.stroke) if state.stroke_overprint else None
            if problem:
                overprinted[problem] = overprinted.get(problem, 0) + 1
        if op in _PAINT_FILL and path and len(state.fill) in (1, 4):
            grounds += [_Ground(rect, state.fill) for rect in path]
        if op in _PAINT_FILL or op in _PAINT_STROKE or op == "n":
            path = []  # painted or dropped: the next path starts empty
        if op == "re":
            path.append(_page_rect(state.ctm, *(float(v) for v in operands)))
        elif op == "q":
            stack.append(state.copy())
        elif op == "Q" and stack:
            state = stack.pop()
        elif op == "cm":
            state.ctm = _mul(tuple(float(v) for v in operands), state.ctm)
        elif op in ("rg", "RG"):
            report.add("error", "colour", f"DeviceRGB colour ({op})", number)
        elif op in ("k", "g"):
            state.fill = tuple(float(v) for v in operands)
        elif op in ("cs", "sc", "scn"):
            state.fill = ()  # not DeviceCMYK or gray: its darkness is not judged
        elif op == "Tr":
            state.render_mode = int(operands[0])
        elif op in ("K", "G"):
            state.stroke = tuple(float(v) for v in operands)
        elif op == "gs":
            gs = states.get(str(operands[0]))
            if gs is not None:
                if "/OP" in gs:
                    state.stroke_overprint = bool(gs.OP)
                    state.fill_overprint = bool(gs.get("/op", gs.OP))
                if "/op" in gs:
                    state.fill_overprint = bool(gs.op)
        elif op == "w":
            state.line_width = float(operands[0]) * abs(state.ctm[0])
        elif op in ("S", "s"):
            least_rule = min(least_rule, state.line_width)
            cause = rule_registration(state.line_width, state.stroke)
            if cause is not None:
                thin_rules[cause] = thin_rules.get(cause, 0) + 1
        elif op == "CS":  # a stroke in a named colour space (our marks' /All): no DeviceCMYK inks to count
            state.stroke = ()
        elif op == "Tf":
            text_size = float(operands[1])
        elif op == "Tm":
            tm_scale = (float(operands[0]) ** 2 + float(operands[1]) ** 2) ** 0.5
            tm_origin = (float(operands[4]), float(operands[5]))  # our PDFs set each line with its own Tm
        elif op in ("Tj", "TJ", "'", '"'):
            size = text_size * tm_scale * abs(state.ctm[0])
            least_text = min(least_text, size)
            fill = state.fill
            check, inks = None, fill
            ctm, (tx, ty) = state.ctm, tm_origin
            x, y = tx * ctm[0] + ty * ctm[2] + ctm[4], tx * ctm[1] + ty * ctm[3] + ctm[5]
            if len(fill) == 4 and size < limits.rich_black_text:
                # PRINT.md: small text must be 100 % K only (rich black: colour under it shows as a
                # fringe), and in more than one ink it goes fuzzy with misregistration
                if fill[3] >= 0.9 and max(fill[:3]) > 0:
                    check = "rich black"
                elif _inks(fill) >= REGISTRATION_RULES["text"].min_inks:
                    check = "registration"
            if check is None and size < limits.rich_black_text and _white(fill) and not state.fill_overprint:
                ground = _ground_under(grounds, x, y)  # white knocks out of what it stands on
                if ground is not None and ground.fill is not None \
                        and _inks(ground.fill) >= REGISTRATION_RULES["reversed"].min_inks:
                    check, inks = "reversed", ground.fill
            if check is not None:
                where = places.at(x, y, size) if places.frames else ""
                key = (check, round(size, 1), inks, where)
                multi_ink[key] = multi_ink.get(key, 0) + 1
            if len(fill) in (1, 4) and state.render_mode == 0:
                # the ground under the glyph's body (a third of an em up and in from its origin), not
                # under its origin: a rule under the baseline is no ground; a picture's is not judged
                under = _ground_under(grounds, x + size / 3, y + size / 3)
                if (under is None or under.fill is not None) and _illegible(fill, under.fill if under else (0, 0, 0, 0)):
                    where = places.at(x, y, size) if places.frames else ""
                    faint[(fill, under, where)] = faint.get((fill, under, where), 0) + 1
        elif op == "Do":
            xobj = xobjects.get(str(operands[0]))
            if xobj is not None and xobj.get("/Subtype") == "/Image":
                label = named.get(str(operands[0]), f"image {operands[0]}")
                problem = _colour_space_problem(xobj.get("/ColorSpace"), x4)
                if problem:
                    report.add("error", "colour", f"{label} in {problem}", number)
                if "/SMask" in xobj and not x4:
                    report.add("error", "transparency", f"{label} has a soft mask", number)
                placed = _placed_image(state.ctm, float(xobj.get("/Width")), float(xobj.get("/Height")))
                covered = _page_rect(state.ctm, 0.0, 0.0, 1.0, 1.0)
                grounds.append(_Ground(covered, None))
                placed_images.append((label, covered))
                ppi = round(placed.ppi, PPI_DIGITS)  # the matrix's rounding is no resolution lost
                least_ppi = min(least_ppi, ppi)
                if ppi < limits.min_ppi_error:
                    report.add("error", "resolution", f"{label} at {ppi:.0f} ppi{placed.axes()}", number)
                elif ppi < limits.min_ppi_warn:
                    report.add("warning", "resolution", f"{label} at {ppi:.0f} ppi{placed.axes()}", number)
                if placed.distorted():
                    where = _where(state.ctm, page)
                    report.add("error", "distortion", f"photo distorted: {label}{where} is {placed.distortion()}",
                               number)
    for problem, count in overprinted.items():
        report.add("error", "overprint", f"{problem}: {count} time{'s' if count != 1 else ''}", number)
    for (check, size, fill, where), count in multi_ink.items():
        inks = tuple(round(v * 100) for v in fill)
        rule = REGISTRATION_RULES["reversed" if check == "reversed" else "text"]
        cause = (f"{size:g} pt text in rich black {inks}" if check == "rich black" else
                 rule.cause.format(size=size, n=_inks(fill), inks=inks))
        runs = f"{count} text run{'s' if count != 1 else ''}"
        report.add("warning", "registration" if check == "reversed" else check,
                   f"{cause}; {runs} in {where}" if where else f"{cause}; {runs}", number)
    for (fill, under, where), count in faint.items():
        ground = under.fill if under is not None and under.fill is not None else (0.0, 0.0, 0.0, 0.0)
        rule = _illegible(fill, ground)
        assert rule is not None  # kept only when it broke one
        text, bottom = printed_darkness(fill), printed_darkness(ground)
        said = (f"a ground {tuple(round(v * 100) for v in _as_cmyk(ground))}" if under is not None else "the paper")
        runs = f"{count} text run{'s' if count != 1 else ''}" + (f" in {where}" if where else "")
        box = f", on the ground {_on_trim(under.rect, page)}" if under is not None else ""
        report.add(rule.severity, "legibility",
                   f"type {tuple(round(v * 100) for v in _as_cmyk(fill))} on {said}: printed darkness {text * 100:.0f} % on "
                   f"{bottom * 100:.0f} %, {abs(text - bottom) * 100:.0f} points apart (under "
                   f"{rule.min_difference * 100:.0f}: {rule.cause}); {runs}{box}", number)
    for cause, count in thin_rules.items():
        report.add("warning", "registration", f"{cause}; {counted(count, 'stroke')}", number)
    for name, cs in (resources.get("/ColorSpace") or {}).items():
        problem = _colour_space_problem(cs, x4)
        if problem:
            report.add("error", "colour", f"colour space {name} is {problem}", number)
    if least_text < limits.min_text:
        report.add("warning", "text size", f"text as small as {least_text:g} pt (under {limits.min_text:g})", number)
    if least_rule < limits.min_rule:
        report.add("warning", "rule weight", f"a rule of {least_rule:g} pt (under {limits.min_rule:g})", number)
    for key, value in (("smallest text pt", least_text), ("thinnest rule pt", least_rule), ("lowest image ppi", least_ppi)):
        if value < 1e9:
            report.measured[key] = round(min(value, report.measured.get(key, 1e9)), 2)
    return placed_images


# How far a placed picture's shape may differ from its pixels' before it is called distorted: 1 %,
# and a pixel of its shorter side besides (a crop and a resample each round its size to whole pixels).
DISTORTION_TOLERANCE = 0.01
# The placed size is read back from the matrix the content stream writes to seven significant
# figures (reportlab's fp_str, render/writer.py): a picture prepared at exactly 200 ppi reads back
# within a few millionths of 200, and 199.99999999999997 was warned of as "at 200 ppi" (session 17,
# a fit picture whose depth caps it: 676 px over 243.36 pt). Compared at a hundredth of a ppi,
# far under the 0.07 ppi a picture even 3000 px wide loses for each pixel short.
PPI_DIGITS = 2


@record(frozen=True)
class _PlacedImage:
    """An image XObject as the matrix in force at its Do places it: the unit square scaled to
    ``across`` × ``down`` pt (the lengths of the matrix's two axes: turned or sheared images too)."""

    width_px: float
    height_px: float
    across: float  # pt the image's rows span
    down: float  # pt its columns span

    @property
    def ppi_across(self) -> float:
        return self.width_px / (self.across / 72) if self.across else 1e9

    @property
    def ppi_down(self) -> float:
        return self.height_px / (self.down / 72) if self.down else 1e9

    @property
    def ppi(self) -> float:
        """The resolution that counts: a distorted picture's lower axis (trial 12: 200 across, 66
        down, reported as 200: it prints at 66 down). An undistorted one's axes agree within a
        pixel's rounding (the build sizes a picture across, rounded up, and takes its height to the
        nearest pixel: 199.7 down for 200 across on shipped pages), and its resolution is the one
        across, as it always was: no warning from the rounding of a row."""
        return min(self.ppi_across, self.ppi_down) if self.distorted() else self.ppi_across

    def axes(self) -> str:
        """" (across 200, down 66)" for a distorted picture, else ""."""
        return f" (across {self.ppi_across:.0f}, down {self.ppi_down:.0f})" if self.distorted() else ""

    def stretch(self) -> float:
        """The placed shape's height over the height its pixels' shape gives at the placed width:
        1 undistorted, 3 printed three times too tall, 0.5 twice too wide."""
        if not (self.across and self.down and self.width_px and self.height_px):
            return 1.0
        return (self.down / self.across) / (self.height_px / self.width_px)

    def distorted(self) -> bool:
        slack = DISTORTION_TOLERANCE + 1 / max(1.0, min(self.width_px, self.height_px))
        return abs(self.stretch() - 1) > slack

    def distortion(self) -> str:
        """"196 % taller than its pixels" or "83 % wider than its pixels"."""
        r = self.stretch()
        return f"{(r - 1) * 100:.0f} % taller than its pixels" if r > 1 else f"{(1 / r - 1) * 100:.0f} % wider than its pixels"


def _placed_image(ctm: tuple[float, ...], width_px: float, height_px: float) -> _PlacedImage:
    return _PlacedImage(width_px, height_px, (ctm[0] ** 2 + ctm[1] ** 2) ** 0.5, (ctm[2] ** 2 + ctm[3] ** 2) ** 0.5)


def _where(ctm: tuple[float, ...], page: pikepdf.Page) -> str:
    """", placed 20 mm from the left, 50 mm from the top" of the trim (the media box if it has
    none): the top left corner of the image's box on the page, for a PDF with no record naming it."""
    xs = [ctm[4] + ctm[0] * u + ctm[2] * v for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
    ys = [ctm[5] + ctm[1] * u + ctm[3] * v for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
    try:
        box = _box(page, "/TrimBox") or _box(page, "/MediaBox") or [0.0, 0.0, 0.0, 0.0]
    except MALFORMED:
        box = [0.0, 0.0, 0.0, 0.0]
    left, top = min(box[0], box[2]), max(box[1], box[3])
    return f", placed {(min(xs) - left) / MM:.0f} mm from the left, {(top - max(ys)) / MM:.0f} mm from the top,"


def _text_positions(path: Path, report: PreflightReport, limits: Limits, chars: list[PageChars] | None,
                    trims: list[list[float]]) -> None:
    """Text inside the trim but within the safety margin of its edge (text outside is the slug)."""
    if chars is None:
        from pagesetter.proof.readback import read_chars

        chars = read_chars(path)
    for page, trim in zip(chars, trims):
        x0, y0, x1, y1 = trim  # PDF space, y up; read_chars gives y down from the media top
        top, bottom = page.height - y1, page.height - y0
        near = 0
        for c in page.chars:
            if not (x0 <= c.x <= x1 and top <= c.baseline <= bottom):
                continue
            if min(c.x - x0, x1 - c.right, c.baseline - top, bottom - c.baseline) < limits.safety:
                near += 1
        if near:
            report.add("warning", "safety", f"{counted(near, 'character')} within {limits.safety / MM:.0f} mm of the trim",
                       page.number)



def _start_render(path: Path, tmp: Path, device_colour: bool = False) -> subprocess.Popen[bytes] | None:
    """Ghostscript rendering every page to CMYK TIFFs in ``tmp``, started, not waited for."""
    gs = shutil.which("gs")
    if gs is None or not path.is_file():
        return None
    # the kept Ghostscript's options and prelude (coverage.py), so both count the same ink
    return subprocess.Popen([gs, *gs_arguments(device_colour), "-dBATCH", f"-sOutputFile={tmp / 'p%03d.tif'}",
                             "-c", OVERPRINT_PRELUDE, "-f", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


RENDER_TIMEOUT = 300.0  # seconds: a render longer than this is stopped and reported as failed


def _finished(process: subprocess.Popen[bytes], timeout: float = RENDER_TIMEOUT) -> int:
    """The render's exit status, waited for without polling: Popen.wait(timeout) sleeps in
    steps of up to 50 ms, which a build that is waiting on Ghostscript pays in full. A timer
    kills a render that overruns (its status is then negative)."""
    import threading

    timer = threading.Timer(timeout, process.kill)
    timer.daemon = True
    timer.start()
    try:
        return process.wait()
    finally:
        timer.cancel()


def _coverage(render: subprocess.Popen[bytes] | None, tmp: Path, boxes: list[tuple[list[float], list[float]]],
              report: PreflightReport,
              limits: Limits, places: "list[InkPlaces] | None" = None) -> None:
    """Total area coverage inside the trim, on a Ghostscript CMYK render at 50 dpi."""
    if render is None:
        report.measured["tac checked"] = 0
        report.add("warning", "coverage", "total area coverage not checked: Ghostscript (gs) is not installed")
        return
    if _finished(render) != 0:
        report.add("warning", "coverage", "Ghostscript could not render the file")
        return
    _coverage_of(tuple(Path(tmp) / f"p{number:03d}.tif" for number in range(1, len(boxes) + 1)), boxes, report,
                 limits, None, places)


def _coverage_of(tiffs: tuple[Path, ...], boxes: list[tuple[list[float], list[float]]], report: PreflightReport,
                 limits: Limits, totals: list[Image.Image] | None = None, places: "list[InkPlaces] | None" = None) -> None:
    """Total area coverage inside each page's trim, on its CMYK TIFF at COVERAGE_DPI; ``totals``:
    each TIFF's ink total already summed over the whole raster (_Collector), else summed here.
    ``places``: each page's (InkPlaces), for the error to name where the ink is over the limit."""
    dpi = COVERAGE_DPI
    worst = 0.0
    for number, ((trim, media), tiff) in enumerate(zip(boxes, tiffs), 1):
        scale = dpi / 72
        box = (round((trim[0] - media[0]) * scale), round((media[3] - trim[3]) * scale),
               round((trim[2] - media[0]) * scale), round((media[3] - trim[1]) * scale))
        if totals is not None and len(totals) == len(tiffs):
            total = totals[number - 1].crop(box)
        else:
            with _cmyk_tiff(tiff) as im:
                c, m, y, k = im.crop(box).split()  # cropped once, then split: the same bands, a quarter of the crops
                total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
        peak = total.getextrema()[1]
        tac = peak / 255 * 100
        worst = max(worst, tac)
        if tac > limits.tac + 0.5:
            page_places = places[number - 1] if places and len(places) == len(boxes) else InkPlaces(TextPlaces([], {}), ())
            where = page_places.over(total, math.floor((limits.tac + 0.5) * 255 / 100), trim, scale)
            report.add("error", "coverage", f"total area coverage {tac:.0f} % over {limits.tac:g} % {where}", number)
    report.measured["max tac %"] = round(worst, 1)
    report.measured["tac checked"] = 1


def _cmyk_tiff(tiff: Path) -> Image.Image:
    """Ghostscript's uncompressed CMYK TIFF, its pixels loaded. Ghostscript writes it in strips
    of two rows, one after another: PIL decodes each strip as a tile of its own (a seek and a
    read each, most of this check's time on a broadsheet page), so contiguous raw CMYK strips are
    read as one block instead (the same bytes, the same image); any other layout is left to PIL."""
    im = Image.open(tiff)
    width, height = im.size
    row = width * 4
    tiles = list(getattr(im, "tile", ()))
    if im.mode != "CMYK" or not tiles:
        im.load()
        return im
    first, top = tiles[0][2], 0
    for codec, extents, offset, args in tiles:
        if codec != "raw" or tuple(args[:3]) != ("CMYK", 0, 1) or tuple(extents[0::2]) != (0, width) \
                or extents[1] != top or offset != first + top * row:
            im.load()
            return im
        top = extents[3]
    if top != height:
        im.load()
        return im
    with open(tiff, "rb") as fh:
        fh.seek(first)
        data = fh.read(height * row)
    if len(data) != height * row:
        im.load()  # a short file: PIL says what is wrong with it, as it would have
        return im
    im.close()
    return Image.frombuffer("CMYK", (width, height), data, "raw", "CMYK", 0, 1)
