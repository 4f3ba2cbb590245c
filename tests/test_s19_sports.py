"""Session 19's hostile sports page (tests/pages/layout/s19-sports.yaml): what the session merged,
met on one page a sports desk would send. Full-width scores in the headline and body (３－１ set
as 3−1 with the minus sign, never a hyphen a line may end after; ２５∶２３ with no justification
space inside), a telephone number's － kept a hyphen, a coloured box frame, and areas left white on
purpose under ``white:``. Read back from the PDF with pdfplumber."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from pagesetter.build import build_page

SPEC = Path(__file__).resolve().parent / "pages" / "layout" / "s19-sports.yaml"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory):
    built = build_page(SPEC, tmp_path_factory.mktemp("s19-sports"))
    with pdfplumber.open(built.pdf_path) as pdf:
        p = pdf.pages[0]
        return built, list(p.chars), list(p.rects) + list(p.lines) + list(p.curves), p.width, p.height


def _text(chars: list[dict]) -> str:
    return "".join(c["text"] for c in chars)


def test_scores_print_with_the_minus_sign_and_the_telephone_number_with_a_hyphen(page) -> None:
    _, chars, _, _, _ = page
    text = _text(chars)
    for score in ("3\u22121", "14\u22127", "105\u221298"):
        assert score in text, score
    assert "027-86661234" in text
    assert "3-1" not in text and "105-98" not in text


def test_no_justification_space_inside_a_score(page) -> None:
    _, chars, _, _, _ = page
    ratios = [i for i, c in enumerate(chars) if c["text"] == "\u2236"]
    assert len(ratios) >= 6
    for i in ratios:
        before, ratio, after = chars[i - 1], chars[i], chars[i + 1]
        assert before["text"].isdigit() and after["text"].isdigit(), (before["text"], after["text"])
        em = ratio["size"]
        # the ratio sign's own em box against its figures: nothing added either side
        assert abs(ratio["x0"] - before["x1"]) < 0.02 * em, (before["text"], ratio["x0"] - before["x1"])
        assert abs(after["x0"] - ratio["x1"]) < 0.02 * em, (after["text"], after["x0"] - ratio["x1"])


def test_the_white_areas_print_nothing_and_the_build_says_no_hole(page) -> None:
    built, chars, _, width, height = page
    assert not [w for w in built.warnings if "no module covers" in w.message]
    spec = built.spec
    g = spec.grid
    dx, dy = (width - built.page.trim[0]) / 2, (height - built.page.trim[1]) / 2
    x0 = dx + spec.margin_left + 2 * (g.column_width + g.gutter)  # column 3
    top = dy + spec.margin_top + 22 * g.pitch  # line 23
    inside = [c["text"] for c in chars if c["x0"] >= x0 - 0.5 and c["top"] >= top and c["top"] < height - dy]
    assert not inside, "".join(inside)


def test_the_brief_is_framed_in_its_blue(page) -> None:
    _, _, drawn, _, _ = page
    def colour(d: dict) -> tuple[float, ...]:
        c = d.get("stroking_color")
        return tuple(round(v, 2) for v in c) if isinstance(c, (tuple, list)) else ()

    blue = [d for d in drawn if colour(d) == (1.0, 0.6, 0.0, 0.0)]
    assert blue, {colour(d) for d in drawn}
