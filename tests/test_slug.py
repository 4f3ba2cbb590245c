"""The slug line on a narrow page (render/marks.py slug_line; README, marks). It was set to the
trim's width and only its first line printed: on trial 13's 60 mm page half of it (the standard,
the engine's version) was lost without a word. Now a slug too long for the trim's width runs
across the foot margin's whole width, shortened if it must be; one that still does not fit is
printed cut and the build warns, located at the spec. A page the slug fits keeps it where it was.

Read back from the built PDFs of tests/pages/layout/trial13-narrow-marks.yaml, slug-cut.yaml and
rules-white.yaml (a 210 mm page)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from pagesetter import __version__

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "pages" / "layout"
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
SLUG_SIZE = 6.0
MM = 72 / 25.4
MARGIN = 16 * MM  # render/marks.py: the media beyond the bleed


def _build(spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", str(spec), "-o", str(out)],
                          capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)


def _slug(pdf: Path) -> tuple[str, float, float, float]:
    """The slug line's text, its left and right ends and the page's (MediaBox's) width."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        chars = [c for c in page.chars if abs(c["size"] - SLUG_SIZE) < 0.01 and c["top"] > page.height - MARGIN]
        assert chars, "no slug line"
        return ("".join(c["text"] for c in chars), min(c["x0"] for c in chars), max(c["x1"] for c in chars),
                float(page.width))


def test_a_narrow_page_s_slug_is_printed_whole_within_the_media(tmp_path: Path) -> None:
    run = _build(PAGES / "trial13-narrow-marks.yaml", tmp_path)
    assert run.returncode == 0, run.stderr
    assert "slug" not in run.stderr
    text, left, right, width = _slug(tmp_path / "trial13-narrow-marks.pdf")
    # what identifies the plate: the file, the date, the standard (only the engine's version goes)
    for part in ("trial13-narrow-marks.pdf", "2000-01-01 00:00 UTC", "PDF/X-1a:2001 CGATS TR 002"):
        assert part.replace(" ", "") in text.replace(" ", ""), text
    assert 0 < left and right < width, (left, right, width)


def test_a_slug_no_margin_holds_is_cut_and_said_at_the_spec(tmp_path: Path) -> None:
    spec = PAGES / "slug-cut.yaml"
    run = _build(spec, tmp_path)
    assert run.returncode == 0, run.stderr
    said = [line for line in run.stderr.splitlines() if ": slug: " in line]
    assert len(said) == 1, run.stderr
    assert said[0].startswith("warning: tests/pages/layout/slug-cut.yaml: slug: the slug line does not fit"), said
    assert "2000-01-01 00:00 UTC" in said[0]  # what it lost
    (pdf,) = tmp_path.glob("*.pdf")
    text, left, right, width = _slug(pdf)
    assert text.startswith("slug-cut-a-page-name") and 0 < left and right < width, (text, left, right, width)


def test_a_slug_that_fits_the_trim_stands_where_it_did(tmp_path: Path) -> None:
    run = _build(PAGES / "rules-white.yaml", tmp_path)
    assert run.returncode == 0, run.stderr
    text, left, _, _ = _slug(tmp_path / "rules-white.pdf")
    assert left == pytest.approx(MARGIN + 3 * MM, abs=0.01)  # the trim's left edge (bleed: 3mm)
    assert text.replace(" ", "").endswith(f"pagesetter{__version__}"), text
