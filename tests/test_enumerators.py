"""Every item of a list has the same white after its enumerator (README), the line's own spacing:
the mark closing it (1． （一）) keeps its set width when a line is justified. Trial 14's 法治版: 1．
and 2． set half an em but 3． a full em, （四） a full em against （一）（二）（三） half, each line's
justification taking the mark's blank back. Read back from the test page
(tests/pages/layout/enumerators.yaml: the trial's copy in 11字 小五 columns)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import read_chars

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "enumerators.yaml"
SIZE = 9.0  # 小五: the body
NUMBERS = "0123456789一二三四"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("enumerators"))


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _lines(pdf: Path) -> list[list]:
    """The body's lines as printed, each one column's characters left to right (a column every
    11字 and a 1字 gutter from the leftmost character's)."""
    chars = [c for c in read_chars(pdf)[0].chars if abs(c.size - SIZE) < 0.01]
    left = min(c.x for c in chars)
    rows: dict[tuple[float, int], list] = {}
    for c in chars:
        rows.setdefault((round(c.baseline, 1), int((c.x - left + SIZE / 2) // (12 * SIZE))), []).append(c)
    return [sorted(row, key=lambda c: c.x) for row in rows.values()]


def _after_enumerators(pdf: Path) -> list[tuple[str, float, float]]:
    """Each item's enumerator as printed: (the enumerator, the white after its mark's half em, the
    line's median white between Han), in em."""
    found = []
    for line in _lines(pdf):
        for k in range(1, min(4, len(line) - 1)):
            number, mark, first = line[k - 1], line[k], line[k + 1]
            if mark.text in "．）" and number.text in NUMBERS and _han(first.text):
                han = sorted((b.x - a.x - SIZE) / SIZE for a, b in zip(line, line[1:]) if _han(a.text) and _han(b.text))
                white = (first.x - mark.x - SIZE / 2) / SIZE
                found.append(("".join(c.text for c in line[:k + 1]), white, han[len(han) // 2]))
    return found


def test_every_item_keeps_the_same_white_after_its_enumerator(built) -> None:
    found = _after_enumerators(built.pdf_path)
    assert sorted(e for e, _, _ in found) == ["1．", "2．", "3．", "（一）", "（三）", "（二）", "（四）"], found
    # the mark half an em, then the line's own spacing between Han (never the mark's blank given back)
    assert all(abs(white - usual) <= 0.03 for _, white, usual in found), found
