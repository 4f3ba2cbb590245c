"""Text runs become atoms: the unbreakable units of Chinese line composition.

An atom is one Han character or punctuation mark, or one piece of a Latin word or
number between its break opportunities (hyphenation points, URL marks). Each carries its
shaped glyphs and the width the punctuation style gives it.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import accumulate
from dataclasses import replace
from typing import NamedTuple

from pagesetter.compose.chars import (
    BLANK_SIDE, CHINESE_SPACE_EM, ink_blank_side, ENUMERATORS, FORCED_AT_HYPHENATION_PENALTY, FORCED_MIN_LEFT, FORCED_MIN_RIGHT, FORCED_PENALTY,
    FORCED_SPLIT_EM,
    FORMAT_CHARS, HYPHEN_PENALTY, IDEOGRAPHIC_SPACE, IDEOGRAPHIC_SPACE_EM, NO_BREAK, NO_BREAK_SPACES,
    GRID_UNITS, NUMBER_JOINERS, NUMBER_SUFFIXES, ONE_EM_MARKS, PUNCT_MIN_WIDTH, PUNCT_WIDTH, SHAPED_ALONE, SOFT_HYPHEN,
    CODE_BREAK_AFTER, URL, URL_PENALTY, WORDLIKE, WORD_JOINERS, WORD_MARKS, WORD_SUFFIXES, ZERO_WIDTH_SPACE,
    CharClass, EXPLICIT_HYPHENS, FIGURE_SIGNS, HAS_DIGIT, JOINING_SIGNS, LATIN_LETTERS, RATIO_COLONS, char_class,
    hyphen_kind, is_figure_sign, url_break_at,
)
from pagesetter.compose.bidi import BIDI_MIRRORING, MAYBE_RTL, rtl_brackets, rtl_words
from pagesetter.compose.hyphenate import hyphen_points
from pagesetter.fonts.face import Face, ShapedGlyph
from pagesetter.records import record
from pagesetter.spec.model import Style


@record(slots=True)  # slots: made once per character, thousands a page
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
    # pt: a mid-line 。？！'s blank, given up only as clreq §3.8's last reduction step (STOP_SHRINK)
    stop_shrink: float = 0.0
    start_squeeze: float = 0.0  # pt: an opening mark's left blank, dropped when it starts a line
    scale_x: float = 1.0  # horizontal scale of the glyphs (a 破折号 drawn as one rule)
    missing: tuple[str, ...] = ()  # characters the face lacks
    # A piece of a Latin word, URL or code after its first: no gap before it, and a line may end
    # before it only at ``penalty`` (compose/chars.py, UAX #14).
    joined: bool = False
    # Demerits of a line ending just before this atom: a joined piece's break, or NO_BREAK
    # after a word joiner; 0 for any other atom (kinsoku decides).
    penalty: float = 0.0
    # A hyphen printed after the atom only when a line ends there (soft hyphen, forced break):
    # ``width`` includes it; the joined gap after the atom takes it back inside a line.
    hyphen: ShapedGlyph | None = None
    hyphen_width: float = 0.0  # pt
    # pt the last glyph's kern with the next piece took off its advance: given back (in
    # ``width``) when a line ends here, taken back by the joined gap inside a line.
    kern_back: float = 0.0
    # A space set to a defined width between Chinese (U+3000 one em, an ASCII space half an em):
    # a blank of set width, not a Latin word space; a half-em one may widen to 一字空 (spacing.space_room).
    fixed_space: bool = False
    # The mark closing a paragraph's enumerator (1． （一） 一、: mark_enumerator): it keeps its set
    # width when the line is justified, so every item of a list has the same white after it.
    enumerator: bool = False
    # A bracket resolved right to left inside a right-to-left run (bidi.rtl_brackets, UAX #9 N0):
    # drawn with its mirror's glyph (L4), set in the run's visual order (lines._mirror_rtl).
    rtl: bool = False

    @property
    def end_extra(self) -> float:
        """What ``width`` holds that only a line ending here needs (the joined gap after takes it back)."""
        return self.hyphen_width + self.kern_back

    @property
    def em(self) -> float:
        return self.style.size

    @property
    def is_punct(self) -> bool:
        return self.cls in BLANK_SIDE


def make_atoms(text: str, style: Style, face: Face) -> list[Atom]:
    """Shape one run of text in one style and cut it into atoms."""
    text, hints = _format_hints(text)
    if not text:
        return []
    shaped = shape_marks_alone(text, face)
    if _marks_at(text):
        shaped = _placed_marks(text, shaped, face)
    classes = list(map(char_class, text))
    lacking = _lacking(text, face)
    size = style.size
    punctuation = style.punctuation
    atoms: list[Atom] = []
    blank_side = BLANK_SIDE  # a local: looked up once per atom
    if (not hints and WORDLIKE.isdisjoint(classes) and WORD_MARKS.isdisjoint(text)
            and [g.cluster for g in shaped] == list(range(len(text))) and not _marks_at(text)):
        # Chinese text, one glyph per character (nearly every run): each character is an atom, as
        # _segments and _pieces would cut it (no word, nothing joined, no hyphen), made directly.
        for g, ch, cls in zip(shaped, text, classes):
            atom = Atom(ch, cls, style, face, [g], [ch], g.advance * size)
            if lacking and ch in lacking:
                atom.missing = (ch,)
            if cls in blank_side:
                _set_punct_width(atom, punctuation)
            atoms.append(atom)
    else:
        _cut_atoms(atoms, text, hints, shaped, classes, lacking, style, face)
    _unkern_run(atoms, face, size)
    return atoms


# A ’ between two Latin letters (Macy’s, O’Neill, rock’n’roll) is the word's apostrophe, Unicode's
# preferred character for it (The Unicode Standard §6.2, "Apostrophes"; UAX #29 MidNumLet), not a
# closing quote: a piece of the word (no break, no gap; chars.LATIN_LETTERS) in the face's
# proportional form (OpenType pwid), as vertical.py turns it with the word. A CJK face's own ’ is a
# full-width quote (Noto CJK SC: one em, its ink in the left quarter): set as a closing mark, it
# stood half an em wide inside the word (Macy’ s, trial 14). A ’ after a word, before Han or a
# space, still closes a quote (CLOSING).
_WORD_APOSTROPHE = re.compile(f"(?<=[{LATIN_LETTERS}])’(?=[{LATIN_LETTERS}])")
_PROPORTIONAL = {"pwid": True}


def _word_apostrophes(text: str, classes: list[CharClass], shaped: list[ShapedGlyph],
                      face: Face) -> list[ShapedGlyph]:
    """``classes`` with each word's apostrophe (_WORD_APOSTROPHE) a letter, and ``shaped`` with its
    glyph the face's proportional one (a face without pwid keeps its own)."""
    at = {m.start() for m in _WORD_APOSTROPHE.finditer(text)}
    if not at:
        return shaped
    for k in at:
        classes[k] = CharClass.LATIN
    proportional = face.shape("’", _PROPORTIONAL)
    if len(proportional) != 1:
        return shaped
    glyph = proportional[0]
    return [glyph._replace(cluster=g.cluster) if g.cluster in at else g for g in shaped]


