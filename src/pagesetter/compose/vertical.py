"""Vertical headlines (竖排): columns top to bottom, right to left.

Han characters and punctuation are shaped top-to-bottom by HarfBuzz, which applies
the font's vert/vrt2 forms (rotated brackets and quotes, commas in the upper right).
A mark that must turn with the column (TURNED_MARKS) and has no vertical form in the
face is drawn as its horizontal glyph turned 90° clockwise; the 破折号 is always drawn
so, each of its ems filled by the rule (ONE_EM_MARKS), because only a turned glyph can
be scaled along the column. Numbers of one or two digits stand upright side by side
(纵中横, tate-chu-yoko); longer Latin words and numbers are turned 90° clockwise
(clreq §3.3 "Vertical text"; JLREQ §3.1.8 for the same practice in Japanese).

Marks take the widths of the style's punctuation rules as in horizontal text (clreq
§3.1.6; compose/atoms.py): turned into the column, an opening mark's blank is at its
top and a closing one's at its foot, and two adjacent marks give up the blank between
them. Columns break only where kinsoku allows (the same breakpoints as horizontal
lines, compose/linebreak.py) and are balanced: the fewest columns that hold the text,
as even as they can be, none of a single character, ending where a horizontal headline's
line would (compose/display.py break_cost: between phrases, not inside a word).
"""

from __future__ import annotations

import re
from functools import cache
from dataclasses import replace
from itertools import groupby

from pagesetter.compose.atoms import Atom, compress_adjacent, set_style_width, shape_marks_alone
from pagesetter.compose.chars import (
    BLANK_SIDE, CLOSING, DASH, ELLIPSIS, INSEPARABLE_CLASSES, LATIN_LETTERS, ONE_EM_MARKS, OPENING,
    VERTICAL_QUOTE_INK_EM, VERTICAL_QUOTES, CharClass, char_class, is_wordlike,
)
from pagesetter.compose.display import headline_break_cost
from pagesetter.compose.linebreak import breakpoints
from pagesetter.fonts.face import Face, FaceSet, ShapedGlyph
from pagesetter.records import record
from pagesetter.spec.model import CMYK, Style

TATE_CHU_YOKO_MAX = 2  # digits set upright side by side in one em
# A turned Latin word sits with its baseline this far left of the column centre (its x-height middle
# on the centre line); in em.
TURNED_BASELINE = 0.35
# Marks that turn with the line in vertical text (Unicode UAX #50 Vertical_Orientation Tr and R;
# GB/T 15834-2011 §5.2: brackets and quotes take their vertical forms, the dash and the ellipsis
# run down the middle of the column). Where the face's vert/vrt2 leaves one unchanged, its
# horizontal glyph is turned 90° clockwise.
# A quotation mark (chars.VERTICAL_QUOTES: the straight ones too) is never set upright as in a
# line: its vertical form, or turned.
TURNED_MARKS = OPENING | CLOSING | DASH | ELLIPSIS | VERTICAL_QUOTES | frozenset("～〜")
# Balancing is a search over every legal set of breaks; a headline is a few dozen characters,
# anything longer (hostile input, a paragraph pasted as a title) is broken first-fit.
BALANCE_MAX_UNITS = 200
ONE_CHARACTER_COLUMN = 1e12  # cost of a column holding one character (or one and its marks)
# A turned Latin word deeper than this (in em) reads as a word in a column of its own, not as a
# lone character (Mbappé, 3 em; “AI” or a 纵中横 “12”, about one, is still a 孤字).
LONE_WORD_EM = 2.0


@record(frozen=True)
class VGlyph:
    face: str
    size: float
    gid: int
    dx: float  # pt from the column's centre line to the glyph origin
    down: float  # pt from the column's top to the glyph origin
    text: str
    color: CMYK
    rotate: int = 0  # 90: turned clockwise (a Latin word, a mark with no vertical form)
    scale_x: float = 1.0  # along the glyph's own baseline: down the column when turned


@record(frozen=True)
class VColumn:
    glyphs: tuple[VGlyph, ...]
    height: float  # pt used from the top
    text: str


