"""The 大样 a proofreader reads on paper: the proof page at full size, tiled onto A3 sheets.

A broadsheet (390 × 545 mm) scaled to one A4 sheet sets 小五 body type at under 5 pt, too small to
proofread; at 100 % on A3 landscape it takes two sheets. Each sheet shows one window of the trim
box at full size, inside a margin an office printer can print (MARGIN), with the neighbouring
windows overlapping by at least OVERLAP so the sheets can be laid or taped together; a line at
the top names the page, the sheet and its place. The proof page itself is drawn once as a form
XObject and clipped on each sheet, so the file stays the size of the proof.

The label is set in a subset of one of the project's faces (the 黑体 the proof's own labels use),
embedded like the page's: a page named in Chinese is named in Chinese on the sheet, and the file
has no font the printer must substitute.
"""

from __future__ import annotations

import io
import math

import pikepdf

from pagesetter.fonts.manifest import FaceInfo
from pagesetter.fonts.subset import EmbeddedFont, subset_font
from pagesetter.records import record
from pagesetter.render.cidfont import cid_to_gid_map, to_unicode_cmap

MM = 72 / 25.4
A3 = (297 * MM, 420 * MM)  # ISO 216, portrait
MARGIN = 8 * MM  # most office printers leave 4–6 mm unprinted at the sheet's edges
OVERLAP = 5 * MM  # least overlap between neighbouring windows
LABEL = 4 * MM  # the line naming the sheet, in the top margin
LABEL_SIZE = 8.0  # pt
MISSING = "?"  # set for a character the label's face lacks (the page's own check names such characters)


@record(frozen=True)
class Tiling:
    sheet: tuple[float, float]  # pt
    cols: int
    rows: int
    windows: tuple[tuple[float, float, float, float], ...]  # (x0, y0, x1, y1) of the trim box, pt, y up


def tiling(box: tuple[float, float, float, float]) -> Tiling:
    """The fewest A3 sheets (portrait or landscape) that show ``box`` at 100 %."""
    width, height = box[2] - box[0], box[3] - box[1]
    best: Tiling | None = None
    for sheet in (A3, (A3[1], A3[0])):
        room_w, room_h = sheet[0] - 2 * MARGIN, sheet[1] - 2 * MARGIN - LABEL
        cols, rows = _count(width, room_w), _count(height, room_h)
        if best is None or cols * rows < best.cols * best.rows:
            windows = tuple(_window(box, room_w, room_h, cols, rows, c, r) for r in range(rows) for c in range(cols))
            best = Tiling(sheet, cols, rows, windows)
    assert best is not None
    return best


def _count(length: float, room: float) -> int:
    """Windows of ``room`` needed to cover ``length`` with OVERLAP between neighbours."""
    if length <= room:
        return 1
    return 1 + math.ceil((length - room) / (room - OVERLAP))


def _window(box: tuple[float, float, float, float], room_w: float, room_h: float, cols: int, rows: int,
            c: int, r: int) -> tuple[float, float, float, float]:
    """Window (c, r), row 0 at the top; windows spread evenly so the overlaps are equal."""
    w, h = min(room_w, box[2] - box[0]), min(room_h, box[3] - box[1])
    step_x = (box[2] - box[0] - w) / (cols - 1) if cols > 1 else 0.0
    step_y = (box[3] - box[1] - h) / (rows - 1) if rows > 1 else 0.0
    x0 = box[0] + c * step_x
    y1 = box[3] - r * step_y
    return (x0, y1 - h, x0 + w, y1)


