"""Paragraphs into justified lines on the character grid.

Atoms (compose/atoms.py) and the gaps between them (compose/spacing.py) are
broken into lines by Knuth–Plass (compose/linebreak.py); each line is then set
exactly to its measure in the orders of compose/spacing.py (clreq §3.8): stretch
goes first into word spaces, the blanks of marks set narrower than an em (开明) and
Han–Latin gaps (to a third of an em), then evenly into every gap between
characters; shrink comes first from the line-end mark's blank, then word spaces,
全角 marks' blanks, Han–Latin gaps, a mid-line 。？！'s half em, and last from the Han
(1/16 em). Never inside —— or ……, never inside a Latin word, but for the even letter
spacing of a line that starts or ends inside a word broken to fit (a URL).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from dataclasses import replace
from typing import NamedTuple

from pagesetter.compose.atoms import (
    blank_side,
    Atom, compress_adjacent, grid_marks, mark_enumerator, han_latin_spaces, make_atoms, mirror_brackets, space_widths,
    split_wide,
)
from pagesetter.compose.bidi import MAYBE_RTL, strong_type, visual_runs
from pagesetter.compose.chars import BLANK_SIDE, FORMAT_CHARS, WORD_LETTERS, WORD_MARKS_COMBINING, WORDLIKE, CharClass
from pagesetter.compose.memo import style_key
from pagesetter.compose.linebreak import (
    CLOSING_CLASSES, Breakable, Metrics, can_break_before, gaps_of, knuth_plass, line_span, measure_line,
)
from pagesetter.compose.spacing import (
    GAP_RULES, HAN_HOLE_EM, LETTER_SPACING_LIMIT, WORD_SPACE_LIMIT, SHRINK_ORDER, STRETCH_ORDER, VERY_LOOSE_EM, VERY_LOOSE_LIMIT, SOLID_KINDS, Gap, GapKind,
)
from pagesetter.fonts.face import Face, FaceSet
from pagesetter.records import record
from pagesetter.spec.model import BLACK, CMYK, Style

__all__ = ["GlyphPos", "Line", "Run", "atoms_for", "break_lines", "can_break_before", "compose_paragraph",
           "hyphenated_capital", "set_line"]


class GlyphPos(NamedTuple):
    """A NamedTuple, like pagetree.Glyph: made by the ten thousand, and pickled into the cache."""

    face: str
    size: float
    gid: int
    x: float  # pt from the line's start to the glyph origin
    text: str  # the characters this glyph stands for ("" for a later glyph of a cluster)
    color: CMYK
    dy: float = 0.0  # pt, upwards
    scale_x: float = 1.0  # horizontal scale (a 破折号 stretched to fill its ems)


@record(frozen=True)
class Line:
    glyphs: tuple[GlyphPos, ...]
    width: float  # the measure it was set to
    natural: float  # its width before justification (indent included)
    text: str
    last: bool  # last line of its paragraph
    size: float  # largest type size on the line
    overfull: bool = False  # wider than the measure even after every allowed shrink
    role: str = "body"  # "body", "subhead", "blank" (an empty grid line), "jump"
    han_spread: float = 0.0  # em: the mean space between two Han side by side beyond their ems
    # set short of the measure by design (a line of a style set flush left, centred or flush right:
    # TV listings, a poem): the layout record marks its grid line (flow/article.py _set_body), so
    # `pagesetter check` does not hold it to the measure
    ragged: bool = False
    # a table row's rules (flow/tables.py): the kind ("table", "table_head": the spec's rules: say
    # their weights) of the rule along the top and along the foot of
    # its grid line, drawn across the line's width; "": none
    rules: tuple[str, str] = ("", "")
    # set short (and ragged) because justifying it would have opened white a 校对 marks, and
    # which (SET_SHORT_CAUSES: the build's warning says it): "" where the line is not set short
    set_short: str = ""
    # pt the line is set in from each edge of its column (a quotation's 编者按 inset, flow/article.py
    # _inset_line): its own measure is ``width`` less twice this
    inset: float = 0.0
    # a heading-like line (a paragraph that is one run-in lead alone, **【注释】**): kept with the
    # line after it, never alone at a column's foot (flow/article.py keep_items)
    keep_next: bool = False

    @property
    def very_loose(self) -> bool:
        """Spread past what `pagesetter check` calls very loose (spacing.VERY_LOOSE_LIMIT)."""
        return self.han_spread > VERY_LOOSE_LIMIT + 1e-3

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Set lines go into the cache, and from a precompose child or an edition page to another
        # process. Pickle writes a NamedTuple through a Python call per glyph; plain tuples go
        # four times faster (as pagetree.TextLine).
        return _line, (tuple([tuple(g) for g in self.glyphs]), self.width, self.natural, self.text, self.last,
                       self.size, self.overfull, self.role, self.han_spread, self.ragged, self.rules,
                       self.set_short, self.inset, self.keep_next)


def _line(glyphs: tuple[tuple[object, ...], ...], *rest: object) -> Line:
    """Line.__reduce__'s way back: GlyphPos made again without NamedTuple's Python constructor."""
    new = tuple.__new__
    return Line(tuple([new(GlyphPos, g) for g in glyphs]), *rest)  # type: ignore[arg-type]


# Why set_line set a justified line short of the measure, flush left (Line.set_short), in the
# words of the build's warning (flow/article.py): the white justifying it would have opened.
# "before " and the mark: white before a full-width closing mark (_wide_before_closing).
SET_SHORT_CAUSES: dict[str, str] = {
    # its letters spaced past spacing.LETTER_SPACING_LIMIT (C o r p o r a t i o n)
    "letters": "its Latin would be spaced out",
    # a Han–Latin gap past its third of an em (clreq §3.2.2; _past_han_latin_cap)
    "han-latin": "the white between its Han and Latin would pass a third of an em",
    # white before a full-width closing mark, which has none of its own there (GB/T 15834-2011 §5)
    "before": "white would stand before its {mark}",
    # a word space past spacing.WORD_SPACE_LIMIT (_wide_word_space)
    "word-space": "its word spaces would open past two thirds of an em",
    # Han spread past spacing.HAN_HOLE_EM, what `check` calls a hole (10号　　球　　员No.10)
    "han": "its Han would stand so far apart that the white reads as a missing character",
}


def set_short_cause(code: str) -> str:
    """SET_SHORT_CAUSES's words for a Line.set_short code ("before ，" names its mark)."""
    kind, _, mark = code.partition(" ")
    return SET_SHORT_CAUSES.get(kind, SET_SHORT_CAUSES["letters"]).format(mark=mark)