@record(frozen=True)
class _Unit:
    """One unbreakable piece of a column: a character, a turned word, a 纵中横 number, a gap.
    Its atom holds its class, text and punctuation metrics, read down the column: ``width`` is
    the advance, ``shift`` the blank removed above the glyph, ``squeeze`` the blank at its foot
    that a column end may give up."""

    atom: Atom
    glyphs: tuple[VGlyph, ...]  # downs from the top of the unit's uncompressed em


def compose_vertical(text: str, style: Style, height: float, faces: FaceSet, *,
                     break_at_spaces: bool = True) -> tuple[list[VColumn], list[str]]:
    """Set ``text`` in columns no taller than ``height``. With ``break_at_spaces`` (a two-clause
    title written with a space) each clause starts a new column; without (a subtitle, a byline:
    本报记者 刘洋) a space is a gap of the style's ``word_space`` inside the column."""
    face = faces.get(style.font)
    missing = [ch for ch in text if not ch.isspace() and face.glyph_for(ch) == 0]
    clauses = vertical_clauses(text) if break_at_spaces else [" ".join(text.split())]
    columns: list[VColumn] = []
    for clause in clauses:
        if clause:
            columns += _columns(_units(clause, style, face), height, style.tracking)
    return columns, missing


# A space inside a Latin phrase (a letter, digit or the word's own point before it, a letter or
# digit after: We must act now, U.S. President, Windows 11) joins its words; any other space in a
# title parts two clauses. clreq §3.3 (Vertical text): Latin words and phrases in vertical text are
# set sideways, turned 90° clockwise, as one run; trial 16 #1: a title's every word space started
# a column, an English quotation set one word a column (We | must | act | now).
_PHRASE_SPACE_BEFORE = "0-9" + LATIN_LETTERS + r".,\-/:%'!?"


@cache
def _clause_break() -> re.Pattern[str]:
    """The spaces that part two clauses of a title (its white already one space a run): every one
    but a space inside a Latin phrase. The same phrases segment_pattern turns as one run."""
    return re.compile(rf" (?![0-9{LATIN_LETTERS}])|(?<![{_PHRASE_SPACE_BEFORE}]) ")


def vertical_clauses(title: str) -> list[str]:
    """A vertical title's clauses, each starting a column (README: a space starts a new column only
    in a two-clause title), a Latin phrase's inner white one word space."""
    return [clause for clause in _clause_break().split(" ".join(title.split())) if clause]


# A Latin word (digits too; chars.LATIN_LETTERS: Mbappé, Đoković) turns whole with
# it; a word cut at é would set the rest of the clause (é“帽子戏法”) as one turned word, its
# quotes and Han lying on their side. A ’ between two letters (Macy’s, O’Neill, rock’n’roll) is the
# word's apostrophe (Unicode's preferred character for it, UAX #29 MidNumLet), turned with it: cut
# there, it was set upright in the corner form vert gives the closing quote (Macy﹂s). One before
# anything else (’ after a word, then Han or a space) closes a quote and stands on the grid.
_LATIN = "0-9" + LATIN_LETTERS


@cache
def segment_pattern() -> re.Pattern[str]:
    """The segments' expression, compiled at its first use: only vertical text (1 ms of a cold
    horizontal page's start, issue 21)."""
    return re.compile(rf"\s+|[{_LATIN}](?:[{_LATIN}.,\-/:%']|’(?=[{LATIN_LETTERS}])|[!?]?\s(?=[{_LATIN}]))*"
                      rf"|[^{_LATIN}\s]+")


# The apostrophe inside a turned word takes the face's proportional form (OpenType pwid): a CJK
# face's own ’ is a full-width quote (Noto CJK SC: one em, its ink in the left quarter), a gap
# inside the word (Macy ’s); the Latin letters and digits the face already sets proportional.
_APOSTROPHE_FEATURES = {"pwid": True}


