"""Knuth–Plass line breaking over atoms and gaps (a whole-paragraph optimum, not first fit).

Breakpoints are the gaps where kinsoku allows a break (compose/chars.py); every
line is scored by how far its gaps must stretch or shrink (compose/spacing.py),
and the paragraph takes the sequence of breaks with the least total demerits
(Knuth & Plass, "Breaking paragraphs into lines", 1981). Chinese costs: a line
that must push a character out (后推出) stretches its grid gaps; a line-end mark
that gives up its blank (先挤进) shrinks; the last line may not hold a lone
character (孤字).

A line's ratio counts the stretch steps of compose/spacing.py (STRETCH_ORDER,
SHRINK_ORDER) as a reader sees them: the first steps (Han–Latin gaps to a third of
an em, a 开明 mark's blank, a 全角 mark's blank, the line-end mark) cost little
(FILL_COST at their full use); only what is left for the gaps between Han
characters (spread, or closed up by at most 1/16 em) counts in full. Neighbouring
lines whose Han spacing differs by more than JUMP_FREE pay ADJ_DEMERITS. A line whose Han are
spread past LOOSE_EM pays LOOSE_DEMERITS; past VERY_LOOSE_EM it is tried only in the last pass
and pays VERY_LOOSE_DEMERITS, past VERY_LOOSE_LIMIT PAST_LIMIT_DEMERITS too. The spans a 校对
keeps together (KEEP_TOGETHER_PATTERNS) and no-break spaces are breaks at a cost: in every pass
for the mildest, only in the last pass for the rest (break_penalties).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate
from typing import Literal, NamedTuple

from pagesetter.compose.atoms import Atom
from pagesetter.compose.chars import (
    BLANK_SIDE, DIGITS, GRID_CONNECTORS, INSEPARABLE_CLASSES, KEEP_TOGETHER_PATTERNS, LETTERSPACE_EM, LONE_LINE_MAX_EM, NO_BREAK, NO_BREAK_SPACE_PENALTY,
    NO_BREAK_SPACES, NOT_AT_LINE_END, NOT_AT_LINE_START, CharClass,
)
from pagesetter.compose.spacing import (
    CAPPED_FILL, CAPPED_MOST, GAP_RULES, LOOSE_EM, VERY_LOOSE_EM, VERY_LOOSE_LIMIT, Gap, GapKind, gap_between,
    is_score_gap,
)
from pagesetter.records import record

LINE_PENALTY = 10  # TeX's \linepenalty: fewer lines are better
ADJ_DEMERITS = 3000  # × (Han spacing jump from the line above beyond JUMP_FREE, in ⅛ em)²
JUMP_FREE = 0.03  # em: a change of Han spacing between neighbouring lines no reader sees
FILL_COST = 0.2  # the ratio of a line whose first stretch (or shrink) steps are used in full
# The ratio a line whose Han close up by the whole 1/16 em counts as: a squeeze that small reads
# better than a loose line (方正 先挤后推, push in before pushing out), measured on the bench texts
# (bench/typography.py): 0.5 takes the seed text from 12 loose lines to 7 (Typst 6).
TIGHTEN_COST = 0.5
# The ratio a line whose mid-line 。？！ all give up half an em counts as (clreq §3.8's last
# reduction step, spacing.SHRINK_ORDER): as visible as the Han closing up, so weighed alike.
STOP_SHRINK_COST = 0.5
# A last line of one character or only punctuation (孤字): worse than any line's demerits, so the
# last pass loosens earlier lines however far rather than leave one (README: "Paragraphs").
LONE_LAST_LINE = 10 ** 17
# A line whose Han are spread past VERY_LOOSE_EM, a quarter em (what `pagesetter check` calls very loose: a
# reader sees a gappy line, clreq §3.8) pays this on top of its badness: more than a break inside
# a URL (URL_PENALTY) or any Han line at the tolerance, less than a forced break inside a word
# (FORCED_PENALTY), which stays the last resort. A line with no two Han side by side (a URL
# alone, letterspaced) pays nothing here: no gap between Han is seen. Like a 孤字, such a line is
# tried only in the last pass, when no paragraph within a tolerance goes without one.
VERY_LOOSE_DEMERITS = 5e7
# A line spread past VERY_LOOSE_LIMIT itself (spacing.py; VERY_LOOSE_EM is a margin below it),
# which `pagesetter check` fails, pays this too: more than two kept-together spans split
# (KEEP_TOGETHER_PATTERNS) or a no-break space broken, and more than a word broken by force
# (FORCED_PENALTY), which `check` passes. Those spans cost more than a line at the limit, so they
# yield to such a line only.
PAST_LIMIT_DEMERITS = 1.5e8
# A line whose Han are spread past LOOSE_EM (spacing.py), the first spread a reader sees, pays this
# on top of its badness: some ten times a line at the tolerance, so the paragraph takes a
# tighter or more even set of lines, or splits a kept-together span that costs less
# (KEEP_TOGETHER_PATTERNS), before it prints one. Measured on the bench texts
# (bench/typography.py): the seed text from 7 loose lines to 6 (Typst 6), the news text 5 either way.
LOOSE_DEMERITS = 1e5
# A line with no two Han side by side that lines.set_line sets short (flush left, ragged; the
# build warns, `check` passes it), its only stretch its words' letters past LETTER_SPACING_LIMIT
# (r > 1) or the white before a ，、 past a very loose line's (_wide_before_closing): costs what a
# gappy Han line pays (VERY_LOOSE_DEMERITS), in the last pass only, not the spacing it will never
# print (trial 14: 8888 6666、 alone costing 2e12 made 联系电话：0431-8888 6666、138 0013 8000，
# set 联系电话： 1.12 em apart and part two telephone numbers anyway). Not a line of one short unit.
SET_SHORT_DEMERITS = VERY_LOOSE_DEMERITS
MAX_BADNESS = 10 ** 8  # a line's badness at most (r = 1e4, a unit that cannot stretch): demerits below 1e16
# em of Han spacing at ratio 1 of the even stretch, and at the full last-resort shrink.
_STRETCH_EM = GAP_RULES[GapKind.HAN].stretch
_TIGHTEN_EM = GAP_RULES[GapKind.HAN].shrink
# Past the limit by more than glyph positions round to (a line set at it exactly passes check).
_PAST_LIMIT = VERY_LOOSE_LIMIT + 5e-4
# Tolerances tried in turn (max stretch ratio): a fine paragraph first, any legal one last.
TOLERANCES = (1.0, 2.5, 8.0, float("inf"))


def can_break_before(atoms: list[Atom], j: int) -> bool:
    """May a line end between atoms[j-1] and atoms[j]? (clreq §3.1.7 禁则)"""
    if j <= 0 or j >= len(atoms):
        return True
    start = max(0, j - 6)  # enough before j for an enumerator and the clause end before it
    return j - start in breakpoints(atoms[start:j + 3])


def breakpoints(atoms: list[Atom]) -> list[int]:
    """Every j in 1..n-1 where a line may end between atoms[j-1] and atoms[j] (clreq §3.1.7 禁则)."""
    return break_penalties(atoms, "none")[0]


# Which kept-together spans (KEEP_TOGETHER_PATTERNS) and no-break spaces a line may end inside:
# none (kinsoku alone: first fit, vertical text), those that may split in every pass, or all (the
# line breaker's last pass).
Splits = Literal["none", "every_pass", "last_pass"]


def break_penalties(atoms: list[Atom], splits: Splits = "every_pass") -> tuple[list[int], list[float]]:
    """The legal breakpoints (as breakpoints) and the demerits each adds to the line it ends: 0
    between Chinese characters, more inside a Latin word, URL or code (compose/chars.py), and
    inside a span kept together or at a no-break space, as ``splits`` allows, their cost."""
    return _BreakTable.of(atoms).penalties(atoms, splits)


# The characters of NOT_AT_LINE_START and NOT_AT_LINE_END as regular expressions: the few marks
# in a paragraph found by one C scan of its text, not one test per atom.
_NOT_AT_START_RE = re.compile("[" + "".join(sorted(re.escape(ch) for ch in NOT_AT_LINE_START)) + "]")
_NOT_AT_END_RE = re.compile("[" + "".join(sorted(re.escape(ch) for ch in NOT_AT_LINE_END)) + "]")


@record(frozen=True)
class _BreakTable:
    """What break_penalties reads of a paragraph whatever ``splits`` is, found once: the Knuth–Plass
    passes ask for two sets of penalties (every pass, last pass) over the same atoms."""

    kinsoku: list[int]  # the j where 禁则 allows a break (clreq §3.1.7), before spans and joins
    lasts: list[str] | str  # the last character of each atom (the text itself when each is one)
    # The spans kept together (KEEP_TOGETHER_PATTERNS): per rule, the character offsets inside its
    # matches; and the character offset of each atom's start.
    spans: list[tuple[float, bool, list[int]]]
    starts: list[int]
    joined: bool  # some atom continues a word
    own: list[float]  # each atom's own penalty (Atom.penalty), + 0.0 as break_penalties always added

    @classmethod
    def of(cls, atoms: list[Atom]) -> "_BreakTable":
        n = len(atoms)
        classes = [a.cls for a in atoms]
        texts = [a.text for a in atoms]
        text = "".join(texts)
        single = len(text) == n and "" not in texts  # one character an atom: offsets are indices
        starts = list(range(n + 1)) if single else [0, *accumulate(map(len, texts))]
        lasts: list[str] | str = text if single else [t[-1:] for t in texts]
        # The j where a line may not break, each rule's few hits found by a C scan.
        at = None if single else dict(zip(starts, range(n)))  # an atom's start offset -> its index
        bad: set[int] = set()
        for m in _NOT_AT_START_RE.finditer(text):  # firsts[j] in NOT_AT_LINE_START
            j = m.start() if single else at.get(m.start())  # type: ignore[union-attr]
            if j is not None:
                bad.add(j)
        for m in _NOT_AT_END_RE.finditer(text):  # lasts[j - 1] in NOT_AT_LINE_END
            j = m.end() if single else at.get(m.end())  # type: ignore[union-attr]
            if j is not None:
                bad.add(j)
        dash = CharClass.DASH
        for kind in INSEPARABLE_CLASSES:  # never inside —— or ……
            bad.update(j for j in _indices(classes, kind) if j and classes[j - 1] == kind)
        # a lone — is a 连接号 (6.2%—8.7%), which never starts a line (chars.lone_dash_at)
        bad.update(j for j in _indices(classes, dash) if j + 1 == n or classes[j + 1] is not dash)
        # break after a space, so the space ends the line and is dropped
        bad.update(_indices(classes, CharClass.SPACE))
        kinsoku: list[int] = []
        after = 1
        for j in sorted(bad):
            if j > after:
                kinsoku += range(after, min(j, n))
            after = max(after, j + 1)
        if after < n:
            kinsoku += range(after, n)
        spans = []
        for pattern, cost, every_pass in _KEEP_TOGETHER:
            g = _kept_group(pattern)
            inside = [k for match in pattern.finditer(text) for k in range(match.start(g) + 1, match.end(g))]
            spans.append((cost, every_pass, inside))
        return cls(kinsoku, lasts, spans, starts, True in [a.joined for a in atoms],
                   [a.penalty + 0.0 for a in atoms])

    def penalties(self, atoms: list[Atom], splits: Splits) -> tuple[list[int], list[float]]:
        """break_penalties for ``splits``."""
        last_resort = splits == "last_pass"
        lasts = self.lasts
        breaks = self.kinsoku
        kept = self._kept_together(splits)
        for j in breaks:
            if lasts[j - 1] in NO_BREAK_SPACES:
                kept[j] = max(kept.get(j, 0.0), NO_BREAK_SPACE_PENALTY if last_resort else NO_BREAK)
        if kept:
            breaks = [j for j in breaks if kept.get(j) != NO_BREAK]
            # (penalty + 0.0) + cost is penalty + cost: a kept span's cost is never -0.0
            penalties = [p + kept.get(j, 0.0) for j, p in zip(breaks, map(self.own.__getitem__, breaks))]
        else:
            penalties = list(map(self.own.__getitem__, breaks))
        if NO_BREAK in penalties or self.joined:
            # Inside a word the word's own breaks decide (atoms.py), and a word joiner forbids one.
            legal = [(j, p) for j, p in zip(breaks, penalties) if p != NO_BREAK and not atoms[j].joined]
            legal += [(j, a.penalty + kept.get(j, 0.0)) for j, a in enumerate(atoms)
                      if a.joined and a.penalty != NO_BREAK and kept.get(j) != NO_BREAK]
            legal.sort()
            breaks, penalties = [j for j, _ in legal], [p for _, p in legal]
        return breaks, penalties

    def _kept_together(self, splits: Splits) -> dict[int, float]:
        """The j (as breakpoints) inside a number and its unit, 第 and its number, an enumerator and
        what it numbers, each with what a break there costs (the most of the spans it is in), or
        NO_BREAK where the span may not split in this pass: the text is searched, the offsets mapped
        back to atoms."""
        inside: dict[int, float] = {}
        for cost, every_pass, offsets in self.spans:
            if splits == "none" or (splits == "every_pass" and not every_pass):
                cost = NO_BREAK
            for k in offsets:
                inside[k] = max(inside.get(k, 0.0), cost)
        if not inside:
            return inside
        starts = self.starts[1:-1]  # the offset of atoms[1], atoms[2], …
        return {j: inside[offset] for j, offset in enumerate(starts, 1) if offset in inside}


def _kept_group(pattern: re.Pattern[str]) -> int | str:
    """The part of a match kept whole: its group ``keep`` where the rule names one (a dateline's
    日电, found only after its agency and place: chars.DATELINE_DATE_AND_DIAN), else all of it."""
    return "keep" if "keep" in pattern.groupindex else 0


# KEEP_TOGETHER_PATTERNS (compose/chars.py), compiled once.
_KEEP_TOGETHER = tuple((re.compile(rule.pattern), rule.cost, rule.every_pass) for rule in KEEP_TOGETHER_PATTERNS)


# The spans a 校对 names when a line ends inside one (KeepTogether.kind), and whether the line
# breaker parts it only as its last resort (hard: the build warns, `pagesetter check` fails it).
SPLIT_SPANS: tuple[tuple[str, bool, re.Pattern[str]], ...] = tuple(
    (rule.kind, not rule.every_pass, re.compile(rule.pattern)) for rule in KEEP_TOGETHER_PATTERNS if rule.kind)
# The kinds of span the line breaker never parts (their cost NO_BREAK in every pass: a score,
# 3∶1): only first fit does, where no set of lines keeps one whole (lines.break_lines).
UNBROKEN_KINDS = frozenset(rule.kind for rule in KEEP_TOGETHER_PATTERNS if rule.kind and rule.cost == NO_BREAK)
SPAN_CONTEXT = 16  # characters each side of a line end searched for a span across it


# Every span SPLIT_SPANS names holds a digit (DIGITS: each pattern consumes one in every match;
# tests/test_compose_fast_paths.py reads each pattern to prove it): where none is in reach of a
# line end, no span is cut there. Four line ends in five on the seed page are answered by this one
# search, and no pattern of all the spans at once needs compiling (4 ms of a cold build's start).
_DIGIT = re.compile(f"[{DIGITS}]")


def split_kinds(before: str, after: str) -> list[tuple[str, bool]]:
    """The kinds of kept-together span (2022年5月, 0～7℃, 2版) a line ending after ``before``,
    the next starting with ``after``, parts, each with whether it is hard (SPLIT_SPANS)."""
    return list(_split_kinds(before[-SPAN_CONTEXT:], after[:SPAN_CONTEXT]))


def parted_reach(before: str, after: str) -> tuple[int, int]:
    """How far the hard spans (split_kinds) a line ending after ``before`` parts from the next,
    starting with ``after``, reach either side of the line end: characters back from the end of
    ``before``, on from the start of ``after`` (9 and 4 for 027-8888- / 1234); (0, 0) where none."""
    tail, head = before[-SPAN_CONTEXT:], after[:SPAN_CONTEXT]
    joined, cut = tail + head, len(tail)
    found = [(m.start(g), m.end(g)) for _, hard, pattern in SPLIT_SPANS if hard for g in (_kept_group(pattern),)
             for m in pattern.finditer(joined) if m.start(g) < cut < m.end(g)]
    if not found:
        return 0, 0
    return cut - min(start for start, _ in found), max(end for _, end in found) - cut


# A page's flow asks again for the same line ends each time it sets an article anew (fitting tries
# many depths), and its gate for the same ones read back: a few hundred distinct pairs a page.
@lru_cache(maxsize=4096)
def _split_kinds(tail: str, head: str) -> tuple[tuple[str, bool], ...]:
    joined, cut = tail + head, len(tail)
    if _DIGIT.search(joined) is None:
        return ()  # no span anywhere, so none across the cut
    return tuple([(kind, hard) for kind, hard, pattern in SPLIT_SPANS
                  if any(m.start(g) < cut < m.end(g) for g in (_kept_group(pattern),) for m in pattern.finditer(joined))])


@record(frozen=True)
class Metrics:
    """Prefix sums, so any line's width, stretch and shrink cost O(1)."""

    width: list[float]  # width[i]: atoms 0..i-1
    gap: list[float]  # gap[k]: gaps 1..k (gap k stands before atom k)
    stretch: list[float]  # the even stretch
    letters: list[float]  # the part of it inside words (letter spacing): used only on a line with no other
    shrink: list[float]  # gap shrink before the last resort (the atoms' own mid-line shrink is atom_shrink)
    atom_shrink: list[float]
    fill: list[float]  # the first stretch steps (Han–Latin gaps, spaces)
    capped_fill: list[float]  # the steps a line takes only so much of (marks' blanks, CAPPED_FILL)
    fill_cap: float  # how much of them a line takes (STRETCH_ORDER's most)
    tighten: list[float]  # the last-resort shrink (Han closing up)
    stops: list[float]  # stops[i]: mid-line 。？！ blanks of atoms 0..i-1 (Atom.stop_shrink), before it

    @classmethod
    def of(cls, atoms: list[Atom], gaps: list[Gap]) -> "Metrics":
        return cls.of_values(_Values.of(atoms, gaps))

    @classmethod
    def of_values(cls, v: "_Values") -> "Metrics":
        zero = [0.0]
        return cls(
            width=zero + list(accumulate(v.widths)),
            gap=zero + list(accumulate(v.naturals)),
            stretch=zero + list(accumulate(v.stretches)),
            letters=zero + list(accumulate(v.letters)),
            shrink=zero + list(accumulate(v.gap_shrinks)),
            atom_shrink=zero + list(accumulate(v.shrinks)),
            fill=zero + list(accumulate(v.fills)),
            capped_fill=zero + list(accumulate(v.capped_fills)),
            fill_cap=CAPPED_MOST * max(v.capped_fills, default=0.0),
            tighten=zero + list(accumulate(v.tightens)),
            stops=zero + list(accumulate(v.stop_shrinks)),
        )


