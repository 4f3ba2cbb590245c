"""The glue between atoms: natural width, how far it may stretch and shrink, and in which order, as data.

Sources: W3C clreq §3.2.2 (Han–Latin spacing: a quarter em, shrinkable to an
eighth, stretchable to a third), §3.8 "Line adjustment" ("Procedures for
Inter-Character Space Expansion": Western spaces, then Han–Latin gaps, then every
inter-character gap evenly, never inside —— or ……; a 开明 mark's own blank goes back
before the Han–Latin gaps, see STRETCH_ORDER; "Procedures for
Inter-Character Spacing Reduction": line-end mark to half an em, Western spaces,
interpuncts, brackets, ，、；, Han–Latin gaps, 。？！ last), and the 先挤后推 practice
of Founder's 书版 (a 开明 mark may take back its blank before the Han are spread; the
Han may close up a little, by 1/16 em, before a line is pushed out).
"""

from __future__ import annotations

from functools import lru_cache
from enum import Enum

from pagesetter.compose.atoms import Atom
from pagesetter.compose.chars import (
    BLANK_SIDE, GRID_CONNECTORS, INSEPARABLE_CLASSES, PUNCT_WIDTH, RATIO_COLONS, RATIO_MARKS_NOT_AT_LINE_START,
    CharClass, is_wordlike,
)
from pagesetter.records import record


class GapKind(str, Enum):
    HAN = "han-han"  # between two Han characters
    GRID = "grid"  # on the character grid beside a mark, a dash, a symbol
    FIXED_SPACE = "fixed-space"  # beside a space of set width between Chinese (半字空, U+3000)
    MARK_BLANK = "mark-blank"  # on the blank side of a mark the style set narrower than its em (开明)
    HAN_LATIN = "han-latin"  # a Han character beside a Latin word or a number
    SPACE = "space"  # a word space in Latin text
    INSEPARABLE = "inseparable"  # inside —— or ……
    SCORE = "score"  # between a score's (ratio's) figures and its sign: 0∶2, 3：1


@record(frozen=True)
class GapRule:
    stretch: float  # em: the gap's share of the even stretch at badness 100 (the last stretch step)
    shrink: float  # em it may give up at most
    fill: float = 0.0  # em it takes in its own step before the even stretch (STRETCH_ORDER)


# em: the word space a face typically has (Noto CJK's and WenKai's Latin space, about a quarter em),
# and the most a typed space is widened to, its two gaps' fill included.
WORD_SPACE = 1 / 4
WORD_SPACE_MAX = 1 / 2
# em: a space this little past WORD_SPACE_MAX is at it (Noto CJK's own space, 0.256 em, grows to
# 0.506 em with both its fills): no eye tells a hundredth of an em, and such a space keeps its fill.
WORD_SPACE_SLACK = 0.01

