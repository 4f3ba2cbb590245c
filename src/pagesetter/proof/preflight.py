"""Preflight: check any PDF against the newsprint PDF/X-1a profile, as a plant's preflight would.

Checks (../shared/PRINT.md): PDF/X identification and OutputIntent, PDF version, page boxes, fonts
embedded, colour spaces (no RGB, Lab or ICC-based colour in X-1a), transparency, effective image
resolution, smallest text, thinnest rule, rich black in small text, text too near the trim, and
total area coverage on a Ghostscript CMYK render when Ghostscript is installed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pikepdf
from PIL import Image, ImageMath

from pagesetter.errors import InputError, Loc
from pagesetter.proof.readback import read_chars

MM = 72 / 25.4


@dataclass(frozen=True)
class Limits:
    tac: float = 240.0  # % total area coverage, newsprint (ISO 12647-3; PRINT.md)
    min_ppi_warn: float = 200.0
    min_ppi_error: float = 150.0
    min_text: float = 6.0  # pt
    min_rule: float = 0.25  # pt
    rich_black_text: float = 12.0  # pt: smaller text must be 100 % K only
    safety: float = 5 * MM  # text at least this far inside the trim


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    check: str
    message: str
    page: int = 0


@dataclass
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

    def text(self) -> str:
        verdict = "PASS" if not self.errors else "FAIL"
        figures = ", ".join(f"{k} {v:g}" for k, v in sorted(self.measured.items()))
        out = [f"{self.path}: {verdict}: {self.errors} errors, {self.warnings} warnings ({figures})"]
        out += [f"  {f.severity}: {f.check}: {f.message}" + (f" (page {f.page})" if f.page else "") for f in self.findings]
        return "\n".join(out)

    def to_json(self) -> dict:
        return {"path": self.path, "errors": self.errors, "warnings": self.warnings, "measured": self.measured,
                "findings": [asdict(f) for f in self.findings]}


def preflight(path: Path, limits: Limits = Limits()) -> PreflightReport:
    report = PreflightReport(str(path))
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, FileNotFoundError, OSError) as exc:
        raise InputError(Loc.of_file(path), f"cannot open PDF: {exc}") from None
    with pdf:
        _identification(pdf, report)
        for number, page in enumerate(pdf.pages, 1):
            _boxes(page, number, report)
            _fonts(page, number, report)
            _content(page, number, report, limits)
    _text_positions(path, report, limits)
    _coverage(path, report, limits)
    return report


def _identification(pdf: pikepdf.Pdf, report: PreflightReport) -> None:
    info = pdf.docinfo
    version = str(info.get("/GTS_PDFXVersion", ""))
    if not version.startswith("PDF/X-"):
        report.add("error", "pdfx", "no GTS_PDFXVersion in the Info dictionary: not a PDF/X file")
    if version.startswith("PDF/X-1") and str(info.get("/GTS_PDFXConformance", "")) not in ("PDF/X-1a:2001",):
        report.add("error", "pdfx", "GTS_PDFXConformance must be PDF/X-1a:2001 beside PDF/X-1:2001")
    if version.startswith("PDF/X-1") and pdf.pdf_version > "1.4":
        report.add("error", "version", f"PDF {pdf.pdf_version}; PDF/X-1a allows 1.3 (2001) or 1.4 (2003)")
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


def _colour_space_problem(cs) -> str | None:
    if isinstance(cs, pikepdf.Name):
        return str(cs) if str(cs) in RGB_SPACES else None
    if isinstance(cs, pikepdf.Array) and len(cs) > 0:
        family = str(cs[0])
        if family in RGB_SPACES:
            return family
        if family == "/ICCBased":
            return "/ICCBased (not allowed in PDF/X-1a)"
        if family == "/Indexed":
            return _colour_space_problem(cs[1])
    return None


@dataclass
class _State:
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    fill: tuple[float, ...] = ()
    line_width: float = 1.0


def _mul(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _content(page: pikepdf.Page, number: int, report: PreflightReport, limits: Limits) -> None:
    resources = page.obj.get("/Resources") or pikepdf.Dictionary()
    for name, gs in (resources.get("/ExtGState") or {}).items():
        if gs.get("/SMask") not in (None, pikepdf.Name("/None")) or float(gs.get("/CA", 1)) < 1 \
                or float(gs.get("/ca", 1)) < 1 or str(gs.get("/BM", "/Normal")) not in ("/Normal", "/Compatible"):
            report.add("error", "transparency", f"graphics state {name} uses transparency", number)
    xobjects = resources.get("/XObject") or {}
    state = _State()
    stack: list[_State] = []
    text_size, tm_scale = 0.0, 1.0
    least_text, least_rule, least_ppi = 1e9, 1e9, 1e9
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op == "q":
            stack.append(_State(state.ctm, state.fill, state.line_width))
        elif op == "Q" and stack:
            state = stack.pop()
        elif op == "cm":
            state.ctm = _mul(tuple(float(v) for v in operands), state.ctm)
        elif op in ("rg", "RG"):
            report.add("error", "colour", f"DeviceRGB colour ({op})", number)
        elif op in ("k", "g"):
            state.fill = tuple(float(v) for v in operands)
        elif op == "w":
            state.line_width = float(operands[0]) * abs(state.ctm[0])
        elif op in ("S", "s") and state.line_width < limits.min_rule:
            least_rule = min(least_rule, state.line_width)
        elif op in ("S", "s"):
            least_rule = min(least_rule, state.line_width)
        elif op == "Tf":
            text_size = float(operands[1])
        elif op == "Tm":
            tm_scale = (float(operands[0]) ** 2 + float(operands[1]) ** 2) ** 0.5
        elif op in ("Tj", "TJ", "'", '"'):
            size = text_size * tm_scale * abs(state.ctm[0])
            least_text = min(least_text, size)
            fill = state.fill
            if len(fill) == 4 and fill[3] >= 0.9 and max(fill[:3]) > 0 and size < limits.rich_black_text:
                report.add("warning", "rich black", f"{size:g} pt text in rich black {fill}", number)
        elif op == "Do":
            xobj = xobjects.get(str(operands[0]))
            if xobj is not None and xobj.get("/Subtype") == "/Image":
                problem = _colour_space_problem(xobj.get("/ColorSpace"))
                if problem:
                    report.add("error", "colour", f"image {operands[0]} in {problem}", number)
                if "/SMask" in xobj:
                    report.add("error", "transparency", f"image {operands[0]} has a soft mask", number)
                width_pt = (state.ctm[0] ** 2 + state.ctm[1] ** 2) ** 0.5
                ppi = float(xobj.get("/Width")) / (width_pt / 72) if width_pt else 1e9
                least_ppi = min(least_ppi, ppi)
                if ppi < limits.min_ppi_error:
                    report.add("error", "resolution", f"image {operands[0]} at {ppi:.0f} ppi", number)
                elif ppi < limits.min_ppi_warn:
                    report.add("warning", "resolution", f"image {operands[0]} at {ppi:.0f} ppi", number)
    for name, cs in (resources.get("/ColorSpace") or {}).items():
        problem = _colour_space_problem(cs)
        if problem:
            report.add("error", "colour", f"colour space {name} is {problem}", number)
    if least_text < limits.min_text:
        report.add("warning", "text size", f"text as small as {least_text:g} pt (under {limits.min_text:g})", number)
    if least_rule < limits.min_rule:
        report.add("warning", "rule weight", f"a rule of {least_rule:g} pt (under {limits.min_rule:g})", number)
    for key, value in (("smallest text pt", least_text), ("thinnest rule pt", least_rule), ("lowest image ppi", least_ppi)):
        if value < 1e9:
            report.measured[key] = round(min(value, report.measured.get(key, 1e9)), 2)


def _text_positions(path: Path, report: PreflightReport, limits: Limits) -> None:
    """Text inside the trim but within the safety margin of its edge (text outside is the slug)."""
    with pikepdf.open(path) as pdf:
        trims = [_box(p, "/TrimBox") or _box(p, "/MediaBox") for p in pdf.pages]
    for page, trim in zip(read_chars(path), trims):
        x0, y0, x1, y1 = trim  # PDF space, y up; read_chars gives y down from the media top
        top, bottom = page.height - y1, page.height - y0
        near = 0
        for c in page.chars:
            if not (x0 <= c.x <= x1 and top <= c.baseline <= bottom):
                continue
            if min(c.x - x0, x1 - c.right, c.baseline - top, bottom - c.baseline) < limits.safety:
                near += 1
        if near:
            report.add("warning", "safety", f"{near} characters within {limits.safety / MM:.0f} mm of the trim",
                       page.number)


def _coverage(path: Path, report: PreflightReport, limits: Limits) -> None:
    """Total area coverage inside the trim, on a Ghostscript CMYK render at 50 dpi."""
    gs = shutil.which("gs")
    if gs is None:
        report.measured["tac checked"] = 0
        return
    with pikepdf.open(path) as pdf:
        boxes = [(_box(p, "/TrimBox") or _box(p, "/MediaBox"), _box(p, "/MediaBox")) for p in pdf.pages]
    dpi = 50
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p%03d.tif"
        run = subprocess.run([gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiff32nc", f"-r{dpi}",
                              f"-sOutputFile={out}", str(path)], capture_output=True, timeout=300)
        if run.returncode != 0:
            report.add("warning", "coverage", "Ghostscript could not render the file")
            return
        worst = 0.0
        for number, (trim, media) in enumerate(boxes, 1):
            with Image.open(Path(tmp) / f"p{number:03d}.tif") as im:
                scale = dpi / 72
                box = (round((trim[0] - media[0]) * scale), round((media[3] - trim[3]) * scale),
                       round((trim[2] - media[0]) * scale), round((media[3] - trim[1]) * scale))
                c, m, y, k = (band.crop(box) for band in im.split())
                total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
                peak = total.getextrema()[1]
                tac = peak / 255 * 100
                worst = max(worst, tac)
                if tac > limits.tac + 0.5:
                    report.add("error", "coverage", f"total area coverage {tac:.0f} % over {limits.tac:g} %", number)
        report.measured["max tac %"] = round(worst, 1)
        report.measured["tac checked"] = 1
