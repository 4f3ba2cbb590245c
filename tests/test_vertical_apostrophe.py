"""Apostrophes in a vertical headline's Latin words, and the double prime quotes 〝〞, on
tests/pages/layout/vertical-apostrophe.yaml, read back from the PDF:

- Macy’s, O’Neill, rock’n’roll in a vertical title: the word was cut at its ’, which stood upright
  in the corner form vert gives a closing quote (Macy﹂s); it turns with its word now
  (compose/vertical.py segment_pattern), in the face's proportional form;
- 〝〞 were in no punctuation table, set as Han (a full em, never compressed): they are the
  opening and closing marks of compose/chars.py now, compressed by the 开明 style in a horizontal
  title and down a vertical subtitle alike.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.typography import check_pdf

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "vertical-apostrophe.yaml"
TITLE, SUBTITLE, HEADLINE = 22.0, 14.0, 24.0  # 二号 vertical title, 四号 vertical subtitle, the horizontal title


@pytest.fixture(scope="module")
def chars(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Char]]:
    built = build_page(PAGE, tmp_path_factory.mktemp("vertical-apostrophe"))
    return built.pdf_path, read_chars(built.pdf_path)[0].chars


def _sized(chars: list[Char], size: float) -> list[Char]:
    return [c for c in chars if abs(c.size - size) < 0.01]


def test_an_apostrophe_turns_with_its_word(chars) -> None:
    title = _sized(chars[1], TITLE)
    apostrophes = [c for c in title if c.text == "’"]
    assert len(apostrophes) == 4, "".join(c.text for c in title)  # Macy’s, O’Neill, rock’n’roll
    # turned as its letters are (pdfium's angle, read for quotation marks), never upright as the
    # column's corner quote
    assert all(c.angle == pytest.approx(math.pi / 2, abs=0.01) for c in apostrophes), apostrophes
    # and on the word's baseline: each ’ has its origin where its word's turned letters have theirs
    letters = [c for c in title if c.text.isascii() and c.text.isalpha()]
    assert all(any(abs(c.x - a.x) < 0.01 for c in letters) for a in apostrophes), apostrophes


def test_double_prime_quotes_are_compressed_marks(chars) -> None:
    # horizontal: 号〞的, the closing mark half an em in 开明 style (as Han, a full em: 2 em from 号 to 的)
    headline = {c.text: c for c in _sized(chars[1], HEADLINE)}
    assert set("〝老字号〞的") <= set(headline), sorted(headline)
    step = headline["字"].x - headline["老"].x  # one Han with the title's tracking
    assert (headline["的"].x - headline["号"].x) - step == pytest.approx(0.5 * HEADLINE, abs=0.05 * HEADLINE)
    # vertical: 〞 half an em down the column, the character after it right under it (the subtitle
    # 〝老街〞花车，压轴出场: its first column ends at the comma, so 花 stands under 〞; written
    # 〝老街〞花车压轴, its column ends at 〞, a break between phrases, and nothing stands under it)
    sub = _sized(chars[1], SUBTITLE)
    close = next(c for c in sub if c.text == "〞")
    after = next(c for c in sub if c.text == "花")
    assert abs(after.x - close.x) < 0.5, "〞 and 花 in one column"
    assert after.baseline - close.baseline == pytest.approx(0.5 * SUBTITLE, abs=0.05 * SUBTITLE)


def test_the_page_passes_check(chars) -> None:
    report = check_pdf(chars[0])
    assert report.vertical_columns >= 6
    assert report.problems == 0, report.text()