def _segments(text: str) -> list[tuple[str, str]]:
    """("grid" | "tcy" | "turned" | "space", text): grid characters, short numbers, Latin words, gaps."""
    out: list[tuple[str, str]] = []
    for m in segment_pattern().finditer(text):
        part = m.group(0)
        if part[0].isspace():
            kind = "space"
        elif is_wordlike(char_class(part[0])):
            kind = "tcy" if part.isdigit() and len(part) <= TATE_CHU_YOKO_MAX else "turned"
        else:
            kind = "grid"
        out.append((kind, part))
    return out


def _units(clause: str, style: Style, face: Face) -> list[_Unit]:
    units: list[_Unit] = []
    for kind, part in _segments(clause):
        if kind == "grid":
            units += _grid_units(part, style, face)
        elif kind == "space":
            units.append(_Unit(Atom(" ", CharClass.SPACE, style, face, [], [], style.word_space * style.size), ()))
        else:
            units.append(_word_unit(kind, part, style, face))
    compress_adjacent([u.atom for u in units], vertical=True)
    for unit in units:
        _keep_ink_inside(unit, face)
    return units


# How far a mark's ink may stand past its set cell (em) before the cell is widened to hold it.
INK_OVERHANG = 0.02


def _keep_ink_inside(unit: _Unit, face: Face) -> None:
    """A mark gives up only the blank its vertical form has. The punctuation style's widths are
    horizontal text's (a semicolon's ink in the left half of its em); a vertical form may fill
    its cell down the column (GB/T 15834-2011 §5.2: ；：？！ stand under the character before them,
    their dots one above the other): squeezed to half an em, the semicolon's tail was set into
    the character under it and read as · (trial 13). The ink here is the face's own, so a face
    whose form leaves a blank keeps its compression."""
    atom = unit.atom
    if atom.cls not in BLANK_SIDE or not unit.glyphs or any(g.rotate for g in unit.glyphs):
        return
    rises = [face.ink_rise(g.gid) for g in unit.glyphs]
    top = min(g.down - high * g.size for g, (_, high) in zip(unit.glyphs, rises))
    foot = max(g.down - low * g.size for g, (low, _) in zip(unit.glyphs, rises))
    if foot <= top:
        return  # no ink
    slack = INK_OVERHANG * atom.style.size
    if atom.shift > top + slack:
        atom.width += atom.shift - max(0.0, top)
        atom.shift = max(0.0, top)
    atom.width = max(atom.width, foot - atom.shift - slack)
    atom.squeeze = min(atom.squeeze, max(0.0, atom.width - (foot - atom.shift)))
    atom.start_squeeze = min(atom.start_squeeze, max(0.0, top - atom.shift))


def _grid_units(text: str, style: Style, face: Face) -> list[_Unit]:
    """One unit per cluster, upright in the face's vertical form, or turned (TURNED_MARKS)."""
    size, color, key = style.size, style.color, face.key
    shaped = shape_marks_alone(text, face, vertical=True)
    starts = sorted({g.cluster for g in shaped}) + [len(text)]
    texts = {s: text[s:e] for s, e in zip(starts, starts[1:])}
    units: list[_Unit] = []
    for cluster, run in groupby(shaped, key=lambda g: g.cluster):
        glyphs = list(run)
        chars = texts[cluster]
        cls = char_class(chars[0])
        if chars[0] in TURNED_MARKS and (ONE_EM_MARKS.get(cls) == "fill" or _no_vertical_form(chars, glyphs, face)
                                         or _horizontal_quote(chars, glyphs, face)):
            units.append(_turned_mark(chars, cls, style, face))
            continue
        placed: list[VGlyph] = []
        down = 0.0
        for k, g in enumerate(glyphs):
            placed.append(VGlyph(key, size, g.gid, g.x_offset * size, down - g.y_offset * size,
                                 chars if k == 0 else "", color))
            down += g.advance * size
        atom = Atom(chars, cls, style, face, glyphs, [chars], down)
        set_style_width(atom, vertical=True)
        units.append(_Unit(atom, tuple(placed)))
    return units


