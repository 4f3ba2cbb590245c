"""A new user's trial (trial 11), built on pages of its own and read back from the PDF. A headline
longer than its area (kicker, a two-line title, subtitle and byline in a 3-line area) stopped the
build, rightly, but its --allow-overset preview printed the kicker over the folio and the
subtitle and byline over the body (set centred on the area, as if it fitted); a vertical one too
wide for its column printed its columns over the next column's body and off the page. Now each
is cut at its area, the rest overset, said at the layout's entry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.errors import OversetError
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.typography import check_pdf, pdf_frames

PAGES = Path(__file__).resolve().parent / "pages"
LAYOUT = PAGES / "layout"
# main's --allow-overset build of trial-hlover-vertical.yaml: the title's columns over the body
MAIN_VERTICAL = PAGES / "trial11-vertical-headline-over-body.pdf"
HEADLINES = ["headline", "vertical", "vertical-deep"]
EPS = 0.5  # pt


def _over(a: Char, b: Char) -> float:
    """How far two characters' ink boxes cross, the lesser of the two directions (0: apart)."""
    across = min(a.ink_right, b.ink_right) - max(a.ink_left, b.ink_left)
    down = min(a.ink_bottom, b.ink_bottom) - max(a.ink_top, b.ink_top)
    return max(0.0, min(across, down))


def _text_over_text(chars: list[Char]) -> list[tuple[str, str, float]]:
    """Characters of two lines printed over each other (two of one line, side by side on the same
    baseline at the same size, are a line's own kerning, not counted)."""
    found = []
    ordered = sorted((c for c in chars if c.text.strip()), key=lambda c: c.ink_left)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.ink_left >= a.ink_right:
                break
            if abs(a.baseline - b.baseline) < 0.1 and abs(a.size - b.size) < 0.01:
                continue
            if (over := _over(a, b)) > 1.0:
                found.append((a.text, b.text, round(over, 1)))
    return found


@pytest.mark.parametrize("page", HEADLINES)
def test_headline_past_its_area_stops_the_build_said_at_its_entry(page: str) -> None:
    spec = LAYOUT / f"trial-hlover-{page}.yaml"
    with pytest.raises(OversetError) as err:
        build_page(spec, Path("/nonexistent-never-written"))
    assert [o.last_fitting.split(":")[0] for o in err.value.overset][0] in ("(headline)", "(vertical headline")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", "/nonexistent-never-written",
                          str(spec)], capture_output=True, text=True)
    assert run.returncode == 3, run.stderr
    # the line of the layout's entry, where the editor gives the headline more lines or cols
    assert f"trial-hlover-{page}.yaml:" in run.stderr and "of the " in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("page", HEADLINES)
def test_allowed_headline_overset_stays_in_its_area(page: str, tmp_path: Path) -> None:
    """Main: the kicker over the folio's date, the subtitle and byline over the body's first lines
    (horizontal); the title's columns over column 2's body and off the page's left (vertical)."""
    result = build_page(LAYOUT / f"trial-hlover-{page}.yaml", tmp_path, allow_overset=True)
    chars = read_chars(result.pdf_path)[0].chars
    assert _text_over_text(chars) == []
    assert not check_pdf(result.pdf_path).overlap
    frames = pdf_frames(result.pdf_path)[0]
    height = read_chars(result.pdf_path)[0].height
    head = next(f for f in frames if f["kind"] == "headline")
    block = next(f for f in frames if f["kind"] == "block")
    # every character of the headline's size or set in its area: inside the area (y down the page)
    top, bottom = height - head["y1"], height - head["y0"]
    inside = [c for c in chars if head["x0"] - EPS <= (c.ink_left + c.ink_right) / 2 <= head["x1"] + EPS
              and top - EPS <= (c.ink_top + c.ink_bottom) / 2 <= bottom + EPS]
    assert inside, "the part of the headline that fits is set"
    for c in inside:
        assert head["x0"] - EPS <= c.ink_left and c.ink_right <= head["x1"] + EPS, c
        assert top - EPS <= c.ink_top and c.ink_bottom <= bottom + EPS, c
    # nothing of the article left of its block or right of it (main: a vertical title off the page)
    below_folio = [c for c in chars if c.ink_top >= height - block["y1"] - EPS and c.size > 6.5]
    assert all(block["x0"] - EPS <= c.ink_left and c.ink_right <= block["x1"] + EPS for c in below_folio)
    said = [o for o in result.page.overset if o.last_fitting.startswith(("(headline", "(vertical headline"))]
    assert len(said) == 1 and said[0].chars > 0


