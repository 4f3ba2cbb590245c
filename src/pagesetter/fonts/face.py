"""A font face for composing: HarfBuzz shaping and metrics from the very file we embed.

What is measured is what is printed: the glyph ids and advances the composer
uses come from the same file (and face index) that fonts/subset.py embeds.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, NamedTuple

from pagesetter.errors import InputError, Loc
from pagesetter.fonts.manifest import FaceInfo
from pagesetter.incremental import Memo
from pagesetter.records import record

if TYPE_CHECKING:
    import uharfbuzz as hb


class ShapedGlyph(NamedTuple):
    """A NamedTuple, not a frozen dataclass: one is made per shaped character, and a tuple built
    with tuple.__new__ costs a fraction of a frozen dataclass's __init__ (an object.__setattr__ a field)."""

    gid: int
    cluster: int  # index of the first character of its cluster in the shaped text
    advance: float  # in em (1.0 = the font size)
    x_offset: float  # in em
    y_offset: float  # in em


# ShapedGlyph(...) without NamedTuple's __new__, a Python function (as compose/lines.py's GlyphPos).
_shaped = tuple.__new__


@record
class Face:
    info: FaceInfo
    upem: int
    ascender: float  # em
    descender: float  # em (negative)
    _font: hb.Font = field(repr=False)
    # character -> glyph id, as asked: a page asks some 15 000 times for a thousand characters
    _cmap: dict[str, int] = field(default_factory=dict, repr=False)
    # glyph id -> nominal advance (em), as asked: every atom that may end a line asks (atoms._unkern)
    _advances: dict[int, float] = field(default_factory=dict, repr=False)
    # (glyph id, its class's blank side) -> the side a full-width mark's white stands by its ink, as
    # asked (compose/atoms.py blank_side): once per face and mark
    _blank_sides: dict[tuple[int, str], str] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> str:
        return self.info.key

    @classmethod
    def open(cls, info: FaceInfo) -> "Face":
        import uharfbuzz as hb  # here, not at the top: a build whose lines are all cached opens no face

        # from_file_path maps the file instead of reading 20 MB into Python.
        blob = hb.Blob.from_file_path(str(info.path))
        face = hb.Face(blob, info.index)
        if face.glyph_count == 0:  # HarfBuzz accepts anything; an empty face would print nothing
            raise InputError(Loc.of_file(info.path), f"not a usable font (face {info.index} has no glyphs); "
                             "expected an OpenType or TrueType file")
        font = hb.Font(face)
        upem = face.upem
        extents = font.get_font_extents("ltr")
        return cls(info, upem, extents.ascender / upem, extents.descender / upem, font)

    def glyph_for(self, char: str) -> int:
        """The nominal glyph of a character, 0 when the face lacks it."""
        gid = self._cmap.get(char)
        if gid is None:
            gid = self._cmap[char] = self._font.get_nominal_glyph(ord(char)) or 0
        return gid

    def lacking(self, text: str) -> frozenset[str]:
        """The characters of ``text`` this face has no glyph for (spaces never count): glyph_for
        over the distinct characters, the known ones read straight from the cache."""
        known = self._cmap.get
        return frozenset([ch for ch in set(text) if not (known(ch) or self.glyph_for(ch)) and not ch.isspace()])

    def ink_extent(self, gid: int) -> tuple[float, float]:
        """Left and right edge of the glyph's ink, in em from its origin."""
        ext = self._font.get_glyph_extents(gid)
        if ext is None:
            return (0.0, 0.0)
        return (ext.x_bearing / self.upem, (ext.x_bearing + ext.width) / self.upem)

    def ink_rise(self, gid: int) -> tuple[float, float]:
        """Bottom and top of the glyph's ink, in em above its baseline."""
        ext = self._font.get_glyph_extents(gid)
        if ext is None:
            return (0.0, 0.0)
        return ((ext.y_bearing + ext.height) / self.upem, ext.y_bearing / self.upem)

    def advance(self, gid: int) -> float:
        adv = self._advances.get(gid)
        if adv is None:
            adv = self._advances[gid] = self._font.get_glyph_h_advance(gid) / self.upem
        return adv

    def shape(self, text: str, features: dict[str, bool] | None = None, language: str = "zh-Hans",
              direction: str | None = None) -> list[ShapedGlyph]:
        """Horizontal shaping; advances and offsets in em. ``direction`` "rtl": a right-to-left
        word (compose/bidi.py), its glyphs returned in visual order, left to right (HarfBuzz's
        output order for a right-to-left buffer), its script guessed from its letters."""
        import uharfbuzz as hb

        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        if direction is not None:
            buf.direction = direction
        buf.language = language
        hb.shape(self._font, buf, features or {})
        upem = self.upem
        return [_shaped(ShapedGlyph, (info.codepoint, info.cluster, pos.x_advance / upem, pos.x_offset / upem,
                                      pos.y_offset / upem))
                for info, pos in zip(buf.glyph_infos, buf.glyph_positions)]

    def shape_vertical(self, text: str, language: str = "zh-Hans") -> list[ShapedGlyph]:
        """Top-to-bottom shaping (vert/vrt2 applied). ``advance`` is the distance down, in em;
        the offsets move the glyph's horizontal origin from the pen on the column's centre line."""
        import uharfbuzz as hb

        buf = hb.Buffer()
        buf.add_str(text)
        buf.direction = "ttb"
        buf.script = "Hani"
        buf.language = language
        hb.shape(self._font, buf, {})
        upem = self.upem
        return [_shaped(ShapedGlyph, (info.codepoint, info.cluster, -pos.y_advance / upem, pos.x_offset / upem,
                                      pos.y_offset / upem))
                for info, pos in zip(buf.glyph_infos, buf.glyph_positions)]