@record(frozen=True)
class _Values:
    """The atoms' and gaps' numbers as lists, read once a paragraph."""

    classes: list[CharClass]
    widths: list[float]
    shrinks: list[float]
    squeezes: list[float]
    start_squeezes: list[float]
    naturals: list[float]  # of the gaps
    stretches: list[float]
    letters: list[float]  # the stretches of gaps inside words (INSEPARABLE)
    gap_shrinks: list[float]
    fills: list[float]
    capped_fills: list[float]
    tightens: list[float]
    stop_shrinks: list[float]

    @classmethod
    def of(cls, atoms: list[Atom], gaps: list[Gap], read: "_AtomsRead | None" = None) -> "_Values":
        """``read``: the atoms' own numbers, when the caller has them already (they are shared)."""
        inseparable, capped = GapKind.INSEPARABLE, CAPPED_FILL  # locals: an enum member is slow to look up
        kinds = [g.kind for g in gaps]
        stretches = [g.stretch for g in gaps]
        fills = [g.fill for g in gaps]
        if read is None:
            read = _AtomsRead([a.cls for a in atoms], [a.width for a in atoms], [a.shrink for a in atoms],
                              [a.squeeze for a in atoms], [a.start_squeeze for a in atoms],
                              [a.stop_shrink for a in atoms])
        return cls(read.classes, read.widths, read.shrinks, read.squeezes, read.start_squeezes,
                   [g.natural for g in gaps], stretches,
                   [st if k is inseparable else 0.0 for k, st in zip(kinds, stretches)], [g.shrink for g in gaps],
                   [0.0 if k in capped else f for k, f in zip(kinds, fills)],
                   [f if k in capped else 0.0 for k, f in zip(kinds, fills)], [g.tighten for g in gaps],
                   read.stop_shrinks)


