"""Text runs become atoms: the unbreakable units of Chinese line composition.

An atom is one Han character or punctuation mark, or one whole Latin word or
number (clreq §3.2: Latin words and numbers are not broken). Each carries its
shaped glyphs and the width the punctuation style gives it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pagesetter.compose.chars import (
    BLANK_SIDE, ONE_EM_MARKS, PUNCT_MIN_WIDTH, PUNCT_WIDTH, SHAPED_ALONE, WORDLIKE, CharClass, char_class,
)
from pagesetter.fonts.face import Face, ShapedGlyph
from pagesetter.spec.model import Style


@dataclass(slots=True)  # slots: made once per character, thousands a page
class Atom:
    text: str
    cls: CharClass
    style: Style
    face: Face
    glyphs: list[ShapedGlyph]
    texts: list[str]  # per glyph, the characters of its cluster ("" for later glyphs of a cluster)
    width: float  # pt: set width (after punctuation-style compression)
    shift: float = 0.0  # pt: glyph origin moved left (an opening mark's blank is on its left)
    squeeze: float = 0.0  # pt: more blank that may be removed at a line end (push-in)
    shrink: float = 0.0  # pt: blank that may be removed anywhere in a line (全角 marks)
    start_squeeze: float = 0.0  # pt: an opening mark's left blank, dropped when it starts a line
    scale_x: float = 1.0  # horizontal scale of the glyphs (a 破折号 drawn as one rule)
    missing: tuple[str, ...] = ()  # characters the face lacks

    @property
    def em(self) -> float:
        return self.style.size

    @property
    def is_punct(self) -> bool:
        return self.cls in BLANK_SIDE


def make_atoms(text: str, style: Style, face: Face) -> list[Atom]:
    """Shape one run of text in one style and cut it into atoms."""
    if not text:
        return []
    shaped = shape_marks_alone(text, face)
    classes = list(map(char_class, text))
    pieces = _pieces(text, shaped)
    lacking = _lacking(text, face)
    size = style.size
    punctuation = style.punctuation
    atoms: list[Atom] = []
    for start, end, cls in _segments(text, classes):
        if end - start == 1:
            glyphs, texts = pieces[start]
        else:
            glyphs, texts = [], []
            for i in range(start, end):
                glyphs += pieces[i][0]
                texts += pieces[i][1]
        atom_text = text[start:end]
        # The sum of one advance is that advance (never -0.0: a whole number of units over upem).
        natural = (glyphs[0].advance if len(glyphs) == 1 else sum(g.advance for g in glyphs)) * size
        atom = Atom(atom_text, cls, style, face, glyphs, texts, natural)
        if lacking:
            atom.missing = tuple(ch for ch in atom_text if ch in lacking)
        if cls in BLANK_SIDE:
            _set_punct_width(atom, punctuation)
        atoms.append(atom)
    return atoms


def shape_marks_alone(text: str, face: Face, vertical: bool = False) -> list[ShapedGlyph]:
    """HarfBuzz shaping, each character of SHAPED_ALONE (—― …⋯) shaped on its own, so a face's
    ligature of the pair (chars.py ONE_EM_MARKS) never stands for two ems."""
    shape = face.shape_vertical if vertical else face.shape
    if SHAPED_ALONE.isdisjoint(text):  # nearly every run
        return shape(text)
    # The text cut before and after each such mark; each piece shaped, its clusters moved to its place.
    cuts = sorted({0, len(text)} | {k for i, ch in enumerate(text) if ch in SHAPED_ALONE for k in (i, i + 1)})
    return [g._replace(cluster=g.cluster + s) for s, e in zip(cuts, cuts[1:]) for g in shape(text[s:e])]


def _pieces(text: str, shaped: list[ShapedGlyph]) -> list[tuple[list[ShapedGlyph], list[str]]]:
    """Per character: the glyphs of the cluster that starts there, in shaped order, and the text
    each stands for (the cluster's characters on its first glyph, "" on the others)."""
    n = len(text)
    if [g.cluster for g in shaped] == list(range(n)):  # one glyph per character: nearly always
        return [([g], [ch]) for g, ch in zip(shaped, text)]
    by_cluster: dict[int, list[ShapedGlyph]] = {}
    for g in shaped:
        by_cluster.setdefault(g.cluster, []).append(g)
    cluster_text = _cluster_texts(text, sorted(by_cluster))
    pieces: list[tuple[list[ShapedGlyph], list[str]]] = []
    for i in range(n):
        glyphs = by_cluster.get(i, [])
        pieces.append((glyphs, [cluster_text[i] if k == 0 else "" for k in range(len(glyphs))]))
    return pieces


def _lacking(text: str, face: Face) -> frozenset[str]:
    """The characters of ``text`` the face has no glyph for (spaces never count)."""
    return frozenset(ch for ch in set(text) if not ch.isspace() and face.glyph_for(ch) == 0)


def _cluster_texts(text: str, starts: list[int]) -> dict[int, str]:
    """The characters each cluster stands for: from its start to the next cluster's (text order)."""
    bounds = starts + [len(text)]
    return {s: text[s:e] for s, e in zip(bounds, bounds[1:])}


def _segments(text: str, classes: list[CharClass]) -> list[tuple[int, int, CharClass]]:
    """Split into atoms: word-like runs stay whole, everything else is one character each."""
    out: list[tuple[int, int, CharClass]] = []
    i = 0
    n = len(text)
    while i < n:
        cls = classes[i]
        j = i + 1
        if cls in WORDLIKE:
            while j < n and (classes[j] in WORDLIKE or _joins_word(text, classes, j)):
                j += 1
            cls = CharClass.LATIN if CharClass.LATIN in classes[i:j] else CharClass.DIGIT
        out.append((i, j, cls))
        i = j
    return out


def _joins_word(text: str, classes: list[CharClass], j: int) -> bool:
    """ASCII marks inside a word or number (3.5, COVID-19, 1,000) keep it whole."""
    return (text[j] in ".,-/:%'" and j + 1 < len(text)
            and classes[j + 1] in WORDLIKE and classes[j - 1] in WORDLIKE)


def _set_punct_width(atom: Atom, punct_style: str) -> None:
    side = BLANK_SIDE.get(atom.cls)
    em = atom.style.size
    if side is None or atom.width < 0.9 * em:
        return  # not on the grid (a proportional mark in Latin text keeps the font's width)
    target = PUNCT_WIDTH[punct_style][atom.cls] * em
    removed = atom.width - target
    atom.width = target
    atom.shift += removed if side == "left" else (removed / 2 if side == "both" else 0.0)
    half = PUNCT_MIN_WIDTH * em
    # At a line end a mark with its blank on the right may give it up (push-in, clreq §3.1.6);
    # inside a line only the full-width marks of 全角 style may, and 。？！ last of all (we never do).
    atom.squeeze = max(0.0, target - half) if side == "right" else 0.0
    atom.shrink = max(0.0, target - half) if atom.cls != CharClass.STOP else 0.0
    # An opening bracket or quote that starts a line is set half width (clreq §3.1.6), so the
    # column's left edge stays straight.
    atom.start_squeeze = max(0.0, target - half) if side == "left" else 0.0


def grid_marks(atoms: list[Atom]) -> None:
    """Put proportional quotes, brackets and dots in Chinese text on the character grid.

    Some faces map “” ‘’ · to narrow Latin glyphs (LXGW WenKai: 350 units). In Chinese text they
    take a full em, the ink on the side GB/T 15834 §5 gives it; then the punctuation style
    compresses them like any full-width mark. Each character of —— and …… takes one em
    (chars.py ONE_EM_MARKS): —— is drawn as one continuous two-em rule, …… as six dots.
    """
    for i, atom in enumerate(atoms):
        if atom.cls not in _MAYBE_OFF_GRID:
            continue  # Han, Latin, spaces: most atoms
        fill = ONE_EM_MARKS.get(atom.cls)
        if fill is not None:
            if len(atom.glyphs) == 1:
                (_dash_on_grid if fill == "fill" else _centre_in_em)(atom)
            continue
        side = BLANK_SIDE.get(atom.cls)
        if side is None or len(atom.glyphs) != 1 or atom.glyphs[0].advance >= 0.9:
            continue  # not a mark, or the face already sets it on the grid
        prev = atoms[i - 1] if i else None
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        if not any(a is not None and a.cls in _GRID_NEIGHBOURS for a in (prev, nxt)):
            continue
        blank = atom.em * (1 - atom.glyphs[0].advance)
        atom.shift = {"left": -blank, "right": 0.0, "both": -blank / 2}[side]
        atom.width = atom.em
        _set_punct_width(atom, atom.style.punctuation)


# The classes grid_marks looks at: the marks, and the characters of —— and …….
_MAYBE_OFF_GRID = frozenset(BLANK_SIDE) | frozenset(ONE_EM_MARKS)
_GRID_NEIGHBOURS = frozenset({CharClass.HAN, CharClass.OPENING, CharClass.CLOSING, CharClass.PAUSE,
                              CharClass.STOP, CharClass.MIDDLE, CharClass.DASH, CharClass.ELLIPSIS})


def _dash_on_grid(atom: Atom) -> None:
    """Scale U+2014 so its ink fills its em exactly: two make one unbroken rule (Noto's is 890 units)."""
    g = atom.glyphs[0]
    ink_left, ink_right = atom.face.ink_extent(g.gid)
    if ink_right - ink_left <= 0:
        return
    atom.scale_x = 1.0 / (ink_right - ink_left)
    atom.shift = ink_left * atom.scale_x * atom.em
    atom.width = atom.em


def _centre_in_em(atom: Atom) -> None:
    """One em wide, the glyph centred in it (a face whose U+2026 is not one em wide)."""
    atom.shift = (atom.glyphs[0].advance * atom.em - atom.em) / 2
    atom.width = atom.em


def compress_adjacent(atoms: list[Atom]) -> None:
    """Two marks side by side give up the blank between them (clreq §3.1.6; GB/T 15834 §5.1.10)."""
    for a, b in zip(atoms, atoms[1:]):
        if b.cls not in BLANK_SIDE or a.cls not in BLANK_SIDE:  # is_punct, inline: asked once per atom
            continue
        if BLANK_SIDE[a.cls] == "right" and a.width > PUNCT_MIN_WIDTH * a.em + 0.01:
            a.width = PUNCT_MIN_WIDTH * a.em
            a.squeeze = a.shrink = 0.0
        elif BLANK_SIDE[b.cls] == "left" and b.width > PUNCT_MIN_WIDTH * b.em + 0.01:
            b.shift += b.width - PUNCT_MIN_WIDTH * b.em
            b.width = PUNCT_MIN_WIDTH * b.em
            b.shrink = b.start_squeeze = 0.0


def set_style_width(atom: Atom) -> None:
    """A mark's width and blanks by its style's punctuation rules: vertical text (compose/vertical.py)
    sets its marks by the same table, an opening mark's blank at its top, a closing one's at its foot."""
    if atom.cls in BLANK_SIDE:
        _set_punct_width(atom, atom.style.punctuation)
