"""The seed page built for real and read back from the PDF: boxes, text layer, fonts, images."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from conftest import which
from pagesetter.units import PT_PER_MM


def trim_text(path: Path, index: int = 0) -> str:
    """The text inside the TrimBox: the page as printed, without the slug line outside it."""
    with pikepdf.open(path) as doc:
        x0, y0, x1, y1 = (float(v) for v in doc.pages[index].obj["/TrimBox"])
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[index].get_textpage().get_text_bounded(x0, y0, x1, y1)
    finally:
        pdf.close()


def _strip(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_one_page_with_broadsheet_trim_and_3mm_bleed(seed_build) -> None:
    with pikepdf.open(seed_build.pdf_path) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        trim = [float(v) for v in page.obj["/TrimBox"]]
        bleed = [float(v) for v in page.obj["/BleedBox"]]
        media = [float(v) for v in page.obj["/MediaBox"]]
    assert trim[2] - trim[0] == pytest.approx(390 * PT_PER_MM, abs=0.01)
    assert trim[3] - trim[1] == pytest.approx(545 * PT_PER_MM, abs=0.01)
    for i, sign in enumerate((-1, -1, 1, 1)):
        assert bleed[i] - trim[i] == pytest.approx(sign * 3 * PT_PER_MM, abs=0.01)
        assert (media[i] - bleed[i]) * sign >= -0.001  # BleedBox inside MediaBox


def test_every_character_of_the_content_is_in_the_text_layer_in_reading_order(seed_build) -> None:
    text = trim_text(seed_build.pdf_path)
    got = _strip(text)
    folio = _strip("".join(l.text for l in seed_build.page.lines if l.role == "folio"))
    assert got.startswith(folio)
    expected = _strip("".join(seed_build.articles[a.article].all_text() for a in seed_build.spec.articles))
    body = got[len(folio):]
    assert len(body) == len(expected)  # nothing lost, nothing duplicated
    assert body == expected
    # the normalised forms are what is printed
    assert "，" in body and "," not in body.replace("1,", "")


def test_no_overset_and_every_article_on_the_page(seed_build) -> None:
    assert seed_build.page.overset == ()
    articles = {line.article for line in seed_build.page.lines}
    assert {a.article for a in seed_build.spec.articles} <= articles


def _fonts(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Dictionary]:
    fonts = pdf.pages[0].obj["/Resources"]["/Font"]
    return {str(k): fonts[k] for k in fonts.keys()}


def test_fonts_are_embedded_cid_subsets_one_per_face(seed_build) -> None:
    used_faces = {g.face for line in seed_build.page.lines for g in line.glyphs}
    with pikepdf.open(seed_build.pdf_path) as pdf:
        fonts = _fonts(pdf)
        assert len(fonts) == len(used_faces)
        names = []
        for font in fonts.values():
            assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
            assert "/ToUnicode" in font
            cid = font["/DescendantFonts"][0]
            desc = cid["/FontDescriptor"]
            assert ("/FontFile3" in desc) or ("/FontFile2" in desc)
            names.append(str(font["/BaseFont"]))
        assert all(re.fullmatch(r"/[A-Z]{6}\+.+", n) for n in names), names
        # nothing anywhere in the file is a font without a program (no stray Helvetica)
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
                assert obj.get("/Subtype") in ("/Type0", "/CIDFontType0", "/CIDFontType2"), obj


@pytest.mark.skipif(not which("pdffonts"), reason="poppler-utils (pdffonts) not installed")
def test_pdffonts_lists_only_embedded_subset_cid_fonts_with_tounicode(seed_build) -> None:
    out = subprocess.run(["pdffonts", str(seed_build.pdf_path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    used_faces = {g.face for line in seed_build.page.lines for g in line.glyphs}
    assert len(rows) == len(used_faces)
    for row in rows:
        assert re.match(r"[A-Z]{6}\+", row), row
        assert "CID Type 0C" in row or "CID TrueType" in row, row
        assert re.search(r"Identity-H\s+yes\s+yes\s+yes", row), row  # emb sub uni


def test_five_photos_for_the_press_at_print_resolution(seed_build) -> None:
    """The seed's placeholders are black-and-white pictures: DeviceGray, the black plate alone."""
    images = seed_build.page.images
    assert len(images) == 5
    with pikepdf.open(seed_build.pdf_path) as pdf:
        xobjects = pdf.pages[0].obj["/Resources"]["/XObject"]
        found = [xobjects[k] for k in xobjects.keys() if xobjects[k].get("/Subtype") == "/Image"]
        assert len(found) == 5
        for xo, placed in zip(sorted(found, key=lambda o: int(o["/Width"])), sorted(images, key=lambda i: i.width)):
            assert xo["/ColorSpace"] == "/DeviceGray"
            ppi = int(xo["/Width"]) / (placed.width / 72)
            assert ppi >= 200


