"""The typography report: what a make-up editor checks, measured from a PDF's glyph positions.

Works on any PDF. Ours carry their module frames (render/pdf.py, PieceInfo): body lines are the
lines in a ``body`` frame, of the body size or another (a 五号 poem on a 小五 page; not a 小标题 of
another size the record marks), measured against that frame's edges; headlines,
captions, bylines, the folio and the slug are never counted as body. Another engine's PDF is read
by inference: body text is the commonest type size; lines are characters on one baseline within
one column; columns are the line starts many lines share; the measure is the right edge most full
lines reach; lines of other sizes or outside the columns are not body.

Rules checked (the limits are the table LIMITS): clreq §3.1.7 kinsoku, horizontal and vertical;
the inseparable ——/…… and their length (GB/T 15834-2011 §4.13, §4.11: two ems); 孤字; the
baseline grid; ink past the measure (a character whose origin stands past its frame's either
edge included); the Han–Latin gap (clreq §3.2.2); loose lines and spacing jumps between
neighbouring lines (clreq §3.8), and white before a closing mark wider than a loose line's spread
(GB/T 15834-2011 §5.1: a mark sits on the character before it), in body lines and, in our PDFs,
a caption's (its frame's) lines; full-width digits and letters in horizontal text (GB/T
15835-2011 §5.1.8.1: warned of); one-character vertical columns; holes a missing
glyph leaves in our PDFs; a range, a number and its unit or 第 and its number parted across two
lines of a paragraph (GB/T 15835-2011; the spans of compose/chars.py KEEP_TOGETHER_PATTERNS that
the line breaker parts only as its last resort), and, named but no problem, a date parted between
its parts or a number from a counted unit (parted to spare a loose line; one table for the line
breaker and the check, compose/linebreak.py split_kinds); a URL or e-mail address broken where
Chicago does not break one (after its period or hyphen: compose/chars.py url_break_at, the line
breaker's rule), and, named, a capitalised word hyphenated. In our PDFs a finding names the article,
and its file and line where the PDF's layout record holds them (render/pdf.py _layout_json).
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
import re
import statistics
import unicodedata
from collections import Counter
from itertools import compress
from dataclasses import MISSING, asdict, field, fields, replace
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple, Sequence

from pagesetter.compose.chars import (
    BLANK_SIDE, CLOSING, PAUSE, STOP, DASH, ELLIPSIS, FIGURE_SIGNS, LONE_LINE_MAX_EM, MARK_CLASSES, MARK_GAP_EM, NOT_AT_LINE_END,
    NOT_AT_LINE_START, NUMBER_SUFFIXES, PARAGRAPH_END, SUBSTITUTE, URL, URL_CHARS, VERTICAL_QUOTE_INK_EM, VERTICAL_QUOTES,
    JOINING_SIGNS, PARTED_CODE_KIND, code_across, is_cjk, is_figure_sign,
    lone_dash_at, url_break_at,
)
from pagesetter.compose.linebreak import SPAN_CONTEXT, split_kinds
from pagesetter.compose.spacing import HAN_HOLE_EM, LETTER_SPACING_LIMIT, VERY_LOOSE_LIMIT, WORD_SPACE_LIMIT
from pagesetter.errors import visible
from pagesetter.flow.geometry import EM_TOP_ABOVE_BASELINE
from pagesetter.proof.readback import (LATIN_MARKS, Char, PageChars, clustered_xs, in_word, line_spaces,
                                       on_its_letter, read_chars)
from pagesetter.proof.record import blocks, owner
from pagesetter.records import record
from pagesetter.wording import counted

# Marks: their advance is set by the punctuation style, so only their ink is judged. Every
# Chinese mark of compose/chars.py (〔〕〖〗［］ too: one table), not the ASCII brackets of Latin text.
MARKS = frozenset(ch for ch in MARK_CLASSES if not ch.isascii())
TOLERANCE = 0.1  # pt: a justified line ends at its measure within this
# pt: a space pdfium generates this near the end of the glyph before it (origin plus advance) is
# one it invented in a gap between two text objects, no glyph drawn (Line.kept_space)
GENERATED_AT_END = 0.1


class Limits(NamedTuple):
    """What the check calls a problem (and what it only counts), in ems of the type size."""

    mark_length: float = 2.0  # ——, ……: two ems (GB/T 15834-2011 §4.13 破折号, §4.11 省略号)
    mark_length_tolerance: float = 0.05
    mark_gap: float = MARK_GAP_EM  # white inside one ——/……: two halves (GB/T 15834-2011 §4.10, §4.11)
    # the ink across an upright quotation mark in a vertical column at least: less is a horizontal
    # form (GB/T 15834-2011 §5.2: ﹃﹄﹁﹂ in vertical text; compose/chars.py VERTICAL_QUOTES)
    vertical_quote_ink: float = VERTICAL_QUOTE_INK_EM
    ink_past: float = 0.1  # pt: ink beyond a frame's or column's edge
    han_latin_max: float = 0.34  # clreq §3.2.2: a quarter em, stretched at most to a third
    han_latin_min: float = 0.12  # … and shrunk at most to an eighth (0.005 em for positions rounded)
    loose: float = 0.08  # mean extra space between Han in a justified line: counted
    # … a problem (clreq §3.8: spread evenly, never visibly gappy), in a body line and a caption's:
    # the limit the line breaker keeps to and the build warns past (compose/spacing.py), one constant
    very_loose: float = VERY_LOOSE_LIMIT
    # mean white between the letters of a line's Latin words beyond their advances and kerning:
    # a very loose line too (C o r p o r a t i o n; compose/spacing.LETTER_SPACING_LIMIT)
    letter_spacing: float = LETTER_SPACING_LIMIT
    # white between two Latin words (a printed space, from one word's advance to the next word)
    # on a justified line: a very loose line too (for    Reconstruction    and;
    # compose/spacing.WORD_SPACE_LIMIT, plain TeX's underfull box)
    word_space: float = WORD_SPACE_LIMIT
    # the cell of a name's · between two Han (苏尔坦·贾比尔) wider than the article's tightest ·
    # beyond what the line's Han spread gives each side: a stretched interpunct (very loose; the
    # composer stretches it as between Han only, compose/spacing.mark_blank)
    interpunct: float = 0.1
    spacing_jump: float = 0.06  # change of that mean from one line of a column to the next: counted
    hole: float = HAN_HOLE_EM  # white inside a line wider than this: a character that was not printed
    overlap: float = 0.1  # ink of two characters of a table's line over each other by more than this
    # ink of a character over the next one's down a vertical column, em (trial 13: a semicolon's
    # tail 0.12 em into the character under it, read as ·; a colon's dot 0.09 em beside ……)
    vertical_overlap: float = 0.02
    # white between a figure and its symbol (3 ℃) beyond the line's own white between Han, em: a
    # typed space left in (trial 14: 0.18-0.5 em); a unit on the grid takes the Han spacing only
    parted_unit: float = 0.1


LIMITS = Limits()

# Latin punctuation (UAX #14, Unicode line breaking: classes CL, CP, IS and EX never begin a line,
# OP never ends one), with the Chinese tables of clreq §3.1.7 (compose/chars.py).
NOT_AT_START = NOT_AT_LINE_START | frozenset(".,;:!?)]}")
NOT_AT_END = NOT_AT_LINE_END | frozenset("([{")

# Vertical presentation forms (Unicode 6.0 Vertical Forms and CJK Compatibility Forms) read as the
# marks they stand for, so the kinsoku tables of clreq §3.1.7 apply to vertical columns too.
VERTICAL_FORMS = {
    "︐": "，", "︑": "、", "︒": "。", "︓": "：", "︔": "；", "︕": "！", "︖": "？", "︗": "〖", "︘": "〗",
    "︙": "…", "︰": "‥", "︱": "—", "︵": "（", "︶": "）", "︷": "｛", "︸": "｝", "︹": "〔", "︺": "〕",
    "︻": "【", "︼": "】", "︽": "《", "︾": "》", "︿": "〈", "﹀": "〉", "﹁": "「", "﹂": "」", "﹃": "『",
    "﹄": "』", "﹇": "［", "﹈": "］",
}
# ——/…… with the characters rstrip takes off a line's end (joined once, not once a line)
_MARK_STRIPS = tuple((mark, "".join(sorted(mark))) for mark in (DASH, ELLIPSIS))
# Every character _mark_kind names (a superset is safe: it only lets a line be looked at)
_RUN_CHARS = frozenset(DASH) | frozenset(ELLIPSIS) | frozenset(
    k for k, v in VERTICAL_FORMS.items() if v in DASH or v in ELLIPSIS)
_X = operator.attrgetter("x")  # a character's origin, as a sort key
_TEXT = operator.attrgetter("text")
_BASELINE = operator.attrgetter("baseline")
_FIRST, _THIRD = operator.itemgetter(0), operator.itemgetter(2)
_TOP, _BOTTOM = operator.itemgetter(3), operator.itemgetter(4)  # of _text_over_text's boxes
# Frame kinds of our PDFs (pagetree.Frame) that hold text, and the one that holds body lines.
TEXT_FRAMES = ("body", "caption", "headline")


class _once:
    """functools.cached_property without its lock (Python 3.11 takes one at every first access, a
    cost the thousands of lines of a page each pay): the value is kept in the instance's __dict__,
    which then answers before this descriptor. Fine for a frozen dataclass (no __setattr__ used)."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        self.compute, self.name = compute, compute.__name__

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


@record(frozen=True)
class Line:
    page: int
    chars: tuple[Char, ...]  # printing characters, left to right
    blanks: tuple[float, ...] = ()  # origins of the space characters printed on the line
    right_edge: float | None = None  # the measure, when the PDF says it (our body frames)
    left_edge: float | None = None  # the column's left edge, likewise
    framed: bool = False  # in one of our text frames (a hole inside it is a finding)
    ragged: bool = False  # ours: set short of the measure by design (a centred line), by the layout record
    ends: bool = False  # ours: a paragraph's last line, by the layout record (a frame of kind "end")
    # ours: a justified line the engine set short (ragged too), by the layout record (a frame of kind
    # "short"): off its measure, counted as the build's very-loose warning says it
    set_short: bool = False
    # origins of the whitespace characters the PDF prints as characters (U+3000, a space of set
    # width): no word space a line's justification widened (a standings row's 江城FC　　　8-6-12)
    set_blanks: tuple[float, ...] = ()
    # ours: the kind of the text frame the line stands in (TEXT_FRAMES: "body", "caption",
    # "headline"), by the layout record; "" in another PDF, or outside every frame
    kind: str = ""

    @_once
    def text(self) -> str:  # asked of a line by most checks: joined once (a frozen dataclass keeps it all the same)
        return "".join([c.text for c in self.chars])

    @property
    def left(self) -> float:
        return self.chars[0].x

    @property
    def baseline(self) -> float:
        return self.chars[0].baseline

    @property
    def size(self) -> float:
        return self.chars[0].size

    @_once
    def sizes(self) -> tuple[float, ...]:
        """Each character's size, read once a line (em, the white checks' least size)."""
        return tuple([c.size for c in self.chars])

    @_once
    def xs(self) -> tuple[float, ...]:
        """Each character's origin, read once a line."""
        return tuple([c.x for c in self.chars])

    @_once
    def em(self) -> float:
        """The line's type size: most of its characters' (a 五号 poem line opened by a 小五 run-in
        lead is a 五号 line); its white and indents are judged in this em."""
        sizes = self.sizes
        first = sizes[0]
        if sizes.count(first) == len(sizes):  # the common line: one size (counted in C, not a generator)
            return first
        return Counter(round(size, 2) for size in sizes).most_common(1)[0][0]

    @property
    def right(self) -> float:
        """Where the line ends: the em box of a Han character, the ink of a mark, else the advance."""
        return char_end(self.chars[-1])

    @_once
    def han(self) -> tuple[bool, ...]:
        """is_han of each character: asked of each pair by the spacing checks, answered once a line."""
        text = self.text
        if len(text) == len(self.chars):  # one code point a character (every character read back)
            return tuple(map(is_han, text))
        return tuple([is_han(c.text) for c in self.chars])

    @_once
    def words(self) -> tuple[bool, ...]:
        """readback.in_word of each character (a Latin word's, a figure's, a URL's): asked by the
        letter spacing and the line's spaces (line_spaces), answered once a line."""
        text = self.text
        if len(text) == len(self.chars):
            return tuple(map(in_word, text))
        return tuple([in_word(c.text) for c in self.chars])

    @_once
    def em_boxes(self) -> tuple[float, ...]:
        """em_box of each character (its expression, with the line's is_han): the white checks
        (_spread, _holes, _parted_units …) measure from it on nearly every line, made once a line."""
        return _em_boxes(self.chars, self.han)

    @_once
    def box_ends(self) -> tuple[float, ...]:
        """box_end of each character (its expression, with em_boxes; a Han character, is_han, is
        _cjk: not asked again), made once a line."""
        return _box_ends(self.chars, self.em_boxes, self.han)

    @_once
    def spaces(self) -> list[str]:
        """What stands between each neighbouring pair of the line's characters: readback.line_spaces."""
        return line_spaces(self.chars, self.han, self.words)

    def spaced(self, a: Char, b: Char) -> bool:
        """Is a printed space between these two characters of the line?"""
        return bool(self.blanks) and any(a.x < x < b.x for x in self.blanks)

    def kept_space(self, a: Char, b: Char) -> bool:
        """Is a space the copy kept between these two characters, by the glyphs' positions: a space
        character printed there (set_blanks), or a space glyph drawn inside the gap (pdfium reports
        one drawn after a gap as generated, at its own origin)? Not the space pdfium invents in any
        wide gap between two text objects, at the end of the first glyph's advance (a line whose
        characters are drawn one object each, 0.4 em apart, read as 老 街 改 造: each pair spaced, no
        pair measured, the very loose line passed). _drawn_spaces leaves out the ones it puts at
        the next character's origin."""
        if not self.blanks:
            return False
        end = a.right
        return any(a.x < x < b.x for x in self.set_blanks) or any(
            a.x < x < b.x and abs(x - end) > GENERATED_AT_END for x in self.blanks)


# A frozen dataclass's __init__ sets each of Line's fields through object.__setattr__ (what freezing
# costs), and dataclasses.replace reads the fields' definitions on every call: some 8 and 26 µs, for
# the 500-odd lines of a page and their copies. _line and _replaced fill the new line's __dict__ at
# once with the values those set (Line has no __post_init__ and every field is an __init__ one).
_LINE_FIELDS = tuple(f.name for f in fields(Line))
_LINE_DEFAULTS = {f.name: f.default for f in fields(Line) if f.default is not MISSING}
assert set(_LINE_FIELDS) - set(_LINE_DEFAULTS) == {"page", "chars"}, "a Line field without a plain default"
# and what the shortcut would silently skip, stopped at import instead: a __post_init__, slots (no
# __dict__ to fill), a field __init__ does not take
assert not hasattr(Line, "__post_init__") and not hasattr(Line, "__slots__") and all(f.init for f in fields(Line)), \
    "Line has changed so that _line and _replaced no longer make what its __init__ would"


def _line(page: int, chars: tuple[Char, ...], **values: Any) -> Line:
    """Line(page, chars, **values), made without the frozen __init__'s field-by-field setting."""
    unknown = values.keys() - _LINE_DEFAULTS.keys()
    if unknown:
        raise TypeError(f"Line has no field {', '.join(sorted(unknown))}")
    line = object.__new__(Line)
    line.__dict__.update(_LINE_DEFAULTS, page=page, chars=chars, **values)
    return line


def _replaced(line: Line, **changes: Any) -> Line:
    """dataclasses.replace(line, **changes), likewise: the fields copied, not the line's readings
    kept by _once (its text, em boxes …), which the changes may alter."""
    unknown = changes.keys() - _LINE_DEFAULTS.keys() - {"page", "chars"}
    if unknown:
        raise TypeError(f"Line has no field {', '.join(sorted(unknown))}")
    values = line.__dict__
    new = object.__new__(Line)
    new.__dict__.update({name: values[name] for name in _LINE_FIELDS}, **changes)
    return new


def char_end(c: Char) -> float:
    if c.text in MARKS:
        return c.ink_right
    return c.x + c.size if _cjk(c.text) else c.right


def box_end(c: Char) -> float:
    """The end of a character's box: a Han character or mark one em (em_box()), anything else its advance."""
    return _box_ends((c,), (em_box(c),), (False,))[0]


def _box_ends(chars: "Sequence[Char]", boxes: "Sequence[float]", han: "Sequence[bool]") -> tuple[float, ...]:
    """box_end of each of ``chars`` whose em_box is in ``boxes``, ``han`` each one's is_han (a Han
    character is _cjk: not asked): its one expression, over a line's characters without a call
    a character (Line.box_ends)."""
    return tuple([c.x + box if h or _cjk(c.text) or c.text in MARKS else c.right
                  for c, box, h in zip(chars, boxes, han)])


# A Han character drawn narrower than its size by more than this (a fraction of it) is condensed.
CONDENSED = 0.995


def em_box(c: Char) -> float:
    """pt: a Han character's em box across: its size, or its advance where the glyph is drawn
    condensed (a 小标题 set 长体 to fit its column: the PDF's Tz scales the glyph and its box, and
    pdfium's loose box with it; compose/display.py). Taken as the size, a condensed line read as
    Han set 0.06 em over each other and its last character's ink past the measure. Another
    character (a mark, Latin) has its own advance: its size is returned."""
    return _em_boxes((c,), (is_han(c.text),))[0]


def _em_boxes(chars: "Sequence[Char]", han: "Sequence[bool]") -> tuple[float, ...]:
    """em_box of each of ``chars``, ``han`` each one's is_han (a line knows it: Line.han): its one
    expression, over a line's characters without a call a character (Line.em_boxes). The advance,
    right less origin, is taken only of a Han character."""
    return tuple([advance if h and CONDENSED_FLOOR * c.size < (advance := c.right - c.x) < CONDENSED * c.size
                  else c.size for c, h in zip(chars, han)])


# The narrowest a condensed character is read as (compose/display.py CONDENSE_LEAST is 0.9).
CONDENSED_FLOOR = 0.5


_cjk = functools.lru_cache(maxsize=8192)(is_cjk)  # asked of every character, several times


def ink_extent(c: Char) -> tuple[float, float]:
    """Left and right of a character's ink. pdfium's glyph box is the outline's control box, up to
    0.6 pt wider than the ink of a curved Han character: a Han character is taken as its em box,
    which a CJK face's ideographs never leave."""
    return (c.x, c.x + em_box(c)) if is_han(c.text) else (c.ink_left, c.ink_right)


@functools.lru_cache(maxsize=8192)
def is_latin(ch: str) -> bool:
    """A Latin (or Greek, Cyrillic) letter or a digit: what clreq §3.2.2 spaces from Han."""
    return ch.isalnum() and not _cjk(ch) and ord(ch) < 0x2E80


@functools.lru_cache(maxsize=8192)
def is_han(ch: str) -> bool:
    return _cjk(ch) and ch not in MARKS and unicodedata.category(ch) == "Lo"