class OpenFaces:
    """Faces kept open for the pages one process sets one after another (an edition's page worker,
    workers.open_faces): a face's glyph ids, advances and ink extents are asked of HarfBuzz once
    for all of them, not again by every page's new FaceSet. A Face holds only what its file says
    (each cache a pure function of the file), so a page gets the very values a face of its own
    would give; keyed by the file's identity (device, inode, size, modification time), so a font
    replaced between two pages is opened anew."""

    def __init__(self) -> None:
        self._faces: dict[tuple[FaceInfo, int, int, int, int], Face] = {}

    def open(self, info: FaceInfo) -> Face:
        import os

        st = os.stat(info.path)
        key = (info, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        face = self._faces.get(key)
        if face is None:
            face = self._faces[key] = Face.open(info)
        return face


class FaceSet:
    """The faces a build uses, opened once and on first use, and the lines already set with them
    (``memo``: composition is a pure function of text, style, measure and faces, compose/memo.py).
    ``opened``: faces already open in this process (OpenFaces), taken rather than opened again."""

    def __init__(self, manifest: dict[str, FaceInfo], opened: OpenFaces | None = None) -> None:
        from pagesetter.compose.memo import ComposeMemo

        self._manifest = manifest
        self._opened = opened
        self._open: dict[str, Face] = {}
        self.memo = ComposeMemo()
        # A session's memo (session.py), or None: set lines placed as page lines (flow/article.py)
        self.placed: Memo | None = None

    def fingerprint(self) -> tuple:
        """What the faces are, for cache keys: each face's file (path, size, mtime), index and fallbacks."""
        from pagesetter.cache import file_fingerprint

        return tuple((key, file_fingerprint(info.path), info.index, info.fallback)
                     for key, info in sorted(self._manifest.items()))

    def __contains__(self, key: str) -> bool:
        return key in self._manifest

    def keys(self) -> list[str]:
        return list(self._manifest)

    def chain(self, key: str) -> list[Face]:
        """The face and its fallbacks, in the order they are asked for a character."""
        return [self.get(k) for k in (key, *self._manifest[key].fallback)]

    def get(self, key: str) -> Face:
        face = self._open.get(key)
        if face is None:
            info = self._manifest[key]
            face = self._open[key] = Face.open(info) if self._opened is None else self._opened.open(info)
        return face
