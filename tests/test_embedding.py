"""Font embedding, checked on real PDFs: every face of fonts/manifest.yaml becomes one
CID-keyed, embedded, subset Type0 font that extracts as the text it was given,
advances exactly as measured and draws the font's own glyphs."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
import uharfbuzz as hb
from fontTools.cffLib import CFFFontSet
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString

from pagesetter.errors import InputError
from pagesetter.fonts.manifest import FaceInfo, load_manifest
from pagesetter.fonts.subset import EmbeddedFont, Engine, subset_font
from pagesetter.render.cidfont import encode_codes, font_object_count, font_objects, to_unicode_cmap, widths_array
from pagesetter.render.writer import PdfWriter, dictionary, ref, stream

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = load_manifest(ROOT / "fonts" / "manifest.yaml")
FACES = list(MANIFEST)
SAMPLE = "在防疫一线发挥党组织战斗堡垒作用，“疫”线APP 12123！"
SIZE = 12.0  # pt
X0 = 36.0  # pt, where every line starts
LEADING = 30.0  # pt between baselines
PAGE_W = 420.0


@dataclass(frozen=True)
class Line:
    key: str
    font: EmbeddedFont
    gids: list[int]
    advances: list[float]  # pt at SIZE: each glyph's own advance as HarfBuzz reads it (Tj applies no kerning)
    baseline: float  # pt from the page's bottom


def shape(info: FaceInfo, text: str) -> tuple[list[int], list[float], dict[int, str]]:
    """HarfBuzz on the very file we embed: glyph ids, advances (pt at SIZE) and gid -> cluster text."""
    face = hb.Face(hb.Blob.from_file_path(str(info.path)), info.index)
    font = hb.Font(face)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.language = "zh-Hans"
    hb.shape(font, buf, {})
    # A cluster's text goes with its first glyph (ToUnicode); other glyphs of the cluster get "".
    starts = sorted({i.cluster for i in buf.glyph_infos}) + [len(text)]
    cluster_text = {a: text[a:b] for a, b in zip(starts, starts[1:])}
    glyphs: dict[int, str] = {}
    for glyph in buf.glyph_infos:
        glyphs[glyph.codepoint] = glyphs.get(glyph.codepoint) or cluster_text.pop(glyph.cluster, "")
    gids = [i.codepoint for i in buf.glyph_infos]
    advances = [font.get_glyph_h_advance(g) * SIZE / face.upem for g in gids]
    return gids, advances, glyphs


def text_op(name: str, font: EmbeddedFont, gids: list[int], size: float, x: float, y: float) -> str:
    return f"BT 0 0 0 1 k /{name} {size:g} Tf 1 0 0 1 {x:g} {y:g} Tm {encode_codes([font.codes[g] for g in gids])} Tj ET"


def one_page(size: tuple[float, float], fonts: list[EmbeddedFont], content: str) -> bytes:
    """A page whose fonts F1, F2, … are written as the page build writes them (cidfont.font_objects,
    assembled by render/writer.py)."""
    w = PdfWriter()
    catalog, info, pages, page, contents = (w.reserve() for _ in range(5))
    names: dict[str, object] = {}
    for i, font in enumerate(fonts):
        first = w.reserve_many(font_object_count(font))
        for offset, body in enumerate(font_objects(font, first, zlib.compress)):
            w.put(first + offset, body)
        names[f"F{i + 1}"] = ref(first)
    w.put(catalog, dictionary({"Type": PDFName("Catalog"), "Pages": ref(pages)}))
    w.put(info, dictionary({"Producer": PDFString("test_embedding")}))
    w.put(pages, dictionary({"Type": PDFName("Pages"), "Kids": PDFArray([ref(page)]), "Count": 1}))
    w.put(page, dictionary({"Type": PDFName("Page"), "Parent": ref(pages), "MediaBox": PDFArray([0, 0, *size]),
                            "Resources": PDFDictionary({"Font": PDFDictionary(names)}), "Contents": ref(contents)}))
    w.put(contents, stream({}, content.encode("ascii")))
    return w.file((1, 3), catalog, info, b"[<00><00>]")


def build_page(engine: Engine = "harfbuzz") -> tuple[bytes, list[Line]]:
    """One page, one line of SAMPLE per face, each face one Type0 font."""
    height = LEADING * (len(FACES) + 1)
    lines: list[Line] = []
    ops: list[str] = []
    for i, key in enumerate(FACES):
        info = MANIFEST[key]
        gids, advances, glyphs = shape(info, SAMPLE)
        font = subset_font(info.path, glyphs, info.index, engine=engine)
        baseline = height - LEADING * (i + 1)
        ops.append(text_op(f"F{i + 1}", font, gids, SIZE, X0, baseline))
        lines.append(Line(key, font, gids, advances, baseline))
    return one_page((PAGE_W, height), [line.font for line in lines], "\n".join(ops)), lines


@pytest.fixture(scope="module")
def page() -> tuple[bytes, list[Line]]:
    return build_page()


# --- the fonts in the file -------------------------------------------------------------------------

def pdffonts_rows(pdf: bytes, tmp_path: Path) -> list[dict[str, str]]:
    """pdffonts' table as dicts, columns cut where its header's dashes say."""
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    header, dashes, *rows = out
    spans = [m.span() for m in re.finditer(r"-+", dashes)]
    names = [header[a:b].strip() if i < len(spans) - 1 else header[a:].strip() for i, (a, b) in enumerate(spans)]
    return [{n: (r[a:b] if i < len(spans) - 1 else r[a:]).strip() for i, (n, (a, b)) in enumerate(zip(names, spans))}
            for r in rows]


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is not installed")
def test_pdffonts_lists_one_embedded_cid_subset_per_face(page, tmp_path: Path) -> None:
    pdf, lines = page
    rows = pdffonts_rows(pdf, tmp_path)
    assert len(rows) == len(FACES), rows  # one font per face, and nothing else (no Helvetica)
    by_name = {r["name"]: r for r in rows}
    for line in lines:
        row = by_name[line.font.base_font]
        assert re.fullmatch(r"[A-Z]{6}\+[A-Za-z0-9-]+", row["name"]), row
        assert row["type"] == ("CID Type 0C" if line.font.kind == "cff" else "CID TrueType"), row
        assert row["encoding"] == "Identity-H"
        assert (row["emb"], row["sub"], row["uni"]) == ("yes", "yes", "yes"), row
    assert {line.font.kind for line in lines} == {"cff", "truetype"}  # both paths are exercised
    assert not any("Helvetica" in r["name"] for r in rows)


def test_no_font_without_a_font_program_anywhere(page) -> None:
    """Every /Font object in the file, referenced or not, carries its glyphs."""
    pdf, _ = page
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        fonts = [o for o in doc.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"]
        assert len(fonts) == 2 * len(FACES)  # a Type0 and its CIDFont per face
        for font in fonts:
            if font.get("/Subtype") == "/Type0":
                assert len(font["/DescendantFonts"]) == 1
                continue
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, f"{font.get('/BaseFont')} has no descriptor"
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")
        assert b"Helvetica" not in pdf
        page_fonts = doc.pages[0].obj["/Resources"]["/Font"]
        assert sorted(page_fonts.keys()) == sorted(f"/F{i + 1}" for i in range(len(FACES)))


def test_font_structure(page) -> None:
    pdf, lines = page
    assert pdf.startswith(b"%PDF-1.3") or pdf.startswith(b"%PDF-1.4")
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        fonts = doc.pages[0].obj["/Resources"]["/Font"]
        for i, line in enumerate(lines):
            type0 = fonts[f"/F{i + 1}"]
            assert type0["/Encoding"] == "/Identity-H" and "/ToUnicode" in type0
            cid = type0["/DescendantFonts"][0]
            info = cid["/CIDSystemInfo"]
            assert (str(info["/Registry"]), str(info["/Ordering"]), int(info["/Supplement"])) == ("Adobe", "Identity", 0)
            desc = cid["/FontDescriptor"]
            assert str(desc["/FontName"]) == str(cid["/BaseFont"]) == str(type0["/BaseFont"]) == "/" + line.font.base_font
            assert int(desc["/Flags"]) & 4  # symbolic
            if line.font.kind == "cff":
                assert cid["/Subtype"] == "/CIDFontType0" and "/CIDToGIDMap" not in cid
                program = desc["/FontFile3"]
                assert program["/Subtype"] == "/CIDFontType0C"
                cff = CFFFontSet()
                cff.decompile(io.BytesIO(program.read_bytes()), None)
                top = cff.topDictIndex[0]
                assert hasattr(top, "ROS")  # CID-keyed
                # the charset gives each glyph its CID in the face, the code the text uses: the face's
                # glyph id, as in Noto CJK every CID is its glyph id
                assert top.charset == [".notdef", *(f"cid{c:05d}" for c in sorted(line.font.codes.values()) if c)]
                assert all(code == gid for gid, code in line.font.codes.items())
            else:
                assert cid["/Subtype"] == "/CIDFontType2"
                program = desc["/FontFile2"]
                assert int(program["/Length1"]) == len(program.read_bytes()) == len(line.font.program)
                # the code is the face's glyph id; /CIDToGIDMap maps it to the subset's, each used
                # glyph to its own, every other CID to .notdef
                assert all(code == gid for gid, code in line.font.codes.items())
                gid_map = cid["/CIDToGIDMap"].read_bytes()
                mapped = {c: int.from_bytes(gid_map[2 * c:2 * c + 2], "big") for c in range(len(gid_map) // 2)}
                assert {c: g for c, g in mapped.items() if g} == {c: g for c, g in line.font.program_gids.items() if c}
                assert sorted(mapped[c] for c in line.font.codes.values()) == list(range(_num_glyphs(program.read_bytes())))
            assert program.read_bytes() == line.font.program
            filters = program.get("/Filter")
            assert [str(f) for f in (filters if isinstance(filters, pikepdf.Array) else [filters])] == ["/FlateDecode"]


def _num_glyphs(truetype: bytes) -> int:
    from fontTools.ttLib import TTFont

    return TTFont(io.BytesIO(truetype))["maxp"].numGlyphs


@pytest.mark.parametrize("key", FACES)
@pytest.mark.parametrize("engine", ["harfbuzz", "fonttools"])
def test_a_glyph_added_to_a_subset_moves_no_other_code(key: str, engine: Engine) -> None:
    """A glyph new to the page (an edit's) gives the face a new subset, but every glyph keeps its
    code: the text already written stays valid (issue 21). Read back from the PDF: the same
    content stream draws the same glyphs from either subset's program."""
    info = MANIFEST[key]
    gids, _, glyphs = shape(info, SAMPLE)
    new_gid, new_text = _glyph_not_in(info, glyphs)
    small = subset_font(info.path, glyphs, info.index, engine=engine)
    large = subset_font(info.path, {**glyphs, new_gid: new_text}, info.index, engine=engine)
    assert large.codes == {**small.codes, new_gid: large.codes[new_gid]}
    content = text_op("F1", small, gids, SIZE, X0, 10.0)
    assert content == text_op("F1", large, gids, SIZE, X0, 10.0)
    drawn = [_glyph_outlines(one_page((PAGE_W, LEADING), [font], content), small.codes) for font in (small, large)]
    assert drawn[0] == drawn[1]  # each code draws the same outline from either program
    assert all(drawn[0][small.codes[g]] for g, text in glyphs.items() if text.strip())  # and none is empty


@pytest.mark.parametrize("key", [k for k in FACES if MANIFEST[k].path.suffix == ".otf"])
def test_a_cff_program_is_compressed_in_parts_an_added_glyph_leaves_alone(key: str) -> None:
    """The CFF program's stream (read back from the PDF) inflates to the program, is as small as
    zlib.compress makes it (within 0.5 %), and a glyph added to the subset changes only a few of
    its compressed parts: the table's head, the glyph's block and the part after it."""
    from pagesetter.render.cidfont import program_cuts
    from pagesetter.render.writer import deflate_after

    info = MANIFEST[key]
    font_hb = hb.Font(hb.Face(hb.Blob.from_file_path(str(info.path)), info.index))
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").glob("*.md")))
    glyphs = {font_hb.get_nominal_glyph(ord(c)): c for c in sorted(set(text)) if font_hb.get_nominal_glyph(ord(c))}
    new_gid, new_text = _glyph_not_in(info, glyphs)
    small = subset_font(info.path, glyphs, info.index)
    large = subset_font(info.path, {**glyphs, new_gid: new_text}, info.index)
    for font in (small, large):
        with pikepdf.open(io.BytesIO(one_page((PAGE_W, LEADING), [font], ""))) as doc:
            program = doc.pages[0].obj["/Resources"]["/Font"]["/F1"]["/DescendantFonts"][0]["/FontDescriptor"]["/FontFile3"]
            assert program.read_bytes() == font.program
            raw = program.read_raw_bytes()
        assert len(raw) <= 1.005 * len(zlib.compress(font.program))
    made: list[tuple[bytes, bytes]] = []

    def parts(font: EmbeddedFont) -> set[bytes]:
        from pagesetter.render.cidfont import flate_program

        made.clear()
        flate_program(font, lambda data, before: made.append((data, before)) or deflate_after(data, before))
        return {data + b"|" + before for data, before in made}

    before, after = parts(small), parts(large)
    assert len(program_cuts(large)) - 1 == len(after) >= 8
    assert len(after - before) <= 4


def _glyph_not_in(info: FaceInfo, glyphs: dict[int, str]) -> tuple[int, str]:
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(info.path)), info.index))
    for ch in "鹅鸭蝶蜓啄鸟鼠狐狸":
        gid = font.get_nominal_glyph(ord(ch))
        if gid and gid not in glyphs and gid < max(glyphs):  # inside the subset: with the subset's glyph ids as codes, those after it would move
            return gid, ch
    raise AssertionError(f"{info.path.name}: no glyph to add")