@record
class Finding:
    page: int
    baseline: float
    text: str
    detail: str = ""
    # our PDFs: the article, with its file and line when the layout record has them
    # ("article 'renewal', content/renewal.md:14"); filled in by check_pdf (_locate)
    where: str = ""
    # Not in the JSON report (what ``where`` and ``text`` say): the article's id ("" where
    # ``where`` names none), and a split's two sides as ``text`` shows them ("tail / head"), for
    # the build to tell what the flow has said already (proof/report.py unsaid) without reading
    # either back out of a message.
    article: str = ""
    parts: tuple[str, ...] = ()
    # off the measure: the line ends short of it (no ink past it; the build says it as `typography`, not `past-measure`)
    short: bool = False
    # Not in the JSON report either: the origin of the first character of the line the finding
    # quotes from its start (Finding.at), where _locate finds it in the layout record. Its text
    # alone does not tell: the same short copy in modules side by side sets the same line on one
    # baseline, and the first module's was named for all of them (session 17); None where the
    # finding quotes part of a line (a split's tail), found by its text.
    x: float | None = None

    @classmethod
    def at(cls, line: "Line", text: str, detail: str = "", **fields: Any) -> "Finding":
        """A finding of ``line`` whose ``text`` is the line's from its first character."""
        return cls(line.page, line.baseline, text, detail, x=line.chars[0].x, **fields)


def shown(line: "Line", chars: "tuple[Char, ...] | None" = None) -> str:
    """The text of ``chars`` (a run of the line's, as a slice of it; all of them by default) as the
    line prints it: a space where a word space or a cell gap stands between two glyphs
    (readback.line_spaces, the rule diff quotes by too: Vinícius Júnior, never ViníciusJúnior;
    11 江城FC 8-6-12, never 江城FC8-6-12), and a hyphen that ends it as the hyphen it prints
    (pdfium reads it back as U+0002: _line_end_hyphen)."""
    run = line.chars if chars is None else chars
    if not run:
        return ""
    spaces = line.spaces
    start = next((k for k, c in enumerate(line.chars) if c is run[0]), 0)
    out = [run[0].text]
    for k in range(1, len(run)):
        if spaces[start + k - 1]:
            out.append(" ")
        out.append(run[k].text)
    return _line_end_hyphen("".join(out))


def _han_spread(line: "Line") -> float:
    """The white justification put between the line's Han characters (em, the median of each
    neighbouring pair's; 0 on a line with no two together)."""
    chars, han = line.chars, line.han
    gaps = [(b.x - a.right) / a.size for k, (a, b) in enumerate(zip(chars, chars[1:]))
            if han[k] and han[k + 1] and a.size > 0]
    return max(0.0, statistics.median(gaps)) if gaps else 0.0



def _widest_word_space(line: "Line") -> tuple[float, Char, Char] | None:
    """The widest white (em) between two Latin words of the line where a space was printed, from
    the end of one word's advance to the next word's origin, with the characters either side."""
    if not line.blanks:
        return None
    chars = line.chars
    widest: tuple[float, Char, Char] | None = None
    for a, b in zip(chars, chars[1:]):
        if a.size > 0 and in_word(a.text) and in_word(b.text) and line.spaced(a, b) and not any(
                a.x < x < b.x for x in line.set_blanks):
            white = (b.x - a.right) / a.size
            if widest is None or white > widest[0]:
                widest = (white, a, b)
    return widest


def _interpunct_cells(line: "Line") -> list[tuple[float, Char]]:
    """Each · between two Han of the line: from the first Han's em box to the second Han (em),
    less the line's own Han spread on either side (what stretching as between Han gives it)."""
    chars = line.chars
    if "·" not in line.text or len(chars) < 3:
        return []
    spread = _han_spread(line)
    return [((b.x - a.x - box) / a.size - 2 * spread, c) for a, c, b, box in zip(chars, chars[1:], chars[2:], line.em_boxes)
            if c.text == "·" and a.size > 0 and is_han(a.text) and is_han(b.text)]


def _stretched_interpuncts(lines: "list[Line]", report: "TypographyReport") -> None:
    """One article's body lines: a name's · (苏尔坦·贾比尔) set wider than the article's tightest
    one (never taken wider than a full em, 全角) by more than LIMITS.interpunct, past what the
    line's Han spread gives it: the · took the line's stretch (trial 12: 苏尔坦 · 贾比尔 beside
    安东尼奥·古特雷斯)."""
    # a line without a · (nearly every one) not asked at all
    cells = [(line, width, c) for line in lines if not line.ragged and "·" in line.text
             for width, c in _interpunct_cells(line)]
    if not cells:
        return
    tightest = min(1.0, min(width for _, width, _ in cells))
    for line, width, c in cells:
        if width > tightest + LIMITS.interpunct + 5e-3:
            report.very_loose.append(Finding.at(line, shown(line),
                                             f"the · is {width:.2f} em between its Han, not {tightest:.2f}"))


def _letter_spacing(line: "Line") -> float:
    """The mean white (em) between neighbouring characters of the line's Latin words beyond
    their advances (kerning brings it below 0): what justification spaced a word's letters
    out by, 0 on a line with no two such characters together. A word space parts words
    (readback.line_spaces)."""
    words = line.words
    if True not in words:  # a line of Han and marks alone (most of a page's): no pair to measure
        return 0.0
    chars = line.chars
    pairs = [k for k, (a, b) in enumerate(zip(words, words[1:])) if a and b and chars[k].size > 0]
    if not pairs:  # no two word characters side by side: its spaces need not be read
        return 0.0
    spaces = line.spaces
    extras = [(chars[k + 1].x - chars[k].right) / chars[k].size for k in pairs if not spaces[k]]
    return statistics.fmean(extras) if extras else 0.0


def _letters_within(line: "Line", limit: float) -> bool:
    """True when no two neighbouring characters of the line's Latin words (in_word) stand more
    than ``limit`` em apart beyond the first's advance, spaced or not: then the mean of those of
    them _letter_spacing measures (the pairs no space parts) is within it too, and the line's
    spaces (line_spaces, dear) need not be read. A Chinese line's figures (2026年) are set solid.
    With a hair of margin (1e-9 of the limit) against rounding; False when it cannot tell."""
    words = line.words
    if True not in words:
        return True  # no Latin word's character at all (a line of Han and marks)
    chars = line.chars
    bound = limit * (1 - 1e-9)
    if bound <= 0.0:
        return False
    for k, (a, b) in enumerate(zip(words, words[1:])):
        if a and b:
            c, d = chars[k], chars[k + 1]
            if c.size > 0 and d.x - c.right > bound * c.size:
                return False
    return True


@record(frozen=True)
class TextFrame:
    """A frame of one of our PDFs, in the reader's coordinates (pt from the page's top-left)."""

    article: str
    kind: str
    left: float
    top: float
    right: float
    bottom: float

    def holds(self, c: Char) -> bool:
        return self.left - 0.01 <= c.x < self.right and self.top - 0.01 <= c.baseline <= self.bottom + 0.01

    def chars_of(self, page: "ByBaseline", slack: float = 0.0) -> list[Char]:
        """The characters whose origin stands in the frame, or up to ``slack`` left of it."""
        lo = bisect.bisect_left(page.baselines, self.top - 0.01)
        hi = bisect.bisect_right(page.baselines, self.bottom + 0.01)
        out: list[Char] = []
        for k in range(lo, hi):
            xs = page.xs[k]
            out += page.rows[k][bisect.bisect_left(xs, self.left - slack - 0.01):bisect.bisect_left(xs, self.right)]
        return out


class ByBaseline(NamedTuple):
    """A page's characters in rows of one baseline, each left to right, for finding a frame's
    quickly (a page has some ten thousand, a frame a few hundred)."""

    baselines: list[float]
    rows: list[list[Char]]
    xs: list[list[float]]

    @staticmethod
    def of(page: PageChars) -> "ByBaseline":
        rows: dict[float, list[Char]] = {}
        last: float | None = None
        row: list[Char] = []
        for c in page.chars:
            if c.baseline != last:  # pdfium gives a line's characters together: a lookup a run
                last = c.baseline
                row = rows.setdefault(last, [])
            row.append(c)
        keys = sorted(rows)
        ordered = [sorted(rows[k], key=_X) for k in keys]
        return ByBaseline(keys, ordered, [[c.x for c in row] for row in ordered])


# The findings that are problems (exit 4), with their titles in the text report, in report order.
PROBLEMS = (("kinsoku", "kinsoku"), ("split_marks", "split ——/……"), ("mark_length", "——/…… not two ems"),
            ("off_measure", "off the measure"), ("ink_past", "ink past the measure"), ("lone_char", "孤字"),
            ("off_grid", "off the grid"), ("wide_han_latin", "Han–Latin gap too wide"),
            ("narrow_han_latin", "Han–Latin gap too narrow"),
            ("very_loose", "very loose line"), ("vertical_kinsoku", "vertical kinsoku"),
            ("one_char_columns", "one-character column"), ("holes", "hole (a character not printed)"),
            ("subhead_foot", "subhead at a column's foot"), ("split_spans", "split across lines"),
            ("overlap", "set over another character"),
            ("url_breaks", "URL or e-mail address broken where Chicago does not"),
            ("broken_marks", "——/…… broken by white"),
            ("horizontal_quotes", "horizontal quotation mark in vertical text"),
            ("split_phrases", "Latin phrase split across vertical columns"),
            ("parted_units", "a number's symbol set apart from it"),
            ("off_trim", "off the trim"), ("over_furniture", "set over the page's furniture"),
            ("crowded_marks", "mark set against its neighbour"),
            ("no_unicode", "glyph with no Unicode (ToUnicode): its text reads as garbage"))
# Findings counted and located, and warned of by the build, but no problem (exit 0): a make-up
# preference the flow keeps where the module has a line to spare (flow/article.py keep_ends), and
# a module filled exactly may not (the seed page's dongliao-police).
WARNED = (("widows", "a paragraph's last line alone at a column's head"),
          ("parted_signs", "a flush-right line (落款) at a column's head, parted from the line before it"),
          ("ascii_marks", "an ASCII full stop or straight quote in Chinese text"),
          ("geta", "〓 (U+3013) printed for a character no face has"),
          ("full_width", "full-width letters or digits in horizontal text"))
# How far right of its column's left edge a line opening a column starts to be taken for one set
# flush right (a 落款), in its em: past a paragraph's 2-em indent.
FLUSH_RIGHT_EM = 3.0


@record
class TypographyReport:
    pages: int = 0
    body_size: float = 0.0
    frames: bool = False  # body lines picked by the PDF's own frames (ours), not inferred
    lines: int = 0
    justified_lines: int = 0
    kinsoku: list[Finding] = field(default_factory=list)
    split_marks: list[Finding] = field(default_factory=list)
    mark_length: list[Finding] = field(default_factory=list)
    off_measure: list[Finding] = field(default_factory=list)
    ink_past: list[Finding] = field(default_factory=list)
    lone_char: list[Finding] = field(default_factory=list)
    off_grid: list[Finding] = field(default_factory=list)
    wide_han_latin: list[Finding] = field(default_factory=list)
    # below an eighth: set solid (8.7%左右) or shrunk past clreq's limit; ASCII letters and digits
    # and the symbols ending a number only (①, Ⅻ, ½ are set on the grid, as Han are)
    narrow_han_latin: list[Finding] = field(default_factory=list)
    very_loose: list[Finding] = field(default_factory=list)
    vertical_kinsoku: list[Finding] = field(default_factory=list)
    one_char_columns: list[Finding] = field(default_factory=list)
    holes: list[Finding] = field(default_factory=list)
    subhead_foot: list[Finding] = field(default_factory=list)  # ours only: a 小标题 parted from its text
    # ours only: a paragraph's last line alone at the head of a column, the rest of it in the column
    # before (段末孤行, TYPOGRAPHY.md: Paragraph); the flow avoids it where the module has a line to
    # spare (flow/article.py keep_ends)
    widows: list[Finding] = field(default_factory=list)
    # ours only: a line set flush right (a 落款, ::: right) opening a column, a line of the column
    # before over it (the letter it signs, or the 落款's own line before): the flow keeps a 落款
    # whole with its letter's last lines where the module has the lines to spare
    # (flow/article.py keep_ends, _spare_breaks) and says where it could not
    parted_signs: list[Finding] = field(default_factory=list)
    # an ASCII . ending a Chinese sentence or a straight " or ' in Chinese text, printed (trial 14 #10):
    # the build sets them 。 “ ” ‘ ’ (content/normalise.py); one left is a quote without a partner, or
    # another program's PDF. Warned of: the copy's own characters, no error of the setting.
    ascii_marks: list[Finding] = field(default_factory=list)
    # every 〓 on a page, in any text (body, headline, caption, furniture): a hole the build filled
    # with missing_glyphs: substitute and exited 0 for, which a proofreader must see (trial 15)
    geta: list[Finding] = field(default_factory=list)
    # glyphs the PDF maps to no text (pdftotext's "(cid:21)"): search, copy and the e-paper's text
    # lose the character (trial 17 #6: Nguyễ(cid:21)n); a problem, as the page reads wrong
    no_unicode: list[Finding] = field(default_factory=list)
    # a full-width digit or letter (２０２６, ＧＤＰ) printed in a horizontal line of any text within
    # the bleed (body, headline, caption, table, the 报眉): GB/T 15835-2011 §5.1.8.1 sets them
    # half-width, as the build's normalisation does (content/normalise.py FULL_WIDTH_ALNUM, one
    # table); one left is text that pass never saw (the 报眉's items, printed as the spec types
    # them) or another program's PDF. Warned of, as an ASCII mark is: the copy's own characters.
    # A vertical column's stand upright one per em by design (compose/vertical.py).
    full_width: list[Finding] = field(default_factory=list)
    split_spans: list[Finding] = field(default_factory=list)  # a range, a number and its unit across lines
    overlap: list[Finding] = field(default_factory=list)  # ours: a table's cell printed over its neighbour
    # a date between its parts (2022年 / 5月), a number and a counted unit (348 / 个): parted by the
    # line breaker only to spare a loose line; named, not a problem
    soft_splits: list[Finding] = field(default_factory=list)
    # a URL or e-mail address broken after a period or a hyphen (www. / jcwater.com.cn), not where
    # Chicago breaks one (compose/chars.py url_break_at)
    url_breaks: list[Finding] = field(default_factory=list)
    # white inside a ——/…… past compose/chars.py MARK_GAP_EM: two halves, not one mark (a vertical
    # title's tracking opened one: GB/T 15834-2011 §4.10, §4.11, §5.2)
    broken_marks: list[Finding] = field(default_factory=list)
    # a quotation mark set upright in a vertical column as it stands in a line (less ink across
    # than compose/chars.py VERTICAL_QUOTE_INK_EM, not turned): GB/T 15834-2011 §5.2 gives ﹃﹄﹁﹂
    horizontal_quotes: list[Finding] = field(default_factory=list)
    # a Latin phrase (We must act now) whose words stand in two vertical columns, one ending and the
    # next starting in a letter or digit: clreq §3.3 sets it sideways as one run (trial 16 #1: a
    # title set one English word a column); compose/vertical.py keeps it whole
    split_phrases: list[Finding] = field(default_factory=list)
    # white between a figure and the symbol ending it (3 ℃, 5.2 %, 96 ㎡) wider than between the
    # line's Han: GB/T 15835-2011 writes 40℃ and 3.2% solid (compose/chars.py NUMBER_SUFFIXES)
    parted_units: list[Finding] = field(default_factory=list)
    # any PDF with a TrimBox: a character whose ink crosses the trim, or stands between it and the
    # bleed's edge (the guillotine cuts it; the slug stands outside the bleed, wholly)
    off_trim: list[Finding] = field(default_factory=list)
    # ours: a character's ink over a rule of the page's furniture (the 报眉's, the 报头's), which the
    # layout record places (render/pdf.py _furniture): a paper name through its rule, a headline on it
    over_furniture: list[Finding] = field(default_factory=list)
    # a mark of a horizontal line whose ink comes within MARK_CLEAR_EM of its neighbour's on the
    # side its blank is (after ，。、；：）》” the next character, before （《“ the one before): a face
    # whose marks stand centred in their em (Droid Sans Fallback, Noto Sans CJK TC) compressed as if
    # the ink were in one half (trial 17c #1: 之间 ,正文), or any mark set over its neighbour
    crowded_marks: list[Finding] = field(default_factory=list)
    gap_em: dict[str, float] = field(default_factory=dict)  # spacing between Han characters
    han_latin_em: dict[str, float] = field(default_factory=dict)  # Han–Latin/digit gaps: min, median, max
    mark_lengths_em: dict[str, float] = field(default_factory=dict)  # every ——/……: min, max
    loose_lines: int = 0  # justified lines with more than LIMITS.loose em between Han (figure only)
    spread_lines: int = 0  # justified lines with any extra space between Han (> 0.005 em)
    spacing_jumps: int = 0  # neighbouring lines whose Han spacing differs by more than LIMITS.spacing_jump
    vertical_columns: int = 0

    @property
    def problems(self) -> int:
        return sum(len(getattr(self, key)) for key, _ in PROBLEMS)

    def to_json(self) -> dict:
        data = asdict(self)
        for key in [key for key, _ in PROBLEMS + WARNED] + ["soft_splits"]:
            for f in data[key]:
                del f["x"]  # where the line stands: what where says
        for key in [key for key, _ in PROBLEMS] + ["soft_splits"]:
            for f in data[key]:
                del f["article"], f["parts"]  # said by where and text
                if key != "off_measure":
                    del f["short"]  # said of a line off its measure only
        data["problems"] = self.problems
        return data

    def verdict(self) -> str:
        """PASS, or FAIL and how many problems: what `check`'s exit status says (0 or 4), first on the
        line, as preflight's verdict is on its own (a build's report ends with both, README)."""
        if not self.problems:
            return "PASS"
        return f"FAIL, {counted(self.problems, 'problem')} (`pagesetter check` exits 4)"

    def summary(self) -> str:
        gap = self.gap_em
        spread = (f"Han spacing {gap['min']:+.3f}…{gap['max']:+.3f} em (median {gap['median']:+.3f})"
                  if gap else "no Han spacing measured")
        hl = self.han_latin_em
        latin = (f"Han–Latin gap {hl['min']:.2f}–{hl['max']:.2f} em, {len(self.narrow_han_latin)} under an eighth"
                 if hl else "no Han–Latin gap")
        marks = (f"——/…… {self.mark_lengths_em['min']:.2f}–{self.mark_lengths_em['max']:.2f} em"
                 if self.mark_lengths_em else "no ——/……")
        singles = sum(1 for f in self.ascii_marks if f.detail.startswith(_SINGLE_DETAIL))
        return (f"typography: {self.verdict()}: {counted(self.lines, 'body line')} ({self.justified_lines} justified), "
                f"{len(self.kinsoku)} kinsoku, {len(self.split_marks)} split ——/……, "
                f"{len(self.off_measure)} off the measure, {len(self.lone_char)} 孤字, "
                f"{len(self.off_grid)} off the grid; {spread}; {marks}, {len(self.mark_length)} not two ems; "
                f"{len(self.ink_past)} ink past the measure; {latin}; {counted(self.loose_lines, 'loose line')} "
                f"({len(self.very_loose)} very loose), {counted(self.spacing_jumps, 'spacing jump')}; "
                f"{counted(self.vertical_columns, 'vertical column')}, {len(self.vertical_kinsoku)} vertical kinsoku, "
                f"{len(self.one_char_columns)} one-character; {counted(len(self.holes), 'hole')}, "
                f"{counted(len(self.subhead_foot), 'subhead')} at a column's foot, "
                f"{counted(len(self.widows), 'paragraph end')} alone "
                f"at a column's head; {counted(len(self.split_spans), 'number or range', 'numbers or ranges')} "
                f"split across lines ({len(self.soft_splits)} named in notes); "
                f"{counted(len(self.url_breaks), 'URL')} broken badly"
                # said where there is one (a summary line every build prints stays as it was)
                + (f"; {len(self.parted_signs)} 落款 parted at a column's head" if self.parted_signs else "")
                + (f"; {len(self.ascii_marks) - singles} ASCII . or \" in Chinese text"
                   if len(self.ascii_marks) > singles else "")
                + (f"; {singles} straight ' in Chinese text" if singles else "")
                + (f"; {len(self.broken_marks)} ——/…… broken by white" if self.broken_marks else "")
                + (f"; {counted(len(self.parted_units), 'number')} set apart from "
                   f"{'its' if len(self.parted_units) == 1 else 'their'} symbol" if self.parted_units else "")
                + (f"; {counted(len(self.horizontal_quotes), 'horizontal quotation mark')} in vertical text"
                   if self.horizontal_quotes else "")
                + (f"; {counted(len(self.split_phrases), 'Latin phrase')} split across vertical columns"
                   if self.split_phrases else "")
                + (f"; {counted(len(self.off_trim), 'line')} off the trim" if self.off_trim else "")
                + (f"; {counted(len(self.no_unicode), 'glyph')} with no Unicode" if self.no_unicode else "")
                + (f"; {counted(len(self.over_furniture), 'line')} over the page's furniture" if self.over_furniture else "")
                + (f"; {counted(len(self.crowded_marks), 'mark')} set against the character beside "
                   f"{'it' if len(self.crowded_marks) == 1 else 'them'}" if self.crowded_marks else "")
                + (f"; {len(self.geta)} 〓 printed for characters no face has" if self.geta else "")
                + (f"; {counted(len(self.full_width), 'line')} with full-width letters or digits"
                   if self.full_width else ""))

    def text(self) -> str:
        out = [self.summary()]
        for key, title in PROBLEMS:
            for f in getattr(self, key):
                where = f" ({f.where})" if f.where else ""
                out.append(f"  page {f.page}{where}, baseline {f.baseline:.2f} pt: {title}: {visible(f.text)} "
                           f"{visible(f.detail)}".rstrip())
        for key, title in WARNED:
            for f in getattr(self, key):
                where = f" ({f.where})" if f.where else ""
                out.append(f"  page {f.page}{where}, baseline {f.baseline:.2f} pt: warning: {title}: {visible(f.text)} "
                           f"{visible(f.detail)}".rstrip())
        for f in self.soft_splits:  # named for the desk, not counted as problems
            where = f" ({f.where})" if f.where else ""
            out.append(f"  page {f.page}{where}, baseline {f.baseline:.2f} pt: note: split across lines: "
                       f"{visible(f.text)} {visible(f.detail)}".rstrip())
        return "\n".join(out)