@record(frozen=True)
class _AtomsRead:
    """The atoms' own numbers (_Values), as lists. Read once a paragraph."""

    classes: list[CharClass]
    widths: list[float]
    shrinks: list[float]
    squeezes: list[float]
    start_squeezes: list[float]
    stop_shrinks: list[float]


@record(frozen=True)
class Breakable:
    """What every Knuth–Plass pass over one paragraph's atoms reads whatever their gaps, found
    once: rebreak_paragraph (lines.py) breaks the same atoms with the gaps of up to eight
    trackings. Never changed once made (_run only reads it)."""

    atoms: _AtomsRead
    breaks: list[int]  # _Paragraph's
    penalties: list[float]
    last_breaks: list[int]
    last_penalties: list[float]
    solid_prefix: list[int]
    joined: list[bool]
    first_solid: list[int]
    end_solid: list[int]
    start_shrink: list[float]
    end_shrink: list[float]
    lone_width: float

    @classmethod
    def of(cls, atoms: list[Atom]) -> "Breakable":
        n = len(atoms)
        read = _AtomsRead([a.cls for a in atoms], [a.width for a in atoms], [a.shrink for a in atoms],
                          [a.squeeze for a in atoms], [a.start_squeeze for a in atoms],
                          [a.stop_shrink for a in atoms])
        spaces = _indices(read.classes, CharClass.SPACE)
        first_solid = list(range(n + 1))
        for i in reversed(spaces):
            first_solid[i] = first_solid[i + 1]
        end_solid = list(range(n + 1))
        for i in spaces:
            end_solid[i + 1] = end_solid[i]
        table = _BreakTable.of(atoms)
        breaks, penalties = table.penalties(atoms, "every_pass")
        last_breaks, last_penalties = table.penalties(atoms, "last_pass")
        return cls(
            read, breaks + [n], penalties + [0.0], last_breaks + [n], last_penalties + [0.0],
            [0] + list(accumulate(map(_SOLID.__getitem__, read.classes))),
            [a.joined for a in atoms] + [False],
            first_solid, end_solid,
            # start_shrink, written out (min(shrink, squeeze) as min picks)
            [(squeeze if squeeze < shrink else shrink) if squeeze else 0.0
             for shrink, squeeze in zip(read.shrinks, read.start_squeezes)],
            list(map(max, read.squeezes, read.shrinks)),
            LONE_LINE_MAX_EM * max([a.style.size for a in atoms], default=0.0),  # Atom.em
        )


