"""Display lines: headlines (引题/主题/副题), captions' short lines, the 报眉.

A two-clause headline written with a space (媒体战士在“疫”线 危难时刻见初心) is set
on one line with the space widened to the style's ``word_space`` (about one em)
when it fits, else on two lines broken at the space (../shared/TYPOGRAPHY.md,
"Headlines and article anatomy"); a headline with no usable space is wrapped
and balanced so its lines are of even length, broken where a desk breaks a headline: between
phrases (after a clause mark, at a space, beside a Latin word or number) before between two Han
(break_cost). A break between two Han with no such cue may cut a word (马拉松比赛期间部 /
分道路交通管制): the engine cannot tell words apart without a dictionary, so `uncued_breaks` finds
it, and the build warns, naming the field's line and asking for a space where the break belongs.
Only a clause break (an ASCII space between Chinese) widens: Latin word spaces, U+3000 and NBSP
keep their width, and a space between Han and Latin is the Han–Latin gap, as in the body.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Protocol, Sequence

from pagesetter.compose.atoms import Atom, clause_breaks, han_latin_spaces, split_wide
from pagesetter.compose.chars import NO_BREAK, WORDLIKE, CharClass, char_class
from pagesetter.compose.linebreak import Metrics, break_penalties, gaps_of, line_span, measure_line
from pagesetter.compose.lines import Line, Run, atoms_for, break_lines, set_line
from pagesetter.compose.memo import style_key
from pagesetter.fonts.face import FaceSet
from pagesetter.spec.model import Style


# The least horizontal scale a 小标题 one line too wide is set at (长体, condensed) rather than broken:
# a desk condenses a subhead a few percent too wide (a 10-character 五号 简讯 head in an 11字 小五
# column is 6 % too wide) and breaks one wider than that between phrases. 90 % is where Founder's
# 长体 steps start (字宽 90 %, 80 % …) and where a Han character still reads as its face.
CONDENSE_LEAST = 0.9
# Condensing is in steps of a thousandth: the scale a line is set at does not hang on the last
# bits of a float.
CONDENSE_STEP = 1000


def compose_display(text: str, style: Style, width: float, faces: FaceSet,
                    condense: float = 1.0) -> tuple[list[Line], list[str]]:
    """``condense``: the least horizontal scale the text, one line too wide, may be set at before it
    is broken (CONDENSE_LEAST for a subhead; 1.0 for none)."""
    key = ("display", text, style_key(style), width) + ((condense,) if condense < 1.0 else ())
    lines, missing = faces.memo.get(key, lambda: _compose_display(text, style, width, faces, condense))
    return list(lines), list(missing)


def _compose_display(text: str, style: Style, width: float, faces: FaceSet,
                     condense: float) -> tuple[tuple[Line, ...], tuple[str, ...]]:
    lines, missing = _set_display(text, style, width, faces, condense)
    return tuple(lines), tuple(missing)


def _set_display(text: str, style: Style, width: float, faces: FaceSet,
                 condense: float = 1.0) -> tuple[list[Line], list[str]]:
    # A URL in a headline breaks too; a space between Han and Latin is the Han–Latin gap, as in the body.
    atoms = split_wide(han_latin_spaces(atoms_for([Run(text, style)], faces)), width)
    missing = [ch for a in atoms for ch in a.missing]
    breaks = clause_breaks(atoms)
    typed = {i: atoms[i].width for i in breaks}  # the space as set between Chinese (half an em)
    for i in breaks:
        atoms[i].width = style.word_space * style.size
    whole = set_line(atoms, 0, len(atoms), width, 0.0, False, True)
    if whole.natural <= width + 0.01:
        return [whole], missing
    # One line squeezed (its marks' blanks and gaps given up) comes first, as before (_balanced);
    # one no squeeze fits is condensed
    if condense < 1.0 and not breaks and whole.overfull and \
            (narrow := _condensed(atoms, whole, width, condense)) is not None:
        return [narrow], missing
    clauses = _split_at(atoms, breaks)
    if len(clauses) > 1:
        lines = [set_line(atoms, s, e, width, 0.0, False, True) for s, e in clauses]
        if all(line.natural <= width + 0.01 for line in lines):
            return lines, missing
    # Wrapped: a clause is too long for the measure, so the lines cannot break at every clause
    # break (the build warns: unkept_clause_breaks). The spaces stay as typed, not widened, and
    # the lines may break at them; one dropped would join the clauses (集体收涨贵州茅台).
    for i, natural in typed.items():
        atoms[i].width = natural
    return _balanced(atoms, width), missing


def _condensed(atoms: list[Atom], whole: Line, width: float, least: float) -> Line | None:
    """The line set condensed (长体: every glyph at one horizontal scale, the white between the
    characters as set) to fit ``width``, when a scale of at least ``least`` does; else None. A
    subhead a few percent too wide broken in two cut a word (日本央行维 / 持利率不变, trial 14),
    where a desk sets it condensed on its one line."""
    glyphs = sum(a.width for a in atoms)
    if glyphs <= 0:
        return None
    scale = math.floor((width - (whole.natural - glyphs)) / glyphs * CONDENSE_STEP) / CONDENSE_STEP
    if scale < least:
        return None
    narrow = [_scaled(a, scale) for a in atoms]
    line = set_line(narrow, 0, len(narrow), width, 0.0, False, True)
    return line if line.natural <= width + 0.01 else None


def _scaled(atom: Atom, scale: float) -> Atom:
    """The atom set at ``scale`` of its width: its glyphs drawn so (Atom.scale_x, a Tz in the PDF)
    and every width it holds or may give up scaled with them."""
    return replace(atom, width=atom.width * scale, scale_x=atom.scale_x * scale, shift=atom.shift * scale,
                   squeeze=atom.squeeze * scale, shrink=atom.shrink * scale, stop_shrink=atom.stop_shrink * scale,
                   start_squeeze=atom.start_squeeze * scale, hyphen_width=atom.hyphen_width * scale,
                   kern_back=atom.kern_back * scale)


def _split_at(atoms: list, breaks: frozenset[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for i, a in enumerate(atoms):
        if i in breaks:
            if i > start:
                out.append((start, i))
            start = i + 1
    if start < len(atoms):
        out.append((start, len(atoms)))
    return out


# What a wrapped headline's break costs, by what stands either side (in em², the unit of the
# balance below: lines whose lengths differ by d ems cost d²/2 more than even ones). A desk breaks
# a headline between phrases and balances its lines (TYPOGRAPHY.md "Headlines and article
# anatomy"; clreq §3.1.7 for where a line may break at all): after a clause mark or a closing
# mark, before an opening one, at a space, or between Han and a Latin word or number (a word's
# edge) costs nothing. Between two Han a break may cut a word in two (部 / 分): it costs what
# some six ems of imbalance cost, less where a function word (虚词) marks a phrase's edge: before
# a preposition or conjunction (党旗 / 在疫情防控, 防控 / 和经济), after a structural particle
# (两字长的 / 破折号). The lists are the commonest 介词, 连词 and 助词 of headline copy (黄伯荣、
# 廖序东《现代汉语》, 虚词); they are cues, not a segmenter: such a break is still warned of.
CLAUSE_CUES_AFTER = frozenset({CharClass.PAUSE, CharClass.STOP, CharClass.CLOSING, CharClass.DASH,
                               CharClass.ELLIPSIS, CharClass.MIDDLE, CharClass.SPACE})
CLAUSE_CUES_BEFORE = frozenset({CharClass.OPENING, CharClass.SPACE})
PHRASE_STARTS = frozenset("在和与及并把被让向从对将由至")  # 介词, 连词: a phrase starts before them
PHRASE_ENDS = frozenset("的了着")  # 助词: a phrase ends after them
UNCUED_BREAK_COST = 20.0
FUNCTION_WORD_BREAK_COST = 4.0
# A break inside a Latin word or code (compose/chars.py's penalties, in demerits) counts this
# much per demerit: such a break is taken only where nothing else fits.
PENALTY_WEIGHT = 1e-3


def break_cost(before: Atom, after: Atom) -> float:
    """The cost (em²) of a headline line ending between ``before`` and ``after``."""
    if before.cls in CLAUSE_CUES_AFTER or after.cls in CLAUSE_CUES_BEFORE:
        return 0.0
    if before.cls == CharClass.HAN and after.cls == CharClass.HAN:
        if after.text in PHRASE_STARTS or before.text in PHRASE_ENDS:
            return FUNCTION_WORD_BREAK_COST
        return UNCUED_BREAK_COST
    return 0.0


# A run of Latin words (Shanghai Port FC, a name) is one phrase: a break inside it, between two of
# its words or inside one (Shang-hai, a hyphenation point costs a headline next to nothing:
# PENALTY_WEIGHT), costs twice what a break that may cut a Han word costs (a name is surely cut),
# so the lines break before or after the run wherever that fits within some nine ems of
# imbalance, and the build warns where they do not (split_latin_runs).
LATIN_RUN_BREAK_COST = 2 * UNCUED_BREAK_COST


def _inside_latin_run(atoms: Sequence[Atom], e: int) -> bool:
    """Does a line ending before atoms[e] part a Latin run: two words or numbers the copy spaced
    (Port FC), or one word (at a hyphenation point or a forced break)?"""
    if not 1 <= e < len(atoms) or atoms[e].cls not in WORDLIKE:
        return False
    before = atoms[e - 1]
    if before.cls in WORDLIKE:
        return True
    return e >= 2 and before.cls is CharClass.SPACE and before.text == " " and atoms[e - 2].cls in WORDLIKE


def headline_break_cost(atoms: Sequence[Atom], e: int) -> float:
    """The cost (em²) of a headline's line, or a vertical headline's column, ending before
    ``atoms[e]``: break_cost, or LATIN_RUN_BREAK_COST inside a Latin run; nothing at the end."""
    if not 0 < e < len(atoms):
        return 0.0
    if _inside_latin_run(atoms, e):
        return LATIN_RUN_BREAK_COST
    return break_cost(atoms[e - 1], atoms[e])


def _balanced(atoms: list[Atom], width: float) -> list[Line]:
    """The fewest lines that fit, broken where the sum of the lines' squared lengths (even lines
    are cheapest) and the breaks' costs (break_cost) is least: a dynamic programme over the legal
    breakpoints, a headline being a few dozen atoms."""
    n = len(atoms)
    gaps = gaps_of(atoms)
    m = Metrics.of(atoms, gaps)
    breaks, penalties = break_penalties(atoms, "last_pass")
    ends = [(j, p) for j, p in zip(breaks, penalties) if p != NO_BREAK] + [(n, 0.0)]
    em = max((a.style.size for a in atoms), default=1.0) or 1.0

    def fits(s: int, e: int) -> float | None:
        s, e = line_span(atoms, s, e)
        natural, _, shrink = measure_line(atoms, m, s, e)
        return natural / em if natural - shrink <= width + 0.01 or e - s <= 1 else None

    # best[j]: (lines, cost, previous break) of the best way to set atoms[:j]
    best: dict[int, tuple[int, float, int]] = {0: (0, 0.0, -1)}
    for e, penalty in ends:
        options = []
        for s, (count, cost, _) in best.items():
            length = fits(s, e) if s < e else None
            if length is None:
                continue
            cue = headline_break_cost(atoms, e)
            options.append((count + 1, cost + length * length + cue + penalty * PENALTY_WEIGHT, s))
        if options:
            best[e] = min(options)
    if n not in best:  # no set of lines fits (a chain kinsoku holds together, wider than the headline)
        return [set_line(atoms, s, e, width, 0.0, False, True) for s, e in break_lines(atoms, width, 0.0)]
    cuts: list[int] = []
    j = n
    while j > 0:
        cuts.append(j)
        j = best[j][2]
    cuts.reverse()
    return [set_line(atoms, *line_span(atoms, s, e), width, 0.0, False, True) for s, e in zip([0] + cuts[:-1], cuts)]


class Texted(Protocol):
    """A line or a vertical column: what uncued_breaks reads of it."""

    @property
    def text(self) -> str: ...


def uncued_breaks(text: str, lines: Sequence[Texted]) -> list[tuple[str, str]]:
    """The line ends (or a vertical headline's column ends) of a display text set as ``lines`` that
    fall between two Han characters the copy wrote side by side with no cue (no space, no mark, no
    function word; break_cost): each as the two characters."""
    found: list[tuple[str, str]] = []
    pos = 0
    prev_end: int | None = None
    for line in lines:
        shown = line.text.strip()
        if not shown:
            continue
        start = text.find(shown[:1], pos)
        if start < 0:
            return found  # the copy was changed on its way (a hyphen added): nothing to say
        if prev_end is not None and start == prev_end and 0 < start < len(text):
            a, b = text[start - 1], text[start]
            if (char_class(a) == CharClass.HAN and char_class(b) == CharClass.HAN
                    and b not in PHRASE_STARTS and a not in PHRASE_ENDS):
                found.append((a, b))
        pos = start + len(shown)
        prev_end = pos if text.startswith(shown, start) else None
    return found


def _line_starts(text: str, lines: list[Line]) -> list[int] | None:
    """Where each non-empty line after the first starts in ``text`` (None when the copy was changed
    on its way and the lines cannot be found in it). The copy's ASCII spaces are matched loosely:
    one between Han and Latin is the Han–Latin gap, not printed (han_latin_spaces); a hyphen the
    line breaker added at a line's end (Shang- / hai) is not the copy's."""
    keep = [i for i, ch in enumerate(text) if ch != " "]  # the copy's offsets of what is not a space
    bare = "".join(text[i] for i in keep)
    starts: list[int] = []
    pos = 0
    for k, shown in enumerate(s for s in (line.text.replace(" ", "") for line in lines) if s):
        start = bare.find(shown, pos)
        if start < 0 and shown.endswith("-"):
            shown = shown[:-1]
            start = bare.find(shown, pos)
        if start < 0 or not shown:
            return None
        if k:
            starts.append(keep[start])
        pos = start + len(shown)
    return starts


def unkept_clause_breaks(text: str, lines: list[Line]) -> list[tuple[str, str]]:
    """The clause breaks the copy typed (an ASCII space between Chinese: clause_breaks) that a
    headline set on more than one line does not break at, each as the clause before and after it:
    one of them is too long for the measure, so the lines were wrapped elsewhere."""
    starts = _line_starts(text, lines)
    if not starts:
        return []
    found: list[tuple[str, str]] = []
    for i, ch in enumerate(text):
        if ch != " " or not (0 < i < len(text) - 1):
            continue
        a, b = text[:i].rstrip(" ")[-1:], text[i + 1:].lstrip(" ")[:1]
        if not (a and b and not a.isascii() and not b.isascii()
                and char_class(a) != CharClass.SPACE and char_class(b) != CharClass.SPACE):
            continue
        if any(i <= s <= i + len(text[i:]) - len(text[i:].lstrip(" ")) for s in starts):
            continue  # a line starts right after this space: the break is kept
        before = text[:i].rstrip(" ").rsplit(" ", 1)[-1]
        after = text[i + 1:].lstrip(" ").split(" ", 1)[0]
        found.append((before, after))
    return found


def _capitalised(word: str) -> bool:
    """A name's word: a capital first letter, not all capitals (Mateta, Jean-Philippe; not CUP)."""
    return word[:1].isupper() and not word.isupper()


def split_latin_runs(text: str, lines: list[Line]) -> list[tuple[str, str]]:
    """The line ends of a display text that fall between two Latin words or numbers the copy
    spaced (Shanghai / Port FC), or inside one (Antetok- / ounmpo): each as the two sides. A text
    all in Latin (WORLD CUP 2026 KICKS OFF) is broken between its words as any Latin text: only a
    break inside a word, or between two capitalised words (a name: Jean-Philippe / Mateta, trial
    17 #1), is a finding there."""
    starts = _line_starts(text, lines)
    if not starts:
        return []
    latin = text.isascii()
    found: list[tuple[str, str]] = []
    for s in starts:
        if s < 1 or char_class(text[s]) not in WORDLIKE:
            continue
        end = s - 1 if text[s - 1] == " " else s  # the line before ends at a space, or inside a word
        if end >= 1 and char_class(text[end - 1]) in WORDLIKE:
            before, after = text[:end].split(" ")[-1], text[s:].split(" ", 1)[0]
            if not latin or end == s or (_capitalised(before) and _capitalised(after)):
                found.append((before, after))
    return found


def parted_names(text: str, lines: list[Line]) -> list[str]:
    """The capitalised Latin words (names: Antetokounmpo) a display text's lines break inside,
    each whole: a headline hyphenates no name (README: Headlines); one wider than the measure
    has no other way to be set."""
    starts = _line_starts(text, lines)
    out: list[str] = []
    for s in starts or []:
        if 0 < s < len(text) and text[s - 1] != " " and text[s - 1].isalpha() and text[s].isalpha() \
                and char_class(text[s]) in WORDLIKE and char_class(text[s - 1]) in WORDLIKE:
            a = s
            while a > 0 and char_class(text[a - 1]) in WORDLIKE:
                a -= 1
            b = s
            while b < len(text) and char_class(text[b]) in WORDLIKE:
                b += 1
            word = text[a:b]
            if word[:1].isupper() and word not in out:
                out.append(word)
    return out
