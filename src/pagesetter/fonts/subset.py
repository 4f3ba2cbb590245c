"""Subset a face to the glyphs a page uses, ready to embed as a CID-keyed Type0 font.

Codes. The content stream carries one 2-byte code per glyph (Identity-H), and the code is the
CID. A glyph's code is the same in every subset of its face, so that a glyph new to the page
(an edit's) changes the font's objects but no code of the text already written (issue 21: the
desk's session then compresses again only the edited article's part of the content stream):

- CID-keyed CFF (Noto CJK): the code is the glyph's CID in the face. The subset's CFF charset
  maps each of its glyphs to that CID, and a viewer finds the glyph of a CID through it (ISO
  32000-1 §9.7.4: a CIDFontType0's CFF program maps CIDs to glyphs itself). In Noto CJK the
  CIDs are the glyph ids, so the code is the glyph id of the whole face. (Until session 20 the
  charset was rewritten to the identity, CID == glyph id of the subset, for a consumer that
  wrongly skips the charset; every reader we check with — pdfium, Poppler, Ghostscript, fontTools
  in the plant check — reads it, and the identity cost an edit that adds a glyph a new code for
  every glyph after it.)
- TrueType (LXGW WenKai): the code is the glyph's id in the face, and the CIDFont's
  /CIDToGIDMap stream (ISO 32000-1 §9.7.4.2) maps it to the glyph's id in the subset
  (``program_gids``): a few hundred bytes compressed. (Keeping the face's glyph ids in the
  subset instead, HarfBuzz's RETAIN_GIDS, left /CIDToGIDMap /Identity but cost ~1 KB a page in
  empty loca and hmtx entries.)

Two engines, same codes, same glyphs: HarfBuzz (``hb.subset``, 0.03-0.06 s for
2000 glyphs of any of our faces) is the default; fontTools.subset (2-3 s for a Noto
face, 0.4 s for WenKai) is the reference, kept as a fallback and to cross-check
HarfBuzz in the tests.

Name-keyed CFF (most Latin OpenType/CFF fonts) is refused with a clear error:
converting it to CID-keyed is possible but not needed by any face we ship.
"""

from __future__ import annotations

import functools
import hashlib
import io
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Mapping


from pagesetter.cache import DiskCache, file_fingerprint, key_of
from pagesetter.errors import InputError, Loc
from pagesetter.fonts.sfnt import FaceTables, cff_cids, read_tables, with_cff_font_name
from pagesetter.records import record

if TYPE_CHECKING:
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

Engine = Literal["harfbuzz", "fonttools"]


@record(frozen=True)
class FontDescriptor:
    """The FontDescriptor's values (ISO 32000-1 §9.8), lengths in 1/1000 em."""

    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    italic_angle: float
    flags: int
    stem_v: int


@record(frozen=True)
class EmbeddedFont:
    base_font: str  # "ABCDEF+NotoSerifCJKsc-Regular": subset tag + PostScript name
    kind: str  # "cff" (FontFile3 /CIDFontType0C) or "truetype" (FontFile2)
    program: bytes  # the CID-keyed CFF table, or a whole TrueType font
    codes: dict[int, int]  # original glyph id -> the 2-byte code written in the content stream
    widths: dict[int, int]  # code -> advance in 1/1000 em (/W)
    to_unicode: dict[int, str]  # code -> text (ToUnicode CMap)
    descriptor: FontDescriptor
    # Made once with the subset (and kept with it in the cache) for the text operators
    # (render/pdf.py): original glyph id -> its code as encode_codes writes it, four hex capitals;
    hex_codes: dict[int, str]
    # and whether every code is its glyph id (both our CFF faces and TrueType), so that the codes
    # of any two subsets of the face agree: a line's operators written for one hold for the other.
    gid_codes: bool
    # TrueType: code -> glyph id in the program, the /CIDToGIDMap (empty for a CFF: its charset maps)
    program_gids: dict[int, int]
    # CIDSystemInfo of the CIDFont. Codes are the face's own CIDs or glyph ids, not CIDs of any
    # published character collection, so this is always Adobe-Identity-0.
    registry: str = "Adobe"
    ordering: str = "Identity"
    supplement: int = 0


