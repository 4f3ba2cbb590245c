"""Latin phrases in vertical headlines (trial 16 #1), tests/pages/layout/vertical-phrase.yaml read
back from the PDF: a word space inside a Latin phrase is no clause break. “We must act now” was set
one word a column (G20峰会发出『We | must | act | now』的呼声) and `check` said nothing; the phrase
turns as one run in one column now (clreq §3.3), a space between Han and Latin still parts a
two-clause title, and `check` names a phrase split across columns (proof/typography.py
_split_phrases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.typography import check_pdf

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "vertical-phrase.yaml"
TITLE, SUBTITLE, BYLINE = 22.0, 14.0, 9.0  # 二号 title, 四号 subtitle, 小五 byline
# pt from the left: between column 3 (the quote's body ends at 506 pt) and column 4 (the clauses', from 515)
MIDDLE = 510.0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Char]]:
    result = build_page(PAGE, tmp_path_factory.mktemp("vertical-phrase"))
    return result.pdf_path, list(read_chars(result.pdf_path)[0].chars)


def _sized(chars: list[Char], size: float) -> list[Char]:
    return [c for c in chars if abs(c.size - size) < 0.01]


def _axis(c: Char) -> float:
    return (c.ink_left + c.ink_right) / 2


def _columns(chars: list[Char]) -> list[str]:
    """The characters in columns, right to left, each read top to bottom (ink centres within a
    third of an em share a column)."""
    out: list[list[Char]] = []
    for c in sorted(chars, key=_axis, reverse=True):
        if out and _axis(out[-1][0]) - _axis(c) < c.size / 3:
            out[-1].append(c)
        else:
            out.append([c])
    return ["".join(c.text for c in sorted(col, key=lambda c: c.ink_top)) for col in out]


def test_a_latin_phrase_stays_in_one_column(built) -> None:
    titles = [c for c in _sized(built[1], TITLE) if c.text.strip()]
    quote = [c for c in titles if c.x < MIDDLE]  # the left article's title
    columns = _columns(quote)
    assert len(columns) >= 2, columns  # the title still takes more than one column
    assert any("Wemustactnow" in col for col in columns), columns


def test_the_columns_part_where_the_copy_gives_a_cue(tmp_path: Path) -> None:
    """Balanced by depth alone, the quote's title parted 发出 (G20峰会发 / 出“We must act now” / 的呼声,
    and the build warned); its columns end where a horizontal headline's lines would (display.py
    break_cost: at the quote's edges), and the build says nothing of them."""
    result = build_page(PAGE, tmp_path)
    chars = [c for c in _sized(list(read_chars(result.pdf_path)[0].chars), TITLE) if c.text.strip() and c.x < MIDDLE]
    assert _columns(chars) == ["G20峰会发出", "“Wemustactnow”", "的呼声"], _columns(chars)
    assert not [w for w in result.warnings if w.kind == "headline-break" and w.article == "quote"]


def test_a_space_between_han_and_latin_parts_two_clauses(built) -> None:
    title = [c for c in _sized(built[1], TITLE) if c.text.strip() and c.x > MIDDLE]
    columns = _columns(title)
    assert "峰会落幕" in columns, columns
    assert any(col.startswith("NewYork") for col in columns), columns


def test_a_subtitle_and_byline_phrase_turns_whole(built) -> None:
    for size, word in ((SUBTITLE, "HappyNewYear"), (BYLINE, "JohnSmith")):
        chars = [c for c in _sized(built[1], size) if c.text.strip() and c.x > MIDDLE]  # not the body's G20
        letters = [c for c in chars if c.text.isascii() and c.text.isalpha()]
        assert "".join(c.text for c in letters) == word
        assert max(c.x for c in letters) - min(c.x for c in letters) < 0.01  # one turned baseline


def test_the_page_passes_check(built) -> None:
    report = check_pdf(built[0])
    assert report.split_phrases == []
    assert report.problems == 0, report.text()


def test_a_title_with_no_cue_is_said_where_its_columns_part(tmp_path: Path) -> None:
    """马拉松比赛期间部分道路交通管制 in columns of five characters must part between two Han
    written together: said as a horizontal headline's uncued line ends are (headline-break),
    with the columns as printed, at the title's line."""
    page = PAGE.parent / "vertical-cue.yaml"
    result = build_page(page, tmp_path)
    said = [w for w in result.warnings if w.kind == "headline-break"]
    assert len(said) == 1 and "vertical title breaks between" in said[0].message, [w.message for w in said]
    assert "马拉松比赛期间部分道路交通管制" == "".join(said[0].message.split("(")[1].split(")")[0].split(" / "))
    assert said[0].loc.line == 2 and said[0].loc.path.endswith("nocue.md")
