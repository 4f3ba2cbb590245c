"""Short bodies under a span table or photos (trial 18a, finding 2): where the cells leave the body
two lines in each column, a 5-line paragraph was dealt 1/1/1/1/1 across the columns under three
photos, and a 3-line one 1/1/1 under a span table, though README "balance" says a column that held
text is left empty where the text is too short for two lines in every column it filled. The plain
bodies' rule missed them: the module kept no more white at its foot than it may (the table's), or
no deeper foot kept two lines in every column printing (columns two deep cannot for an odd count),
and the balanced columns stood. Now the columns are filled as deep as they go, the fewest columns
printing one line: 2/1 and 2/2/1. tests/pages/layout/short-under-cells.yaml, read back from the
built PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import frame_lines

from pagesetter.build import build_page

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "short-under-cells.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("short-under-cells"))


def _depths(pdf: Path, article: str) -> list[int]:
    """How many lines each of the module's body frames prints, in reading order (0: empty)."""
    return [len(col) for col in frame_lines(pdf, article)]


def test_three_lines_under_a_span_table_fill_the_first_column(built) -> None:
    depths = _depths(built.pdf_path, "short-under-table")
    assert sum(depths) == 3, depths
    assert depths == [2, 1, 0], depths  # was 1/1/1; the columns hold two lines, so not 3/0/0


def test_five_lines_under_photos_fill_columns_two_deep(built) -> None:
    depths = _depths(built.pdf_path, "short-under-photos")
    assert sum(depths) == 5, depths
    assert depths == [2, 2, 1, 0, 0, 0], depths  # was 1/1/1/1/1/0


def test_the_build_says_the_columns_left_empty(built) -> None:
    said = [w.message for w in built.warnings if w.kind == "underset"]
    assert any("'short-under-photos'" in m and "columns 4, 5 and 6 of its 6 are empty" in m for m in said), said
    assert any("'short-under-table'" in m and "column 3 of its 3 is empty" in m for m in said), said