@record(frozen=True)
class _Subset:
    program: bytes  # the CFF table (kind "cff") or a whole TrueType font
    old_to_new: dict[int, int]  # original glyph id -> glyph id in the subset


def subset_font(path: Path, glyphs: Mapping[int, str], font_number: int = 0, *,
                engine: Engine = "harfbuzz", cache: DiskCache = DiskCache(None)) -> EmbeddedFont:
    """Subset ``path`` (face ``font_number``) to ``glyphs``: original glyph id -> the text it stands for.

    Glyph ids are those HarfBuzz reports when shaping the full font. Glyph 0 (.notdef)
    is always kept. Raises InputError for a glyph id the face lacks, a name-keyed or
    CFF2 font, or a font that cannot be subset. ``cache`` keeps subsets by face and glyph set.
    """
    if not cache.enabled:
        return _subset_font(path, glyphs, font_number, engine)
    key = key_of("subset", file_fingerprint(path), font_number, engine, sorted(glyphs.items()))
    found = cache.get_object("subset", key)
    if isinstance(found, EmbeddedFont):
        return found
    font = _subset_font(path, glyphs, font_number, engine)
    cache.put_object("subset", key, font)
    return font


def _subset_font(path: Path, glyphs: Mapping[int, str], font_number: int, engine: Engine) -> EmbeddedFont:
    import uharfbuzz as hb  # on a cache miss only

    try:
        identity = file_fingerprint(path)
    except OSError:  # gone since it was shaped: opened as before, which says so (InputError)
        face = _open_face(path, font_number)
    else:
        face = _kept_face(*identity, font_number)
    kind = _kind(face, path)
    gids = sorted({0, *glyphs})
    if gids[-1] >= face.glyph_count:
        raise InputError(Loc.of_file(path), f"glyph id {gids[-1]} is beyond the face's {face.glyph_count} glyphs")
    if engine == "harfbuzz":
        sub = _subset_harfbuzz(face, gids, kind, path)
    elif engine == "fonttools":
        sub = _subset_fonttools(path, font_number, gids, kind)
    else:
        raise ValueError(f"unknown subsetting engine {engine!r}")
    # the code: the glyph's CID in the subset's charset (the face's own), or (TrueType) its glyph id
    # in the face, which the /CIDToGIDMap stream maps to its id in the subset (program_gids)
    if kind == "cff":
        cids = _cff_cids(sub.program, path)
        codes = {g: cids[sub.old_to_new[g]] for g in gids}
    else:
        codes = {g: g for g in gids}
    if len(set(codes.values())) != len(codes):
        raise InputError(Loc.of_file(path), "the subset gives two glyphs one code; cannot embed the font")
    scale = 1000 / face.upem
    hb_font = hb.Font(face)  # the very advances the composer measured with
    widths = {codes[g]: round(hb_font.get_glyph_h_advance(g) * scale) for g in gids}
    try:
        tables = read_tables(lambda tag: face.reference_table(tag).data)  # the small tables only
    except (ValueError, struct.error) as exc:  # a damaged table directory: head missing or cut short
        raise InputError(Loc.of_file(path), f"not a usable font ({exc}); expected an OpenType or TrueType "
                         "file") from None
    base_font = f"{_subset_tag(tables, gids)}+{_postscript_name(tables, path)}"
    if kind == "cff":
        sub = _Subset(with_cff_font_name(sub.program, _postscript_name(tables, path)), sub.old_to_new)
    descriptor = _descriptor(tables, scale)
    return EmbeddedFont(
        base_font=base_font,
        kind=kind,
        program=sub.program,
        codes=codes,
        widths=widths,
        to_unicode={codes[g]: text for g, text in sorted(glyphs.items()) if text},
        descriptor=descriptor,
        hex_codes=_hex_codes(codes),
        gid_codes=all(g == code for g, code in codes.items()),
        program_gids={} if kind == "cff" else {codes[g]: sub.old_to_new[g] for g in gids},
    )


