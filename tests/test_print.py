"""Print output read back with independent tools: PDF/X structure, CMYK only, black overprint,
coverage, marks; and a PDF made to fail preflight."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.colors import CMYKColor
from reportlab.pdfgen.canvas import Canvas

from conftest import which
from pagesetter.proof.preflight import preflight


def test_seed_page_passes_preflight(seed_build) -> None:
    report = preflight(seed_build.pdf_path)
    assert report.errors == 0, report.text()
    assert report.warnings == 0, report.text()
    if report.measured.get("tac checked"):
        assert report.measured["max tac %"] <= 240


@pytest.mark.skipif(not which("qpdf"), reason="qpdf not installed")
def test_qpdf_finds_the_structure_clean(seed_build) -> None:
    run = subprocess.run(["qpdf", "--check", str(seed_build.pdf_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No syntax or stream encoding errors" in run.stdout


def test_pdfx_identification_and_boxes(seed_build) -> None:
    with pikepdf.open(seed_build.pdf_path) as pdf:
        assert pdf.pdf_version == "1.3"
        info = pdf.docinfo
        assert str(info["/GTS_PDFXVersion"]) == "PDF/X-1:2001"
        assert str(info["/GTS_PDFXConformance"]) == "PDF/X-1a:2001"
        assert info["/Trapped"] == pikepdf.Name("/False")
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFX"
        assert str(intents[0].OutputConditionIdentifier) == "CGATS TR 002"
        assert str(intents[0].RegistryName) == "http://www.color.org"
        assert "/ID" in pdf.trailer
        page = pdf.pages[0].obj
        media, bleed, trim = ([float(v) for v in page[k]] for k in ("/MediaBox", "/BleedBox", "/TrimBox"))
    assert all(media[i] < bleed[i] < trim[i] for i in (0, 1)) and all(trim[i] < bleed[i] < media[i] for i in (2, 3))


def test_every_stream_is_compressed_once(seed_build) -> None:
    """Content, fonts, CMaps, the profile: Flate; photos: DCT as prepared; the XMP packet plain, so
    that tools scanning for it find it. No ASCII85 (a quarter larger, and reportlab encodes it in
    pure Python) and nothing left uncompressed."""
    with pikepdf.open(seed_build.pdf_path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Stream):
                continue
            raw = obj.get("/Filter")
            filters = [str(f) for f in raw] if isinstance(raw, pikepdf.Array) else [str(raw)] if raw else []
            if obj.get("/Type") == "/Metadata":
                assert filters == [] and obj.read_raw_bytes().startswith(b"<?xpacket begin=")
            elif obj.get("/Subtype") == "/Image":
                assert filters == ["/DCTDecode"]
            else:
                assert filters == ["/FlateDecode"], (filters, dict(obj.items()))


def test_body_text_is_100_k_and_overprints(seed_build) -> None:
    with pikepdf.open(seed_build.pdf_path) as pdf:
        page = pdf.pages[0]
        states = page.Resources.ExtGState
        active: dict[str, object] = {}
        fills = set()
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "gs":
                active.update({str(k): v for k, v in states[str(operands[0])].items()})
            elif str(op) == "k":
                current = tuple(float(v) for v in operands)
            elif str(op) == "TJ":
                fills.add(current)
                assert active.get("/op") is True and active.get("/OPM") == 1
            elif str(op) in ("rg", "RG", "sc", "scn"):
                pytest.fail(f"non-CMYK colour operator {op}")
    assert (0.0, 0.0, 0.0, 1.0) in fills
    assert all(f[:3] == (0.0, 0.0, 0.0) for f in fills)  # no rich black anywhere in the text


def test_crop_marks_stand_outside_the_bleed(seed_build) -> None:
    with pikepdf.open(seed_build.pdf_path) as pdf:
        bleed = [float(v) for v in pdf.pages[0].obj["/BleedBox"]]
        media = [float(v) for v in pdf.pages[0].obj["/MediaBox"]]
    doc = pdfium.PdfDocument(str(seed_build.pdf_path))
    shot = doc[0].render(scale=2).to_pil().convert("L")
    doc.close()
    # left of the bleed, level with the trim's top edge: the top-left crop mark
    trim_top = media[3] - (bleed[3] - 3 * 72 / 25.4)
    y = round(trim_top * 2)
    row = [shot.getpixel((x, y)) for x in range(0, round(bleed[0] * 2))]
    assert min(row) < 230  # ink outside the bleed (a 0.25 pt hairline greys half a pixel)
    inside = [shot.getpixel((x, y)) for x in range(round(bleed[0] * 2) + 2, round(bleed[0] * 2) + 8)]
    assert min(inside) > 200  # and none in the bleed itself next to it


def _bad_pdf(path: Path) -> None:
    canvas = Canvas(str(path), pagesize=(300, 300))  # reportlab's defaults: Helvetica, no PDF/X
    rgb = Image.new("RGB", (40, 40), (255, 0, 0))
    buf = io.BytesIO()
    rgb.save(buf, "PNG")
    from reportlab.lib.utils import ImageReader

    canvas.drawImage(ImageReader(buf), 100, 100, 200, 200)  # 14 ppi, RGB
    canvas.setFillColor(CMYKColor(0.6, 0.4, 0.4, 1.0))
    canvas.setFont("Helvetica", 5)
    canvas.drawString(20, 20, "rich black at 5 pt")
    canvas.showPage()
    canvas.save()


def test_a_pdf_made_to_fail_is_reported_with_each_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    _bad_pdf(bad)
    report = preflight(bad)
    checks = {(f.severity, f.check) for f in report.findings}
    assert ("error", "pdfx") in checks and ("error", "output intent") in checks
    assert ("error", "fonts") in checks  # Helvetica not embedded
    assert ("error", "colour") in checks  # the RGB image
    assert ("error", "resolution") in checks
    assert ("warning", "rich black") in checks
    assert ("warning", "text size") in checks
    assert ("error", "boxes") in checks  # no TrimBox
    run = subprocess.run([sys.executable, "-m", "pagesetter", "preflight", str(bad)], capture_output=True, text=True)
    assert run.returncode == 6 and "FAIL" in run.stdout


@pytest.mark.skipif(not which("gs"), reason="Ghostscript not installed")
def test_coverage_over_the_limit_is_an_error(tmp_path: Path, seed_build) -> None:
    """A 400 % patch inside the trim of an otherwise good page."""
    with pikepdf.open(seed_build.pdf_path) as pdf:
        page = pdf.pages[0]
        trim = [float(v) for v in page.obj["/TrimBox"]]
        patch = f"q 1 1 1 1 k {trim[0] + 100} {trim[1] + 100} 60 60 re f Q".encode()
        page.contents_add(pdf.make_stream(patch))
        out = tmp_path / "heavy.pdf"
        pdf.save(out)
    report = preflight(out)
    assert any(f.check == "coverage" for f in report.findings), report.text()
    assert report.measured["max tac %"] > 390