def gaps_of(atoms: list[Atom], bias: float = 0.0) -> list[Gap]:
    """gaps[k-1] stands between atoms[k-1] and atoms[k]. ``bias``: em added to every style's
    tracking (spacing.gap_between), the gaps of the same atoms set that much looser (tighter)."""
    # A gap depends on the two classes and styles only: a paragraph has a few dozen such pairs.
    # A mark's width is in the key too: whether it may take its blank back (spacing.mark_blank).
    known: dict[tuple[CharClass, CharClass, int, int, float, float, bool, float, bool, bool, bool], Gap] = {}
    gaps: list[Gap] = []
    for a, b in zip(atoms, atoms[1:]):
        if b.joined:
            # Inside a word: no gap (a hyphen printed only at a line end is taken back); what it
            # may stretch is the letter spacing of a line with no other gap (lines.set_line).
            gaps.append(Gap(GapKind.INSEPARABLE, -a.end_extra, LETTERSPACE_EM * b.em * len(b.glyphs), 0.0))
            continue
        # the atoms hold the styles: ids stay theirs
        key = (a.cls, b.cls, id(a.style), id(b.style), a.width if a.cls in BLANK_SIDE else 0.0,
               b.width if b.cls in BLANK_SIDE else 0.0, a.fixed_space or b.fixed_space,
               a.width if a.fixed_space else b.width if b.fixed_space else 0.0,  # spacing.space_room
               a.text in GRID_CONNECTORS or b.text in GRID_CONNECTORS,  # 2～11: set solid (spacing.py)
               a.enumerator or b.enumerator,  # an enumerator's mark keeps its blank (spacing.mark_blank)
               is_score_gap(a, b))  # 0∶2: set solid (spacing.GapKind.SCORE)
        gap = known.get(key)
        if gap is None:
            gap = known[key] = gap_between(a, b, bias)
        if a.kern_back:  # kerned with b: the width undid it for a line end, the gap keeps it mid-line
            gap = Gap(gap.kind, gap.natural - a.kern_back, gap.stretch, gap.shrink, gap.fill, gap.tighten)
        gaps.append(gap)
    return gaps