def _cut_atoms(atoms: list[Atom], text: str, hints: dict[int, str], shaped: list[ShapedGlyph],
               classes: list[CharClass], lacking: frozenset[str], style: Style, face: Face) -> None:
    """make_atoms for any run: atoms by _segments, their glyphs by _pieces, added to ``atoms``.
    (A word's apostrophe, _word_apostrophes, is here: a run with one has letters, never the fast path.)"""
    if "’" in text:
        shaped = _word_apostrophes(text, classes, shaped, face)
    pieces = _pieces(text, shaped)
    size = style.size
    punctuation = style.punctuation
    hyphen: ShapedGlyph | None = None
    blank_side = BLANK_SIDE  # a local: looked up once per atom
    digit = CharClass.DIGIT
    segments = _segments(text, classes, hints, pieces, style.hyphenate_capitals)
    rtl = rtl_words(text)
    if rtl:
        segments = _rtl_segments(segments, rtl)
        rtl_starts = {s: e for s, e in rtl}
    for start, end, cls, joined, penalty, hyphenate in segments:
        if rtl and rtl_starts.get(start) == end:
            glyphs, texts = _rtl_glyphs(text[start:end], face)
        elif end - start == 1:
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
        if joined or penalty:
            atom.joined, atom.penalty = joined, penalty
        if hyphenate:
            hyphen = hyphen or face.shape("-")[0]
            atom.hyphen, atom.hyphen_width = hyphen, hyphen.advance * size
            atom.width += atom.hyphen_width
        if lacking:
            atom.missing = tuple(ch for ch in atom_text if ch in lacking)
        if cls in blank_side:
            _set_punct_width(atom, punctuation)
            if atom_text in RATIO_COLONS and 0 < start and end < len(text) and classes[start - 1] is digit \
                    and classes[end] is digit:
                # 3：1, 9：30: the colon of a score, ratio or time, set at its style's width, takes
                # back no blank in a loose line (3： 1): spaced as the ratio sign ∶ is (chars.RATIO_COLONS)
                atom.cls = CharClass.OTHER
        atoms.append(atom)


def mirror_brackets(atoms: list[Atom], text: str) -> None:
    """The brackets of ``text`` (one run of a paragraph, cut into ``atoms`` across its faces) that
    resolve right to left (bidi.rtl_brackets, UAX #9 N0) drawn with their mirror's glyph (L4) and
    marked ``rtl``, so the line sets them in their run's visual order (lines._mirror_rtl). Their
    text stays the copy's own bracket: the read-back, in the content's (the copy's) order, reads
    them as typed. The whole run is the context: the Arabic letters come from a fallback face,
    the brackets from the style's, so no one face's piece holds both."""
    mirrored = rtl_brackets(text)
    if not mirrored:
        return
    at = 0
    for atom in atoms:
        found = text.find(atom.text, at)
        if found < 0:
            continue
        at = found + len(atom.text)
        if found in mirrored and len(atom.text) == 1 and len(atom.glyphs) == 1:
            glyph = atom.face.shape(BIDI_MIRRORING[atom.text])[0]
            atom.glyphs = [glyph._replace(advance=atom.glyphs[0].advance)]  # a mirror pair's advances agree
            atom.rtl = True


def _rtl_segments(segments: list[tuple], words: list[tuple[int, int]]) -> list[tuple]:
    """``segments`` with each right-to-left word (compose/bidi.py rtl_words) one segment, whole:
    shaped as one (its letters join), set in visual order, and never broken (no hyphenation
    patterns, no forced break: its pieces would be parted in the wrong order)."""
    inside = {k: (s, e) for s, e in words for k in range(s, e)}
    out: list[tuple] = []
    for seg in segments:
        word = inside.get(seg[0])
        if word is None:
            out.append(seg)
        elif seg[0] == word[0]:
            # the word's first piece keeps what may break before it; its class, a letter's (LATIN):
            # the gap to Han beside it is the Han–Latin gap, as for any foreign word
            out.append((word[0], word[1], CharClass.LATIN, seg[3], seg[4], False))
    return out


def _rtl_glyphs(word: str, face: Face) -> tuple[list[ShapedGlyph], list[str]]:
    """A right-to-left word shaped right to left: its glyphs in visual order (left to right, so
    its first letter's glyph is the rightmost), each with its cluster's characters on its first
    glyph in that order ("" on the others: a lam-alef ligature stands for both letters)."""
    shaped = face.shape(word, direction="rtl")
    bounds = sorted({g.cluster for g in shaped}) + [len(word)]
    cluster_text = {s: word[s:e] for s, e in zip(bounds, bounds[1:])}
    texts: list[str] = []
    said: set[int] = set()
    for g in shaped:
        texts.append("" if g.cluster in said else cluster_text[g.cluster])
        said.add(g.cluster)
    return shaped, texts


def _unkern_run(atoms: list[Atom], face: Face, size: float) -> None:
    """_unkern each atom of one run that may end a line before the next."""
    blank_side = BLANK_SIDE
    advance = face.advance
    for a, b in zip(atoms, atoms[1:]):
        # Kerning with the next atom (a Latin mark before a bracket, a piece of a broken word) is
        # undone in the atom's width and taken back in the gap after it (gaps_of): mid-line the
        # pair stays kerned, at a line end the glyph's whole box stays inside the measure.
        cls = a.cls
        if b.joined or cls not in blank_side:
            if cls in _INKED:
                _unkern(a)
            elif a.glyphs:
                # _unkern written out for a Han character or a mark (nearly every atom): the
                # same sum, with this run's face and size
                g = a.glyphs[-1]
                lost = (advance(g.gid) - g.advance) * size
                if lost > 0:
                    a.kern_back = lost
                    a.width += lost


# The classes whose ink may overhang their box at a line end (_unkern).
_INKED = WORDLIKE | {CharClass.OTHER}


