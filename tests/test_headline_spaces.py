"""Spaces in headlines (issue 17.7): every space of a headline used to widen to the style's
word_space (one em), Latin word spaces and U+3000 included ("JIANGCHENG DAILY" and "CN 22-0031"
got one-em gaps), and a wrapped headline lost its Latin word spaces altogether. Only a clause break
(an ASCII space between Chinese) widens; the rest keep their width. Read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.typography import check_pdf

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "headline-spaces.yaml"
WORD_SPACE = 1.0  # city-daily.yaml's title word_space, em


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("spaces"))


@pytest.fixture(scope="module")
def lines(built) -> list[list[Char]]:
    """The page's headline-sized characters (over 12 pt), grouped into lines by baseline."""
    chars = [c for c in read_chars(built.pdf_path)[0].chars if c.size > 12 and not c.text.isspace()]
    out: dict[float, list[Char]] = {}
    for c in chars:
        out.setdefault(round(c.baseline), []).append(c)
    return [sorted(cs, key=lambda c: c.x) for _, cs in sorted(out.items())]


def _line_with(lines: list[list[Char]], text: str) -> list[Char]:
    found = [line for line in lines if text in "".join(c.text for c in line)]
    assert found, (text, ["".join(c.text for c in line) for line in lines])
    return found[0]


def _gap_after(line: list[Char], text: str) -> float:
    """Em gap between the end of ``text`` and the next character on its line."""
    joined = "".join(c.text for c in line)
    i = joined.index(text) + len(text) - 1
    return (line[i + 1].x - line[i].right) / line[i].size


def test_latin_word_spaces_keep_their_width_when_the_headline_wraps(lines) -> None:
    words = "WORLD CUP 2026 KICKS OFF IN NORTH AMERICA WITH 48 TEAMS".split()
    latin = [line for line in lines if any(w in "".join(c.text for c in line) for w in words)]
    assert len(latin) >= 2, "the headline wraps in its two columns"
    gaps = []
    for line in latin:
        joined = "".join(c.text for c in line)
        for w in words:
            if w in joined and joined.index(w) + len(w) < len(joined):
                gaps.append(_gap_after(line, w))
    assert gaps and all(0.15 < g < 0.45 for g in gaps), gaps  # a word space, not nothing, not an em


def test_a_number_keeps_its_word_space(lines) -> None:
    line = _line_with(lines, "CN")
    assert 0.15 < _gap_after(line, "CN") < 0.45


def test_a_space_between_han_and_latin_is_the_han_latin_gap(lines) -> None:
    line = _line_with(lines, "日报")
    assert 0.2 <= _gap_after(line, "日报") <= 0.34


def test_the_clause_break_widens_to_word_space(lines) -> None:
    clause = _line_with(lines, "线")
    assert _gap_after(clause, "线") == pytest.approx(WORD_SPACE, abs=0.08)


def test_an_ideographic_space_is_one_em(lines) -> None:
    line = _line_with(lines, "全")
    assert "".join(c.text for c in line) == "全角空格", "one line: U+3000 is no clause break"
    for text in "全角空":
        assert _gap_after(line, text) == pytest.approx(1.0, abs=0.05)


def test_the_page_passes_check(built) -> None:
    report = check_pdf(built.pdf_path)
    assert report.problems == 0, report.summary()
