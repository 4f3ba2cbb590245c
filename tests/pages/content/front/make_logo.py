"""Generate the test logotypes of the masthead pages: 江城日报 in Noto Serif CJK SC Bold, turned
into outlines (fontTools), drawn in CMYK red as a PDF of paths (logo.pdf, what a plant wants),
and that PDF rendered to a transparent PNG (logo.png, 1600 px wide). The paper is made up.

    python tests/pages/content/front/make_logo.py
"""

from __future__ import annotations

from pathlib import Path

from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from reportlab.pdfgen.canvas import Canvas

HERE = Path(__file__).resolve().parent
FONT = HERE.parents[3] / "fonts" / "NotoSerifCJKsc-Bold.otf"
NAME = "江城日报"
SIZE = 100.0  # pt a character
TRACK = 12.0  # pt between characters
MARGIN = 4.0
RED = (0, 1, 1, 0)  # CMYK: 报头 red


def draw_pdf(target: Path) -> None:
    font = TTFont(FONT)
    glyphs = font.getGlyphSet()
    cmap = font.getBestCmap()
    upm = font["head"].unitsPerEm
    scale = SIZE / upm
    width = MARGIN * 2 + len(NAME) * SIZE + (len(NAME) - 1) * TRACK
    height = SIZE + 2 * MARGIN
    canvas = Canvas(str(target), pagesize=(width, height), invariant=1)
    canvas.setFillColorCMYK(*RED)
    x = MARGIN
    for ch in NAME:
        pen = RecordingPen()
        glyphs[cmap[ord(ch)]].draw(pen)
        path = canvas.beginPath()
        # the em box from the descender line (-120 units) up
        tx, ty = x, MARGIN + 120 * scale

        def pt(p: tuple[float, float]) -> tuple[float, float]:
            return tx + p[0] * scale, ty + p[1] * scale
        current = None
        for op, args in pen.value:
            if op == "moveTo":
                current = pt(args[0])
                path.moveTo(*current)
            elif op == "lineTo":
                current = pt(args[0])
                path.lineTo(*current)
            elif op == "curveTo":
                (x1, y1), (x2, y2), (x3, y3) = (pt(a) for a in args)
                path.curveTo(x1, y1, x2, y2, x3, y3)
            elif op == "qCurveTo":  # not in a CFF face; kept for a TrueType one
                raise SystemExit("quadratic outlines: use a CFF face")
            elif op in ("closePath", "endPath"):
                path.close()
        canvas.drawPath(path, stroke=0, fill=1, fillMode=1)  # nonzero winding, as the font's outlines
        x += SIZE + TRACK
    canvas.showPage()
    canvas.save()


def draw_png(pdf: Path, target: Path) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    page = doc[0]
    bitmap = page.render(scale=1600 / page.get_width(), fill_color=(255, 255, 255, 0))
    bitmap.to_pil().save(target, optimize=True)


if __name__ == "__main__":
    draw_pdf(HERE / "logo.pdf")
    draw_png(HERE / "logo.pdf", HERE / "logo.png")