def shape_marks_alone(text: str, face: Face, vertical: bool = False) -> list[ShapedGlyph]:
    """HarfBuzz shaping, each character of SHAPED_ALONE (—― …⋯) shaped on its own, so a face's
    ligature of the pair (chars.py ONE_EM_MARKS) never stands for two ems."""
    shape = face.shape_vertical if vertical else face.shape
    if SHAPED_ALONE.isdisjoint(text):  # nearly every run
        return shape(text)
    # The text cut before and after each such mark; each piece shaped, its clusters moved to its place.
    cuts = sorted({0, len(text)} | {k for i, ch in enumerate(text) if ch in SHAPED_ALONE for k in (i, i + 1)})
    return [g._replace(cluster=g.cluster + s) for s, e in zip(cuts, cuts[1:]) for g in shape(text[s:e])]


# The white kept between a letter's ink and a mark set over it (in em), where the face does not
# place the mark (_placed_marks): about a hairline, as Noto Serif's own é keeps between e and ´.
MARK_CLEARANCE = 0.04


def _placed_marks(text: str, shaped: list[ShapedGlyph], face: Face) -> list[ShapedGlyph]:
    """Combining marks the face left where the pen stood (advance 0, no GPOS offset, ink to the
    right of its origin: Noto Serif CJK's U+0300, drawn after the ọ of Adébáyọ̀, trial 17 #6),
    centred over the ink of the glyph before them, and raised clear of a capital or a tall letter
    when set above it, as HarfBuzz's fallback mark positioning does for a face with no GPOS. A
    face whose marks overhang back over the letter (the kai's) or that places them is left alone."""
    out = list(shaped)
    for k in range(1, len(out)):
        g, base = out[k], out[k - 1]
        if g.advance != 0 or g.x_offset != 0 or g.y_offset != 0:
            continue  # a spacing glyph, or a mark the face placed
        # a mark: a second glyph of its letter's cluster (HarfBuzz merges them), or a mark's own
        if g.cluster != base.cluster and not (g.cluster < len(text) and unicodedata.category(text[g.cluster])[0] == "M"):
            continue
        left, right = face.ink_extent(g.gid)
        if left < 0 or right <= left or base.advance <= 0:
            continue
        b_left, b_right = face.ink_extent(base.gid)
        dx = (b_left + b_right) / 2 - base.advance - (left + right) / 2 + base.x_offset
        bottom, _ = face.ink_rise(g.gid)
        _, b_top = face.ink_rise(base.gid)
        dy = max(0.0, b_top + MARK_CLEARANCE - bottom) if bottom > 0.3 else 0.0  # a mark above the letter
        out[k] = g._replace(x_offset=dx, y_offset=dy + base.y_offset)
    return out


def _unkern(atom: Atom) -> None:
    """A piece that may end a line gets back what kerning with the next piece took from its last
    glyph (Noto Serif kerns _A, #A): at a line end its ink then stays inside the measure."""
    g = atom.glyphs[-1] if atom.glyphs else None
    if g is None:
        return
    lost = (atom.face.advance(g.gid) - g.advance) * atom.style.size
    if atom.cls in WORDLIKE or atom.cls == CharClass.OTHER:
        # A Latin glyph whose ink overhangs its box (Noto Serif's f, _) would print past the
        # measure at a line end: its width there holds the overhang too.
        overhang = max(0.0, atom.face.ink_extent(g.gid)[1] - atom.face.advance(g.gid)) * atom.style.size
        if lost < 0:
            # Kerning that added room after the last glyph (Noto Serif's g before /: .org/2023, a
            # URL broken before its slash) is no part of a line ending here, which ends at the
            # glyph's own box: the width gives it up, the joined gap mid-line takes it back.
            lost += overhang
            atom.kern_back = lost
            atom.width += lost
            return
        lost = max(lost, 0.0) + overhang
    if lost > 0:
        atom.kern_back = lost
        atom.width += lost


def _format_hints(text: str) -> tuple[str, dict[int, str]]:
    """The text without its invisible format characters (ZWSP, soft hyphen, word joiners; never
    printed), and what each said, by the index in the clean text of the character after it."""
    if not FORMAT_CHARS.intersection(text):
        return text, {}
    clean: list[str] = []
    hints: dict[int, str] = {}
    for ch in text:
        if ch in FORMAT_CHARS:
            # a word joiner wins over a break; a soft hyphen over a plain zero-width break
            kept = hints.get(len(clean))
            if kept is None or _HINT_RANK[ch] > _HINT_RANK[kept]:
                hints[len(clean)] = ch
        else:
            clean.append(ch)
    return "".join(clean), hints


_HINT_RANK = {ZERO_WIDTH_SPACE: 0, SOFT_HYPHEN: 1, **{ch: 2 for ch in WORD_JOINERS}}


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
        chars = cluster_text.get(i, "")
        if len(glyphs) == len(chars) > 1:
            # A letter and the combining mark HarfBuzz set on it (ọ and U+0300 of Adébáyọ̀): a glyph
            # for each character, in order, each standing for its own; its mark's glyph "" had no
            # ToUnicode (trial 17 #6: Nguyễ(cid:21)n), and the base's gid would read back ọ̀ everywhere.
            pieces.append((glyphs, list(chars)))
        else:
            pieces.append((glyphs, [chars if k == 0 else "" for k in range(len(glyphs))]))
    return pieces


# Characters that may be a combining mark: all but the blocks of Chinese and Latin copy that hold
# none (Basic Latin to Spacing Modifiers, Greek and Cyrillic letters, general punctuation, CJK
# punctuation but the tone marks 〪–〯, kana but the voicing marks ゙゚, CJK ideographs, full-width
# forms; tests/test_fuzz_hostile.py checks each block against unicodedata). One search in C.
MAYBE_MARK = re.compile("[^\x00-\u02ff\u0370-\u0482\u2000-\u20cf\u3000-\u3029\u3030-\u3098"
                        "\u309b-\u9fff\uff00-\uffef]")


def _marks_at(text: str) -> list[int]:
    """Where ``text`` has a combining mark (Unicode general category M: accents, variation
    selectors, enclosing marks); none in nearly every run."""
    if MAYBE_MARK.search(text) is None:
        return []
    category = unicodedata.category
    return [m.start() for m in MAYBE_MARK.finditer(text) if category(m.group())[0] == "M"]


def _lacking(text: str, face: Face) -> frozenset[str]:
    """The characters of ``text`` the face has no glyph for (spaces never count)."""
    return face.lacking(text)