def test_check_finds_a_headline_of_another_size_over_the_body(tmp_path: Path) -> None:
    """`check` compared only characters of one size: main's vertical headline (24 pt) over the
    body (9 pt) passed it. Read as any PDF, without our layout record's help."""
    found = check_pdf(MAIN_VERTICAL).overlap
    assert any("姆" in f.detail or "开" in f.detail for f in found), found
    run = subprocess.run([sys.executable, "-m", "pagesetter", "check", str(MAIN_VERTICAL)], capture_output=True,
                         text=True)
    assert run.returncode == 4 and "text set over other text" in run.stdout + run.stderr


BODY = 9.0  # pt, 小五


def _item_columns(pdf: Path) -> dict[int, list[str]]:
    """The body rows of the page's one block from the line of its first item down, by grid column
    (a 17字 column and its gutter, 162 pt)."""
    block = next(f for f in pdf_frames(pdf)[0] if f["kind"] == "block")
    page = read_chars(pdf)[0]
    y0 = next(c.baseline for c in page.chars if c.text == "①" and abs(c.size - BODY) < 0.01)
    rows: dict[tuple[int, float], list[Char]] = {}
    for c in page.chars:
        if abs(c.size - BODY) < 0.01 and block["x0"] - 1 <= c.x < block["x1"] and y0 - 0.1 <= c.baseline \
                and c.text.strip():
            rows.setdefault((int((c.x - block["x0"] + 1) // 162), round(c.baseline, 1)), []).append(c)
    out: dict[int, list[str]] = {}
    for (col, _), row in sorted(rows.items()):
        out.setdefault(col, []).append("".join(c.text for c in sorted(row, key=lambda c: c.x)))
    return out


def test_brief_items_are_evened_over_the_columns(tmp_path: Path) -> None:
    """Four two-line items kept whole in three columns. Main filled them greedily at the balanced
    foot: ①② | ③④ | column 3 empty. Now ①② | ③ | ④: every column holds text, each item whole."""
    result = build_page(LAYOUT / "trial-capover-brief.yaml", tmp_path)
    cols = _item_columns(result.pdf_path)
    assert sorted(cols) == [0, 1, 2], cols
    starts = {col: [row[0] for row in rows if row[0] in "①②③④"] for col, rows in cols.items()}
    assert starts == {0: ["①", "②"], 1: ["③"], 2: ["④"]}, cols
    assert all(len(rows) == 2 * len(starts[col]) for col, rows in cols.items()), cols  # each item whole
    said = [w.message for w in result.warnings if w.kind == "underset"]
    assert said and "empty" not in said[0], said


def test_a_column_left_empty_is_said_plainly(tmp_path: Path) -> None:
    """Two two-line items in three columns: column 3 cannot hold text. Main said only "the last
    column ends 2 lines above the others"."""
    result = build_page(LAYOUT / "trial-hlover-brief.yaml", tmp_path)
    assert sorted(_item_columns(result.pdf_path)) == [0, 1]
    said = [w for w in result.warnings if w.kind == "underset"]
    assert len(said) == 1 and "column 3 of its 3 is empty" in said[0].message, said
    assert "the last column ends" not in said[0].message
    assert str(said[0].loc).endswith("trial-hlover-brief.yaml:15:5"), said[0].loc


def test_columns_left_empty_by_balance_false_are_named(tmp_path: Path) -> None:
    result = build_page(LAYOUT / "trial-capover-rules.yaml", tmp_path)
    said = [w.message for w in result.warnings if w.kind == "underset"]
    assert len(said) == 1 and "columns 2 and 3 of its 3 are empty" in said[0], said