# A word's letters (a name's parts joined by their own hyphens and apostrophes: Jean-Pierre, O'Connor)
# at a line's end, not after a code's or an address's figure or mark, and at the next line's start:
# what hyphenated_capital reads.
_WORD_AT_END = re.compile(rf"(?<![\d.@/_-])(?:[{WORD_LETTERS}]+['’-])*[{WORD_LETTERS}]+$")
_WORD_AT_START = re.compile(rf"[{WORD_LETTERS}]+(?:['’-][{WORD_LETTERS}]+)*")


def _added_hyphen(line: Line) -> bool:
    """Does ``line`` end at a hyphen the composer added (_place_glyphs draws it; Line.text has it not)?"""
    return bool(line.glyphs) and line.glyphs[-1].text == "-" and not line.text.rstrip().endswith("-")


def hyphenated_capital(lines: list[Line], k: int) -> str:
    """The capitalised word (a name: Antetokounmpo) lines[k] ends inside, at a hyphen the composer
    added (a forced break or, where a style asks, a hyphenation), whole as the copy has it, across
    as many lines as it runs on (Supercal- / ifragilisticexpiali- / docious); "" where the line ends
    otherwise or the word does not start on it. A name is broken so only when it is wider than the
    line (atoms._whole_names): the build says it (`name-break`), as a name parted at its own hyphen
    (chars.parted_name)."""
    if not _added_hyphen(lines[k]) or k + 1 >= len(lines):
        return ""
    tail = _WORD_AT_END.search(lines[k].text.rstrip())
    if tail is None or not tail.group()[:1].isupper():
        return ""
    word = tail.group()
    for line in lines[k + 1:]:
        head = _WORD_AT_START.match(line.text.lstrip())
        if head is None:
            break
        word += head.group()
        if head.group() != line.text.strip() or not _added_hyphen(line):
            break
    return word


@record(frozen=True)
class Run:
    text: str
    style: Style


def atoms_for(runs: list[Run], faces: FaceSet) -> list[Atom]:
    atoms: list[Atom] = []
    for run in runs:
        first = len(atoms)
        for text, style in by_coverage(run.text, run.style, faces):
            atoms.extend(make_atoms(text, style, faces.get(style.font)))
        if MAYBE_RTL.search(run.text) is not None:  # nearly no run has a right-to-left letter
            mirror_brackets(atoms[first:], run.text)
    grid_marks(atoms)
    compress_adjacent(atoms)
    space_widths(atoms)
    mark_enumerator(atoms)
    return atoms


