"""Trial 12: column breaks and column rules in underset modules (balanced, white to spare below).

tests/pages/layout/trial12-breaks.yaml holds the trial's modules: 读者来信 in 7 columns of 3 lines
(op-reader, its two-line 落款 parted over two columns: no foot keeps it whole without leaving
columns empty, so the build says so), the same letter in two columns (op-reader-narrow: a
paragraph's first line alone at the first column's foot), a 5-line paragraph set 2/2/1 (photo-story:
前全部通行。 alone at a column's head), a 简讯 whose subhead stood with one line of its text at a
column's foot and its dateline torn into the next (intl-brief), and 总额约为€25万亿。 alone at a
column's head (intl-stress). Every column rule ended on the foot rule or the page foot, through
the white under the text; fitting deepened the headlines of modules that stayed underset.
Everything is read back from the built PDF."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from conftest import frame_lines

from pagesetter.build import build_page
from pagesetter.proof.typography import check_pdf, pdf_frames

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "trial12-breaks.yaml"
EDGE = 0.5  # pt
UNDERSET = ("op-reader", "op-reader-narrow", "photo-story", "intl-stress", "intl-brief")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("trial12-breaks"))


def _columns(pdf: Path, article: str) -> list[list[str]]:
    """The article's body frames in reading order, each its text lines top to bottom."""
    return [["".join(c.text for c in line) for line in frame] for frame in frame_lines(pdf, article, EDGE)]


def _heads(columns: list[list[str]]) -> list[str]:
    return [col[0] for col in columns[1:] if col]


def _where(columns: list[list[str]], text: str) -> tuple[int, int]:
    return next((i, col.index(text)) for i, col in enumerate(columns) if text in col)


def test_a_last_line_does_not_open_a_column_where_the_module_has_white(built) -> None:
    story = _columns(built.pdf_path, "photo-story")
    assert sum(len(col) for col in story) == 5  # nothing lost
    i, k = _where(story, "前全部通行。")
    assert k >= 1 and story[i][k - 1].endswith("7时"), story  # with the line before it (was alone at column 3's head)
    assert all(len(col) >= 2 for col in story if col), story  # no column of one line instead
    stress = _columns(built.pdf_path, "intl-stress")
    assert "总额约为€25万亿。" not in _heads(stress), stress
    report = check_pdf(built.pdf_path)
    assert not [f for f in report.widows if "'photo-story'" in f.where or "'intl-stress'" in f.where], report.text()
    assert not [w for w in built.warnings if w.kind == "typography" and "alone at a column's head" in w.message]


def test_a_first_line_is_not_left_alone_at_a_column_foot(built) -> None:
    letter = _columns(built.pdf_path, "op-reader-narrow")
    i, k = _where(letter, "我查阅了《江城市电动汽")
    assert k + 1 < len(letter[i]), letter  # its paragraph goes on under it, in its column (was the foot)


def test_a_subhead_keeps_two_lines_of_its_text_and_the_dateline_is_not_torn_across_columns(built) -> None:
    brief = _columns(built.pdf_path, "intl-brief")
    i, k = _where(brief, "出环比增长1.0%")  # the subhead's second line
    col = brief[i]
    # two lines of its text under it: the dateline parted across lines, not columns (30 / 日电; since
    # trial 14, whose last pass counts a line set short as one, 30日 / 电 before 'of Economy, Trade
    # and' set short, for two lines 0.50 and 0.55 em between Han)
    assert col[k + 1].startswith("据新华社东京11月30") and k + 2 < len(col), col
    assert (col[k + 1] + col[k + 2]).startswith("据新华社东京11月30日电"), col
    assert not any(w.kind == "typography" for w in built.warnings if "'intl-brief'" in w.message)


def test_a_parted_signature_is_said_where_no_foot_keeps_it_whole(built) -> None:
    """7 columns of 3 lines: the letter's last two lines and its two-line 落款 cannot stand in one
    column, and a deeper foot leaves columns empty. The 落款's second line was at column 7's head
    with no word of it; the build names it and the entry."""
    letter = _columns(built.pdf_path, "op-reader")
    assert letter[-1][0] == "2023年11月28日" and letter[-2][-1].replace("\u3000", "") == "读者李明", letter
    said = [w for w in built.warnings if w.kind == "layout" and "'op-reader':" in w.message]
    assert len(said) == 1 and "'2023年11月28日' opens column 7" in said[0].message, said
    assert said[0].loc is not None and said[0].loc.path.endswith("trial12-breaks.yaml") and said[0].loc.line == 19


def test_column_rules_stop_where_the_text_does(built) -> None:
    """A column rule parts two columns of text: in an underset module it ends under the deeper
    text of the two (within the last line's grid band), not through the white to the foot."""
    pitch = built.spec.grid.pitch
    frames = pdf_frames(built.pdf_path)[0]
    with pdfplumber.open(built.pdf_path) as doc:
        page = doc.pages[0]
        height = page.height
        rules = [ln for ln in page.lines if abs(ln["x0"] - ln["x1"]) < 0.01
                 and ln["linewidth"] == pytest.approx(built.spec.rules.column)]
    for article in UNDERSET:
        columns = frame_lines(built.pdf_path, article, EDGE)
        body = [f for f in frames if f["kind"] == "body" and f["article"] == article]
        block = next(f for f in frames if f["kind"] == "block" and f["article"] == article)
        assert len(body) == len(columns)
        feet = [max(c.baseline for c in col[-1]) if col else None for col in columns]
        mine = [ln for ln in rules if block["x0"] < ln["x0"] < block["x1"]
                and height - block["y1"] <= ln["top"] < height - block["y0"]]
        for left, right, foot_l, foot_r in zip(body, body[1:], feet, feet[1:]):
            x = (left["x1"] + right["x0"]) / 2
            rule = [ln for ln in mine if abs(ln["x0"] - x) < 1]
            if foot_l is None or foot_r is None:
                assert not rule, (article, x)  # none beside an empty column
                continue
            assert len(rule) == 1, (article, x, rule)
            deeper = max(foot_l, foot_r)
            assert deeper < rule[0]["bottom"] <= deeper + pitch, (article, x, deeper, rule[0]["bottom"])


