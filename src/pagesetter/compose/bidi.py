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
