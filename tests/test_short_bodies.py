"""Short bodies in balanced, underset modules (trial 17, finding 3): a 3-line paragraph in a
3-column block was set 1/1/1, one line cut by two column rules, and the build warned of its own
段末孤行 (`a paragraph's last line alone at a column's head`) without avoiding it.

README "balance": where a balanced module is underset and its columns break where a desk would not
pass, the columns end a line deeper, or more; a column that held text is left empty only where the
text is too short for two lines in every column it filled, and then every column printing keeps two
or more ("5 lines in 3 columns set 3/2, not 2/2/1"). So one paragraph of N lines in C columns fills
min(C, N // 2) columns (one, for N < 4), none of them holding one line alone, the deeper first and
none more than a line deeper than another. tests/pages/layout/short-bodies.yaml: N = 1..8 in 2, 3,
4 and 5 columns, each module 12 lines deep (white to spare). Read back from the built PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import frame_lines

from pagesetter.build import build_page
from pagesetter.proof.typography import check_pdf

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "short-bodies.yaml"
LINES = range(1, 9)  # the paragraph's lines, a row of modules each
COLUMNS = (2, 3, 4, 5)  # the modules' columns, left to right in each row


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("short-bodies"))


def _depths(pdf: Path, article: str) -> list[int]:
    """How many lines each of the module's columns prints, in reading order (0: empty)."""
    return [len(col) for col in frame_lines(pdf, article)]


def _expected_filled(n: int, columns: int) -> int:
    """README "balance": every column while the text has two lines for each; else as many as keep
    two lines each, and one for text too short for two lines in two columns."""
    return min(columns, max(1, n // 2))


@pytest.mark.parametrize("n", LINES)
@pytest.mark.parametrize("columns", COLUMNS)
def test_no_column_holds_a_lone_line_and_one_is_left_empty_only_for_too_little_text(built, n: int,
                                                                                     columns: int) -> None:
    depths = _depths(built.pdf_path, f"n{n}-c{columns}")
    filled = [d for d in depths if d]
    assert sum(depths) == n, depths  # nothing lost
    assert depths[:len(filled)] == filled, depths  # the text fills the first columns, no gap
    if n >= 2:
        # one paragraph: a column of one line is its first line alone at a foot or its last alone at a head
        assert min(filled) >= 2, depths
    assert len(filled) == _expected_filled(n, columns), depths
    assert filled == sorted(filled, reverse=True) and max(filled) - min(filled) <= 1, depths  # balanced


def test_the_readmes_example_and_the_trials_case(built) -> None:
    assert _depths(built.pdf_path, "n5-c3") == [3, 2, 0]  # "5 lines in 3 columns set 3/2, not 2/2/1"
    assert _depths(built.pdf_path, "n3-c3") == [3, 0, 0]  # was 1/1/1


def test_neither_check_nor_the_build_finds_a_last_line_alone_at_a_column_head(built) -> None:
    report = check_pdf(built.pdf_path)
    assert not report.widows, report.text()
    assert not [w for w in built.warnings if w.kind == "typography" and "alone at a column's head" in w.message]