# Per-gap limits; the natural width comes from the style (tracking, latin_space) and the font.
GAP_RULES: dict[GapKind, GapRule] = {
    # 先挤: a little closing up, last of all. 1/16 em (0.56 pt at 9 pt: Noto CJK's side bearings
    # still keep the ink apart) lets a 13-em line of Han give back 3/4 em, with a mid-line 。's half
    # em a whole character: one character pushed out costs 1/12 em between Han on its line, a loose
    # line (LOOSE_EM). Measured on bench/typography.py --pages against 1/24, 1/20 and 1/18: the only
    # one that sets no more loose lines than Typst on every text (seed 2 against 5 at 1/24).
    GapKind.HAN: GapRule(stretch=1 / 8, shrink=1 / 16),
    GapKind.GRID: GapRule(stretch=1 / 8, shrink=0.0),
    # Beside a space set to a width (**后天** 阴转多云, 记者 张明): it stretches as the Han do, and
    # closes up as they do, last, by 1/16 em a side, so a half-em space keeps three eighths at the
    # tightest (先挤 as between Han): the trial's weather ear sets 后天 阴转多云，0～7℃， on one
    # 10.5-em line so, where it had to part the range or leave a gappy line
    # fill: the room up to 一字空 (FIXED_SPACE_MAX, half on each side; space_room), taken after
    # the marks' blanks and before the Han–Latin gaps (STRETCH_ORDER): a 13-em line of 本报讯（记者
    # 张明 通 widens its two spaces instead of spreading four Han pairs 0.10 em (the numbers page
    # of bench/typography.py --pages: 7 loose lines to 4, Typst 4; no other row looser).
    GapKind.FIXED_SPACE: GapRule(stretch=1 / 8, shrink=1 / 16),
    # fill: the mark's own blank (half an em in 开明), computed per mark in gap_between
    GapKind.MARK_BLANK: GapRule(stretch=1 / 8, shrink=0.0),
    # fill: up to HAN_LATIN_MAX in all, computed from the natural width; never more (clreq §3.2.2)
    GapKind.HAN_LATIN: GapRule(stretch=0.0, shrink=1 / 4 - 1 / 8),
    # A typed space (AQI 68, Latin words) is capped as the Han–Latin gaps are: it has a gap on each
    # side, each filling an eighth, so a space of ~¼ em grows to ½ em (WORD_SPACE_MAX, TeX's
    # interword space ⅓ em plus its stretch ⅙) and takes no share of the even stretch: the rest of
    # a line's room goes between the characters, never into one space (issue 14: "AQI 68" took
    # a whole em). Only a line with nothing else to stretch passes the cap (lines._stretch). Each
    # gap gives up at most 0.04 em: the space keeps two thirds of its width (TeX: shrink a third).
    GapKind.SPACE: GapRule(stretch=0.0, shrink=0.04, fill=(WORD_SPACE_MAX - WORD_SPACE) / 2),
    GapKind.INSEPARABLE: GapRule(stretch=0.0, shrink=0.0),
    # A score or ratio (0∶2, 3：1) is one figure (chars.RATIO_SPAN: GB/T 15834-2011 §4.12 sets the
    # ratio sign solid between its numbers; clreq §3.2: a number is one word, never spaced inside):
    # a loose line spreads the gaps around it, never 0 ∶ 2 (TYPOGRAPHY.md stretch order: every
    # inter-character gap evenly, never inside a unit). It keeps the style's tracking; no shrink.
    GapKind.SCORE: GapRule(stretch=0.0, shrink=0.0),
}
# The signs of a score or ratio: the ratio sign ∶, and the full-width colon between two figures
# (atoms sets that one as a symbol, class OTHER, as ∶ is; a colon elsewhere stays a mark).
RATIO_SIGNS = RATIO_MARKS_NOT_AT_LINE_START | RATIO_COLONS
# Gap kinds that take no share of a line's stretch, even in a line with nothing else to stretch
# (lines._stretch): a unit's inside.
SOLID_KINDS = frozenset({GapKind.INSEPARABLE, GapKind.SCORE})
# A Han–Latin gap is never wider than this, tracking included (clreq §3.2.2: a third of an em).
HAN_LATIN_MAX = 1 / 3
HAN_LATIN_MIN = 1 / 8
# What the gap between a 连接号 ～ and the figure beside it (2～11℃, set solid: GRID_CONNECTORS in
# chars.py) may give up (em): part of Noto CJK's side bearing of ～ (0.05 em), so no ink touches.
CONNECTOR_SHRINK = 1 / 24

@record(frozen=True)
class StretchStep:
    """One step of the expansion order: these gaps fill (evenly within the step, up to their
    fill) before the next step; ``most``: a line takes at most this many gaps' worth of fill."""

    kinds: frozenset[GapKind]
    most: int | None = None


