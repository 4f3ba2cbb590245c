"""A paragraph's last line and a letter's 落款 are kept from the head of a column (trial 9), and a
title with a photo and no body is a map box, not a headline-only banner.

tests/pages/layout/keep-ends.yaml: the trial's briefs (world.yaml) in 8 balanced columns, where
预期至0.9%。 opened column 2 alone and column 8 stood empty (tests/pages/keep-ends-main.pdf, main's
build: `check` counts and locates the last line); the same briefs with the columns as deep as the
block (balance off), where 暂无人员伤亡报告。 opened column 4 alone, columns 6-8 stood empty and
column 3 opened with the white above a subhead. Briefs longer than an item are now evened over the
columns as items are (flow/article.py spread_items, _brief_units), broken only where no first or
last line stands alone, and no column opens with white. The trial's 读者来信 box in 8 columns, whose
落款 opened columns (江城区　刘建国, 一位高三学生家长), and whose column 3 opened with white over its
subhead. tests/pages/layout/map-box.yaml: the trial's w-map without headline.lines, which stopped
the build ("runs past its block"). Everything is read back from the PDFs."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from conftest import frame_lines

from pagesetter.build import build_page
from pagesetter.cli import main
from pagesetter.proof.readback import read_chars
from pagesetter.proof.typography import PROBLEMS, check_pdf, pdf_frames

PAGES = Path(__file__).resolve().parent / "pages" / "layout"
PAGE = PAGES / "keep-ends.yaml"
MAIN = PAGES.parent / "keep-ends-main.pdf"  # main's build of keep-ends.yaml, before briefs were evened
EDGE = 0.5  # pt


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("keep-ends"))


def _columns(pdf: Path, article: str) -> list[list[str]]:
    """The article's body frames in reading order, each its text lines top to bottom."""
    return [["".join(c.text for c in line) for line in frame] for frame in frame_lines(pdf, article, EDGE)]


def _heads(columns: list[list[str]]) -> list[str]:
    return [col[0] for col in columns[1:] if col]


def _tops(pdf: Path, article: str) -> list[float]:
    """The baseline of each body column's first line, in reading order (None for an empty column)."""
    return [frame[0][0].baseline if frame else None for frame in frame_lines(pdf, article, EDGE)]


@pytest.mark.parametrize("article", ["briefs", "spare"])
def test_briefs_are_evened_over_every_column(built, article: str) -> None:
    """Main: briefs (col 8 empty, 预期至0.9%。 alone at column 2's head), spare (columns 6-8 empty).
    Now every column holds text, no paragraph's last line opens a column, no first line ends one
    alone, and each brief's subhead stands over its text."""
    columns = _columns(built.pdf_path, article)
    assert len(columns) == 8 and all(columns), columns
    text = [line for col in columns for line in col]
    last = ("预期至0.9%。", "关税，有效期3年。", "暂无人员伤亡报告。", "/launches。")  # each brief's
    assert all(line in text for line in last), text  # nothing lost
    assert not set(_heads(columns)) & set(last), columns  # no brief's last line opens a column
    feet = [col[-1] for col in columns[:-1]]
    assert not [f for f in feet if f.startswith("新华社")], columns  # nor a brief's first line ends one
    # evened: no column more than two lines deeper than another
    assert max(map(len, columns)) - min(map(len, columns)) <= 2, columns
    report = check_pdf(built.pdf_path)
    assert not [f for f in report.widows + report.subhead_foot if f"'{article}'" in f.where], report.text()


@pytest.mark.parametrize("article", ["briefs", "spare", "letters"])
def test_no_column_opens_with_white(built, article: str) -> None:
    """Main: spare's column 3 and the letters' column 3 opened a line down, the blank a subhead
    keeps above it at the head of the column. Every column's first line now stands on the first
    one's line (a subhead's baseline, centred in its band, within half a point of a body line's)."""
    tops = [t for t in _tops(built.pdf_path, article) if t is not None]
    assert max(tops) - min(tops) < 1.0, tops


def test_main_left_them_uneven() -> None:
    assert [len(col) == 0 for col in _columns(MAIN, "spare")].count(True) == 3
    assert _columns(MAIN, "briefs")[-1] == []
    for article in ("spare", "letters"):
        tops = [t for t in _tops(MAIN, article) if t is not None]
        assert max(tops) - min(tops) > 10.0, (article, tops)


def test_a_last_line_alone_at_a_column_head_is_counted_and_located() -> None:
    """Main's briefs: 40 lines in 8 columns of 5, 预期至0.9%。 alone at column 2's head: `check`
    counts it, located in its copy, a warning (no problem)."""
    assert _heads(_columns(MAIN, "briefs"))[0] == "预期至0.9%。"
    report = check_pdf(MAIN)
    found = [f for f in report.widows if "'briefs'" in f.where]
    assert [f.text for f in found] == ["预期至0.9%。"], report.text()
    assert found[0].where.endswith("tests/pages/content/keep-ends/briefs.md:8"), found[0].where
    assert "1 paragraph end alone at a column's head" in report.summary()
    # said in check's text, located; a preference kept where a line is spare, no problem (exit 0)
    assert "warning: a paragraph's last line alone at a column's head: 预期至0.9%。" in report.text()