def _no_vertical_form(chars: str, vertical: list[ShapedGlyph], face: Face) -> bool:
    """Did vert/vrt2 leave the mark as it is set horizontally (LXGW WenKai's U+2014)?"""
    horizontal = {g.gid for g in face.shape(chars)} | {face.glyph_for(chars[0])}
    return all(g.gid in horizontal for g in vertical)


def _horizontal_quote(chars: str, vertical: list[ShapedGlyph], face: Face) -> bool:
    """Is the quotation mark vert gave still a horizontal form (less ink across the column than a
    corner form ﹁﹂ has, chars.VERTICAL_QUOTE_INK_EM: a face's ＂, a proportional “)? `check`
    reads a mark set so as a horizontal quote in vertical text; turned, it is none."""
    if chars[0] not in VERTICAL_QUOTES:
        return False
    left, right = face.ink_extent(vertical[0].gid)
    return right - left < VERTICAL_QUOTE_INK_EM


def _turned_mark(chars: str, cls: CharClass, style: Style, face: Face) -> _Unit:
    """The horizontal glyph turned 90° clockwise, its ink centred on the column; its blank side
    turns with it (left to top). A dash fills its em: one unbroken rule."""
    size, key = style.size, face.key
    glyphs = face.shape(chars)
    natural = sum(g.advance for g in glyphs) * size
    bottom, top = face.ink_rise(glyphs[0].gid)
    dx = -(bottom + top) / 2 * size  # the ink's middle on the column's centre line (GB/T 15834 §5.2)
    scale = 1.0
    ink_left, ink_right = face.ink_extent(glyphs[0].gid) if len(glyphs) == 1 else (0.0, 0.0)
    if ONE_EM_MARKS.get(cls) == "fill" and ink_right > ink_left:
        scale = 1.0 / (ink_right - ink_left)
        advance = size
        start = -ink_left * scale * size
    else:
        advance = max(size, natural)
        start = {"left": advance - natural, "right": 0.0}.get(BLANK_SIDE.get(cls, ""), (advance - natural) / 2)
    placed: list[VGlyph] = []
    down = start
    for k, g in enumerate(glyphs):
        placed.append(VGlyph(key, size, g.gid, dx, down, chars if k == 0 else "", style.color, 90, scale))
        down += g.advance * size * scale
    atom = Atom(chars, cls, style, face, glyphs, [chars], advance)
    set_style_width(atom, vertical=True)
    return _Unit(atom, tuple(placed))


def _word_unit(kind: str, text: str, style: Style, face: Face) -> _Unit:
    """A number of one or two digits upright side by side (纵中横), or a Latin word turned."""
    size, color, key = style.size, style.color, face.key
    shaped = face.shape(text, _APOSTROPHE_FEATURES) if "’" in text else face.shape(text)
    width = sum(g.advance for g in shaped) * size
    glyphs: list[VGlyph] = []
    texts = _cluster_texts(text, [g.cluster for g in shaped])
    cls = CharClass.DIGIT if text.isdigit() else CharClass.LATIN
    if kind == "tcy":
        squeeze = min(1.0, size / width) if width else 1.0  # two digits never wider than the column
        x = -width * squeeze / 2
        for g, t in zip(shaped, texts):
            glyphs.append(VGlyph(key, size, g.gid, x, 0.88 * size, t, color, 0, squeeze))
            x += g.advance * size * squeeze
        return _Unit(Atom(text, cls, style, face, shaped, texts, size), tuple(glyphs))
    down = 0.0
    for g, t in zip(shaped, texts):
        glyphs.append(VGlyph(key, size, g.gid, -TURNED_BASELINE * size, down, t, color, 90))
        down += g.advance * size
    return _Unit(Atom(text, cls, style, face, shaped, texts, down), tuple(glyphs))


def _cluster_texts(text: str, clusters: list[int]) -> list[str]:
    """Per glyph, the characters of its cluster on its first glyph, "" on the others."""
    starts = sorted(set(clusters)) + [len(text)]
    spans = {s: text[s:e] for s, e in zip(starts, starts[1:])}
    return [spans[c] if k == 0 or clusters[k - 1] != c else "" for k, c in enumerate(clusters)]


