"""Subset a face to the glyphs a page uses, ready to embed as a CID-keyed font.

CFF faces (Noto CJK) must be CID-keyed: the content stream then carries each
glyph's CID (fontTools names CID-keyed glyphs ``cidNNNNN``, and the subset keeps
the charset, so the CIDs survive subsetting). TrueType faces (LXGW WenKai) carry
the subset's glyph ids with /CIDToGIDMap /Identity.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont

from pagesetter.errors import InputError, Loc


@dataclass(frozen=True)
class EmbeddedFont:
    base_font: str  # "ABCDEF+NotoSerifCJKsc-Regular"
    kind: str  # "cff" (FontFile3 /CIDFontType0C) or "truetype" (FontFile2)
    program: bytes  # the CFF table, or a whole TrueType font
    codes: dict[int, int]  # original glyph id -> the 2-byte code written in the content stream
    widths: dict[int, int]  # code -> advance in 1/1000 em (/W)
    to_unicode: dict[int, str]  # code -> text (ToUnicode CMap)
    ascent: int  # the rest in 1/1000 em, for the FontDescriptor
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    italic_angle: float
    flags: int
    stem_v: int


def subset_font(path: Path, glyphs: Mapping[int, str], font_number: int = 0) -> EmbeddedFont:
    """Subset ``path`` to ``glyphs`` (original gid -> the text it stands for)."""
    try:
        font = TTFont(str(path), fontNumber=font_number, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    except Exception as exc:  # fontTools raises many kinds on a broken file
        raise InputError(Loc.of_file(path), f"cannot read font: {exc}") from None
    order = font.getGlyphOrder()
    gids = sorted({0, *glyphs})
    names = [order[g] for g in gids]
    scale = 1000 / font["head"].unitsPerEm
    advances = {g: round(font["hmtx"][order[g]][0] * scale) for g in gids}
    metrics = _descriptor_metrics(font, scale)
    is_cff = "CFF " in font
    if is_cff and not _cid_keyed(font):
        raise InputError(Loc.of_file(path), "name-keyed CFF fonts are not supported yet; use a CID-keyed "
                         "OpenType font (Noto CJK, Source Han) or a TrueType font")

    subsetter = ft_subset.Subsetter(_options())
    subsetter.populate(glyphs=names)
    subsetter.subset(font)
    new_order = font.getGlyphOrder()
    if is_cff:
        codes = {g: _cid(order[g]) for g in gids}
        program = font.getTableData("CFF ")
    else:
        index = {name: i for i, name in enumerate(new_order)}
        codes = {g: index[order[g]] for g in gids}
        buf = io.BytesIO()
        font.save(buf)
        program = buf.getvalue()
    tag = _subset_tag(path, font_number, gids)
    ps_name = font["name"].getDebugName(6) or path.stem
    return EmbeddedFont(
        base_font=f"{tag}+{ps_name}",
        kind="cff" if is_cff else "truetype",
        program=program,
        codes=codes,
        widths={codes[g]: advances[g] for g in gids},
        to_unicode={codes[g]: text for g, text in sorted(glyphs.items()) if text},
        **metrics,
    )


def _options() -> ft_subset.Options:
    opts = ft_subset.Options()
    opts.hinting = False  # print at 2400 dpi needs no hints; saves a third of the bytes
    opts.desubroutinize = True  # simpler CFF for older RIPs; the subset is small anyway
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.layout_features = []  # shaping is done; the PDF needs outlines and metrics only
    opts.name_IDs = [1, 2, 3, 4, 6]  # keep the names a preflight shows
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "meta"]
    return opts


def _cid_keyed(font: TTFont) -> bool:
    return hasattr(font["CFF "].cff.topDictIndex[0], "ROS")


def _cid(name: str) -> int:
    return 0 if name == ".notdef" else int(name[3:])


def _subset_tag(path: Path, font_number: int, gids: list[int]) -> str:
    """Six capitals from a hash of face and glyph set (ISO 32000-1 §9.6.4): stable across builds."""
    digest = hashlib.sha256(f"{path.name}#{font_number}:{','.join(map(str, gids))}".encode()).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _descriptor_metrics(font: TTFont, scale: float) -> dict:
    head, os2 = font["head"], font["OS/2"]
    ascent = round(os2.sTypoAscender * scale)
    descent = round(os2.sTypoDescender * scale)
    cap = round(getattr(os2, "sCapHeight", 0) * scale) or ascent
    bbox = tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    italic = float(font["post"].italicAngle)
    # FontDescriptor flags (ISO 32000-1 §9.8.2): Symbolic (bit 3), because CJK glyphs are outside the
    # standard Latin set; Serif (bit 2) when the family says so.
    flags = 4
    if "Serif" in (font["name"].getDebugName(1) or ""):
        flags |= 2
    weight = getattr(os2, "usWeightClass", 400)
    stem_v = round(10 + 220 * ((weight - 50) / 900) ** 2)  # the usual estimate from the weight class
    return dict(ascent=ascent, descent=descent, cap_height=cap, bbox=bbox, italic_angle=italic,
                flags=flags, stem_v=stem_v)
