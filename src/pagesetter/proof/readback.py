"""Characters read back from a PDF with their origins, sizes and fonts (pypdfium2).

The typography report and the tests judge the page from what the PDF says, not
from what the engine meant, so a fault in rendering shows up too.
"""

from __future__ import annotations

import ctypes
import functools
import re
import statistics
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Sequence

from pagesetter.compose.bidi import MAYBE_RTL, is_rtl
from pagesetter.compose.chars import VERTICAL_QUOTES, is_cjk
from pagesetter.errors import InputError, Loc
from pagesetter.records import record

if TYPE_CHECKING:  # pypdfium2 is imported where a PDF is read: Char and PageChars are plain records
    import pypdfium2 as pdfium


class Char(NamedTuple):
    """One character read back. A named tuple, not a dataclass: a page has thousands, and a
    frozen dataclass costs five times as much to make (its fields set one by one)."""

    text: str
    x: float  # origin, pt from the page's left edge
    baseline: float  # pt from the page's top edge
    size: float  # font size, pt
    right: float  # right edge of its loose box (origin + advance, as the viewer sees it)
    ink_left: float
    ink_right: float
    font: str
    ink_top: float = 0.0  # pt from the page's top edge: with ink_bottom, the ink's height (a vertical 破折号)
    ink_bottom: float = 0.0
    # radians the glyph is turned (pdfium's FPDFText_GetCharAngle: 0 upright, π/2 a vertical
    # column's turned mark), read only for a quotation mark (ANGLED): whether one in a vertical
    # column stands as in a line (proof/typography.py); 0.0 for every other character
    angle: float = 0.0


# The characters whose angle is read (a pdfium call each, so not every character's)
ANGLED = frozenset(ord(ch) for ch in VERTICAL_QUOTES)


@record(frozen=True)
class PageChars:
    number: int  # from 1
    width: float
    height: float
    chars: tuple[Char, ...]
    # Spaces pdfium reports as generated, (origin x, baseline): it puts one where it sees a gap (at
    # the next character's origin), and reports some drawn space glyphs so too (at their own origin).
    spaces: tuple[tuple[float, float], ...] = ()
    # The page's TrimBox and BleedBox as the PDF gives them, in these coordinates (left, top, right,
    # bottom, pt from the page's top-left): None where the PDF has none. Text whose ink crosses the
    # trim, or stands between it and the bleed's edge, is cut at the guillotine (typography.py off_trim).
    trim: tuple[float, float, float, float] | None = None
    bleed: tuple[float, float, float, float] | None = None
    # Glyphs the PDF gives no Unicode for (no ToUnicode entry: pdftotext reads "(cid:21)", pdfium
    # the bare code, a 7 for Petrović's accent): each as (origin x, baseline, font). Not in
    # ``chars``: the code is no character of the copy. `check` fails them (trial 17 #6).
    unmapped: tuple[tuple[float, float, str], ...] = ()


# What stands between two neighbouring characters of one printed line, read from where the glyphs
# stand: one rule for check (proof/typography.py shown, the text its findings quote, and the
# letter spacing it measures) and for diff (proof/diff.py _gaps, the text a change quotes), so the
# two never quote one line two ways. Our PDFs hold no space characters between Latin words (a word
# space is a move of the pen), and pdfium's generated spaces mark narrow gaps too (8:00 and a
# dash, 0.2 em): neither is read here. White is in ems of the character before the gap, from the end
# of its advance to the next character's origin.
#
# A word space: between two characters of Latin text (latin_side), white past the line's own
# letter spacing (its tracking, the median white between two neighbouring characters of Latin
# words, in_word: a URL alone on a line may be spaced out) by more than WORD_SPACE. The engine's narrowest word space is 0.21 em
# (compose/spacing.py: a quarter em less its 0.04 em of shrink), a kerning pair's tightening
# goes below the tracking, not above.
WORD_SPACE = 0.15
# A cell gap (a table's cells, a space typed in Chinese copy): white past the line's Han spread
# (what justification put between its Han) by CELL_GAP or more: a very loose line's spread
# (各区县要每天8:00—, 0.28 em between its Han and 0.53 em before the dash) is none, nor a Han–Latin
# gap of the usual quarter em. Between two characters of Latin words it takes more than the widest
# word space justification opens (WIDEST_WORD_SPACE; compose/spacing.py WORD_SPACE_LIMIT, 0.69 em):
# a stretched word space of a line of Latin words is a word space.
CELL_GAP = 0.5
WIDEST_WORD_SPACE = 0.8
NONE, WORD, CELL = "", " ", "\u3000"  # as quoted: a cell gap as an ideographic space
# What a Latin word, URL or e-mail address holds besides letters and digits (news.microsoft.com/2026)
WORD_MARKS = frozenset("./@-_:?=&#~%+'")