def check_pdf(pdf_path: Path) -> TypographyReport:
    pages = read_chars(pdf_path)  # a file that is no PDF is an InputError here
    records = _records(pdf_path)
    report = analyse(pages, records=records)
    _locate(report, pages, records)
    return report


def _middle(line: "Line") -> Char:
    """The line's middle character: in its column's frame whatever hangs at the line's ends."""
    return line.chars[len(line.chars) // 2]


def pdf_frames(pdf_path: Path) -> list[list[dict]]:
    """The frames our PDFs carry; none when the PDF has none or they cannot be read (any PDF
    may carry anything under PieceInfo: it is then judged by inference)."""
    return [_frames(r) for r in _records(pdf_path)]


def pdf_records(pdf_path: Path) -> list[dict]:
    """Each page's layout record (its frames, and the source map that tells where a paragraph
    ends); {} where a page has none: ``analyse``'s ``records``."""
    return _records(pdf_path)


def _records(pdf_path: Path) -> list[dict]:
    """Each page's layout record (render/pdf.py _layout_json); {} where it has none."""
    import pikepdf

    from pagesetter.proof.record import layout_record

    try:
        with pikepdf.open(pdf_path) as pdf:
            return [layout_record(page) for page in pdf.pages]
    except (pikepdf.PdfError, OSError, ValueError):
        return []


def _frames(record: dict) -> list[dict]:
    frames = record.get("frames") if isinstance(record, dict) else None
    return [f for f in frames if isinstance(f, dict)] if isinstance(frames, list) else []




def _locate(report: TypographyReport, pages: list[PageChars], records: list[dict]) -> None:
    """Our PDFs: name each finding's article, and its source file and line, from the layout
    record: the block holding the line's first character, and the record's source runs, counted
    over the article's drawn characters in drawing order, as the sourcemap wrote them."""
    placed: dict[int, dict[int, tuple[str, int]]] = {}  # page → id(char) → (article, offset), made once
    by_baseline: dict[int, tuple[list[float], list[int]]] = {}  # page → its characters by baseline, made once
    for key in [key for key, _ in PROBLEMS + WARNED] + ["soft_splits"]:
        for f in getattr(report, key):
            if f.where:
                continue  # placed where it was found: on the page's furniture (_furniture_findings)
            if 0 < f.page <= min(len(pages), len(records)):
                page, record = pages[f.page - 1], records[f.page - 1]
                if f.page not in placed:
                    placed[f.page] = _placed(page, blocks(record))
                    baselines = list(map(_BASELINE, page.chars))  # read in C, sorted by index (a stable sort)
                    order = sorted(range(len(baselines)), key=baselines.__getitem__)
                    by_baseline[f.page] = ([baselines[k] for k in order], order)
                f.article, f.where = _where(f, page, record, placed[f.page], by_baseline[f.page])
                if not f.where:  # no article's: a line of the furniture's text (the 报头's over each other)
                    part = next((b.part for b in _furniture(record) if b.kind == "text"
                                 and page.height + b.top <= f.baseline <= page.height + b.bottom), "")
                    f.article, f.where = part, FURNITURE_NAMES.get(part, "")


def _placed(page: PageChars, blocks: list[tuple[str, tuple[float, float, float, float]]]) -> dict[int, tuple[str, int]]:
    """Each drawn character's article and its offset among that article's drawn characters."""
    counts: dict[str, int] = {}
    out: dict[int, tuple[str, int]] = {}
    if not blocks:
        return out
    # owner() is the first block holding the character, else the nearest. Characters come block by
    # block, so the block that held the one before is tried first: it is the first holding this one
    # unless an earlier block that meets it holds it too (``earlier``, made once).
    boxes = [box for _, box in blocks]
    earlier = [[i for i in range(k) if boxes[i][0] <= x1 and x0 <= boxes[i][2] and boxes[i][1] <= y1 and y0 <= boxes[i][3]]
               for k, (x0, y0, x1, y1) in enumerate(boxes)]
    # The last block's box, the boxes of the earlier blocks meeting it and its article in locals,
    # the box tests inlined: this runs for every character of a page with a finding (6 000 on a
    # broadsheet, after the rest of the gate), where a call and a generator per character cost 4 ms.
    earlier_boxes = [tuple(boxes[i] for i in before) for before in earlier]
    last: int | None = None
    lx0 = ly0 = lx1 = ly1 = 0.0
    last_earlier: tuple[tuple[float, float, float, float], ...] = ()
    last_article = ""
    height = page.height
    for c in page.chars:
        if c.text.isspace():
            continue
        x, y = c.x, height - c.baseline
        article: str | None = None
        kept = last is not None and lx0 <= x <= lx1 and ly0 <= y <= ly1
        if kept:
            for ex0, ey0, ex1, ey1 in last_earlier:
                if ex0 <= x <= ex1 and ey0 <= y <= ey1:
                    kept = False
                    break
        if kept:
            article = last_article
        else:
            last = next((k for k, box in enumerate(boxes) if _holds(box, x, y)), None)
            if last is not None:
                lx0, ly0, lx1, ly1 = boxes[last]
                last_earlier, last_article = earlier_boxes[last], blocks[last][0]
                article = last_article
            else:
                article = owner(c, height, blocks)
        if article is not None:
            seen = counts.get(article, 0)
            out[id(c)] = (article, seen)
            counts[article] = seen + 1
    return out


def _holds(box: tuple[float, float, float, float], x: float, y: float) -> bool:
    """The point is in the box, edges included (record.owner's distance 0)."""
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _where(f: Finding, page: PageChars, record: dict, placed: dict[int, tuple[str, int]],
           by_baseline: tuple[list[float], list[int]]) -> tuple[str, str]:
    """The finding's article ("" when not known) and where it is (Finding.where).
    ``by_baseline``: the page's baselines sorted, and the index of each one's character."""
    if not placed:
        return "", ""
    baselines, order = by_baseline
    # the characters within 0.05 pt of the finding's baseline, in page order (as sort keeps them on a tie of x)
    near = sorted(order[bisect.bisect_left(baselines, f.baseline - 0.1):bisect.bisect_right(baselines, f.baseline + 0.1)])
    row = [c for c in map(page.chars.__getitem__, near) if abs(c.baseline - f.baseline) < 0.05 and not c.text.isspace()]
    # in reading order, as a line's text was joined (_by_baseline): by origin, a compressed opening
    # mark after a Latin letter (CPI（8月）) stands before the letter and the line's text is not found
    row.sort(key=_reading_x)
    if f.x is not None:  # the line's first character, where it stands (the same text may stand beside it)
        start = next((k for k, c in enumerate(row) if abs(c.x - f.x) < 0.01), -1)
    else:  # the text shown less its spaces (shown), as the row's characters join
        start = "".join(c.text for c in row).find("".join((f.parts[0] if f.parts else f.text).split())[:6])
    if start < 0 or id(row[start]) not in placed:
        return "", ""
    article, offset = placed[id(row[start])]
    source = record.get("sources", {}).get(article) if isinstance(record.get("sources"), dict) else None
    if not isinstance(source, dict) or not isinstance(source.get("file"), str):
        return article, f"article {article!r}"
    from pagesetter.proof.sourcemap import line_at

    try:
        line = line_at(source.get("runs"), offset) if isinstance(source.get("runs"), list) else 0
    except (TypeError, ValueError, IndexError):
        line = 0
    return article, f"article {article!r}, {source['file']}" + (f":{line}" if line else "")


def analyse(pages: list[PageChars], frames: list[list[dict]] | None = None,
            records: list[dict] | None = None) -> TypographyReport:
    """``frames``: per page, the frames our PDFs carry (proof/diff.py frames_of); none for others.
    ``records``: per page, our PDFs' layout record (pdf_records), whose frames are taken when
    ``frames`` is not given and whose source map tells a paragraph's end (_Sources)."""
    records = records or []
    if frames is None:
        frames = [_frames(r) for r in records]
    report = TypographyReport(pages=len(pages))
    for number, page in enumerate(pages, 1):
        _geta(number, page, report)
        _no_unicode(number, page, report)
    page_frames = [_text_frames(page, frames[i] if frames and i < len(frames) else []) for i, page in
                   enumerate(pages)]
    page_frames = [sorted(fs, key=lambda f: TEXT_FRAMES.index(f.kind)) for fs in page_frames]
    # A page is read by its record's frames when it has body frames, or table frames: a module that
    # is a table alone, set across all its columns (span_tables), has no body frame, and its rows
    # were judged by columns inferred from the glyphs, against column 1's edge (trial 17a #13).
    framed = [any(f.kind == "body" for f in fs) or _has_kind(frames[i] if frames and i < len(frames) else [], "table")
              for i, fs in enumerate(page_frames)]
    report.frames = any(framed)
    indexed = [ByBaseline.of(p) if ours else None for p, ours in zip(pages, framed)]
    body = _body_size(pages, page_frames, indexed)
    if body is None:
        return report
    report.body_size = body
    figures = _Figures()
    for i, (page, fs, by) in enumerate(zip(pages, page_frames, indexed)):
        recorded = frames[i] if frames and i < len(frames) else []
        subheads, ragged, ends, tables, blocks, short = (_marked_frames(page, recorded, kind) for kind in
                                                         ("subhead", "ragged", "end", "table", "block", "short"))
        # what stands on the page by the record: the modules and the furniture's texts (a 报头 beside
        # a table's module is no part of its rows)
        furniture = records[i].get("furniture") if i < len(records) and isinstance(records[i], dict) else None
        blocks += tuple(replace(f, kind="block") for f in _text_frames(page, [
            dict(f, kind="body") for f in (furniture if isinstance(furniture, list) else [])
            if isinstance(f, dict) and f.get("kind") == "text"]))
        sources = _Sources.of(page, records[i]) if by is not None and i < len(records) else None
        pitch = _record_pitch(records[i]) if by is not None and i < len(records) else None
        _analyse_page(page, fs, by, body, report, figures, subheads, sources, ragged, ends, tables, pitch, blocks,
                      short)
        _furniture_findings(page, _furniture(records[i]) if i < len(records) else [], report)
    gaps, latin, lengths = figures.gaps, figures.latin, figures.lengths
    if gaps:
        report.gap_em = {"min": min(gaps), "median": statistics.median(gaps), "max": max(gaps)}
    if latin:
        # the least of the gaps held to the eighth (① beside Han is on the grid: measured, no minimum)
        report.han_latin_em = {"min": min(figures.spaced or latin), "median": statistics.median(latin),
                               "max": max(latin)}
    if lengths:
        report.mark_lengths_em = {"min": min(lengths), "max": max(lengths)}
    return report


@record
class _Figures:
    """Measurements gathered over the pages, in ems: between Han, Han–Latin, ——/…… lengths."""

    gaps: list[float] = field(default_factory=list)
    latin: list[float] = field(default_factory=list)
    spaced: list[float] = field(default_factory=list)  # the Han–Latin gaps held to the eighth (_latin_side)
    lengths: list[float] = field(default_factory=list)


_ASCII_MARKS = frozenset('."\'')
_SINGLE_DETAIL = f"({chr(39)!r} at"  # _ascii_marks's detail of a straight single quote


def _ascii_marks(line: Line, report: TypographyReport) -> None:
    """An ASCII . ending a Chinese sentence, a straight " or ' (not a word's apostrophe: Macy's) beside
    Chinese, as content/normalise.py tells them (a line's end counts as the sentence's end)."""
    from pagesetter.content.normalise import FULL_STOP, STRAIGHT_QUOTE, _chinese_beside, _full_stops, single_quotes

    text = line.text
    quotes = [i for i, ch in enumerate(text) if ch == STRAIGHT_QUOTE] + single_quotes(text)
    at = sorted(set(_full_stops(text) if FULL_STOP in text else [])
                | {i for i in quotes if _chinese_beside(text, i)})
    for i in at:
        report.ascii_marks.append(Finding(line.page, line.baseline, text[max(0, i - 8):i + 9],
                                          f"({text[i]!r} at character {i + 1})"))


def _analyse_page(page: PageChars, frames: list[TextFrame], by: "ByBaseline | None", body: float,
                  report: TypographyReport, figures: _Figures, subheads: tuple[TextFrame, ...] = (),
                  sources: "_Sources | None" = None, ragged: tuple[TextFrame, ...] = (),
                  ends: tuple[TextFrame, ...] = (), tables: tuple[TextFrame, ...] = (),
                  pitch: float | None = None, blocks: tuple[TextFrame, ...] = (),
                  short: tuple[TextFrame, ...] = ()) -> None:
    """``pitch``: ours, the grid pitch by the layout record (_record_pitch); ``blocks``: the
    record's module blocks (a table's row runs past its measure where no module stands);
    ``short``: its justified lines set short (Line.set_short)."""
    table_lines: list[Line] = []
    off_from = len(report.off_measure)
    inked: list[tuple[Finding, Char, TextFrame]] = []
    if by is not None:
        table_lines, taken = _table_lines(page, tables, body, by, blocks)
        columns, other = _framed_columns(page, frames, body, by, ragged, ends, subheads, taken, short)
        _check_tables(table_lines, body, report)
        _ink_in_frames(page, frames, report, by, inked)
        _subheads_at_foot(page.number, frames, body, by, report, subheads)
    else:
        columns, other = _inferred_columns(page, body)
    _text_over_text(page, report)
    spaces = _drawn_spaces(page, by)
    if spaces:
        columns = [[_with_spaces(line, spaces) for line in col] for col in columns]
        other = [[_with_spaces(line, spaces) for line in group] for group in other]
    body_lines = [line for col in columns for line in col]
    report.lines += len(body_lines)
    for col_lines in columns:
        _check_column(col_lines, body, report, figures.gaps, sources)
    _said_once(report, inked, report.off_measure[off_from:])
    # a table's rows of the body's size stand on the body's grid (a smaller table's, centred on
    # the same grid lines, have baselines of their own)
    _check_grid(body_lines + [line for line in table_lines if abs(line.size - body) < 0.01], body, report, pitch,
                subheads)
    horizontal: list[Line] = []
    vertical: list[list[Char]] = []
    for n, group in enumerate(other):  # a headline frame is set one way or the other
        h, v = _vertical_split(group)
        horizontal += h
        vertical += v
        if by is not None and n < len(other) - 1:  # ours: a frame's lines (a caption's), not the rest
            _url_pieces(h, report)
    for line in horizontal:
        if line.kind == "caption":  # ours: a caption's line is spread as a body line is, and the build warns of it
            _spread(line, report, " (caption)")
    _full_width(page, body_lines + horizontal + table_lines, report)
    for line in body_lines + horizontal:
        if line.framed:  # ours: a hole shows inside any line of a frame; another PDF's white may be its design
            _holes(line, report)
        figures.latin.extend(_han_latin(line, report, figures.spaced))
        if not _ASCII_MARKS.isdisjoint(line.text):  # most lines hold no ASCII . or "
            _ascii_marks(line, report)
        if not _NUMBER_SYMBOLS.isdisjoint(line.text):  # most lines hold no 3℃, 8.7%
            _parted_units(line, report)
        if not _BLANK_SIDED.keys().isdisjoint(line.text):  # a line of Han and Latin only has no mark to crowd
            _crowded_marks(line, report)
        if not _RUN_CHARS.isdisjoint(line.text):  # most lines hold no ——/……: no run to measure
            figures.lengths.extend(_marks_along(_runs(line.chars), line, report, vertical=False))
    for column in vertical:
        figures.lengths.extend(_check_vertical(page.number, column, report))
    _split_phrases(page.number, vertical, report)


@functools.cache
def _full_width_runs() -> "re.Pattern[str]":
    """Runs of full-width digits and letters, as content/normalise.py FULL_WIDTH_ALNUM names them
    (imported when first asked: most checks never read a line that holds one)."""
    from pagesetter.content.normalise import FULL_WIDTH_ALNUM

    return re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi, _ in FULL_WIDTH_ALNUM) + "]+")


def _full_width(page: PageChars, lines: list[Line], report: TypographyReport) -> None:
    """Each horizontal line holding full-width digits or letters, with its runs of them (Ａ３,
    ＣＢＤ): within the page's bleed (else its trim) only, so the slug's copy of the 报眉 is not
    said twice; anywhere on a page that has neither box."""
    box = page.bleed or page.trim
    runs = _full_width_runs()
    for line in lines:
        found = runs.findall(line.text)
        if not found:
            continue
        if box is not None and not (box[0] <= line.chars[0].x <= box[2] and box[1] <= line.baseline <= box[3]):
            continue
        if len(line.chars) == 1 and _stacked(line.chars[0], page):
            continue  # a vertical column's, upright by design, that another PDF's lines were read from
        report.full_width.append(Finding.at(line, shown(line),
                                         f"({', '.join(found)}: half-width, GB/T 15835-2011 §5.1.8.1)"))


