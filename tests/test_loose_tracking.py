"""A very loose Han line is found from the glyphs' positions, whatever spaces the read-back adds
(tests/pages/layout/loose-tracking.yaml: a body tracked 0.4字, past clreq §3.8's quarter em).

Our PDFs draw a line's run of one face in one text object, and pdfium puts the spaces it invents
in its wide gaps at the next character's origin, which the check sets aside. Drawn one text object
a glyph (as other engines draw text: the same glyphs at the same places), pdfium puts one at the
end of each glyph's advance instead: the check took each for a space the copy kept, measured no
pair of Han on the line, and passed it (proof/typography.py Line.kept_space).
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.typography import check_pdf

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "loose-tracking.yaml"
TRACKED = ("本报讯", "街改造方案", "方案公示期间", "见。一位老住户")  # the tracked article's justified lines begin so


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_page(PAGE, tmp_path_factory.mktemp("loose-tracking")).pdf_path


def _widths(font: pikepdf.Dictionary) -> tuple[dict[int, float], float]:
    """A Type0 font's glyph widths by CID (its descendant's /W array), and its default /DW."""
    cid = font.DescendantFonts[0]
    widths: dict[int, float] = {}
    w = list(cid.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], pikepdf.Array):
            widths.update({first + k: float(v) for k, v in enumerate(w[i + 1])})
            i += 2
        else:
            widths.update({c: float(w[i + 2]) for c in range(first, int(w[i + 1]) + 1)})
            i += 3
    return widths, float(cid.get("/DW", 1000))


def _one_object_per_glyph(src: Path, dst: Path) -> Path:
    """``src`` drawn again with each glyph of a horizontal run its own text object, at the place its
    run put it (the run's Tm, each glyph's width from the font's /W, the TJ adjustments: two-byte
    codes, Identity-H, as render/pdf.py writes them)."""
    pdf = pikepdf.open(src)
    page = pdf.pages[0]
    fonts = {name: _widths(font) for name, font in page.Resources.Font.items()}
    out: list[tuple[list, pikepdf.Operator]] = []
    font, size, scale, x, y, upright = "", 0.0, 1.0, 0.0, 0.0, True
    for operands, op in pikepdf.parse_content_stream(page):
        name = str(op)
        if name == "Tf":
            font, size = str(operands[0]), float(operands[1])
        elif name == "Tz":
            scale = float(operands[0]) / 100
        elif name == "Tm":
            upright = [float(v) for v in operands[:4]] == [1, 0, 0, 1]
            x, y = float(operands[4]), float(operands[5])
        if name != "TJ" or not upright:
            out.append((operands, op))
            continue
        widths, default = fonts[font]
        for item in operands[0]:
            if not isinstance(item, pikepdf.String):
                x -= float(item) / 1000 * size * scale
                continue
            codes = bytes(item)
            for i in range(0, len(codes), 2):
                out += [([], pikepdf.Operator("ET")), ([], pikepdf.Operator("BT")),
                        ([pikepdf.Name(font), size], pikepdf.Operator("Tf")),
                        ([scale, 0, 0, 1, x, y], pikepdf.Operator("Tm")),
                        ([pikepdf.String(codes[i:i + 2])], pikepdf.Operator("Tj"))]
                x += widths.get(int.from_bytes(codes[i:i + 2], "big"), default) / 1000 * size * scale
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
    pdf.save(dst)
    return dst


def _solid(chars: tuple[Char, ...]) -> str:
    return "".join(c.text for c in chars if not c.text.isspace())


def _very_loose(pdf: Path) -> list[str]:
    return [f.text for f in check_pdf(pdf).very_loose]


def test_the_page_as_built_shows_its_very_loose_lines(built: Path) -> None:
    found = _very_loose(built)
    assert [next(t for t in TRACKED if text.startswith(t)) for text in found] == list(TRACKED), found


def test_one_object_a_glyph_hides_no_very_loose_line(built: Path, tmp_path: Path) -> None:
    drawn = _one_object_per_glyph(built, tmp_path / "glyphs.pdf")
    page = read_chars(drawn)[0]
    # the same glyphs (a space glyph drawn is read as one pdfium generated now: not a character)
    assert _solid(page.chars) == _solid(read_chars(built)[0].chars)
    # the read-back's invented spaces: one in each gap of the tracked lines, at the glyph's end
    assert len(page.spaces) > 60
    found = _very_loose(drawn)
    assert [next(t for t in TRACKED if text.startswith(t)) for text in found] == list(TRACKED), found
    # the untracked article beside it is no looser than it was
    assert check_pdf(drawn).loose_lines == check_pdf(built).loose_lines