_cjk = functools.lru_cache(maxsize=8192)(is_cjk)


@functools.lru_cache(maxsize=8192)
def in_word(ch: str) -> bool:
    """A character of a Latin word, a figure, a URL or an e-mail address."""
    return len(ch) == 1 and ((ch.isalnum() and not _cjk(ch)) or ch in WORD_MARKS)


@functools.lru_cache(maxsize=8192)
def latin_side(ch: str) -> bool:
    """A character a Latin word space can stand beside: one of a word (in_word), or any other
    printing ASCII character (Yes! Done (mostly) [again]: the marks of Latin text)."""
    return in_word(ch) or (ch.isascii() and ch.isprintable() and not ch.isspace())


def white(a: Char, b: Char) -> float:
    """em of ``a``: from the end of its advance to ``b``'s origin."""
    return (b.x - a.right) / max(a.size, 1e-6)


def line_spaces(chars: Sequence[Char], han: Sequence[bool], inside: Sequence[bool] | None = None) -> list[str]:
    """For each neighbouring pair of one printed line's characters (``chars[k]``, ``chars[k + 1]``),
    what stands between them: NONE, a WORD space or a CELL gap (the rule above). ``han``: whether
    each character is a Han character (typography.is_han); ``inside``: in_word of each, when the
    caller knows it (typography.Line.words)."""
    if len(chars) < 2:
        return []
    # each character's kinds asked once, not once for each of its two pairs (a page's check asks
    # this of every line: some 5 000 lines, 60 000 pairs a broadsheet page)
    pairs = list(zip(chars, chars[1:]))
    whites = [(b.x - a.right) / max(a.size, 1e-6) for a, b in pairs]  # white(a, b)
    sides = [latin_side(c.text) for c in chars]
    words = [a and b for a, b in zip(sides, sides[1:])]
    spread = [w for k, w in enumerate(whites) if han[k] and han[k + 1]]
    spread_em = max(0.0, statistics.median(spread)) if spread else 0.0
    if inside is None:
        inside = [in_word(c.text) for c in chars]
    tracked = sorted(w for w, a, b in zip(whites, inside, inside[1:]) if a and b)
    tracking = tracked[len(tracked) // 2] if tracked else 0.0
    # MAYBE_RTL holds every right-to-left character: a line without one has no pair to mirror
    rtl = MAYBE_RTL.search("".join([c.text for c in chars])) is not None
    out = [CELL if w - spread_em >= CELL_GAP and not (word and w <= WIDEST_WORD_SPACE)
           else WORD if word and w > tracking + WORD_SPACE else NONE for w, word in zip(whites, words)]
    if rtl:
        for k, (a, b) in enumerate(pairs):
            if a.text[:1] and b.text[:1] and (is_rtl(a.text[:1]) or is_rtl(b.text[:1])):
                # right-to-left letters read back in the copy's order (rtl_in_place) stand right to
                # left: two of them have a word space where their boxes stand apart, mirrored; a
                # run's edge and its neighbour (the quotation mark) stand apart by the run's width
                gap = (a.x - b.right) / max(a.size, 1e-6)
                out[k] = WORD if is_rtl(a.text[:1]) and is_rtl(b.text[:1]) and gap > WORD_SPACE else NONE
    return out


def read_chars(pdf_path: Path) -> list[PageChars]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(pdf_path))
    except (pdfium.PdfiumError, FileNotFoundError, OSError) as exc:
        raise InputError(Loc.of_file(pdf_path), f"cannot open PDF: {exc}") from None
    pages: list[PageChars] = []
    try:
        for index in range(len(doc)):
            page = doc[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            chars, spaces, unmapped, lines = _chars(textpage, height)
            chars = _in_x_order(_unmirrored(chars, lines), lines)
            # MAYBE_RTL is one character's class: one search of the page's text, not one a character
            if MAYBE_RTL.search("".join([c.text for c in chars])) is not None:
                chars = rtl_in_place(chars)
            pages.append(PageChars(index + 1, width, height, tuple(chars), tuple(spaces),
                                   _box(page.get_trimbox(fallback_ok=False), height),
                                   _box(page.get_bleedbox(fallback_ok=False), height), tuple(unmapped)))
    finally:
        doc.close()
    return pages


# Unicode's mirrored pairs (BidiMirroring.txt) that Chinese and Latin copy print, and the quotation
# marks pdfium mirrors with them: pdfium (CPDF_TextPage::CloseTempLine, AddCharInfoByRLDirection)
# reads a stretch of a line it takes as right-to-left backwards and gives each character's mirror
# (“ for ”). It takes a line as right-to-left when it has as many right-to-left stretches as
# left-to-right ones, and counts a number as one (写着“ 2026 ”。: “ read as ”, trial 18a #1),
# and the marks after a right-to-left word with it.
MIRRORED: dict[str, str] = {a: b for pair in ("()", "[]", "{}", "<>", "«»", "‹›", "“”", "‘’", "（）", "《》", "〈〉",
                                              "「」", "『』", "【】", "〔〕", "〖〗", "［］", "｛｝", "＜＞")
                            for a, b in (pair, pair[::-1])}


def _unmirrored(chars: list[Char], lines: list[int]) -> list[Char]:
    """``chars`` with each mirrored pair's character that pdfium read backwards (MIRRORED) given
    back as the PDF has it. pdfium gives such a stretch in reverse: a character whose ink stands
    left of the one pdfium read before it, or right of the one after, on the same baseline and
    in the same line of pdfium's (``lines``), is one of it. By ink centre: a compressed opening
    mark's origin may stand left of its neighbour's, its ink never."""
    out = chars
    n = len(chars)
    for i, c in enumerate(chars):
        if c.text not in MIRRORED:
            continue
        at = _ink_x(c)
        # a neighbour with the same origin is in a vertical column, not a line: two compressed
        # marks there share one em and one "baseline" (，“ in 走向，“疫”), the opening one's ink left
        before = i > 0 and lines[i - 1] == lines[i] and abs(chars[i - 1].baseline - c.baseline) < 0.1 \
            and abs(chars[i - 1].x - c.x) > 0.1 and _ink_x(chars[i - 1]) > at + 0.5
        after = i + 1 < n and lines[i + 1] == lines[i] and abs(chars[i + 1].baseline - c.baseline) < 0.1 \
            and abs(chars[i + 1].x - c.x) > 0.1 and _ink_x(chars[i + 1]) < at - 0.5
        if before or after:
            if out is chars:
                out = list(chars)
            out[i] = c._replace(text=MIRRORED[c.text])
    return out


# The combining marks of Latin, Greek and Cyrillic text (Unicode's Combining Diacritical Marks and
# their Extended and Supplement blocks, the marks for symbols, the half marks): a Vietnamese
# ế = e + U+0302 + U+0301, pinyin ǚ = u + U+0308 + U+030C or Lithuanian į̇̃ is set as a letter and
# mark glyphs where the face has no precomposed glyph, and pdfium reads each glyph as a character.
# A right-to-left script's marks are not among them: rtl_in_place reads those words.
LATIN_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def on_its_letter(mark: Char, base: Char) -> bool:
    """Whether ``mark``'s ink stands in ``base``'s column (its advance and its ink across): the mark
    is the letter's, one glyph cluster with it. A mark set beside its letter (over the next
    one) stands outside the column and is read as a character of its own."""
    middle = (mark.ink_left + mark.ink_right) / 2 if mark.ink_right > mark.ink_left else mark.x
    return min(base.x, base.ink_left) <= middle <= max(base.right, base.ink_right)


def clustered_xs(chars: Sequence[Char], xs: list[float]) -> list[float]:
    """``xs`` (where each of ``chars``, in pdfium's order, stands along its line) with each
    combining mark on its letter (on_its_letter, the letter the characters before it end with)
    standing where its letter does: sorted by them (a stable sort), a letter's marks stay after
    it, in the copy's order. By their own ink's middles a kai grave and tilde, centred over a
    narrow į, read before it ('̇̃į', and a table's check found them set over the letter and each
    other). ``xs`` as it is when no character is such a mark (nearly every line)."""
    if LATIN_MARKS.search("".join([c.text for c in chars])) is None:
        return xs
    out = list(xs)
    for k, c in enumerate(chars):
        if LATIN_MARKS.fullmatch(c.text) is not None:
            base = letter_of(chars, k)
            if base is not None:
                out[k] = out[base]
    return out


# How many characters before a mark its letter may stand in pdfium's order: pdfium gives a line's
# glyphs by their origins, and a mark of zero advance whose origin is its letter's end (LXGW
# WenKai's) comes after a full-width bracket set from that end (į + U+0307, ）, U+0303).
MARK_REACH = 4


def letter_of(chars: Sequence[Char], k: int) -> int | None:
    """The index of the letter (or figure) before ``chars[k]``, a combining mark, in whose column
    the mark stands (on_its_letter), passing over other marks and characters that hold no letter
    (a bracket's em): None where there is none, a mark standing alone."""
    for j in range(k - 1, max(-1, k - 1 - MARK_REACH), -1):
        c = chars[j]
        if c.text.isalnum() and LATIN_MARKS.fullmatch(c.text) is None and on_its_letter(chars[k], c):
            return j
    return None


def _in_x_order(chars: list[Char], lines: list[int]) -> list[Char]:
    """``chars`` with each stretch of one baseline in one line of pdfium's that pdfium gave out of
    order (read backwards: _unmirrored) put left to right by ink, as the PDF draws our lines (a
    stable sort: the letters of one glyph, a ligature, stay as pdfium gave them)."""
    out: list[Char] | None = None
    n = len(chars)
    k = 0
    while k < n:
        j = k + 1
        line, baseline = lines[k], chars[k].baseline
        while j < n and lines[j] == line and abs(chars[j].baseline - baseline) < 0.1:
            j += 1
        if j - k > 1:
            # _ink_x's expression inline: a call a character (every line of a page) costs more than the sum
            xs = clustered_xs(chars[k:j], [(c.ink_left + c.ink_right) / 2 if c.ink_right > c.ink_left else c.x
                                           for c in chars[k:j]])
            if any([b < a - 0.5 for a, b in zip(xs, xs[1:])]):
                if out is None:
                    out = list(chars)
                out[k:j] = [chars[k + i] for i in sorted(range(j - k), key=xs.__getitem__)]
        k = j
    return chars if out is None else out


def _ink_x(c: Char) -> float:
    return (c.ink_left + c.ink_right) / 2 if c.ink_right > c.ink_left else c.x


def _rtl_letter(c: Char) -> bool:
    return is_rtl(c.text[:1]) or (unicodedata.category(c.text[:1])[0] == "M" and c.text[:1] != "")


def rtl_in_place(chars: list[Char]) -> list[Char]:
    """The page's characters with each right-to-left word back in its line, in the copy's order.
    Our PDFs draw a line's right-to-left words after its module's other lines (render/pdf.py
    _rtl_apart), in visual order, so pdfium reads each such group as a right-to-left line of
    its own and gives its letters in logical order, but after the module's text. Each group
    (consecutive characters on one baseline, right-to-left letters and their marks only, put
    left to right by _in_x_order) is cut where a character of the line stands between its
    letters (two quoted words on one line), each part read right to left (a ligature's letters,
    at one origin, back in their ToUnicode order), and put after the character on its baseline
    nearest to its left (the opening quotation mark), or before the nearest to its right, within
    two ems; a part with neither stays where pdfium read it. A number beside a right-to-left
    word reads before it: its visual order does not say which the copy had first."""
    groups: list[list[Char]] = []
    rest: list[Char] = []
    k, n = 0, len(chars)
    while k < n:
        j = k
        while j < n and abs(chars[j].baseline - chars[k].baseline) < 0.1 and (_rtl_letter(chars[j]) or chars[j].text.isspace()):
            j += 1
        if j > k and any([_rtl_letter(c) for c in chars[k:j]]) and (j == n or abs(chars[j].baseline - chars[k].baseline) >= 0.1
                                                                    or not _rtl_letter(chars[j])):
            groups.append(chars[k:j])
            k = j
        else:
            rest.append(chars[k])
            k += 1
    if not groups:
        return chars
    for group in groups:
        row = [c for c in rest if abs(c.baseline - group[0].baseline) < 0.1]
        parts: list[list[Char]] = []
        for c in group:  # left to right
            if parts and not any([min(c.x, parts[-1][-1].x) < o.x < max(c.x, parts[-1][-1].x) for o in row]):
                parts[-1].append(c)
            else:
                parts.append([c])
        for part in parts:
            part.reverse()
            lo, hi = min([c.x for c in part]), max([c.right for c in part])
            em = 2 * max(part[0].size, 1e-6)
            left = [i for i, c in enumerate(rest) if abs(c.baseline - part[0].baseline) < 0.1 and c.x < lo
                    and lo - c.right < em]
            right = [i for i, c in enumerate(rest) if abs(c.baseline - part[0].baseline) < 0.1 and c.x >= hi - 0.01
                     and c.x - hi < em]
            if left:
                at = max(left, key=lambda i: rest[i].x) + 1
            elif right:
                at = min(right, key=lambda i: rest[i].x)
            else:
                at = len(rest)
            rest[at:at] = part
    return rest


def _box(box: tuple[float, float, float, float] | None, height: float) -> tuple[float, float, float, float] | None:
    """A page box (PDF space: left, bottom, right, top, y up) as left, top, right, bottom from the
    page's top-left, as a character's place is read; None for none."""
    if box is None:
        return None
    left, bottom, right, top = box
    return (min(left, right), height - max(bottom, top), max(left, right), height - min(bottom, top))


def _bare(function: Any, restype: Any) -> Any:
    """A pdfium function called without ctypes' per-argument conversion. The bindings declare each
    parameter (typed pointers) and ctypes checks every argument against it on every call, which
    costs two to three times the call itself. Undeclared, ctypes passes a Python int as a C int and
    a handle or byref() as a pointer: what these functions take (a text page, a character index,
    out-pointers); any other parameter (FPDFText_GetFontInfo's unsigned long) is passed as a ctypes
    value of its type. Made from the binding's own class, so it keeps the library's calling
    convention."""
    bare = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    bare.restype = restype
    return bare


@functools.lru_cache(maxsize=8192)
def _is_mark(code: int) -> bool:
    """Is the code point a combining mark (Unicode category M*)? Asked of nearly every character
    read (a Han character's code is past U+0300): answered once a code point."""
    return unicodedata.category(chr(code))[0] == "M"


def _chars(textpage: pdfium.PdfTextPage, height: float
           ) -> tuple[list[Char], list[tuple[float, float]], list[tuple[float, float, str]], list[int]]:
    # pdfium's raw calls with buffers made once: the wrappers (get_charbox) allocate per call, and
    # a page has thousands of characters, each read six ways (text, origin, loose box, ink box,
    # font, size).
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    out: list[Char] = []
    spaces: list[tuple[float, float]] = []
    x, y = ctypes.c_double(), ctypes.c_double()
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    px, py, pleft, pright, pbottom, ptop = (ctypes.byref(v) for v in (x, y, left, right, bottom, top))
    loose = pdfium_c.FS_RECTF()
    ploose = ctypes.byref(loose)
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    pflags = ctypes.byref(flags)
    raw = textpage.raw
    name_length = ctypes.c_ulong(len(name))
    unicode_of = _bare(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)  # (text page, index)
    generated = _bare(pdfium_c.FPDFText_IsGenerated, ctypes.c_int)  # (text page, index)
    origin_of = _bare(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int)  # (…, double* x, double* y)
    loose_box = _bare(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)  # (…, FS_RECTF*)
    ink_box = _bare(pdfium_c.FPDFText_GetCharBox, ctypes.c_int)  # (…, double* left, right, bottom, top)
    font_info = _bare(pdfium_c.FPDFText_GetFontInfo, ctypes.c_ulong)  # (…, void*, unsigned long, int*)
    font_size = _bare(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)  # (text page, index)
    text_object = _bare(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p)  # (text page, index)
    char_angle = _bare(pdfium_c.FPDFText_GetCharAngle, ctypes.c_float)  # (text page, index)
    map_error = _bare(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int)  # (text page, index): no ToUnicode
    unmapped: list[tuple[float, float, str]] = []
    new_char = tuple.__new__
    # pdfium's font name and size are its text object's (FPDFText_GetFontInfo; FPDFText_GetFontSize
    # is CPDF_TextPage::GetCharFontSize, the GetFontSize of the character's text object): asked
    # once an object
    fonts: dict[bytes, str] = {}
    object_fonts: dict[int, tuple[str, float]] = {}
    count = textpage.count_chars()
    lines: list[int] = []  # per character read, pdfium's line it stands in (counted by its generated line ends)
    line = 0
    i = 0
    while i < count:
        index = i
        code = unicode_of(raw, i)
        i += 1
        # pdfium gives UTF-16 code units: a character past the BMP (CJK Extension B, emoji) is two
        # entries, a high and a low surrogate, with one box; joined here into one character.
        if 0xD800 <= code < 0xDC00 and i < count and 0xDC00 <= (low := unicode_of(raw, i)) < 0xE000:
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            i += 1
        elif 0xD800 <= code < 0xE000:
            code = 0xFFFD  # a lone surrogate is no character: shown as the replacement character
        if code == 0x0A:
            line += 1
        if code in (0, 0xFFFE, 0xFFFF) or code in (0x0A, 0x0D) or generated(raw, index):
            if code == 0x20 and generated(raw, index):
                origin_of(raw, index, px, py)
                spaces.append((x.value, height - y.value))
            continue  # line breaks and spaces pdfium invents are not characters on the page
        origin_of(raw, index, px, py)
        if not loose_box(raw, index, ploose) or not ink_box(raw, index, pleft, pright, pbottom, ptop):  # l r b t
            raise pdfium.PdfiumError("Failed to get charbox.")  # as get_charbox raises
        handle = text_object(raw, index)
        font_and_size = object_fonts.get(handle) if handle is not None else None
        if font_and_size is None:
            font_info(raw, index, name, name_length, pflags)
            raw_name = name.value
            font = fonts.get(raw_name)
            if font is None:
                font = fonts[raw_name] = raw_name.decode("latin-1", "replace")
            font_and_size = (font, font_size(raw, index))
            if handle is not None:
                object_fonts[handle] = font_and_size
        font, size = font_and_size
        if map_error(raw, index) == 1:
            unmapped.append((x.value, height - y.value, font))
            continue
        baseline = height - y.value
        if code >= 0x300 and out and _is_mark(code) \
                and abs(out[-1].baseline - baseline) < out[-1].size:
            # a combining mark the face's GPOS raised or lowered onto its letter (Ag̃ui's tilde)
            # stands on its letter's line, not a line of its own
            baseline = out[-1].baseline
        # tuple.__new__ as Char's own __new__ calls it, without its Python frame (a character each)
        out.append(new_char(Char, (chr(code), x.value, baseline, size, loose.right, left.value, right.value, font,
                                   height - top.value, height - bottom.value,
                                   char_angle(raw, index) if code in ANGLED else 0.0)))
        lines.append(line)
    return out, spaces, unmapped, lines
