"""CID-keyed Type0 fonts (Identity-H, ToUnicode) through reportlab's PDF object layer.

One font object per face, CFF and TrueType alike (ISO 32000-1 §9.7): the Type0
dictionary, its CIDFont (CIDFontType0 with FontFile3 /CIDFontType0C, or
CIDFontType2 with FontFile2 and /CIDToGIDMap /Identity), the FontDescriptor and
the ToUnicode CMap (§9.10.3) that makes text extractable. PDF 1.3 features only,
so the same objects serve PDF/X-1a.
"""

from __future__ import annotations

import struct
from typing import Sequence

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from pagesetter.fonts.subset import EmbeddedFont


class FontlessCanvas(Canvas):
    """A reportlab Canvas that never registers a standard font.

    Canvas's preamble sets an initial font (Helvetica by default), which puts an
    unembedded font into every PDF, and reportlab's own text calls would add more.
    All our text goes in through add_type0_font and addLiteral, so the preamble keeps
    only its coordinate and colour setup and reportlab's text calls are refused.
    """

    def _make_preamble(self) -> None:
        code = ["1 0 0 1 0 0 cm" if self.bottomup else f"1 0 0 -1 0 {fp_str(self._pagesize[1])} cm"]
        start = len(self._code)
        if self._fillColorObj != (0, 0, 0):  # as reportlab does: an initial colour other than black
            self.setFillColor(self._fillColorObj)
        if self._strokeColorObj != (0, 0, 0):
            self.setStrokeColor(self._strokeColorObj)
        code += self._code[start:]
        del self._code[start:]
        self._preamble = " ".join(code)

    # reportlab's text calls (setFont, drawString, text objects) would register a standard font.
    def setFont(self, psfontname: str, size: float, leading: float | None = None) -> None:
        raise _no_standard_fonts()

    def setFontSize(self, size: float | None = None, leading: float | None = None) -> None:
        raise _no_standard_fonts()

    def beginText(self, x: float = 0, y: float = 0, direction: object = None) -> None:  # type: ignore[override]
        raise _no_standard_fonts()


def _no_standard_fonts() -> TypeError:
    return TypeError("FontlessCanvas draws no standard-font text; embed the face with add_type0_font "
                     "and write the text operators with addLiteral")


def encode_codes(codes: Sequence[int]) -> str:
    """Codes as a hex string operand for Tj/TJ: two bytes each under Identity-H."""
    try:
        packed = struct.pack(f">{len(codes)}H", *codes)  # one C call for the run, not a format per code
    except struct.error:
        bad = next(c for c in codes if not 0 <= c <= 0xFFFF)
        raise ValueError(f"code {bad} does not fit in two bytes") from None
    return "<" + packed.hex().upper() + ">"


def add_type0_font(doc: pdfdoc.PDFDocument, internal_name: str, key: str, font: EmbeddedFont,
                   flate: object = pdfdoc.PDFZCompress, to_unicode_bytes: bytes | None = None,
                   widths: bytes | None = None) -> None:
    """Register the font's objects with ``doc``; every page lists it in /Font as ``/internal_name``.
    ``flate``: the Flate filter its streams are written with (a session's keeps them compressed,
    render/pdf.py); ``to_unicode_bytes``: the ToUnicode CMap, ``widths``: the /W array written
    out (widths_pdf), when already made."""
    fonts = doc.idToObject[pdfdoc.BasicFonts].dict  # reportlab shares this /Font dictionary among all pages
    if internal_name in fonts or key in doc.fontMapping:
        raise ValueError(f"font {internal_name!r} or key {key!r} is already in the document")
    cid_font = _cid_font_dict(font, doc.Reference(_descriptor(doc, internal_name, font, flate),
                                                  f"{internal_name}.FontDescriptor"),
                              widths if widths is not None else pdfdoc.PDFArray(widths_array(font.widths)))
    if to_unicode_bytes is None:
        to_unicode_bytes = to_unicode_cmap(font.to_unicode).encode("ascii")
    to_unicode = pdfdoc.PDFStream(content=to_unicode_bytes, filters=[flate])
    type0 = pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("Font"),
        "Subtype": pdfdoc.PDFName("Type0"),
        "BaseFont": pdfdoc.PDFName(font.base_font),
        "Encoding": pdfdoc.PDFName("Identity-H"),
        "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cid_font, f"{internal_name}.CIDFont")]),
        "ToUnicode": doc.Reference(to_unicode, f"{internal_name}.ToUnicode"),
    })
    fonts[internal_name] = doc.Reference(type0, internal_name)
    # reportlab's own convention ('/F1'); also keeps its next internal name (F<n+1>) from clashing.
    doc.fontMapping[key] = "/" + internal_name