def _glyph_outlines(pdf: bytes, codes: dict[int, int]) -> dict[int, tuple]:
    """Each code's outline (a recording pen's path) in the PDF's font program (F1), found as a
    viewer finds it: through the CFF charset (CID -> glyph) or, for TrueType, the /CIDToGIDMap stream."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        cid = doc.pages[0].obj["/Resources"]["/Font"]["/F1"]["/DescendantFonts"][0]
        desc = cid["/FontDescriptor"]
        out: dict[int, tuple] = {}
        if "/FontFile3" in desc:
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(desc["/FontFile3"].read_bytes()), None)
            top = cff.topDictIndex[0]
            for code in codes.values():
                pen = RecordingPen()
                top.CharStrings[f"cid{code:05d}" if code else ".notdef"].draw(pen)
                out[code] = tuple(pen.value)
        else:
            gid_map = cid["/CIDToGIDMap"].read_bytes()
            tt = TTFont(io.BytesIO(desc["/FontFile2"].read_bytes()))
            order, glyph_set = tt.getGlyphOrder(), tt.getGlyphSet()
            for code in codes.values():
                pen = RecordingPen()
                glyph_set[order[int.from_bytes(gid_map[2 * code:2 * code + 2], "big")]].draw(pen)
                out[code] = tuple(pen.value)
        return out


# --- what a reader gets back ----------------------------------------------------------------------

def test_text_extracts_as_given(page) -> None:
    pdf, _ = page
    doc = pdfium.PdfDocument(pdf)
    try:
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    assert text.split("\r\n") == [SAMPLE] * len(FACES)


def test_glyphs_advance_as_measured(page) -> None:
    """The first line starts where it was set and its Han glyphs advance exactly 1 em; in every
    line every glyph sits where the font's own advances put it (so /W matches HarfBuzz's metrics)."""
    pdf, lines = page
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = doc.pages[0].chars
    for line in lines:
        mine = [c for c in chars if c["fontname"] == line.font.base_font]
        assert "".join(c["text"] for c in mine) == SAMPLE
        assert mine[0]["x0"] == pytest.approx(X0, abs=0.01)
        expected = X0
        for c, advance in zip(mine, line.advances):
            assert c["x0"] == pytest.approx(expected, abs=0.01), (line.key, c["text"])
            expected += advance
        for a, b in zip(mine, mine[1:]):
            if _is_han(a["text"]) and _is_han(b["text"]):
                assert b["x0"] - a["x0"] == pytest.approx(SIZE, abs=0.01), (line.key, a["text"], b["text"])


def _is_han(ch: str) -> bool:
    return len(ch) == 1 and unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")


def test_every_line_draws_and_nothing_else_does(page) -> None:
    pdf, lines = page
    scale = 100 / 72
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=scale).to_pil().convert("L")
    finally:
        doc.close()
    ink = image.point(lambda v: 255 if v < 128 else 0)
    height_pt = LEADING * (len(FACES) + 1)
    covered = Image.new("L", image.size, 0)
    for line in lines:
        right = X0 + sum(line.advances)
        box = (int(X0 * scale) - 1, int((height_pt - line.baseline - SIZE) * scale),
               int(right * scale) + 2, int((height_pt - line.baseline + 0.3 * SIZE) * scale) + 1)
        dark = ink.crop(box).histogram()[255]
        assert dark > 0.08 * (box[2] - box[0]) * (box[3] - box[1]), (line.key, dark)
        covered.paste(255, box)
    stray = Image.composite(Image.new("L", image.size, 0), ink, covered).getbbox()
    assert stray is None, f"ink outside the text lines at {stray}"


# --- the glyph drawn is the font's own -----------------------------------------------------------

CELL_SIZE = 48.0  # pt: em of each glyph in the comparison
CELL = 1.5 * CELL_SIZE
RENDER_SCALE = 2.0  # px per pt
ORIGIN = (12.0, 18.0)  # pt from a cell's bottom left; whole pixels at RENDER_SCALE, as Pillow places text
# Every non-space character of the sample, plus U+2212 MINUS, a composite glyph in LXGW WenKai
# whose component (the hyphen) the subset must add: codes after it shift by one.
CELL_CHARS = "".join(dict.fromkeys(SAMPLE.replace(" ", "") + "−"))


def _cells_pdf(info: FaceInfo, engine: Engine) -> tuple[bytes, list[str]]:
    """Each character's nominal glyph alone in a cell, its origin at ORIGIN from the cell's bottom left."""
    font_hb = hb.Font(hb.Face(hb.Blob.from_file_path(str(info.path)), info.index))
    chars = [c for c in CELL_CHARS if font_hb.get_nominal_glyph(ord(c))]
    glyphs = {font_hb.get_nominal_glyph(ord(c)): c for c in chars}
    font = subset_font(info.path, glyphs, info.index, engine=engine)
    ops = [text_op("F1", font, [font_hb.get_nominal_glyph(ord(c))], CELL_SIZE, CELL * i + ORIGIN[0], ORIGIN[1])
           for i, c in enumerate(chars)]
    return one_page((CELL * len(chars), CELL), [font], "\n".join(ops)), chars


def _render_cells(pdf: bytes, renderer: str = "pdfium") -> Image.Image:
    """The page at RENDER_SCALE, greyscale, by pdfium, Ghostscript (the RIP-like one) or poppler."""
    if renderer == "pdfium":
        doc = pdfium.PdfDocument(pdf)
        try:
            return doc[0].render(scale=RENDER_SCALE).to_pil().convert("L")
        finally:
            doc.close()
    dpi = str(round(72 * RENDER_SCALE))
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "cells.pdf", Path(tmp) / "cells.png"
        src.write_bytes(pdf)
        if renderer == "ghostscript":
            command = ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", f"-r{dpi}",
                       "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", f"-sOutputFile={out}", str(src)]
        else:
            command = ["pdftoppm", "-r", dpi, "-gray", "-png", "-singlefile", str(src), str(out.with_suffix(""))]
        subprocess.run(command, check=True, capture_output=True)
        with Image.open(out) as image:
            return image.convert("L")


RENDERERS = {"pdfium": None, "ghostscript": "gs", "poppler": "pdftoppm"}  # name -> program it needs


def _freetype_cells(info: FaceInfo, chars: list[str], size: tuple[int, int]) -> Image.Image:
    """The same characters, same places, drawn by FreeType (Pillow) from the font file."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(info.path), round(CELL_SIZE * RENDER_SCALE), index=info.index,
                              layout_engine=ImageFont.Layout.BASIC)
    for i, c in enumerate(chars):
        origin = ((CELL * i + ORIGIN[0]) * RENDER_SCALE, (CELL - ORIGIN[1]) * RENDER_SCALE)
        draw.text(origin, c, font=font, fill=0, anchor="ls")
    return image


