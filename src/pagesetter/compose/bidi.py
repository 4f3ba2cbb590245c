"""Right-to-left text (Arabic, Hebrew, Syriac, Thaana, N'Ko …) in copy: found, so print can refuse it.

The composer sets every line left to right in the order the characters are stored. A word of a
right-to-left script stored in logical order (its first letter first) would print reversed, its
Arabic letters unjoined (trial 18a #1: “عدالة مناخية”, “צדק אקלימי” set backwards, exit 0). Until
print sets such runs right to left, the build stops at the first character of each run.

Sources: Unicode Standard Annex #9, Unicode Bidirectional Algorithm (UAX #9), Table 4 "Bidirectional
Character Types": the strong right-to-left types are R (Hebrew and the other right-to-left scripts)
and AL (Arabic letters: Arabic, Syriac, Thaana, Arabic presentation forms). A character's type is
Unicode's own (UnicodeData.txt field 4, Python's unicodedata.bidirectional). Arabic-Indic digits
(type AN) and European digits (EN) are weak: alone in Chinese or Latin text they are set left to
right as written (UAX #9 W1–W7, I1), so they are not refused.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator, NamedTuple

# UAX #9 Table 4: the strong right-to-left bidirectional types.
RTL_TYPES: frozenset[str] = frozenset({"R", "AL"})
# UAX #9 Table 4: a strong left-to-right type (L: Latin, Han, kana …) ends a right-to-left run; the
# neutral and weak ones between two right-to-left letters (a space, a mark, a digit) belong to it.
LTR_TYPES: frozenset[str] = frozenset({"L"})

# The blocks that hold every character of type R or AL (Unicode 15.0, DerivedBidiClass.txt): Hebrew
# to Arabic Extended-A (U+0590–08FF), the Hebrew and Arabic presentation forms (U+FB1D–FDFF,
# U+FE70–FEFF), and the supplementary right-to-left blocks (U+10800–10FFF, U+1E800–1EFFF). One
# search in C finds none in nearly every text; unicodedata.bidirectional then says each one's type.
MAYBE_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")


class RtlRun(NamedTuple):
    """A run of right-to-left text: from its first right-to-left letter to its last, with what
    stands between them that is not left-to-right (spaces, marks, digits)."""

    start: int
    end: int  # exclusive: after the run's last right-to-left character
    script: str  # the first letter's script, as Unicode names it ("Arabic", "Hebrew")


def is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in RTL_TYPES


def script_of(ch: str) -> str:
    """The script a letter's Unicode name begins with (ARABIC LETTER AIN -> Arabic)."""
    name = unicodedata.name(ch, "")
    return name.split(" ")[0].capitalize() if name else f"U+{ord(ch):04X}"


def rtl_runs(text: str) -> Iterator[RtlRun]:
    """The right-to-left runs of ``text``, in order (none in nearly every text: one regex search)."""
    if MAYBE_RTL.search(text) is None:
        return
    bidirectional = unicodedata.bidirectional
    start = last = -1
    for i, ch in enumerate(text):
        kind = bidirectional(ch)
        if kind in RTL_TYPES:
            if start < 0:
                start = i
            last = i
        elif kind in LTR_TYPES and start >= 0:
            yield RtlRun(start, last + 1, script_of(text[start]))
            start = -1
    if start >= 0:
        yield RtlRun(start, last + 1, script_of(text[start]))


# What a right-to-left word holds after its first letter: more right-to-left letters, combining
# marks (Arabic harakat, Hebrew points: type NSM) and the joiners ZWNJ/ZWJ, which steer Arabic
# joining (The Unicode Standard §23.2). A word is shaped whole, right to left, and never broken.
_IN_WORD_CATEGORIES = frozenset({"Mn", "Mc", "Me"})
_JOINERS = frozenset("\u200c\u200d")


def rtl_words(text: str) -> list[tuple[int, int]]:
    """(start, end) of each right-to-left word of ``text`` (none in nearly every text)."""
    if MAYBE_RTL.search(text) is None:
        return []
    out: list[tuple[int, int]] = []
    start = -1
    for i, ch in enumerate(text):
        if is_rtl(ch) or (start >= 0 and (ch in _JOINERS or unicodedata.category(ch) in _IN_WORD_CATEGORIES)):
            if start < 0:
                start = i
        elif start >= 0:
            out.append((start, i))
            start = -1
    if start >= 0:
        out.append((start, len(text)))
    return out


def strong_type(text: str) -> str:
    """An atom's bidirectional strength (UAX #9 Table 4): "R" when it holds a right-to-left letter,
    "L" a left-to-right one (Han, Latin), "N" for weak and neutral only (digits, spaces, marks)."""
    bidirectional = unicodedata.bidirectional
    kinds = {bidirectional(ch) for ch in text}
    if kinds & RTL_TYPES:
        return "R"
    return "L" if kinds & LTR_TYPES else "N"


