"""A 小标题 is kept with its text (issue 17): on tests/pages/layout/subhead-foot.yaml the first
subhead's place falls on the last line of the first column (as built before the fix: the subhead
ended the column and its text began the next). Read back from the PDF: no body frame ends on a
subhead line, and the subhead opens the next column."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import frame_lines

from pagesetter.build import build_page
from pagesetter.flow import article
from pagesetter.proof.readback import Char
from pagesetter.proof.typography import check_pdf, pdf_frames

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "subhead-foot.yaml"
EDGE = 0.5  # pt


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("subhead-foot"))


@pytest.fixture(scope="module")
def columns(built) -> list[list[list[Char]]]:
    """Per body frame in reading order, its text lines top to bottom (each a list of characters)."""
    return frame_lines(built.pdf_path, edge=EDGE)


def _is_subhead(line: list[Char], size: float) -> bool:
    return all(abs(c.size - size) < 0.01 for c in line)


def test_no_column_ends_on_a_subhead(built, columns) -> None:
    size = built.spec.styles["subhead"].size
    assert size != built.spec.styles["body"].size  # the read-back tells subheads by their size
    subheads = [line for col in columns for line in col if _is_subhead(line, size)]
    assert len(subheads) == 2  # both ## lines printed
    for k, col in enumerate(columns):
        assert not (col and _is_subhead(col[-1], size)), f"column {k + 1} ends on a subhead"


def test_the_subhead_opens_the_next_column_with_its_text(built, columns) -> None:
    size = built.spec.styles["subhead"].size
    first, second = columns[0], columns[1]
    assert "".join(c.text for c in second[0]) == "居民参与改造方案"
    assert not _is_subhead(second[1], size)
    assert "".join(c.text for c in second[1]).startswith("各小区成立居民议事会")
    # the first column ends with the paragraph before the subhead (the blank and the subhead's
    # old place are white at its foot)
    assert first[-1][-1].text == "。" and not _is_subhead(first[-1], size)


def test_check_finds_no_subhead_at_a_foot(built) -> None:
    report = check_pdf(built.pdf_path)
    assert report.frames and report.subhead_foot == [], report.text()
    assert report.problems == 0, report.text()


def test_check_reports_a_subhead_at_a_foot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page as it was built before subheads were kept with their text (the keeping turned
    off): `check` names the subhead that ends the first column."""
    monkeypatch.setattr(article, "keep_subheads", lambda placed, slots: placed)
    parted = build_page(PAGE, tmp_path)
    report = check_pdf(parted.pdf_path)
    assert [f.text for f in report.subhead_foot] == ["居民参与改造方案"], report.text()
    assert "1 subhead at a column's foot" in report.summary()  # counted (wording.py)


SAME = PAGE.with_name("subhead-foot-same.yaml")  # the subhead set at the body's size (小五 黑体)


@pytest.mark.parametrize("keep", [True, False])
def test_check_knows_a_subhead_at_the_body_size_by_the_layout_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      keep: bool) -> None:
    """Issue 17 follow-up: `check` saw a subhead at a column's foot only when set larger than the
    body. Our PDFs' layout record marks each subhead's line: a same-size bold subhead stranded at
    the foot (keeping turned off) is named, and none is when it is kept with its text."""
    if not keep:
        monkeypatch.setattr(article, "keep_subheads", lambda placed, slots: placed)
    built = build_page(SAME, tmp_path)
    assert built.spec.styles["subhead"].size == built.spec.styles["body"].size
    assert [f["kind"] for f in pdf_frames(built.pdf_path)[0]].count("subhead") == 2  # both ## lines marked
    report = check_pdf(built.pdf_path)
    assert [f.text for f in report.subhead_foot] == ([] if keep else ["居民参与改造方案"]), report.text()
