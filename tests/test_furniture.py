"""The page's furniture (报眉, 报头) read back from the PDF: its text set over its own rule, over
its other lines or past the trim fails both `check` and the build (exit 4), with one located line
each; the layout record carries where the furniture stands (render/pdf.py _furniture).

Before: main's build of furniture-folio-big.yaml (a 40 pt paper name in a one-line 报眉, 4 mm
under the trim) exited 0 and `check` passed it, the paper name struck through by the 报眉's rule
and 12 pt of it past the trim; furniture-masthead-info.yaml (the 报头's info lines in 28 pt on a
13.5 pt grid) exited 0 while `check` failed it for text set over text.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import read_chars
from pagesetter.proof.typography import check_pdf, pdf_records

PAGES = Path(__file__).resolve().parent / "pages"
LAYOUT = PAGES / "layout"
FOLIO = LAYOUT / "furniture-folio-big.yaml"
MASTHEAD = LAYOUT / "furniture-masthead-info.yaml"


def _build(spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "--no-cache", "-o", str(out), str(spec)],
                          capture_output=True, text=True, timeout=300)


def _check(pdf: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "check", str(pdf)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def folio(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("furniture-folio")
    return _build(FOLIO, out), out / "furniture-folio-big.pdf"


@pytest.fixture(scope="module")
def masthead(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("furniture-masthead")
    return _build(MASTHEAD, out), out / "furniture-masthead-info.pdf"


def test_a_paper_name_through_the_folio_rule_and_past_the_trim_fails_the_build_at_the_spec_s_folio(folio) -> None:
    run, pdf = folio
    assert pdf.exists()  # written, as a page with a preflight error is, to be looked at
    assert run.returncode == 4, run.stderr
    lines = [line for line in run.stderr.splitlines() if "typography:" in line]
    # one located line a fault, at the spec's ``folio:`` (line 21), naming the 报眉
    off = [line for line in lines if "off the trim" in line]
    over = [line for line in lines if "set over the page's furniture" in line]
    assert len(off) == 1 and len(over) == 1, run.stderr
    for line in off + over:
        assert line.startswith("warning: ") and "furniture-folio-big.yaml:21: typography: the folio (报眉), page 1" in line
    assert "城市日报" in off[0] and "past the trim's top" in off[0]
    assert "the rule of the folio (报眉)" in over[0]
    assert run.stderr.strip().splitlines()[-1].startswith("pagesetter: error: the typography check found text set over")


def test_check_fails_the_folio_as_the_build_does(folio) -> None:
    _, pdf = folio
    run = _check(pdf)
    assert run.returncode == 4, run.stdout
    report = check_pdf(pdf)
    assert [f.where for f in report.off_trim] == ["the folio (报眉)"]
    assert [f.where for f in report.over_furniture] == ["the folio (报眉)"]
    # what is off the trim is the paper name's ink, above the TrimBox's top, measured from the PDF
    page = read_chars(pdf)[0]
    assert page.trim is not None
    above = [c.text for c in page.chars if c.ink_top < page.trim[1] - 0.1 and c.ink_bottom > page.trim[1]]
    assert set(above) == set("城市日报")


def test_the_layout_record_places_the_folio_s_text_and_rules(folio) -> None:
    _, pdf = folio
    furniture = pdf_records(pdf)[0]["furniture"]
    assert [(f["part"], f["kind"]) for f in furniture] == [("folio", "text"), ("folio", "rule"), ("folio", "rule")]
    text, thick, thin = furniture
    assert thick["y1"] - thick["y0"] == pytest.approx(1.0, abs=0.02)  # the folio's rule: 1 pt, the spec's default
    assert thin["y1"] - thin["y0"] == pytest.approx(0.3, abs=0.02)
    # the paper name's em box reaches through both rules: what the check found
    assert text["y0"] < thin["y0"] and text["y1"] > thick["y1"]


def test_any_pdf_s_text_past_its_trim_is_found_without_our_record(folio, tmp_path: Path) -> None:
    _, pdf = folio
    bare = tmp_path / "bare.pdf"
    with pikepdf.open(pdf) as doc:
        del doc.pages[0].obj["/PieceInfo"]
        doc.save(bare)
    report = check_pdf(bare)
    assert len(report.off_trim) == 1 and "城市日报" in report.off_trim[0].text
    assert not report.over_furniture  # the rules are the record's: another PDF's are not known


def test_masthead_lines_over_each_other_fail_the_build_as_check_does(masthead) -> None:
    run, pdf = masthead
    assert run.returncode == 4, run.stderr
    lines = [line for line in run.stderr.splitlines() if "typography:" in line]
    assert lines and all("the masthead (报头), page 1" in line for line in lines), run.stderr
    assert any("set over another character" in line for line in lines)
    assert any("the rule of the masthead (报头)" in line for line in lines)  # the publisher on the 双线
    check = _check(pdf)
    assert check.returncode == 4
    report = check_pdf(pdf)
    assert report.overlap and all(f.where == "the masthead (报头)" for f in report.overlap + report.over_furniture)


def test_a_page_whose_furniture_is_clear_passes_and_its_slug_outside_the_bleed_is_no_fault(tmp_path: Path) -> None:
    result = build_page(LAYOUT / "trial13-narrow-folio-fit.yaml", tmp_path)
    report = check_pdf(result.pdf_path)
    assert not report.off_trim and not report.over_furniture and not report.overlap
    page = read_chars(result.pdf_path)[0]
    assert page.trim is not None and page.bleed is not None
    slug = [c for c in page.chars if c.baseline > page.bleed[3] and c.text.strip()]
    assert slug, "the slug stands under the bleed"
    record = pdf_records(result.pdf_path)[0]
    assert {(f["part"], f["kind"]) for f in record["furniture"]} == {("folio", "text"), ("folio", "rule")}


def test_a_page_without_furniture_records_none(tmp_path: Path) -> None:
    result = build_page(LAYOUT / "short-columns.yaml", tmp_path)
    record = pdf_records(result.pdf_path)[0]
    assert "furniture" not in record, json.dumps(record)[:200]


def test_an_edition_with_such_a_page_exits_as_the_page_s_build_does(tmp_path: Path) -> None:
    run = _build(LAYOUT / "furniture-edition.yaml", tmp_path)
    assert run.returncode == 4, run.stderr
    lines = [line for line in run.stderr.splitlines() if "typography:" in line]
    assert any("off the trim" in line and "the folio (报眉)" in line for line in lines), run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("pagesetter: error: the typography check found text set over")


def test_the_page_replayed_from_the_cache_exits_as_its_build_did(tmp_path: Path) -> None:
    import os

    env = dict(os.environ, PAGESETTER_CACHE=str(tmp_path / "cache"))
    runs = [subprocess.run([sys.executable, "-m", "pagesetter", "build", "-o", str(tmp_path / "out"), str(FOLIO)],
                           capture_output=True, text=True, timeout=300, env=env) for _ in range(2)]
    assert "unchanged since the last build" in runs[1].stdout
    assert [r.returncode for r in runs] == [4, 4], runs[1].stderr
