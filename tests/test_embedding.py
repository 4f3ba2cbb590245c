"""Font embedding: every face becomes one CID-keyed subset that draws the right glyphs."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from pagesetter.fonts.face import Face
from pagesetter.fonts.manifest import load_manifest
from pagesetter.fonts.subset import subset_font
from pagesetter.render.cidfont import FontlessCanvas, add_type0_font, encode_codes

SAMPLE = "疫线“党”，APP 12123！"
FACES = ["song", "song-bold", "hei", "hei-bold", "kai"]


@pytest.fixture(scope="module")
def manifest(root: Path):
    return load_manifest(root / "fonts" / "manifest.yaml")


def _one_glyph_pdf(info, char: str, size: float) -> tuple[bytes, object]:
    face = Face.open(info)
    gid = face.glyph_for(char)
    assert gid, f"{info.key} lacks {char}"
    font = subset_font(info.path, {gid: char}, info.index)
    buf = io.BytesIO()
    canvas = FontlessCanvas(buf, pagesize=(size * 1.5, size * 1.5))
    add_type0_font(canvas._doc, "F1", info.key, font)
    canvas.addLiteral(f"BT 0 0 0 1 k /F1 {size} Tf 1 0 0 1 {size * 0.25} {size * 0.4} Tm "
                      f"{encode_codes([font.codes[gid]])} Tj ET")
    canvas.showPage()
    canvas.save()
    return buf.getvalue(), font


def _ink(im: Image.Image) -> Image.Image:
    grey = im.convert("L")
    box = ImageChops.invert(grey).getbbox()
    assert box, "nothing was drawn"
    return grey.crop(box).point(lambda v: 255 if v > 128 else 0).convert("1")


@pytest.mark.parametrize("key", FACES)
@pytest.mark.parametrize("char", ["疫", "党", "A"])
def test_the_embedded_glyph_is_the_fonts_own(manifest, key: str, char: str) -> None:
    """Render one glyph from the PDF (pdfium) and from the font file (FreeType, Pillow): same shape."""
    info = manifest[key]
    pdf, _ = _one_glyph_pdf(info, char, 200)
    doc = pdfium.PdfDocument(pdf)
    ours = _ink(doc[0].render(scale=1).to_pil())
    doc.close()
    ref_img = Image.new("L", (400, 400), 255)
    ImageDraw.Draw(ref_img).text((50, 50), char, font=ImageFont.truetype(str(info.path), 200, index=info.index),
                                 fill=0)
    ref = _ink(ref_img)
    assert abs(ours.width - ref.width) <= 3 and abs(ours.height - ref.height) <= 3
    ours = ours.resize(ref.size)
    both = ImageChops.logical_and(ImageChops.invert(ours.convert("L")).convert("1"),
                                  ImageChops.invert(ref.convert("L")).convert("1"))
    either = ImageChops.logical_or(ImageChops.invert(ours.convert("L")).convert("1"),
                                   ImageChops.invert(ref.convert("L")).convert("1"))
    iou = both.convert("L").histogram()[255] / max(1, either.convert("L").histogram()[255])
    assert iou > 0.85, iou


@pytest.mark.parametrize("key", FACES)
def test_subset_is_cid_keyed_with_tounicode_and_text_extracts(manifest, key: str) -> None:
    info = manifest[key]
    face = Face.open(info)
    shaped = face.shape(SAMPLE)
    glyphs = {g.gid: SAMPLE[g.cluster] for g in shaped}
    font = subset_font(info.path, glyphs, info.index)
    buf = io.BytesIO()
    canvas = FontlessCanvas(buf, pagesize=(600, 100))
    add_type0_font(canvas._doc, "F1", key, font)
    codes = [font.codes[g.gid] for g in shaped]
    canvas.addLiteral(f"BT /F1 20 Tf 1 0 0 1 10 40 Tm {encode_codes(codes)} Tj ET")
    canvas.showPage()
    canvas.save()
    data = buf.getvalue()
    doc = pdfium.PdfDocument(data)
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    assert text.replace(" ", "") == SAMPLE.replace(" ", "")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = pdf.pages[0].obj["/Resources"]["/Font"]
        assert list(fonts.keys()) == ["/F1"]  # one font object, no Helvetica
        type0 = fonts["/F1"]
        cid = type0["/DescendantFonts"][0]
        desc = cid["/FontDescriptor"]
        if font.kind == "cff":
            assert cid["/Subtype"] == "/CIDFontType0" and desc["/FontFile3"]["/Subtype"] == "/CIDFontType0C"
        else:
            assert cid["/Subtype"] == "/CIDFontType2" and cid["/CIDToGIDMap"] == "/Identity"
            assert "/FontFile2" in desc
        assert pdf.pdf_version <= "1.4"


def test_subsetting_is_deterministic(manifest) -> None:
    info = manifest["song"]
    face = Face.open(info)
    glyphs = {g.gid: SAMPLE[g.cluster] for g in face.shape(SAMPLE)}
    a, b = subset_font(info.path, glyphs, 0), subset_font(info.path, glyphs, 0)
    assert a.program == b.program and a.base_font == b.base_font
    assert len(a.program) < 60_000  # a subset, not the 24 MB face
