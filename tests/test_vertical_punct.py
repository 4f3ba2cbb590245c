"""；：？！ in vertical headlines (trial 13): the semicolon's vertical form was squeezed to half an
em, as the horizontal semicolon is, and its tail was printed into the character under it (；又 read
as ·又); in 半角 punctuation the question mark and colon the same. The page
(tests/pages/layout/vertical-punct.yaml) sets them in every shipped face and in 半角; the PDF is read
back with pypdfium2's own character boxes (its ink), and `check`'s vertical rule is tried on the
real page's characters with one mark moved back to where the old squeeze put it."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.typography import TypographyReport, _check_vertical

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "vertical-punct.yaml"
MARKS = "；：？！︔︓︖︕"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_page(PAGE, tmp_path_factory.mktemp("vertical-punct")).pdf_path


def _ink_boxes(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """(character, left, bottom, right, top) in PDF points, pdfium's tight box of each character."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = doc[0].get_textpage()
        out = []
        for i in range(text.count_chars()):
            ch = text.get_text_range(i, 1)
            if ch.strip():
                out.append((ch, *text.get_charbox(i)))
        return out
    finally:
        doc.close()


def test_no_mark_is_printed_into_the_character_under_it(built: Path) -> None:
    boxes = _ink_boxes(built)
    marks = [b for b in boxes if b[0] in MARKS]
    assert len(marks) >= 30  # 4 marks in each of 6 titles, and the subtitles'
    hits = []
    for ch, left, bottom, right, top in marks:
        size = top - bottom
        for other, l2, b2, r2, t2 in boxes:
            if (other, l2, b2) == (ch, left, bottom):
                continue
            across = min(right, r2) - max(left, l2)
            down = min(top, t2) - max(bottom, b2)
            if across > 0 and down > 0.5:  # pt: half a point of the same height and width
                hits.append((ch, other, round(down, 2), size))
    assert not hits, hits


def test_check_finds_a_semicolon_squeezed_into_the_next_character(built: Path) -> None:
    """The real page passes `check`'s vertical rule; the same characters with the first vertical
    ； moved down by the half em the old squeeze took fail it, naming ；又."""
    page = read_chars(built)[0]
    semi = next(c for c in page.chars if c.text in "；︔")
    column = sorted((c for c in page.chars if abs(c.x - semi.x) < 1 and c.size == semi.size),
                    key=lambda c: c.baseline)
    clean = TypographyReport()
    _check_vertical(1, column, clean)
    assert not clean.overlap, clean.overlap
    half = semi.size / 2
    moved = [_moved(c, half) if c is semi else c for c in column]
    broken = TypographyReport()
    _check_vertical(1, moved, broken)
    assert broken.overlap and "又" in broken.overlap[0].detail and "down a vertical column" in broken.overlap[0].detail


def _moved(c: Char, down: float) -> Char:
    """The character's ink moved ``down`` pt down the page."""
    return c._replace(ink_top=c.ink_top + down, ink_bottom=c.ink_bottom + down)



# em: the least white between a vertical ；：？！ and the character above it, the one it follows
# (GB/T 15834-2011 §5.2: set under that character, its blank at the foot). The shipped faces' forms
# keep 0.05 em or more; WenKai's ；： moved a quarter em up kept 0.02 em (their vertical forms' ink,
# right of the column's centre, taken by the horizontal text's rule for a centred mark:
# compose/atoms.py blank_side).
CLEAR_ABOVE_EM = 0.04


def test_no_vertical_mark_is_pushed_up_against_the_character_it_follows(built: Path) -> None:
    doc = pdfium.PdfDocument(str(built))
    try:
        text = doc[0].get_textpage()
        chars = [(text.get_text_range(i, 1), text.get_charbox(i), pdfium_raw.FPDFText_GetFontSize(text.raw, i))
                 for i in range(text.count_chars())]
    finally:
        doc.close()
    chars = [c for c in chars if c[0].strip()]
    crowded, seen = [], 0
    for (prev, (pl, pb, pr, _), _), (ch, (left, _, right, top), size) in zip(chars, chars[1:]):
        if ch not in MARKS or min(pr, right) - max(pl, left) <= 0 or pb <= top:
            continue  # not a mark, or the character before it is not above it in its column
        seen += 1
        if pb - top < CLEAR_ABOVE_EM * size:
            crowded.append((prev + ch, round(pb - top, 2), size))
    assert seen >= 30
    assert not crowded, crowded