# A character with another on its axis (ink centres this near, em) whose baseline is at most this
# far above or below (em: upright vertical text is set solid or near it, a horizontal line's next
# at 1.2 em or more) stands in a vertical column.
STACK_AXIS_EM = 0.15
STACK_STEP_EM = 1.15


def _stacked(c: Char, page: PageChars) -> bool:
    """Does the character stand in a vertical column (a one-character line of another PDF's
    vertical text, which _vertical_split never saw: read as a body line of its own)?"""
    centre, size = _reading_x(c), c.size
    return any(d is not c and not d.text.isspace() and abs(_reading_x(d) - centre) < STACK_AXIS_EM * size
               and 0 < abs(d.baseline - c.baseline) <= STACK_STEP_EM * size for d in page.chars)


def _at_ink(c: Char) -> Char:
    """``c`` placed by the middle of its ink (its origin when it has none)."""
    return c._replace(x=(c.ink_left + c.ink_right) / 2) if c.ink_right > c.ink_left else c


def _has_kind(frames: list[dict], kind: str) -> bool:
    """Does our layout record mark any grid line or frame as ``kind``?"""
    return any(isinstance(f, dict) and f.get("kind") == kind for f in frames)


def _marked_frames(page: PageChars, frames: list[dict], kind: str) -> tuple[TextFrame, ...]:
    """The grid lines our layout record marks as ``kind`` (flow/article.py _set_body): a 小标题's,
    a centred body line's ("ragged"), or a paragraph's last line ("end")."""
    marked = [f for f in frames if isinstance(f, dict) and f.get("kind") == kind]
    return tuple(replace(f, kind=kind) for f in _text_frames(page, [dict(f, kind="body") for f in marked]))


def _subheads_at_foot(number: int, frames: list[TextFrame], body: float, by: "ByBaseline",
                      report: TypographyReport, subheads: tuple[TextFrame, ...] = ()) -> None:
    """A body frame (a column of our PDFs) whose last line is a 小标题, below body lines: a subhead
    that ends the column while its text starts the next. A typesetter keeps a subhead with its
    text (flow/article.py keep_subheads). Called for our PDFs only (their layout record's body
    frames): a subhead is a line the record marks as one (``subheads``: a `## ` subhead, at any
    size), never a line by its size alone. A table's 来源 line at the body's size under a table
    shrunk to its min_size (trial 18a #3) or a poem's larger last line is no subhead, and a page
    with no subhead has none at a foot."""
    if not subheads:
        return
    for f in frames:
        if f.kind != "body":
            continue
        # chars_of gives the frame's characters by baseline, top down: the rows (baselines to 0.1 pt)
        # are runs of it, and the last row its tail
        solid = [c for c in f.chars_of(by) if not c.text.isspace()]
        if not solid:
            continue
        last_key = round(solid[-1].baseline, 1)
        if round(solid[0].baseline, 1) == last_key:
            continue  # one row: no line above the last
        start = len(solid) - 1
        while round(solid[start - 1].baseline, 1) == last_key:
            start -= 1
        last = solid[start:]
        marked = all(any(s.holds(c) for s in subheads) for c in last)
        # below a line of the body size (a line of a poem in a larger size whose note starts with
        # a lead of the body's size is none, so the poem's last line is no subhead)
        if marked and _has_body_size_row(solid[:start], body):
            report.subhead_foot.append(Finding(number, last[0].baseline, "".join(c.text for c in last),
                                               "(its text begins the next column)"))


def _drawn_spaces(page: PageChars, by: "ByBaseline | None" = None) -> dict[float, list[float]]:
    """By baseline, the origins of the spaces pdfium marks generated that stand at no character's
    origin: drawn space glyphs (a space kept in Chinese text). The ones it puts at the next
    character's origin only mark a gap, a hole's too. Origins are compared rounded to 0.1 pt."""
    if not page.spaces:
        return {}
    if by is not None:
        return _drawn_spaces_indexed(page.spaces, by)
    # the rounded origins of the characters on the spaces' rows (no other can match): round() once
    # a baseline, and a character's x only on those rows
    rows = {round(baseline, 1) for _, baseline in page.spaces}
    keys: dict[float, float] = {}
    origins = set()
    for c in page.chars:
        key = keys.get(c.baseline)
        if key is None:
            key = keys[c.baseline] = round(c.baseline, 1)
        if key in rows:
            origins.add((round(c.x, 1), key))
    out: dict[float, list[float]] = {}
    for x, baseline in page.spaces:
        if (round(x, 1), round(baseline, 1)) not in origins:
            out.setdefault(round(baseline, 1), []).append(x)
    return out


def _drawn_spaces_indexed(spaces: tuple[tuple[float, float], ...], by: "ByBaseline") -> dict[float, list[float]]:
    """_drawn_spaces for a page in rows: a character at a space's rounded origin lies within 0.1 pt
    of it both ways, so only the rows and columns 0.2 pt around each space are looked at (a page has
    thousands of characters and a hundred spaces)."""
    out: dict[float, list[float]] = {}
    for x, baseline in spaces:
        origin = (round(x, 1), round(baseline, 1))
        lo = bisect.bisect_left(by.baselines, baseline - 0.2)
        hi = bisect.bisect_right(by.baselines, baseline + 0.2)
        at_char = any(round(by.baselines[k], 1) == origin[1] and any(
            round(c.x, 1) == origin[0] for c in by.rows[k][bisect.bisect_left(by.xs[k], x - 0.2):
                                                           bisect.bisect_right(by.xs[k], x + 0.2)])
            for k in range(lo, hi))
        if not at_char:
            out.setdefault(origin[1], []).append(x)
    return out


def _with_spaces(line: Line, spaces: dict[float, list[float]]) -> Line:
    extra = [x for x in spaces.get(round(line.baseline, 1), ()) if line.chars[0].x < x < line.chars[-1].x]
    return _replaced(line, blanks=line.blanks + tuple(extra)) if extra else line


def _text_frames(page: PageChars, frames: list[dict]) -> list[TextFrame]:
    """The text frames of one of our pages, turned from PDF user space (y up) to the reader's."""
    out = []
    for f in frames:
        try:
            if f.get("kind") in TEXT_FRAMES:
                out.append(TextFrame(str(f.get("article", "")), f["kind"], float(f["x0"]), page.height - float(f["y1"]),
                                     float(f["x1"]), page.height - float(f["y0"])))
        except (KeyError, TypeError, ValueError):
            continue  # a frame record we cannot read is no frame
    return out


def _body_size(pages: list[PageChars], page_frames: list[list[TextFrame]],
               indexed: list["ByBaseline | None"]) -> float | None:
    """The commonest type size of body frames' text (ours), else of the whole document."""
    framed: Counter[float] = Counter()
    for fs, by in zip(page_frames, indexed):
        if by is not None:
            inside = {id(c): c for f in fs if f.kind == "body" for c in f.chars_of(by)}
            _count_rounded(framed, Counter(c.size for c in inside.values()))
    sizes = framed
    if not sizes:
        for p in pages:
            _count_rounded(sizes, Counter(c.size for c in p.chars))
    return sizes.most_common(1)[0][0] if sizes else None


def _count_rounded(counts: Counter[float], sizes: Counter[float]) -> None:
    """Add sizes to counts rounded to 0.01 pt: round() once a distinct size. A Counter keeps first
    sight order, so a tie in most_common falls as if each character were counted in turn."""
    for size, n in sizes.items():
        counts[round(size, 2)] += n


def _by_baseline(chars: Iterable[Char], page: int, frame: TextFrame | None = None) -> list[Line]:
    """Characters on one baseline, left to right, as lines; spaces kept apart as blanks."""
    rows: dict[float, list[Char]] = {}
    keys: dict[float, float] = {}  # baseline → its row: round() once a baseline, not once a character
    last: float | None = None
    row: list[Char] = []
    for c in chars:
        baseline = c.baseline
        if baseline != last:  # characters come a row at a time (chars_of): looked up once a run
            last = baseline
            key = keys.get(baseline)
            if key is None:
                key = keys[baseline] = round(baseline, 1)
            row = rows.setdefault(key, [])
        row.append(c)
    out = []
    edges = (frame.right, frame.left) if frame is not None and frame.kind == "body" else (None, None)
    kind = frame.kind if frame is not None else ""
    for key in sorted(rows):
        row = rows[key]
        # sorted by _reading_x (stable), its expression inline: a call a character costs more than the sort
        at = clustered_xs(row, [(c.ink_left + c.ink_right) / 2 if c.ink_right > c.ink_left else c.x for c in row])
        if sorted(at) != at:  # in order already (nearly every row): the stable sort would keep it as it is
            row = [row[k] for k in sorted(range(len(row)), key=at.__getitem__)]
        blank = [c.text.isspace() for c in row]
        if not any(blank):  # the common row: no space printed in it
            out.append(_line(page, tuple(row), right_edge=edges[0], left_edge=edges[1], framed=frame is not None,
                             kind=kind))
            continue
        solid = tuple([c for c, b in zip(row, blank) if not b])
        if solid:
            printed = tuple([c.x for c, b in zip(row, blank) if b])
            out.append(_line(page, solid, blanks=printed, right_edge=edges[0], left_edge=edges[1],
                             framed=frame is not None, set_blanks=printed, kind=kind))
    return out


def _reading_x(c: Char) -> float:
    """Where a character stands in its line: its ink's centre (a compressed opening mark's origin
    lies left of the character before it; its ink does not), or its origin when it has no ink."""
    return (c.ink_left + c.ink_right) / 2 if c.ink_right > c.ink_left else c.x


def _table_lines(page: PageChars, tables: tuple[TextFrame, ...], body: float,
                 by: "ByBaseline", blocks: tuple[TextFrame, ...] = ()) -> tuple[list[Line], set[int]]:
    """Ours: the lines of the grid lines the layout record marks "table" (flow/article.py
    _set_table_line): a table's title, rows and source, each held to its own tests (_check_tables),
    not a justified line's (its cells stand apart by design, figures next to Han). With them, the
    ids of every character the marked grid lines hold, spaces included, and the characters on the
    line right of its measure that no module's block holds: a row run past its module is judged
    whole, not only as far as the measure (a table across the module's columns, span_tables, is
    measured by its own line, trial 17a #13)."""
    out: list[Line] = []
    seen: set[int] = set()
    for t in tables:
        past = TextFrame(t.article, t.kind, t.right, t.top, page.width + 1000.0, t.bottom)
        # held by a block by its origin or its ink's middle: an opening quote set half-width at a
        # line's head has its origin in the gutter left of its module (trial16-content's “)
        beyond = [c for c in past.chars_of(by) if not any(b.holds(c) or b.holds(_at_ink(c)) for b in blocks)] \
            if blocks else []
        inside = [c for c in t.chars_of(by, body / 2) + beyond if id(c) not in seen]
        seen.update(map(id, inside))
        out += [_replaced(line, right_edge=t.right, left_edge=t.left) for line in _by_baseline(inside, page.number)]
    return out, seen


# Text over text: two characters, a Han character and a Han character or a letter or digit,
# whose ink covers this share of the narrower one's ink across and down (a caption run past its
# photo cell over the body beside it, both on the grid's baselines; a headline's columns or lines
# set past its area over the body, of any two sizes: a 24 pt title over 9 pt text was not found
# while only characters of one size were compared).
# Kerned Latin, a ligature (pdfium reads ﬁ as f over i), a mark squeezed beside a Han character,
# an accent over its letter and the turned letters of a vertical line are no such pair.
# A sixth, not a half: two Han lines a 0.6-0.75 em pitch apart cross by 15-30 % of their ink's
# height, plainly collided to the eye, and passed at a half. Han set solid (a 1 em pitch) keeps
# its inks apart; at a tenth each way the 116 shipped and test PDFs gave no new finding.
OVER_SHARE = 1 / 6


def _text_over_text(page: PageChars, report: TypographyReport) -> None:
    """Any PDF: characters printed over each other (text set over other text), one finding per
    pair of lines. Each character's box: its ink (a Han character's em across). The boxes are
    kept in rows, one a baseline's point, each with the extent its boxes cover down the page. Two boxes
    over each other overlap both ways, so they stand in one row or in two rows whose extents
    overlap; such a row, or two rows together, sorted by their boxes' left edges, give each box
    as its only candidates the boxes after it that start before it ends: one or two. A page's
    body lines, a leading apart, seldom have extents that meet: most boxes are compared within
    their own line only (the rows replace 6 pt bands down the page, which put each box in two
    or three and compared each body character with the one beside it in the next line). Pairs
    are judged in the page's order (the later character, then the earlier), so the finding for
    a pair of lines names the same two characters."""
    boxes: list[Char] = []  # the characters boxed, in the page's order
    kinds: dict[str, str] = {}  # a character's kind, looked up once a page: "han", "latin" or ""
    # row → each box on it as (left, its index in boxes, right, top, bottom): sorted by its left (the
    # index unique, nothing after it compared). A row is the baselines of one point: which boxes
    # share a row changes only how many are compared, never which pairs are found (a row's extent
    # is its own boxes'), and a PDF whose baselines in a line differ by rounding (0.01 pt) still has
    # few rows a line.
    rows: dict[float, list[tuple[float, int, float, float, float]]] = {}
    last_key: float | None = None
    row: list[tuple[float, int, float, float, float]] = []
    for c in page.chars:
        text, x, baseline, size, _, ink_left, ink_right, _, ink_top, ink_bottom, _ = c  # (Char: faster unpacked)
        kind = kinds.get(text)
        if kind is None:
            kind = kinds[text] = "han" if is_han(text) else "latin" if is_latin(text) else ""
        if size <= 0 or not kind:
            continue
        if kind == "han":  # ink_extent
            x0, x1 = x, x + size
        else:
            x0, x1 = ink_left, ink_right
        if x1 - x0 < 0.05 * size:
            continue
        # down: its ink where pdfium reads it (a turned letter of a vertical line lies below the
        # Han character over it, not on its em), else its em
        if ink_bottom - ink_top > 0.05 * size:
            y0, y1 = ink_top, ink_bottom
        else:
            y0, y1 = baseline - 0.88 * size, baseline + 0.12 * size
        key = baseline // 1.0
        if key != last_key:  # a line's characters come together: its row looked up once a run
            last_key = key
            row = rows.get(key)
            if row is None:
                row = rows[key] = []
        row.append((x0, len(boxes), x1, y0, y1))
        boxes.append(c)
    # each row's extent down the page: its boxes' highest top and lowest bottom (min and max in C)
    extents = {key: (min(map(_TOP, row)), max(map(_BOTTOM, row))) for key, row in rows.items()}
    # Each row, and each two rows whose extents overlap (two boxes overlapping down lie within
    # them, so their rows' extents overlap too): found going down the rows by their tops, each
    # against the rows above it that reach below its top.
    groups: list[list[tuple[float, int, float, float, float]]] = []
    reaching: list[float] = []  # rows above whose extent reaches past the tops seen so far
    for key in sorted(rows, key=lambda b: extents[b][0]):
        top = extents[key][0]
        reaching = [b for b in reaching if extents[b][1] > top]
        groups += [rows[b] + rows[key] for b in reaching]
        groups.append(rows[key])
        reaching.append(key)
    over: dict[tuple[int, int], float] = {}  # (later, earlier) in the page's order: pt across
    for group in groups:
        if len(group) < 2:
            continue
        group.sort()
        n = len(group)
        # most boxes end before the next one starts (a line's characters side by side): only
        # those with a candidate at all are walked on, picked in C (box i + 1's left < box i's right)
        starts, ends = list(map(_FIRST, group)), list(map(_THIRD, group))
        for i in compress(range(n - 1), map(operator.lt, starts[1:], ends)):
            x0, k, x1, y0, y1 = group[i]
            for j in range(i + 1, n):
                a0, m, a1, b0, b1 = group[j]
                if a0 >= x1:  # this box and every one after it start past this one's end
                    break
                down = min(y1, b1) - max(y0, b0)
                if down <= OVER_SHARE * min(y1 - y0, b1 - b0):
                    continue
                across = min(x1, a1) - max(x0, a0)
                if across <= OVER_SHARE * min(x1 - x0, a1 - a0):
                    continue
                c, d = boxes[k], boxes[m]
                if d.text == c.text and abs(d.x - c.x) < 0.5 and abs(d.baseline - c.baseline) < 0.5:
                    continue  # one character drawn twice in place (a stroke over its fill)
                if not (kinds[c.text] == "han" or kinds[d.text] == "han"):  # of any two sizes (hlover)
                    continue
                over[(k, m) if k > m else (m, k)] = across
    seen: set[tuple[float, float]] = set()
    for k, m in sorted(over):
        c, d = boxes[k], boxes[m]
        pair = (round(min(c.baseline, d.baseline), 1), round(max(c.baseline, d.baseline), 1))
        if pair in seen:
            continue
        seen.add(pair)
        report.overlap.append(Finding(page.number, c.baseline, f"{d.text}{c.text}",
                                      f"{d.text} and {c.text} printed over each other: text set over "
                                      f"other text ({over[k, m]:.2f} pt across)"))


# The parts of the page's furniture the layout record names (render/pdf.py _furniture), as a
# finding names them.
FURNITURE_NAMES = {"folio": "the folio (报眉)", "masthead": "the masthead (报头)"}


class FurnitureBox(NamedTuple):
    """A part of the page's furniture the layout record places, in the reader's coordinates (pt
    from the page's top-left): its text (its lines' em boxes together) or one of its rules."""

    part: str  # "folio", "masthead"
    kind: str  # "text", "rule"
    left: float
    top: float
    right: float
    bottom: float


def _furniture(record: dict) -> list[FurnitureBox]:
    """The furniture a page's layout record places, y turned down as pdfium's read-back places a
    character (the media box's height is the record's own: frames are in the same space); skipping
    any entry that is not one (any PDF may carry anything under PieceInfo)."""
    entries = record.get("furniture") if isinstance(record, dict) else None
    out: list[FurnitureBox] = []
    for f in entries if isinstance(entries, list) else []:
        try:
            if f["part"] in FURNITURE_NAMES and f["kind"] in ("text", "rule"):
                out.append(FurnitureBox(f["part"], f["kind"], float(f["x0"]), -float(f["y1"]), float(f["x1"]),
                                        -float(f["y0"])))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def _furniture_findings(page: PageChars, furniture: list[FurnitureBox], report: TypographyReport) -> None:
    """Text the guillotine cuts (any PDF with a TrimBox) and text over a rule of the furniture (ours):
    one finding a line (characters on one baseline), where the furniture's text holds the line
    named as that part of the furniture, else located as any finding is (the article's block)."""
    # the record's y is up from the media's foot: down from its top is the page's height less it
    boxes = [b._replace(top=page.height + b.top, bottom=page.height + b.bottom) for b in furniture]
    rules = [b for b in boxes if b.kind == "rule"]
    texts = [b for b in boxes if b.kind == "text"]
    trim, bleed = page.trim, page.bleed or page.trim
    if trim is None and not rules:
        return
    cut: dict[float, list[tuple[Char, str]]] = {}  # baseline → its characters off the trim, and how
    over: dict[float, list[tuple[Char, float, int]]] = {}  # baseline → characters on a rule, how deep, which
    edge = LIMITS.ink_past
    inf = math.inf
    # the trim less its tolerance, and the band down the page the rules lie in: a character inside
    # the one and clear of the other (nearly every one) is passed over with four comparisons
    t0, t1, t2, t3 = (trim[0] - edge, trim[1] - edge, trim[2] + edge, trim[3] + edge) if trim is not None \
        else (-inf, -inf, inf, inf)
    r0 = min((r.top for r in rules), default=inf) - edge
    r1 = max((r.bottom for r in rules), default=-inf) + edge
    for c in page.chars:
        text, _, _, _, _, left, right, _, top, bottom, _ = c  # (Char: faster unpacked)
        if left >= t0 and top >= t1 and right <= t2 and bottom <= t3 and (bottom < r0 or top > r1):
            continue
        if right - left <= 0 or bottom - top <= 0 or text.isspace():
            continue  # no ink
        if trim is not None and bleed is not None and not (left >= t0 and top >= t1 and right <= t2 and bottom <= t3):
            if not (right <= bleed[0] or left >= bleed[2] or bottom <= bleed[1] or top >= bleed[3]):
                past = max(trim[0] - left, right - trim[2], trim[1] - top, bottom - trim[3])
                side = ("left", "right", "top", "foot")[[trim[0] - left, right - trim[2], trim[1] - top,
                                                         bottom - trim[3]].index(past)]
                cut.setdefault(round(c.baseline, 1), []).append((c, f"{past:.2f} pt past the trim's {side}"))
        for k, r in enumerate(rules):  # a 报眉's thick rule and its hairline: the line's one finding
            deep = min(bottom, r.bottom) - max(top, r.top)
            if deep > edge and min(right, r.right) - max(left, r.left) > edge:
                over.setdefault(round(c.baseline, 1), []).append((c, deep, k))
                break
    for _, found in sorted(cut.items()):
        first = found[0][0]
        text = "".join(c.text for c, _ in found)
        report.off_trim.append(_furniture_finding(page.number, first, texts, text,
                                                  f"{found[0][1]}: the guillotine cuts it; move it inside the trim"))
    for _, on in sorted(over.items()):
        deepest = max(on, key=lambda o: o[1])
        text = "".join(c.text for c, _, _ in on)
        report.over_furniture.append(_furniture_finding(
            page.number, on[0][0], texts, text,
            f"its ink on the rule of {FURNITURE_NAMES[rules[deepest[2]].part]} ({deepest[1]:.2f} pt deep)"))


