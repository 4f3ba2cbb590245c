"""A new user's trial (trial 9), on tests/pages/layout/trial-subheads.yaml, read back from the PDF:

- a 小标题 a little wider than its column (印度尼西亚发生5.8级地震, 五号 over 13 ems of 小五) is
  squeezed to the measure; it stood as if it had not been, centred by its unsqueezed width: its
  first character 3.6 pt into the gutter, over the column rule, its last ~4 pt short of the edge;
- a 小标题 that has to break with no cue in the copy (江城市人民政 / 府召开常务会议) is warned of,
  located, as a headline is; one typed with a space (江城市人民政府 召开常务会议) breaks there;
- a body style set flush left (TV listings, ``align: left``): its ragged line was taken for a
  justified line off its measure (`check` exit 4) and filed as ink past the measure by the build,
  though it ends half an em short; the layout record now marks it ``ragged``."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.report import gate_pdf
from pagesetter.proof.typography import PROBLEMS, analyse, check_pdf, pdf_frames

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "trial-subheads.yaml"
EDGE = 0.05  # pt


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("trial-subheads"))


def _column(built, article: str) -> tuple[float, float]:
    """The left and right edges of the article's one body column, from the PDF's layout record."""
    (frame,) = [f for f in pdf_frames(built.pdf_path)[0] if f["kind"] == "body" and f["article"] == article]
    return frame["x0"], frame["x1"]


def _rows(built, article: str, size: float) -> list[list[Char]]:
    """The lines of type ``size`` whose characters stand in the article's column or up to half
    their em left of it (an opening mark's origin), top to bottom; a subhead's too, wherever
    it stands (the next column is of other sizes)."""
    x0, x1 = _column(built, article)
    body = size == built.spec.styles["body"].size
    rows: dict[float, list[Char]] = {}
    for c in read_chars(built.pdf_path)[0].chars:
        if (x0 - (size / 2 if body else 2 * size) <= c.x < (x1 if body else x1 + size)
                and abs(c.size - size) < 0.01 and not c.text.isspace()):
            rows.setdefault(round(c.baseline, 1), []).append(c)
    return [sorted(cs, key=lambda c: c.x) for _, cs in sorted(rows.items())]


def _text(row: list[Char]) -> str:
    return "".join(c.text for c in row)


def test_a_squeezed_subhead_fills_its_column_and_stands_inside_it(built) -> None:
    x0, x1 = _column(built, "briefs")
    size = built.spec.styles["subhead"].size
    (row,) = [r for r in _rows(built, "briefs", size) if _text(r) == "印度尼西亚发生5.8级地震"]
    # wider than the measure before squeezing: set to the measure, first em box at the column's
    # left edge, last at its right (placed by its unsqueezed width it started 3.6 pt left of it)
    assert row[0].x == pytest.approx(x0, abs=EDGE), (row[0].x, x0)
    assert row[-1].x + size == pytest.approx(x1, abs=EDGE), (row[-1].x + size, x1)


def test_a_subhead_that_fits_stays_centred(built) -> None:
    x0, x1 = _column(built, "briefs")
    size = built.spec.styles["subhead"].size
    rows = [r for r in _rows(built, "briefs", size) if _text(r) in ("江城市人民政府", "召开常务会议")]
    assert [_text(r) for r in rows] == ["江城市人民政府", "召开常务会议"]  # broken at the typed space
    for row in rows:
        assert row[0].x - x0 == pytest.approx(x1 - (row[-1].x + size), abs=EDGE), _text(row)


def test_a_subhead_broken_with_no_cue_is_warned_of_where_it_is_typed(built) -> None:
    size = built.spec.styles["subhead"].size
    assert ["江城市人民政", "府召开常务会议"] == [_text(r) for r in _rows(built, "briefs", size)
                                         if _text(r) in ("江城市人民政", "府召开常务会议")]
    breaks = [w for w in built.warnings if w.kind == "headline-break"]
    assert [(str(w.loc), w.message) for w in breaks] == [(
        "tests/pages/content/trial-subheads/briefs.md:9:1",
        "article 'briefs': the subhead breaks between 政 and 府 (江城市人民政 / 府召开常务会议), where the copy "
        "gives no cue; if that cuts a word, write a space where the line should break (README: Headlines)")]


def test_a_flush_left_listing_is_ragged_not_off_the_measure(built) -> None:
    x0, x1 = _column(built, "listings")
    size = built.spec.styles["body"].size
    rows = _rows(built, "listings", size)
    assert [_text(r) for r in rows] == ["12:00正午播报", "13:30《百姓大讲堂》——城", "市更新怎么改？", "17:50快乐厨房"]
    assert all(r[0].x == pytest.approx(x0, abs=0.5) for r in rows)
    assert x1 - rows[1][-1].x - size > size / 2 - EDGE  # the line ends half an em short: ragged, as set
    # nothing found of the listing (the page's briefs part a wire dateline a 13-em column cannot
    # hold, which check rightly names: not this test's)
    report = check_pdf(built.pdf_path)
    found = [f for key, _ in PROBLEMS for f in getattr(report, key)]
    assert not [f for f in found if "'listings'" in f.where], report.text()
    gate = gate_pdf(built.pdf_path)
    assert gate.measure_warnings == () and not [w for w in gate.check_warnings if w.article == "listings"]
    # each line of the listing marked ragged in the layout record, as a centred poem's are
    frames = pdf_frames(built.pdf_path)
    top = {round(f["y0"], 2) for f in frames[0] if f["kind"] == "ragged" and f["article"] == "listings"}
    assert len(top) == 4
    # without the marks, the short line is read as a justified line off its measure: the marks
    # are what exempt it
    unmarked = analyse(read_chars(built.pdf_path), [[f for f in fs if f["kind"] != "ragged"] for fs in frames])
    # (quoted with its white shown: the half-em blank of 《 after the Han–Latin gap reads as a space)
    assert ["".join(f.text.split()) for f in unmarked.off_measure] == ["13:30《百姓大讲堂》——城"]
    assert unmarked.off_measure[0].short
