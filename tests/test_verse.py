"""Verse on a 副刊 page (a new user's trial 13, FINDINGS §8): a poem typed a verse line to a line
of a ``::: noindent`` block in a centred style (tests/pages/layout/verse.yaml). A verse line too
long for the measure turned over with each part centred, read as two verse lines; a stanza's last
line stood alone at the head of the next column. Read back from the built PDF: a turnover stands
flush right on the measure, at least two ems in from the left (flow/verse.py), the stanza 河 stands
whole in one column, stanzas typed with a blank line between them stand whole with a white line
between, and a stanza the module cannot keep whole is warned at its first line in the copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.typography import pdf_frames

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "verse.yaml"
EDGE = 0.05  # pt
TURNOVER_INDENT_EM = 2.0  # flow/verse.py's (not imported: the test runs on main's code too)
# line-end marks set half an em (开明, the default punctuation): 。？！ keep their full em
HALF_AT_END = "，、；："


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("verse"))


def _columns(built, article: str) -> list[tuple[float, float]]:
    """The left and right edges of the article's body columns, from the PDF's layout record."""
    return sorted((f["x0"], f["x1"]) for f in pdf_frames(built.pdf_path)[0]
                  if f["kind"] == "body" and f["article"] == article)


def _rows(built, article: str, style: str = "poem") -> list[tuple[int, float, list[Char]]]:
    """The article's lines of verse as printed (in ``style``'s size): (column index, baseline,
    characters left to right), column by column, top to bottom."""
    columns = _columns(built, article)
    size = built.spec.styles[style].size
    rows: dict[tuple[int, float], list[Char]] = {}
    for c in read_chars(built.pdf_path)[0].chars:
        if abs(c.size - size) > 0.01 or c.text.isspace():
            continue
        for k, (x0, x1) in enumerate(columns):
            if x0 - 1 <= c.x < x1:
                rows.setdefault((k, round(c.baseline, 1)), []).append(c)
    return [(k, b, sorted(cs, key=lambda c: c.x)) for (k, b), cs in sorted(rows.items())]


def _text(chars: list[Char]) -> str:
    return "".join(c.text for c in chars)


def _end(c: Char, size: float) -> float:
    """Where a line's last character's em box ends."""
    return c.x + size * (0.5 if c.text in HALF_AT_END else 1.0)


def _row(rows, text: str) -> tuple[int, float, list[Char]]:
    (found,) = [r for r in rows if _text(r[2]) == text]
    return found


@pytest.mark.parametrize("head, turnover", [("看风景的人在楼上", "看你。"), ("这是我，在二〇二二年", "的黄昏，")])
def test_a_turnover_stands_flush_right_under_its_verse_line(built, head: str, turnover: str) -> None:
    rows = _rows(built, "fk-verse")
    k, baseline, chars = _row(rows, turnover)
    x0, x1 = _columns(built, "fk-verse")[k]
    size = built.spec.styles["poem"].size
    # right under its head, in the same column: one verse line
    k_head, above, head_chars = rows[rows.index((k, baseline, chars)) - 1]
    assert (_text(head_chars), k_head) == (head, k)
    assert baseline - above == pytest.approx(built.spec.grid.pitch, abs=0.1)
    # flush right on the measure, not centred as a verse line of its own would be (main: centred)
    left, right = chars[0].x - x0, x1 - _end(chars[-1], size)
    assert right == pytest.approx(0.0, abs=EDGE), f"{turnover!r} ends {right:.2f} pt short of the measure"
    assert left >= TURNOVER_INDENT_EM * size - EDGE
    assert abs(left - right) > size, "a centred turnover reads as a new verse line"


def test_a_verse_line_that_fits_stays_centred(built) -> None:
    rows = _rows(built, "fk-verse")
    size = built.spec.styles["poem"].size
    for text in ("我是一条河，", "你站在桥上看风景，", "只是流着，流着……"):
        k, _, chars = _row(rows, text)
        x0, x1 = _columns(built, "fk-verse")[k]
        assert chars[0].x - x0 == pytest.approx(x1 - _end(chars[-1], size), abs=EDGE), text


def test_the_stanza_stands_whole_in_one_column(built) -> None:
    """河's five verse lines and its title in column 1 (main: 只是流着，流着…… alone at the head of
    column 2)."""
    rows = _rows(built, "fk-verse")
    stanza = ["河", "我是一条河，", "从山里来，到海里去；", "我不问来路，", "也不问归期——", "只是流着，流着……"]
    assert {_row(rows, text)[0] for text in stanza} == {0}


def test_stanzas_typed_apart_stand_whole_with_white_between(built) -> None:
    rows = _rows(built, "stanzas", "poem-small")
    pitch = built.spec.grid.pitch
    stanzas = [["春天从江面上醒来，", "一只白鹭掠过桥。"],
               ["夏天在梧桐叶下午睡，", "蝉声把整座城市都摇响了，", "一直摇到黄昏。", "卖冰棍的老人推着车走过。"],
               ["秋天的风是旧的，", "吹过的每一扇窗", "都有人在等一封信。"],
               ["冬天，", "江水慢了下来，", "我们也慢了下来。"]]
    for lines in stanzas:
        found = [_row(rows, text) for text in lines]
        assert len({k for k, _, _ in found}) == 1, f"the stanza {lines[0]!r} breaks across columns"
        gaps = {round(b - a, 1) for (_, a, _), (_, b, _) in zip(found, found[1:])}
        assert gaps <= {round(pitch, 1)}, lines[0]
    for first, second in zip(stanzas, stanzas[1:]):
        (k1, end, _), (k2, start, _) = _row(rows, first[-1]), _row(rows, second[0])
        if k1 == k2:
            assert start - end == pytest.approx(2 * pitch, abs=0.1), "one white grid line between stanzas"
        else:
            verse = {text for lines in stanzas for text in lines}
            top = min(b for _, b, cs in rows if _text(cs) in verse)  # the columns start on one grid line
            assert start == top, "no white opens a column"


def test_a_stanza_the_module_cannot_keep_whole_is_warned(built) -> None:
    """桥's eight lines do not stand whole in a column of fk-verse's module without leaving one
    empty; tight's stanzas kept whole would leave lines over: each breaks between verse lines,
    the text all set, and the build says so at the stanza's first line."""
    said = [w for w in built.warnings if w.kind == "layout" and "stanza" in w.message]
    assert [(Path(w.loc.path).name, w.loc.line) for w in said] == [("fk-verse.md", 19), ("tight.md", 11)]
    assert "'你站在桥上看风景，' breaks across columns" in said[0].message
    assert "'五' breaks across columns" in said[1].message
    assert not [w for w in built.warnings if w.kind == "overset"]
    rows = _rows(built, "tight", "poem-small")
    assert [_text(cs) for k, _, cs in rows if k == 0] == ["一", "二", "三", "四", "五"]
