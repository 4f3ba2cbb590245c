"""Small text in several inks (PRINT.md: under 12 pt, 100 % K only): preflight says each cause once
a place, naming the article and the part of its module it stands in (the layout record's frames)
and how many text runs, read back from the built PDF of tests/pages/layout/rich-black.yaml.
Trial 9 (r-colour) got ten identical "rich black: 9 pt text in rich black" lines naming only the
page. A PDF from elsewhere (no layout record) is said once a cause, with its count."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib.colors import CMYKColor
from reportlab.pdfgen.canvas import Canvas

from pagesetter.build import build_page
from pagesetter.proof.preflight import preflight

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "rich-black.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("rich-black"))


def _lines(built, article: str, role: str) -> int:
    return sum(1 for line in built.page.lines if line.article == article and line.role == role)


def test_rich_black_is_said_once_a_place_with_its_article_part_and_count(built) -> None:
    found = [f.message for f in preflight(built.pdf_path).findings if f.check == "rich black"]
    body, subhead = _lines(built, "rich", "body"), _lines(built, "rich", "subhead")
    assert body > 8 and subhead == 1
    assert sorted(found) == sorted([
        f"9 pt text in rich black (60, 40, 40, 100); {body} text runs in article 'rich' "
        "(body, tests/pages/content/rich-black/rich.md)",
        "10.5 pt text in rich black (60, 40, 40, 100); 1 text run in article 'rich' "
        "(subhead, tests/pages/content/rich-black/rich.md)"]), found


def test_text_in_three_inks_is_said_once_with_its_article_and_count(built) -> None:
    found = [f.message for f in preflight(built.pdf_path).findings if f.check == "registration"]
    body = _lines(built, "blue", "body")
    assert found == [f"9 pt text in 3 inks (100, 60, 0, 20): misregistration makes it fuzzy; {body} text runs "
                     "in article 'blue' (body, tests/pages/content/rich-black/blue.md)"], found


def test_the_build_says_each_cause_on_one_line(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", str(tmp_path), str(PAGE)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    said = [line for line in run.stderr.splitlines() if "preflight warning" in line]
    assert len(said) == 3, run.stderr
    assert all(": page 1: preflight warning: " in line and "in article '" in line for line in said), said


def _foreign(path: Path, runs: int) -> None:
    """A PDF from elsewhere (reportlab, no layout record): ``runs`` lines of 5 pt rich black text
    and as many in two inks."""
    canvas = Canvas(str(path), pagesize=(300, 300))
    canvas.setFont("Helvetica", 5)
    for k in range(runs):
        canvas.setFillColor(CMYKColor(0.6, 0.4, 0.4, 1.0))
        canvas.drawString(20, 20 + 8 * k, "rich black at 5 pt")
        canvas.setFillColor(CMYKColor(0.0, 1.0, 1.0, 0.0))
        canvas.drawString(150, 20 + 8 * k, "red at 5 pt")
    canvas.showPage()
    canvas.save()


def test_a_foreign_pdf_is_said_once_a_cause(tmp_path: Path) -> None:
    pdf = tmp_path / "foreign.pdf"
    _foreign(pdf, 10)
    found = [(f.check, f.message) for f in preflight(pdf).findings if f.check in ("rich black", "registration")]
    assert found == [("rich black", "5 pt text in rich black (60, 40, 40, 100); 10 text runs"),
                     ("registration", "5 pt text in 2 inks (0, 100, 100, 0): misregistration makes it fuzzy; "
                                      "10 text runs")], found
    run = subprocess.run([sys.executable, "-m", "pagesetter", "preflight", str(pdf)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 6, run.stdout + run.stderr  # not PDF/X: errors, and no traceback
    assert run.stdout.count("warning: rich black:") == 1 and "Traceback" not in run.stderr, run.stdout
