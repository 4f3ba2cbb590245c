"""Invisible and bidi control characters in copy: found, and each class refused, dropped or kept.

Copy pasted from web pages, chat apps and PDFs carries characters that print nothing: a zero-width
space between two Han, a byte-order mark where two files were joined, a right-to-left override.
None shows in an editor, so a copy editor cannot find them by eye; this table says what each class
does to a page and what the build does with it. Refused: a located error (file:line:column), as
yamlsource refuses a control character in YAML; dropped: removed at build time and reported with
its place after the normalised line (content/normalise.py, proof/report.py), the file never
rewritten; kept: what the line breaker reads as an instruction (compose/atoms.py _format_hints). A break hint
or a joiner is kept or dropped by its neighbours (dropped below).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal, NamedTuple

Action = Literal["refuse", "drop", "keep", "break hint", "joiner"]


class Hidden(NamedTuple):
    """A class of characters: first and last code point, the build's action, why, and the source."""

    first: int
    last: int
    action: Action
    what: str
    source: str


# Sources: Unicode Standard Annex #9, Unicode Bidirectional Algorithm (UAX #9, revision 48) §2 "Directional
# Formatting Characters"; UAX #14, Unicode Line Breaking Algorithm (classes ZW, BA, WJ, GL); The Unicode
# Standard 15.0 §23.1 "Control Codes", §23.2 "Layout Controls", §23.8 "Specials" (U+FEFF, U+FFF9–FFFB);
# W3C clreq §3.1.7 (a line may break between any two Han, so a break hint between Han says nothing);
# CVE-2021-42574 ("Trojan Source": bidi controls make text display in another order than it is stored).
HIDDEN: tuple[Hidden, ...] = (
    # Refused: what they do cannot be seen on the plate, only elsewhere.
    Hidden(0x0000, 0x0008, "refuse", "control character", "Unicode §23.1 (C0 controls; tab and line ends aside)"),
    Hidden(0x000B, 0x000C, "refuse", "control character", "Unicode §23.1"),
    Hidden(0x000E, 0x001F, "refuse", "control character", "Unicode §23.1 (ESC opens a terminal's escape sequence)"),
    Hidden(0x007F, 0x009F, "refuse", "control character", "Unicode §23.1 (DEL, C1 controls)"),
    Hidden(0x202A, 0x202E, "refuse", "bidi embedding or override (LRE RLE PDF LRO RLO): reorders what a PDF "
           "viewer, the desk and a search show against what the plate prints",
           "UAX #9 §2.1–2.3; CVE-2021-42574"),
    Hidden(0x2066, 0x2069, "refuse", "bidi isolate (LRI RLI FSI PDI): reorders what a PDF viewer, the desk "
           "and a search show against what the plate prints", "UAX #9 §2.4–2.5; CVE-2021-42574"),
    Hidden(0xFFF9, 0xFFFB, "refuse", "interlinear annotation character: the annotation would print inline "
           "with the text it annotates", "Unicode §23.8"),
    # Dropped with a note: they print nothing and say nothing in Chinese copy.
    Hidden(0x061C, 0x061C, "drop", "bidi mark (ALM): orders no Chinese or Latin text", "UAX #9 §2.6"),
    Hidden(0x200E, 0x200F, "drop", "bidi mark (LRM RLM): orders no Chinese or Latin text", "UAX #9 §2.6"),
    Hidden(0xFEFF, 0xFEFF, "drop", "byte-order mark inside the text (where files were pasted together; "
           "as a no-break mark it is deprecated for U+2060 WORD JOINER)", "Unicode §23.8; UAX #14 WJ"),
    Hidden(0x180E, 0x180E, "drop", "Mongolian vowel separator outside Mongolian", "Unicode §13.5"),
    Hidden(0x2061, 0x2064, "drop", "invisible mathematical operator", "Unicode §22.6"),
    Hidden(0x206A, 0x206F, "drop", "deprecated format character", "Unicode §23.3"),
    Hidden(0xE0001, 0xE007F, "drop", "tag character", "Unicode §23.9"),
    # A break hint: kept inside a Latin word, URL or code, where it says where the word may break
    # (compose/atoms.py _word_breaks, _url_breaks); dropped with a note beside Chinese or a space,
    # where a line may break anyway (clreq §3.1.7) and it says nothing.
    Hidden(0x00AD, 0x00AD, "break hint", "soft hyphen", "UAX #14 BA"),
    Hidden(0x200B, 0x200B, "break hint", "zero-width space", "UAX #14 ZW"),
    # A joiner: kept inside an emoji sequence (👨‍👩‍👧) or a script that joins (Arabic, Devanagari),
    # whose shaping reads it; dropped with a note beside Chinese, a space or the text's edge, where
    # it joins nothing (Han and the full-width marks have no joining or ligature forms) and, kept,
    # reached the line breaker as a character of its own (session 15's trial: 今天‍气温 parted
    # after it, and the PDF's text held it).
    Hidden(0x200C, 0x200D, "joiner", "zero-width non-joiner or joiner (an emoji sequence's, a joining "
           "script's)", "Unicode §23.2; UAX #14 ZWJ"),
    # Kept: the copy's instructions, each used by the setting or the shaping.
    Hidden(0x2060, 0x2060, "keep", "word joiner: no break here", "UAX #14 WJ"),
)
# Cf characters the table does not name (Arabic number signs U+0600–0605, U+06DD…): visible signs or
# another script's, printed as the face has them (a face without one reports it missing).

