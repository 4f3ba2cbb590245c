"""A new user's trial (trial 11): flow defects, each built on a page of its own and read back from
the PDF. A caption longer than its photo cell was set past the cell over the body beside it (▲)
or squeezed its picture to a one-line sliver (▼), the build exiting 0; a jumped article whose
text fits was not balanced (every line in column 1 under a headline across two of three
columns, the column rule beside the empty column 2 kept); a ::: noindent item of 简讯 was split
across columns. `check` now finds text set over text on any PDF (trial11-caption-over-body.pdf:
main's build of the ▲ page)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from pagesetter.build import build_page
from pagesetter.errors import OversetError
from pagesetter.proof.readback import read_chars
from pagesetter.proof.typography import check_pdf, pdf_frames

PAGES = Path(__file__).resolve().parent / "pages"
LAYOUT = PAGES / "layout"
MAIN_OVER = PAGES / "trial11-caption-over-body.pdf"  # main's build of trial-capover-caption2.yaml
BODY = 9.0  # pt, 小五
EPS = 0.05


@pytest.mark.parametrize("page", ["caption2", "caption3"])
def test_caption_past_its_cell_is_overset(page: str, tmp_path: Path) -> None:
    """Main wrote the page (exit 0, a warning only); it is overset now, the build stopped."""
    with pytest.raises(OversetError) as err:
        build_page(LAYOUT / f"trial-capover-{page}.yaml", tmp_path)
    assert "of the caption" in str(err.value)
    assert [o.last_fitting for o in err.value.overset] == ["(caption)"]


def test_caption_overset_exits_3_with_json_overset(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--json", "-o", str(tmp_path),
                          str(LAYOUT / "trial-capover-caption2.yaml")], capture_output=True, text=True)
    assert run.returncode == 3, run.stderr
    report = json.loads(run.stdout)
    assert report["ok"] is False and report["overset"], report


@pytest.mark.parametrize("page", ["caption2", "caption3"])
def test_allowed_caption_overset_stays_in_its_cell(page: str, tmp_path: Path) -> None:
    """With overset allowed the caption is cut at the cell's foot (as body overset is): no line of
    it below the cell over the body, no character over another, the picture two lines deep."""
    result = build_page(LAYOUT / f"trial-capover-{page}.yaml", tmp_path, allow_overset=True)
    frames = pdf_frames(result.pdf_path)[0]
    pitch = result.spec.grid.pitch
    caption = next(f for f in frames if f["kind"] == "caption")
    photo = next(f for f in frames if f["kind"] == "photo")
    body = [f for f in frames if f["kind"] == "body" and f["article"] == caption["article"]]
    assert caption["y1"] - caption["y0"] == pytest.approx(4 * pitch, abs=EPS)  # 6-line cell, picture 2
    assert photo["y1"] - photo["y0"] > pitch  # was a one-line sliver under ▼
    for f in body:
        assert f["y1"] <= caption["y0"] + EPS or f["y0"] >= caption["y1"] - EPS, (f, caption)
    assert not check_pdf(result.pdf_path).overlap


def test_check_finds_caption_over_body_in_any_pdf(tmp_path: Path) -> None:
    """Main's page (the caption over the body), read with and without our layout record."""
    assert check_pdf(MAIN_OVER).overlap
    bare = tmp_path / "bare.pdf"
    with pikepdf.open(MAIN_OVER) as pdf:
        for page in pdf.pages:
            if "/PieceInfo" in page.obj:
                del page.obj["/PieceInfo"]
        pdf.save(bare)
    shutil.copy(bare, tmp_path / "copy.pdf")
    found = check_pdf(tmp_path / "copy.pdf").overlap
    assert found and all("over each other" in f.detail for f in found), found
    checked = subprocess.run([sys.executable, "-m", "pagesetter", "check", str(bare)], capture_output=True, text=True)
    assert checked.returncode == 4 and "text set over other text" in checked.stdout + checked.stderr