def line_span(atoms: list[Atom], start: int, end: int) -> tuple[int, int]:
    """The atoms a line from ``start`` to ``end`` really sets: no spaces at either end."""
    while start < end and atoms[start].cls == CharClass.SPACE:
        start += 1
    while end > start and atoms[end - 1].cls == CharClass.SPACE:
        end -= 1
    return start, end


def measure_line(atoms: list[Atom], m: Metrics, start: int, end: int) -> tuple[float, float, float]:
    """Natural width, stretch and shrink of atoms[start:end] set as one line (every step)."""
    if end <= start:
        return 0.0, 0.0, 0.0
    first = atoms[start]
    width = m.width[end] - m.width[start] + m.gap[end - 1] - m.gap[start] - first.start_squeeze
    stretch = (m.stretch[end - 1] - m.stretch[start] + m.fill[end - 1] - m.fill[start]
               + min(m.capped_fill[end - 1] - m.capped_fill[start], m.fill_cap))
    last = atoms[end - 1]
    shrink = (m.shrink[end - 1] - m.shrink[start] + m.atom_shrink[end - 1] - m.atom_shrink[start]
              + m.tighten[end - 1] - m.tighten[start] + m.stops[end - 1] - m.stops[start]
              + max(last.squeeze, last.shrink)
              - start_shrink(first))
    return width, stretch, shrink


def start_shrink(atom: Atom) -> float:
    """What of a line-start mark's mid-line shrink its start squeeze has taken already: the same
    blank (an opening mark's left half), never given twice."""
    return min(atom.shrink, atom.start_squeeze) if atom.start_squeeze else 0.0


# 1 for a solid atom, 0 for a space or a mark (—— and …… too): what a lone last line (孤字) counts.
_SOLID = {cls: 0 if cls in BLANK_SIDE or cls in INSEPARABLE_CLASSES or cls == CharClass.SPACE else 1
          for cls in CharClass}


def _indices(items: list[CharClass], value: CharClass) -> list[int]:
    """Where ``value`` stands in ``items``: one C scan per hit (spaces are few)."""
    found: list[int] = []
    try:
        while True:
            found.append(items.index(value, found[-1] + 1 if found else 0))
    except ValueError:  # no more
        return found


class _Node(NamedTuple):  # a tuple: thousands are made a page (see _node)
    end: int  # break before this atom
    line: int  # lines set so far
    fitness: int
    demerits: float
    prev: "_Node | None"
    spacing: float  # em: the Han spacing of the line ending here (spread > 0, closed up < 0)