# --- columns -------------------------------------------------------------------------------------


@record(frozen=True)
class _Spans:
    """The units' numbers, read once: any column's length in O(1)."""

    atoms: list[Atom]
    prefix: list[float]  # prefix[i]: widths of units 0..i-1
    tracking: float
    # tracked[i]: how many of the joins between units 0..i-1 take the tracking; the join inside a
    # —— or …… takes none (tracked_join), so tracked[i] <= max(0, i - 1)
    tracked: list[int]

    @classmethod
    def of(cls, atoms: list[Atom], tracking: float) -> "_Spans":
        prefix = [0.0]
        tracked = [0]
        for k, a in enumerate(atoms):
            prefix.append(prefix[-1] + a.width)
            tracked.append(tracked[-1] + (k > 0 and tracked_join(atoms[k - 1], a)))
        return cls(atoms, prefix, tracking, tracked)

    def joins(self, a: int, b: int) -> int:
        """The tracked joins between units a..b-1 (a < b)."""
        return self.tracked[b] - self.tracked[a + 1]

    def trimmed(self, i: int, j: int) -> tuple[int, int]:
        """Units i..j-1 without the gaps at either end (a column break swallows a space)."""
        space = CharClass.SPACE
        while i < j and self.atoms[i].cls == space:
            i += 1
        while j > i and self.atoms[j - 1].cls == space:
            j -= 1
        return i, j

    def length(self, i: int, j: int) -> float:
        """The column's depth, its first opening mark's top blank dropped (clreq §3.1.6), its last
        mark's foot blank still in."""
        a, b = self.trimmed(i, j)
        if a == b:
            return 0.0
        return self.prefix[b] - self.prefix[a] + self.tracking * self.joins(a, b) - self.atoms[a].start_squeeze

    def fits(self, i: int, j: int, height: float) -> bool:
        a, b = self.trimmed(i, j)
        return a == b or self.length(a, b) - self.atoms[b - 1].squeeze <= height + 0.01

    def lone(self, i: int, j: int) -> bool:
        """One character, alone or with its marks (the vertical 孤字). A turned Latin word deeper
        than LONE_WORD_EM is a word, not one character: counted lone, “We must act now” or
        Mbappé could not stand in a column of its own, and the column broke inside a Han word
        beside it instead (出“We must act now”, Mbappé“帽 / 子戏法”)."""
        a, b = self.trimmed(i, j)
        solid = [atom for atom in self.atoms[a:b] if atom.cls not in BLANK_SIDE]
        if len(solid) == 1 and solid[0].width > LONE_WORD_EM * solid[0].style.size:
            return False
        return len(solid) <= 1 and len(self.atoms) > b - a


def tracked_join(prev: Atom, atom: Atom) -> bool:
    """Does the style's tracking open between these two units? Not inside a —— or a ……: each is
    one unbroken mark two ems long down the column as along a line (GB/T 15834-2011 §4.10, §4.11
    and §5.2: in vertical text they run down the middle of the column, still one mark; clreq §3.8:
    no letter-spacing inside them), the same rule as horizontal text (spacing.GapKind.INSEPARABLE)."""
    return not (prev.cls == atom.cls and atom.cls in INSEPARABLE_CLASSES)


def _columns(units: list[_Unit], height: float, tracking: float) -> list[VColumn]:
    if not units:
        return []
    atoms = [u.atom for u in units]
    spans = _Spans.of(atoms, tracking)
    legal = breakpoints(atoms)
    cuts = _balanced(spans, legal, height) if len(units) <= BALANCE_MAX_UNITS else None
    if cuts is None:
        cuts = _first_fit(spans, set(legal), height)
    return [_column(units, spans, i, j, height) for i, j in zip(cuts, cuts[1:])]


