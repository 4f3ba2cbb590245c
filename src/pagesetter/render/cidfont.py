"""CID-keyed Type0 fonts (Identity-H, ToUnicode), their objects written by reportlab's PDF object
layer (render/writer.py).

One font object per face, CFF and TrueType alike (ISO 32000-1 §9.7): the Type0
dictionary, its CIDFont (CIDFontType0 with FontFile3 /CIDFontType0C, or
CIDFontType2 with FontFile2 and a /CIDToGIDMap stream from the face's glyph ids, the codes, to
the subset's: fonts/subset.py), the FontDescriptor and
the ToUnicode CMap (§9.10.3) that makes text extractable. PDF 1.3 features only,
so the same objects serve PDF/X-1a.
"""

from __future__ import annotations

import functools
import struct
import zlib
from typing import Callable, Sequence

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString

from pagesetter.fonts.sfnt import cff_charstring_starts, cff_cids
from pagesetter.fonts.subset import EmbeddedFont
from pagesetter.render.writer import WINDOW, deflate_after, dictionary, joined_stream, ref, stream

FLATE = PDFName("FlateDecode")
FONT_OBJECTS = 5  # Type0, CIDFont, ToUnicode, FontDescriptor, font program; and a TrueType's CIDToGIDMap


def font_object_count(font: EmbeddedFont) -> int:
    """How many objects font_objects writes for the font."""
    return FONT_OBJECTS if font.kind == "cff" else FONT_OBJECTS + 1


def encode_codes(codes: Sequence[int]) -> str:
    """Codes as a hex string operand for Tj/TJ: two bytes each under Identity-H."""
    try:
        packed = struct.pack(f">{len(codes)}H", *codes)  # one C call for the run, not a format per code
    except struct.error:
        bad = next(c for c in codes if not 0 <= c <= 0xFFFF)
        raise ValueError(f"code {bad} does not fit in two bytes") from None
    return "<" + packed.hex().upper() + ">"


def font_objects(font: EmbeddedFont, first: int, flated: Callable[[bytes], bytes],
                 flated_program: bytes | None = None) -> tuple[bytes, ...]:
    """The font's objects written, numbered from ``first``: the Type0 font (the page lists it in
    /Font), its CIDFont, ToUnicode CMap, FontDescriptor and font program, and a TrueType font's
    /CIDToGIDMap stream (font_object_count). ``flated``: the
    CMap Flate-compressed (a session keeps what it compressed); ``flated_program``: flate_program
    of the font when it was compressed already (in a photo thread, or kept: render/pdf.py)."""
    type0, cid, to_unicode, descriptor, program = range(first, first + FONT_OBJECTS)
    program_entries: dict[str, object] = {"Filter": FLATE}
    if font.kind == "cff":
        program_entries["Subtype"] = PDFName("CIDFontType0C")  # bare CFF: PDF 1.3, not /OpenType
    else:
        program_entries["Length1"] = len(font.program)  # length before Flate (§9.9)
    d = font.descriptor
    cid_entries: dict[str, object] = {
        "Type": PDFName("Font"), "Subtype": PDFName("CIDFontType0" if font.kind == "cff" else "CIDFontType2"),
        "BaseFont": PDFName(font.base_font),
        "CIDSystemInfo": PDFDictionary({"Registry": PDFString(font.registry), "Ordering": PDFString(font.ordering),
                                        "Supplement": font.supplement}),
        "FontDescriptor": ref(descriptor), "DW": DEFAULT_WIDTH, "W": PDFArray(widths_array(font.widths))}
    gid_map = first + FONT_OBJECTS
    if font.kind == "truetype":
        cid_entries["CIDToGIDMap"] = ref(gid_map)
    written = (
        dictionary({"Type": PDFName("Font"), "Subtype": PDFName("Type0"), "BaseFont": PDFName(font.base_font),
                    "Encoding": PDFName("Identity-H"), "DescendantFonts": PDFArray([ref(cid)]),
                    "ToUnicode": ref(to_unicode)}),
        dictionary(cid_entries),
        stream({"Filter": FLATE}, flated(to_unicode_cmap(font.to_unicode).encode("ascii"))),
        dictionary({"Type": PDFName("FontDescriptor"), "FontName": PDFName(font.base_font), "Flags": d.flags,
                    "FontBBox": PDFArray(list(d.bbox)), "ItalicAngle": d.italic_angle, "Ascent": d.ascent,
                    "Descent": d.descent, "CapHeight": d.cap_height, "StemV": d.stem_v,
                    ("FontFile3" if font.kind == "cff" else "FontFile2"): ref(program)}),
        stream(program_entries, flate_program(font) if flated_program is None else flated_program),
    )
    if font.kind == "truetype":
        written += (stream({"Filter": FLATE}, flated(cid_to_gid_map(font.program_gids))),)
    return written