# clreq §3.8 expansion order; what is left after the steps goes into every gap by its
# GapRule.stretch share. A 开明 mark taking back its blank comes before the Han–Latin gaps: it
# returns towards its own full width (GB/T 15834 §5), no stretch of a space, and it absorbs the
# odd half em a line of half-width marks is short by, so Han–Latin gaps stay at their quarter em
# more often (seed text median 0.25 em this way, 0.33 the other way round; bench/typography.py).
# Two marks' blanks (an em) a line at most: more would turn 开明 into 全角 line by line; one
# alone left more lines loose than Typst on the bench texts (8 and 9 against 6 and 7).
# A typed space between Chinese widens towards 一字空 next (clreq §3.8 stretches spaces first),
# after the marks: taken before them, 本报讯（记者 罗敏）六月 set its brackets half width beside a
# one-em space on the front page, where a 排版员 gives the brackets back their blank first.
STRETCH_ORDER: tuple[StretchStep, ...] = (
    StretchStep(frozenset({GapKind.SPACE})),
    StretchStep(frozenset({GapKind.MARK_BLANK}), most=2),
    StretchStep(frozenset({GapKind.FIXED_SPACE})),
    StretchStep(frozenset({GapKind.HAN_LATIN})),
)
# Han spread past this (em, beyond the grid) reads as a gappy line: `pagesetter check` calls it
# very loose (clreq §3.8: spread evenly, never visibly gappy). A line that would be spread so far
# with the marks' blanks capped takes every mark's blank back first (the cap above given up:
# 先推, a 开明 line set 全角 rather than gappy); the line breaker avoids such lines (linebreak.py).
VERY_LOOSE_LIMIT = 0.25  # what `pagesetter check` calls very loose; `pagesetter build` warns of such a line
VERY_LOOSE_EM = VERY_LOOSE_LIMIT - 0.01  # the margin: glyph positions round, check measures from the PDF
# White between two characters wider than this (em) reads as a character that was not printed:
# `pagesetter check` calls it a hole (proof/typography.py LIMITS.hole). A justified line whose Han
# would stand that far apart (10号　　球　　员No.10 before a name that does not fit: trial 17a, 1.8
# em) is set short instead, flush left at its natural spacing (lines.set_line), as a line whose
# Latin would be spaced out is; one spread less, past VERY_LOOSE_LIMIT only, is justified and warned.
HAN_HOLE_EM = 0.8
# Letters of one Latin word (or URL, e-mail address, code) spaced out past this (em per letter,
# beyond their advances and kerning) read as a gappy line, C o r p o r a t i o n: `pagesetter
# check` calls such a line very loose, and lines.set_line sets a line that would need it short of
# the measure, flush left and marked ragged, instead (a 校对 takes a short line over a spaced word).
# As much as chars.LETTERSPACE_EM, what the line breaker counts as a line at its tolerance.
LETTER_SPACING_LIMIT = 0.1
# A word space (the typed space and the gaps either side, from one word's advance to the next
# word) wider than this (em) reads as a hole, a river down a Chinese column (for    Reconstruction
# and, trial 12): `pagesetter check` calls such a line very loose, and lines.set_line sets a line
# that would need it short of the measure, flush left and marked ragged, as a spaced-out word.
# The number is plain TeX's: a word space of cmr10 (a third of an em, stretch a sixth) stretched
# to badness \hbadness = 1000, past which TeX reports the line as an underfull box: 1/3 + 10^(1/3)/6
# = 0.69 em. The engine's own word space grows to WORD_SPACE_MAX (half an em) in justification;
# only a line of nothing but Latin words spaces it further (lines._stretch), up to this.
WORD_SPACE_LIMIT = 1 / 3 + 10 ** (1 / 3) / 6
# Han spread past this (em) is the first a reader sees (issue 14's "loose line", the count of
# `pagesetter check` and bench/typography.py): the line breaker weighs such a line apart.
LOOSE_EM = 0.08
# The kinds whose fill a line takes only up to a limit, and the limit in gaps: the line breaker
# keeps their sum apart (one such step).
CAPPED_FILL = frozenset(k for step in STRETCH_ORDER if step.most is not None for k in step.kinds)
CAPPED_MOST = next((step.most for step in STRETCH_ORDER if step.most is not None), 0)


@record(frozen=True)
class ShrinkStep:
    """One step of clreq §3.8's reduction order: gaps of these kinds, marks of these classes (a
    全角 mark's blank, mid-line), or the line-end mark's blank; evenly within the step."""

    gaps: frozenset[GapKind] = frozenset()
    marks: frozenset[CharClass] = frozenset()
    line_end: bool = False
    stops: bool = False  # mid-line 。？！ give up their blank (Atom.stop_shrink)


SHRINK_ORDER: tuple[ShrinkStep, ...] = (
    ShrinkStep(line_end=True),  # the line-end mark to half an em
    ShrinkStep(gaps=frozenset({GapKind.SPACE})),  # Western word spaces
    ShrinkStep(marks=frozenset({CharClass.MIDDLE})),  # interpuncts, both sides
    ShrinkStep(marks=frozenset({CharClass.OPENING, CharClass.CLOSING})),  # brackets and quotes
    ShrinkStep(marks=frozenset({CharClass.PAUSE})),  # ，、；：
    ShrinkStep(gaps=frozenset({GapKind.HAN_LATIN})),  # Han–Latin gaps to an eighth
    # 。？！ mid-line to half an em: clreq's last step, taken only where a line cannot fit
    # otherwise (the line breaker weighs it as the Han closing up, linebreak.STOP_SHRINK_COST)
    ShrinkStep(stops=True),
    # 先挤: Han close up by 1/16 em, the last resort, and the spaces of set width between them
    ShrinkStep(gaps=frozenset({GapKind.HAN, GapKind.FIXED_SPACE})),
)
# The gap kinds whose shrink is the visible last resort; the line breaker weighs it as such.
TIGHTEN_KINDS = frozenset({GapKind.HAN, GapKind.FIXED_SPACE})


