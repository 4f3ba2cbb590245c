"""Type too near its ground's printed darkness to read (preflight's legibility rule, session 18).

Seen by eye on tests/pages/layout/ink-places.yaml: the black headline 单色底 on an 80 % K panel
barely reads, and neither check nor preflight said so. tests/pages/layout/legibility.yaml sets
black type on an 80 % K panel, white type on a 20 % K tint and red type on a red-ish panel (each a
warning naming its article, part and box) beside black type on a 10 % K tint (passes);
legibility-invisible.yaml sets white type on a 5 % tint (an error: the build and preflight exit 6).
The grounds' ink is measured independently on Ghostscript's separations (tiffsep)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from pagesetter.proof.preflight import LEGIBILITY_RULES, preflight, printed_darkness

PAGES = Path(__file__).resolve().parent / "pages" / "layout"
CONTENT = "tests/pages/content/legibility"


def _build(spec: str, out: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", str(out), str(PAGES / spec)],
                         capture_output=True, text=True, timeout=300)
    return run, out / (Path(spec).stem + ".pdf")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    return _build("legibility.yaml", tmp_path_factory.mktemp("legibility"))


def _legibility(pdf: Path) -> list[tuple[str, str]]:
    return [(f.severity, f.message) for f in preflight(pdf).findings if f.check == "legibility"]


def test_darkness_is_the_k_ramp_for_black_tints_and_paper_is_none() -> None:
    # the stated conversion: L* through the newsprint profile, 0 the paper, 1 solid black; a black
    # tint prints darker than its number (the press's dot gain), in order, and yellow barely at all
    assert printed_darkness((0, 0, 0, 0)) == 0 and printed_darkness((0, 0, 0, 1)) == 1
    ramp = [printed_darkness((0, 0, 0, k / 10)) for k in range(11)]
    assert ramp == sorted(ramp) and 0.80 < ramp[8] < 0.92 and 0.22 < ramp[2] < 0.35, ramp
    assert printed_darkness((1.0,)) == 0 and printed_darkness((0.0,)) == 1  # DeviceGray: 1 white
    assert printed_darkness((0, 0, 1, 0)) < 0.12


def test_each_faint_pairing_is_a_warning_naming_its_article_part_and_box(page) -> None:
    run, pdf = page
    found = _legibility(pdf)
    assert all(severity == "warning" for severity, _ in found), found
    said = [message for _, message in found]
    for article, colour, ground, parts in (("dark", "(0, 0, 0, 100)", "(0, 0, 0, 80)", ("headline", "body")),
                                           ("pale", "(0, 0, 0, 0)", "(0, 0, 0, 20)", ("headline", "body")),
                                           ("red", "(0, 100, 100, 0)", "(0, 60, 60, 0)", ("headline", "body"))):
        for part in parts:
            place = f"in article '{article}' ({part}, {CONTENT}/{article}.md)"
            mine = [m for m in said if place in m]
            assert len(mine) == 1, (place, said)
            assert mine[0].startswith(f"type {colour} on a ground {ground}"), mine
            assert "mm from the left" in mine[0] and "mm from the top of the trim" in mine[0], mine
    assert not [m for m in said if "'plain'" in m], said  # black on a 10 % tint reads
    assert len(said) == 6, said


def test_the_page_with_faint_type_builds_with_warnings_and_preflight_exits_5(page) -> None:
    run, pdf = page
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if "preflight warning: legibility:" in line]
    assert len(lines) == 6 and all(": page 1: " in line for line in lines), run.stderr
    check = subprocess.run([sys.executable, "-m", "pagesetter", "preflight", str(pdf)], capture_output=True,
                           text=True, timeout=300)
    assert check.returncode == 5, check.stdout + check.stderr


def test_invisible_type_is_an_error_and_fails_the_build(tmp_path: Path) -> None:
    run, pdf = _build("legibility-invisible.yaml", tmp_path)
    assert run.returncode == 6, run.stderr
    assert pdf.is_file()
    found = _legibility(pdf)
    assert [severity for severity, _ in found] == ["error", "error"], found
    assert all(message.startswith("type (0, 0, 0, 0) on a ground (0, 0, 0, 5)") for _, message in found), found
    said = [line for line in run.stderr.splitlines() if "legibility" in line]
    assert said and all("article 'ghost'" in line for line in said), run.stderr
    check = subprocess.run([sys.executable, "-m", "pagesetter", "preflight", str(pdf)], capture_output=True,
                           text=True, timeout=300)
    assert check.returncode == 6, check.stdout + check.stderr


def test_ink_places_warns_for_its_black_headline_on_the_80_percent_panel(tmp_path: Path) -> None:
    run, pdf = _build("ink-places.yaml", tmp_path)
    assert run.returncode == 0, run.stderr
    found = _legibility(pdf)
    assert found == [("warning", m) for _, m in found] and len(found) == 1, found
    assert found[0][1].startswith("type (0, 0, 0, 100) on a ground (0, 0, 0, 80)"), found
    assert "in article 'grey' (headline, tests/pages/content/ink-places/grey.md)" in found[0][1], found


def test_the_rule_table_orders_its_thresholds() -> None:
    error, warning = sorted(LEGIBILITY_RULES, key=lambda r: r.min_difference)
    assert (error.severity, warning.severity) == ("error", "warning")
    assert 0 < error.min_difference < warning.min_difference < 1


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) is not installed")
def test_the_grounds_ink_on_ghostscripts_separations(page, tmp_path: Path) -> None:
    """Independently of preflight's reading of the content stream: Ghostscript's separations hold
    80 % black in the dark panel, 20 % in the pale one, 60 % magenta and yellow in the red one, at
    a point just inside each box's top left corner (its tint: no type, no rule there), where the
    findings place the box."""
    _, pdf = page
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep", "-r50",
                    f"-sOutputFile={tmp_path / 'sep.tif'}", str(pdf)], check=True, timeout=300)
    plates = {name: Image.open(tmp_path / f"sep({name}).tif").convert("L") for name in ("Cyan", "Magenta", "Yellow", "Black")}
    where: dict[str, tuple[float, float, float, float]] = {}
    for severity, message in _legibility(pdf):
        if "(headline," in message:
            article = message.split("in article '")[1].split("'")[0]
            tail = message.split("mm from the left")[0].split("at ")[-1]
            top = message.split("mm from the top of the trim")[0].split(", ")[-1]
            where[article] = (float(tail), float(top), 0, 0)
    assert set(where) == {"dark", "pale", "red"}, where

    def ink(name: str, x_mm: float, y_mm: float) -> float:
        # tiffsep's separations: 255 no ink, 0 solid; the trim stands 3 mm bleed + 16 mm marks in
        scale = 50 / 25.4
        value = plates[name].getpixel((round((x_mm + 19) * scale), round((y_mm + 19) * scale)))
        return round((255 - value) / 255 * 100)

    # 2 mm right and down from each box's top left corner: its tint, clear of its rule and type
    assert ink("Black", where["dark"][0] + 2, where["dark"][1] + 2) == pytest.approx(80, abs=2)
    assert ink("Black", where["pale"][0] + 2, where["pale"][1] + 2) == pytest.approx(20, abs=2)
    assert ink("Magenta", where["red"][0] + 2, where["red"][1] + 2) == pytest.approx(60, abs=2)
    assert ink("Yellow", where["red"][0] + 2, where["red"][1] + 2) == pytest.approx(60, abs=2)
    assert ink("Cyan", where["red"][0] + 2, where["red"][1] + 2) == 0


def test_a_foreign_pdf_yellow_type_on_the_paper_is_an_error_and_type_over_a_picture_is_not_judged(tmp_path: Path) -> None:
    """A PDF from elsewhere (reportlab, no layout record): solid yellow type on bare paper prints
    barely darker than the paper (an error, said without a place); white type over a grey picture
    is not judged (a picture's ink varies under it); black type on the paper passes."""
    from reportlab.lib.colors import CMYKColor
    from reportlab.pdfgen.canvas import Canvas

    picture = tmp_path / "grey.png"
    Image.new("L", (40, 40), 128).save(picture)
    pdf = tmp_path / "foreign.pdf"
    canvas = Canvas(str(pdf), pagesize=(300, 300))
    canvas.setFont("Helvetica", 14)
    canvas.setFillColor(CMYKColor(0, 0, 1, 0))
    canvas.drawString(20, 250, "yellow on the paper")
    canvas.drawImage(str(picture), 20, 100, 200, 100)
    canvas.setFillColor(CMYKColor(0, 0, 0, 0))
    canvas.drawString(30, 150, "white over a picture")
    canvas.setFillColor(CMYKColor(0, 0, 0, 1))
    canvas.drawString(20, 50, "black on the paper")
    canvas.showPage()
    canvas.save()
    found = _legibility(pdf)
    assert len(found) == 1 and found[0][0] == "error", found
    assert found[0][1].startswith("type (0, 0, 100, 0) on the paper: printed darkness 8 % on 0 %"), found
    assert found[0][1].endswith("; 1 text run"), found
