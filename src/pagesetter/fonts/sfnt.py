"""The few values a PDF font needs, read straight from the font's tables (OpenType spec, "head",
"OS/2", "post", "name"; Adobe TN #5176, the CFF format), without fontTools: a build that subsets
its fonts with HarfBuzz then never loads fontTools' fifty modules (0.1 s of a cold build).

fontTools stays the reference: tests/test_embedding.py checks every value here against it.
"""

from __future__ import annotations

import struct

from pagesetter.records import record

# name records taken for English, as fontTools' getDebugName takes them: (platform, language).
ENGLISH = ((1, 0), (3, 0x409))


@record(frozen=True)
class FaceTables:
    units_per_em: int
    font_revision: float  # head.fontRevision, 16.16 fixed
    checksum_adjustment: int
    bbox: tuple[int, int, int, int]  # head xMin, yMin, xMax, yMax (font units)
    typo_ascender: int
    typo_descender: int
    cap_height: int  # 0 when OS/2 is older than version 2
    weight_class: int
    italic_angle: float
    postscript_name: str  # name ID 6 ("" when absent)
    family_name: str  # name ID 1


def read_tables(table: "callable[[str], bytes]") -> FaceTables:  # type: ignore[valid-type]
    """``table(tag)`` gives a table's bytes (b"" when the face has none)."""
    head, os2, post = table("head"), table("OS/2"), table("post")
    if len(head) < 54:
        raise ValueError("no usable head table")
    revision, checksum = struct.unpack_from(">iI", head, 4)
    units = struct.unpack_from(">H", head, 18)[0]
    bbox = struct.unpack_from(">hhhh", head, 36)
    if len(os2) >= 72:
        version, = struct.unpack_from(">H", os2, 0)
        weight, = struct.unpack_from(">H", os2, 4)
        ascender, descender = struct.unpack_from(">hh", os2, 68)
        cap = struct.unpack_from(">h", os2, 88)[0] if version >= 2 and len(os2) >= 90 else 0
    else:
        weight, ascender, descender, cap = 400, 880 * units // 1000, -120 * units // 1000, 0
    italic = struct.unpack_from(">i", post, 4)[0] / 65536 if len(post) >= 8 else 0.0
    names = table("name")
    return FaceTables(units, revision / 65536, checksum, bbox, ascender, descender, cap, weight, italic,
                      name_record(names, 6), name_record(names, 1))


def name_record(name: bytes, name_id: int) -> str:
    """The string of ``name_id`` as fontTools' getDebugName gives it: the first English record in
    table order, else the first record that decodes, else ""."""
    if len(name) < 6:
        return ""
    _, count, string_offset = struct.unpack_from(">HHH", name, 0)
    some = ""
    for i in range(count):
        at = 6 + 12 * i
        if at + 12 > len(name):
            break
        platform, encoding, language, nid, length, offset = struct.unpack_from(">HHHHHH", name, at)
        if nid != name_id:
            continue
        text = _decode(name[string_offset + offset:string_offset + offset + length], platform, encoding)
        if text is None:
            continue
        if (platform, language) in ENGLISH:
            return text
        some = some or text
    return some


def _decode(raw: bytes, platform: int, encoding: int) -> str | None:
    if platform in (0, 3):
        return raw.decode("utf-16-be", "replace")
    if platform == 1 and encoding == 0:
        return raw.decode("mac_roman", "replace")
    return None


# --- CFF ------------------------------------------------------------------------------------------

def cff_identity_cids(cff: bytes) -> tuple[bool, bool]:
    """(CID-keyed, CID == glyph id for every glyph) of a CFF table (TN #5176 §5–§13)."""
    cid_keyed, cids = cff_cids(cff)
    return cid_keyed, cids is not None and cids == list(range(len(cids)))


def cff_cids(cff: bytes) -> tuple[bool, list[int] | None]:
    """(CID-keyed, each glyph's CID by glyph id, glyph 0's being 0) of a CFF table (TN #5176
    §5–§13); None for a name-keyed CFF, or a CID-keyed one with a predefined charset (whose
    entries are no CIDs) and more than .notdef."""
    header_size = cff[2]
    _, after_names = _index(cff, header_size)
    top_dicts, _ = _index(cff, after_names)
    if not top_dicts:
        return False, None
    top = _dict(top_dicts[0])
    if (12, 30) not in top:  # ROS: a CIDFont
        return False, None
    charset = int(top.get((15,), [0])[0])
    charstrings = int(top.get((17,), [0])[0])
    glyphs = _index_count(cff, charstrings)
    if charset <= 2:  # a predefined (name-keyed) charset: its glyphs' SIDs are no CIDs
        return True, [0] if glyphs <= 1 else None
    return True, [0, *_charset_cids(cff, charset, glyphs)][:glyphs]


def cff_charstring_starts(cff: bytes) -> list[int]:
    """Where each glyph's charstring starts in the CFF table, by glyph id, and where the last one
    ends: the CharStrings INDEX's offsets (TN #5176 §5, §14), made positions in the table."""
    header_size = cff[2]
    _, after_names = _index(cff, header_size)
    top_dicts, _ = _index(cff, after_names)
    offsets, base = _index_offsets(cff, int(_dict(top_dicts[0]).get((17,), [0])[0]))
    return [base + o for o in offsets]