def test_fitting_pads_no_headline_of_a_module_that_stays_underset(built) -> None:
    """headline +3 lines (34 empty lines) only moved the white under the headline."""
    fitted = [w.message for w in built.warnings if w.kind == "fitted"]
    assert not [m for m in fitted if "headline +" in m], fitted
    for article in ("op-reader", "intl-brief"):
        assert any(f"'{article}': no change within the fit bounds helps" in m for m in fitted), fitted
        assert any(w.kind == "underset" and f"'{article}':" in w.message for w in built.warnings)
    # the text starts right under the headline: the headline area is its own lines, no more
    frames = pdf_frames(built.pdf_path)[0]
    for article in ("op-reader", "intl-brief"):
        head = next(f for f in frames if f["kind"] == "headline" and f["article"] == article)
        top = max(f["y1"] for f in frames if f["kind"] == "body" and f["article"] == article)
        assert head["y0"] - top < 3 * built.spec.grid.pitch, (article, head, top)


def test_check_counts_the_parted_signature_and_the_build_says_it_once(built) -> None:
    """`check` sees a line set flush right opening a column under a line of the column before
    (what the build warns of as `layout`): a warning, located, no problem; the build does not
    say it again as `typography`."""
    report = check_pdf(built.pdf_path)
    found = [f for f in report.parted_signs]
    assert [f.text for f in found] == ["2023年11月28日"], report.text()
    assert found[0].where.endswith("trial12-breaks/op-reader.md:12"), found[0].where
    assert "1 落款 parted at a column's head" in report.summary()
    assert "warning: a flush-right line (落款) at a column's head" in report.text()
    assert not [w for w in built.warnings if w.kind == "typography" and "落款" in w.message]


def test_the_letters_box_closes_at_its_foot_and_no_side_rule_runs_on_beside_white(built) -> None:
    """The two-column letter (op-reader-narrow, underset) beside intl-stress, which reaches the page
    foot with its text ending above it, and nothing under the letter: the letter's box is its block
    (README, boxed modules: the frame runs on the block's edges), closed by its foot rule with the
    white the underset warning names inside. The rule in the gutter on its left is intl-stress's side
    rule: below the letter's foot it would stand between intl-stress's white and nothing, so it ends
    at the letter's foot rule (a closed corner), or under intl-stress's deepest line if that is lower,
    not on down to the page foot."""
    spec = built.spec
    pitch, gutter = spec.grid.pitch, spec.grid.gutter
    frames = pdf_frames(built.pdf_path)[0]
    block = {f["article"]: f for f in frames if f["kind"] == "block"}
    letter = block["op-reader-narrow"]
    with pdfplumber.open(built.pdf_path) as doc:
        page = doc.pages[0]
        height = page.height
        article = [ln for ln in page.lines if ln["linewidth"] == pytest.approx(spec.rules.article)]
    x_left = letter["x0"] - gutter / 2
    side = [ln for ln in article if abs(ln["x0"] - ln["x1"]) < 0.01 and abs(ln["x0"] - x_left) < 1]
    foot = [ln for ln in article if abs(ln["top"] - ln["bottom"]) < 0.01
            and letter["x0"] - gutter <= ln["x0"] < letter["x0"] + 1 and ln["x1"] > letter["x1"] - 1]
    assert len(side) == 1 and len(foot) == 1, (side, foot)
    foot_y = foot[0]["top"]
    assert height - letter["y0"] - pitch < foot_y < height - letter["y0"]  # on the block's rule line
    deepest = {name: max(c.baseline for col in frame_lines(built.pdf_path, name, EDGE) for line in col[-1:]
                         for c in line) for name in ("op-reader-narrow", "intl-stress")}
    assert deepest["op-reader-narrow"] < foot_y - 10 * pitch  # underset: white inside the box
    rule = side[0]
    assert rule["top"] <= height - letter["y1"] + 1  # from the letter's top down …
    # … to its foot rule, or to under intl-stress's deepest line if lower: a closed corner, no more
    assert rule["bottom"] <= max(foot_y + spec.rules.article, deepest["intl-stress"] + pitch), (rule, foot_y, deepest)
    assert rule["bottom"] >= foot_y - 0.01, (rule, foot_y)
    # the case: intl-stress reaches the page foot (no foot rule of its own), nothing under the letter
    at_foot = {a.article: a.block.bottom >= spec.grid.lines for a in spec.articles}
    assert at_foot["intl-stress"] and not at_foot["op-reader-narrow"]
    assert not [f for f in frames if f["kind"] == "block" and f["x0"] < letter["x1"] and letter["x0"] < f["x1"]
                and f["y1"] <= letter["y0"] + 0.01]
    # the letter's foot rule runs out to the side rule's line: the corner is closed
    assert foot[0]["x0"] <= x_left + 0.01, foot