def _furniture_finding(number: int, c: Char, texts: list[FurnitureBox], text: str, detail: str) -> Finding:
    """A finding on a line of ``c``, named as the part of the furniture whose text holds ``c`` (its
    ink's middle), if one does; else left for _locate to name its article."""
    x, y = (c.ink_left + c.ink_right) / 2, (c.ink_top + c.ink_bottom) / 2
    part = next((b.part for b in texts if b.left <= x <= b.right and b.top <= y <= b.bottom), "")
    return Finding(number, c.baseline, text, detail, where=FURNITURE_NAMES.get(part, ""), article=part)


def _clusters(chars: tuple[Char, ...]) -> list[tuple[Char, float, float]]:
    """A line's glyph clusters, left to right: each letter with the combining marks on it
    (readback.on_its_letter: é + U+0300, ộ + U+0301, į + U+0307 + U+0303, a mark no precomposed
    letter has set as a glyph of its own), as the letter and the cluster's ink left and right
    (ink_extent). Two different marks stacked on a letter are the letter's ink, not characters
    set over it and each other; a mark set beside its letter, over the next one, is a cluster
    of its own and is judged against its neighbours."""
    if LATIN_MARKS.search("".join([c.text for c in chars])) is None:  # nearly every line: no mark
        return [(c, *ink_extent(c)) for c in chars]
    out: list[tuple[Char, float, float]] = []
    for c in chars:
        left, right = ink_extent(c)
        if out and LATIN_MARKS.fullmatch(c.text) is not None and on_its_letter(c, out[-1][0]):
            base, b0, b1 = out[-1]
            out[-1] = (base, min(b0, left), max(b1, right))
        else:
            out.append((c, left, right))
    return out


def _check_tables(lines: list[Line], body: float, report: TypographyReport) -> None:
    """A table's line: no glyph cluster's ink over its neighbour's (a cell set into the next), and
    nothing past the column's measure on either side (LIMITS.ink_past)."""
    for line in lines:
        clusters = _clusters(line.chars)
        for (a, a0, a1), (b, b0, b1) in zip(clusters, clusters[1:]):
            over = a1 - b0
            if over > LIMITS.overlap * max(a.size, b.size) and not (a.text.isspace() or b.text.isspace()):
                report.overlap.append(Finding.at(line, shown(line),
                                              f"{a.text} and {b.text} {over:.2f} pt over each other"))
        assert line.right_edge is not None and line.left_edge is not None
        left, right = ink_extent(line.chars[0])[0], max(ink_extent(c)[1] for c in line.chars)
        if right - line.right_edge > LIMITS.ink_past or line.left_edge - left > LIMITS.ink_past:
            report.off_measure.append(Finding.at(line, shown(line),
                                              f"table line from {left:.2f} to {right:.2f}, measure "
                                              f"{line.left_edge:.2f}–{line.right_edge:.2f}"))


def _framed_columns(page: PageChars, frames: list[TextFrame], body: float, sorted_chars: "ByBaseline",
                    ragged: tuple[TextFrame, ...] = (), ends: tuple[TextFrame, ...] = (),
                    subheads: tuple[TextFrame, ...] = (),
                    taken: set[int] | None = None,
                    short: tuple[TextFrame, ...] = ()) -> tuple[list[list[Line]], list[list[Line]]]:
    """Ours: each article's body lines in reading order (its body frames in the order the PDF lists
    them: column by column), and every other line (headlines, captions; the folio and slug last)
    apart, a group a frame. A body line on a grid line the record marks ``ragged`` or ``end`` is
    marked so. ``taken``: characters judged already (a table's: _table_lines)."""
    taken = set(taken) if taken else set()
    articles: dict[str, list[Line]] = {}
    other: list[list[Line]] = []
    for f in frames:  # body frames first (TEXT_FRAMES order), so a character is counted once
        # A body line's opening mark has its origin half an em left of the frame (its left blank
        # dropped at the line start, clreq §3.1.6): still the frame's.
        inside = [c for c in f.chars_of(sorted_chars, body / 2 if f.kind == "body" else 0.0) if id(c) not in taken]
        if f.kind == "body":
            inside = _body_rows(inside, body, subheads)
        taken.update(map(id, inside))
        if f.kind == "body":
            lines = _by_baseline(inside, page.number, f)
            # a line is the frame's when its middle character stands in it: the first may stand
            # left of the column, an opening 《 or “ at a line's head set with its blank outside
            # (trial 17b #2: a centred line opening with 《 was held to the measure as justified)
            if ragged:
                lines = [_replaced(line, ragged=True) if any(r.holds(_middle(line)) for r in ragged) else line
                         for line in lines]
            if ends:
                lines = [_replaced(line, ends=True) if any(r.holds(_middle(line)) for r in ends) else line
                         for line in lines]
            if short:
                lines = [_replaced(line, set_short=True) if any(r.holds(_middle(line)) for r in short) else line
                         for line in lines]
            articles.setdefault(f.article, []).extend(lines)
        else:
            other.append(_split_sizes(_by_baseline(inside, page.number, f)))
    rest = _split_gutters(_by_baseline([c for c in page.chars if id(c) not in taken], page.number))
    return list(articles.values()), other + [rest]


def _body_rows(chars: list[Char], body: float, subheads: tuple[TextFrame, ...] = ()) -> list[Char]:
    """The characters of a body frame that make its body lines: every row of it (baselines to 0.1
    pt, as _by_baseline makes lines), its characters of any size. A line of another size is body
    text too (a poem set in 五号 in a 小五 frame, a note after it opened by a 小五 run-in lead): it is
    held to the baseline grid, kinsoku and the rest as a line of the body size is. Only a row mostly
    of another size on a grid line the record marks a 小标题's is no body line: display type,
    centred in its band as a headline is (flow/article.py _set_body); its spaces of the body size
    stay taken, as they always were."""
    sized = [abs(c.size - body) < 0.01 for c in chars]
    if all(sized) or not subheads:
        return chars  # the common frame: one size throughout, or no 小标题 of another size in it
    # solid characters by row: of the body size, of another
    counts: dict[float, list[int]] = {}
    keys = [round(c.baseline, 1) for c in chars]
    for c, key, s in zip(chars, keys, sized):
        if not c.text.isspace():
            counts.setdefault(key, [0, 0])[0 if s else 1] += 1
    # a row is a 小标题's when a marked grid line holds any of it: a character set left of the
    # frame (a squeezed subhead placed as if unsqueezed) is still the subhead's, not a body line
    heads = {key for c, key, s in zip(chars, keys, sized)
             if not s and counts.get(key, (0, 0))[1] > counts.get(key, (0, 0))[0] and any(f.holds(c) for f in subheads)}
    return [c for c, key, s in zip(chars, keys, sized) if key not in heads or (s and c.text.isspace())]


def _has_body_size_row(chars: list[Char], body: float) -> bool:
    """Is a row of these (baselines to 0.1 pt) mostly of the body size (its solid characters)?"""
    counts: dict[float, list[int]] = {}
    for c in chars:
        if not c.text.isspace():
            counts.setdefault(round(c.baseline, 1), [0, 0])[0 if abs(c.size - body) < 0.01 else 1] += 1
    return any(ours >= others and ours > 0 for ours, others in counts.values())


def _split_sizes(lines: list[Line]) -> list[Line]:
    """Lines of one frame cut where the type size changes."""
    out = []
    for line in lines:
        current: list[Char] = []
        for c in line.chars:
            if current and abs(c.size - current[-1].size) > 0.01:
                out.append(_replaced(line, chars=tuple(current)))
                current = []
            current.append(c)
        out.append(_replaced(line, chars=tuple(current)))
    return out


def _split_gutters(lines: list[Line]) -> list[Line]:
    """Lines of one baseline cut where a gap is as wide as a gutter (see _inferred_lines)."""
    out = []
    for line in lines:
        current: list[Char] = []
        for c in line.chars:
            prev = current[-1] if current else None
            if prev is not None and (abs(c.size - prev.size) > 0.01 or _gutter(prev, c)):
                out.append(_line(line.page, tuple(current), blanks=line.blanks, set_blanks=line.set_blanks))
                current = []
            current.append(c)
        out.append(_line(line.page, tuple(current), blanks=line.blanks, set_blanks=line.set_blanks))
    return out


def _gutter(prev: Char, c: Char) -> bool:
    # A gutter puts at least 1.5 em between origins and half an em of white between inks;
    # inside a line neither happens at once (clreq §3.8 limits on spacing).
    return c.x - prev.x > 1.4 * c.size and c.x - char_end(prev) > 0.6 * c.size


def _inferred_columns(page: PageChars, body: float) -> tuple[list[list[Line]], list[list[Line]]]:
    """Another engine's page: body lines grouped into columns; lines of other sizes, and lines
    that start at no column (a byline, a centred caption, a slug), are not body."""
    lines = _split_gutters(_by_baseline(page.chars, page.number))
    body_lines = [line for line in lines if abs(line.size - body) < 0.01]
    other = [line for line in lines if abs(line.size - body) >= 0.01]
    columns, stray = _columns(body_lines, body)
    kept = []
    for column in columns:
        held, alone = _isolated(column)
        kept += [held] if held else []
        stray += alone
    return kept, [other + stray]


def _isolated(column: list[Line]) -> tuple[list[Line], list[Line]]:
    """A column's lines that have a neighbour about one line pitch above or below (body text runs on),
    and those alone: a folio entry, a one-line caption or byline that happens to start at a column."""
    steps = Counter(round(b.baseline - a.baseline, 1) for a, b in zip(column, column[1:]))
    if not steps:
        return [], column
    pitch = steps.most_common(1)[0][0]
    # within one and a half pitches: a line off the grid by a few points still runs on
    near = [any(0.5 * pitch < abs(o.baseline - line.baseline) <= 1.5 * pitch for o in column[max(0, k - 1):k + 2])
            for k, line in enumerate(column)]
    return [l for l, n in zip(column, near) if n], [l for l, n in zip(column, near) if not n]


def _columns(lines: list[Line], body: float) -> tuple[list[list[Line]], list[Line]]:
    """Group lines by the column start they share (first lines are indented up to two ems); lines
    that start at no column are returned apart."""
    starts = Counter(round(line.left, 1) for line in lines)
    common = sorted(x for x, n in starts.items() if n >= 3)
    # an indented first line is not a column start: drop starts up to 2.5 em right of another
    column_lefts = [x for x in common if not any(0 < x - y <= 2.5 * body for y in common)]
    groups: dict[tuple[float, int], list[Line]] = {}
    stray: list[Line] = []
    for line in lines:
        owners = [x for x in column_lefts if x - 0.5 <= line.left <= x + 2.5 * body]
        if not owners:
            stray.append(line)
            continue
        key = owners[-1]
        # a line that crosses the next column start (a caption under a two-column photo) has its own measure
        wider = [x for x in column_lefts if key < x < line.chars[-1].x]
        groups.setdefault((key, len(wider)), []).append(line)
    return [sorted(g, key=lambda line: line.baseline) for g in groups.values()], stray


def _check_column(lines: list[Line], body: float, report: TypographyReport, gaps: list[float],
                  sources: "_Sources | None" = None) -> None:
    """One column's body lines (ours: one article's, its frames in reading order). ``sources``:
    where our PDF's characters came from, which tells a paragraph's end the page cannot show."""
    if not lines:
        return
    framed = lines[0].right_edge is not None
    if not framed:
        rights = Counter(round(line.right, 1) for line in lines if line.chars[-1].text not in MARKS)
        if not rights:
            return
        measure_right = max(rights.most_common(3))[0] if len(lines) > 1 else lines[0].right
        steps = Counter(round(b.baseline - a.baseline, 2) for a, b in zip(lines, lines[1:]))
        pitch = steps.most_common(1)[0][0] if steps else body * 1.5
        kept = []
        for k, line in enumerate(lines):
            kind = _other_measure(lines, k, measure_right, pitch, body)
            if kind == "overrun":
                report.ink_past.append(Finding.at(line, shown(line),
                                               f"ink to {line.chars[-1].ink_right:.2f}, measure at {measure_right:.2f}"))
            if kind != "other":
                kept.append(line)
        lines = kept
    _stretched_interpuncts(lines, report)
    set_in = _set_in_measures(lines, None if framed else measure_right)
    previous_extra: float | None = None
    ended = False  # the line before ended a paragraph
    for i, line in enumerate(lines):
        # a quotation's line set in from both edges is held to its own measure (judged for its
        # spacing, its last line still a paragraph's end against it), not read as ending short
        measure = set_in[i] if set_in[i] is not None else (
            line.right_edge if line.right_edge is not None else measure_right)
        text = line.text
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        # a lone — (a 连接号, 6.2%—8.7%) starting a line is kinsoku; half a —— after the other half
        # ending the line before is a split ——, counted below
        split_dash = i > 0 and lines[i - 1].text[-1:] in DASH
        # a URL goes on with the mark Chicago breaks before (.jcwater.com.cn): no kinsoku
        # (a line before set short, ragged, ends no paragraph by its width: .com/2026/11 after news.microsoft)
        # (a line of a quotation set in from both edges, 编者按, ends short of the frame's measure
        # as a paragraph's end does: the source map tells it goes on; trial 12's opinion@jcdaily
        # / .com.cn。 in a `> ` 编者按 was called a kinsoku, the same break outside one was not)
        url_goes_on = (text[0] in NOT_AT_START and i > 0 and _url_cut(lines, i - 1) is True
                       and (not ended or lines[i - 1].ragged or (
                           sources is not None and sources.one_line(lines[i - 1].chars[-1], line.chars[0]))))
        if (text[0] in NOT_AT_START and not url_goes_on) or text[-1] in NOT_AT_END or (
                lone_dash_at(text, 0) and not split_dash):
            report.kinsoku.append(Finding.at(line, shown(line)))
        for mark, strip in _MARK_STRIPS:
            trailing = len(text) - len(text.rstrip(strip))
            # half a pair here and the other half starting the next line; a lone — (a range, 8:00—20:00)
            # before a line that does not go on with one is no split ——
            if trailing % 2 == 1 and (nxt is None or nxt.text[0] in mark):
                report.split_marks.append(Finding.at(line, shown(line)))
        # the next line indented: a paragraph starts there (a column's left edge: its frame's, or its first line's)
        next_left = (nxt.left_edge if nxt is not None and nxt.left_edge is not None else lines[0].left)
        # each line's white and indent in its own em (a 五号 poem's line in a 小五 frame in 10.5 pt)
        em = line.em
        paragraph_end = line.right < measure - em * PARAGRAPH_END.visible or (
            nxt is not None and nxt.left > next_left + nxt.em * 1.5 and nxt.left > line.left + nxt.em * 1.5)
        # ours: the layout record says where a paragraph ends (a last line short of its measure by
        # less than PARAGRAPH_END.visible, the next not indented: ::: noindent); one past its
        # measure is still off it
        if line.ends and not paragraph_end and line.right <= measure + TOLERANCE:
            paragraph_end = True
        # A paragraph's last line set flush left short by less than PARAGRAPH_END.visible, the
        # next paragraph not indented (::: noindent: 山东泰山　3∶0　青岛海牛 over 成都蓉城…), in a PDF
        # made before the record's marks: the page shows no end, the source does. Asked only of
        # a line that would be off its measure (the record read once a page).
        if (not paragraph_end and nxt is not None and sources is not None and line.chars[-1].text not in MARKS
                and measure - line.right > TOLERANCE and sources.parted(line.chars[-1], nxt.chars[0])):
            paragraph_end = True
        # a paragraph starts here: indented, or after a paragraph's end (a one-line paragraph is no 孤字)
        own_left = line.left_edge if line.left_edge is not None else lines[0].left
        starts = line.left > own_left + em * 1.5 or (i > 0 and ended)
        ended = paragraph_end
        if (framed and i > 0 and not line.ragged and set_in[i] is None and line.left_edge is not None
                and lines[i - 1].left_edge is not None
                and abs(line.left_edge - lines[i - 1].left_edge) > TOLERANCE and abs(line.em - body) < 0.01
                and line.left > own_left + FLUSH_RIGHT_EM * em and abs(line.right - measure) <= TOLERANCE):
            # ours: a line set flush right opening a column, the column before ending in a line
            # of its own: a 落款 parted from what it signs (or from its own line before)
            report.parted_signs.append(Finding.at(line, text,
                                               f"(the column before ends: {lines[i - 1].text[-8:]})"))
        if line.ragged:  # centred, flush left or right: neither justified nor a paragraph's end (no 孤字
            previous_extra = None  # test on its width); short of the measure by design, past it still off it
            last = line.chars[-1]
            if (last.ink_right if last.text in MARKS else line.right) - measure > TOLERANCE:
                report.off_measure.append(Finding.at(line, shown(line),
                                                  f"ends at {line.right:.2f}, measure at {measure:.2f}"))
            elif line.set_short and nxt is not None:
                # a justified line of a paragraph that goes on, set short by the engine: on the page
                # it reads as a paragraph's end and the next line as a paragraph without its indent;
                # the build warns it (very-loose, "set short"), so check counts it (trial 18a #5)
                report.off_measure.append(Finding.at(line, _line_end_hyphen(shown(line)), f"set short: ends at {line.right:.2f}, "
                                                  f"measure at {measure:.2f}", short=True))
            if nxt is not None and _line_end_hyphen(text).endswith("-"):
                # a line set short (员Hans Müller- / Lüdenscheidt: compose/lines.py set_line) still
                # goes on to the next: a name or an address parted at its end is one a reader sees
                _url_and_name_breaks(lines, i, report)
            if nxt is not None and sources is not None:
                # and a span it parts with the next line of its paragraph (咨询电话：027-8888- / 1234,
                # set short for its Latin: the build warns split-span), as a justified line's; of
                # one source line (a centred poem's lines are paragraphs of their own)
                _split_spans(line, nxt, report, lambda: sources.one_line(line.chars[-1], nxt.chars[0]))
            continue
        # ours: the line opens a column (its frame's left edge is another than the line's before)
        # and goes on a paragraph from the column before. Lines of the body's size both: a 小标题's
        # line is display type, no paragraph's.
        opens_column = (framed and i > 0 and not starts and line.left_edge is not None
                        and abs(line.em - body) < 0.01 and abs(lines[i - 1].em - body) < 0.01
                        and lines[i - 1].left_edge is not None
                        and abs(line.left_edge - lines[i - 1].left_edge) > TOLERANCE)
        if opens_column and (paragraph_end or nxt is None or (
                sources is not None and line.chars[-1].text in _PARAGRAPH_LAST
                and sources.parted(line.chars[-1], nxt.chars[0]))):
            # and ends that paragraph there: 段末孤行. A last line that fills the whole measure
            # shows no end: it is the article's last line here, or the source map parts it from
            # the next (a ::: noindent paragraph under it); it is still held to the measure below
            report.widows.append(Finding.at(line, text,
                                         f"(the paragraph's line before it ends the column before: {lines[i - 1].text[-8:]})"))
        if paragraph_end:
            solid = [c for c in text if c not in MARKS]
            # its width by em boxes (a closing mark's whole em), never less than the engine's own
            short = box_end(line.chars[-1]) - own_left < (LONE_LINE_MAX_EM - 0.01) * em
            if len(solid) <= 1 and short and not starts:
                report.lone_char.append(Finding.at(line, shown(line)))
            previous_extra = None
            continue
        if nxt is not None:
            _split_spans(line, nxt, report)
            _url_and_name_breaks(lines, i, report)
        report.justified_lines += 1
        last = line.chars[-1]
        off = (last.ink_right - measure > TOLERANCE) if last.text in MARKS else \
            abs(line.right - measure) > TOLERANCE
        if off:
            short = (last.ink_right if last.text in MARKS else line.right) < measure
            report.off_measure.append(Finding.at(line, shown(line),
                                              f"ends at {line.right:.2f}, measure at {measure:.2f}", short=short))
        extras = _spread(line, report)
        gaps += extras
        if not extras:
            continue
        extra = statistics.fmean(extras)
        report.spread_lines += extra > 0.005
        report.loose_lines += extra > LIMITS.loose
        if previous_extra is not None and abs(extra - previous_extra) > LIMITS.spacing_jump:
            report.spacing_jumps += 1
        previous_extra = extra