@dataclass(frozen=True)
class Ink:
    """A rendering's ink (pixels darker than mid-grey), and that ink grown by 1 px."""

    mask: Image.Image
    near: Image.Image
    count: int

    @classmethod
    def of(cls, image: Image.Image) -> "Ink":
        mask = image.point(lambda v: 255 if v < 128 else 0)
        return cls(mask, mask.filter(ImageFilter.MaxFilter(3)), mask.histogram()[255])


def _match(a: Ink, b: Ink) -> float:
    """How well two renderings agree: the smaller of the shares of each one's ink lying within
    1 px of the other's ink (1 px of slack for hinting and anti-aliasing)."""
    if not a.count or not b.count:
        return 1.0 if a.count == b.count else 0.0
    return min(ImageChops.darker(a.mask, b.near).histogram()[255] / a.count,
               ImageChops.darker(b.mask, a.near).histogram()[255] / b.count)


def _cells(image: Image.Image, n: int) -> list[Ink]:
    width = round(CELL * RENDER_SCALE)
    return [Ink.of(image.crop((i * width, 0, (i + 1) * width, image.height))) for i in range(n)]


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("key", FACES)
def test_drawn_glyphs_are_the_fonts_own(key: str, renderer: str) -> None:
    """Each embedded glyph, as a PDF renderer draws it, matches FreeType's rendering of the same
    character from the same file (same place, same size), and no other character's."""
    program = RENDERERS[renderer]
    if program and shutil.which(program) is None:
        pytest.skip(f"{program} is not installed")
    info = MANIFEST[key]
    pdf, chars = _cells_pdf(info, "harfbuzz")
    ours = _render_cells(pdf, renderer)
    drawn = _cells(ours, len(chars))
    reference = _cells(_freetype_cells(info, chars, ours.size), len(chars))
    for i, c in enumerate(chars):
        assert drawn[i].count > 0, f"{c!r} drew nothing"
        assert _match(drawn[i], reference[i]) > 0.95, c  # measured: pdfium and poppler 0.994+, Ghostscript 0.97+
        for j, other in enumerate(chars):
            if j != i:  # the test tells glyphs apart: 组 against 织, the closest pair, scores 0.84
                assert _match(drawn[i], reference[j]) < 0.9, (c, other)


