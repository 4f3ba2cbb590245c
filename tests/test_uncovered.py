"""An area of the type area no module covers (trial 18b #3): an ad entry pulled from a page spec
left a quarter of 第6版 (columns 1–3, lines 34–73) with nothing in it, and the build exited 0 with
no warning (typography and preflight PASS), so the night desk would have sent it. Now such an area
(three grid lines or more in a column, spec/coverage.py HOLE_LINES) stops the build at the spec's
``articles:``, one line naming the page, the area and what to do, unless the spec lists it under
``white:``; a white line or two between modules is spacing and passes. tests/pages/layout/
uncovered.yaml (the area left) and uncovered-white.yaml (listed, and a 2-line strip), read back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest

from conftest import run_uncached

from pagesetter.build import build_page
from pagesetter.spec.loader import load_spec

PAGES = Path(__file__).resolve().parent / "pages" / "layout"


def test_an_area_no_module_covers_stops_the_build_naming_it(tmp_path: Path) -> None:
    done = run_uncached("build", "-o", str(tmp_path), "tests/pages/layout/uncovered.yaml")
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    said = lines[0]
    assert said.startswith("pagesetter: error: tests/pages/layout/uncovered.yaml:15:1: "), said  # at articles:
    assert "第6版 has an area no module covers: columns 1–2, lines 21–41" in said, said
    assert "white: (- {col: 1, cols: 2, line: 21, lines: 21})" in said, said  # what to write if meant
    assert not list(tmp_path.glob("*.pdf"))  # nothing the desk could send


@pytest.fixture(scope="module")
def white(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGES / "uncovered-white.yaml", tmp_path_factory.mktemp("uncovered-white"))


def _area(spec_path: Path, col: int, cols: int, line: int, lines: int) -> tuple[float, float, float, float]:
    """A grid area's box on the PDF page (x0, top, x1, bottom, in pt from the media box's top-left)."""
    spec = load_spec(spec_path)
    g = spec.grid
    x0 = spec.margin_left + (col - 1) * (g.column_width + g.gutter)
    x1 = x0 + cols * g.column_width + (cols - 1) * g.gutter
    return x0, spec.margin_top + (line - 1) * g.pitch, x1, spec.margin_top + (line - 1 + lines) * g.pitch


def test_an_area_listed_under_white_builds_and_prints_white(white) -> None:
    assert not [w for w in white.warnings if "no module covers" in w.message]
    x0, top, x1, bottom = _area(PAGES / "uncovered-white.yaml", 1, 2, 21, 21)
    beside = _area(PAGES / "uncovered-white.yaml", 3, 2, 21, 21)
    with pdfplumber.open(white.pdf_path) as pdf:
        page = pdf.pages[0]
        dx = (page.width - white.page.trim[0]) / 2  # the trim centred in the media box (bleed and marks)
        dy = (page.height - white.page.trim[1]) / 2
        chars = [c for c in page.chars if not c["text"].isspace()]
    inside = [c["text"] for c in chars if x0 <= c["x0"] - dx < x1 and top <= c["top"] - dy < bottom]
    assert not inside, "".join(inside)
    assert sum(1 for c in chars if beside[0] <= c["x0"] - dx < beside[2] and beside[1] <= c["top"] - dy < beside[3]) > 100


def test_two_white_lines_between_modules_are_spacing_not_a_hole() -> None:
    from pagesetter.spec.coverage import HOLE_LINES, holes

    spec = load_spec(PAGES / "uncovered-white.yaml")
    # lines 19–20 stand white across the page (the first module ends on 18, the next starts on 21)
    assert spec.articles[0].block.bottom == 18 and spec.articles[1].block.top == 20 and HOLE_LINES == 3
    assert holes(spec) == []



def test_every_area_named_has_its_white_entry(project: Path) -> None:
    """Two holes: the line gives both entries to paste (only the first one, with the second left
    to work out from 'columns 3–4, lines 32–41', was arithmetic for the desk)."""
    for name in ("mod-men", "mod-ao"):
        shutil.copy(PAGES.parent / "content" / f"{name}.md", project / "content" / f"{name}.md")
    spec = (PAGES / "uncovered.yaml").read_text(encoding="utf-8")
    spec = (spec.replace("../../../layout/styles/", "styles/").replace("../../../fonts/", "../fonts/")
            .replace("block: {col: 3, cols: 2, line: 21, lines: 21}", "block: {col: 3, cols: 2, line: 21, lines: 11}"))
    (project / "layout" / "two-holes.yaml").write_text(spec, encoding="utf-8")
    # the shortened module oversets; --allow-overset writes the page and says the holes as a warning
    done = run_uncached("build", "--allow-overset", "-o", "out", "layout/two-holes.yaml", cwd=project)
    said = next((line for line in done.stderr.splitlines() if "no module covers" in line), "")
    assert done.returncode == 3 and "2 areas no module covers" in said, (done.returncode, done.stderr)
    assert "white: (- {col: 1, cols: 2, line: 21, lines: 21} - {col: 3, cols: 2, line: 32, lines: 10})" in said, said