def _balanced(spans: _Spans, legal: list[int], height: float) -> list[int] | None:
    """The fewest columns that hold the units with breaks only where kinsoku allows; among those,
    the least sum of squared depths and of the breaks' cue costs (headline_break_cost: a column
    ends between phrases before it ends inside a word, as a horizontal headline's line does), no
    column of one character where avoidable, and the earlier columns the longer on a tie. None
    when no legal set of breaks fits."""
    n = len(spans.atoms)
    points = [0, *legal, n]
    if not _reachable(spans, points, height):
        return None
    inf = float("inf")
    # What ending a column at each point costs, the horizontal headline's table (display.break_cost:
    # after a mark, at a space or a Latin word's edge nothing; before a 介词/连词 or after a 助词
    # little; between two Han the copy wrote together, a word perhaps cut, what some six ems of
    # imbalance cost), in pt² as the depths here are
    em = max((a.style.size for a in spans.atoms), default=1.0) or 1.0
    cues = [headline_break_cost(spans.atoms, j) * em * em for j in points]
    # best[p]: (cost, previous point) of setting units up to points[p] in k columns
    best: list[tuple[float, int]] = [(0.0, -1)] + [(inf, -1)] * (len(points) - 1)
    back: list[list[int]] = []
    for k in range(1, len(points)):
        row: list[tuple[float, int]] = [(inf, -1)] * len(points)
        for q in range(1, len(points)):
            j = points[q]
            for p in range(q - 1, -1, -1):
                i = points[p]
                if not spans.fits(i, j, height):
                    break  # a longer column fits no better
                if best[p][0] == inf:
                    continue
                depth = spans.length(i, j)
                cost = (best[p][0] + depth * depth + k * depth * 1e-6 + cues[q]
                        + (ONE_CHARACTER_COLUMN if spans.lone(i, j) else 0.0))
                if cost < row[q][0]:
                    row[q] = (cost, p)
        back.append([p for _, p in row])
        best = row
        if best[-1][0] < inf:
            cuts = [n]
            q = len(points) - 1
            for r in range(k - 1, -1, -1):
                q = back[r][q]
                cuts.append(points[q])
            return cuts[::-1]
    return None


def _reachable(spans: _Spans, points: list[int], height: float) -> bool:
    """Can the units be cut into columns that fit at these points at all? (So the search ends.)"""
    reach = [True] + [False] * (len(points) - 1)
    for q in range(1, len(points)):
        for p in range(q - 1, -1, -1):
            if not spans.fits(points[p], points[q], height):
                break
            if reach[p]:
                reach[q] = True
                break
    return reach[-1]


def _first_fit(spans: _Spans, legal: set[int], height: float) -> list[int]:
    """Fill each column, ending it at the last legal break that fits; where none does, at the last
    unit that fits (kinsoku given up), and a unit taller than the column stands alone (overset)."""
    n = len(spans.atoms)
    cuts = [0]
    i = 0
    while i < n:
        j = i + 1
        while j < n and spans.fits(i, j + 1, height):
            j += 1
        if j < n:
            ok = [b for b in range(j, i, -1) if b in legal]
            j = ok[0] if ok else j
        cuts.append(j)
        i = j
    return cuts


def _column(units: list[_Unit], spans: _Spans, i: int, j: int, height: float) -> VColumn:
    a, b = spans.trimmed(i, j)
    over = max(0.0, spans.length(a, b) - height)  # taken from the last mark's foot blank (push-in)
    glyphs: list[VGlyph] = []
    down = 0.0
    for k in range(a, b):
        atom = units[k].atom
        width, shift = atom.width, atom.shift
        if k == a and atom.start_squeeze:
            width -= atom.start_squeeze
            shift += atom.start_squeeze
        if k == b - 1 and over:
            width -= min(over, atom.squeeze)
        glyphs += [replace(g, down=g.down + down - shift) for g in units[k].glyphs]
        # the tracking after every unit but inside a ——/……, the last's taken off below
        down += width + (spans.tracking if k + 1 == b or tracked_join(atom, units[k + 1].atom) else 0.0)
    text = "".join(units[k].atom.text for k in range(a, b))
    return VColumn(tuple(glyphs), max(0.0, down - spans.tracking), text)
