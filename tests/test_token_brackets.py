"""Brackets of a Latin or figure token stay half-width (a new user's trial 13, FINDINGS §10):
normalisation set the brackets of a tiebreak score 7-6(1) full-width, 7-6（1）. Built on a page of
its own (tests/pages/layout/brackets.yaml) and read back from the PDF: the score, a clause
第3(1)条 and a formula Ca(OH)2 print their ASCII brackets; (1) opening a paragraph (a 序次语),
(3) after Han and brackets holding Chinese print full-width ones, as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.content.normalise import normalise_text
from pagesetter.proof.readback import read_chars

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "brackets.yaml"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> str:
    built = build_page(PAGE, tmp_path_factory.mktemp("brackets"))
    return "".join(c.text for c in read_chars(built.pdf_path)[0].chars if not c.text.isspace())


@pytest.mark.parametrize("token", ["7-6(1)、6-3", "第3(1)条", "Ca(OH)2"])
def test_a_tokens_brackets_print_half_width(printed: str, token: str) -> None:
    assert token in printed


@pytest.mark.parametrize("chinese", ["（1）首盘", "（2）次盘", "第（3）局", "比分（第一盘）"])
def test_brackets_in_chinese_print_full_width(printed: str, chinese: str) -> None:
    assert chinese in printed


@pytest.mark.parametrize("text, expected", [
    ("以7-6(10)、6-3", "以7-6(10)、6-3"),
    ("f(x)的值", "f(x)的值"),
    ("600519(SH)上涨", "600519(SH)上涨"),
    ("组织(WHO)成立", "组织（WHO）成立"),  # after Han: Chinese
    ("WHO(世界卫生组织)", "WHO（世界卫生组织）"),  # holds Chinese
    ("7-6 (1)、击败", "7-6 （1）、击败"),  # not right after the figure: not the score's
])
def test_the_rule_reads_the_character_before_and_the_content(text: str, expected: str) -> None:
    assert normalise_text(text, drop_spaces=False)[0] == expected