def test_the_build_says_no_last_line_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["build", str(PAGE), "-o", str(tmp_path), "-q", "--no-cache"])
    err = capsys.readouterr().err
    assert not [line for line in err.splitlines() if "alone at a column's head" in line], err
    # (the trial's wire datelines cannot fit its 11-em columns: split_spans names them, not this test's)
    report = check_pdf(tmp_path / "keep-ends.pdf")
    assert not any(getattr(report, key) for key, _ in PROBLEMS if key not in ("off_grid", "split_spans")), \
        report.text()


def test_a_signature_keeps_with_its_letter(built) -> None:
    columns = _columns(built.pdf_path, "letters")
    text = [line for col in columns for line in col]
    for sign in ("读者陈桂兰", "江城区刘建国", "一位高三学生家长"):
        line = next(line for line in text if line.replace("\u3000", "") == sign)
        col = next(col for col in columns if line in col)
        k = col.index(line)
        # not at a column's head: at least the letter's last line stands over it, in its column
        assert k >= 1 and col[k - 1].endswith("。"), (sign, col)
        # nor that last line alone at the head: the column holds two lines of the letter above it
        assert k >= 2, (sign, col)
    assert not any(w.kind == "layout" and "'letters':" in w.message for w in built.warnings)
    assert all("'letters'" not in f.where for f in check_pdf(built.pdf_path).widows)


def test_a_letters_box_fills_its_columns(built) -> None:
    """The 读者来信 box's three letters, each a subhead, a paragraph and its 落款, in 8 columns: kept
    to a balanced foot they stood 4 lines deep in 6 columns and left columns 7 and 8 of the box
    empty (main: said by the underset warning). They are evened over the columns as a 简讯's briefs
    are (flow/article.py is_briefs, _brief_units): every column holds text, each letter's 落款 under
    two lines of its letter (test_a_signature_keeps_with_its_letter), and no column is said empty."""
    columns = _columns(built.pdf_path, "letters")
    assert len(columns) == 8 and all(columns), columns
    # no subhead ends a column, no paragraph's first line is alone at a column's foot
    for col in columns:
        assert not col[-1].startswith(("早点摊", "电梯加装", "施工噪声")), col
    said = [w.message for w in built.warnings if w.kind == "underset" and "'letters'" in w.message]
    assert not any("empty" in m for m in said), said


def test_a_title_and_photo_without_body_is_a_map_box(tmp_path: Path) -> None:
    """The headline takes its own depth and the 'line: after' cell stands under it, the caption
    under the map, all inside the block (it stopped the build: the headline filled the block)."""
    result = build_page(PAGES / "map-box.yaml", tmp_path)
    page = read_chars(result.pdf_path)[0]
    title = [c for c in page.chars if c.text in "黑海航运走廊示意图" and c.size > 14]
    caption = [c for c in page.chars if c.text in "红点为敖德萨港"]
    assert len(title) >= 9 and caption
    with pdfplumber.open(result.pdf_path) as pdf:
        (image,) = pdf.pages[0].images
    top, bottom = image["top"], image["bottom"]  # from the page's top, as the read-back's baselines
    assert max(c.baseline for c in title) < top, (title[0].baseline, top)
    assert min(c.baseline for c in caption) > bottom
    block = next(f for f in pdf_frames(result.pdf_path)[0] if f["kind"] == "block")
    headline = next(f for f in pdf_frames(result.pdf_path)[0] if f["kind"] == "headline")
    # the headline's area is its own few lines, not the block's 30
    assert headline["y1"] - headline["y0"] < (block["y1"] - block["y0"]) / 3
    assert page.height - block["y0"] >= max(c.baseline for c in caption)


def test_a_signature_the_flow_cannot_keep_is_said_located(built) -> None:
    """In 4 balanced columns with no line to spare, taking the letter's last lines over would push
    the text past the columns as balanced: the 落款 stays at the head of column 2, and the build
    names it and the entry."""
    columns = _columns(built.pdf_path, "letters-4")
    assert columns[1][0].replace("\u3000", "") == "读者陈桂兰"
    said = [w for w in built.warnings if w.kind == "layout" and "flush-right" in w.message]
    assert len(said) == 1 and "'letters-4'" in said[0].message and "opens column 2" in said[0].message
    assert said[0].loc is not None and said[0].loc.path.endswith("keep-ends.yaml") and said[0].loc.line == 29