def gap_kind(prev: Atom, atom: Atom) -> GapKind:
    return GapKind.SCORE if is_score_gap(prev, atom) else _kind_of(prev.cls, atom.cls)


def is_score_gap(prev: Atom, atom: Atom) -> bool:
    """Is this gap inside a score or ratio, between a figure and the ratio sign (0∶2, 3：1)?"""
    other, digit = CharClass.OTHER, CharClass.DIGIT
    return ((prev.cls is digit and atom.cls is other and atom.text in RATIO_SIGNS)
            or (prev.cls is other and prev.text in RATIO_SIGNS and atom.cls is digit))


@lru_cache(maxsize=None)  # a pure function of two classes: a few dozen pairs, asked 20 000 times a page
def _kind_of(prev: CharClass, cls: CharClass) -> GapKind:
    if prev == cls and cls in INSEPARABLE_CLASSES:
        return GapKind.INSEPARABLE
    if prev == CharClass.SPACE or cls == CharClass.SPACE:
        return GapKind.SPACE
    if (prev == CharClass.HAN and is_wordlike(cls)) or (is_wordlike(prev) and cls == CharClass.HAN):
        return GapKind.HAN_LATIN
    if prev == CharClass.UNIT and cls == CharClass.HAN:  # 40℃以上: spaced as after the number (chars.GRID_UNITS)
        return GapKind.HAN_LATIN
    if is_wordlike(prev) and is_wordlike(cls):
        return GapKind.SPACE  # two words that met across a style change
    if prev == CharClass.HAN and cls == CharClass.HAN:
        return GapKind.HAN
    return GapKind.GRID


@record(frozen=True)
class Gap:
    kind: GapKind
    natural: float  # pt
    stretch: float  # pt: share of the even stretch (badness 100)
    shrink: float  # pt it may give up before the last resort
    fill: float = 0.0  # pt it takes in its STRETCH_ORDER step, before the even stretch
    tighten: float = 0.0  # pt it may give up as the last resort (TIGHTEN_KINDS)


def mark_blank(prev: Atom, atom: Atom) -> float:
    """The blank (pt) a mark beside this gap was set without by its style and may take back: the
    right blank of ，。） … before a character, the left blank of （“ … after one (开明: half an em).
    Not between two marks (those gave their blanks up to each other) nor beside a space."""
    if prev.cls in BLANK_SIDE and atom.cls not in BLANK_SIDE and atom.cls != CharClass.SPACE:
        mark, side = prev, ("right", "both")
    elif atom.cls in BLANK_SIDE and prev.cls not in BLANK_SIDE and prev.cls != CharClass.SPACE:
        mark, side = atom, ("left", "both")
    else:
        return 0.0
    blank_side = BLANK_SIDE[mark.cls]
    if mark.enumerator:
        return 0.0  # a list's enumerator keeps its width on every item (atoms.mark_enumerator)
    if blank_side not in side or mark.cls is CharClass.MIDDLE:
        # The interpunct of a name (苏尔坦·贾比尔) or a date (3·15) joins its parts: it keeps the
        # width its style set it to and the gaps beside it stretch as between Han, never taking
        # back its blank as a line's stretch (trial 12: 苏尔坦 · 贾比尔 nearly an em each side,
        # 安东尼奥·古特雷斯 tight in the same column)
        return 0.0
    em = mark.style.size
    set_width = PUNCT_WIDTH.get(mark.style.punctuation, {}).get(mark.cls, 1.0) * em
    if abs(mark.width - set_width) > 0.01:
        return 0.0  # not set by the style (a proportional mark in Latin text, a compressed pair)
    blank = em - set_width
    return blank / 2 if blank_side == "both" else blank


# em: the widest a space of set width between Chinese grows to before the Han are spread: 一字空,
# the width of U+3000 and of Founder 书版's 空一字, the space a byline (记者 张明) is often set with.
FIXED_SPACE_MAX = 1.0


def space_room(prev: Atom, atom: Atom) -> float:
    """How far (pt) the gap beside a space of set width may fill: half of what the space lacks
    of FIXED_SPACE_MAX (a gap on each side), none beside U+3000 (already one em)."""
    space = prev if prev.fixed_space else atom if atom.fixed_space else None
    if space is None:
        return 0.0
    return max(0.0, FIXED_SPACE_MAX * space.em - space.width) / 2


