"""What a font file named in fonts/manifest.yaml holds, read from its headers alone (OpenType spec,
"Organization of an OpenType Font" and "Font Collections"; Adobe TN #5176 for the CFF's Top DICT):
whether it is a font at all, its faces' names, and whether a face's outlines are of a kind the
engine can embed. A few kilobytes are read of a file of 20 MB, so the manifest's loader asks it
of every face at every build, and `fonts` refuses what `build` would refuse, at the same line.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from pagesetter.fonts.sfnt import name_record
from pagesetter.records import record

# The sfnt versions a font file begins with (OpenType spec, "Table Directory"; Apple's 'true'):
# what each is, as a message says it.
SFNT_VERSIONS: dict[bytes, str] = {
    b"\x00\x01\x00\x00": "TrueType",
    b"true": "TrueType",
    b"OTTO": "OpenType/CFF",
}
COLLECTION = b"ttcf"

# A CFF's header, Name INDEX and Top DICT INDEX come first and take some hundred bytes: this much
# of the table is read to tell a CID-keyed font (its Top DICT has ROS) from a name-keyed one.
CFF_HEAD_BYTES = 64 * 1024

class FontFileError(ValueError):
    """The file is no font, or its table directory is cut short: the message says which."""


@record(frozen=True)
class FaceEntry:
    index: int  # the face's number in its file (0 for a single font)
    family: str  # name ID 1 ("Noto Serif CJK SC")
    postscript: str  # name ID 6 ("NotoSerifCJKsc-Regular"); "" when the face has none
    tables: tuple[tuple[str, int, int], ...]  # (tag, offset from the file's start, length)

    def table(self, tag: str) -> tuple[int, int] | None:
        return next(((offset, length) for t, offset, length in self.tables if t == tag), None)

    @property
    def label(self) -> str:
        """"NotoSerifCJKsc-Regular (Noto Serif CJK SC)", as a message names the face."""
        name = self.postscript or self.family or "no name"
        return f"{name} ({self.family})" if self.family and self.family != name else name

    @property
    def simplified_chinese(self) -> bool:
        """The SC cut of a CJK collection, by its family name (Noto's and Source Han's say " SC")."""
        return self.family.endswith(" SC") or " SC " in self.family


def read_faces(fh: BinaryIO) -> tuple[FaceEntry, ...]:
    """Every face of the font file open in ``fh``, in its order; FontFileError when it is no font."""
    head = _read(fh, 0, 12)
    if head[:4] == COLLECTION:
        if len(head) < 12:
            raise FontFileError("a font collection cut short")
        count, = struct.unpack_from(">I", head, 8)
        offsets = struct.unpack(f">{count}I", _read(fh, 12, 4 * count, exact=True))
    elif head[:4] in SFNT_VERSIONS:
        offsets = (0,)
    else:
        raise FontFileError("not a font file (no OpenType or TrueType header)")
    return tuple(_face(fh, i, offset) for i, offset in enumerate(offsets))


def _face(fh: BinaryIO, index: int, at: int) -> FaceEntry:
    directory = _read(fh, at, 12, exact=True)
    if directory[:4] not in SFNT_VERSIONS:
        raise FontFileError(f"face {index} has no OpenType or TrueType header")
    count, = struct.unpack_from(">H", directory, 4)
    records = _read(fh, at + 12, 16 * count, exact=True)
    tables = tuple((records[i:i + 4].decode("latin-1"), *struct.unpack_from(">II", records, i + 8))
                   for i in range(0, 16 * count, 16))
    entry = FaceEntry(index, "", "", tables)  # type: ignore[arg-type]
    name = entry.table("name")
    names = _read(fh, name[0], name[1]) if name else b""
    return FaceEntry(index, name_record(names, 1), name_record(names, 6), entry.tables)


def face_outlines(fh: BinaryIO, face: FaceEntry) -> str:
    """What outlines the face has, as the embedding takes them (fonts/subset.py _kind and
    _cff_cids): "truetype", "cff" (CID-keyed), "name-keyed cff", "unreadable cff", "cff2", or "none"."""
    cff = face.table("CFF ")
    if cff:
        data = _read(fh, cff[0], min(cff[1], CFF_HEAD_BYTES))
        keyed = _cid_keyed(data)
        return "unreadable cff" if keyed is None else "cff" if keyed else "name-keyed cff"
    if face.table("glyf"):
        return "truetype"
    if face.table("CFF2"):
        return "cff2"
    return "none"


def _cid_keyed(cff: bytes) -> bool | None:
    """Has the CFF's first Top DICT the ROS operator (12 30), which makes it a CIDFont (TN #5176 §18)?"""
    from pagesetter.fonts.sfnt import _dict, _index

    try:
        _, after_names = _index(cff, cff[2])
        top_dicts, _ = _index(cff, after_names)
        return bool(top_dicts) and (12, 30) in _dict(top_dicts[0])
    except (ValueError, IndexError, struct.error):
        return None  # its header or Top DICT cut short: no font to embed either


def _read(fh: BinaryIO, at: int, size: int, exact: bool = False) -> bytes:
    fh.seek(at)
    data = fh.read(size)
    if exact and len(data) < size:
        raise FontFileError("a font file cut short (its table directory runs past its end)")
    return data
