"""Page make-up beyond the seed page: another broadsheet arrangement (an L-shaped lead, a wrapped
photo), a tabloid edition of two pages with a jump, fitting, and an article made too long."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pagesetter.build import build_page
from pagesetter.edition import build_edition
from pagesetter.errors import InputError, InputErrors, OversetError

LAYOUT = Path(__file__).resolve().parent.parent / "layout"


def _text(pdf: Path) -> list[str]:
    """Each page's text inside its TrimBox (the slug line stands outside)."""
    from test_build import trim_text

    doc = pdfium.PdfDocument(str(pdf))
    pages = len(doc)
    doc.close()
    return [re.sub(r"\s+", "", trim_text(pdf, i)) for i in range(pages)]


@pytest.fixture(scope="module")
def alt(tmp_path_factory: pytest.TempPathFactory):
    return build_page(LAYOUT / "seed-page-alt.yaml", tmp_path_factory.mktemp("alt"))


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory):
    return build_edition(LAYOUT / "tabloid-edition.yaml", tmp_path_factory.mktemp("edition"))


def test_alternate_layout_sets_everything_with_an_l_shaped_lead(alt) -> None:
    assert alt.page.overset == ()
    expected = re.sub(r"\s+", "", "".join(alt.articles[a.article].all_text() for a in alt.spec.articles))
    folio = re.sub(r"\s+", "", "".join(l.text for l in alt.page.lines if l.role == "folio"))
    assert _text(alt.pdf_path)[0] == folio + expected
    lead = next(a for a in alt.spec.articles if a.frames)
    body = [l for l in alt.page.lines if l.article == lead.article and l.role == "body"]
    frame = lead.frames[0]
    from pagesetter.flow.geometry import PageGeometry

    geo = PageGeometry(alt.spec)
    fx, fy, fw, fh = geo.rect_box(frame)
    in_frame = [l for l in body if fx <= l.x < fx + fw and fy <= l.baseline < fy + fh]
    assert len(in_frame) >= frame.cols * (frame.lines - 2)  # the text turns into the L's foot
    # The leg stands under the block's left columns: each of those columns reads straight down
    # from the block into the leg, and the columns follow each other left to right (README).
    runs = []
    for col in range(lead.block.col, lead.block.right):
        at = [i for i, l in enumerate(body) if abs(l.x - geo.col_left(col)) < 0.5]
        assert at == list(range(at[0], at[0] + len(at)))  # one run of the text per column
        runs.append(at[0])
        if frame.col <= col < frame.right:
            assert body[at[0]].baseline < fy < body[at[-1]].baseline  # from the block down into the leg
    assert runs == sorted(runs)


def test_wrapped_photo_has_text_above_and_below_it_in_the_same_columns(alt) -> None:
    lead = next(a for a in alt.spec.articles if a.frames)
    image = next(i for i in alt.page.images if i.article == lead.article)
    body = [l for l in alt.page.lines if l.article == lead.article and l.role == "body"]
    beside = [l for l in body if image.x <= l.x < image.x + image.width]
    assert any(l.baseline < image.y for l in beside) and any(l.baseline > image.y + image.height for l in beside)
    assert not any(image.y <= l.baseline <= image.y + image.height + 9 for l in beside)  # nothing under it


def test_tabloid_edition_jumps_and_combines(edition) -> None:
    assert [p.overset for p in edition.pages] == [(), ()]
    assert len(edition.page_paths) == 2
    page1, page2 = _text(edition.combined)
    assert page1 == _text(edition.page_paths[0])[0] and page2 == _text(edition.page_paths[1])[0]
    assert page1.endswith("（转第6版）") or "（转第6版）" in page1
    assert "（上接第5版）" in page2
    # the jumping article's text runs on without loss or repetition across the two pages
    jump = "".join(l.text for p in edition.pages for l in p.lines if l.article == "xianglu-street" and l.role == "body")
    from pagesetter.build import load_inputs

    _, _, articles, _ = load_inputs(LAYOUT / "tabloid-1.yaml")
    assert jump == "".join(p.text for p in articles["xianglu-street"].paragraphs)
    # the 报眉 of every page carries the edition's paper and date
    for p in edition.pages:
        folio = "".join(l.text for l in p.lines if l.role == "folio")
        assert folio.startswith("城市日报") and "2022年6月30日" in folio


def test_fitting_reports_what_it_changed(alt) -> None:
    notes = [w for w in alt.warnings if w.kind == "fitted"]
    assert notes and all(re.search(r"(headline|photo) [+-]\d+ line", w.message) for w in notes if "no change" not in w.message)