def _columns(pdf: Path, x0: float, x1: float, first: str) -> dict[int, list[str]]:
    """The body-size rows between x0 and x1 from the line of the body's ``first`` character down
    (the folio above is out), by grid column (a 17字 column and its gutter, 162 pt)."""
    page = read_chars(pdf)[0]
    y0 = next(c.baseline for c in page.chars if c.text == first and abs(c.size - BODY) < 0.01)
    rows: dict[tuple[int, float], list] = {}
    for c in page.chars:
        if abs(c.size - BODY) < 0.01 and x0 <= c.x < x1 and y0 - 0.1 <= c.baseline and c.text.strip():
            rows.setdefault((int((c.x - x0) // 162), round(c.baseline, 1)), []).append(c)
    out: dict[int, list[str]] = {}
    for (col, _), row in sorted(rows.items()):
        out.setdefault(col, []).append("".join(c.text for c in sorted(row, key=lambda c: c.x)))
    return out


@pytest.fixture(scope="module")
def columns_page(tmp_path_factory: pytest.TempPathFactory):
    return build_page(LAYOUT / "trial-capover-columns.yaml", tmp_path_factory.mktemp("capover-columns"))


def test_jumped_article_that_fits_is_balanced(columns_page) -> None:
    """Main: all 35 lines in column 1, columns 2 and 3 empty (jump_to turned balancing off)."""
    block = next(f for f in pdf_frames(columns_page.pdf_path)[0] if f["kind"] == "block")
    cols = _columns(columns_page.pdf_path, block["x0"] - 1, block["x1"], "本")
    assert sorted(cols) == [0, 1, 2], cols
    assert all(len(rows) >= 5 for rows in cols.values()), {k: len(v) for k, v in cols.items()}
    assert not any("转第" in row for rows in cols.values() for row in rows)  # it fits: no jump line


def test_no_column_rule_beside_an_empty_column(columns_page) -> None:
    """Every column rule of the module stands between two columns that hold body text along it
    (main: the rule beside the empty column 2 ran from the headline to the foot)."""
    pdf = columns_page.pdf_path
    block = next(f for f in pdf_frames(pdf)[0] if f["kind"] == "block")
    page = read_chars(pdf)[0]
    with pdfplumber.open(pdf) as doc:
        # the column rules inside the block (x as the frames have it; the block's edges are out)
        rules = [ln for ln in doc.pages[0].lines if abs(ln["x0"] - ln["x1"]) < EPS
                 and block["x0"] + 5 < ln["x0"] < block["x1"] - 5 and ln["bottom"] - ln["top"] > 100]
    assert len(rules) == 2, rules  # both gutters of the three columns hold text on either side
    for rule in rules:
        x = rule["x0"]
        along = [c for c in page.chars if abs(c.size - BODY) < 0.01 and c.text.strip()
                 and rule["top"] - 14 <= c.baseline <= rule["bottom"] + 14]
        assert any(x - 162 < c.x < x for c in along) and any(x < c.x < x + 162 for c in along), rule


def test_short_item_kept_whole(tmp_path: Path) -> None:
    """Main: ② 辽宁本钢102-96广东东莞银 / 行，郭艾伦砍下31分。 across columns 1 and 2."""
    result = build_page(LAYOUT / "trial-capover-brief.yaml", tmp_path)
    block = next(f for f in pdf_frames(result.pdf_path)[0] if f["kind"] == "block")
    cols = _columns(result.pdf_path, block["x0"] - 1, block["x1"], "①")
    items = {}
    for col, rows in cols.items():
        for row in rows:
            if row[0] in "①②③④":
                items[row[0]] = col
            else:
                assert items and list(items.values())[-1] == col, (row, cols)
    assert sorted(items) == list("①②③④"), cols


def test_headline_over_an_empty_column_keeps_no_rule_under_it(tmp_path: Path) -> None:
    """balance: false, the text in column 1 only: no column rule beside column 2, which holds
    only the headline above the rule's top (main kept the rule from the headline to the foot)."""
    result = build_page(LAYOUT / "trial-capover-rules.yaml", tmp_path)
    block = next(f for f in pdf_frames(result.pdf_path)[0] if f["kind"] == "block")
    cols = _columns(result.pdf_path, block["x0"] - 1, block["x1"], "本")
    assert sorted(cols) == [0], cols
    with pdfplumber.open(result.pdf_path) as doc:
        rules = [ln for ln in doc.pages[0].lines if abs(ln["x0"] - ln["x1"]) < EPS
                 and block["x0"] + 5 < ln["x0"] < block["x1"] - 5 and ln["bottom"] - ln["top"] > 100]
    assert rules == [], rules
