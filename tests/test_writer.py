"""The page's PDF as render/writer.py writes it, read back: every cross-reference offset points
at its object, the content stream (compressed article by article and joined) inflates whole, the
Info strings read back as written, and numbers are written as reportlab wrote them."""

from __future__ import annotations

import random
import re
import zlib

import pikepdf
from reportlab.lib.rl_accel import fp_str

from pagesetter.render.writer import PdfWriter, deflate_part, deflated, fp, pdf_dict, pdf_string


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


def test_numbers_as_reportlab_writes_them() -> None:
    rng = random.Random(21)
    values = [0, 1, -1, 0.5, -0.5, 0.25, 1e-8, -1e-8, 17.00787, 1213.2283, 1000.0, 99.9999999, 0.9999999]
    values += [rng.uniform(-3000, 3000) for _ in range(5000)] + [rng.uniform(-1, 1) for _ in range(2000)]
    assert [fp(v) for v in values] == [fp_str(v) for v in values]


def test_a_small_file_opens_clean(tmp_path) -> None:
    w = PdfWriter()
    catalog, pages, page, info = w.reserve(), w.reserve(), w.reserve(), w.reserve()
    w.put(catalog, b"<< /Type /Catalog /Pages 2 0 R >>")
    w.put(pages, b"<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>")
    w.put(page, b"<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 100 100 ] >>")
    w.put(info, pdf_dict({"Title": "报眉 (test) \\ done", "Author": "a(b)c"}))
    path = tmp_path / "small.pdf"
    path.write_bytes(w.file((1, 3), catalog, info, b"[<00><00>]"))
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
        assert str(pdf.docinfo["/Title"]) == "报眉 (test) \\ done"
        assert str(pdf.docinfo["/Author"]) == "a(b)c"
    assert pdf_string("a(b)") == b"(a\\(b\\))"