@pytest.mark.parametrize("key", FACES)
def test_fonttools_and_harfbuzz_subsets_agree(key: str) -> None:
    """The reference subsetter (fontTools) and the fast one (HarfBuzz) give the same codes and
    widths and draw the same page."""
    info = MANIFEST[key]
    (pdf_hb, _), (pdf_ft, _) = _cells_pdf(info, "harfbuzz"), _cells_pdf(info, "fonttools")
    with pikepdf.open(io.BytesIO(pdf_hb)) as a, pikepdf.open(io.BytesIO(pdf_ft)) as b:
        assert a.pages[0].Contents.read_bytes() == b.pages[0].Contents.read_bytes()
    font_hb = hb.Font(hb.Face(hb.Blob.from_file_path(str(info.path)), info.index))
    glyphs = {font_hb.get_nominal_glyph(ord(c)): c for c in CELL_CHARS if font_hb.get_nominal_glyph(ord(c))}
    x, y = (subset_font(info.path, glyphs, info.index, engine=e) for e in ("harfbuzz", "fonttools"))
    assert (x.codes, x.widths, x.to_unicode, x.base_font) == (y.codes, y.widths, y.to_unicode, y.base_font)
    assert _match(Ink.of(_render_cells(pdf_hb)), Ink.of(_render_cells(pdf_ft))) > 0.99