def cid_to_gid_map(program_gids: dict[int, int]) -> bytes:
    """A /CIDToGIDMap stream's data (§9.7.4.2): for each CID from 0 to the highest, the glyph id in
    the program, two bytes; 0 (.notdef) for a CID no glyph has."""
    out = bytearray(2 * (max(program_gids, default=0) + 1))
    for cid, gid in program_gids.items():
        struct.pack_into(">H", out, 2 * cid, gid)
    return bytes(out)


# A CFF program is compressed in parts (writer.deflate_after), cut where the glyphs' CIDs enter
# another block of CID_BLOCK: a glyph new to the page (an edit's) changes the table's head
# (charset, FDSelect, the CharStrings offsets), its own block's part and the parts within
# deflate's window after it, and a session compresses again only those (session.py). Each part
# refers back into the charstrings before it, so the whole is as small as zlib.compress makes it
# (the seed page's body face, 962 glyphs: 14 parts, +0.04 %; blocks of 2048 CIDs +0.3 %, and cut
# with no reference back, +2.4 %). A program under PARTS_MIN is compressed whole, as it always was:
# cut, a small program loses some 7 % (each part's own Huffman tables), and it costs under a
# millisecond to compress again. So is a TrueType program.
CID_BLOCK = 4096
PARTS_MIN = 64 * 1024


def program_cuts(font: EmbeddedFont) -> list[int]:
    """Where flate_program cuts the font's program: 0, where the charstrings start, each first
    glyph of a CID_BLOCK, the end. [0, end] for a program compressed whole."""
    program = font.program
    if font.kind != "cff" or len(program) < PARTS_MIN:
        return [0, len(program)]
    starts = cff_charstring_starts(program)
    _, cids = cff_cids(program)
    if len(starts) < 2 or cids is None or len(cids) != len(starts) - 1:
        return [0, len(program)]  # not a CID-keyed CFF as a subset makes it (fonts/subset.py refuses those)
    cuts = [0, starts[0]]
    cuts += [starts[g] for g in range(1, len(cids)) if cids[g] // CID_BLOCK != cids[g - 1] // CID_BLOCK]
    cuts.append(len(program))
    return sorted(set(cuts))


Deflater = Callable[[bytes, bytes], bytes]  # writer.deflate_after's signature: (data, the bytes before it)


def flate_program(font: EmbeddedFont, deflate: Deflater = deflate_after) -> bytes:
    """The font program Flate-compressed (a zlib stream, as zlib.compress writes it, cut in parts
    for a CFF: program_cuts). ``deflate``: writer.deflate_after, or a session's that keeps each
    part by its bytes and those before it (render/pdf.py)."""
    program = font.program
    cuts = program_cuts(font)
    if len(cuts) <= 2:
        return zlib.compress(program)
    head_end = cuts[1]  # the table's head is no history for the charstrings: it changes with every glyph
    parts = [deflate(program[a:b], program[max(head_end, a - WINDOW):a] if a > head_end else b"")
             for a, b in zip(cuts, cuts[1:])]
    return joined_stream(parts, program)


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
                    out += [run[i] - len(listed), PDFArray(listed)]
                    listed = []
                out += [run[i], run[j], widths[run[i]]]
            else:
                listed += [widths[c] for c in run[i:j + 1]]
            i = j + 1
        if listed:
            out += [run[-1] - len(listed) + 1, PDFArray(listed)]
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
        lines += [f"<{code:04X}> <{_utf16_hex(text)}>" for code, text in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines) + "\n"


# A text's UTF-16BE in hex capitals, kept per text: a page's CMaps map a few thousand glyphs to
# texts its other pages' CMaps map too (the same characters, in other subsets).
@functools.lru_cache(maxsize=65536)
def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()