def test_each_caption_sits_on_the_side_its_marker_says(seed_build) -> None:
    page = seed_build.page
    for image in page.images:
        caption = [l for l in page.lines if l.article == image.article and l.role == "caption"]
        assert caption, image.article
        marker = caption[0].text[:1]
        if marker == "▼":  # photo below the caption
            assert caption[-1].baseline < image.y
        else:  # ▲ or no marker: photo above the caption
            assert caption[0].baseline > image.y + image.height


def test_body_lines_are_justified_to_the_column_and_on_the_grid(seed_build) -> None:
    spec = seed_build.spec
    grid = spec.grid
    from pagesetter.flow.geometry import PageGeometry

    geo = PageGeometry(spec)
    lefts = {round(geo.col_left(c), 3) for c in range(grid.columns)}
    baselines = {round(geo.grid_baseline(i, grid.body_size), 3) for i in range(grid.lines)}
    body = [l for l in seed_build.page.lines if l.role == "body"]
    assert len(body) > 400
    for line in body:
        assert round(line.x, 3) in lefts
        assert round(line.baseline, 3) in baselines
    # a justified line ends at the measure: its last glyph's ink box right edge within a pixel
    full = [l for l in body if not l.paragraph_end and "\u4e00" <= l.text[-1] <= "\u9fff"]
    ends = [l.glyphs[-1].x + l.glyphs[-1].size - l.x for l in full]
    assert len(ends) > 200 and all(abs(e - grid.column_width) < 0.1 for e in ends)


def test_build_is_deterministic(seed_build, tmp_path: Path) -> None:
    from pagesetter.build import build_page

    again = build_page(seed_build.spec.path, tmp_path)
    assert again.pdf_path.read_bytes() == seed_build.pdf_path.read_bytes()


def _ends_on_photo(aspec, geo, x: float) -> bool:
    """A column whose foot is a photo cell ends where the photo starts, not at the block foot."""
    cell = aspec.photo.cell if aspec.photo else None
    if cell is None or not (geo.col_left(cell.col) - 0.5 <= x < geo.col_left(cell.right) - 0.5):
        return False
    return cell.bottom >= aspec.block.bottom - 1


def _column_feet(seed_build, article: str) -> dict[float, float]:
    feet: dict[float, float] = {}
    for line in seed_build.page.lines:
        if line.article == article and line.role == "body":
            feet[round(line.x, 1)] = max(feet.get(round(line.x, 1), 0.0), line.baseline)
    return feet


def test_article_columns_end_level_and_blocks_are_filled(seed_build) -> None:
    """Page tree: in every article the last column ends within one line of the others, and no block
    keeps more than one empty line at its foot."""
    pitch = seed_build.spec.grid.pitch
    from pagesetter.flow.geometry import PageGeometry

    geo = PageGeometry(seed_build.spec)
    for aspec in seed_build.spec.articles[1:]:
        feet = _column_feet(seed_build, aspec.article)
        assert len(feet) == aspec.block.cols - (aspec.photo.cell.cols if aspec.photo and aspec.photo.cell.lines
                                                == aspec.block.lines else 0)
        open_feet = sorted(foot for x, foot in feet.items() if not _ends_on_photo(aspec, geo, x))
        assert open_feet[-1] - open_feet[0] <= pitch + 0.01, aspec.article
        # the deepest text sits on the block's last text line (the one above the rule)
        last_line = aspec.block.bottom - (1 if aspec.block.bottom < seed_build.spec.grid.lines else 0) - 1
        assert geo.grid_baseline(last_line, 9.0) - open_feet[-1] <= pitch + 0.01, aspec.article


def test_columns_end_level_in_the_pdf(seed_build) -> None:
    """The same from the PDF: the lowest body baseline of each column of each module."""
    from pagesetter.flow.geometry import PageGeometry
    from pagesetter.proof.readback import read_chars

    chars = [c for c in read_chars(seed_build.pdf_path)[0].chars if abs(c.size - 9.0) < 0.01]
    geo = PageGeometry(seed_build.spec)
    bleed = seed_build.spec.bleed
    for aspec in seed_build.spec.articles[1:]:
        x, y, w, h = geo.rect_box(aspec.block)
        feet: dict[int, float] = {}
        for c in chars:
            cx, cy = c.x - bleed, c.baseline - bleed
            if x <= cx < x + w and y <= cy < y + h:
                col = int((cx - geo.left) // (geo.spec.grid.column_width + geo.spec.grid.gutter))
                feet[col] = max(feet.get(col, 0.0), cy)
        text_cols = [col for col in range(aspec.block.col, aspec.block.right)
                     if not _ends_on_photo(aspec, geo, geo.col_left(col))]
        lows = [feet[col] for col in text_cols]
        assert max(lows) - min(lows) <= geo.spec.grid.pitch + 0.01, aspec.article
        assert y + h - max(lows) <= 2.5 * geo.spec.grid.pitch, aspec.article