def tiled_proof(proof: bytes, name: str, face: FaceInfo) -> bytes:
    """The proof PDF (one page) as A3 sheets at 100 %, one window of its trim box each; the labels
    are set in ``face``, embedded."""
    with pikepdf.open(io.BytesIO(proof)) as src, pikepdf.new() as out:
        page = src.pages[0]
        box = tuple(float(v) for v in page.trimbox)
        plan = tiling(box)  # type: ignore[arg-type]
        form = out.copy_foreign(page.as_form_xobject())
        sheet_w, sheet_h = plan.sheet
        labels = [_label(name, n, plan) for n in range(len(plan.windows))]
        glyph_of, text_of = _nominal_glyphs(face, "".join(labels))
        embedded = subset_font(face.path, text_of, face.index)
        font = _label_font(out, embedded)
        for n, (x0, y0, x1, y1) in enumerate(plan.windows):
            left, bottom = MARGIN, sheet_h - MARGIN - LABEL - (y1 - y0)
            codes = [embedded.codes[glyph_of[ch]] for ch in labels[n]]
            ops = (f"q {left:.3f} {bottom:.3f} {x1 - x0:.3f} {y1 - y0:.3f} re W n "
                   f"1 0 0 1 {left - x0:.3f} {bottom - y0:.3f} cm /P Do Q\n"
                   f"q 0.3 w 0 0 0 1 K {left:.3f} {bottom:.3f} {x1 - x0:.3f} {y1 - y0:.3f} re S Q\n"
                   f"BT /H {LABEL_SIZE:g} Tf 0 0 0 1 k {MARGIN:.3f} {sheet_h - MARGIN - LABEL_SIZE:.3f} Td "
                   f"<{''.join(f'{c:04X}' for c in codes)}> Tj ET\n")
            resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(P=form), Font=pikepdf.Dictionary(H=font))
            sheet = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, sheet_w, sheet_h],
                                       Resources=resources, Contents=out.make_stream(ops.encode("latin-1")))
            out.pages.append(pikepdf.Page(sheet))
        _said_as(out, src)
        buf = io.BytesIO()
        out.save(buf, deterministic_id=True)
        return buf.getvalue()


# How the sheets' title ends (after the page's title): proof/diff.py knows them by it.
SHEETS_TITLE = " (proof at 100 %, A3 sheets)"


def _said_as(out: pikepdf.Pdf, proof: pikepdf.Pdf) -> None:
    """The proof's Info on its A3 sheets, the title saying what they are: a file of the build says
    who wrote it and when, as every other one does (the clean-up of a stopped build reads Creator)."""
    for key in ("/Author", "/Creator", "/Producer", "/CreationDate", "/ModDate"):
        if key in proof.docinfo:
            out.docinfo[key] = proof.docinfo[key]
    title = str(proof.docinfo.get("/Title", "")).removesuffix(" (proof)")
    out.docinfo["/Title"] = f"{title}{SHEETS_TITLE}".strip()


def _label(name: str, n: int, plan: Tiling) -> str:
    row, col = divmod(n, plan.cols)
    return (f"{name}  proof at 100 %  sheet {n + 1} of {len(plan.windows)}  "
            f"(row {row + 1} of {plan.rows}, column {col + 1} of {plan.cols})")


def _nominal_glyphs(face: FaceInfo, text: str) -> tuple[dict[str, int], dict[int, str]]:
    """Each character of ``text`` -> its glyph in ``face`` (cmap), one the face lacks -> MISSING's;
    and each glyph -> the text it stands for (ToUnicode: a MISSING glyph reads back as MISSING)."""
    import uharfbuzz as hb

    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(face.path)), face.index))
    missing = font.get_nominal_glyph(ord(MISSING)) or 0
    glyph_of: dict[str, int] = {}
    text_of: dict[int, str] = {missing: MISSING}
    for ch in sorted(set(text)):
        gid = font.get_nominal_glyph(ord(ch))
        glyph_of[ch] = gid or missing
        if gid:
            text_of.setdefault(gid, ch)
    return glyph_of, text_of


def _label_font(out: pikepdf.Pdf, font: EmbeddedFont) -> pikepdf.Object:
    """The subset as a Type0 font (Identity-H, 2-byte codes: the face's CIDs or glyph ids, fonts/subset.py), as
    render/cidfont.py writes the page's."""
    cff = font.kind == "cff"
    program = out.make_stream(font.program)
    if cff:
        program.Subtype = pikepdf.Name.CIDFontType0C
    else:
        program.Length1 = len(font.program)
    d = font.descriptor
    descriptor = out.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/" + font.base_font), Flags=d.flags,
        FontBBox=list(d.bbox), ItalicAngle=d.italic_angle, Ascent=d.ascent, Descent=d.descent,
        CapHeight=d.cap_height, StemV=d.stem_v, **{"FontFile3" if cff else "FontFile2": program}))
    widths: list[object] = []
    for code, width in sorted(font.widths.items()):
        widths += [code, [width]]
    cid = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType0 if cff else pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name("/" + font.base_font), FontDescriptor=descriptor, W=widths,
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String(font.registry),
                                         Ordering=pikepdf.String(font.ordering), Supplement=font.supplement))
    if not cff:
        cid.CIDToGIDMap = out.make_stream(cid_to_gid_map(font.program_gids))
    to_unicode = out.make_stream(to_unicode_cmap(font.to_unicode).encode("ascii"))
    return out.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/" + font.base_font),
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[out.make_indirect(cid)], ToUnicode=to_unicode))