def _cluster_texts(text: str, starts: list[int]) -> dict[int, str]:
    """The characters each cluster stands for: from its start to the next cluster's (text order)."""
    bounds = starts + [len(text)]
    return {s: text[s:e] for s, e in zip(bounds, bounds[1:])}


class Segment(NamedTuple):
    start: int
    end: int
    cls: CharClass
    joined: bool = False  # continues the previous segment's word (see Atom.joined)
    penalty: float = 0.0  # of a break before it (see Atom.penalty)
    hyphen: bool = False  # a hyphen is printed after it when a line ends there


def _segments(text: str, classes: list[CharClass], hints: dict[int, str] | None = None,
              pieces: list[tuple[list[ShapedGlyph], list[str]]] | None = None,
              capitals: bool = False) -> list[tuple]:
    """Split into atoms: a Latin word, number, URL or code is one run of pieces (split where it may
    break, joined by no gap); everything else is one character each. ``hints``: _format_hints;
    ``pieces``: _pieces, to find the words long enough to break by force (none without);
    ``capitals``: a capitalised word may be hyphenated (Style.hyphenate_capitals).
    Each is a Segment's fields as a plain tuple (one per character: made without a Python call)."""
    hints = hints or {}
    plain = [(i, i + 1, cls, False, 0.0, False) for i, cls in enumerate(classes)]
    for p, hint in hints.items():
        if hint in WORD_JOINERS and p < len(plain):
            plain[p] = (p, p + 1, classes[p], False, NO_BREAK, False)
    marks_at = _marks_at(text)
    for p in marks_at:
        # A combining mark (an accent, a variation selector) belongs to the character before it:
        # no line ends before it and no gap opens there. Each a breakpoint, a paragraph of 5,000
        # accents on one letter took Knuth–Plass minutes (every zero-width atom a feasible break).
        if p:
            plain[p] = (p, p + 1, classes[p], True, NO_BREAK, False)
    wordlike, marks, suffixes = WORDLIKE, WORD_MARKS, WORD_SUFFIXES
    flags = [cls in wordlike or ch in marks or ch in suffixes for cls, ch in zip(classes, text)]
    if True not in flags:
        return plain  # Chinese text: nearly every run
    for p in marks_at:
        # A mark on a letter of a word (Ag̃ui's tilde, Adébáyọ̀'s grave: no precomposed letter has
        # them) is a letter of that word, of its class: the word is not parted at it, nor a gap or
        # a break put after it (trial 17 #6: Ag / ̃ui, a line broken before the mark).
        if p and flags[p - 1]:
            flags[p] = True
            classes[p] = classes[p - 1]
    if not FIGURE_SIGNS.isdisjoint(text):
        # −4.1%, ±0.5: a sign typed directly before a figure is a piece of its number (_word)
        for k in range(len(text) - 1):
            if text[k] in FIGURE_SIGNS and classes[k + 1] is CharClass.DIGIT and is_figure_sign(text, k):
                flags[k] = True
    out: list[tuple] = []
    i = 0
    n = len(text)
    while i < n:
        try:
            start = flags.index(True, i)
        except ValueError:
            start = n
        out += plain[i:start]
        end = start
        while end < n and flags[end]:
            end += 1
        if any(c in wordlike for c in classes[start:end]):
            out += _word(text, classes, start, end, hints, pieces, capitals)
            if end < n and text[end] in GRID_UNITS:
                # 40℃, 3‰: a unit on the grid after the number, never parted from it (GRID_UNITS)
                out.append((end, end + 1, CharClass.UNIT, False, NO_BREAK, False))
                end += 1
        else:
            out += plain[start:end]
        i = end
    return out


def _word(text: str, classes: list[CharClass], i: int, j: int, hints: dict[int, str],
          pieces: list[tuple[list[ShapedGlyph], list[str]]] | None, capitals: bool = False) -> list[Segment]:
    """One run of letters, digits and ASCII marks: marks before its first letter or digit and
    after its last are pieces of their own (their class gives the gap to Chinese beside them, as
    before), the rest is split at its break opportunities (UAX #14; compose/chars.py)."""
    first = next(k for k in range(i, j) if classes[k] in WORDLIKE)
    last = next(k for k in range(j - 1, i - 1, -1) if classes[k] in WORDLIKE) + 1
    core_cls = CharClass.LATIN if CharClass.LATIN in classes[first:last] else CharClass.DIGIT
    out = [Segment(k, k + 1, classes[k], joined=k > i, penalty=NO_BREAK if k > i else _outer(hints, k))
           for k in range(i, first)]
    if out and classes[first] is CharClass.DIGIT and is_figure_sign(text, first - 1):
        # 跌−4.1%, 涨+2.3%: the sign is the number's (chars.FIGURE_SIGNS), so it takes the number's
        # class: the Han–Latin gap before it (spacing.py), none between it and its figure
        out[-1] = out[-1]._replace(cls=core_cls)
    elif out and first - 1 == i and i > 0 and classes[first] is CharClass.DIGIT and text[i] in JOINING_SIGNS:
        # 2026年-2027年: the hyphen joins the date to the next figure (chars.JOINING_SIGNS), solid
        # on both sides: joined to the 年 as to its figure, so no gap or stretch opens before it
        # alone (2026年 -2027 read as a negative year); a line parts there only by force
        out[-1] = out[-1]._replace(joined=True, penalty=FORCED_PENALTY)
    url = URL.fullmatch(text, first, last) is not None
    names: list[int] = []  # a capitalised word's hyphenation points, not taken (_word_breaks)
    cuts = _url_breaks(text, first, last, hints) if url else _word_breaks(text, first, last, hints, capitals, names)
    # A URL breaks only where Chicago says (_url_breaks); a piece of it between those breaks is
    # broken inside only when it is wider than the line it must go on, which split_wide knows
    # (the measure): never uefacham / pionsleague where /uefachampionsleague fits a line.
    if pieces is not None and last - first > FORCED_SPLIT_EM and not url:  # no glyph is wider than an em
        advances = {k: sum([g.advance for g in pieces[k][0]]) for k in range(first, last)}
        # a number or code (a word with a digit: 91310115MA1K4XYZ8Q) is parted bare, never with a
        # hyphen that would read as one of its characters
        cuts = _forced_breaks(text, first, last, cuts, advances, hyphens=not HAS_DIGIT.search(text, first, last),
                              names=names)
    if MAYBE_MARK.search(text, first, last) is not None:
        cuts = {p: cut for p, cut in cuts.items() if unicodedata.category(text[p])[0] != "M"}  # never before a mark
    bounds = [first] + sorted(cuts) + [last]
    for a, b in zip(bounds, bounds[1:]):
        if a == first:
            out.append(Segment(a, b, core_cls, joined=a > i, penalty=NO_BREAK if a > i else _outer(hints, a)))
        else:
            penalty, _ = cuts[a]
            out.append(Segment(a, b, core_cls, joined=True, penalty=penalty))
    out = [seg._replace(hyphen=True) if seg.end in cuts and cuts[seg.end][1] else seg for seg in out]
    # The symbols ending a number (8.7%, 15°: WORD_SUFFIXES) take its class: the gap to a Han
    # character after them is the Han–Latin gap (spacing.py), as it is after the digits.
    suffix = last
    while suffix < j and text[suffix] in WORD_SUFFIXES:
        suffix += 1
    out += [Segment(k, k + 1, core_cls if k < suffix else classes[k], joined=True, penalty=NO_BREAK)
            for k in range(last, j)]
    return out


