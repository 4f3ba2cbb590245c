"""A new user's trial of a 体育 page (trial 17a #7, #8, #12), read back from the PDFs of
tests/pages/layout/sports-breaks-9.yaml and sports-breaks-13.yaml:

#12 a name that fits a line whole (Antetokounmpo, 8 em in a 9字 column) was hyphenated after the
    paragraph's first line (Antetokoun- / mpo): judged against the indented first line's 7 em;
    a capitalised word wider than the line is parted and warned (`name-break`);
#7  a line before a name that does not fit was justified with 1.6-1.9 em holes between its Han
    (10号　　球　　员No.10, 德　　甲　　　　Borussia): now set short, flush left, and warned;
#8  a score's ∶ opened a line (0 / ∶2) with a split-span warning whose reason the paragraph belied:
    ∶ never starts a line, and a score is never parted while any set of lines keeps it whole.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from pagesetter.build import build_page

PAGES = Path(__file__).resolve().parent / "pages" / "layout"
BODY = 9.0  # pt, 小五


@pytest.fixture(scope="module")
def narrow(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGES / "sports-breaks-9.yaml", tmp_path_factory.mktemp("sports-9"))


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGES / "sports-breaks-13.yaml", tmp_path_factory.mktemp("sports-13"))


def _rows(pdf: Path, pitch: float) -> list[list[dict]]:
    """The body lines (小五 characters), column by column (``pitch``: a column and its gutter), top to
    bottom, each as its characters left to right."""
    with pdfplumber.open(pdf) as doc:
        chars = [c for c in doc.pages[0].chars if abs(c["size"] - BODY) < 0.01 and c["text"].strip()]
    left = min(c["x0"] for c in chars)
    rows: dict[tuple[int, float], list[dict]] = {}
    for c in chars:
        rows.setdefault((int((c["x0"] - left + 2) // pitch), round(c["top"], 1)), []).append(c)
    return [sorted(row, key=lambda c: c["x0"]) for _, row in sorted(rows.items())]


def _text(row: list[dict]) -> str:
    return "".join(c["text"] for c in row)


def test_a_name_that_fits_a_line_is_never_hyphenated(narrow) -> None:
    """main: Antetokounmpo whole on line 3, Antetokoun- / mpo拿下38分14个 on lines 8-9, no warning."""
    texts = [_text(r) for r in _rows(narrow.pdf_path, 10 * BODY)]
    assert sum(t == "Antetokounmpo" for t in texts) == 2, texts
    assert not any(t.startswith("Antetokoun") and t.endswith("-") for t in texts), texts
    assert not [w for w in narrow.warnings if w.kind == "name-break" and "Antetokounmpo" in w.message]


def test_a_capitalised_word_wider_than_the_line_is_parted_and_said(narrow) -> None:
    """Supercalifragilisticexpialidocious (some 17 em) cannot go whole on a 9 em line: parted at its
    dictionary points, and the build names it (main said nothing of a hyphen it added)."""
    texts = [_text(r) for r in _rows(narrow.pdf_path, 10 * BODY)]
    assert any(t.endswith("Supercal-") for t in texts), texts
    said = [w.message for w in narrow.warnings if w.kind == "name-break"]
    assert len(said) == 1 and "'Supercalifragilisticexpialidocious' is hyphenated" in said[0], said


@pytest.mark.parametrize("start", ["10号球员No.10", "德甲", "马拉松"])
def test_a_line_before_a_name_that_does_not_fit_is_set_short_not_holed(wide, start: str) -> None:
    """main: 10号　　球　　员No.10 justified, 1.80 em between 号 and 球 (`check`: a hole); now flush
    left at its natural spacing (the Han as set, no white past an eighth of an em between them)."""
    rows = [r for r in _rows(wide.pdf_path, 14 * BODY) if _text(r).startswith(start)]
    assert len(rows) == 1, [_text(r) for r in _rows(wide.pdf_path, 14 * BODY)]
    row = rows[0]
    han = [(a, b) for a, b in zip(row, row[1:]) if "\u4e00" <= a["text"] <= "\u9fff" and "\u4e00" <= b["text"] <= "\u9fff"]
    assert han and max((b["x0"] - a["x1"]) / BODY for a, b in han) < 0.125, _text(row)
    short = [w.message for w in wide.warnings if w.kind == "very-loose" and "set short" in w.message
             and w.quoted and w.quoted[0].startswith(start)]
    assert short and "missing character" in short[0], [str(w) for w in wide.warnings]


def test_a_score_is_never_parted_nor_its_ratio_mark_set_first(wide) -> None:
    """main: Mönchengladbach（门兴）0 / ∶2 Bayern München（拜仁）, warned split-span with "no other set of
    lines fits without one spread past a quarter em" beside a line of the same paragraph 1.93 em apart."""
    texts = [_text(r) for r in _rows(wide.pdf_path, 14 * BODY)]
    assert not any(t.startswith("∶") for t in texts), texts
    assert any("0∶2" in t for t in texts) and any("3∶0" in t for t in texts), texts
    assert not [w for w in wide.warnings if w.kind == "split-span"], [str(w) for w in wide.warnings]


def test_check_calls_a_line_opening_with_the_ratio_mark_kinsoku() -> None:
    """main's build of the trial's 赛果 page (tests/pages/trial17a-ratio-main.pdf): `check` counted
    0 kinsoku on a line opening ∶2 Bayern München（拜仁）; the mark is a colon, never at a line's head."""
    import subprocess
    import sys

    main_pdf = PAGES.parent / "trial17a-ratio-main.pdf"
    out = subprocess.run([sys.executable, "-m", "pagesetter.cli", "check", str(main_pdf)], capture_output=True,
                         text=True).stdout
    assert " 1 kinsoku" in out and "kinsoku: ∶2 Bayern" in out, out