# _Node(...) without NamedTuple's __new__, a Python function.
_node = tuple.__new__

# An active node and what every line from it reads at its start, for _run's inner loop: the
# node, the first atom its line sets (line_span), its line number, the measure it has, its
# demerits, its spacing, whether it follows a line, then width, gap, start squeeze, stretch,
# joined, letters, capped fill and fill (Metrics) at that atom.
_Active = tuple


@record(frozen=True)
class _Paragraph:
    """What every Knuth–Plass pass over one paragraph reads, computed once for all tolerances."""

    n: int
    m: Metrics
    breaks: list[int]  # the legal breakpoints, then n
    penalties: list[float]  # the demerits a line ending at each adds (break_penalties), 0 at n
    # The same for the last pass: kept-together spans and no-break spaces may break, at a cost.
    last_breaks: list[int]
    last_penalties: list[float]
    solid_prefix: list[int]  # solid_prefix[i]: solid atoms (not spaces, not marks) among 0..i-1
    han_prefix: list[int]  # han_prefix[k]: gaps between two Han among gaps 1..k (VERY_LOOSE_EM)
    # closing_prefix[k]: the even stretch of gaps 1..k that stand before a closing mark (，、。）:
    # what lines.set_line's _wide_before_closing sets a line short for
    closing_prefix: list[float]
    joined: list[bool]  # atom i continues a word (Atom.joined); False at n
    # line_span as lookups: the first non-space atom at or after i, the end after the last
    # non-space atom at or before e.
    first_solid: list[int]
    end_solid: list[int]
    start_squeeze: list[float]
    start_shrink: list[float]  # the mid-line shrink a line-start atom no longer has (start_shrink)
    end_shrink: list[float]  # what the atom may give up ending a line: max(squeeze, shrink)
    # How far past the tolerance a line must be before every later node is known too short as
    # well (see _run); None where that does not hold (negative widths, gaps or stretch).
    slack: float | None
    lone_width: float  # pt: a last line of one solid character narrower than this is a 孤字

    @classmethod
    def of(cls, atoms: list[Atom], gaps: list[Gap], measure: float,
           breakable: Breakable | None = None) -> "_Paragraph":
        b = Breakable.of(atoms) if breakable is None else breakable
        v = _Values.of(atoms, gaps, b.atoms)
        m = Metrics.of_values(v)
        han = GapKind.HAN
        return cls(
            len(atoms), m, b.breaks, b.penalties, b.last_breaks, b.last_penalties, b.solid_prefix,
            [0] + list(accumulate([k is han for k in [g.kind for g in gaps]])),
            _closing_prefix(atoms, gaps),
            b.joined, b.first_solid, b.end_solid, v.start_squeezes, b.start_shrink, b.end_shrink,
            _slack(v, m, measure), b.lone_width,
        )


# Full-width marks that close what stands before them (clreq §3.1.7, cl-02, cl-06, cl-07): no
# white of their own before them (GB/T 15834-2011 §5.1), only the line's spread between characters
CLOSING_CLASSES = frozenset({CharClass.CLOSING, CharClass.PAUSE, CharClass.STOP})


def _closing_prefix(atoms: list[Atom], gaps: list[Gap]) -> list[float]:
    """_Paragraph.closing_prefix: the prefix sums of the even stretch of the gaps before a closing
    mark (lines._wide_before_closing's gaps: on the grid, after no mark's blank)."""
    grid, closing = GapKind.GRID, CLOSING_CLASSES
    return [0.0] + list(accumulate([g.stretch if g.kind is grid and b.cls in closing and a.cls not in BLANK_SIDE
                                    else 0.0 for a, b, g in zip(atoms, atoms[1:], gaps)]))


def _slack(v: _Values, m: Metrics, measure: float) -> float | None:
    """The margin for cutting a pass's node loop short (_run), or None when it may not be cut.

    With every start squeeze between zero and its atom's width, and every gap and gap stretch at
    least zero, a line from a later break to the same end is no wider and no more stretchable,
    so it is at least as loose. The prefix sums round (by some n·2⁻⁵³ of their totals); the slack
    is many orders above that, so a node it finds too short is too short in exact arithmetic
    too, and so is every node after it, as computed.
    """
    if not (min(v.widths, default=0.0) >= 0.0 and min(v.naturals, default=0.0) >= 0.0
            and min(v.stretches, default=0.0) >= 0.0 and min(v.fills, default=0.0) >= 0.0
            and min(v.capped_fills, default=0.0) >= 0.0
            and all([0.0 <= squeeze <= width for squeeze, width in zip(v.start_squeezes, v.widths) if squeeze])):
        return None
    # A NaN that min() passed over makes its total, and so the slack, NaN: no node is ever cut.
    total = m.width[-1] + m.gap[-1] + m.stretch[-1] + m.fill[-1] + m.capped_fill[-1] + abs(measure) + 1.0
    return 1e-5 + 1e-9 * (len(v.widths) + 1) * total


def knuth_plass(atoms: list[Atom], measure: float, first_indent: float, gaps: list[Gap] | None = None,
                breakable: Breakable | None = None) -> list[tuple[int, int]] | None:
    """Optimal breaks as (start, end) atom ranges, or None if no legal set of lines fits.
    ``gaps``: gaps_of(atoms), when the caller has them already; ``breakable``: Breakable.of(atoms),
    when the caller breaks the same atoms more than once."""
    n = len(atoms)
    if n == 0:
        return []
    para = _Paragraph.of(atoms, gaps_of(atoms) if gaps is None else gaps, measure, breakable)
    for tolerance in TOLERANCES:
        best = _run(para, measure, first_indent, tolerance)
        if best is not None:
            breaks: list[int] = []
            node: _Node | None = best
            while node is not None and node.prev is not None:
                breaks.append(node.end)
                node = node.prev
            ends = breaks[::-1]
            return [line_span(atoms, s, e) for s, e in zip([0] + ends[:-1], ends)]
    return None