def test_an_article_too_long_for_its_block_reports_exact_overset(tmp_path: Path, project: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("block: {col: 5, cols: 4, line: 12, lines: 34}",
                                 "block: {col: 5, cols: 4, line: 12, lines: 30}"), encoding="utf-8")
    with pytest.raises(OversetError) as err:
        build_page(spec, tmp_path)
    message = str(err.value)
    m = re.search(r"dongliao-police: (\d+) characters in (\d+) lines", message)
    assert m, message
    result = build_page(spec, tmp_path, allow_overset=True)
    overset = next(o for o in result.page.overset if o.article == "dongliao-police")
    placed = "".join(l.text for l in result.page.lines if l.article == "dongliao-police" and l.role == "body")
    full = "".join(p.text for p in result.articles["dongliao-police"].paragraphs)
    assert (int(m.group(1)), int(m.group(2))) == (overset.chars, overset.lines)
    assert len(full) - len(placed) == overset.chars  # exactly what is missing from the page
    assert full.startswith(placed)


def test_auto_placement_fills_the_page_and_explains(tmp_path: Path) -> None:
    result = build_page(LAYOUT / "seed-page-auto.yaml", tmp_path)
    assert result.page.overset == ()
    note = next(w for w in result.warnings if w.kind == "auto")
    assert "Chosen from" in note.message and "dongfeng-media" in note.message
    placed = [a for a in result.spec.articles if a.article != "banner"]
    assert [a.article for a in placed][0] == "dongfeng-media"  # the lead at the top left
    assert placed[0].block.col == 0 and placed[0].block.top == 11
    assert {a.article for a in placed} == {"dongfeng-media", "dongliao-police", "xianglu-street",
                                           "baimei-property", "xian-education"}
    for i, a in enumerate(placed):  # modules tile the area without overlapping
        for b in placed[:i]:
            assert not a.block.overlaps(b.block)
    area = sum(a.block.cols * a.block.lines for a in placed)
    assert area == 8 * (103 - 11)  # and cover all of it
    for a in placed:
        fill = [w for w in result.warnings if w.kind == "underset" and a.article in w.message]
        assert fill == [], fill


def test_the_proof_marks_overset_even_when_the_build_refuses(tmp_path: Path, project: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("block: {col: 5, cols: 4, line: 12, lines: 34}",
                                 "block: {col: 5, cols: 4, line: 12, lines: 30}"), encoding="utf-8")
    with pytest.raises(OversetError):
        build_page(spec, tmp_path, proof=True)
    assert not (tmp_path / "seed-page.pdf").exists()
    proof = _text(tmp_path / "seed-page.proof.pdf")[0]
    m = re.search(r"溢出(\d+)字(\d+)行", proof)
    assert m and "dongliao-police" in proof
    result = build_page(spec, tmp_path, allow_overset=True)
    overset = next(o for o in result.page.overset if o.article == "dongliao-police")
    assert (int(m.group(1)), int(m.group(2))) == (overset.chars, overset.lines)


def test_the_proof_marks_missing_glyphs_and_low_resolution_photos(tmp_path: Path, project: Path) -> None:
    from PIL import Image

    Image.new("RGB", (200, 150), (90, 90, 90)).save(project / "content" / "photos" / "dongliao-police.jpg")
    article = project / "content" / "dongfeng-media.md"
    article.write_text(article.read_text(encoding="utf-8").replace("没有披上白色战袍", "没有披上白色战袍\U0001F600"),
                       encoding="utf-8")
    # a character no face has stops the build (bad input); the proof is written first and marks it
    with pytest.raises(InputErrors, match="no face of style .* has U\\+1F600"):
        build_page(project / "layout" / "seed-page.yaml", tmp_path, proof=True)
    assert not (tmp_path / "seed-page.pdf").exists()
    proof = _text(tmp_path / "seed-page.proof.pdf")[0]
    assert "缺字U+1F600" in proof
    assert re.search(r"低分辨率\d+ppi", proof)


def test_the_combined_edition_is_pdfx_too(edition) -> None:
    """The plant gets the combined file: one OutputIntent, PDF/X identification, every page's boxes
    and module frames kept, and our preflight passes it as it passes each page."""
    import json

    import pikepdf

    from pagesetter.proof.preflight import preflight

    with pikepdf.open(edition.combined) as pdf:
        assert pdf.pdf_version == "1.3" and str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1:2001"
        assert len(pdf.Root.OutputIntents) == 1 and str(pdf.docinfo["/Title"]) == "tabloid-edition"
        names = []
        for page in pdf.pages:
            assert "/TrimBox" in page.obj and "/BleedBox" in page.obj
            names.append(json.loads(page.obj.PieceInfo.pagesetter.Private.read_bytes())["page"])
        assert names == ["tabloid-1", "tabloid-2"]
    report = preflight(edition.combined)
    assert not [f for f in report.findings if f.severity == "error"], report.text()


