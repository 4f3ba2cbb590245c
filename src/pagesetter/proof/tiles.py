"""The 大样 a proofreader reads on paper: the proof page at full size, tiled onto A3 sheets.

A broadsheet (390 × 545 mm) scaled to one A4 sheet sets 小五 body type at under 5 pt, too small to
proofread; at 100 % on A3 landscape it takes two sheets. Each sheet shows one window of the trim
box at full size, inside a margin an office printer can print (MARGIN), with the neighbouring
windows overlapping by at least OVERLAP so the sheets can be laid or taped together; a line at
the top names the page, the sheet and its place. The proof page itself is drawn once as a form
XObject and clipped on each sheet, so the file stays the size of the proof.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pikepdf

MM = 72 / 25.4
A3 = (297 * MM, 420 * MM)  # ISO 216, portrait
MARGIN = 8 * MM  # most office printers leave 4–6 mm unprinted at the sheet's edges
OVERLAP = 5 * MM  # least overlap between neighbouring windows
LABEL = 4 * MM  # the line naming the sheet, in the top margin


@dataclass(frozen=True)
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


def tiled_proof(proof: bytes, name: str) -> bytes:
    """The proof PDF (one page) as A3 sheets at 100 %, one window of its trim box each."""
    with pikepdf.open(io.BytesIO(proof)) as src, pikepdf.new() as out:
        page = src.pages[0]
        box = tuple(float(v) for v in page.trimbox)
        plan = tiling(box)  # type: ignore[arg-type]
        form = out.copy_foreign(page.as_form_xobject())
        font = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica,
                                                    Encoding=pikepdf.Name.WinAnsiEncoding))
        sheet_w, sheet_h = plan.sheet
        for n, (x0, y0, x1, y1) in enumerate(plan.windows):
            row, col = divmod(n, plan.cols)
            left, bottom = MARGIN, sheet_h - MARGIN - LABEL - (y1 - y0)
            label = (f"{name}  proof at 100 %  sheet {n + 1} of {len(plan.windows)}  "
                     f"(row {row + 1} of {plan.rows}, column {col + 1} of {plan.cols})")
            ops = (f"q {left:.3f} {bottom:.3f} {x1 - x0:.3f} {y1 - y0:.3f} re W n "
                   f"1 0 0 1 {left - x0:.3f} {bottom - y0:.3f} cm /P Do Q\n"
                   f"q 0.3 w 0 0 0 1 K {left:.3f} {bottom:.3f} {x1 - x0:.3f} {y1 - y0:.3f} re S Q\n"
                   f"BT /H 8 Tf 0 0 0 1 k {MARGIN:.3f} {sheet_h - MARGIN - 8:.3f} Td ({_pdf_text(label)}) Tj ET\n")
            resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(P=form), Font=pikepdf.Dictionary(H=font))
            sheet = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, sheet_w, sheet_h],
                                       Resources=resources, Contents=out.make_stream(ops.encode("latin-1")))
            out.pages.append(pikepdf.Page(sheet))
        buf = io.BytesIO()
        out.save(buf, deterministic_id=True)
        return buf.getvalue()


def _pdf_text(text: str) -> str:
    """ASCII text as a PDF literal string (the label is set in the standard Helvetica)."""
    ascii_only = text.encode("ascii", "replace").decode("ascii")
    return ascii_only.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