def _outer(hints: dict[int, str], k: int) -> float:
    """The penalty before a word's first piece: only a word joiner there says anything."""
    return NO_BREAK if hints.get(k) in WORD_JOINERS else 0.0




def _url_breaks(text: str, first: int, last: int, hints: dict[int, str]) -> dict[int, tuple[float, bool]]:
    """Where the URL or e-mail address text[first:last] may break (chars.url_break_at: Chicago's
    rule), as _word_breaks: at URL_PENALTY, never printing a hyphen; a zero-width space the copy
    puts in breaks for nothing, a word joiner forbids, a soft hyphen breaks without its hyphen."""
    url = text[first:last]
    cuts = {first + p: (URL_PENALTY, False) for p in range(1, last - first) if url_break_at(url, p)}
    for p, hint in hints.items():
        if first < p < last:
            if hint in WORD_JOINERS:
                cuts.pop(p, None)
            else:
                cuts[p] = (0.0 if hint == ZERO_WIDTH_SPACE else URL_PENALTY, False)
    return cuts


def _word_breaks(text: str, first: int, last: int, hints: dict[int, str],
                 capitals: bool = False, names: list[int] | None = None) -> dict[int, tuple[float, bool]]:
    """Where the word text[first:last] may break: index of the piece after it -> (penalty, hyphen).

    After / . - _ ? & = @ # ~ before a letter or digit (a code: CODE_BREAK_AFTER), not inside a
    number (3.5, 1,000); after a hyphen between letters at the cost of a hyphenation
    (well-known; not in a code with / @ _ ? = &); at a hyphenation point, not in a capitalised
    word unless ``capitals`` (a foreign name: Barrot, never Bar-rot; Style.hyphenate_capitals);
    at a zero-width space for nothing; at a soft hyphen like a hyphen, printing one; never at a
    word joiner. A URL or e-mail address breaks by _url_breaks instead. ``names`` gets the
    hyphenation points of the capitalised words not taken (FORCED_AT_HYPHENATION_PENALTY)."""
    word = text[first:last]
    is_url = any(c in word for c in "/@_?=&")
    cuts: dict[int, tuple[float, bool]] = {}
    for p in range(first + 1, last):
        prev, nxt = text[p - 1], text[p]
        if prev in CODE_BREAK_AFTER and nxt.isalnum() and nxt.isascii():
            if prev in NUMBER_JOINERS and text[p - 2:p - 1].isdigit() and nxt.isdigit():
                continue
            hyphenation = prev == "-" and not is_url and text[p - 2:p - 1].isalpha() and nxt.isalpha()
            cuts[p] = (_typed_hyphen(word, p - first) if hyphenation else URL_PENALTY, False)
    if _PLAIN_WORD.fullmatch(word) and SOFT_HYPHEN not in [hints.get(p) for p in range(first + 1, last)]:
        # Words only (letters, a hyphen or apostrophe between them): never a domain, a URL or a
        # code, which a hyphen would misquote. A word the copy gives its own soft hyphens keeps
        # only those (TeX does the same).
        for start, end in _hyphen_parts(word):
            if not capitals and word[start].isupper():
                # a capitalised word, a name: InDesign's Hyphenate Capitalized Words off, TeX's \uchyph=0
                if names is not None:
                    names += [first + start + point for point in hyphen_points(word[start:end])]
                continue
            for point in hyphen_points(word[start:end]):
                cuts.setdefault(first + start + point, (HYPHEN_PENALTY, True))
    for p, hint in hints.items():
        if first < p < last:
            if hint in WORD_JOINERS:
                cuts.pop(p, None)
            elif hint == SOFT_HYPHEN:
                cuts[p] = (HYPHEN_PENALTY, text[p - 1] != "-")
            else:
                cuts[p] = (0.0, False)
    return cuts


def _typed_hyphen(word: str, p: int) -> float:
    """The cost of breaking ``word`` after the hyphen the copy typed before word[p]
    (chars.EXPLICIT_HYPHENS): a compound of capitalised words (Jean-Noël, a name) only where
    nothing else works; a code's (SN-X9000-Pro) and a lower-case compound's as a hyphenation."""
    if _PLAIN_WORD.fullmatch(word) is None:
        return HYPHEN_PENALTY
    before = word[:p - 1].rsplit("-", 1)[-1]
    after = word[p:].split("-", 1)[0]
    return EXPLICIT_HYPHENS[hyphen_kind(before, after)].penalty


def _hyphen_parts(word: str) -> list[tuple[int, int]]:
    """The (start, end) of each part of ``word`` between its hyphens, apostrophes kept
    (O'Brien-Smith: O'Brien, Smith): hyphenate.hyphen_points judges a part by its capitals."""
    return [(m.start(), m.end()) for m in _PART.finditer(word)]