def _descriptor(doc: pdfdoc.PDFDocument, internal_name: str, font: EmbeddedFont,
                flate: object = pdfdoc.PDFZCompress) -> pdfdoc.PDFDictionary:
    program = pdfdoc.PDFStream(content=font.program, filters=[flate])
    if font.kind == "cff":
        program.dictionary["Subtype"] = pdfdoc.PDFName("CIDFontType0C")  # bare CFF: PDF 1.3, not /OpenType
    else:
        program.dictionary["Length1"] = len(font.program)  # length before Flate (§9.9)
    d = font.descriptor
    return pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("FontDescriptor"),
        "FontName": pdfdoc.PDFName(font.base_font),
        "Flags": d.flags,
        "FontBBox": pdfdoc.PDFArray(list(d.bbox)),
        "ItalicAngle": d.italic_angle,
        "Ascent": d.ascent,
        "Descent": d.descent,
        "CapHeight": d.cap_height,
        "StemV": d.stem_v,
        ("FontFile3" if font.kind == "cff" else "FontFile2"): doc.Reference(program, f"{internal_name}.FontFile"),
    })


def widths_pdf(doc: pdfdoc.PDFDocument, font: EmbeddedFont) -> bytes:
    """The /W array as reportlab writes it (bytes are written as they are)."""
    return pdfdoc.PDFArray(widths_array(font.widths)).format(doc)


def _cid_font_dict(font: EmbeddedFont, descriptor: pdfdoc.PDFObjectReference, widths: object
                   ) -> pdfdoc.PDFDictionary:
    cid_font = pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("Font"),
        "Subtype": pdfdoc.PDFName("CIDFontType0" if font.kind == "cff" else "CIDFontType2"),
        "BaseFont": pdfdoc.PDFName(font.base_font),
        "CIDSystemInfo": pdfdoc.PDFDictionary({
            "Registry": pdfdoc.PDFString(font.registry),
            "Ordering": pdfdoc.PDFString(font.ordering),
            "Supplement": font.supplement,
        }),
        "FontDescriptor": descriptor,
        "DW": DEFAULT_WIDTH,
        "W": widths,
    })
    if font.kind == "truetype":
        cid_font["CIDToGIDMap"] = pdfdoc.PDFName("Identity")
    return cid_font


DEFAULT_WIDTH = 1000  # /DW: the full-width em of CJK glyphs, so most Han glyphs need no /W entry
MIN_RANGE = 3  # a run of equal widths this long is written "first last w" rather than listed


def widths_array(widths: dict[int, int]) -> list[object]:
    """Compact /W (§9.7.4.3): "c [w1 w2 …]" for consecutive codes, "c_first c_last w" for runs of
    one width; codes at /DW are left out."""
    out: list[object] = []
    for run in _consecutive_runs(sorted(c for c, w in widths.items() if w != DEFAULT_WIDTH)):
        listed: list[int] = []
        i = 0
        while i < len(run):
            j = i
            while j + 1 < len(run) and widths[run[j + 1]] == widths[run[i]]:
                j += 1
            if j - i + 1 >= MIN_RANGE:
                if listed:
                    out += [run[i] - len(listed), pdfdoc.PDFArray(listed)]
                    listed = []
                out += [run[i], run[j], widths[run[i]]]
            else:
                listed += [widths[c] for c in run[i:j + 1]]
            i = j + 1
        if listed:
            out += [run[-1] - len(listed) + 1, pdfdoc.PDFArray(listed)]
    return out


def _consecutive_runs(codes: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for c in codes:
        if runs and c == runs[-1][-1] + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


BFCHAR_CHUNK = 100  # entries per beginbfchar block (Adobe TN 5411 limit)


def to_unicode_cmap(mapping: dict[int, str]) -> str:
    """A ToUnicode CMap (Adobe TN 5411/5014 syntax) mapping 2-byte codes to UTF-16BE text
    (surrogate pairs for characters outside the BMP)."""
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
    items = sorted((code, text) for code, text in mapping.items() if text)
    for i in range(0, len(items), BFCHAR_CHUNK):
        chunk = items[i:i + BFCHAR_CHUNK]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{code:04X}> <{text.encode('utf-16-be').hex().upper()}>" for code, text in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines) + "\n"