def visual_runs(types: list[str], numeric: list[bool], joined: list[bool]) -> list[list[list[int]]]:
    """One line's right-to-left runs, each as its blocks (lists of atom indices, in stored order)
    to mirror within the run: UAX #9's reordering (L2) of a right-to-left run embedded in a
    left-to-right line. A run reaches from a right-to-left atom (``types`` "R") to the last one
    before the next left-to-right atom ("L"); the neutrals between (spaces, quotes) take the run's
    direction (N1) and are mirrored one by one; a number inside (``numeric``, with the pieces
    ``joined`` to it: 3.5%, 1,000) stays left to right, one block (W rules; I2: an even level)."""
    spans: list[tuple[int, int]] = []
    first = last = -1
    for k, t in enumerate(types + ["L"]):
        if t == "R" or (first >= 0 and k < len(types) and numeric[k]):
            # a number after a right-to-left letter is the run's too (W7 leaves it European, N1
            # takes the white before it into the run): מספר 2026 reads 2026 רפסמ left to right
            if first < 0:
                first = k
            last = k
        elif t == "L" and first >= 0:
            spans.append((first, last + 1))
            first = -1
    runs: list[list[list[int]]] = []
    for start, end in spans:
        blocks: list[list[int]] = []
        for k in range(start, end):
            if blocks and numeric[blocks[-1][-1]] and types[k] != "R" and (numeric[k] or joined[k]):
                blocks[-1].append(k)  # the next piece of a number
            else:
                blocks.append([k])
        runs.append(blocks)
    return runs


# UAX #9 BD14–BD16 and Unicode's BidiBrackets.txt / BidiMirroring.txt (Unicode 15.0): the paired
# brackets a right-to-left run may hold, opening -> closing (Bidi_Paired_Bracket), both ways the
# Bidi_Mirroring_Glyph of each other. Those copy puts beside Arabic or Hebrew: ASCII, the
# guillemets, and the full-width and CJK brackets the normaliser may leave between two such words.
PAIRED_BRACKETS: dict[str, str] = {
    "(": ")", "[": "]", "{": "}", "«": "»", "‹": "›", "⁅": "⁆", "⁽": "⁾", "₍": "₎",
    "（": "）", "［": "］", "｛": "｝", "〈": "〉", "《": "》", "「": "」", "『": "』", "【": "】",
    "〔": "〕", "〖": "〗", "〘": "〙", "〚": "〛", "⦅": "⦆", "｟": "｠", "｢": "｣",
}
BIDI_MIRRORING: dict[str, str] = {**PAIRED_BRACKETS, **{c: o for o, c in PAIRED_BRACKETS.items()}}
# UAX #9 BD16: pairs are looked for with a stack of 63 openers; past it, no more pairs in the text.
BRACKET_STACK = 63
_CLOSING = {c: o for o, c in PAIRED_BRACKETS.items()}


def bracket_pairs(text: str) -> list[tuple[int, int]]:
    """The paired brackets of ``text`` (UAX #9 BD16), (opening, closing) offsets, by opening."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch in PAIRED_BRACKETS:
            if len(stack) == BRACKET_STACK:
                break
            stack.append((ch, i))
        elif ch in _CLOSING:
            opener = _CLOSING[ch]
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == opener:
                    pairs.append((stack[k][1], i))
                    del stack[k:]
                    break
    return sorted(pairs)


def _strong(ch: str) -> str | None:
    kind = unicodedata.bidirectional(ch)
    return "R" if kind in RTL_TYPES else "L" if kind in LTR_TYPES else None


def rtl_brackets(text: str) -> frozenset[int]:
    """The offsets of the brackets of ``text`` that resolve right to left in a left-to-right
    paragraph (UAX #9 N0): a pair holding right-to-left letters and no left-to-right one, whose
    opening bracket follows a right-to-left letter (the nearest strong character before it;
    the text's start counts as left to right, sos). Such a bracket is set in its run, mirrored
    (rule L4: its Bidi_Mirroring_Glyph, BIDI_MIRRORING), so “سلام (عالم)” reads (عالم) after سلام
    right to left. A pair holding a left-to-right letter, or after one (Chinese (مرحبا) Chinese:
    the Han before it), stays left to right and unmirrored, as the reader of the Chinese expects.
    Digits count as neutral here (a simplification of N0's EN/AN as R: a number alone in brackets
    after an Arabic word stays left to right)."""
    if MAYBE_RTL.search(text) is None:
        return frozenset()
    out: set[int] = set()
    for open_at, close_at in bracket_pairs(text):
        inside = {_strong(ch) for ch in text[open_at + 1:close_at]}
        if "L" in inside or "R" not in inside:
            continue
        before = next((s for s in map(_strong, reversed(text[:open_at])) if s is not None), "L")
        if before == "R":
            out |= {open_at, close_at}
    return frozenset(out)