def test_the_combined_edition_is_named_by_its_pages(edition) -> None:
    """The combined file's /ID (ISO 32000-1 §14.4) is its pages' digest, as a page's is its content's:
    both halves the same, the XMP DocumentID the same digest, and not qpdf's placeholder, which
    the combine asks qpdf for and then replaces."""
    import pikepdf

    from pagesetter.render.pdfx import QPDF_STATIC_ID, PdfxSettings, document_id

    ident = document_id("tabloid-edition", PdfxSettings(version="x1a"), "2022-06-30",
                        [p.read_bytes() for p in edition.page_paths])
    with pikepdf.open(edition.combined) as pdf:
        first, second = (bytes(half) for half in pdf.trailer.ID)
        assert first == second == ident.digest[:16]
        assert ident.uuid in pdf.Root.Metadata.read_bytes().decode("utf-8")
    assert QPDF_STATIC_ID not in edition.combined.read_bytes()


def test_the_slug_line_names_file_edition_paper_plate_date_and_standard(edition) -> None:
    import pypdfium2 as pdfium

    for path, plate in zip(edition.page_paths, ("第5版", "第6版")):
        doc = pdfium.PdfDocument(str(path))
        text = doc[0].get_textpage().get_text_range()
        doc.close()
        slug = next(line for line in text.splitlines() if f"{path.name}" in line)
        for part in (path.name, "edition tabloid-edition", "城市日报", f"plate {plate}", "2022-06-30 00:00 UTC",
                     "PDF/X-1a:2001 CGATS TR 002", "pagesetter "):
            # pdfium reads the Han–digit spacing (第 5 版) as spaces: compare without them
            assert part.replace(" ", "") in slug.replace(" ", ""), (part, slug)


def test_auto_never_sets_a_photo_cell_deeper_than_its_module(project: Path) -> None:
    """Issue 15.6: auto gave a 13-line module a 13-line photo cell, so picture and caption fell
    below the type area. A brief of a few lines with a photo, dealt anywhere: its cell stays in its block."""
    from pagesetter.build import load_inputs
    from pagesetter.flow.auto import arrange
    from pagesetter.fonts.face import FaceSet

    (project / "content" / "brief.md").write_text(
        "---\ntitle: 简讯\nphotos:\n  - file: photos/xianglu-street.jpg\n    caption: ▲简讯配图。\n---\n\n"
        "一则很短的消息，配一张图。正文只有几行字，刚好铺满照片旁边的两栏，每栏两三行，不留空栏。\n", encoding="utf-8")
    spec_path = project / "layout" / "seed-page-auto.yaml"
    original = spec_path.read_text(encoding="utf-8")
    names = ["dongfeng-media", "dongliao-police", "xianglu-street", "baimei-property", "xian-education"]
    for at in range(1, 4):
        order = names[:3][:at] + ["brief"] + names[:3][at:]
        spec_path.write_text(original.replace(f"articles: [{', '.join(names)}]", f"articles: [{', '.join(order)}]")
                             .replace("min_cols: 2", "min_cols: 4"), encoding="utf-8")  # wide modules
        spec, manifest, articles, _ = load_inputs(spec_path)
        arranged, _ = arrange(spec, articles, FaceSet(manifest))
        for entry in arranged.articles:
            if entry.photo is not None:
                assert entry.photo.cell.bottom <= entry.block.bottom, (order, entry.article, entry.block,
                                                                        entry.photo.cell)


def test_auto_never_spreads_a_short_item_over_empty_columns(tmp_path: Path, project: Path) -> None:
    """Issue 15.6: auto spread an 18-character note over a six-column module, its other columns
    empty and ruled. A short note among the profiles: read from the built page, every body column
    of every module auto made holds at least two lines (or the build says why it cannot)."""
    (project / "content" / "note.md").write_text(
        "---\ntitle: 短讯一则\n---\n\n本报讯 明日上午九时起，江城大道部分路段封闭施工。\n", encoding="utf-8")
    spec_path = project / "layout" / "seed-page-auto.yaml"
    text = spec_path.read_text(encoding="utf-8")
    names = "dongfeng-media, dongliao-police, xianglu-street, baimei-property, xian-education"
    assert names in text
    spec_path.write_text(text.replace(names, names + ", note").replace("min_cols: 2", "min_cols: 3"),
                         encoding="utf-8")
    try:
        result = build_page(spec_path, tmp_path, allow_overset=True)
    except InputError as e:
        assert "note" in str(e), e
        return
    page = result.page
    for frame in (f for f in page.frames if f.kind == "body"):
        lines = [l for l in page.lines if l.article == frame.article and l.role == "body"
                 and frame.x - 0.5 <= l.x <= frame.x + frame.width and frame.y <= l.baseline <= frame.y + frame.height + 1]
        assert len(lines) >= 2, (frame.article, frame)


