"""Vertical headlines (竖排), on tests/pages/layout/vertical-marks.yaml, read back from the PDF:

- a title's tracking opened the two halves of —— and …… (0.04–0.2 em of white down the column,
  where horizontal text already keeps them joined): they stay one mark two ems long, and `check`
  calls white inside one a broken mark (compose/chars.py MARK_GAP_EM) even where its length is
  within the length check's tolerance (the kai subtitle's 0.04字: 2.04 em);
- ＂ and " stood upright in a vertical column as in a line (no corner form in any face): they are
  turned, and `check` calls a quotation mark set upright with a horizontal form's ink
  (compose/chars.py VERTICAL_QUOTES, VERTICAL_QUOTE_INK_EM) a horizontal quote in vertical text.

tests/pages/vertical-marks-main.pdf is main's build of the page before these fixes, so `check` is
shown to see both there.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.compose.chars import DASH, ELLIPSIS
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.typography import check_pdf

PAGES = Path(__file__).resolve().parent / "pages"
MAIN = PAGES / "vertical-marks-main.pdf"  # main's build of vertical-marks.yaml, before these fixes
TITLE_SIZES = (22.0, 14.0)  # 二号 titles, 四号 subtitles: the vertical text of the page
QUOTES = frozenset("“”‘’「」『』＂\"'")  # GB/T 15834-2011 §4.1's quotation marks, and the straight ones


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGES / "layout" / "vertical-marks.yaml", tmp_path_factory.mktemp("vertical-marks"))


def _vertical(pdf: Path) -> list[Char]:
    return [c for c in read_chars(pdf)[0].chars if any(abs(c.size - s) < 0.01 for s in TITLE_SIZES)]


def _halves(chars: list[Char], marks: frozenset[str]) -> list[tuple[Char, Char]]:
    """Each ——/…… down a column as its two halves: characters of the mark on one axis, in pairs from
    the top (every mark on the page stands alone, never two in a row)."""
    columns: dict[float, list[Char]] = {}
    for c in chars:
        if c.text in marks:
            columns.setdefault(round((c.ink_left + c.ink_right) / 2), []).append(c)
    out = []
    for column in columns.values():
        column.sort(key=lambda c: c.baseline)
        assert len(column) % 2 == 0, [c.text for c in column]
        out += list(zip(column[::2], column[1::2]))
    return out


def test_tracking_never_opens_a_dash_or_an_ellipsis(built) -> None:
    chars = _vertical(built.pdf_path)
    dashes, dots = _halves(chars, DASH), _halves(chars, ELLIPSIS)
    assert len(dashes) == 4 and len(dots) == 3  # every one on the page (both titles, both subtitles)
    for a, b in dashes:  # one unbroken rule: the second half's ink starts where the first's ends
        assert abs(b.ink_top - a.ink_bottom) < 0.01 * a.size, (a, b)
        assert (b.ink_bottom - a.ink_top) / a.size == pytest.approx(2.0, abs=0.02)
    for a, b in dots:  # six even dots: the second em right under the first
        assert b.baseline - a.baseline == pytest.approx(a.size, abs=0.01 * a.size), (a, b)
    # the tracking still spaces the other characters of those columns (the style's wish is kept)
    first = next(c for c in chars if c.text == "两")
    title = sorted((c for c in chars if abs(c.x - first.x) < 1 and abs(c.size - 22.0) < 0.01), key=lambda c: c.baseline)
    assert "".join(c.text for c in title).startswith("两个字长的"), title
    title = title[:5]
    assert all(b.baseline - a.baseline == pytest.approx(22.0 * 1.2, abs=0.05) for a, b in zip(title, title[1:]))


def _upright_quotes(chars: list[Char]) -> list[Char]:
    return [c for c in chars if c.text in QUOTES and abs(math.sin(c.angle)) < 0.05]


def test_no_quotation_mark_stands_in_a_vertical_column_as_in_a_line(built) -> None:
    chars = _vertical(built.pdf_path)
    # the title's "好" is set “好” (content/normalise.py: straight quotes in Chinese text, trial 14);
    # its ＂＂ (full-width, no ASCII) stay as typed
    straight = [c for c in chars if c.text in "＂\""]
    assert [c.text for c in straight] == ["＂", "＂"]  # nothing lost
    assert all(c.angle == pytest.approx(math.pi / 2, abs=0.01) for c in straight), straight  # turned
    upright = _upright_quotes(chars)
    # the subtitle's 「」 and the title's “”: the face's vertical forms, upright, reaching across the
    # column (﹁﹂, ﹃﹄-like)
    assert sorted(c.text for c in upright) == ["“", "”", "「", "」"]
    assert all(c.ink_right - c.ink_left > 0.6 * c.size for c in upright), upright


def test_main_set_both_and_check_now_sees_them() -> None:
    chars = _vertical(MAIN)
    # main: the halves apart by the tracking, ＂ and " upright and narrow
    assert max(b.ink_top - a.ink_bottom for a, b in _halves(chars, DASH)) > 0.1 * 14.0
    assert len([c for c in _upright_quotes(chars) if c.text in "＂\""]) == 4
    report = check_pdf(MAIN)
    # every —— and …… the tracking opened, the kai subtitle's (0.04 em: 2.04 em long) too
    assert len(report.broken_marks) == 7, report.text()
    assert any("0.04 em of white inside ——" in f.detail for f in report.broken_marks), report.text()
    assert sorted(f.detail[0] for f in report.horizontal_quotes) == ["\"", "\"", "＂", "＂"], report.text()
    assert "——/…… broken by white" in report.text() and "horizontal quotation mark in vertical text" in report.text()


def test_the_page_now_passes_check(built) -> None:
    report = check_pdf(built.pdf_path)
    # 11 since trial 14: a byline's word gap (本报记者 刘洋, an em of white down the column) no
    # longer parts it into two columns (proof/typography.py VERTICAL_WORD_GAP)
    assert report.vertical_columns >= 11
    assert report.problems == 0, report.text()
    assert report.mark_lengths_em == {"min": pytest.approx(2.0, abs=0.01), "max": pytest.approx(2.0, abs=0.01)}
