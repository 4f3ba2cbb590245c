"""CID-keyed Type0 fonts (Identity-H, ToUnicode) through reportlab's PDF object layer.

One font object per face, CFF and TrueType alike (ISO 32000-1 §9.7): the
Type0 dictionary, its CIDFont (CIDFontType0 with FontFile3/CIDFontType0C, or
CIDFontType2 with FontFile2 and /CIDToGIDMap /Identity), the FontDescriptor and
the ToUnicode CMap (§9.10.3) that makes text extractable. PDF 1.3 features only,
so the same objects serve PDF/X-1a.
"""

from __future__ import annotations

from typing import Sequence

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from pagesetter.fonts.subset import EmbeddedFont


class FontlessCanvas(Canvas):
    """A reportlab Canvas that never registers a standard font.

    Canvas's preamble sets an initial font (Helvetica by default), which puts an
    unembedded font into every PDF. We draw all text ourselves, so the preamble
    keeps only its coordinate setup.
    """

    def _make_preamble(self) -> None:  # noqa: D401 - reportlab hook
        self._preamble = "1 0 0 1 0 0 cm" if self.bottomup else f"1 0 0 -1 0 {self._pagesize[1]:.2f} cm"


def encode_codes(codes: Sequence[int]) -> str:
    """Codes as a hex string operand for Tj/TJ: two bytes each under Identity-H."""
    return "<" + "".join(f"{c:04X}" for c in codes) + ">"


def add_type0_font(doc: pdfdoc.PDFDocument, internal_name: str, key: str, font: EmbeddedFont) -> None:
    """Register the font's objects with ``doc``; every page lists it in /Font as ``/internal_name``."""
    program = pdfdoc.PDFStream(content=font.program, filters=[pdfdoc.PDFZCompress])
    if font.kind == "cff":
        program.dictionary["Subtype"] = pdfdoc.PDFName("CIDFontType0C")
    else:
        program.dictionary["Length1"] = len(font.program)
    program_ref = doc.Reference(program, f"{internal_name}Program")

    descriptor = pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("FontDescriptor"),
        "FontName": pdfdoc.PDFName(font.base_font),
        "Flags": font.flags,
        "FontBBox": pdfdoc.PDFArray(list(font.bbox)),
        "ItalicAngle": font.italic_angle,
        "Ascent": font.ascent,
        "Descent": font.descent,
        "CapHeight": font.cap_height,
        "StemV": font.stem_v,
        ("FontFile3" if font.kind == "cff" else "FontFile2"): program_ref,
    })
    descriptor_ref = doc.Reference(descriptor, f"{internal_name}Descriptor")

    cid_font = pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("Font"),
        "Subtype": pdfdoc.PDFName("CIDFontType0" if font.kind == "cff" else "CIDFontType2"),
        "BaseFont": pdfdoc.PDFName(font.base_font),
        "CIDSystemInfo": pdfdoc.PDFDictionary({
            "Registry": pdfdoc.PDFString("Adobe"), "Ordering": pdfdoc.PDFString("Identity"), "Supplement": 0}),
        "FontDescriptor": descriptor_ref,
        "DW": 1000,
        "W": pdfdoc.PDFArray(_widths_array(font.widths)),
    })
    if font.kind == "truetype":
        cid_font.dict["CIDToGIDMap"] = pdfdoc.PDFName("Identity")
    cid_ref = doc.Reference(cid_font, f"{internal_name}CID")

    to_unicode = pdfdoc.PDFStream(content=to_unicode_cmap(font.to_unicode).encode("ascii"),
                                  filters=[pdfdoc.PDFZCompress])
    type0 = pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("Font"),
        "Subtype": pdfdoc.PDFName("Type0"),
        "BaseFont": pdfdoc.PDFName(font.base_font),
        "Encoding": pdfdoc.PDFName("Identity-H"),
        "DescendantFonts": pdfdoc.PDFArray([cid_ref]),
        "ToUnicode": doc.Reference(to_unicode, f"{internal_name}ToUnicode"),
    })
    ref = doc.Reference(type0, internal_name)
    # reportlab shares one font resource dictionary ("BasicFonts") among all pages.
    doc.idToObject[pdfdoc.BasicFonts].dict[internal_name] = ref
    doc.fontMapping[key] = internal_name


def _widths_array(widths: dict[int, int]) -> list:
    """/W as runs of consecutive codes: c [w1 w2 …] (§9.7.4.3); codes at the default 1000 are left out."""
    out: list = []
    run_start: int | None = None
    run: list[int] = []
    for code in sorted(widths):
        w = widths[code]
        if w == 1000:
            continue
        if run_start is not None and code == run_start + len(run):
            run.append(w)
            continue
        if run_start is not None:
            out += [run_start, pdfdoc.PDFArray(run)]
        run_start, run = code, [w]
    if run_start is not None:
        out += [run_start, pdfdoc.PDFArray(run)]
    return out


def to_unicode_cmap(mapping: dict[int, str]) -> str:
    """A ToUnicode CMap (Adobe TN 5411 syntax) mapping 2-byte codes to UTF-16BE text."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    items = sorted(mapping.items())
    for i in range(0, len(items), 100):  # at most 100 entries per block (TN 5411)
        chunk = items[i:i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{code:04X}> <{text.encode('utf-16-be').hex().upper()}>" for code, text in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines) + "\n"