def _hex_codes(codes: dict[int, int]) -> dict[int, str]:
    """Each glyph's code as render/cidfont.py's encode_codes writes it (two bytes, big-endian, in
    hex capitals), packed in one call for the subset. A code is a CID or glyph id of the face,
    below 65536 by the formats' own limits."""
    packed = struct.pack(f">{len(codes)}H", *codes.values()).hex().upper()
    return {g: packed[4 * i:4 * i + 4] for i, g in enumerate(codes)}


# A process that subsets one face for page after page (an edition's page worker, the desk's kept
# engine) keeps its HarfBuzz face: a plan on a face made before does not load and index the
# face's tables again (the bench edition's 29 subsets of 12 pages, one process: 14.4 → 13.3 ms a
# subset, medians of 6 alternating runs). Keyed by the file's identity (file_fingerprint:
# path, size, mtime), so a font replaced on disk is opened anew. A face holds the file mapped,
# not read; a manifest has a handful of faces.
@functools.lru_cache(maxsize=8)
def _kept_face(resolved: str, size: int, mtime_ns: int, font_number: int) -> hb.Face:
    return _open_face(Path(resolved), font_number)


def _open_face(path: Path, font_number: int) -> hb.Face:
    import uharfbuzz as hb

    try:
        face = hb.Face(hb.Blob.from_file_path(str(path)), font_number)
    except Exception as exc:  # HarfBuzz reports an unreadable file in several ways
        raise InputError(Loc.of_file(path), f"cannot read font: {exc}") from None
    if face.glyph_count == 0:
        raise InputError(Loc.of_file(path), f"not a usable font (face {font_number} has no glyphs)")
    return face


def _kind(face: hb.Face, path: Path) -> str:
    # len() of the blob, not .data: that would copy a 20 MB CFF table into Python
    if len(face.reference_table("CFF ")):
        return "cff"
    if len(face.reference_table("glyf")):
        return "truetype"
    if len(face.reference_table("CFF2")):
        raise InputError(Loc.of_file(path), "CFF2 (variable OpenType) fonts cannot be embedded in PDF 1.3; "
                         "use a static OpenType/CFF or TrueType instance")
    raise InputError(Loc.of_file(path), "font has no outlines (neither CFF nor glyf table)")


# Tables a PDF font program does not use: shaping is done, vertical metrics go in /W2 if ever,
# and hinting is not wanted at print resolution.
DROP_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "VORG", "vhea", "vmtx", "DSIG", "meta", "kern",
               "hdmx", "LTSH", "VDMX", "gasp", "fpgm", "prep", "cvt ", "morx", "STAT", "COLR", "CPAL", "SVG ")

# The other tables of an OpenType/CFF face (sfnt.py reads its metrics and names from the face
# itself), not written into a CFF face's subset: only its CFF table is embedded.
BESIDES_CFF = ("cmap", "head", "hhea", "hmtx", "maxp", "name", "post", "OS/2")


def _subset_harfbuzz(face: hb.Face, gids: list[int], kind: str, path: Path) -> _Subset:
    import uharfbuzz as hb

    inp = hb.SubsetInput()
    for g in gids:
        inp.glyph_set.add(g)
    flags = (hb.SubsetFlags.NO_LAYOUT_CLOSURE | hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE
             | hb.SubsetFlags.NOTDEF_OUTLINE)
    inp.flags = flags  # no CFF_IDENTITY_CHARSET: a CFF keeps its charset, CID == the face's CID
    drop = inp.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    # Of a CFF face only the CFF table is embedded (below): its other tables (cmap, hmtx, name,
    # post, OS/2: 1-1.5 ms a subset) are not written either. The plan reads them from the face as
    # before, so the glyphs kept and their new ids, and with them the CFF table, are the same.
    for tag in DROP_TABLES + (BESIDES_CFF if kind == "cff" else ()):
        drop.add(int.from_bytes(tag.encode("ascii"), "big"))
    try:
        plan = hb.SubsetPlan(face, inp)
        # The plan's mapping, not the order of ``gids``: glyf composites pull in their components.
        old_to_new = dict(plan.old_to_new_glyph_mapping)
        result = plan.execute()
    except Exception as exc:  # uharfbuzz raises when hb_subset_plan_create fails
        raise InputError(Loc.of_file(path), f"HarfBuzz could not subset the font: {exc}") from None
    program = result.reference_table("CFF ").data if kind == "cff" else result.blob.data
    if not program:
        raise InputError(Loc.of_file(path), "HarfBuzz could not subset the font")
    return _Subset(program, old_to_new)


