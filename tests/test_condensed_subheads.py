"""A 小标题 a little too wide for its column is set condensed (长体) on its one line, not broken
inside a word: trial 14's 10-character 五号 简讯 heads in 11字 小五 columns (6 % too wide) printed
日本央行维 / 持利率不变. At most to 90 % (compose/display.py CONDENSE_LEAST): wider still, it breaks
as before. `check` reads the condensed characters' boxes from the PDF (a Tz scales them) and finds
nothing wrong with such a line. Test page: tests/pages/layout/condensed.yaml."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import read_chars

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "condensed.yaml"
SUBHEAD = 10.5  # 五号
COLUMN = 99.0  # 11字 of 小五


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("condensed"))


def _subhead_lines(pdf: Path) -> tuple[dict[str, list], float]:
    """Each subhead line as printed (its text: its characters left to right), and the left edge of
    the first column (the body's leftmost character)."""
    chars = read_chars(pdf)[0].chars
    left = min(c.x for c in chars if abs(c.size - 9.0) < 0.01)
    rows: dict[tuple[float, int], list] = {}
    for c in chars:
        if abs(c.size - SUBHEAD) < 0.01:
            rows.setdefault((round(c.baseline, 1), int((c.x - left) // (COLUMN + 9.0))), []).append(c)
    return {"".join(c.text for c in sorted(r, key=lambda c: c.x)): sorted(r, key=lambda c: c.x)
            for r in rows.values()}, left


def test_a_subhead_a_little_too_wide_is_condensed_on_one_line(built) -> None:
    lines, left = _subhead_lines(built.pdf_path)
    for text in ("日本央行维持利率不变", "巴西雨林砍伐面积下降"):
        assert text in lines, sorted(lines)  # one line, not 日本央行维 / 持利率不变
        row = lines[text]
        column = left + (COLUMN + 9.0) * int((row[0].x - left) // (COLUMN + 9.0))
        scales = {round((c.right - c.x) / c.size, 3) for c in row}
        assert len(scales) == 1 and 0.9 <= scales.pop() < 0.96, row  # one scale, 105 pt into 99 pt
        assert column - 0.1 <= row[0].x and row[-1].right <= column + COLUMN + 0.1, row
    assert "冰岛火山再度喷发" in lines  # fits: set as it is
    assert all(abs(c.right - c.x - c.size) < 0.01 for c in lines["冰岛火山再度喷发"])


def test_past_the_limit_a_subhead_breaks(built) -> None:
    lines, _ = _subhead_lines(built.pdf_path)
    # 13 characters, 136.5 pt into 99 pt: condensed it would be 72 %, so it breaks (and is warned of)
    assert "联合国气候大" in lines and "会闭幕发表宣言" in lines, sorted(lines)
    assert all(abs(c.right - c.x - c.size) < 0.01 for c in lines["联合国气候大"] + lines["会闭幕发表宣言"])
    assert [w.kind for w in built.warnings] == ["headline-break"]


def test_check_finds_nothing_wrong_with_a_condensed_line(built) -> None:
    checked = subprocess.run([sys.executable, "-m", "pagesetter.cli", "check", "--json", str(built.pdf_path)],
                             capture_output=True, text=True, timeout=120)
    report = next(iter(json.loads(checked.stdout).values()))
    assert checked.returncode == 0 and report["problems"] == 0, report