# --- determinism and refusals ---------------------------------------------------------------------

def test_subsetting_is_deterministic() -> None:
    info = MANIFEST["song"]
    _, _, glyphs = shape(info, SAMPLE)
    a, b = subset_font(info.path, glyphs, info.index), subset_font(info.path, glyphs, info.index)
    assert a == b  # program bytes, tag, codes, widths, metrics
    assert len(a.program) < 20_000  # a subset, not the 24 MB face
    fewer = dict(list(glyphs.items())[:-1])
    assert subset_font(info.path, fewer, info.index).base_font != a.base_font  # other glyphs, other tag


def test_the_page_is_byte_identical_when_built_again(page) -> None:
    assert build_page()[0] == page[0]


def test_name_keyed_cff_is_refused_clearly(tmp_path: Path) -> None:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    pen = T2CharStringPen(500, None)
    pen.moveTo((50, 0)), pen.lineTo((450, 0)), pen.lineTo((450, 700)), pen.closePath()
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({0x41: "A"})
    builder.setupCFF("Test-Regular", {"FullName": "Test Regular"},
                     {".notdef": pen.getCharString(), "A": pen.getCharString()}, {})
    builder.setupHorizontalMetrics({".notdef": (500, 50), "A": (500, 50)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    path = tmp_path / "name-keyed.otf"
    builder.save(str(path))
    for engine in ("harfbuzz", "fonttools"):
        with pytest.raises(InputError, match="name-keyed CFF"):
            subset_font(path, {1: "A"}, engine=engine)  # type: ignore[arg-type]


def test_glyph_id_beyond_the_face_is_an_error() -> None:
    info = MANIFEST["kai"]
    with pytest.raises(InputError, match="beyond"):
        subset_font(info.path, {10**6: "x"}, info.index)


# --- the small writers ------------------------------------------------------------------------------

def test_to_unicode_cmap_blocks_and_surrogates() -> None:
    mapping = {i: "中" for i in range(1, 251)} | {300: "𠀀", 301: "ﬁ"[0] + "x"}
    cmap = to_unicode_cmap(mapping)
    assert re.findall(r"(\d+) beginbfchar", cmap) == ["100", "100", "52"]
    assert "<012C> <D840DC00>" in cmap  # U+20000 as a UTF-16 surrogate pair
    assert "<012D> <FB010078>" in cmap  # a cluster of two characters
    assert "<0001> <4E2D>" in cmap
    assert cmap.index("begincodespacerange\n<0000> <FFFF>\nendcodespacerange") > 0


def test_widths_array_is_compact() -> None:
    def flat(items: list[object]) -> list[object]:
        return [getattr(x, "sequence", x) for x in items]

    widths = {1: 500, 2: 500, 3: 500, 4: 600, 5: 700, 6: 1000, 7: 300, 9: 250, 10: 250, 11: 250, 12: 100}
    assert flat(widths_array(widths)) == [1, 3, 500, 4, [600, 700], 7, [300], 9, 11, 250, 12, [100]]
    assert widths_array({5: 1000, 6: 1000}) == []


def test_encode_codes() -> None:
    assert encode_codes([0, 10, 0x1B2C, 0xFFFF]) == "<0000000A1B2CFFFF>"
    with pytest.raises(ValueError):
        encode_codes([0x10000])
    with pytest.raises(ValueError):
        encode_codes([5, -1])
    assert encode_codes([]) == "<>"


def test_text_runs_split_where_glyph_state_changes() -> None:
    """A text object per run of glyphs sharing face, size, colour, rise, scale and rotation: the
    run key reads those fields of pagetree.Glyph by position."""
    from pagesetter.pagetree import Glyph
    from pagesetter.render.pdf import _RUN_KEY
    from pagesetter.spec.model import CMYK

    black = CMYK(0, 0, 0, 100)
    g = Glyph("song", 9.0, 12, 30.0, "中", black, 1.5, 0.8, 90)
    assert _RUN_KEY(g) == (g.face, g.size, g.color, g.dy, g.scale_x, g.rotate)


# --- the font tables read without fontTools (fonts/sfnt.py), against fontTools ----------------------

@pytest.mark.parametrize("key", FACES)
def test_table_values_match_fonttools(key: str) -> None:
    from fontTools.ttLib import TTFont

    from pagesetter.fonts.sfnt import read_tables

    info = MANIFEST[key]
    face = hb.Face(hb.Blob.from_file_path(str(info.path)), info.index)
    ours = read_tables(lambda tag: face.reference_table(tag).data)
    with TTFont(str(info.path), fontNumber=info.index, lazy=True) as font:
        head, os2, name = font["head"], font["OS/2"], font["name"]
        assert ours.units_per_em == head.unitsPerEm
        assert f"{ours.font_revision:.5f}" == f"{head.fontRevision:.5f}"
        assert ours.checksum_adjustment == head.checkSumAdjustment
        assert ours.bbox == (head.xMin, head.yMin, head.xMax, head.yMax)
        assert (ours.typo_ascender, ours.typo_descender) == (os2.sTypoAscender, os2.sTypoDescender)
        assert ours.cap_height == getattr(os2, "sCapHeight", 0) and ours.weight_class == os2.usWeightClass
        assert ours.italic_angle == font["post"].italicAngle
        assert ours.postscript_name == name.getDebugName(6) and ours.family_name == name.getDebugName(1)


@pytest.mark.parametrize("key", [k for k in FACES if MANIFEST[k].path.suffix == ".otf"])
def test_cff_charset_check_matches_fonttools(key: str) -> None:
    """The CIDs read from a CFF charset (the codes of our subsets) are those fontTools reads: in
    our subsets each glyph's code, and in the whole face (Noto CJK) every glyph's own id."""
    from pagesetter.fonts.sfnt import cff_cids, cff_identity_cids

    info = MANIFEST[key]
    _, _, glyphs = shape(info, SAMPLE)
    subset = subset_font(info.path, glyphs, info.index)
    assert cff_cids(subset.program) == (True, sorted(subset.codes.values()))
    assert cff_identity_cids(subset.program) == (True, False)  # the face's CIDs, not the subset's glyph ids
    face = hb.Face(hb.Blob.from_file_path(str(info.path)), info.index)
    whole = face.reference_table("CFF ").data
    top = CFFFontSet()
    top.decompile(io.BytesIO(whole), None)
    charset = top.topDictIndex[0].charset
    theirs = [0 if n == ".notdef" else int(n[3:]) for n in charset]
    assert cff_cids(whole) == (True, theirs)
    assert cff_identity_cids(whole) == (True, theirs == list(range(len(theirs))))


@pytest.mark.parametrize("key", [k for k in FACES if MANIFEST[k].path.suffix == ".otf"])
def test_the_embedded_cff_is_named_as_the_pdf_names_it(key: str) -> None:
    """Faces taken from a collection carry the collection's CFF name (…CJKjp-…); the subset is
    renamed to the face's PostScript name, the one /BaseFont gives after its tag."""
    from fontTools.cffLib import CFFFontSet as Reference

    info = MANIFEST[key]
    _, _, glyphs = shape(info, SAMPLE)
    font = subset_font(info.path, glyphs, info.index)
    cff = Reference()
    cff.decompile(io.BytesIO(font.program), None)
    assert cff.fontNames == [font.base_font.split("+", 1)[1]]
    assert cff.topDictIndex[0].ROS  # still a CIDFont, read by fontTools after the rename


def test_kept_face_follows_the_file(tmp_path: Path) -> None:
    """A process keeps each face it subsets (fonts/subset.py _kept_face, by path, size and mtime):
    a font file replaced at the same path is subset from its new content, and one removed since
    says so as an input error, as a face never opened does."""
    import os

    font = tmp_path / "face.otf"
    shutil.copy(ROOT / "fonts" / "NotoSansCJKsc-Regular.otf", font)
    glyphs = {0: "", 100: "x"}
    first = subset_font(font, glyphs)
    assert first.base_font.endswith("+NotoSansCJKsc-Regular")
    shutil.copy(ROOT / "fonts" / "NotoSerifCJKsc-Bold.otf", font)
    os.utime(font, ns=(10**18, 10**18))  # a new mtime even where the copy lands in the same tick
    again = subset_font(font, glyphs)
    assert again.base_font.endswith("+NotoSerifCJKsc-Bold") and again.program != first.program
    font.unlink()
    with pytest.raises(InputError, match="cannot read font"):
        subset_font(font, glyphs)