def cff_font_name(cff: bytes) -> str:
    """The name in a CFF's Name INDEX (one font per table in OpenType)."""
    names, _ = _index(cff, cff[2])
    return names[0].decode("latin-1") if names else ""


def with_cff_font_name(cff: bytes, name: str) -> bytes:
    """The CFF with its Name INDEX saying ``name``, when that is as long as the name it replaces
    (every offset in the table then stays valid); else the CFF as it was.

    A face taken from a collection keeps the collection's CFF, named for its first member
    (NotoSerifCJKjp-Regular inside NotoSerifCJKsc-Regular.otf): renamed, the embedded program says
    what the PDF's BaseFont says."""
    header_size = cff[2]
    count, = struct.unpack_from(">H", cff, header_size)
    old = cff_font_name(cff)
    new = name.encode("latin-1", "replace")
    if count != 1 or len(new) != len(old) or old == name:
        return cff
    off_size = cff[header_size + 2]
    start = header_size + 3 + 2 * off_size  # the data of the only name
    return cff[:start] + new + cff[start + len(new):]


def _index_count(data: bytes, at: int) -> int:
    """How many items the INDEX at ``at`` holds: ``len(_index(data, at)[0])`` without slicing
    them out (a subset's CharStrings INDEX has thousands); raises where _index raises."""
    count, = struct.unpack_from(">H", data, at)
    if count:
        data[at + 2]  # noqa: B018 the offset size, read as _index reads it (IndexError past the end)
    return count


def _index(data: bytes, at: int) -> tuple[list[bytes], int]:
    """The items of the INDEX at ``at``, and where the next structure starts."""
    offsets, base = _index_offsets(data, at)
    if not offsets:
        return [], at + 2
    return [data[base + offsets[i]:base + offsets[i + 1]] for i in range(len(offsets) - 1)], base + offsets[-1]


def _index_offsets(data: bytes, at: int) -> tuple[list[int], int]:
    """The offsets of the INDEX at ``at`` (count + 1 of them; none for an empty INDEX) and the
    position they count from, the byte before its data (TN #5176 §5). The usual sizes unpacked
    in one call: a CharStrings INDEX has thousands."""
    count, = struct.unpack_from(">H", data, at)
    if count == 0:
        return [], at + 2
    size = data[at + 2]
    table = data[at + 3:at + 3 + (count + 1) * size]
    if size == 1:
        offsets = list(table)
    elif size == 2:
        offsets = list(struct.unpack(f">{count + 1}H", table))
    elif size == 4:
        offsets = list(struct.unpack(f">{count + 1}I", table))
    else:
        offsets = [int.from_bytes(table[i:i + size], "big") for i in range(0, len(table), size)]
    return offsets, at + 3 + (count + 1) * size - 1


def _dict(data: bytes) -> dict[tuple[int, ...], list[float]]:
    """A DICT's operators (one byte, or 12 and a second byte) with their operands."""
    out: dict[tuple[int, ...], list[float]] = {}
    operands: list[float] = []
    i = 0
    while i < len(data):
        b0 = data[i]
        if b0 <= 21:
            op = (12, data[i + 1]) if b0 == 12 else (b0,)
            i += 2 if b0 == 12 else 1
            out[op] = operands
            operands = []
        elif b0 == 28:
            operands.append(struct.unpack_from(">h", data, i + 1)[0])
            i += 3
        elif b0 == 29:
            operands.append(struct.unpack_from(">i", data, i + 1)[0])
            i += 5
        elif b0 == 30:  # a real: nibbles up to an 0xf; its value is not needed here
            i += 1
            while i < len(data) and (data[i] & 0x0F) != 0x0F and (data[i] >> 4) != 0x0F:
                i += 1
            i += 1
            operands.append(0.0)
        elif 32 <= b0 <= 246:
            operands.append(b0 - 139)
            i += 1
        elif 247 <= b0 <= 250:
            operands.append((b0 - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif 251 <= b0 <= 254:
            operands.append(-(b0 - 251) * 256 - data[i + 1] - 108)
            i += 2
        else:
            raise ValueError(f"bad DICT byte {b0}")
    return out


def _charset_cids(data: bytes, at: int, glyphs: int) -> list[int]:
    """The CIDs of glyphs 1 … glyphs-1 (formats 0, 1 and 2)."""
    fmt = data[at]
    cids: list[int] = []
    i = at + 1
    if fmt == 0:
        cids = list(struct.unpack_from(f">{glyphs - 1}H", data, i))
    else:
        size = 1 if fmt == 1 else 2
        while len(cids) < glyphs - 1:
            first, = struct.unpack_from(">H", data, i)
            left = int.from_bytes(data[i + 2:i + 2 + size], "big")
            cids.extend(range(first, first + left + 1))
            i += 2 + size
    return cids[:glyphs - 1]