_PLAIN_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Basic Latin to Latin Extended-B letters, with the apostrophes between them
_PART = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+(?:['\u2019][A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+)*")


def _forced_breaks(text: str, first: int, last: int, cuts: dict[int, tuple[float, bool]],
                   advances: dict[int, float], hyphens: bool = True,
                   names: list[int] | None = None) -> dict[int, tuple[float, bool]]:
    """The last resort: a piece wider than FORCED_SPLIT_EM may break after any character, keeping
    a few letters at each end; between two letters the break prints a hyphen (``hyphens``), in a
    code not, nor in a URL (never add a hyphen: Chicago, chars.url_break_at). A capitalised word's
    dictionary points (``names``: _word_breaks) are its only forced breaks where it has any
    (Organiza-tion, never Organizat-ion), at FORCED_AT_HYPHENATION_PENALTY."""
    bounds = [first] + sorted(cuts) + [last]
    forced = dict(cuts)
    for a, b in zip(bounds, bounds[1:]):
        if sum([advances[k] for k in range(a, b)]) <= FORCED_SPLIT_EM:
            continue
        points = [p for p in names or () if a < p < b]
        if points:
            forced.update({p: (FORCED_AT_HYPHENATION_PENALTY, True) for p in points})
            continue
        for p in range(a + FORCED_MIN_LEFT, b - FORCED_MIN_RIGHT + 1):
            if not (text[p - 1].isalnum() and text[p].isalnum()) or advances[p] == 0.0:
                continue  # between marks the URL rules decide; no break inside a glyph cluster
            letters = hyphens and text[p - 1].isalpha() and text[p].isalpha()
            forced[p] = (FORCED_PENALTY, letters)
    return forced


def space_widths(atoms: list[Atom]) -> None:
    """Spaces the copy kept get their defined widths (compose/chars.py): U+3000 one em, an ASCII
    space between Chinese characters half an em; a space in Latin text and NBSP keep the face's
    word space."""
    space = CharClass.SPACE  # a local: an enum member is slow to look up
    for i in [i for i, atom in enumerate(atoms) if atom.cls is space]:  # few or none
        atom = atoms[i]
        if atom.text == IDEOGRAPHIC_SPACE:
            atom.width = IDEOGRAPHIC_SPACE_EM * atom.em
            atom.fixed_space = True
        elif atom.text not in NO_BREAK_SPACES and _chinese(_beside(atoms, i, -1)) and _chinese(_beside(atoms, i, 1)):
            atom.width = CHINESE_SPACE_EM * atom.em
            atom.fixed_space = True


def han_latin_spaces(atoms: list[Atom]) -> list[Atom]:
    """Body text: an ASCII space the copy put between a Han character and a Latin word or number
    (管辖 348 个) is the Han–Latin gap itself (clreq §3.2.2), not a word space beside it; it goes,
    and the gap is set as any other. So does one between a number and the symbol ending it
    (−3.2 %: _typed_suffix) and one after an enumerator (① 中超). U+3000 and NBSP are kept: they
    are meant."""
    space = CharClass.SPACE
    if space not in [a.cls for a in atoms]:
        return atoms
    kept = []
    suffix = -1  # the index of a number's symbol after a space dropped (_typed_suffix)
    for i, atom in enumerate(atoms):
        if i == suffix:  # a copy: make_atoms shares its atoms between measures
            if atom.text in GRID_UNITS:  # on the grid beside the number, as typed solid (_segments)
                atom = replace(atom, cls=CharClass.UNIT, penalty=NO_BREAK)
            else:
                atom = replace(atom, cls=atoms[i - 2].cls, joined=True, penalty=NO_BREAK)
        elif atom.cls is space and atom.text == " " and 0 < i < len(atoms) - 1:
            before, after = atoms[i - 1].cls, atoms[i + 1].cls
            if (before == CharClass.HAN and after in WORDLIKE) or (before in WORDLIKE and after == CharClass.HAN):
                continue
            if _typed_suffix(atoms[i - 1], atoms[i + 1]):
                suffix = i + 1
                continue
            if atoms[i - 1].text in ENUMERATORS:
                # ① 中超 … ② CBA …: the space typed after an enumerator goes. Kept, it was a word
                # space beside a symbol, filled in a loose line and shrunk in a tight one, so one
                # list set white after ① and ④ and none after ② and ③; the enumerator is a grid
                # character with its own side bearings (clreq §3.1.7 keeps it with what it
                # numbers), spaced from what follows as the line's Han are, the same on every item.
                continue
        kept.append(atom)
    return kept


def _typed_suffix(number: Atom, mark: Atom) -> bool:
    """A space the copy typed between a number and the symbol ending it (−3.2 %, 15 °, 3 ℃, 96 ㎡):
    no space (GB/T 15835-2011 writes 3.2% and 40℃ solid; the SI's own space before % and °C is not
    Chinese practice), so the symbol is what make_atoms makes it when typed solid: a narrow one
    (WORD_SUFFIXES) a piece of the number, joined to it and spaced from Han after it by the
    Han–Latin gap; a full-width one (GRID_UNITS) on the grid beside it, never parted from it. Left
    as typed, the symbol was set solid against the Han after it (−3.2 %行, 12 ℃左右), a gap
    `check` rejects, and a line could end between the number and its unit (96 / ㎡; trial 14)."""
    return (number.cls == CharClass.DIGIT and number.text[-1:].isdigit() and mark.text in NUMBER_SUFFIXES
            and mark.cls == CharClass.OTHER and mark.face is number.face and mark.style == number.style)


# A paragraph opening with an enumerator: a number (1, 12, 一, 十二) or a letter, then the full-width
# mark closing it (1． 1） 一、 A．), or the number in brackets (（一） （1）); GB/T 15834-2011 §4.1's
# 序次语. Only the mark is looked at: the number is set as it always is.
_ENUMERATOR_HEAD = re.compile(r"(?:[（(](?:[0-9０-９]{1,3}|[一二三四五六七八九十]{1,3}|[A-Za-z])[）)]"
                              r"|(?:[0-9０-９]{1,3}|[一二三四五六七八九十]{1,3}|[A-Za-z])[．）、])")


def mark_enumerator(atoms: list[Atom]) -> None:
    """The mark closing the enumerator a paragraph opens with keeps its set width (half an em in
    开明, ink at its left): its blank is never taken back as a line's stretch nor given up in a
    tight one. Taken back, one item of a list stood a full em from its text and the next half an
    em, as each line's justification needed (trial 14: 1． 2． half an em, 3． a full em; （四） full
    against （一）（二）（三） half). The white after it is then the line's own spacing between Han."""
    text = ""
    for k, atom in enumerate(atoms[:6]):
        text += atom.text
        if k > 0 and atom.cls in BLANK_SIDE:
            if _ENUMERATOR_HEAD.fullmatch(text):
                atoms[k] = replace(atom, enumerator=True, shrink=0.0)  # a copy: make_atoms shares atoms
            return


def clause_breaks(atoms: list[Atom]) -> frozenset[int]:
    """Indices of a headline's clause breaks: an ASCII space between Chinese (媒体战士在“疫”线
    危难时刻见初心; TYPOGRAPHY.md, "Headlines"). A space between Latin words or numbers (CN 22-0031),
    U+3000 and NBSP are no clause break: they keep their own width; one between Han and Latin is
    the Han–Latin gap (``han_latin_spaces``)."""
    return frozenset(i for i, a in enumerate(atoms) if a.cls is CharClass.SPACE and a.text == " "
                     and _chinese(_beside(atoms, i, -1)) and _chinese(_beside(atoms, i, 1)))


def _beside(atoms: list[Atom], i: int, step: int) -> Atom | None:
    """The nearest atom from ``i`` that is not a space."""
    j = i + step
    while 0 <= j < len(atoms):
        if atoms[j].cls != CharClass.SPACE:
            return atoms[j]
        j += step
    return None


def _chinese(atom: Atom | None) -> bool:
    return atom is not None and atom.cls in _GRID_NEIGHBOURS and not atom.text.isascii()


def split_wide(atoms: list[Atom], width: float, first: float | None = None) -> list[Atom]:
    """Word pieces wider than the line they may have to fit broken into their glyph clusters,
    joined at FORCED_PENALTY, a hyphen between letters: the last resort whatever the measure
    (make_atoms does so for long words). ``first`` is the paragraph's first line after its indent
    (``width`` when None): only the word that opens the paragraph must fit it; any later piece
    may start a line of the whole ``width`` (https:// whole on a line of its own in a 4字 column,
    not h / ttps://). A capitalised word no wider than ``width`` is kept whole (_whole_names)."""
    first = width if first is None else min(first, width)
    opening = next((k for k in range(1, len(atoms)) if not atoms[k].joined), len(atoms))  # the first word's pieces
    atoms = _whole_names(atoms, width, first, opening)
    if max([a.width for a in atoms], default=0.0) <= first:  # nearly always: nothing so wide
        return atoms

    def limit(k: int) -> float:
        return first if k < opening else width

    def breakable(a: Atom) -> bool:
        # not a right-to-left word (_rtl_segments): its glyphs stand in visual order, its pieces
        # would be parted and hyphenated backwards; too wide, it is left overfull
        return a.cls in WORDLIKE and len(a.glyphs) > 1 and MAYBE_RTL.search(a.text) is None

    if not any(a.width > limit(k) and breakable(a) for k, a in enumerate(atoms)):
        return atoms
    out: list[Atom] = []
    bare = _in_urls(atoms) | _in_codes(atoms)
    for k, atom in enumerate(atoms):
        if atom.width > limit(k) and breakable(atom):
            out += _clusters(atom, hyphens=k not in bare)
        else:
            out.append(atom)
    return out


def _in_urls(atoms: list[Atom]) -> set[int]:
    """The indices of the atoms that are pieces of a URL or an e-mail address (URL_PATTERN, as
    _word tells one): a word's pieces are an atom and the joined atoms after it. A URL never gains
    a hyphen (Chicago 17th ed. 6.80: it would read as part of the address)."""
    out: set[int] = set()
    for k, end in _words(atoms):
        if end - k > 1 or atoms[k].cls in WORDLIKE:
            starts = list(accumulate([len(a.text) for a in atoms[k:end]], initial=0))
            text = "".join([a.text for a in atoms[k:end]])
            for m in URL.finditer(text):
                out.update(k + j for j in range(end - k) if starts[j] < m.end() and starts[j + 1] > m.start())
    return out


def _words(atoms: list[Atom]) -> list[tuple[int, int]]:
    """Each word's atoms, (start, end): an atom and the joined atoms after it."""
    out: list[tuple[int, int]] = []
    k = 0
    while k < len(atoms):
        end = k + 1
        while end < len(atoms) and atoms[end].joined:
            end += 1
        out.append((k, end))
        k = end
    return out


def _in_codes(atoms: list[Atom]) -> set[int]:
    """The indices of the atoms that are pieces of a word with a digit (a number or a code:
    45,000,000.00, 91310115MA1K4XYZ8Q): parted by force, it gains no hyphen, which would read as
    one of its characters."""
    return {j for k, end in _words(atoms) if end - k > 1 or atoms[k].cls in WORDLIKE
            if HAS_DIGIT.search("".join([a.text for a in atoms[k:end]])) for j in range(k, end)}



def _whole_names(atoms: list[Atom], width: float, first: float, opening: int) -> list[Atom]:
    """A capitalised word make_atoms cut at its dictionary points (FORCED_AT_HYPHENATION_PENALTY:
    longer than FORCED_SPLIT_EM, which it knew without the measure) is broken by force only
    when it is wider than the line it must go on: one that fits whole on a line (Brandstätter,
    Ghebreyesus in a 10字 column) has those points taken away (NO_BREAK), as a 校对 would have it
    on the next line rather than Brand-/stätter. Only the paragraph's opening word (atoms before
    ``opening``) must fit its first line, ``first`` (the measure less the indent); any later name
    may start a line of the whole ``width`` (trial 17a: Antetokounmpo, 8 em, set whole on a 9字
    line, was parted Antetokoun- / mpo further on, judged against the 7 em of an indented first
    line). So too a capitalised word with no dictionary points, which make_atoms cut at any
    letter (FORCED_PENALTY: PricewaterhouseCoopers, a capital inside), and a number or code, a word
    with a digit cut at any character (45,000,000.00 whole on the next line of an 8字 column, never
    45,000,00 / 0.00). The atoms are copied, never changed (make_atoms shares them between measures)."""
    penalties = {a.penalty for a in atoms}
    if FORCED_AT_HYPHENATION_PENALTY not in penalties and FORCED_PENALTY not in penalties:  # nearly always
        return atoms
    out = list(atoms)
    k = 0
    while k < len(out):
        # the chain of pieces the name's points (or its forced breaks) join: atoms[k:end]
        cuts = (FORCED_AT_HYPHENATION_PENALTY, FORCED_PENALTY) if out[k].text[:1].isupper() else \
            (FORCED_AT_HYPHENATION_PENALTY,)
        end = k + 1
        while end < len(out) and out[end].joined and out[end].penalty in cuts:
            end += 1
        if end - k == 1 and FORCED_PENALTY not in cuts:
            # a number or code cut by force anywhere (45,000,000.00 is 6.5 em, over FORCED_SPLIT_EM):
            # kept whole where it fits, as a name is (TYPOGRAPHY.md: numbers are not broken inside)
            forced = end
            while forced < len(out) and out[forced].joined and out[forced].penalty == FORCED_PENALTY:
                forced += 1
            if forced > end and HAS_DIGIT.search("".join([a.text for a in out[k:forced]])):
                end = forced
        if end - k > 1:
            chain = out[k:end]
            # set mid-line, each piece's hyphen and kern taken back (linebreak.gaps_of)
            whole = sum([a.width for a in chain]) - sum([a.end_extra for a in chain[:-1]])
            if whole <= (first if k < opening else width) + 1e-6:
                out[k + 1:end] = [replace(a, penalty=NO_BREAK) for a in chain[1:]]
        k = end
    return out


def _clusters(atom: Atom, hyphens: bool = True) -> list[Atom]:
    """One atom per glyph cluster of ``atom``; the first keeps its place in the text (joined or
    not), the last its hyphen. A break between two letters prints a hyphen (``hyphens``), never
    inside a URL."""
    starts = [k for k, t in enumerate(atom.texts) if t] or [0]
    bounds = starts + [len(atom.glyphs)]
    size = atom.style.size
    hyphen = atom.hyphen or atom.face.shape("-")[0]
    pieces: list[Atom] = []
    for n, (a, b) in enumerate(zip(bounds, bounds[1:])):
        glyphs, texts = atom.glyphs[a:b], atom.texts[a:b]
        text = "".join(texts)
        piece = Atom(text, atom.cls, atom.style, atom.face, glyphs, texts, sum(g.advance for g in glyphs) * size,
                     missing=tuple(ch for ch in text if ch in atom.missing))
        if n:
            # inside an address only between two letters or digits: a break after its mark
            # (.gov.cn/ / services) is one Chicago forbids, which the check fails
            between = pieces[-1].text[-1:].isalnum() and text[:1].isalnum()
            piece.joined, piece.penalty = True, FORCED_PENALTY if hyphens or between else NO_BREAK
        else:
            piece.joined, piece.penalty = atom.joined, atom.penalty
        pieces.append(piece)
    for left, right in zip(pieces, pieces[1:]):
        _unkern(left)
        if hyphens and left.text[-1:].isalpha() and right.text[:1].isalpha():
            left.hyphen, left.hyphen_width = hyphen, hyphen.advance * size
            left.width += left.hyphen_width
    last = pieces[-1]
    last.hyphen, last.hyphen_width, last.kern_back = atom.hyphen, atom.hyphen_width, atom.kern_back
    last.width += atom.end_extra
    return pieces


def blank_side(atom: Atom, vertical: bool = False) -> str | None:
    """The side of a mark's em its white stands: its class's (BLANK_SIDE), unless the face's
    full-width glyph has its ink elsewhere (chars.py ink_blank_side: a centred ，of Noto Sans CJK TC
    or Droid Sans Fallback). A narrow glyph put on the grid (grid_marks) stands where its class says.
    In a vertical column the class's side, always: the glyph there is the face's vertical form, whose
    ink across the column says nothing of its blank down it (Noto CJK's vertical ：；！？ stand centred
    across their cell), and vertical.py _keep_ink_inside fits the cell to the form's ink down the
    column."""
    side = BLANK_SIDE.get(atom.cls)
    if vertical or side not in ("left", "right") or len(atom.glyphs) != 1 or atom.glyphs[0].advance < 0.9:
        return side
    return _glyph_blank_side(atom.face, atom.glyphs[0].gid, side)


def _glyph_blank_side(face: Face, gid: int, class_side: str) -> str:
    """ink_blank_side of the face's glyph, kept on the face: asked of every mark of a page."""
    key = (gid, class_side)
    side = face._blank_sides.get(key)
    if side is None:
        side = face._blank_sides[key] = ink_blank_side(class_side, *face.ink_extent(gid))
    return side


def _set_punct_width(atom: Atom, punct_style: str, vertical: bool = False) -> None:
    side = blank_side(atom, vertical)
    em = atom.style.size
    if side is None or atom.width < 0.9 * em:
        return  # not on the grid (a proportional mark in Latin text keeps the font's width)
    target = PUNCT_WIDTH[punct_style][atom.cls] * em
    removed = atom.width - target
    atom.width = target
    atom.shift += removed if side == "left" else (removed / 2 if side == "both" else 0.0)
    half = PUNCT_MIN_WIDTH * em
    # At a line end a mark with its blank on the right may give it up (push-in, clreq §3.1.6);
    # inside a line only the full-width marks of 全角 style may, and 。？！ (full in 开明 too) last
    # of all (stop_shrink: clreq §3.8's last reduction step, spacing.SHRINK_ORDER).
    atom.squeeze = max(0.0, target - half) if side == "right" else 0.0
    atom.shrink = max(0.0, target - half) if atom.cls != CharClass.STOP else 0.0
    atom.stop_shrink = max(0.0, target - half) if atom.cls == CharClass.STOP else 0.0
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


def compress_adjacent(atoms: list[Atom], vertical: bool = False) -> None:
    """Two marks side by side give up the blank between them (clreq §3.1.6; GB/T 15834 §5.1.10);
    ``vertical``: down a column, each mark's blank where its class has it (blank_side)."""
    for a, b in zip(atoms, atoms[1:]):
        if b.cls not in BLANK_SIDE or a.cls not in BLANK_SIDE:  # is_punct, inline: asked once per atom
            continue
        a_side, b_side = blank_side(a, vertical), blank_side(b, vertical)
        if BLANK_SIDE[a.cls] == "right" and a_side != "left" and a.width > PUNCT_MIN_WIDTH * a.em + 0.01:
            if a_side == "both":  # a centred mark gives up its blank from both sides
                a.shift += (a.width - PUNCT_MIN_WIDTH * a.em) / 2
            a.width = PUNCT_MIN_WIDTH * a.em
            a.squeeze = a.shrink = a.stop_shrink = 0.0
        elif BLANK_SIDE[b.cls] == "left" and b_side != "right" and b.width > PUNCT_MIN_WIDTH * b.em + 0.01:
            b.shift += (b.width - PUNCT_MIN_WIDTH * b.em) / (2 if b_side == "both" else 1)
            b.width = PUNCT_MIN_WIDTH * b.em
            b.shrink = b.start_squeeze = 0.0


def set_style_width(atom: Atom, vertical: bool = False) -> None:
    """A mark's width and blanks by its style's punctuation rules: vertical text (compose/vertical.py)
    sets its marks by the same table, an opening mark's blank at its top, a closing one's at its foot."""
    if atom.cls in BLANK_SIDE:
        _set_punct_width(atom, atom.style.punctuation, vertical)