def by_coverage(text: str, style: Style, faces: FaceSet) -> list[tuple[str, Style]]:
    """The run cut where a character must come from a fallback face (fonts/manifest.yaml); a
    character no face of the chain has stays in the style's face, to be reported as missing."""
    chain = faces.chain(style.font)
    if len(chain) == 1 or chain[0].lacking(text) <= FORMAT_CHARS:
        return [(text, style)]
    whole = _whole_words(text, chain)
    pieces: list[tuple[str, Style]] = []
    for i, ch in enumerate(text):
        # ZWSP, soft hyphen, word joiner are never printed (make_atoms reads them): any face
        face = whole.get(i) or next((f for f in chain if ch.isspace() or ch in FORMAT_CHARS or f.glyph_for(ch)),
                                    chain[0])
        chosen = style if face is chain[0] else replace(style, font=face.key)
        if pieces and pieces[-1][1] == chosen:
            pieces[-1] = (pieces[-1][0] + ch, pieces[-1][1])
        else:
            pieces.append((ch, chosen))
    return pieces


# A word (Latin, Greek, Cyrillic: WORD_LETTERS): its letters, and any format characters between them (a word joiner holding a
# photo credit together, caption_lines; a soft hyphen): they print nothing and part no word, so
# Ljubi\u2060č\u2060i\u2060ć is one word, set from one face (not Ljubi in 黑体 and čić in the kai).
# Compiled at its first use (issue 21): only a run its face cannot set whole looks for words.
# A combining mark after a letter is one of the word's (Ag̃ui: the tilde the serif lacks sets the
# whole word from the kai, never the mark alone from it, trial 17 #6).
@cache
def word_pattern() -> re.Pattern[str]:
    letter = f"[{WORD_LETTERS}][{WORD_MARKS_COMBINING}]*"
    return re.compile(f"(?:{letter})+(?:[{''.join(sorted(FORMAT_CHARS))}]+(?:{letter})+)*")


def _whole_words(text: str, chain: list[Face]) -> dict[int, Face]:
    """The face of each letter of a Latin word the chain's first face cannot set whole: the first
    face of the chain that has every letter of it. A word is never set from two faces (Đokovi ć,
    the serif's letters and the kai's ć with a gap between: a 校对 marks it); a word no face has
    whole keeps the per-character choice (what no face has is reported missing)."""
    out: dict[int, Face] = {}
    for m in word_pattern().finditer(text):
        word = m.group()
        if not chain[0].lacking(word) - FORMAT_CHARS:
            continue
        face = next((f for f in chain[1:] if not f.lacking(word) - FORMAT_CHARS), None)
        if face is not None:
            out.update((i, face) for i in range(m.start(), m.end()))
    return out


class FallbackWord(NamedTuple):
    """A Latin word its style's face cannot set whole, set whole from a fallback face (_whole_words)."""

    word: str
    face: Face  # the style's own face, which lacks ``lacking``
    fallback: Face  # the face of the chain the word is set from
    lacking: str  # the word's letters ``face`` has no glyph for


def fallback_words(runs: list[Run], faces: FaceSet) -> list[FallbackWord]:
    """The Latin words of ``runs`` set from a fallback face (by_coverage), each once, in order: a
    word in another face's letters beside its neighbours' (Đoković in the kai among Noto Serif) is
    one a 校对 sees, so the build says it (flow/article.py); `pagesetter fonts` lists the letters."""
    out: dict[tuple[str, str], FallbackWord] = {}
    for run in runs:
        chain = faces.chain(run.style.font)
        if len(chain) == 1 or chain[0].lacking(run.text) <= FORMAT_CHARS:
            continue  # the face has every character (nearly every run)
        for m in word_pattern().finditer(run.text):
            word = "".join(ch for ch in m.group() if ch not in FORMAT_CHARS)  # as printed
            lacking = chain[0].lacking(word)
            face = next((f for f in chain[1:] if not f.lacking(word)), None) if lacking else None
            if face is not None:
                out.setdefault((word, face.key), FallbackWord(word, chain[0], face, "".join(sorted(lacking))))
    return list(out.values())


def break_lines(atoms: list[Atom], measure: float, first_indent: float,
                gaps: list[Gap] | None = None) -> list[tuple[int, int]]:
    """Knuth–Plass breaks; first fit only when no legal set of lines exists (a chain of atoms
    kinsoku or word joiners hold together, wider than the measure).
    ``gaps``: gaps_of(atoms), when the caller has them already."""
    gaps = gaps_of(atoms) if gaps is None else gaps
    breaks = knuth_plass(atoms, measure, first_indent, gaps)
    return breaks if breaks is not None else _first_fit(atoms, measure, first_indent, gaps)


