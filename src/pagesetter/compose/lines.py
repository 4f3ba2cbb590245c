"""Paragraphs into justified lines on the character grid, with kinsoku.

A first composer, greedy but rule-true: each line takes as many atoms as fit
after every allowed compression (push-in, 先挤进); a forbidden break moves
characters to the next line (push-out, 后推出) and the line is spread evenly.
Rules come from compose/chars.py; widths from the embedded face.
"""

from __future__ import annotations

from dataclasses import dataclass

from pagesetter.compose.atoms import Atom, compress_adjacent, make_atoms
from pagesetter.compose.chars import (
    NOT_AT_LINE_END, NOT_AT_LINE_START, CharClass, INSEPARABLE_CLASSES, is_wordlike,
)
from pagesetter.fonts.face import FaceSet
from pagesetter.spec.model import CMYK, Style

# Han–Latin gaps may shrink to an eighth of an em (clreq §3.2.2).
LATIN_GAP_MIN = 0.125


@dataclass(frozen=True)
class GlyphPos:
    face: str
    size: float
    gid: int
    x: float  # pt from the line's start to the glyph origin
    text: str  # the characters this glyph stands for ("" for a later glyph of a cluster)
    color: CMYK
    dy: float = 0.0  # pt, upwards


@dataclass(frozen=True)
class Line:
    glyphs: tuple[GlyphPos, ...]
    width: float  # the measure it was set to
    natural: float  # its width before justification
    text: str
    last: bool  # last line of its paragraph
    size: float  # largest type size on the line
    overfull: bool = False  # a single unbreakable unit wider than the measure


@dataclass(frozen=True)
class Run:
    text: str
    style: Style


def atoms_for(runs: list[Run], faces: FaceSet) -> list[Atom]:
    atoms: list[Atom] = []
    for run in runs:
        atoms.extend(make_atoms(run.text, run.style, faces.get(run.style.font)))
    compress_adjacent(atoms)
    return atoms


def gap_before(prev: Atom, atom: Atom) -> float:
    """Space between two atoms besides their widths: tracking and Han–Latin spacing."""
    gap = prev.style.tracking
    if _han_latin(prev, atom):
        gap += prev.style.latin_space * max(prev.em, atom.em)
    return gap


def _han_latin(a: Atom, b: Atom) -> bool:
    # A quarter em between Han and Latin/digits, none beside punctuation (clreq §3.2.2).
    return ((a.cls == CharClass.HAN and is_wordlike(b.cls)) or (is_wordlike(a.cls) and b.cls == CharClass.HAN))


def can_break_before(atoms: list[Atom], j: int) -> bool:
    """May a line end between atoms[j-1] and atoms[j]? (clreq §3.1.7 禁则)"""
    if j <= 0 or j >= len(atoms):
        return True
    prev, nxt = atoms[j - 1], atoms[j]
    if nxt.text[:1] in NOT_AT_LINE_START or prev.text[-1:] in NOT_AT_LINE_END:
        return False
    if prev.cls == nxt.cls and prev.cls in INSEPARABLE_CLASSES:
        return False
    if prev.cls == CharClass.SPACE and nxt.cls == CharClass.SPACE:
        return False
    return True


def _widths(atoms: list[Atom], s: int, j: int) -> tuple[float, float]:
    """Natural and least width of atoms[s:j] set as one line (spaces at the ends dropped)."""
    natural = 0.0
    shrink = 0.0
    for k in range(s, j):
        a = atoms[k]
        natural += a.width
        if k > s:
            g = gap_before(atoms[k - 1], a)
            natural += g
            if _han_latin(atoms[k - 1], a):
                shrink += atoms[k - 1].style.latin_space * max(a.em, atoms[k - 1].em) - LATIN_GAP_MIN * a.em
    last = atoms[j - 1]
    if last.cls == CharClass.SPACE:
        natural -= last.width
    least = natural - shrink - last.squeeze
    return natural, least


