"""The test page (tests/pages): the three punctuation styles side by side and a vertical headline."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from pagesetter.build import build_page
from pagesetter.proof.typography import check_pdf

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "punctuation.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("test-page"))


def _first_line(built, article: str):
    """The first body line with a comma inside it (not at its end, where it may be squeezed)."""
    return next(l for l in built.page.lines if l.article == article and l.role == "body" and "，" in l.text[1:-1])


def _advance_after(line, char: str) -> float:
    """Distance from the mark's origin-slot start to the next character's origin (the mark's set width)."""
    glyphs = line.glyphs
    i = next(k for k, g in enumerate(glyphs) if g.text == char)
    return glyphs[i + 1].x - glyphs[i - 1].x - glyphs[i - 1].size


@pytest.mark.parametrize("article,comma_em", [("quanjiao", 1.0), ("kaiming", 0.5), ("banjiao", 0.5)])
def test_comma_width_follows_the_style(built, article: str, comma_em: float) -> None:
    """The style's width, or wider only by the blank justification gives back to a half-width mark
    (compose/spacing.py STRETCH_ORDER: up to its full em), or narrower only by the blank a 全角
    mark gives up to a tight line (to half an em)."""
    line = _first_line(built, article)
    width = _advance_after(line, "，")
    assert 0.5 * 9 - 0.01 <= width <= 9 + 0.01
    if comma_em == 1.0:
        assert width == pytest.approx(9.0, abs=1.0)  # justification adds < 1 pt
    else:
        han = [b.x - a.x - a.size for a, b in zip(line.glyphs, line.glyphs[1:])
               if "\u4e00" <= a.text <= "\u9fff" and "\u4e00" <= b.text <= "\u9fff"]
        # a half-width comma stretched only before the Han did: they are still on the grid
        assert width == pytest.approx(comma_em * 9, abs=0.01) or max(han) < 0.01


def test_stops_are_full_width_in_kaiming_and_half_in_banjiao(built) -> None:
    """！ between Han characters: a full em in 开明 (and 全角); half an em in 半角, or up to a full em
    where justification gave its blank back."""
    for article, em in (("quanjiao", 1.0), ("kaiming", 1.0), ("banjiao", 0.5)):
        line = next(l for l in built.page.lines if l.article == article and l.role == "body" and "！" in l.text[1:-1])
        width = _advance_after(line, "！")
        if em == 1.0:
            assert width == pytest.approx(9.0, abs=2.0), article  # plus two stretched gaps
        else:
            assert 4.5 - 0.01 <= width <= 9.0 + 0.01, article


def test_vertical_headline_reads_top_to_bottom_right_to_left(built) -> None:
    title = [l for l in built.page.lines if l.article == "vertical" and l.role == "title"]
    assert len(title) >= 1
    first = title[0]
    ys = [-g.dy for g in first.glyphs if g.rotate == 0]
    assert ys == sorted(ys)  # down the column
    subtitle = next(l for l in built.page.lines if l.article == "vertical" and l.role == "subtitle")
    assert subtitle.x < first.x  # the subtitle stands to the left of the title
    turned = [g for g in first.glyphs if g.rotate == 90]
    assert "".join(g.text for g in turned) == "APP"
    digits = [g for g in first.glyphs if g.text in "12"]
    assert len(digits) == 2 and digits[0].dy == digits[1].dy and digits[0].x < digits[1].x  # 纵中横


def test_vertical_forms_and_turned_latin_in_the_pdf(built) -> None:
    with pdfplumber.open(built.pdf_path) as pdf:
        chars = pdf.pages[0].chars
    # Turned clockwise: the Latin word, and the subtitle's —— (LXGW WenKai has no vertical form of it).
    assert "".join(c["text"] for c in chars if not c["upright"]) == "APP——"
    big = [c for c in chars if round(c["size"]) == 22]
    assert "“" in "".join(c["text"] for c in big)  # the vertical quote still extracts as “


def test_the_test_page_passes_the_typography_check(built) -> None:
    assert check_pdf(built.pdf_path).problems == 0


def test_subhead_stands_centred_on_the_grid_after_a_blank_line(built) -> None:
    lines = [l for l in built.page.lines if l.article == "notes" and l.role in ("body", "subhead")]
    i = next(k for k, l in enumerate(lines) if l.role == "subhead")
    sub, before = lines[i], lines[i - 1]
    assert sub.text == "竖排标题"
    assert {g.face for g in sub.glyphs} == {"hei"} and sub.glyphs[0].size == 10.5
    left = sub.glyphs[0].x - sub.x
    right = sub.x + sub.width - (sub.glyphs[-1].x + 10.5)
    assert left == pytest.approx(right, abs=0.5)  # centred in the column
    pitch = built.spec.grid.pitch
    assert sub.baseline - before.baseline == pytest.approx(2 * pitch, abs=1.0)  # one blank grid line above