def _first_fit(atoms: list[Atom], measure: float, first_indent: float, gaps: list[Gap]) -> list[tuple[int, int]]:
    """Each line as full as it may be. Where no legal break fits, the line breaks after the last
    atom that fits, kinsoku or not: a broken rule is better than ink past the measure. Only an
    atom wider than the measure by itself is left overfull (set_line marks it)."""
    m = Metrics.of(atoms, gaps)
    out: list[tuple[int, int]] = []
    s, n = 0, len(atoms)
    while s < n:
        avail = measure - (first_indent if not out else 0.0)
        best = None
        fits = s + 1  # the last end that fits, legal or not
        for j in range(s + 1, n + 1):
            a, b = line_span(atoms, s, j)
            natural, _, shrink = measure_line(atoms, m, a, b)
            if natural - shrink > avail + 1e-6:
                break
            fits = j
            if j == n or can_break_before(atoms, j):
                best = j
        best = best or fits
        out.append(line_span(atoms, s, best))
        s = best
    return out


def set_line(atoms: list[Atom], s: int, e: int, measure: float, indent: float, justify: bool,
             last: bool, all_gaps: list[Gap] | None = None, hold_ink: bool = True) -> Line:
    """Position the glyphs of atoms[s:e]; a justified line ends exactly at the measure.
    ``all_gaps``: gaps_of(atoms), when the caller has them already. ``hold_ink``: a first Latin
    glyph whose ink reaches left of its origin is set in by that much (_hold_left_ink), unless the
    line then cannot shrink to the measure: the line breaker does not count that inset, and a line
    wider than its measure is worse than a hook of ink at the column's edge."""
    seg = atoms[s:e]
    seg_gaps = gaps_of(seg) if all_gaps is None else all_gaps[s:max(s, e - 1)]
    gaps = [g.natural for g in seg_gaps]
    widths = [a.width for a in seg]
    shifts = [a.shift for a in seg]
    if seg and seg[0].start_squeeze:
        widths[0] -= seg[0].start_squeeze
        shifts[0] += seg[0].start_squeeze
    held = bool(seg) and hold_ink and _hold_left_ink(seg[0], widths, shifts)
    natural = sum(widths) + sum(gaps)
    extra = (measure - indent) - natural
    # A line that starts or ends inside a word (a URL broken) is also letter-spaced, by the joined
    # gaps' share of the stretch, as Knuth–Plass counted it; a whole word is never spaced out.
    spaced = 0.0
    broken = seg and (seg[0].joined or (e < len(atoms) and atoms[e].joined))
    if broken and extra > 1e-6 and justify and not last:
        letters = sum([g.stretch for g in seg_gaps if g.kind == GapKind.INSEPARABLE])
        if letters > 0:
            spaced = extra * letters / sum([g.stretch for g in seg_gaps])
            extra -= spaced
    if seg and (extra < -1e-6 or (justify and not last and extra > 1e-6)):
        letters = any([len(a.glyphs) > 1 for a in seg]) or GapKind.INSEPARABLE in [g.kind for g in seg_gaps]
        stretched = extra > 0
        extra = _stretch(seg_gaps, gaps, extra, letters) if extra > 0 else \
            _shrink(seg, seg_gaps, gaps, widths, shifts, extra)
        cause = ""
        if stretched and _past_han_latin_cap(seg_gaps, gaps, max([a.style.size for a in seg])):
            # 员 Hans Müller-: a line whose only stretch is a word space and a Han–Latin gap gave
            # the cap up (_stretch), a hole `check` fails; set short, as a spaced-out word is.
            cause = "han-latin"
        elif stretched and (mark := _wide_before_closing(seg, seg_gaps, gaps)):
            # So too Health Organization， (全角): its one gap that stretches evenly is the one
            # before the comma, which would take the whole line's room
            cause = f"before {mark}"
        elif stretched and _han_spread(seg, seg_gaps, gaps) > HAN_HOLE_EM - 0.01:
            # 10号　　球　　员No.10: a line before a word that does not fit, its Han its only even
            # stretch, spread so far that each gap reads as a character not printed (a hole, to
            # check): set short, as a spaced-out word is (trial 17a); the line breaker still weighs
            # it by that spread, so takes it only where every other set of lines is worse
            cause = "han"
        elif stretched and _wide_word_space(seg, gaps):
            # And for    Reconstruction    and: a line of Latin words whose spaces took its room
            # past WORD_SPACE_LIMIT
            cause = "word-space"
        if cause:
            return replace(set_line(atoms, s, e, measure, indent, False, last, all_gaps, hold_ink),
                           ragged=True, set_short=cause)
    track = 0.0
    if (spaced > 1e-6 or extra > 1e-6) and justify and not last:  # and what no gap could take
        track = _letterspace(seg, seg_gaps, gaps, widths, spaced, max(extra, 0.0))
        extra = 0.0
        if track > LETTER_SPACING_LIMIT * max([a.style.size for a in seg]) + 1e-6:
            # C o r p o r a t i o n: the line is set short, flush left at its natural spacing,
            # rather than its words spaced out (spacing.LETTER_SPACING_LIMIT); check exempts it
            line = set_line(atoms, s, e, measure, indent, False, last, all_gaps, hold_ink)
            return replace(line, ragged=True, set_short="letters")
    if held and extra < -0.01:
        return set_line(atoms, s, e, measure, indent, justify, last, all_gaps, hold_ink=False)
    return Line(_place_glyphs(seg, gaps, widths, shifts, indent, track), measure, natural + indent,
                "".join([a.text for a in seg]), last, max([a.style.size for a in seg], default=0.0),
                overfull=extra < -0.01, han_spread=_han_spread(seg, seg_gaps, gaps))