def _spread(line: Line, report: TypographyReport, said: str = "") -> list[float]:
    """A justified line's white: very loose (a problem) where its Latin word's letters are spaced
    past LIMITS.letter_spacing, a word space opens past LIMITS.word_space, white before a closing
    mark passes LIMITS.very_loose, or its Han are spread past LIMITS.very_loose on average. Returns
    the white between each two Han side by side beyond their em (a space the copy kept aside).
    ``said``: what the finding's detail adds (" (caption)": a caption's line, which the build
    warns of as very-loose as it does a body line, flow/article.py _loose_caption_warning)."""
    # positions round: a line at the limit is not past it
    spacing = 0.0 if _letters_within(line, LIMITS.letter_spacing + 5e-3) else _letter_spacing(line)
    if spacing > LIMITS.letter_spacing + 5e-3:
        report.very_loose.append(Finding.at(line, shown(line),
                                         f"{spacing:.3f} em between a word's letters{said}"))
    word_space = _widest_word_space(line)
    if word_space is not None and word_space[0] > LIMITS.word_space + 5e-3:
        white, a, b = word_space
        report.very_loose.append(Finding.at(line, shown(line),
                                         f"{white:.2f} em word space between {a.text} and {b.text}{said}"))
    han = line.han
    if line.blanks:
        extras = [(b.x - a.x - box) / a.size for a, b, ha, hb, box in zip(line.chars, line.chars[1:], han, han[1:],
                                                                           line.em_boxes)
                  if ha and hb and not line.kept_space(a, b)]
    else:  # the common line: no space printed on it, none kept
        extras = [(b.x - a.x - box) / a.size for a, b, ha, hb, box in zip(line.chars, line.chars[1:], han, han[1:],
                                                                           line.em_boxes) if ha and hb]
    before = _white_before_closing(line)
    if before is not None and (not extras or statistics.fmean(extras) <= LIMITS.very_loose + 1e-3):
        white, a, b = before  # said once: a line loose between its Han is said so below
        report.very_loose.append(Finding.at(line, shown(line),
                                         f"{white:.2f} em of white between {a.text} and {b.text}{said}"))
    if extras:
        extra = statistics.fmean(extras)
        if extra > LIMITS.very_loose + 1e-3:  # a quarter em set exactly is at the limit, not past it
            report.very_loose.append(Finding.at(line, shown(line),
                                             f"{extra:.3f} em between Han{said}"))
    return extras


# A run of lines set in from the column's left edge at least this far (em), its lines that go on
# ending as far in from the right, is a quotation set in from both edges (编者按, a `> ` block:
# flow/article.py _inset, the style's ``inset``; a desk sets one in by a character or two).
SET_IN_MIN_EM = 0.5


def _set_in_measures(lines: list[Line], measure_right: float | None) -> list[float | None]:
    """Each line's own measure where it is a line of a quotation set in from both edges, else None.
    Read off the page: a line ending a Han character as far in from its column's right edge as it
    starts in from the left (at least SET_IN_MIN_EM) is a full line of such a block, that far in
    its inset; the block is it and the lines of one column around it that start no further out and
    end inside its measure (a paragraph's first line further in by its indent, its last short).
    One such line alone is no block (a centred line of another engine's page)."""
    out: list[float | None] = [None] * len(lines)

    def edges(line: Line) -> tuple[float, float]:
        left = line.left_edge if line.left_edge is not None else lines[0].left
        right = line.right_edge if line.right_edge is not None else measure_right
        return left, right if right is not None else line.right

    for k, line in enumerate(lines):
        if out[k] is not None or line.ragged or line.chars[-1].text in MARKS:
            continue
        left, right = edges(line)
        inset = line.left - left
        if inset < SET_IN_MIN_EM * line.em or abs(right - line.right - inset) > TOLERANCE:
            continue
        own = right - inset

        def inside(other: Line) -> bool:
            return (edges(other) == (left, right) and not other.ragged and other.left >= left + inset - TOLERANCE
                    and char_end(other.chars[-1]) <= own + TOLERANCE)

        first, last = k, k + 1
        while first > 0 and inside(lines[first - 1]):
            first -= 1
        while last < len(lines) and inside(lines[last]):
            last += 1
        if last - first >= 2:
            out[first:last] = [own] * (last - first)
    return out


# The full-width marks that close what stands before them (clreq §3.1.7's not-at-line-start
# classes cl-02, cl-06, cl-07: ）」” …, ，、；：, 。？！): a mark sits on the character before it
# (GB/T 15834-2011 §5.1: no space before it), its blank on its right. White before one is the
# line's spread between characters at most (compose/spacing.py: the gap before a mark stretches
# as between Han), never a space of its own: "Health Organization    ，" reads as a gap.
_CLOSING_MARKS = frozenset(ch for ch in CLOSING | PAUSE | STOP if not ch.isascii())
# … found in a line's text by one regex scan (a line's characters are one code point each)
_CLOSING_AT = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_CLOSING_MARKS)) + "]")


# What a paragraph's last line ends with (a sentence's end, its closing quote or bracket): a line
# opening a column that ends otherwise goes on, and the source map (made once a page, and dear) is
# not asked whether it ends its paragraph
_PARAGRAPH_LAST = frozenset("。！？…”’）」』》】〕.!?\"')")


def _white_before_closing(line: Line) -> tuple[float, Char, Char] | None:
    """The widest white (em) before a closing mark of the line, from the end of the character
    before it (its em box if Han, its advance if Latin) to the mark's origin, when it is wider than
    LIMITS.very_loose (what the Han of a line may be spread at most): with the character either
    side. Not after another mark (a pair compressed together, 。」) nor where a space was printed
    (the copy's own space)."""
    chars = line.chars
    worst: tuple[float, Char, Char] | None = None
    text = line.text  # the line's characters joined once: only the marks' places are looked at
    for k in [m.start() for m in _CLOSING_AT.finditer(text, 1)]:
        a, b = chars[k - 1], chars[k]
        if a.text in MARKS or b.size <= 0:
            continue
        if line.blanks and line.kept_space(a, b):
            continue
        white = (b.x - line.box_ends[k - 1]) / b.size  # box_end(a)
        if white > LIMITS.very_loose + 0.01 and (worst is None or white > worst[0]):
            worst = (white, a, b)
    return worst


class _Sources:
    """Where one of our pages' characters came from: the article whose block holds each, and its
    source line by the layout record's runs (as _locate names a finding's). Made once a page, and
    only when a line asks (few do)."""

    def __init__(self, page: PageChars, record: dict) -> None:
        self.page, self.record = page, record
        self._placed: dict[int, tuple[str, int]] | None = None

    @staticmethod
    def of(page: PageChars, record: dict) -> "_Sources | None":
        """None for a page whose record has no source map (another engine's PDF, an old one of ours)."""
        sources = record.get("sources") if isinstance(record, dict) else None
        return _Sources(page, record) if isinstance(sources, dict) and sources else None

    def line(self, c: Char) -> tuple[str, str, int] | None:
        """The character's article, source file and line; None where the record does not say."""
        if self._placed is None:
            self._placed = _placed(self.page, blocks(self.record))
        found = self._placed.get(id(c))
        source = self.record["sources"].get(found[0]) if found is not None else None
        if found is None or not isinstance(source, dict) or not isinstance(source.get("runs"), list):
            return None
        from pagesetter.proof.sourcemap import line_at

        try:
            line = line_at(source["runs"], found[1])
        except (TypeError, ValueError, IndexError):
            return None
        return (found[0], str(source.get("file")), line) if line else None

    def one_line(self, a: Char, b: Char) -> bool:
        """Are ``a`` and ``b`` of one source line of one article's file (so of one paragraph: the
        two pieces of an address, which holds no line break)? False where the record does not say."""
        first, second = self.line(a), self.line(b)
        return first is not None and first == second

    def parted(self, a: Char, b: Char) -> bool:
        """Are ``a`` and ``b`` of two paragraphs? Of one article and file, their source lines two
        or more apart: a paragraph's lines follow one another (content/reader.py: a blank line ends
        one), so a line between them is a paragraph's end. One line apart proves nothing (a
        paragraph written over two lines; a list item after another): no end is taken then."""
        first, second = self.line(a), self.line(b)
        return (first is not None and second is not None and first[:2] == second[:2]
                and second[2] - first[2] >= 2)


def _split_spans(line: Line, nxt: Line, report: TypographyReport, one_paragraph: Callable[[], bool] | None = None) -> None:
    """A span the line breaker keeps whole (0～7℃, 2022年, 2版) that this line and the next, one
    paragraph, part: a problem; a date between its parts or a number and a counted unit, which
    the breaker parts to spare a loose line: named, not a problem. ``one_paragraph``: asked only
    when a span is parted, whether the lines are of one paragraph (_Sources.one_line)."""
    tail, head = line.text[-SPAN_CONTEXT:], nxt.text[:SPAN_CONTEXT]
    if line.blanks or nxt.blanks:
        # The read-back text has no spaces: a space the copy typed (a table's row, 1　上海申花　18-5-3
        # 　59; 江城FC　8-6-12) would join what stands either side of it (18-5-359, FC8-6-12, a code).
        # The line breaker sees the space (its span patterns stop there), so the spans are looked
        # for in the text with the spaces printed.
        kinds = split_kinds(_with_blanks(line)[-SPAN_CONTEXT:], _with_blanks(nxt)[:SPAN_CONTEXT])
    else:
        kinds = split_kinds(tail, head)
    hard = [kind for kind, is_hard in kinds if is_hard]
    if not kinds and code_across(tail, head):
        # 11010 / 119900307123X, 8888 6666 / 13800138000: digits run on across the line end. The
        # build warns where it cut a number or code wider than the line (split-span); a break at a
        # space the copy typed there reads the same in print: named, not a problem
        kinds = [(PARTED_CODE_KIND, False)]
    if kinds and (one_paragraph is None or one_paragraph()):
        found = report.split_spans if hard else report.soft_splits
        parts = (shown(line, line.chars[-SPAN_CONTEXT:]), shown(nxt, nxt.chars[:SPAN_CONTEXT]))
        found.append(Finding(line.page, line.baseline, " / ".join(parts),
                             f"({', '.join(hard or [kind for kind, _ in kinds])})", parts=parts))


_URL_TAIL = re.compile(f"[{URL_CHARS}]+$")
_URL_HEAD = re.compile(f"[{URL_CHARS}]+")


def _url_cut(lines: list[Line], k: int) -> bool | None:
    """Where a URL or e-mail address runs from lines[k] on to lines[k + 1]: is the break one
    Chicago makes (compose/chars.py url_break_at, the line breaker's rule)? None where no address
    is broken there."""
    found = _url_split(lines, k)
    return None if found is None else url_break_at(*found)


def _url_split(lines: list[Line], k: int) -> tuple[str, int] | None:
    """The URL or e-mail address lines[k] and lines[k + 1] part, and where in it (as _url_cut).
    The address is read back over the lines before and after that hold nothing
    else (a path alone on a line). A bare domain counts only with a label before the line's last
    mark (a sentence that ends in "said." before a line starting with a domain is no broken address)."""
    tail, head = _URL_TAIL.search(_line_end_hyphen(lines[k].text)), _URL_HEAD.match(lines[k + 1].text)
    if tail is None or head is None:
        return None
    before, after = tail.group(), head.group()
    back, ahead = k, k + 1
    while tail.start() == 0 and back > 0:  # lines[back] is all address
        tail = _URL_TAIL.search(_line_end_hyphen(lines[back - 1].text))
        if tail is None:
            break
        before, back = tail.group() + before, back - 1
    while head.end() == len(lines[ahead].text) and ahead + 1 < len(lines):
        head = _URL_HEAD.match(lines[ahead + 1].text)
        if head is None:
            break
        after, ahead = after + head.group(), ahead + 1
    joined, cut = before + after, len(before)
    for m in URL.finditer(joined):
        if m.start() < cut < m.end():
            url = m.group()
            bare = not url.startswith("www.") and "@" not in url and "://" not in url
            if bare and "." not in joined[m.start():cut - 1] and "/" not in joined[m.start():cut - 1] \
                    and joined[cut - 1] != "-":
                return None  # a hyphen ending the line inside the first label (chengx- / uyuan.com.cn) is no sentence's end
            return url, cut - m.start()
    return None


def _url_piece_fits(lines: list[Line], k: int, url: str, cut: int) -> bool:
    """A URL lines[k] and lines[k + 1] part between two letters or digits, where Chicago does not
    break one (url_break_at): does the piece of it between the breaks Chicago allows round the cut
    fit the line whole? Then it was broken inside for nothing (uefacham / pionsleague where
    /uefachampionsleague fits): only a piece wider than the line may be (the line breaker's rule,
    atoms._word). Measured from the printed characters: the tail of the one line and the head of
    the next, and the mark after the address that may not start a line (。)."""
    line, nxt = lines[k], lines[k + 1]
    before = max([p for p in range(1, cut) if url_break_at(url, p)], default=0)
    after = min([p for p in range(cut + 1, len(url)) if url_break_at(url, p)], default=len(url))
    chars = line.chars[:-1] if line.text.endswith(("\x02", "-")) and url[cut - 1] != "-" else line.chars
    tail_n, head_n = cut - before, after - cut
    if not 0 < tail_n <= len(chars) or not 0 < head_n <= len(nxt.chars):
        return False
    tail, head = chars[-tail_n:], nxt.chars[:head_n]
    # the advances, not the span: a line of a URL alone is letterspaced to its measure
    width = sum([c.right - c.x for c in tail + head])
    if after == len(url) and head_n < len(nxt.chars) and nxt.chars[head_n].text in NOT_AT_START:
        width += char_end(nxt.chars[head_n]) - nxt.chars[head_n].x
    if line.right_edge is not None and line.left_edge is not None:
        measure = line.right_edge - line.left_edge
    else:
        measure = max(char_end(c.chars[-1]) for c in lines) - min(c.left for c in lines)
    return width <= measure + TOLERANCE


def _url_and_name_breaks(lines: list[Line], k: int, report: TypographyReport) -> None:
    """A URL or e-mail address this line breaks where Chicago does not (after its period or hyphen:
    www. / jcwater.com.cn): a problem, unless between two letters or digits (a word broken by
    force, the last resort, as in a long word). A capitalised word hyphenated (Bar- / rot): named,
    not a problem (a style may ask for it, Style.hyphenate_capitals; an explicit hyphen before a
    lower-case word, Sino- / foreign, reads the same)."""
    line, nxt = lines[k], lines[k + 1]
    found = _url_split(lines, k)
    ok = None if found is None else url_break_at(*found)
    text = _line_end_hyphen(line.text)
    if ok is False and not (text[-1].isalnum() and nxt.text[0].isalnum()):
        # a hyphen ending the line inside an address: one added (www.e- / xample), which Chicago
        # never does, or the address's own, which Chicago carries to the next line; either misquotes it
        why = "a hyphen inside the address: added, or its own not carried over" if text[-1] == "-" else ""
        report.url_breaks.append(Finding(line.page, line.baseline, f"{text[-SPAN_CONTEXT:]} / "
                                         f"{nxt.text[:SPAN_CONTEXT]}", f"(after {text[-1]!r}{': ' + why if why else ''})"))
    elif ok is False and found is not None and _url_piece_fits(lines, k, *found):
        report.url_breaks.append(Finding(line.page, line.baseline, f"{shown(line, line.chars[-SPAN_CONTEXT:])} / "
                                         f"{shown(nxt, nxt.chars[:SPAN_CONTEXT])}", "(inside a word that fits a line whole)"))
    elif ok is None and text.endswith("-") and nxt.text[:1].islower():
        word = _last_word(line)
        if len(word) >= 2 and word[0].isupper() and word[1:].islower():
            report.soft_splits.append(Finding(line.page, line.baseline, f"{word}- / {shown(nxt, nxt.chars[:SPAN_CONTEXT])}",
                                              "(capitalised word hyphenated)"))
    elif ok is None and text.endswith("-") and nxt.text[:1].isupper():
        # Jean- / Noël: a name's own hyphen ends the line, no hyphen added (Chicago 17th ed. 7.42
        # allows it; the line breaker takes it last, compose/chars.py EXPLICIT_HYPHENS): named.
        # Not a code's (SN-X9000-Pro- / Max): its word follows a hyphen, a digit or a letter.
        word = _last_word(line)
        before = text[-len(word) - 2:-len(word) - 1] if len(word) + 1 < len(text) else ""
        if before and _spaced_before(line, len(word) + 1):
            before = " "  # Hans Müller-: a word space, which the read-back text has not, parts it from the word
        if len(word) >= 2 and word[0].isupper() and not (before.isascii() and (before.isalnum() or before == "-")):
            report.soft_splits.append(Finding(line.page, line.baseline, f"{word}- / {shown(nxt, nxt.chars[:SPAN_CONTEXT])}",
                                              "(a name parted at its own hyphen)"))


