"""破折号 —— and 省略号 …… are two ems in every face and role (GB/T 15834-2011 §5.1.4, §5.1.5).

The dash page (tests/pages/layout/dash.yaml) sets them in body text, run-in leads, headlines,
subtitles, kickers and captions in all five shipped faces; the PDF is read back and every mark
measured from the glyphs' origins and ink as printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.typography import check_pdf

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "dash.yaml"
TOLERANCE = 0.05  # em, the acceptance: 2.00 ± 0.05 em

# The faces of fonts/manifest.yaml as the PDF names them (subset tag stripped).
FONTS = ("NotoSerifCJKsc-Regular", "NotoSerifCJKsc-Bold", "NotoSansCJKsc-Regular", "NotoSansCJKsc-Bold",
         "LXGWWenKai-Regular")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("dash-page"))


@pytest.fixture(scope="module")
def chars(built) -> tuple[Char, ...]:
    return read_chars(built.pdf_path)[0].chars


def _font(c: Char) -> str:
    return c.font.split("+", 1)[-1]


def pairs(chars: tuple[Char, ...], marks: str) -> list[tuple[Char, Char]]:
    """Two like marks side by side on one line: a 破折号 or 省略号 as printed."""
    out = []
    i = 0
    while i + 1 < len(chars):
        a, b = chars[i], chars[i + 1]
        if a.text in marks and b.text == a.text and abs(a.baseline - b.baseline) < 0.5:
            out.append((a, b))
            i += 2
        else:
            i += 1
    return out


def test_every_dash_is_one_unbroken_rule_two_ems_long(chars) -> None:
    found = pairs(chars, "—―")
    assert len(found) >= 40
    for a, b in found:
        em = a.size
        where = f"{_font(a)} {em:g} pt at y {a.baseline:.1f}"
        # Each character of the pair takes one em of advance: the mark takes two.
        assert (b.x - a.x) / em + 1 == pytest.approx(2.0, abs=TOLERANCE), where
        # Its ink is one rule from the first em's left edge to the second's right edge, no gap.
        ink = (max(a.ink_right, b.ink_right) - min(a.ink_left, b.ink_left)) / em
        assert ink == pytest.approx(2.0, abs=TOLERANCE), where
        assert (b.ink_left - a.ink_right) / em < 0.02, where


def test_every_ellipsis_is_six_dots_over_two_ems(chars) -> None:
    found = pairs(chars, "…⋯")
    assert len(found) >= 30
    for a, b in found:
        em = a.size
        where = f"{_font(a)} {em:g} pt at y {a.baseline:.1f}"
        assert (b.x - a.x) / em + 1 == pytest.approx(2.0, abs=TOLERANCE), where
        ink = (max(a.ink_right, b.ink_right) - min(a.ink_left, b.ink_left)) / em
        assert 1.6 <= ink <= 2.0 + TOLERANCE, where  # the dots inside their two ems


def test_a_lone_dash_takes_one_em(chars) -> None:
    lone = [c for i, c in enumerate(chars) if c.text == "—" and chars[i - 1].text != "—"
            and chars[i + 1].text != "—"]
    assert {_font(c) for c in lone} == set(FONTS)
    for c in lone:
        assert (c.ink_right - c.ink_left) / c.size == pytest.approx(1.0, abs=TOLERANCE), _font(c)


def test_marks_were_measured_in_every_face_and_role(built, chars) -> None:
    """The page holds both marks in each face at body (9 pt), subtitle (10.5 pt) and headline
    (14 pt) sizes, and in body, lead, title, subtitle, kicker and caption lines."""
    for marks in ("—", "…"):
        seen = {(_font(a), round(a.size, 1)) for a, _ in pairs(chars, marks)}
        for font in FONTS:
            assert (font, 9.0) in seen and (font, 14.0) in seen, (marks, font)
        assert any(size == 10.5 for _, size in seen)
    roles = {(line.role, g.face) for line in built.page.lines if "——" in line.text for g in line.glyphs}
    for face in ("song", "song-bold", "hei", "hei-bold", "kai"):
        assert ("body", face) in roles and ("title", face) in roles, face
    assert {("caption", "kai"), ("caption", "song"), ("caption", "hei"), ("subtitle", "kai"),
            ("kicker", "kai")} <= roles


def test_the_dash_page_passes_the_typography_check(built) -> None:
    """Two-em marks must not be left alone on a paragraph's last line (孤字: a line of only
    punctuation), nor split across lines."""
    report = check_pdf(built.pdf_path)
    assert report.lone_char == [] and report.split_marks == [] and report.problems == 0