# em a Han–Latin gap may pass its cap (a third of an em) before `check` calls it too wide (0.34 em)
_CAP_SLACK = 0.34 - 1 / 3


def _past_han_latin_cap(seg_gaps: list[Gap], gaps: list[float], em: float) -> bool:
    """Is a Han–Latin gap set wider than its cap (clreq §3.2.2: a third of an em; its natural
    width and fill, spacing._gap) by more than `check` allows? Only _stretch's last branch, the
    cap given up, sets one so. Not the gap beside a 连接号 (2～11℃): it has no cap, it stretches
    as between Han."""
    latin, slack = GapKind.HAN_LATIN, _CAP_SLACK * em
    return any([gap > g.natural + g.fill + slack for g, gap in zip(seg_gaps, gaps) if g.kind is latin and not g.stretch])




def _wide_before_closing(seg: list[Atom], seg_gaps: list[Gap], gaps: list[float]) -> str:
    """The closing mark before which the stretch put white wider than a very loose line's spread
    (VERY_LOOSE_EM) and wider than the line's Han took ("" where none). A line of whole Latin words before a
    full-width comma has no other gap of the even stretch (word spaces are capped: spacing.py), so
    the comma would stand apart from its word (`pagesetter check` calls that white a very loose
    line); a line whose Han are that loose too is loose all along, and said so already."""
    spread = _han_spread(seg, seg_gaps, gaps)
    for k, (g, gap) in enumerate(zip(seg_gaps, gaps)):
        b = seg[k + 1]
        if b.cls in CLOSING_CLASSES and g.kind is GapKind.GRID and seg[k].cls not in BLANK_SIDE:
            em = b.style.size
            if gap - g.natural > VERY_LOOSE_EM * em and gap - g.natural > (spread + 0.01) * em:
                return b.text
    return ""


def _wide_word_space(seg: list[Atom], gaps: list[float]) -> bool:
    """Is a typed word space of the line (the space and the gaps either side) set wider than
    spacing.WORD_SPACE_LIMIT? Only a line of nothing but Latin words (_stretch's last branch, the
    cap given up) sets one so. Not a space of set width between Chinese (记者 张明): its own
    limit is 一字空 (spacing.FIXED_SPACE_MAX)."""
    space = CharClass.SPACE
    for k in range(1, len(seg) - 1):
        a = seg[k]
        if a.cls is space and not a.fixed_space and \
                gaps[k - 1] + a.width + gaps[k] > WORD_SPACE_LIMIT * a.style.size + 1e-6:
            return True
    return False


def _hold_left_ink(first: Atom, widths: list[float], shifts: list[float]) -> bool:
    """A Latin glyph starting a line whose ink reaches left of its origin (Noto Serif's j, its
    descender's hook 0.08 em) is set that much further in, so no ink stands past the column's
    left edge (as atoms._unkern keeps a line end's overhang inside the measure)."""
    if first.cls not in WORDLIKE and first.cls != CharClass.OTHER or not first.glyphs:
        return False
    g = first.glyphs[0]
    overhang = -first.face.ink_extent(g.gid)[0] * first.style.size * first.scale_x - g.x_offset * first.style.size
    if overhang > 0:
        widths[0] += overhang
        shifts[0] -= overhang
        return True
    return False


def _han_spread(seg: list[Atom], seg_gaps: list[Gap], gaps: list[float]) -> float:
    """The mean of the set gaps between two Han characters, in em (what `pagesetter check`
    measures from the PDF: a space the copy kept between them makes no such pair)."""
    han = GapKind.HAN  # a local: an enum member is slow to look up (and Atom.em is style.size)
    spread = [gap / seg[k].style.size for k, (g, gap) in enumerate(zip(seg_gaps, gaps)) if g.kind is han]
    return sum(spread) / len(spread) if spread else 0.0


# GlyphPos(...) without NamedTuple's __new__, a Python function: a page makes ten thousand.
_glyph_pos = tuple.__new__