def _url_pieces(lines: list[Line], report: TypographyReport) -> None:
    """A frame's lines other than body (a caption's): a URL broken inside a word that fits a line
    whole (_url_piece_fits), as in a body column. Lines one under another of one size only."""
    for k, (line, nxt) in enumerate(zip(lines, lines[1:])):
        if abs(line.size - nxt.size) > 0.01 or not 0 < nxt.baseline - line.baseline < 2 * line.size:
            continue
        found = _url_split(lines, k)
        if found is not None and not url_break_at(*found) and _url_piece_fits(lines, k, *found):
            text = _line_end_hyphen(line.text)
            report.url_breaks.append(Finding(line.page, line.baseline, f"{text[-SPAN_CONTEXT:]} / "
                                             f"{nxt.text[:SPAN_CONTEXT]}", "(inside a word that fits a line whole)"))


def _line_end_hyphen(text: str) -> str:
    """The text with the hyphen that ends it as a hyphen: pdfium reads a hyphen at a line's end as
    U+0002 (its mark for a hyphen that may be a hyphenation's)."""
    return text[:-1] + "-" if text.endswith("\x02") else text


def _spaced_before(line: Line, n: int) -> bool:
    """Is there a word space (a tenth of an em of white or more) before the line's last ``n`` characters?"""
    if not 0 < n < len(line.chars):
        return False
    a, b = line.chars[-n - 1], line.chars[-n]
    return b.x - char_end(a) >= 0.1 * a.size


def _last_word(line: Line) -> str:
    """The letters before the line's final hyphen, back to a word space (a gap of a tenth of an em
    or more: the read-back text has none), a capital after a small letter (NoëlBar: two words), or
    a character that is not a letter."""
    chars = line.chars[:-1]
    k = len(chars)
    while k > 0 and chars[k - 1].text.isalpha() and not is_han(chars[k - 1].text) and (
            k == len(chars) or (chars[k].x - char_end(chars[k - 1]) < 0.1 * chars[k - 1].size
                                and not (chars[k].text.isupper() and chars[k - 1].text.islower()))):
        k -= 1
    return "".join(c.text for c in chars[k:])


def _with_blanks(line: Line) -> str:
    """The line's text with a space where it printed one (Line.blanks) between two characters."""
    if not line.blanks:
        return line.text
    out = [line.chars[0].text]
    for a, b in zip(line.chars, line.chars[1:]):
        if line.spaced(a, b):
            out.append(" ")
        out.append(b.text)
    return "".join(out)


def _other_measure(lines: list[Line], k: int, measure_right: float, pitch: float, body: float) -> str:
    """"other": a line of a wider measure (a caption under a two-column photo, a one-line note);
    "overrun": a line of this column whose ink runs past its measure; "" for a line of the column."""
    line = lines[k]
    if line.chars[-1].ink_right <= measure_right + TOLERANCE or line.right <= measure_right + TOLERANCE:
        return ""
    prev = lines[k - 1] if k > 0 else None
    nxt = lines[k + 1] if k + 1 < len(lines) else None
    # a neighbour one pitch away that keeps to the measure: this line is of the same paragraph
    held = [n for n in (prev, nxt) if n is not None and abs(abs(n.baseline - line.baseline) - pitch) < 0.2
            and n.right <= measure_right + TOLERANCE]
    if held:
        return "overrun"
    if line.right > measure_right + 0.5 * body:
        return "other"
    return "other" if nxt is None or nxt.baseline - line.baseline > 1.5 * pitch else ""


def _check_grid(lines: list[Line], body: float, report: TypographyReport, pitch: float | None = None,
                subheads: tuple[TextFrame, ...] = ()) -> None:
    """Every body baseline on one grid: ``pitch`` (ours: the layout record's, _record_pitch), else
    the guessed one (_guessed_pitch), and the commonest phase. A 小标题 on the grid line the record
    marks is display type: on the grid, or centred in its band at its own size (flow/article.py
    _set_body, geometry.grid_baseline: a 五号 subhead in a 小五 grid stands 0.57 pt lower)."""
    baselines = sorted({round(line.baseline, 2) for line in lines})
    pitch = pitch or _guessed_pitch(baselines, body)
    if pitch is None or not baselines:
        return
    phase = _grid_phase(baselines, pitch)
    for line in lines:
        if not _on_grid(line.baseline, phase, pitch) and not any(
                abs(f.top + (pitch - line.size) / 2 + EM_TOP_ABOVE_BASELINE * line.size - line.baseline) <= 0.05
                for f in subheads if f.holds(line.chars[0])):
            report.off_grid.append(Finding.at(line, shown(line), f"grid pitch {pitch} pt"))


def _grid_phase(baselines: list[float], pitch: float) -> float:
    """The commonest baseline modulo the pitch, to 0.01 pt (the tolerance is 0.05)."""
    return Counter(round(b % pitch, 2) for b in baselines).most_common(1)[0][0]


def _on_grid(baseline: float, phase: float, pitch: float) -> bool:
    residue = (baseline - phase) % pitch
    return min(residue, pitch - residue) <= 0.05


GUESSED_STEPS = 4  # the commonest steps between baselines weighed as the pitch (_guessed_pitch)


def _guessed_pitch(baselines: list[float], body: float) -> float | None:
    """A PDF's grid pitch from its body baselines (of every column, sorted): of the commonest
    steps between neighbouring ones, the one that puts the most on one grid (on a tie, the
    commoner). The commonest step alone is the pitch where lines run on; where few do (a centred
    poem's short columns, its subheads centred in their bands 0.57 pt off the grid) a step from a
    line to a subhead is as common: 12.93 pt, which put the poem off a 13.5 pt grid. A step under
    the body size is weighed only as the commonest (body type is set at least solid: a half pitch
    from lines of two phases would put them all on one grid)."""
    steps = Counter(round(b - a, 2) for a, b in zip(baselines, baselines[1:]) if b - a > body * 0.5)
    if not steps:
        return None
    common = [step for step, _ in steps.most_common(GUESSED_STEPS)]
    weighed = [step for k, step in enumerate(common) if k == 0 or step >= body]

    def held(pitch: float) -> int:
        phase = _grid_phase(baselines, pitch)
        return sum(_on_grid(b, phase, pitch) for b in baselines)

    return max(weighed, key=held) if len(weighed) > 1 else weighed[0]  # max keeps the first of a tie


# The grid lines the layout record marks (flow/article.py _set_body): a 小标题's, a ragged line's,
# a paragraph's end; each one grid line deep (geometry.rect_box of one line).
GRID_LINE_KINDS = ("subhead", "ragged", "end")


def _record_pitch(record: dict) -> float | None:
    """Ours: the page's grid pitch by the grid lines its layout record marks. Each is one pitch
    deep and their tops stand whole pitches apart, to the record's 0.01 pt: the pitch is the span
    from the highest top to the lowest over the pitches in it, true to 0.01 pt over that span.
    None where the record marks no grid line (another engine's PDF, one of ours without them)."""
    marked: list[tuple[float, float]] = []
    for f in _frames(record):
        if f.get("kind") in GRID_LINE_KINDS:
            try:
                marked.append((float(f["y0"]), float(f["y1"])))
            except (KeyError, TypeError, ValueError):
                continue  # a frame record we cannot read is no frame
    depths = Counter(round(y1 - y0, 2) for y0, y1 in marked)
    depth = depths.most_common(1)[0][0] if depths else 0.0
    if depth <= 0:
        return None
    span = max(y1 for _, y1 in marked) - min(y1 for _, y1 in marked)
    lines = round(span / depth)
    return round(span / lines, 4) if lines else depth


def _ink_in_frames(page: PageChars, frames: list[TextFrame], report: TypographyReport,
                   sorted_chars: "ByBaseline", inked: list[tuple[Finding, Char, TextFrame]]) -> None:
    """Ours: no glyph's ink beyond the left or right edge of the text frame its origin stands in
    (a body column, a caption, a headline), by more than LIMITS.ink_past; nor left of a frame for
    a line of it that starts in no frame (_started_left). ``inked``: each finding, with its
    character and frame (_said_once)."""
    limit = LIMITS.ink_past
    for k, frame in enumerate(frames):  # body first (TEXT_FRAMES order): a character is judged by its own frame
        left_edge, right_edge = frame.left, frame.right
        # either extent ink_extent may take (em box, ink box) past an edge: judged by _ink_past; the
        # rest, nearly all, cannot be past
        for c in [c for c in frame.chars_of(sorted_chars)
                  if c.ink_right - right_edge > limit or c.x + c.size - right_edge > limit
                  or left_edge - c.ink_left > limit or left_edge - c.x > limit]:
            # a character an earlier frame holds (holds: the test of chars_of) was judged by that frame
            if not c.text.isspace() and not any(f.holds(c) for f in frames[:k]):
                _ink_past(c, _line_start_of(c, frame, frames) or frame, page.number, report, inked)
        for c in _started_left(frame, frames, sorted_chars):
            _ink_past(c, frame, page.number, report, inked)
        for c in _ended_right(frame, frames, sorted_chars):
            _ink_past(c, frame, page.number, report, inked)


def _line_start_of(c: Char, frame: TextFrame, frames: list[TextFrame]) -> TextFrame | None:
    """The frame beside ``frame`` whose line ``c`` starts, its origin up to half an em left of
    that frame's edge and inside ``frame`` (a line-start opening mark “《（「 set half width, its
    blank hung in the gutter, clreq §3.1.6): when half an em is more than the gutter, the origin
    stands in the neighbour's frame, yet the ink is that frame's line (trial 14: op-col-li's
    headline `“乘数效应”从何而来` beside op-col-zhang's). None for any other character."""
    if c.x < frame.left:
        return None
    for f in frames:
        if (f is not frame and f.left > frame.left and f.left - c.size / 2 - 0.01 <= c.x < f.left
                and f.top - 0.01 <= c.baseline <= f.bottom + 0.01 and c.ink_left >= f.left - LIMITS.ink_past):
            return f
    return None


def _started_left(frame: TextFrame, frames: list[TextFrame], by: "ByBaseline") -> list[Char]:
    """The characters of the frame's lines whose origins stand left of it, in no frame: a line
    that starts in the gutter and runs on into the frame (a centred 小标题 squeezed to the measure
    yet placed as if it were not, its first character over the column rule). Read leftwards from
    the frame's first character on each row, while each stands less than 1.5 em from the one
    after it: a gutter (an em of the body, or more) parts two columns' lines by more. A body
    line's opening mark, its origin half an em out (clreq §3.1.6), is one too: its ink is inside."""
    lo = bisect.bisect_left(by.baselines, frame.top - 0.01)
    hi = bisect.bisect_right(by.baselines, frame.bottom + 0.01)
    out: list[Char] = []
    for k in range(lo, hi):
        row, xs = by.rows[k], by.xs[k]
        j = bisect.bisect_left(xs, frame.left - 0.01)
        if j == 0 or j == len(row) or row[j].x >= frame.right:
            continue  # nothing left of the frame on this row, or no line of the frame
        after = row[j]
        for c in reversed(row[:j]):
            if after.x - c.x > 1.5 * max(c.size, after.size) or any(f.holds(c) for f in frames):
                break
            if not c.text.isspace():
                out.append(c)
                after = c
    return out


def _ended_right(frame: TextFrame, frames: list[TextFrame], by: "ByBaseline") -> list[Char]:
    """_started_left's mirror: the characters of the frame's lines whose origins stand at or past
    its right edge, in no frame (a line set past its measure, its last characters' origins in the
    gutter, which chars_of leaves to no frame). Read rightwards from the frame's last character on
    each row while each stands less than 1.5 em from the one before. A body line's opening mark
    (or any first character) starting the next column, its origin up to half an em left of that frame (clreq §3.1.6), is
    that frame's line (_framed_columns reads it so), not this one's."""
    lo = bisect.bisect_left(by.baselines, frame.top - 0.01)
    hi = bisect.bisect_right(by.baselines, frame.bottom + 0.01)
    out: list[Char] = []
    for k in range(lo, hi):
        row, xs = by.rows[k], by.xs[k]
        j = bisect.bisect_left(xs, frame.right)  # the first character at or past the right edge
        if j == 0 or j == len(row) or row[j - 1].x < frame.left - 0.01:
            continue  # nothing past the frame on this row, or no line of the frame
        before = row[j - 1]
        for c in row[j:]:
            if c.x - before.x > 1.5 * max(c.size, before.size) or any(f.holds(c) for f in frames):
                break
            if any(f.kind == "body" and f.left - c.size / 2 - 0.01 <= c.x < f.left
                   and f.top - 0.01 <= c.baseline <= f.bottom + 0.01 for f in frames):
                break  # the next column's line starting a hair left of it: an opening mark, a lone —
            if not c.text.isspace():
                out.append(c)
                before = c
    return out


def _ink_past(c: Char, frame: TextFrame, page: int, report: TypographyReport,
              inked: list[tuple[Finding, Char, TextFrame]]) -> None:
    left, right = ink_extent(c)
    past_right, past_left = right - frame.right, frame.left - left
    if max(past_right, past_left) > LIMITS.ink_past:
        side = "past" if past_right >= past_left else "left of"
        finding = Finding(page, c.baseline, c.text,
                          f"{max(past_right, past_left):.2f} pt {side} the {frame.kind} frame of {frame.article!r}")
        report.ink_past.append(finding)
        inked.append((finding, c, frame))


def _said_once(report: TypographyReport, inked: list[tuple[Finding, Char, TextFrame]], off: list[Finding]) -> None:
    """One defect, one finding (trial 17c: every line-end ， of a face whose mark runs past its half
    em was counted twice): ink past a frame's right edge on the baseline of a line of that frame
    found off the measure (``off``, this page's, quoted whole) is that line's defect, not another
    (the line's last mark, or the characters of a line set on into the gutter): its ink-past
    findings are dropped and the line's finding says how far the ink went. Ink past the left edge,
    and ink on a line not off its measure (a caption's, a headline's), keep theirs."""
    past = [k for k, f in enumerate(off) if not f.short and f.x is not None]
    if not past or not inked:
        return
    said: set[int] = set()
    for k in past:
        line = off[k]
        ink = [(ink_extent(c)[1] - frame.right, c.text, finding) for finding, c, frame in inked
               if finding.page == line.page and abs(finding.baseline - line.baseline) < 0.01
               and frame.left - c.size <= line.x < frame.right and ink_extent(c)[1] > frame.right]
        if not ink:
            continue
        said |= {id(finding) for _, _, finding in ink}
        far, text, _ = max(ink, key=lambda i: i[0])
        # the same object in report.off_measure: its detail says the farthest ink, as the dropped finding did
        line.detail += f"; ink {far:.2f} pt past the frame ({text})"
    if said:
        report.ink_past[:] = [f for f in report.ink_past if id(f) not in said]


def _no_unicode(number: int, page: PageChars, report: TypographyReport) -> None:
    """Each glyph the PDF gives no Unicode for, with the characters of its line before it."""
    for x, baseline, font in page.unmapped:
        row = sorted((c for c in page.chars if abs(c.baseline - baseline) < 0.5 and c.x <= x + 0.01), key=_reading_x)
        before = "".join(c.text for c in row[-8:])
        report.no_unicode.append(Finding(number, baseline, f"{before}⟨?⟩",
                                         f"(at x {x:.1f} pt, font {font.split('+')[-1]})"))


def _geta(number: int, page: PageChars, report: TypographyReport) -> None:
    """Each 〓 on the page, any line of it: found with the characters of its row round it."""
    if SUBSTITUTE not in map(_TEXT, page.chars):  # scanned in C: nearly every page has none
        return
    rows: dict[float, list[Char]] = {}
    for c in page.chars:
        if not c.text.isspace():
            rows.setdefault(round(c.baseline, 1), []).append(c)
    for row in rows.values():
        row.sort(key=_reading_x)
        text = "".join(c.text for c in row)
        for i, c in enumerate(row):
            if c.text == SUBSTITUTE:
                report.geta.append(Finding(number, c.baseline, text[max(0, i - 6):i + 7],
                                           f"(at x {c.x:.1f} pt)"))


def _holes(line: Line, report: TypographyReport) -> None:
    """White wider than LIMITS.hole em between two characters of a line, no space printed there,
    and that much wider than the line's usual gap: a character that was not printed (render/pdf.py
    never draws .notdef). White between two ASCII characters is a word space (not drawn); white as
    wide everywhere in the line is a loose line, not a hole."""
    if _no_white_past(line, LIMITS.hole):
        return  # nearly every line: no pair's white can pass the limit, whichever pairs count
    pairs = [(a, b, (b.x - end) / max(a.size, b.size))  # end: box_end(a), made once a line (Line.box_ends)
             for a, b, end in zip(line.chars, line.chars[1:], line.box_ends)
             if not (line.blanks and line.spaced(a, b)) and not (a.text.isascii() and b.text.isascii())]
    if not pairs or max([white for _, _, white in pairs]) <= LIMITS.hole:
        return  # no white wide enough on the line: whatever its usual gap, no hole
    usual = statistics.median(white for _, _, white in pairs)
    for a, b, white in pairs:
        if white > LIMITS.hole and white - usual > LIMITS.hole - 0.1:
            report.holes.append(Finding.at(line, shown(line),
                                        f"{white:.2f} em of white between {a.text} and {b.text}"))


def _no_white_past(line: Line, limit: float) -> bool:
    """True when no neighbouring pair of the line has more than ``limit`` em of white from the
    first's box end (Line.box_ends) to the second's origin, in the larger of their sizes: every
    pair's white is at most the widest white in pt over the line's least size. Asked first, with
    a subtraction a pair and a hair of margin (1e-9 of the limit, rounding aside), so the pairs
    are measured only on a line where one may be past it; False when it cannot tell (a size 0)."""
    if len(line.chars) < 2:
        return True
    least = min(line.sizes)
    if least <= 0.0:
        return False
    # each pair's white in pt, b.x - box_end(a), subtracted in C
    widest = max(map(operator.sub, line.xs[1:], line.box_ends))
    return widest <= limit * least * (1 - 1e-9)


_NUMBER_SYMBOLS = frozenset(NUMBER_SUFFIXES)


def _parted_units(line: Line, report: TypographyReport) -> None:
    """A figure and the symbol ending it (3℃, 8.7%, 96㎡) with more white between them than the
    line's Han have (LIMITS.parted_unit beyond it): the space a copy typed (降至 3 ℃) left in. A
    full-width unit stands on the grid beside its number, spaced as the line's Han are; a narrow
    one is set solid. Measured from the figure's advance to the symbol's box (an em box on the
    grid, its own advance when narrow)."""
    han = line.han
    gaps = [(b.x - a.x - box) / a.size for a, b, h, h2, box in zip(line.chars, line.chars[1:], han, han[1:], line.em_boxes)
            if h and h2]
    usual = max(statistics.median(gaps), 0.0) if gaps else 0.0
    for a, b in zip(line.chars, line.chars[1:]):
        if b.text in _NUMBER_SYMBOLS and a.text[-1:].isascii() and a.text[-1:].isdigit() \
                and abs(a.baseline - b.baseline) <= 0.1:
            white = (b.x - a.right) / b.size
            if white > usual + LIMITS.parted_unit:
                report.parted_units.append(Finding.at(line, shown(line),
                                                   f"{white:.2f} em between {a.text} and {b.text}"))