def _run(para: _Paragraph, measure: float, first_indent: float, tolerance: float) -> _Node | None:
    """One Knuth–Plass pass. The inner loop is measure_line, line_span, TeX's adjustment ratio
    (>0 stretch, <0 shrink, -inf when the line cannot be shrunk to fit) and the fitness class
    written out over precomputed arrays: it runs some 30 000 times a page.

    Active nodes are in order of their break, so their lines to ``b`` get shorter along the
    list; once one is too short by more than the slack (_slack), so are all after it, and they
    stay active untried (two in three of the tries on a page of Chinese text).

    Each active node is held as an _Active, the prefix sums at its line's start read once when
    it is made (not once per breakpoint it is tried at); a breakpoint reads those at its end once
    for all the nodes it tries. The sums are the same numbers, added in the same order as
    measure_line's, so every ratio is the same to the last bit. Only the best candidate per
    fitness class is made a node (_best_per_class, written out)."""
    n = para.n
    m = para.m
    solid_prefix, first_solid, end_solid = para.solid_prefix, para.first_solid, para.end_solid
    han_prefix, closing_prefix = para.han_prefix, para.closing_prefix
    joined = para.joined
    start_squeeze, start_shrink, end_shrink = para.start_squeeze, para.start_shrink, para.end_shrink
    width, gap, stretch_sum, shrink_sum, atom_shrink = m.width, m.gap, m.stretch, m.shrink, m.atom_shrink
    fill_sum, capped_sum, tighten_sum, letter_sum, stop_sum = m.fill, m.capped_fill, m.tighten, m.letters, m.stops
    cap = m.fill_cap
    total_solid = solid_prefix[n]
    lone_width = para.lone_width
    inf = float("inf")
    may_cut = para.slack is not None and tolerance != inf
    slack = para.slack if para.slack is not None else inf
    first_avail = measure - first_indent

    def sums_at(s: int) -> tuple:
        """What a line starting at atom s reads at its start (_Active)."""
        if s >= n:  # the paragraph's end: never the start of a line (no breakpoint lies past it)
            return (0.0, 0.0, 0.0, 0.0, False, 0.0, 0.0, 0.0)
        return (width[s], gap[s], start_squeeze[s], stretch_sum[s], joined[s], letter_sum[s], capped_sum[s],
                fill_sum[s])

    start = first_solid[0]
    active: list[_Active] = [(_node(_Node, (0, 0, 1, 0.0, None, 0.0)), start, 0, first_avail, 0.0, 0.0, False,
                              *sums_at(start))]
    last_pass = tolerance == inf
    for b, penalty in zip(para.last_breaks if last_pass else para.breaks,
                          para.last_penalties if last_pass else para.penalties):
        last_line = b == n
        cut = may_cut and not last_line
        end_b = e_end = end_solid[b]
        # The prefix sums at the end of a line to b (line_span: trailing spaces dropped).
        e_width, e_gap, e_stretch, e_joined = width[e_end], gap[e_end - 1], stretch_sum[e_end - 1], joined[e_end]
        e_letters, e_capped, e_fill = letter_sum[e_end - 1], capped_sum[e_end - 1], fill_sum[e_end - 1]
        best: dict[int, _Node] = {}  # per (first line or not, fitness): the best candidate, in order of first appearance
        still: list[_Active] | None = None  # the nodes kept, copied only once one drops out after a kept one
        dropped = 0  # nodes dropped at the front of the list (the oldest, whose lines are longest)
        same_s, same_avail = -1, 0.0  # the start and measure of the last line measured from a node past line 0
        for k, entry in enumerate(active):
            (node, s, line, avail, node_demerits, node_spacing, has_prev,
             s_width, s_gap, s_squeeze, s_stretch, s_joined, s_letters, s_capped, s_fill) = entry
            if s == same_s and line and avail == same_avail:
                pass  # the same line as the entry before (nodes of one break, other fitness): e, natural, r, spacing
            else:
                if s < end_b:  # nearly always: a line with something on it
                    e = end_b
                    natural = e_width - s_width + e_gap - s_gap - s_squeeze
                    stretch = e_stretch - s_stretch
                    # set_line spaces letters out only on a line broken inside a word, or with no
                    # other stretchable gap; a whole word's letter spacing is no stretch
                    even = stretch if s_joined or e_joined else stretch - (e_letters - s_letters)
                    spaced_out = even < 1e-9 < stretch  # only whole words' letters stretch (set_line: set short past r 1)
                    if spaced_out:
                        even = stretch
                    marks = e_capped - s_capped
                    fill = (marks if marks < cap else cap) + e_fill - s_fill
                else:  # nothing but spaces from the node to b: an empty line
                    if s > b:
                        s = b
                    e = s
                    natural = stretch = even = fill = marks = 0.0
                    spaced_out = False
                diff = avail - natural
                if cut and line and diff > fill + tolerance * stretch + slack:
                    # Too loose for the tolerance, and so is every node after it (_slack): all stay.
                    if still is not None:
                        still += active[k:]
                    break
                spacing = 0.0  # em between Han beyond the grid
                if (last_line and diff >= -1e-6) or -1e-6 < diff < 1e-6:
                    r = 0.0
                elif diff > 0:
                    if diff <= fill:
                        r = FILL_COST * diff / fill
                    elif even > 0:
                        over = (diff - fill) / even
                        if over * _STRETCH_EM > VERY_LOOSE_EM and marks > cap:
                            # every mark's blank first, the cap given up (spacing.VERY_LOOSE_EM, lines._stretch)
                            fill += marks - cap
                            over = (diff - fill) / even if diff > fill else 0.0
                        r = (FILL_COST if fill > 0 else 0.0) + over
                        spacing = over * _STRETCH_EM
                    elif fill > 0:
                        # nothing but capped gaps (Latin words beside Han): they must pass their
                        # fill (lines._stretch); weighed by how far
                        r = FILL_COST + (diff - fill) / fill
                    else:
                        r = 1e4
                else:  # the shrink, only here where it is needed
                    need = -diff
                    if e <= s:
                        free = tight = stops = 0.0
                    else:
                        free = (shrink_sum[e - 1] - shrink_sum[s] + atom_shrink[e - 1] - atom_shrink[s]
                                + end_shrink[e - 1] - start_shrink[s])
                        tight = tighten_sum[e - 1] - tighten_sum[s]
                        stops = stop_sum[e - 1] - stop_sum[s]
                        if free < 0.0:
                            free = 0.0
                    if need <= free:
                        r = -FILL_COST * need / free
                    elif stops > 0 and need <= free + stops + 1e-6:  # clreq's last step: mid-line 。？！ to half an em
                        r = -(FILL_COST if free > 0 else 0.0) - (need - free) / stops * STOP_SHRINK_COST
                    elif need <= free + stops + tight + 1e-6:
                        over = (need - free - stops) / tight if tight > 0 else 0.0
                        r = (-(FILL_COST if free > 0 else 0.0) - (STOP_SHRINK_COST if stops > 0 else 0.0)
                             - over * TIGHTEN_COST)
                        spacing = -over * _TIGHTEN_EM
                    else:
                        r = -inf
                if line and s == entry[1]:  # (not a node past b, whose empty line was moved back to b)
                    same_s, same_avail = s, avail
            if r == -inf:
                if e - s == 1 and tolerance == inf:
                    r = -1.0  # a single unit wider than the measure: overfull, reported by the caller
                else:
                    if still is None:
                        if k == dropped:  # nothing kept before it: no copy yet
                            dropped += 1
                            continue
                        still = active[dropped:k]
                    continue  # this node can reach no further breaks
            if still is not None:
                still.append(entry)
            if r > tolerance:
                continue
            a = r if r >= 0 else -r
            badness = 100 * a * a * a
            demerits = (LINE_PENALTY + (badness if badness < MAX_BADNESS else MAX_BADNESS)) ** 2
            fitness = 1 if last_line else (0 if r < -0.5 else 1 if r <= 0.5 else 2 if r <= 1 else 3)
            if (last_pass and r > 1.0 and not last_line and demerits > SET_SHORT_DEMERITS
                    and han_prefix[e - 1] == han_prefix[s]
                    and (spaced_out or (spacing > VERY_LOOSE_EM
                                        and even - (closing_prefix[e - 1] - closing_prefix[s]) < 1e-9))
                    and (solid_prefix[e] - solid_prefix[s] >= 2 or natural >= lone_width)):
                # set_line sets this line short (its words would be spaced past LETTER_SPACING_LIMIT,
                # or its one stretch is white before a ，、: _wide_before_closing): what it costs is a
                # short line, not the spacing it will never print. Not a line of one short unit (询，
                # alone: what a last line would call a 孤字), nearly all white: that keeps its cost.
                demerits = SET_SHORT_DEMERITS
            if spacing > LOOSE_EM and not last_line and han_prefix[e - 1] > han_prefix[s]:
                if spacing > VERY_LOOSE_EM:
                    if tolerance != inf:
                        continue  # rather a looser URL line (the next tolerance) than gappy Han
                    demerits += VERY_LOOSE_DEMERITS
                    if spacing > _PAST_LIMIT:
                        demerits += PAST_LIMIT_DEMERITS
                demerits += LOOSE_DEMERITS
            if has_prev and not last_line:
                # a visible change of Han spacing from the line above (TeX's adjdemerits, measured)
                jump = spacing - node_spacing
                jump = (jump if jump >= 0 else -jump) - JUMP_FREE
                if jump > 0:
                    jump /= _STRETCH_EM
                    demerits += ADJ_DEMERITS * jump * jump
            if last_line and has_prev and total_solid >= 2:
                if solid_prefix[e] - solid_prefix[s] < 2 and natural < lone_width:
                    if tolerance != inf:
                        continue  # 孤字: rather a looser paragraph (the next tolerance) than a lone character
                    demerits += LONE_LAST_LINE
            # _best_per_class: widths differ only on line 1; the first of equals stays
            total = node_demerits + demerits + penalty
            key = fitness + 4 if line == 0 else fitness
            kept = best.get(key)
            if kept is None or total < kept[3]:
                best[key] = _node(_Node, (b, line + 1, fitness, total, node, spacing))
        if still is not None:
            active = still
        elif dropped:
            del active[:dropped]
        if best:
            # The new nodes all break at b: the sums at the start of a line from there, read once.
            start = first_solid[b]
            sums = sums_at(start)
            # a new node's line is at least 1: the full measure; it follows a line
            active += [(node, start, node.line, measure, node.demerits, node.spacing, True, *sums)
                       for node in best.values()]
        if not active:
            return None
    finals = [entry[0] for entry in active if entry[0].end == n]
    return min(finals, key=lambda node: node.demerits) if finals else None