def _letterspace(seg: list[Atom], seg_gaps: list[Gap], gaps: list[float], widths: list[float],
                 spaced: float, extra: float) -> float:
    """A line broken inside a URL or a long word: ``spaced`` (the broken word's share of the
    stretch) spread evenly between the letters of its words only, so the Han beside them are
    spread no further than Knuth–Plass counted; ``extra`` (what no gap could take) between all
    the line's glyphs. Returns the space added after each glyph inside an atom. Han–Latin gaps
    take none: they are full at a third of an em (clreq §3.2.2)."""
    capped = [g.kind == GapKind.HAN_LATIN for g in seg_gaps]
    inside = sum([len(a.glyphs) - 1 for a in seg])
    words = [g.kind == GapKind.INSEPARABLE for g in seg_gaps]
    letters = inside + sum(words)
    if letters <= 0:
        extra += spaced
        spaced = 0.0
    count = inside + len(seg_gaps) - sum(capped)
    if count <= 0:
        return 0.0
    word_track = spaced / letters if letters > 0 else 0.0
    track = extra / count
    gaps[:] = [gap if cap else gap + track + (word_track if word else 0.0)
               for gap, cap, word in zip(gaps, capped, words)]
    for k, atom in enumerate(seg):
        widths[k] += (track + word_track) * (len(atom.glyphs) - 1)
    return track + word_track


def _place_glyphs(seg: list[Atom], gaps: list[float], widths: list[float], shifts: list[float],
                  indent: float, track: float = 0.0) -> tuple[GlyphPos, ...]:
    glyphs: list[GlyphPos] = []
    append = glyphs.append
    x = indent
    style = face = None
    em = 0.0
    key = ""
    color = BLACK
    # a line with right-to-left text (compose/bidi.py): each atom's first glyph and box, to mirror
    rtl = MAYBE_RTL.search("".join([a.text for a in seg])) is not None
    boxes: list[tuple[int, float, float]] = []
    for k, atom in enumerate(seg):
        if k:
            x += gaps[k - 1]
        if rtl:
            boxes.append((len(glyphs), x, x + widths[k]))
        gx = x - shifts[k]
        if atom.style is not style:  # a line is mostly one style and one face: look them up once
            style = atom.style
            em, color = style.size, style.color
        if atom.face is not face:
            face = atom.face
            key = face.key
        scale_x = atom.scale_x
        if len(atom.glyphs) == 1:  # nearly every atom: one character, one glyph
            g = atom.glyphs[0]
            append(_glyph_pos(GlyphPos, (key, em, g.gid, gx + g.x_offset * em, atom.texts[0], color,
                                         g.y_offset * em, scale_x)))
        else:
            for g, text in zip(atom.glyphs, atom.texts):
                append(_glyph_pos(GlyphPos, (key, em, g.gid, gx + g.x_offset * em, text, color,
                                             g.y_offset * em, scale_x)))
                gx += g.advance * em * scale_x + track
        x += widths[k]
    if seg and seg[-1].hyphen is not None:  # the line ends inside a word: the hyphen its width kept room for
        g = seg[-1].hyphen
        append(_glyph_pos(GlyphPos, (key, em, g.gid, x - seg[-1].hyphen_width + g.x_offset * em, "-", color,
                                     g.y_offset * em, 1.0)))
    if rtl:
        _mirror_rtl(seg, boxes, glyphs)
    return tuple(glyphs)


def _mirror_rtl(seg: list[Atom], boxes: list[tuple[int, float, float]], glyphs: list[GlyphPos]) -> None:
    """The line's right-to-left runs set in visual order (compose/bidi.py visual_runs): each block
    of a run moved to its mirror place within the run's extent, so the run's first word stands
    rightmost; the white between its blocks is kept, mirrored. A word's own glyphs are in visual
    order already (atoms._rtl_glyphs), a number's left to right; the glyphs keep their stored
    order in the content stream, so their ToUnicode reads the copy's order."""
    ends = [b[0] for b in boxes[1:]] + [len(glyphs)]
    types = ["R" if a.rtl else strong_type(a.text) for a in seg]  # a bracket resolved R (bidi.rtl_brackets)
    numeric = [any([unicodedata.bidirectional(ch) in ("EN", "AN") for ch in a.text]) for a in seg]
    joined = [a.joined for a in seg]
    for blocks in visual_runs(types, numeric, joined):
        left, right = boxes[blocks[0][0]][1], boxes[blocks[-1][-1]][2]
        for block in blocks:
            a, b = boxes[block[0]][1], boxes[block[-1]][2]
            dx = left + right - b - a
            for g in range(boxes[block[0]][0], ends[block[-1]]):
                glyphs[g] = glyphs[g]._replace(x=glyphs[g].x + dx)