def gap_between(prev: Atom, atom: Atom, bias: float = 0.0) -> Gap:
    """``bias``: em added to the tracking of ``prev``'s style (as a style so tracked would set
    it: lines.rebreak_paragraph's tries)."""
    style = prev.style
    tracking = style.tracking + bias * style.size if bias else style.tracking
    return _gap(prev.cls, atom.cls, max(style.size, atom.style.size), tracking, style.latin_space,
                mark_blank(prev, atom), prev.fixed_space or atom.fixed_space,
                (prev.text in GRID_CONNECTORS or atom.text in GRID_CONNECTORS), space_room(prev, atom),
                _word_space(prev, atom), is_score_gap(prev, atom))


def _word_space(prev: Atom, atom: Atom) -> float:
    """pt: the width of the typed word space beside this gap (0 for none, or one of set width)."""
    space = prev if prev.cls is CharClass.SPACE else atom if atom.cls is CharClass.SPACE else None
    return 0.0 if space is None or space.fixed_space else space.width


@lru_cache(maxsize=4096)  # Gap is immutable; a page has a few hundred distinct ones
def _gap(prev: CharClass, cls: CharClass, em: float, tracking: float, latin_space: float, blank: float,
         fixed_space: bool = False, connector: bool = False, room: float = 0.0, word_space: float = 0.0,
         score: bool = False) -> Gap:
    if score:
        return Gap(GapKind.SCORE, tracking, 0.0, 0.0)  # solid, at the style's tracking (GAP_RULES)
    kind = _kind_of(prev, cls)
    if kind == GapKind.HAN_LATIN and connector:
        # 2～11℃: no Han–Latin gap beside the wave dash; it stretches as between two Han (set
        # solid, it left one more loose line on the copy torture page, bench/typography.py) and
        # may give up CONNECTOR_SHRINK of its side bearing in the Han–Latin step, before the Han
        # close up (a line with 0～7℃ took that shrink from its quarter ems before)
        return Gap(kind, tracking, GAP_RULES[GapKind.HAN].stretch * em, CONNECTOR_SHRINK * em, 0.0, 0.0)
    if kind == GapKind.SPACE and fixed_space:
        # A space between Chinese (半字空, U+3000) is a blank of set width, as Founder 书版's 空半字
        # and 空一字 are: it widens towards 一字空 only in its own stretch step (STRETCH_ORDER), then
        # stretches as between characters; Latin word spaces fill first.
        kind = GapKind.FIXED_SPACE
    if kind == GapKind.GRID and blank > 0:
        kind = GapKind.MARK_BLANK
    rule = GAP_RULES[kind]
    # Inside —— and ……: no tracking. They are two ems in every face and role (GB/T 15834-2011
    # §4.10, §4.11); a style's letter-spacing spaces the characters around them, not their halves
    # (the shipped banner-subtitle's 0.1字 set ——本报摄影记者… 2.10 em long: trial 12).
    natural = 0.0 if kind is GapKind.INSEPARABLE else tracking
    fill = rule.fill * em
    shrink = rule.shrink * em
    if kind == GapKind.HAN_LATIN:
        cap = max(HAN_LATIN_MAX * em, tracking)  # tracking wider than the cap is the style's wish
        natural = min(tracking + latin_space * em, cap)
        fill = cap - natural
        shrink = max(0.0, natural - max(HAN_LATIN_MIN * em, tracking))
    elif kind == GapKind.MARK_BLANK:
        fill = blank
    elif kind == GapKind.FIXED_SPACE:
        fill = room
    elif kind == GapKind.SPACE and word_space > 0.0:
        # The fill of each side assumes a space of about WORD_SPACE; a face whose space is wider
        # (LXGW WenKai's, 0.35 em) grows no further than WORD_SPACE_MAX either: its two gaps fill
        # what it lacks of that, no more (Vinícius Júnior in a caption was set 0.6 em apart).
        fill = min(fill, max(0.0, ((WORD_SPACE_MAX + WORD_SPACE_SLACK) * em - word_space) / 2))
    if kind in TIGHTEN_KINDS:
        return Gap(kind, natural, rule.stretch * em, 0.0, fill, shrink)
    return Gap(kind, natural, rule.stretch * em, shrink, fill, 0.0)
