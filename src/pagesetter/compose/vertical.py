"""Vertical headlines (竖排): columns top to bottom, right to left.

Han characters and punctuation are shaped top-to-bottom by HarfBuzz, which applies
the font's vert/vrt2 forms (rotated brackets and quotes, commas in the upper right).
Numbers of one or two digits stand upright side by side (纵中横, tate-chu-yoko);
longer Latin words and numbers are turned 90° clockwise (clreq §3.3 "Vertical
text"; JLREQ §3.1.8 for the same practice in Japanese).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pagesetter.compose.chars import CharClass, char_class, is_wordlike
from pagesetter.fonts.face import Face, FaceSet
from pagesetter.spec.model import CMYK, Style

TATE_CHU_YOKO_MAX = 2  # digits set upright side by side in one em
# A turned Latin word sits with its baseline this far left of the column centre (its x-height middle
# on the centre line); in em.
TURNED_BASELINE = 0.35


@dataclass(frozen=True)
class VGlyph:
    face: str
    size: float
    gid: int
    dx: float  # pt from the column's centre line to the glyph origin
    down: float  # pt from the column's top to the glyph origin
    text: str
    color: CMYK
    rotate: int = 0  # 90: turned clockwise (a Latin word in a vertical line)
    scale_x: float = 1.0


@dataclass(frozen=True)
class VColumn:
    glyphs: tuple[VGlyph, ...]
    height: float  # pt used from the top
    text: str


def compose_vertical(text: str, style: Style, height: float, faces: FaceSet) -> tuple[list[VColumn], list[str]]:
    """Set ``text`` in columns no taller than ``height``; a space starts a new column."""
    face = faces.get(style.font)
    missing = [ch for ch in text if not ch.isspace() and face.glyph_for(ch) == 0]
    columns: list[VColumn] = []
    for clause in text.split():
        columns += _columns(clause, style, face, height)
    return columns, missing


def _columns(clause: str, style: Style, face: Face, height: float) -> list[VColumn]:
    units = [u for seg in _segments(clause) for u in _units(seg, style, face)]
    out: list[VColumn] = []
    current: list[VGlyph] = []
    text = ""
    down = 0.0
    for glyphs, advance, unit_text in units:
        if current and down + advance > height + 0.01:
            out.append(VColumn(tuple(current), down, text))
            current, text, down = [], "", 0.0
        current += [VGlyph(g.face, g.size, g.gid, g.dx, g.down + down, g.text, g.color, g.rotate, g.scale_x)
                    for g in glyphs]
        text += unit_text
        down += advance + style.tracking
    if current:
        out.append(VColumn(tuple(current), down - style.tracking, text))
    return out


def _segments(text: str) -> list[tuple[str, str]]:
    """("grid" | "tcy" | "turned", text): runs of grid characters, short numbers, Latin words."""
    out: list[tuple[str, str]] = []
    for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9.,\-/:%']*|[^A-Za-z0-9]+", text):
        part = m.group(0)
        if is_wordlike(char_class(part[0])):
            kind = "tcy" if part.isdigit() and len(part) <= TATE_CHU_YOKO_MAX else "turned"
        else:
            kind = "grid"
        out.append((kind, part))
    return out


def _units(segment: tuple[str, str], style: Style, face: Face) -> list[tuple[list[VGlyph], float, str]]:
    """Each unit: its glyphs (positions relative to the unit's top), its advance down, its text."""
    kind, text = segment
    size, color, key = style.size, style.color, face.key
    if kind == "grid":
        return [([VGlyph(key, size, g.gid, g.x_offset * size, -g.y_offset * size, text[g.cluster], color)],
                 g.advance * size, text[g.cluster]) for g in face.shape_vertical(text)]
    shaped = face.shape(text)
    width = sum(g.advance for g in shaped) * size
    if kind == "tcy":
        squeeze = min(1.0, size / width) if width else 1.0  # two digits never wider than the column
        x = -width * squeeze / 2
        glyphs = []
        for g in shaped:
            glyphs.append(VGlyph(key, size, g.gid, x, 0.88 * size, text[g.cluster], color, 0, squeeze))
            x += g.advance * size * squeeze
        return [(glyphs, size, text)]
    glyphs = []
    down = 0.0
    for g in shaped:
        glyphs.append(VGlyph(key, size, g.gid, -TURNED_BASELINE * size, down, text[g.cluster], color, 90))
        down += g.advance * size
    return [(glyphs, down, text)]