def test_fitting_never_grows_a_photo_under_the_resolution_print_needs(tmp_path: Path, project: Path) -> None:
    """Issue 15.8: fitting grew a photo past its pixels. A landscape picture just deep enough for its
    cell as written (205 ppi, filled): a deeper cell would crop it to under 200 ppi, so fitting
    must close the module some other way (or leave the white). xian-education: fitting deepens its
    photo a line (dongliao-police's, which it deepened before, is now fitted by its headline: a
    paragraph's last line was left alone at a column's head)."""
    from PIL import Image as PILImage

    spec = project / "layout" / "seed-page.yaml"
    first = build_page(spec, tmp_path / "a")
    fitted = next(w for w in first.warnings if w.kind == "fitted" and "xian-education" in w.message)
    assert "photo +1 line" in fitted.message  # what fitting does with the shipped photo
    written = next(i for i in build_page(spec, tmp_path / "b", ).page.images if i.article == "xian-education")
    # the frame of the cell as written is one line shallower than the fitted one
    frame_h = written.height - 13.5
    height_px = round(205 * frame_h / 72)
    PILImage.new("RGB", (3 * height_px, height_px), (90, 120, 150)).save(
        project / "content" / "photos" / "xian-education.jpg")
    result = build_page(spec, tmp_path / "c")
    notes = [w.message for w in result.warnings if w.kind == "fitted" and "xian-education" in w.message]
    assert not any("photo +" in n for n in notes), notes
    assert not [w for w in result.warnings if w.kind == "low-resolution"], result.warnings


@pytest.mark.parametrize("layout", ["seed-page.yaml", "seed-page-alt.yaml", "wedged", "wedged-unfitted"])
def test_no_single_body_line_wedged_beside_a_photo(tmp_path: Path, project: Path, layout: str) -> None:
    """Issue 15.8: fitting left one body line above or below a photo in its columns; the eye skips
    it. Read from the built page: in the photo's columns, between the headline (or the block's
    top) and the photo, and between the caption and the block's foot, never exactly one line.
    "wedged": the seed page with a photo cell one line lower than the headline and standoff need:
    fitting moves the cell. "wedged-unfitted": the same with no fit bounds: said, with its place."""
    spec = LAYOUT / layout
    if layout.startswith("wedged"):
        spec = project / "layout" / "seed-page.yaml"
        fit = "\n    fit: {photo_lines: [-2, 2], headline_lines: [0, 2]}"
        text = spec.read_text(encoding="utf-8").replace(
            "photo: {col: 3, cols: 2, line: 6, lines: 13}      # ▲ photo above its caption" + fit,
            "photo: {col: 3, cols: 2, line: 8, lines: 13}" + ("" if layout == "wedged-unfitted" else fit), 1)
        assert "line: 8, lines: 13}" in text
        spec.write_text(text, encoding="utf-8")
    result = build_page(spec, tmp_path, allow_overset=layout == "wedged-unfitted")
    page = result.page
    warned = {w.message.split("'")[1] for w in result.warnings if "wedged" in w.message}
    if layout == "wedged-unfitted":
        assert warned == {"dongfeng-media"}, result.warnings
        # the cell is a line low: the single line is above it, and the warning says so
        assert any("wedged above its photo" in w.message for w in result.warnings), result.warnings
    elif layout == "wedged":
        notes = [w.message for w in result.warnings if w.kind == "fitted" and "dongfeng-media" in w.message]
        assert warned == set() and any("photo moved" in n for n in notes), (notes, result.warnings)
    for photo in (f for f in page.frames if f.kind == "photo" and f.article not in warned):
        art = photo.article
        block = next(f for f in page.frames if f.article == art and f.kind == "block")
        head = next((f for f in page.frames if f.article == art and f.kind == "headline"), None)
        caption = next((f for f in page.frames if f.article == art and f.kind == "caption"), None)
        cell_top = min(photo.y, caption.y if caption else photo.y)
        cell_bottom = max(photo.y + photo.height, caption.y + caption.height if caption else 0.0)
        top = head.y + head.height if head and head.x < photo.x + photo.width and photo.x < head.x + head.width \
            else block.y
        body = [l for l in page.lines if l.article == art and l.role == "body"
                and photo.x - 0.5 <= l.x <= photo.x + photo.width - 1]
        above = [l for l in body if top <= l.baseline <= cell_top]
        below = [l for l in body if cell_bottom <= l.baseline <= block.y + block.height]
        assert len(above) != 1 and len(below) != 1, (art, [l.text for l in above], [l.text for l in below])