def _stretch(seg_gaps: list[Gap], gaps: list[float], extra: float, letters: bool = False) -> float:
    """clreq §3.8 expansion: each STRETCH_ORDER step fills its gaps evenly up to their fill, then
    every gap takes its GapRule share of the rest. A line with no such gap (Latin words and
    Han–Latin gaps only) spreads the rest over all its gaps but ——/……, the cap given up. A line
    the capped steps leave spread past VERY_LOOSE_EM takes every mark's blank (spacing.py)."""
    before = gaps[:]
    left = _fill_steps(seg_gaps, gaps, extra, capped=True)
    inseparable = GapKind.INSEPARABLE
    stretch = sum([0.0 if g.kind is inseparable else g.stretch for g in seg_gaps])
    if left > 0 and stretch > 0 and left / stretch * GAP_RULES[GapKind.HAN].stretch > VERY_LOOSE_EM:
        gaps[:] = before
        left = _fill_steps(seg_gaps, gaps, extra, capped=False)
    extra = left
    if extra > 0:
        # Inside a word broken to fit (joined pieces) the letter spacing is set_line's track, not this.
        weights = [0.0 if g.kind is inseparable else g.stretch for g in seg_gaps]
        if sum(weights) <= 0:
            # No gap that stretches (Latin words and Han–Latin gaps only). Without a typed space
            # a line with letters spaces them out (set_line's track): the Han–Latin gaps keep
            # their cap (clreq §3.2.2: a third of an em; www.jcjt.gov.cn/wuqiao查 set 0.37 em
            # before 查 so); else every gap takes an even share, the cap given up.
            if letters and all(g.kind != GapKind.SPACE for g in seg_gaps):
                return extra
            weights = [0.0 if g.kind in SOLID_KINDS else 1.0 for g in seg_gaps]
        total = sum(weights)
        if total > 0:
            gaps[:] = [gap + extra * w / total for gap, w in zip(gaps, weights)]
            extra = 0.0
    return extra


def _fill_steps(seg_gaps: list[Gap], gaps: list[float], extra: float, capped: bool) -> float:
    """STRETCH_ORDER's steps, each filling its gaps evenly up to their fill (up to its ``most``
    when ``capped``); returns what is left for the even stretch."""
    for step in STRETCH_ORDER:
        if extra <= 0:
            return 0.0
        kinds = step.kinds
        room = [g.fill if g.kind in kinds else 0.0 for g in seg_gaps]
        most = extra if step.most is None or not capped else min(extra, step.most * max(room, default=0.0))
        extra += _spread(gaps, room, most) - most
    return extra


def _spread(gaps: list[float], room: list[float], extra: float) -> float:
    """Each gap grows by the same share of its room, all together by at most ``extra``; returns
    what is left (evenly within a step: equal rooms grow equally)."""
    total = sum(room)
    if total <= 0:
        return extra
    take = min(extra, total)
    f = take / total
    for k, r in enumerate(room):
        if r:
            gaps[k] += r * f
    return extra - take


def _shrink(seg: list[Atom], seg_gaps: list[Gap], gaps: list[float], widths: list[float],
            shifts: list[float], extra: float) -> float:
    """Take back space in clreq's order (SHRINK_ORDER), evenly within each step, until the line
    fits; returns what could not be taken. A line-start mark's blank, dropped already (start
    squeeze), is not taken again."""
    need = -extra
    mark_room = [a.shrink for a in seg[:-1]]
    if seg[0].start_squeeze and mark_room:
        mark_room[0] = max(0.0, mark_room[0] - seg[0].start_squeeze)
    for step in SHRINK_ORDER:
        if need <= 1e-9:
            break
        gap_room = [g.shrink + g.tighten if g.kind in step.gaps else 0.0 for g in seg_gaps] if step.gaps else []
        atom_room = [r if seg[k].cls in step.marks else 0.0 for k, r in enumerate(mark_room)] if step.marks else []
        if step.stops:
            atom_room = [a.stop_shrink for a in seg[:-1]]
        end_room = max(seg[-1].squeeze, seg[-1].shrink) if step.line_end else 0.0
        total = sum(gap_room) + sum(atom_room) + end_room
        if total <= 0:
            continue
        f = min(1.0, need / total)
        for k, r in enumerate(gap_room):
            if r:
                gaps[k] -= r * f
        for k, r in enumerate(atom_room):
            if r:
                _narrow(seg[k], k, r * f, widths, shifts)
        if end_room:
            _narrow(seg[-1], len(seg) - 1, end_room * f, widths, shifts)
        need -= total * f
    return -max(need, 0.0)