def _subset_fonttools(path: Path, font_number: int, gids: list[int], kind: str) -> _Subset:
    # lazy: tables are read when the subsetter asks for them; no bbox recalculation on compile.
    from fontTools.ttLib import TTFont

    with TTFont(str(path), fontNumber=font_number, lazy=True, recalcBBoxes=False, recalcTimestamp=False) as font:
        return _subset_loaded(font, gids, kind)


def _subset_loaded(font: TTFont, gids: list[int], kind: str) -> _Subset:
    from fontTools import subset as ft_subset  # the reference engine: 0.15 s to import, rarely used

    old_names = font.getGlyphOrder()
    options = ft_subset.Options(
        hinting=False, desubroutinize=True, notdef_outline=True, glyph_names=False, recommended_glyphs=False,
        layout_closure=False, legacy_kern=False, name_IDs=[0, 1, 2, 3, 4, 5, 6], name_languages=[0x409],
        drop_tables=[*ft_subset.Options().drop_tables, *DROP_TABLES],
    )
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(gids=gids)
    subsetter.subset(font)
    new_index = {name: i for i, name in enumerate(font.getGlyphOrder())}
    old_to_new = {g: new_index[old_names[g]] for g in gids}
    if kind == "cff":  # its charset keeps the face's CIDs, as HarfBuzz's does
        return _Subset(font.getTableData("CFF "), old_to_new)  # only the CFF table is embedded
    buf = io.BytesIO()
    font.save(buf)
    return _Subset(buf.getvalue(), old_to_new)


def _cff_cids(program: bytes, path: Path) -> list[int]:
    """Each glyph's CID in the subset's CFF, which must be CID-keyed: a name-keyed CFF has no
    CIDs to give the codes."""
    try:
        cid_keyed, cids = cff_cids(program)
    except (ValueError, IndexError, struct.error):
        raise InputError(Loc.of_file(path), "the subset's CFF table cannot be read back") from None
    if not cid_keyed or cids is None:
        raise InputError(Loc.of_file(path), "name-keyed CFF fonts are not supported; use a CID-keyed "
                         "OpenType font (Noto CJK, Source Han) or a TrueType font")
    return cids


def _postscript_name(tables: FaceTables, path: Path) -> str:
    name = tables.postscript_name or path.stem
    # A PDF name must not hold spaces or delimiters; PostScript names normally do not.
    return "".join(c for c in name if c.isascii() and c.isalnum() or c in "-_.")


def _subset_tag(tables: FaceTables, gids: list[int]) -> str:
    """Six capitals from a hash of the font's identity and the glyph set (ISO 32000-1 §9.6.4).

    Same font and glyphs -> same tag in any build or checkout; a different glyph set (hence
    different codes) -> a different tag, so a RIP never merges two different subsets.
    """
    identity = f"{tables.postscript_name or None}|{tables.font_revision:.5f}|{tables.checksum_adjustment}"
    digest = hashlib.sha256(f"{identity}:{','.join(map(str, gids))}".encode()).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _descriptor(tables: FaceTables, scale: float) -> FontDescriptor:
    """FontDescriptor values from the full face (its bbox encloses any subset's glyphs)."""
    ascent = round(tables.typo_ascender * scale)  # the ideographic em box (880/-120 in Noto CJK)
    descent = round(tables.typo_descender * scale)
    cap = round(tables.cap_height * scale) or ascent
    bbox = tuple(round(v * scale) for v in tables.bbox)
    # Flags (ISO 32000-1 §9.8.2): Symbolic (4) because the glyphs lie outside the standard Latin
    # set; Serif (2) when the family says so.
    flags = 4
    if "Serif" in tables.family_name:
        flags |= 2
    stem_v = round(10 + 220 * ((tables.weight_class - 50) / 900) ** 2)  # the usual estimate from the weight
    return FontDescriptor(ascent, descent, cap, bbox, tables.italic_angle, flags, stem_v)  # type: ignore[arg-type]