_CLASS = "".join(f"{re.escape(chr(h.first))}-{re.escape(chr(h.last))}" for h in HIDDEN)
# Any character of the table: one search in C finds out that a text has none (nearly every text).
ANY_HIDDEN = re.compile(f"[{_CLASS}]")
REFUSED = re.compile("[" + "".join(f"{re.escape(chr(h.first))}-{re.escape(chr(h.last))}"
                                   for h in HIDDEN if h.action == "refuse") + "]")


def hidden(ch: str) -> Hidden | None:
    """The table's row of ``ch``, or None."""
    cp = ord(ch)
    return next((h for h in HIDDEN if h.first <= cp <= h.last), None)


def named(ch: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE: the character as a message names it."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip() if ch >= " " or ch == "\x7f" else \
        f"U+{ord(ch):04X}"


def refusal(ch: str) -> str:
    """The message for a refused character (file:line:column before it)."""
    row = hidden(ch)
    assert row is not None and row.action == "refuse"
    return f"{named(ch)} in the copy: a {row.what} ({row.source}); remove it (pasted copy often carries them)"


def _latin_token(ch: str | None) -> bool:
    """A character of a Latin word, URL or code (not a space, not wide: Han and full-width marks
    are East Asian Wide or Fullwidth, UAX #11): a break hint with one on each side is kept."""
    return ch is not None and not ch.isspace() and unicodedata.east_asian_width(ch) not in ("W", "F")


def _joins(ch: str | None) -> bool:
    """A character a joiner may join to its neighbour: an emoji (category So, East Asian Wide like
    Han) or a letter or mark of a script that is not set on the ideographic grid; not a space, not
    Han nor a full-width mark (East Asian Wide or Fullwidth, UAX #11, other than a symbol)."""
    if ch is None or ch.isspace():
        return False
    return unicodedata.category(ch) == "So" or unicodedata.east_asian_width(ch) not in ("W", "F")


def dropped(text: str) -> list[tuple[int, str]]:
    """(offset, why) of each character of ``text`` the build drops: the table's "drop" rows, and a
    break hint not between two characters of a Latin token (other hidden characters looked through)."""
    out: list[tuple[int, str]] = []
    for m in ANY_HIDDEN.finditer(text):
        i = m.start()
        row = hidden(text[i])
        if row is None or row.action in ("keep", "refuse"):
            continue
        if row.action == "break hint":
            before = _beside(text, i, -1)
            after = _beside(text, i, 1)
            if _latin_token(before) and _latin_token(after):
                continue
            why = f"{row.what} beside Chinese or a space, where a line may break anyway (clreq §3.1.7; {row.source})"
        elif row.action == "joiner":
            if _joins(_beside(text, i, -1)) and _joins(_beside(text, i, 1)):
                continue
            why = f"{row.what} beside Chinese, a space or the text's edge, where it joins nothing ({row.source})"
        else:
            why = f"{row.what} ({row.source})"
        out.append((i, f"invisible {named(text[i])}: {why}: removed"))
    return out


def _beside(text: str, i: int, step: int) -> str | None:
    j = i + step
    while 0 <= j < len(text):
        if ANY_HIDDEN.match(text, j) is None:
            return text[j]
        j += step
    return None
