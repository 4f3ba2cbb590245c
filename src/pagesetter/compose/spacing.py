"""The glue between atoms: natural width, how far it may stretch and shrink, as data.

Sources: W3C clreq §3.2.2 (Han–Latin spacing: a quarter em, shrinkable to an
eighth, stretchable to a third), §3.8 "Line adjustment" (stretch order: Western
spaces, then Han–Latin gaps, then every inter-character gap evenly, never inside
—— or ……; shrink order: line-end mark to half an em, Western spaces, Han–Latin
gaps, then punctuation blanks, 。？！ last).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from enum import Enum

from pagesetter.compose.atoms import Atom
from pagesetter.compose.chars import INSEPARABLE_CLASSES, CharClass, is_wordlike


class GapKind(str, Enum):
    GRID = "grid"  # between two characters on the character grid (Han, punctuation)
    HAN_LATIN = "han-latin"  # a Han character beside a Latin word or a number
    SPACE = "space"  # a word space in Latin text
    INSEPARABLE = "inseparable"  # inside —— or ……


@dataclass(frozen=True)
class GapRule:
    stretch: float  # em the gap may grow by before the line counts as loose (badness 100)
    shrink: float  # em it may give up at most


# Per-gap limits; the natural width comes from the style (tracking, latin_space) and the font.
GAP_RULES: dict[GapKind, GapRule] = {
    GapKind.GRID: GapRule(stretch=0.125, shrink=0.0),
    GapKind.HAN_LATIN: GapRule(stretch=1 / 3 - 1 / 4 + 0.125, shrink=1 / 4 - 1 / 8),
    GapKind.SPACE: GapRule(stretch=0.25, shrink=0.08),
    GapKind.INSEPARABLE: GapRule(stretch=0.0, shrink=0.0),
}
# Han–Latin gaps fill to this before the other gaps take any stretch (clreq §3.8 stretch order).
HAN_LATIN_MAX = 1 / 3


def gap_kind(prev: Atom, atom: Atom) -> GapKind:
    return _kind_of(prev.cls, atom.cls)


@lru_cache(maxsize=None)  # a pure function of two classes: a few dozen pairs, asked 20 000 times a page
def _kind_of(prev: CharClass, cls: CharClass) -> GapKind:
    if prev == cls and cls in INSEPARABLE_CLASSES:
        return GapKind.INSEPARABLE
    if prev == CharClass.SPACE or cls == CharClass.SPACE:
        return GapKind.SPACE
    if (prev == CharClass.HAN and is_wordlike(cls)) or (is_wordlike(prev) and cls == CharClass.HAN):
        return GapKind.HAN_LATIN
    if is_wordlike(prev) and is_wordlike(cls):
        return GapKind.SPACE  # two words that met across a style change
    return GapKind.GRID


@dataclass(frozen=True)
class Gap:
    kind: GapKind
    natural: float  # pt
    stretch: float  # pt
    shrink: float  # pt


def gap_between(prev: Atom, atom: Atom) -> Gap:
    style = prev.style
    return _gap(prev.cls, atom.cls, max(style.size, atom.style.size), style.tracking, style.latin_space)


@lru_cache(maxsize=4096)  # Gap is immutable; a page has a few hundred distinct ones
def _gap(prev: CharClass, cls: CharClass, em: float, tracking: float, latin_space: float) -> Gap:
    kind = _kind_of(prev, cls)
    rule = GAP_RULES[kind]
    natural = tracking
    if kind == GapKind.HAN_LATIN:
        natural += latin_space * em
    return Gap(kind, natural, rule.stretch * em, rule.shrink * em)
