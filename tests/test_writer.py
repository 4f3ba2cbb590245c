"""The page's PDF as render/writer.py writes it, read back: every cross-reference offset points
at its object, the content stream (compressed article by article and joined) inflates whole, the
Info strings read back as written, and every object is reportlab's formatting of it."""

from __future__ import annotations

import random
import re
import zlib

import pikepdf
from reportlab.pdfbase import pdfdoc

from pagesetter.render.writer import PdfWriter, deflate_part, deflated, dictionary, ref, stream


def test_xref_offsets_point_at_their_objects(seed_build) -> None:
    data = seed_build.pdf_path.read_bytes()
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))
    assert data[start:start + 5] == b"xref\n"
    head = re.match(rb"xref\n0 (\d+)\n", data[start:])
    count = int(head.group(1))
    rows = data[start + head.end():].split(b"\n")[:count]
    assert rows[0] == b"0000000000 65535 f "
    for num, row in enumerate(rows[1:], 1):
        offset = int(row[:10])
        assert data[offset:].startswith(b"%d 0 obj\n" % num), f"object {num}: xref offset {offset} is off"
    assert re.search(rb"/Size %d " % count, data[start:])


def test_content_stream_inflates_whole_and_reads_back(seed_build) -> None:
    with pikepdf.open(seed_build.pdf_path) as pdf:
        page = pdf.pages[0]
        raw = page.Contents.read_raw_bytes()
        text = zlib.decompress(raw)  # one zlib stream, its Adler-32 checked
        assert text == page.Contents.read_bytes()
        assert text.startswith(b"1 0 0 1 0 0 cm\n") and b" TJ" in text
        assert raw.count(b"\x00\x00\xff\xff") >= len(seed_build.articles)  # a full flush after each part
        assert str(pdf.docinfo["/Title"]) == next(a.title for a in seed_build.articles.values() if a.title)
        assert str(pdf.docinfo["/Producer"]).startswith("pagesetter ")


def test_parts_deflated_apart_join_into_one_stream() -> None:
    rng = random.Random(7)
    parts = [bytes(rng.choice(b"0123456789 TJ<>[]\n") for _ in range(rng.randrange(0, 5000))) for _ in range(6)]
    joined = deflated([deflate_part(p) for p in parts], parts)
    assert zlib.decompress(joined) == b"".join(parts)


def test_objects_are_reportlabs_formatting() -> None:
    """The writer's objects are the bytes reportlab's own document writes for the same objects
    (references resolved to the numbers named)."""
    doc = pdfdoc.PDFDocument(invariant=1)
    entries = {"Type": pdfdoc.PDFName("Font"), "W": pdfdoc.PDFArray([1, 2.5, pdfdoc.PDFArray([600, 700])]),
               "Title": pdfdoc.PDFString("报眉 (a)")}
    assert dictionary(entries) == pdfdoc.PDFDictionary(entries).format(doc)
    data = b"\x00binary)("
    made = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFName("DCTDecode")}), content=data)
    assert stream({"Filter": pdfdoc.PDFName("DCTDecode")}, data) == made.format(doc)
    assert dictionary({"Parent": ref(12)}).split() == [b"<<", b"/Parent", b"12", b"0", b"R", b">>"]


def test_a_small_file_opens_clean(tmp_path) -> None:
    w = PdfWriter()
    catalog, pages, page, info = w.reserve(), w.reserve(), w.reserve(), w.reserve()
    w.put(catalog, b"<< /Type /Catalog /Pages 2 0 R >>")
    w.put(pages, b"<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>")
    w.put(page, b"<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 100 100 ] >>")
    w.put(info, dictionary({"Title": pdfdoc.PDFString("报眉 (test) \\ done"), "Author": pdfdoc.PDFString("a(b)c")}))
    path = tmp_path / "small.pdf"
    path.write_bytes(w.file((1, 3), catalog, info, b"[<00><00>]"))
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
        assert str(pdf.docinfo["/Title"]) == "报眉 (test) \\ done"
        assert str(pdf.docinfo["/Author"]) == "a(b)c"


def test_every_object_of_the_page_is_formatted_by_reportlab(seed_build) -> None:
    """Each object of a built page is in reportlab's layout: a dictionary opens ``<<`` and a line
    break (reportlab's PDFDictionary), an array ``[ `` (PDFArray), a stream ends its data with
    ``endstream`` and a line break (PDFStream)."""
    data = seed_build.pdf_path.read_bytes()
    bodies = re.findall(rb"\n(\d+) 0 obj\n(.*?)endobj\n", data, re.S)
    assert len(bodies) > 20
    for num, body in bodies:
        assert body.startswith((b"<<\n/", b"[ ")), f"object {int(num)}: {body[:20]!r}"
        if b"\nstream\n" in body[:400]:
            assert body.endswith(b"endstream\n"), f"object {int(num)}"