def break_lines(atoms: list[Atom], measure: float, first_indent: float) -> list[tuple[int, int]]:
    """Greedy breaks: the longest legal line whose least width fits the measure."""
    breaks: list[tuple[int, int]] = []
    s = 0
    n = len(atoms)
    while s < n:
        while s < n and atoms[s].cls == CharClass.SPACE:
            s += 1  # a line never starts with a space
        if s >= n:
            break
        avail = measure - (first_indent if not breaks else 0.0)
        best = None
        j = s + 1
        while j <= n:
            natural, least = _widths(atoms, s, j)
            if least > avail + 1e-6:
                break
            if can_break_before(atoms, j):
                best = j
            j += 1
        if best is None:
            # Nothing legal fits: take the shortest legal run (overfull, reported by the caller).
            best = s + 1
            while best < n and not can_break_before(atoms, best):
                best += 1
        breaks.append((s, best))
        s = best
    return _avoid_lone_last_line(atoms, breaks, measure, first_indent)


def _avoid_lone_last_line(atoms: list[Atom], breaks: list[tuple[int, int]], measure: float,
                          first_indent: float) -> list[tuple[int, int]]:
    """No paragraph ends on a line of one character or only punctuation (孤字): pull one more down."""
    if len(breaks) < 2:
        return breaks
    s, e = breaks[-1]
    solid = [a for a in atoms[s:e] if a.cls not in (CharClass.SPACE,) and not a.is_punct]
    if len(solid) >= 2:
        return breaks
    ps, pe = breaks[-2]
    for cut in range(pe - 1, ps + 1, -1):
        if can_break_before(atoms, cut):
            avail = measure - (first_indent if len(breaks) == 2 else 0.0)
            natural, _ = _widths(atoms, ps, cut)
            if avail - natural <= 2.0 * atoms[ps].em:  # spread at most two ems over the line
                return breaks[:-2] + [(ps, cut), (cut, e)]
    return breaks


def set_line(atoms: list[Atom], s: int, e: int, measure: float, indent: float, justify: bool,
             last: bool) -> Line:
    """Position the glyphs of atoms[s:e]; justified lines end exactly at the measure."""
    while e > s and atoms[e - 1].cls == CharClass.SPACE:
        e -= 1
    seg = atoms[s:e]
    avail = measure - indent
    natural, least = _widths(atoms, s, e) if seg else (0.0, 0.0)
    gaps = [gap_before(seg[k - 1], seg[k]) for k in range(1, len(seg))]
    widths = [a.width for a in seg]
    extra = avail - natural
    if extra < 0 and seg:
        # Push in: the line-end mark gives up its blank, then Han–Latin gaps shrink.
        take = min(-extra, seg[-1].squeeze)
        widths[-1] -= take
        extra += take
        for k in range(1, len(seg)):
            if extra >= 0:
                break
            if _han_latin(seg[k - 1], seg[k]):
                room = gaps[k - 1] - seg[k - 1].style.tracking - LATIN_GAP_MIN * seg[k].em
                take = min(-extra, max(0.0, room))
                gaps[k - 1] -= take
                extra += take
    stretchable = [k for k in range(1, len(seg)) if not (
        seg[k - 1].cls == seg[k].cls and seg[k].cls in INSEPARABLE_CLASSES)]
    if (justify and not last and stretchable) or extra < -1e-6:
        share = extra / len(stretchable) if stretchable else 0.0
        for k in stretchable:
            gaps[k - 1] += share
    glyphs: list[GlyphPos] = []
    x = indent
    for k, atom in enumerate(seg):
        if k:
            x += gaps[k - 1]
        gx = x - atom.shift
        for g, text in zip(atom.glyphs, atom.texts):
            glyphs.append(GlyphPos(atom.face.key, atom.em, g.gid, gx + g.x_offset * atom.em,
                                   text, atom.style.color, g.y_offset * atom.em))
            gx += g.advance * atom.em
        x += widths[k]
    return Line(tuple(glyphs), measure, natural + indent, "".join(a.text for a in seg), last,
                max((a.em for a in seg), default=0.0), overfull=(least > avail + 0.01))


def compose_paragraph(runs: list[Run], measure: float, faces: FaceSet, *, indent: float = 0.0,
                      justify: bool = True) -> tuple[list[Line], list[str]]:
    """A paragraph becomes lines; also returns the characters no face had (for the report)."""
    atoms = atoms_for(runs, faces)
    missing = [ch for a in atoms for ch in a.missing]
    breaks = break_lines(atoms, measure, indent)
    lines = [set_line(atoms, s, e, measure, indent if i == 0 else 0.0, justify, i == len(breaks) - 1)
             for i, (s, e) in enumerate(breaks)]
    return lines, missing