def _narrow(atom: Atom, k: int, take: float, widths: list[float], shifts: list[float]) -> None:
    """A mark gives up ``take`` of its blank, on the side its blank is (GB/T 15834 §5)."""
    widths[k] -= take
    side = blank_side(atom)  # where the face's glyph has its white (a centred mark: both sides)
    if side == "left":
        shifts[k] += take
    elif side == "both":
        shifts[k] += take / 2


def compose_paragraph(runs: list[Run], measure: float, faces: FaceSet, *, indent: float = 0.0,
                      justify: bool = True) -> tuple[list[Line], list[str]]:
    """A paragraph becomes lines; also returns the characters no face had (for the report)."""
    key = paragraph_key(runs, measure, indent, justify)
    lines, missing = faces.memo.get(key, lambda: _compose_paragraph(runs, measure, faces, indent, justify))
    return list(lines), list(missing)


def paragraph_key(runs: list[Run], measure: float, indent: float, justify: bool) -> tuple:
    """What a paragraph's lines depend on (besides the faces): its memo key."""
    return ("paragraph", tuple((r.text, style_key(r.style)) for r in runs), measure, indent, justify)


# em: the biases of the line breaker's spacing tried, in turn, to set a paragraph a line shorter or
# longer (rebreak_paragraph): from a 64th of an em, the least that moves a break, to an eighth.
REBREAK_BIASES = tuple(k / 64 for k in range(1, 9))


def rebreak_paragraph(runs: list[Run], measure: float, faces: FaceSet, *, indent: float = 0.0,
                      justify: bool = True, more: int = -1) -> tuple[Line, ...] | None:
    """The paragraph set ``more`` lines longer (a line shorter when -1): what a make-up editor asks
    of a paragraph to keep its last line from the head of a column (紧排 or 松排 a paragraph).
    The lines are broken as if the style's tracking were a little tighter (looser), the least bias
    of REBREAK_BIASES that gives the count, and each set to the measure by the style's own spacing
    rules (spacing.py): no gap past its limits. None when no bias gives it without a line the
    composition as set does not have: one wider than the measure, set short, spread between Han
    past the even stretch at which the line breaker's first pass takes a line (GAP_RULES: an eighth
    of an em; on a 13-em line of Han, a character pushed over spreads it 1/12 em), or a last line of
    one character (孤字)."""
    key = ("rebreak", paragraph_key(runs, measure, indent, justify), more)
    return faces.memo.get(key, lambda: _rebreak(runs, measure, faces, indent, justify, more))


def _rebreak(runs: list[Run], measure: float, faces: FaceSet, indent: float, justify: bool,
             more: int) -> tuple[Line, ...] | None:
    lines, _ = compose_paragraph(runs, measure, faces, indent=indent, justify=justify)
    if not justify or any(line.set_short or line.overfull for line in lines):
        return None
    atoms = split_wide(han_latin_spaces(atoms_for(runs, faces)), measure, measure - max(indent, 0.0))
    gaps = gaps_of(atoms)
    loosest = max([GAP_RULES[GapKind.HAN].stretch, *(line.han_spread for line in lines)]) + 1e-3
    breakable = Breakable.of(atoms)
    for bias in REBREAK_BIASES:
        # Tracking is read by the gaps alone (spacing.gap_between): the same atoms, their gaps
        # as the styles tracked by the bias set them, break as atoms made from runs so tracked would.
        breaks = knuth_plass(atoms, measure, indent, gaps_of(atoms, bias if more > 0 else -bias), breakable)
        if breaks is None or len(breaks) != len(lines) + more:
            continue
        out = tuple(set_line(atoms, s, e, measure, indent if i == 0 else 0.0, justify, i == len(breaks) - 1, gaps)
                    for i, (s, e) in enumerate(breaks))
        if (any(line.overfull or line.set_short or line.han_spread > loosest for line in out)
                or sum(ch.isalnum() for ch in out[-1].text.strip()) <= 1):
            continue
        return out
    return None


def _compose_paragraph(runs: list[Run], measure: float, faces: FaceSet, indent: float,
                       justify: bool) -> tuple[tuple[Line, ...], tuple[str, ...]]:
    atoms = split_wide(han_latin_spaces(atoms_for(runs, faces)), measure, measure - max(indent, 0.0))
    missing = tuple([ch for a in atoms if a.missing for ch in a.missing])
    gaps = gaps_of(atoms)  # once, for breaking and for setting every line
    breaks = break_lines(atoms, measure, indent, gaps)
    lines = tuple(set_line(atoms, s, e, measure, indent if i == 0 else 0.0, justify, i == len(breaks) - 1, gaps)
                  for i, (s, e) in enumerate(breaks))
    return lines, missing