# em: the least white between a mark's ink and its neighbour's on the side of its blank (the side
# GB/T 15834-2011 §5 leaves white, compose/chars.py BLANK_SIDE): less reads as touching. And how much
# less white a mark may have on its blank's side than on its ink's (two non-marks beside it) before it
# reads as the next character's (之间 ,正文). Measured on every page the tests and the shipped layouts
# build (Noto CJK SC, LXGW WenKai): blank-side white 0.037 em at least (dashes aside: a —— fills its
# em), and at most 0.21 em less than the ink side's (a squeezed line's “); the centred marks of
# Droid Sans Fallback compressed from the right (trial 17c #1): -0.06 em white, 0.33-0.59 em less.
MARK_CLEAR_EM = 0.03
MARK_LEAN_EM = 0.3
# Each full-width mark with a blank on one side, and that side.
_BLANK_SIDED: dict[str, str] = {ch: BLANK_SIDE[cls] for ch, cls in MARK_CLASSES.items()
                                if BLANK_SIDE.get(cls) in ("left", "right") and ch in MARKS}
_DASHES = DASH | ELLIPSIS
_BLANK_SIDED_AT = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_BLANK_SIDED)) + "]")


def _marks_at(line: Line, pattern: "re.Pattern[str]", marks: "dict[str, str]") -> list[int]:
    """The indexes of the line's characters that are ``marks`` (``pattern`` matches each alone):
    found by one regex scan of the line's text where each character is one code point (every
    character read back), else character by character."""
    text = line.text
    if len(text) == len(line.chars):
        return [m.start() for m in pattern.finditer(text)]
    return [k for k, c in enumerate(line.chars) if c.text in marks]


def _inked_pair(a: Char, b: Char) -> bool:
    """Two characters of a line side by side, each with ink (no space, no dash filling its em)."""
    return a.ink_right > a.ink_left and b.ink_right > b.ink_left and abs(a.baseline - b.baseline) <= 0.1 \
        and 0 <= b.x - a.x <= 1.5 * max(a.size, b.size) and a.text not in _DASHES and b.text not in _DASHES


def _crowded_marks(line: Line, report: TypographyReport) -> None:
    """A mark set against the character on the side its white stands (its blank's side, GB/T
    15834-2011 §5: after ，the next character, before （ the one before): the white between their
    inks under MARK_CLEAR_EM, or under the white on the mark's other side by MARK_LEAN_EM (it
    reads as the next character's). pdfium's glyph boxes (readback.Char ink_left/ink_right) on
    both sides, a Han character's too. One finding per mark."""
    chars = line.chars
    for k in _marks_at(line, _BLANK_SIDED_AT, _BLANK_SIDED):
        c = chars[k]
        side = _BLANK_SIDED[c.text]
        if c.size <= 0:
            continue
        prev = chars[k - 1] if k > 0 and _inked_pair(chars[k - 1], c) else None
        nxt = chars[k + 1] if k + 1 < len(chars) and _inked_pair(c, chars[k + 1]) else None
        blank_by, ink_by = (nxt, prev) if side == "right" else (prev, nxt)
        if blank_by is None:
            continue
        white = nxt.ink_left - c.ink_right if blank_by is nxt else c.ink_left - prev.ink_right
        other = None if ink_by is None or ink_by.text in MARKS or blank_by.text in MARKS else \
            (nxt.ink_left - c.ink_right if ink_by is nxt else c.ink_left - prev.ink_right)
        if white < MARK_CLEAR_EM * c.size:
            said = f"its ink {-white:.2f} pt into {blank_by.text}'s" if white < 0 else \
                f"{white:.2f} pt of white between its ink and {blank_by.text}'s"
        elif other is not None and white < other - MARK_LEAN_EM * c.size:
            said = f"{white:.2f} pt of white to {blank_by.text}, {other:.2f} pt to {ink_by.text}"
        else:
            continue
        report.crowded_marks.append(Finding(
            line.page, line.baseline, shown(line, chars[max(0, k - 3):k + 3]),
            f"{c.text} set against {blank_by.text}, on the side its white should stand: {said}"))


def _han_latin(line: Line, report: TypographyReport, spaced: list[float] | None = None) -> list[float]:
    """Gaps between a Han character's em box and a Latin letter's or digit's advance, or a
    symbol's ending a number (8.7%左右), in ems; those held to clreq's eighth also to ``spaced``."""
    out: list[float] = []
    if min(line.text) >= "\u2e80":
        return out  # no character below U+2E80: none is_latin nor ends a number, so no Han–Latin pair
    han = line.han
    latin = _latin_side(line.chars)
    for k, (a, b) in enumerate(zip(line.chars, line.chars[1:])):
        if not (han[k] and latin[k + 1] or latin[k] and han[k + 1]):
            continue  # no Han–Latin pair: nothing to measure (the checks below only skip more)
        if (line.blanks and line.spaced(a, b)) or abs(a.baseline - b.baseline) > 0.1:
            continue
        if han[k] and latin[k + 1]:
            gap = (b.x - a.x - line.em_boxes[k]) / a.size
        elif latin[k] and han[k + 1]:
            gap = (b.x - a.right) / b.size
            if _ligature_piece(line.chars, k):
                # pdfium boxes the pieces of one ligature glyph (ﬀ read as f, f) by their ink, not
                # the glyph's advance: its overhang read against the Han's em box took 0.03–0.07 em
                # off the gap the composer set (trial 15: diff命 read 0.09 em for an eighth). Measured
                # ink to ink instead, both sides alike, and the difference ink makes (LIGATURE_INK)
                # given back: an eighth set reads an eighth, a pair set solid still reads about none.
                gap = (b.ink_left - a.ink_right) / b.size + LIGATURE_INK
        else:
            continue
        out.append(gap)
        if gap > LIMITS.han_latin_max:
            report.wide_han_latin.append(Finding.at(line, shown(line),
                                                 f"{gap:.2f} em between {a.text} and {b.text}"))
        if (latin[k] or latin[k + 1]) is _SPACED:
            if spaced is not None:
                spaced.append(gap)
            if gap < LIMITS.han_latin_min:
                report.narrow_han_latin.append(Finding.at(line, shown(line),
                                                       f"{gap:.2f} em between {a.text} and {b.text}"))
    return out


# em: how much nearer a ligature's ink stands to the Han after it than its advance does: the ﬀ of
# Noto Serif CJK (the engine's Latin, HarfBuzz's liga) hooks 0.067 em past its advance, the Han's
# ink stands 0.031 em inside its em box (命, 令 read back from a built page): 0.036, rounded up.
LIGATURE_INK = 0.04


def _ligature_piece(chars: tuple[Char, ...], k: int) -> bool:
    """Is ``chars[k]`` the last piece of a ligature: one origin with the character before it,
    its box its ink's right edge (pdfium's box of a piece of one glyph)?"""
    a = chars[k]
    return k > 0 and abs(chars[k - 1].x - a.x) < 0.01 and abs(chars[k - 1].baseline - a.baseline) < 0.01 \
        and abs(a.right - a.ink_right) < 0.01


_SPACED, _MEASURED = "spaced", "measured"  # _latin_side: held to the eighth, or measured only


def _latin_side(chars: tuple[Char, ...]) -> list[str | None]:
    """What each character is beside Han: _SPACED, an ASCII letter or digit, or a symbol ending
    a number (8.7%, 3‰, 40℃: the composer spaces it as the number, compose/chars.py
    NUMBER_SUFFIXES), or a sign directly before a digit (−4.1%, +2.3%, ±0.5: chars.FIGURE_SIGNS,
    the number's own, so 跌−4.1% set solid is a Han against a figure), held to clreq's eighth at
    least; _MEASURED, another letter or digit (is_latin: Ⅻ, ①, Greek), whose gap is only measured;
    else None. An ASCII - or + after a line's first character, a Han, may join the figure on the
    line before to the next (2026 / 年-2027年: chars.JOINING_SIGNS), which the line cannot tell:
    only measured."""
    out: list[str | None] = []
    texts = [c.text for c in chars]
    for k, c in enumerate(chars):
        t = c.text
        if t.isascii() and t.isalnum() or t in NUMBER_SUFFIXES and out and out[-1] is _SPACED:
            out.append(_SPACED)
        elif t in FIGURE_SIGNS and k + 1 < len(chars) and chars[k + 1].text.isascii() and chars[k + 1].text.isdigit() \
                and is_figure_sign(texts, k) and not (k == 1 and t in JOINING_SIGNS and is_cjk(texts[0])):
            out.append(_SPACED)
        else:
            out.append(_MEASURED if is_latin(t) else None)
    return out


def _runs(chars: tuple[Char, ...]) -> list[tuple[Char, ...]]:
    """Runs of consecutive dash or ellipsis characters (a kind each)."""
    out: list[tuple[Char, ...]] = []
    current: list[Char] = []
    kind = None
    for c in chars:
        k = _mark_kind(c.text)
        if current and k != kind:
            out.append(tuple(current))
            current = []
        if k is not None:
            current.append(c)
        kind = k
    if current:
        out.append(tuple(current))
    return out


def _mark_kind(ch: str) -> str | None:
    ch = VERTICAL_FORMS.get(ch, ch)
    return "dash" if ch in DASH else "ellipsis" if ch in ELLIPSIS else None


def _marks_along(runs: list[tuple[Char, ...]], line: Line, report: TypographyReport, *, vertical: bool) -> list[float]:
    """The length of every ——/…… in ems: the ink of a dash (one unbroken rule), the em boxes of an
    ellipsis (its dots stand inside them). A run of 2n characters is n marks of two ems; a mark
    the PDF reads as one character (a ligature) counts when it is longer than one and a half ems."""
    out = []
    for run in runs:
        first = run[0]
        size = first.size
        kind = _mark_kind(first.text)
        if vertical and kind == "dash":
            start, end = min(c.ink_top for c in run), max(c.ink_bottom for c in run)
        elif vertical:  # stacked em boxes, one a baseline
            start, end = min(c.baseline for c in run), max(c.baseline for c in run) + size
        elif kind == "dash":
            start, end = min(c.ink_left for c in run), max(c.ink_right for c in run)
        else:
            start, end = min(c.x for c in run), max(c.right for c in run)
        length = (end - start) / size
        if len(run) == 1 and length < 1.5:
            continue  # one dash: a Latin em dash, or half of a split pair (reported as split)
        marks = max(1, len(run) // 2)
        each = length / marks
        out.append(each)
        if abs(each - LIMITS.mark_length) > LIMITS.mark_length_tolerance:
            report.mark_length.append(Finding(line.page, first.baseline, shown(line),
                                              f"{''.join(c.text for c in run)} is {each:.2f} em long, not 2"))
        white = max((_white_inside(a, b, kind, vertical) / size for a, b in zip(run[::2], run[1::2])), default=0.0)
        if white > LIMITS.mark_gap + 5e-3:  # positions round: a mark at the limit is not past it
            report.broken_marks.append(Finding(line.page, first.baseline, shown(line),
                                               f"{white:.2f} em of white inside {''.join(c.text for c in run)}"))
    return out


def _white_inside(a: Char, b: Char, kind: str | None, vertical: bool) -> float:
    """pt of white between the two halves of one ——/……: a dash's ink from one half to the next (one
    unbroken rule), an ellipsis's em boxes (origins one em apart, each centred in its em)."""
    if vertical:
        return b.ink_top - a.ink_bottom if kind == "dash" else b.baseline - a.baseline - a.size
    return b.ink_left - a.ink_right if kind == "dash" else b.x - a.x - a.size


def _vertical_split(lines: list[Line]) -> tuple[list[Line], list[list[Char]]]:
    """The lines that are horizontal text, and vertical columns (top to bottom) found among them:
    characters of one size stacked on one axis, where stacks outnumber side-by-side pairs. A lone
    character counts as a column only beside a stack (within two ems of its axis, level with it)."""
    by_size: dict[float, list[Char]] = {}
    rounded: dict[float, float] = {}  # size → round(size, 1): asked once a size, not once a character
    for line in lines:
        for c in line.chars:
            key = rounded.get(c.size)
            if key is None:
                key = rounded[c.size] = round(c.size, 1)
            by_size.setdefault(key, []).append(c)
    vertical_ids: set[int] = set()
    columns: list[list[Char]] = []
    for size, chars in by_size.items():
        groups = _stacks(chars, size)
        stacked = sum(len(g) for g in groups if len(g) > 1)
        if stacked < 3:
            continue  # too few stacked to be a column, however few pairs stand side by side
        beside = sum(1 for line in lines for a, b in zip(line.chars, line.chars[1:])
                     if rounded[a.size] == size and rounded[b.size] == size and b.x - a.x < 1.2 * size)
        if stacked > 2 * beside:
            stacks = [g for g in groups if len(g) > 1]
            kept = stacks + [g for g in groups if len(g) == 1 and any(_beside(g[0], s, size) for s in stacks)]
            columns += kept
            vertical_ids.update(id(c) for g in kept for c in g)
    if not vertical_ids:  # nearly every group: no column found, each line as it is
        return [line for line in lines if line.chars], columns
    horizontal = [(line if len(kept) == len(line.chars) else _replaced(line, chars=kept)) for line in lines
                  if (kept := tuple(c for c in line.chars if id(c) not in vertical_ids))]
    return horizontal, columns


def _beside(c: Char, stack: list[Char], size: float) -> bool:
    axis = statistics.fmean((s.ink_left + s.ink_right) / 2 for s in stack)
    top, bottom = _span(stack[0])[0], _span(stack[-1])[1]
    return abs((c.ink_left + c.ink_right) / 2 - axis) <= 2 * size and top - size <= _span(c)[0] <= bottom


# em: the most white down a vertical column between two of its characters: the engine's word
# space in a subtitle or byline (Style.word_space, 1.0 em by default), and a little for tracking
VERTICAL_WORD_GAP = 1.1


def _stacks(chars: list[Char], size: float) -> list[list[Char]]:
    """Characters on one vertical axis (ink centres within a third of an em: 纵中横 digits and
    rotated Latin stay in their column), cut where white of more than VERTICAL_WORD_GAP ems parts
    two: a byline's space (本报记者　王　芳, 文／陈　思: a two-character name padded to three, the house
    style) is a gap of the style's word_space, an em by default, inside its column (README:
    Vertical headlines; compose/vertical.py), not the head of another (trial 14). A
    character spans its ink and its em box (an upright character's baseline sits 0.12 em above the
    foot of its box; a rotated one's ink is all there is)."""
    by_axis = sorted(chars, key=lambda c: (c.ink_left + c.ink_right) / 2)
    axes: list[list[Char]] = []
    for c in by_axis:
        centre = (c.ink_left + c.ink_right) / 2
        if axes and centre - (axes[-1][-1].ink_left + axes[-1][-1].ink_right) / 2 < 0.35 * size:
            axes[-1].append(c)
        else:
            axes.append([c])
    out = []
    for axis in axes:
        axis.sort(key=lambda c: (_span(c)[0], c.x))
        current = [axis[0]]
        reach = _span(axis[0])[1]  # the lowest foot of current's spans, kept as they grow (not asked of each again)
        for c in axis[1:]:
            top, foot = _span(c)
            if top - reach > VERTICAL_WORD_GAP * size:
                out.append(current)
                current = []
                reach = foot
            else:
                reach = max(reach, foot)
            current.append(c)
        out.append(current)
    return out


def _span(c: Char) -> tuple[float, float]:
    return min(c.ink_top, c.baseline - 0.88 * c.size), max(c.ink_bottom, c.baseline + 0.12 * c.size)


def _upright(c: Char) -> bool:
    """Set as it stands in a line, not turned (pdfium's angle 0, or a whole turn)."""
    turn = c.angle % (2 * math.pi)
    return min(turn, 2 * math.pi - turn) < 0.05


def _check_vertical(page: int, column: list[Char], report: TypographyReport) -> list[float]:
    """A vertical column (竖排): kinsoku at its head and foot (clreq §3.1.7), never one character."""
    report.vertical_columns += 1
    text = "".join(VERTICAL_FORMS.get(c.text, c.text) for c in column)
    top = column[0].baseline
    if len(column) == 1:
        report.one_char_columns.append(Finding(page, top, text, "a vertical column of one character"))
    if text[0] in NOT_AT_LINE_START or text[-1] in NOT_AT_LINE_END or lone_dash_at(text, 0):
        report.vertical_kinsoku.append(Finding(page, top, text))
    _vertical_overlap(page, column, text, report)
    for c in column:
        if c.text in VERTICAL_QUOTES and _upright(c) and c.ink_right - c.ink_left < LIMITS.vertical_quote_ink * c.size:
            report.horizontal_quotes.append(Finding(page, c.baseline, text, f"{c.text} set upright as in a line "
                                                    f"({(c.ink_right - c.ink_left) / c.size:.2f} em of ink across)"))
    line = Line(page, tuple(column))
    return _marks_along(_runs(tuple(column)), line, report, vertical=True)


def _latin(c: Char) -> bool:
    """A letter or digit of a Latin word (turned, or 纵中横), not a Han character."""
    return c.text.isalnum() and not is_han(c.text)


def _split_phrases(page: int, columns: list[list[Char]], report: TypographyReport) -> None:
    """A vertical column ending in a Latin letter or digit, and the next column of its headline (one
    of the same size, its axis one to two and a half ems to the left, its head level within an em)
    starting in one: one Latin phrase set in two columns. A space between Han and a Latin word parts
    two clauses; a phrase's own spaces never do (compose/vertical.py vertical_clauses)."""
    def axis(col: list[Char]) -> float:
        return statistics.fmean((c.ink_left + c.ink_right) / 2 for c in col)

    for col in columns:
        if not _latin(col[-1]):
            continue
        size, here, head = col[-1].size, axis(col), _span(col[0])[0]
        nexts = [d for d in columns if d is not col and abs(d[0].size - size) < 0.1
                 and 0.5 * size < here - axis(d) < 2.5 * size and abs(_span(d[0])[0] - head) < size]
        if nexts:
            d = max(nexts, key=axis)  # the nearest on the left: the next column read
            if _latin(d[0]):
                tail, lead = "".join(c.text for c in col), "".join(c.text for c in d)
                report.split_phrases.append(Finding(page, col[0].baseline, f"{tail} / {lead}",
                                                    "a word space inside a Latin phrase started a column"))


def _vertical_overlap(page: int, column: list[Char], text: str, report: TypographyReport) -> None:
    """A character's ink over the next one's down the column (a mark squeezed into the character
    under it). Letters and digits of a turned word or a 纵中横 pair are set by the font's own
    advances and kerning, and the two halves of ——/…… join: neither is such a pair. The column is
    read in the order of its characters' ink (two marks sharing one em, ，『, stand on one baseline)."""
    inked = sorted((c for c in column if c.ink_bottom > c.ink_top), key=lambda c: c.ink_top + c.ink_bottom)
    for a, b in zip(inked, inked[1:]):
        shown_a, shown_b = VERTICAL_FORMS.get(a.text, a.text), VERTICAL_FORMS.get(b.text, b.text)
        if (a.text.isalnum() and not is_han(a.text) and b.text.isalnum() and not is_han(b.text)) or \
                (shown_a == shown_b and shown_a in DASH | ELLIPSIS):
            continue
        down = min(a.ink_bottom, b.ink_bottom) - max(a.ink_top, b.ink_top)
        across = min(a.ink_right, b.ink_right) - max(a.ink_left, b.ink_left)
        if down > LIMITS.vertical_overlap * max(a.size, b.size) and across > 0:
            report.overlap.append(Finding(page, a.baseline, text, f"{shown_a} and {shown_b} {down:.2f} pt over "
                                          "each other down a vertical column"))
