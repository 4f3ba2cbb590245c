"""Character classes for Chinese line composition, as data.

Sources:
- W3C, "Requirements for Chinese Text Layout" (clreq), §3.1.6 "Punctuation
  adjustment space" and §3.1.7 "Line breaking rules" (禁则), and Appendix A
  "Character classes".
- GB/T 15834-2011 《标点符号用法》 §5 (positions and widths of marks in
  horizontal text) — mainland convention: 。，、；：？！ sit in the left half of
  their em box; opening brackets/quotes ink on the right half, closing ones on the left.
"""

from __future__ import annotations

import re
from functools import lru_cache
from enum import Enum
from typing import NamedTuple


class CharClass(str, Enum):  # str: hashed in C, looked up 70 000 times a page
    HAN = "han"  # ideographs and anything set on the character grid
    OPENING = "opening"  # （《“ …: blank on the left half
    CLOSING = "closing"  # ）》” …: blank on the right half
    PAUSE = "pause"  # ，、；：: blank on the right half
    STOP = "stop"  # 。？！: blank on the right half; full width in the 开明 style
    MIDDLE = "middle"  # ·: blank on both sides
    DASH = "dash"  # —— (two U+2014 make one 破折号)
    ELLIPSIS = "ellipsis"  # …… (two U+2026 make one 省略号)
    LATIN = "latin"  # letters of Latin/Greek/Cyrillic words
    DIGIT = "digit"
    SPACE = "space"
    OTHER = "other"  # symbols, Latin punctuation
    UNIT = "unit"  # a full-width symbol ending a number (40℃, 3‰, 96㎡): atoms._segments, GRID_UNITS


# clreq Appendix A, classes cl-01…cl-06 (mainland forms). With them the double prime quotes
# 〝〞〟 (U+301D–U+301F), a quotation mark some copy uses for emphasis or vertical text: Unicode
# General_Category Ps (〝) and Pe (〞〟), UAX #14 line break classes OP (〝) and CL (〞〟), JLREQ
# Appendix A cl-01 (〝) and cl-02 (〟); UAX #50 gives them Vertical_Orientation Tr (their vertical forms by vert). Set
# as “” are: their ink on the side GB/T 15834 §5 gives an opening or closing mark, the blank
# compressed by the punctuation style, kept from a line's start or end (before, copy's 〝〞 were
# set as Han: a full em each, and a 〞 could open a line).
OPENING = frozenset("（［｛〔〈《「『【〖〘“‘(〝")
CLOSING = frozenset("）］｝〕〉》」』】〗〙”’)〞〟")
# ． (U+FF0E, the full-width 下脚点) is the point of a list's number (1．, content/reader.py
# NUMBER_MARKS): a half-em mark like 、 in the 开明 style, its ink at the left, so the number stands
# apart from a digit after it (1．12月, not the decimal 1.12) at a quarter em more than "1.".
PAUSE = frozenset("，、；：．")
STOP = frozenset("。？！")
MIDDLE = frozenset("·・")
DASH = frozenset("—―")
ELLIPSIS = frozenset("…⋯")

# Latin punctuation that closes (UAX #14 classes CL, CP, IS, EX, PO) or opens (OP) Latin text:
# the same 禁则 as its Chinese counterparts (clreq §3.1.7 applies it to Western marks too).
LATIN_NOT_AT_LINE_START = frozenset(".,;:!?)]}%")
LATIN_NOT_AT_LINE_END = frozenset("([{")
# Enumerators (①…⒇, ⑴…⒇, ⒈…⒛, ㈠…㈩, ㊀…㊉, Unicode blocks Enclosed Alphanumerics and
# Enclosed CJK Letters and Months): a 校对 marks one left alone at a line end; it stays with
# what it numbers (clreq §3.1.7 treats it as an opening unit).
ENUMERATOR_RANGES: tuple[tuple[int, int], ...] = ((0x2460, 0x24FF), (0x2776, 0x2793), (0x3220, 0x3243),
                                                  (0x3280, 0x32B0))
ENUMERATORS = frozenset(chr(cp) for lo, hi in ENUMERATOR_RANGES for cp in range(lo, hi + 1))
# 连接号 other than the 一字线 (GB/T 15834-2011 §4.13: 浪纹线 ～, and the en dash copy brings for it):
# never at a line's start (clreq §3.1.7 行首禁则; JIS X 4051 class cl-03, hyphens, which holds 〜).
# The 一字线 — is U+2014, the character of the 破折号 too: a pair (——) may start a line, a lone
# one may not (lone_dash_at).
CONNECTORS_NOT_AT_LINE_START = frozenset("～〜–")
# The ratio sign ∶ (U+2236 RATIO) of a score or ratio (3∶1, 0∶2; RATIO_SPAN): a colon, and no line
# starts with a colon (GB/T 15834-2011 §5: 冒号 not at a line's head; clreq §3.1.7 puts ： among the
# marks never at a line's start). It is a math symbol to Unicode, no mark, so it needs its own row
# (trial 17a: Mönchengladbach（门兴）0 / ∶2 Bayern).
RATIO_MARKS_NOT_AT_LINE_START = frozenset("∶")
# 行首禁则: clreq §3.1.7 and ../shared/TYPOGRAPHY.md "Not at line start".
NOT_AT_LINE_START = (CLOSING | PAUSE | STOP | MIDDLE | frozenset("％‰℃") | LATIN_NOT_AT_LINE_START
                     | CONNECTORS_NOT_AT_LINE_START | RATIO_MARKS_NOT_AT_LINE_START)


def lone_dash_at(text: str, i: int) -> bool:
    """Is text[i] a lone U+2014 or U+2015, a 连接号 一字线 (6.2%—8.7%, 9:00—17:00), not half of a
    破折号 ——? Such a mark never starts a line (GB/T 15834-2011 §4.13; clreq §3.1.7): a rule on
    the character and its neighbours, applied by linebreak.py and `pagesetter check` beside the
    table above."""
    return text[i] in DASH and text[i + 1:i + 2] not in DASH and (i == 0 or text[i - 1] not in DASH) \
        if 0 <= i < len(text) else False


# 行尾禁则: clreq §3.1.7 "Not at line end".
NOT_AT_LINE_END = OPENING | LATIN_NOT_AT_LINE_END | ENUMERATORS

# 连接号 set on the character grid: between figures (2～11℃, 200～800米) the wave dash takes no
# Han–Latin gap (clreq §3.2.2 puts that gap between Han and Latin only, and "no extra space between
# digits and full-width punctuation"): beside a figure or a letter it is spaced as between two Han
# (spacing.py CONNECTOR_SHRINK), never a quarter em apart.
GRID_CONNECTORS = frozenset("～〜")

# Pairs that must not be split across lines (clreq §3.1.7: 破折号 and 省略号 are one mark each).
INSEPARABLE_CLASSES = frozenset({CharClass.DASH, CharClass.ELLIPSIS})

# 破折号 —— and 省略号 …… each take two character spaces (GB/T 15834-2011 §4.10, §4.11 for the
# forms; §5.1.4, §5.1.5 for the two ems): every one of their characters takes exactly one em.
# Each is shaped on its own, because a face may join the pair into one glyph of any width (Noto
# CJK's ccmp makes U+2014 U+2014 one glyph of 1.69 em; LXGW WenKai keeps two). How the ink fills
# its em: "fill" — scaled so the ink meets both edges, two halves making one unbroken rule;
# "centre" — the dots centred in the em, six over two ems.
ONE_EM_MARKS: dict[CharClass, str] = {CharClass.DASH: "fill", CharClass.ELLIPSIS: "centre"}
SHAPED_ALONE = frozenset(DASH | ELLIPSIS)
# White inside a —— or …… (em) past which the two halves read as two marks, not one unbroken
# rule or six even dots: along a line (each character's em filled, compose/spacing.py takes no
# tracking inside one) and down a vertical column (compose/vertical.py tracked_join) alike
# (GB/T 15834-2011 §4.10, §4.11: one mark two ems long; §5.2: the same in vertical text; clreq
# §3.8: the even stretch never goes inside ——/……). `pagesetter check` measures it from the PDF:
# a dash's ink from one half to the next, an ellipsis's em boxes (a tracking of 0.05字 is past it).
MARK_GAP_EM = 0.03

# Quotation marks a vertical column never prints as they stand in a line (GB/T 15834-2011 §5.2:
# in vertical text the quotation marks become ﹃﹄ and ﹁﹂; clreq §3.1 on punctuation in vertical
# writing: quotes take their vertical forms): the face's vert/vrt2 form, or the horizontal glyph
# turned 90° clockwise (compose/vertical.py); the straight quotes (" ' ＂) have no corner form,
# only the turn. `pagesetter check` calls one set upright in a vertical column with less ink
# across than VERTICAL_QUOTE_INK_EM a horizontal form.
VERTICAL_QUOTES = frozenset("“”‘’「」『』＂\"'")
# em: the ink across a quotation mark's upright vertical form at least. Measured with fontTools
# (fonts/manifest.yaml's faces): the corner forms vert gives for “”‘’「」『』 reach 0.65–0.71 em
# across the column in Noto Serif/Sans CJK SC (regular and bold) and LXGW WenKai; the horizontal
# forms 0.12–0.39 em (two commas side by side, a corner's upright stroke), ＂ 0.20–0.32.
VERTICAL_QUOTE_INK_EM = 0.5

# Which half of the em box is blank, by class (GB/T 15834-2011 §5; clreq §3.1.6).
BLANK_SIDE: dict[CharClass, str] = {
    CharClass.OPENING: "left",
    CharClass.CLOSING: "right",
    CharClass.PAUSE: "right",
    CharClass.STOP: "right",
    CharClass.MIDDLE: "both",
}

# Where a face's full-width mark has its ink, in its em box, decides the side its white is trimmed
# from when the style compresses it (clreq §3.1.6; GB/T 15834-2011 §5 places 。，、；：？！ in the
# left half in mainland use, while clreq §3.1 notes Taiwan and Hong Kong centre them: Noto Sans CJK
# TC, Droid Sans Fallback). A mark whose ink lies in the half BLANK_SIDE names (within
# MARK_INK_TOLERANCE_EM) keeps that side; one whose ink fits the middle half is centred: a quarter em
# trimmed from each side ("both"); one fitting neither keeps its class's side. Measured with
# HarfBuzz glyph extents: Noto CJK SC and LXGW WenKai marks lie in their half (？ of WenKai to 0.50
# em); Droid's ，spans 0.42–0.58 em, its （ 0.38–0.73; Noto Sans CJK TC's own ，0.38–0.61, a form
# HarfBuzz leaves only in a run of neither Han nor Latin (1，2): in others its locl, asked for zh-Hans
# (fonts/face.py shape), gives the SC form (0.16–0.39). The glyph shaped is the one measured.
MARK_INK_TOLERANCE_EM = 0.03
MARK_INK_HALVES: dict[str, tuple[float, float]] = {
    "right": (0.0, 0.5),  # blank on the right: the ink in the left half
    "left": (0.5, 1.0),
    "both": (0.25, 0.75),
}


def ink_blank_side(class_side: str, ink_left: float, ink_right: float) -> str:
    """The side of a full-width mark's em box its white stands, by its ink (em from its origin):
    the class's own side when the ink lies in the other half, "both" when it fits the middle half."""
    if class_side not in ("left", "right") or ink_right <= ink_left:
        return class_side
    tol = MARK_INK_TOLERANCE_EM
    for side in (class_side, "both"):
        lo, hi = MARK_INK_HALVES[side]
        if ink_left >= lo - tol and ink_right <= hi + tol:
            return side
    return class_side


# Set width of punctuation (em) per style, before adjacency and line-end adjustment.
# Styles as ctex/xeCJK name them: 全角 quanjiao, 开明 kaiming (Founder 书版 default:
# 。？！ full, the rest half), 半角 banjiao.
PUNCT_WIDTH: dict[str, dict[CharClass, float]] = {
    "quanjiao": {CharClass.OPENING: 1.0, CharClass.CLOSING: 1.0, CharClass.PAUSE: 1.0,
                 CharClass.STOP: 1.0, CharClass.MIDDLE: 1.0},
    "kaiming": {CharClass.OPENING: 0.5, CharClass.CLOSING: 0.5, CharClass.PAUSE: 0.5,
                CharClass.STOP: 1.0, CharClass.MIDDLE: 0.5},
    "banjiao": {CharClass.OPENING: 0.5, CharClass.CLOSING: 0.5, CharClass.PAUSE: 0.5,
                CharClass.STOP: 0.5, CharClass.MIDDLE: 0.5},
}
# The least width any of these marks may be squeezed to (clreq §3.1.6: half an em).
PUNCT_MIN_WIDTH = 0.5


# The punctuation classes by their members, looked up in one table.
MARK_CLASSES: dict[str, CharClass] = {
    ch: cls for chars, cls in ((OPENING, CharClass.OPENING), (CLOSING, CharClass.CLOSING),
                               (PAUSE, CharClass.PAUSE), (STOP, CharClass.STOP), (MIDDLE, CharClass.MIDDLE),
                               (DASH, CharClass.DASH), (ELLIPSIS, CharClass.ELLIPSIS))
    for ch in chars
}


@lru_cache(maxsize=8192)  # a pure function of the character; a page asks for a few thousand
def char_class(ch: str) -> CharClass:
    mark = MARK_CLASSES.get(ch)
    if mark is not None:
        return mark
    if ch.isspace():
        return CharClass.SPACE
    if ch.isdigit() and ch.isascii():
        return CharClass.DIGIT
    if is_cjk(ch):
        return CharClass.HAN
    if ch.isalpha():
        return CharClass.LATIN
    return CharClass.OTHER


# Unicode blocks set on the character grid (CJK ideographs, symbols, full-width forms).
CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # kana
    (0x3100, 0x312F),  # bopomofo
    (0x3200, 0x32FF),  # enclosed CJK
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFF01, 0xFF60),  # full-width forms
    (0x20000, 0x3134F),  # extensions B–G
    (0x25A0, 0x25FF),  # geometric shapes (▲▼ caption markers are set on the grid)
)


def is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES)


# Latin letters and digits join into unbreakable words (clreq §3.2).
WORDLIKE = frozenset({CharClass.LATIN, CharClass.DIGIT})
# A Latin word's letters, as a regular expression's class: ASCII and the accented Latin letters of
# Latin-1 (not × ÷), Extended-A and -B and Extended Additional (Mbappé, Đoković, Nguyễn). A word of
# them turns whole in vertical text and is set from one face (compose/vertical.py, compose/lines.py).
LATIN_LETTERS = "A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF"
# The letters of a word set from one face (compose/lines.py _whole_words): Latin's, and Greek's
# (with its extended accented letters) and Cyrillic's, alphabets of news copy whose words a face
# may cover but for an accented letter (trial 14: Ελλάδα's ά and Україна's ї only in the kai).
WORD_LETTERS = LATIN_LETTERS + "\u0386\u0388-\u03FF\u1F00-\u1FFF\u0400-\u0481\u048A-\u052F"
# The combining marks a Latin, Greek or Cyrillic letter takes where no precomposed letter exists
# (Ag̃ui's tilde, Adébáyọ̀'s grave; the reader composes the rest, content/normalise.py): Unicode's
# Combining Diacritical Marks, their Extended and Supplement blocks, the Cyrillic marks, and the
# Combining Half Marks. A mark after a letter is a letter of its word (compose/lines.py word_pattern).
WORD_MARKS_COMBINING = "\u0300-\u036F\u0483-\u0489\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE20-\uFE2F"


def is_wordlike(cls: CharClass) -> bool:
    """Latin letters and digits join into unbreakable words (clreq §3.2)."""
    return cls in WORDLIKE


# --- Latin words, URLs, codes: where they may break (UAX #14, Unicode Line Breaking Algorithm) ---

# ASCII marks that belong to the Latin word or number they touch (no space between): 3.5, 1,000,
# COVID-19, 10:30, 100%, (if, again), e-mail addresses and URLs. A run of these with letters or
# digits is one word for spacing; breaks inside it are the opportunities below, never a gap.
WORD_MARKS = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Symbols that end a number (8.7%, 15°, 30′, km², 3‰, 40℃, 96㎡) are spaced from Han after them as
# the number is (clreq §3.2.2: the quarter-em Han–Latin gap after 8.7% in 8.7%左右, as before the
# 8), and never parted from it. Trial 9's world page set 8.7%左右 and 3‰的 solid and parted
# 15 / °的 across two lines. Narrow ones are pieces of the word (set solid against the number);
# full-width ones (CJK faces draw ℃ ‰ ㎡ one em wide) are atoms of their own, class UNIT, on the
# grid beside the number: the gap between stretches as between Han (joined, 2～11℃之间 lost the
# stretch a hard 13-em line needs and parted 200～ / 800米 instead; tests/pages torture-unseen).
# The full-width ％ (U+FF05) is a grid character, as a Han one is.
WORD_SUFFIXES = frozenset("%°′″²³")
GRID_UNITS = frozenset("℃℉‰‱" + "".join(map(chr, range(0x3380, 0x33E0))))  # ㎀…㏟: squared units
NUMBER_SUFFIXES = WORD_SUFFIXES | GRID_UNITS
# A break after one of these inside a code or a compound (XK-20220630-000123, A/B, well-known), when
# a letter or digit follows (UAX #14: SY "/", IS ".", HY "-" and the like may end a line; nothing
# may start one, LB13): the mark ends the line, so Latin punctuation never starts one (禁则 above)
# and no hyphen is added. Not in a URL or an e-mail address (URL_PATTERN), which breaks as Chicago
# says (url_break_at).
CODE_BREAK_AFTER = frozenset("/.-_?&=@#~")
# URLs and e-mail addresses (Chicago Manual of Style, 17th ed., 6.80 and 14.18):
# break after a colon or a double slash; before a single slash, a tilde, a period, a comma, a
# hyphen, an underline, a question mark, a number sign or a percent symbol; before or after an
# equals sign or an ampersand; never add a hyphen. The mark that opens the next line tells the
# reader the address goes on: a line ending in "press." reads as a sentence's end, one in
# "geneva-" as a word hyphenated. The @ of an e-mail address is broken before, as the period is
# (ours: Chicago does not name it; the mark opening the line says the same).
URL_BREAK_AFTER_MARKS = frozenset(":")  # and "//", a double slash (url_break_at)
URL_BREAK_BEFORE_MARKS = frozenset("/~.,-_?#%@")  # the slash only single
URL_BREAK_EITHER_MARKS = frozenset("=&")
# What is a URL or an e-mail address, for those rules (and `pagesetter check`): the characters of
# RFC 3986 (unreserved and reserved, and % of an escape; no brackets or quotes, which copy puts
# round an address), and one of: a scheme and // (RFC 3986 §3.1, §3.2: https://), mailto:, www.,
# an e-mail address (RFC 5322 §3.4.1 addr-spec, dot-atom form), or a bare domain of lower-case
# labels (RFC 1035 §2.3.1) ending in a top-level domain of two letters or more (jcwater.com.cn,
# undp.org/ukraine; not e.g., U.S. or 3.5, nor Mr.Smith).
URL_CHARS = r"A-Za-z0-9\-._~:/?#@!$&*+,;=%"
URL_PATTERN = (rf"(?:[A-Za-z][A-Za-z0-9+.\-]*://|mailto:|www\.)[{URL_CHARS}]*"
               r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
               rf"|(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+[a-z]{{2,}}(?:[/:?#][{URL_CHARS}]*)?")
URL = re.compile(URL_PATTERN)  # compiled once, for the composer, check and the e-paper


def url_break_at(url: str, p: int) -> bool:
    """May a URL or e-mail address break between url[p-1] and url[p] (Chicago, above)? Never next
    to another mark (https:/ / /, ?=), nor inside a number (v1.2, 192.168.0.1: NUMBER_JOINERS)."""
    if not 0 < p < len(url):
        return False
    prev, nxt = url[p - 1], url[p]
    if (prev in NUMBER_JOINERS and url[p - 2:p - 1].isdigit() and nxt.isdigit()) or (
            nxt in NUMBER_JOINERS and prev.isdigit() and url[p + 1:p + 2].isdigit()):
        return False
    if prev in URL_BREAK_AFTER_MARKS:  # after a colon (https: / //a.org)
        return True
    if url[p - 2:p] == "//":  # after a double slash
        return nxt != "/"
    if nxt == "/":  # before a single slash; never inside a double one
        return prev != "/" and url[p + 1:p + 2] != "/"
    if nxt in URL_BREAK_BEFORE_MARKS or nxt in URL_BREAK_EITHER_MARKS:
        return prev.isalnum()
    return prev in URL_BREAK_EITHER_MARKS and nxt.isalnum()


# No break after these between two digits (a number: 3.5, 1,000; UAX #14 LB25 NU IS × NU).
NUMBER_JOINERS = frozenset(".,")
# Break penalties, in Knuth–Plass demerits (a line at the tolerance costs about 12 000):
# after a hyphen between letters (TeX's \exhyphenpenalty 50, squared), after a URL mark,
# and a forced break inside a word or code, the last resort (a line five times looser costs less).
HYPHEN_PENALTY = 50.0 ** 2
URL_PENALTY = 1e6
FORCED_PENALTY = 1e8
# A capitalised word never hyphenated (Style.hyphenate_capitals off) that must still be broken by
# force, being longer than FORCED_SPLIT_EM (Donaudampfschifffahrtsgesellschaftskapitän, Organization
# in a narrow column): at its dictionary points first (Organiza-tion, not Organizat-ion), a little
# below any other forced break.
FORCED_AT_HYPHENATION_PENALTY = 0.9 * FORCED_PENALTY
NO_BREAK = float("inf")


class HyphenRule(NamedTuple):
    """Where a word with a hyphen the copy typed may break: after that hyphen, which ends the line
    as it is (no second hyphen is ever added), at ``penalty`` demerits."""

    kind: str
    example: str
    penalty: float
    source: str


# An explicit hyphen, what a 校对 accepts at a line's end (one table for the line breaker,
# atoms._word_breaks, and for `pagesetter check`, which names the second kind and never fails it):
# - a lower-case compound (well-known, state-of-the-) breaks at its hyphen as a hyphenation does:
#   Chicago Manual of Style, 17th ed., 7.42 ("a hyphenated compound should be broken only at the
#   hyphen"), TeX's \exhyphenpenalty 50.
# - a compound of capitalised parts, a name (Jean-Noël, Jean-Pascal, Müller-Lüdenscheidt,
#   Smith-Johnson; a place, Baden-Württemberg, reads the same and is kept so too) breaks at its
#   hyphen only where nothing else works: Chicago 7.42 allows the break, but a reader sees Jean- /
#   Noël as one person torn in two, and Chinese desks do not break a foreign name (README,
#   hyphenate_capitals). Its cost is above a URL's break (URL_PENALTY) and up to a hundred loose
#   lines (linebreak.LOOSE_DEMERITS, 1e5 a line), below a line `check` fails for its spread
#   (linebreak.VERY_LOOSE_DEMERITS, 5e7) and a forced break (FORCED_PENALTY): a paragraph takes a
#   set of lines within check's limits first.
EXPLICIT_HYPHENS: dict[str, HyphenRule] = {
    "compound": HyphenRule("compound", "well-known", HYPHEN_PENALTY, "Chicago 17th ed. 7.42; TeX \\exhyphenpenalty"),
    "name": HyphenRule("name", "Jean-Noël", 1e7, "Chicago 17th ed. 7.42 (allowed); 校对: a name is kept whole where any "
                       "other set of lines is within check's limits"),
}
NAME_HYPHEN_PENALTY = EXPLICIT_HYPHENS["name"].penalty


def hyphen_kind(before: str, after: str) -> str:
    """Which EXPLICIT_HYPHENS row a typed hyphen between the word parts ``before`` and ``after``
    (letters, apostrophes) is: a name when both parts start with a capital."""
    return "name" if before[:1].isupper() and after[:1].isupper() else "compound"
_NAME_PART = r"[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]+(?:['’][A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]+)*"
_NAME_TAIL = re.compile(rf"(?<![A-Za-z0-9\-])((?:{_NAME_PART}-)*{_NAME_PART})-$")
_NAME_HEAD = re.compile(rf"{_NAME_PART}(?:-{_NAME_PART})*(?![A-Za-z0-9])")


def parted_name(line: str, nxt: str) -> str:
    """The name (Jean-Pascal, Müller-Lüdenscheidt) a line ending in the copy's own hyphen and the
    next line part, an EXPLICIT_HYPHENS "name" by its parts either side of that hyphen; "" where
    none is (a lower-case compound, a code SN-X9000-, a hyphen the line breaker added)."""
    tail, head = _NAME_TAIL.search(line.rstrip()), _NAME_HEAD.match(nxt.lstrip())
    if tail is None or head is None:
        return ""
    before, after = tail.group(1).rsplit("-", 1)[-1], head.group().split("-", 1)[0]
    return f"{tail.group(1)}-{head.group()}" if hyphen_kind(before, after) == "name" else ""


# U+3013 GETA MARK, the Chinese typesetter's mark for a character the case lacks: printed by
# ``missing_glyphs: substitute`` (flow/glyphs.py), written for a Word symbol on import
# (content/sources.py), found by `check` (proof/typography.py); every Noto CJK face has it.
SUBSTITUTE = "〓"


def code_across(line: str, nxt: str) -> str:
    """The run of letters and digits with a digit in it (a number or code: 45,000,000.00, 3300 1617
    8350's groups) that a line ends with and the next goes on with, as printed: what a reader sees
    run across the line end, whether the copy typed a space there or not; "" where none does."""
    tail, head = _CODE_TAIL.search(line.rstrip()), _CODE_HEAD.match(nxt.lstrip())
    if tail is None or head is None:
        return ""
    whole = tail.group() + head.group()
    return whole if HAS_DIGIT.search(whole) else ""


def parted_code(line: str, nxt: str, copy: str) -> str:
    """The number or code (45,000,000.00, a 身份证号 11010119900307123X) a line and the next part
    inside, as the copy has it whole: the line breaker cuts one only by force, where it is wider
    than the line (atoms._whole_names). "" where none is; a break at a space the copy typed between
    two groups (3300 1617 / 8350, 0571-8888 6666 / 13800138000) parts nothing, though the printed
    lines cannot show the space: hence the copy."""
    whole = code_across(line, nxt)
    return whole if whole and whole in copy else ""


_CODE_TAIL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|(?<=[0-9])[,.](?=[0-9]))*$")
_CODE_HEAD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|(?<=[0-9])[,.](?=[0-9]))*")
HAS_DIGIT = re.compile(r"[0-9]")  # an ASCII digit: what makes a word a number or code
# The kind of span a split-span warning names for it (flow/article.py _split_warning).
PARTED_CODE_KIND = "number or code"


# Hyphenation (compose/hyphenate.py): the LibreOffice patterns by script, since a word's language
# cannot be told from it in Chinese copy; words of at least HYPHEN_MIN_WORD letters, keeping
# TeX's \lefthyphenmin 2 and English \righthyphenmin 3 letters at the ends. A break there costs
# HYPHEN_PENALTY (TeX's \hyphenpenalty 50, squared) and prints a hyphen.
HYPHENATION_LANGUAGES: dict[str, str] = {"Latn": "en_US"}
HYPHEN_MIN_WORD = 5
HYPHEN_MIN_LEFT, HYPHEN_MIN_RIGHT = 2, 3
# A word piece wider than this (ems) may be broken at any character, at FORCED_PENALTY.
FORCED_SPLIT_EM = 6.0
# Letters kept together at each end of a word broken by force (TeX's \lefthyphenmin,
# \righthyphenmin).
FORCED_MIN_LEFT, FORCED_MIN_RIGHT = 2, 3

# Invisible format characters (Unicode general category Cf): never printed, they only say
# where a line may or may not break (UAX #14 classes ZW, BA (soft hyphen), WJ).
ZERO_WIDTH_SPACE = "\u200b"  # a break opportunity of no width
SOFT_HYPHEN = "\u00ad"  # a break that prints a hyphen, only when the line breaks there
WORD_JOINERS = frozenset("\u2060\ufeff")  # no break here (U+FEFF: the old zero-width no-break space)
FORMAT_CHARS = frozenset({ZERO_WIDTH_SPACE, SOFT_HYPHEN}) | WORD_JOINERS
# Spaces that join what they stand between (UAX #14 class GL): NBSP, narrow NBSP, figure space.
NO_BREAK_SPACES = frozenset("\u00a0\u202f\u2007")
IDEOGRAPHIC_SPACE = "\u3000"
# Set widths of spaces (em). U+3000 is one em by definition (its name: ideographic, full width).
# An ASCII space the copy has between Chinese characters (记者 张明 通讯员 李华) is kept and set
# half an em (半字空, the unit Founder 书版 calls 空半字): wider than the quarter em between Han
# and Latin (clreq §3.2.2), narrower than the 一字空 an editor types as U+3000. Other spaces
# (between Latin words, NBSP) keep the face's word space.
IDEOGRAPHIC_SPACE_EM = 1.0
CHINESE_SPACE_EM = 0.5
# A line inside one word (the middle of a URL) has no gap to stretch: its letters are spaced
# out evenly to the measure; this much per glyph (em) counts as badness 100 (a line at the tolerance).
LETTERSPACE_EM = 0.1


# A paragraph's last line of fewer than two solid characters (Han, letters, digits; marks and
# spaces are none) is a 孤字 (来。, 值！”, ……”) when it is also shorter than this (em): the 校对's
# rule is against a stub a reader sees as a hole at the paragraph's end, one character and its
# mark (方正书版 禁排: 段末孤字). A line as wide as four characters or more (——“好！” under a
# paragraph, a row of brackets) reads as a line, and loosening earlier lines for it costs more.
LONE_LINE_MAX_EM = 4.0


class ParagraphEnd(NamedTuple):
    """Where a paragraph's last line shows its end, in ems of the line's type size: one table for
    the renderer, which marks in the layout record each last line whose end the page cannot show
    (flow/article.py _set_body, frames of kind "end"), and `check` (proof/typography.py
    _check_column), which reads every other end off the page, and guesses an older PDF's unmarked
    ones from its source map (a blank line in the copy between two lines of the page)."""

    # A last line at least this short of its measure shows its end. A justified line fills its
    # measure: a whole number of ems (TYPOGRAPHY.md "Character grid"; clreq §3.8), its gaps
    # spread; a last line set flush left a character cell short is white a reader sees as the
    # paragraph's end. A tenth of an em under the cell: the read-back measures a mark's end by
    # its ink, which a shrunk line can bring a little nearer the measure.
    visible: float = 0.9
    # The renderer marks a last line short by less than ``visible`` + this, more than `check`
    # needs: a marked line is taken for an end only where it keeps to its measure, so a mark too
    # many costs nothing, and the margin covers a line whose own size is not the one its end is
    # measured in (a run-in lead of another size opens it).
    mark_margin: float = 0.6

    @property
    def marked_below(self) -> float:
        return self.visible + self.mark_margin


PARAGRAPH_END = ParagraphEnd()


# --- What a 校对 keeps together: numbers with their units, 第 with its number, enumerators ---

# Units that follow a number (3月, 2版, 24小时, 50千米), by kind: which a 校对 marks split from their
# number. GB/T 15835-2011 《出版物上数字用法》 keeps a number whole on its line (no 移行 inside it)
# and writes a date or a time as one unit (2022年3月14日, 8时30分); 方正书版's 禁排
# practice keeps them with their number. Such a date or time, a page or issue reference (第2版,
# 109期) and a magnitude or approximation that is part of the number itself (8,600万, 1.2亿,
# 1,600余; GB/T 15835 writes 万 and 亿 as units of the numeral) are kept: a split reads as a
# broken number. A counted quantity (348个, 12.5公里, 24小时) is a number and the word it counts:
# clreq's 禁则 (§3.1.7) have no rule for it and Typst breaks there; a 校对 weighs such a split
# against a loose line, so it may split in every pass, at a cost above one loose line
# (QUANTITY_SPLIT_COST; LOOSE_DEMERITS in linebreak.py).
# The lists are ours: the time and counting words of news copy (量词) and the units of
# GB 3100-1993 in Chinese.
DATE_TIME_UNITS: tuple[str, ...] = ("年", "月", "日", "号", "时", "分", "秒", "点")
REFERENCE_UNITS: tuple[str, ...] = ("版", "期", "页", "章", "节", "届", "万", "亿", "余", "多", "%", "％", "‰", "℃")
# 元 stays a counted unit (session 15 tried it with the units above: torture-numbers.yaml's
# 比上年增加3,200元 then set three lines of its column spread a third of an em, which a 校对 marks
# sooner than 3,200 / 元 at a line's end).
QUANTITY_UNITS: tuple[str, ...] = (
    "平方公里", "平方米", "立方米", "千瓦时", "小时", "分钟", "千米", "公里", "千克", "公斤", "毫米", "厘米",
    "天", "周", "个", "元", "角", "条", "名", "人", "次", "岁", "倍", "度", "户", "辆", "台", "座", "场", "例",
    "层", "楼", "栋", "项", "件", "家", "所", "米", "吨", "克", "升", "亩", "艘", "架", "份", "批", "起",
)
MEASURE_WORDS: tuple[str, ...] = DATE_TIME_UNITS + REFERENCE_UNITS + QUANTITY_UNITS
# What a line ending between a number and a counted quantity's unit costs (demerits): twice a
# loose line (LOOSE_DEMERITS 1e5), so it spares two loose lines, never one; measured on the bench
# texts (bench/typography.py).
QUANTITY_SPLIT_COST = 2e5
# A date or time parted between its parts (2022年 / 5月, 3月 / 14日; never inside a number or
# between a number and its unit): no number is cut (GB/T 15835-2011 keeps each value whole on its
# line), but a 校对 marks it. Three loose lines' worth: taken only to spare a line spread past
# some 0.2 em between Han, which costs more (bench/typography.py --pages: the numbers page sets
# 3月 / 14日 once where the only other set of lines has one spread a quarter em).
DATE_SPLIT_COST = 3e5
# A number parted from its unit (11 / 月29日, 5 / %, 2分05 / 秒48): as dear as a sign parted from its
# figure (SIGN_SPAN), more than a line spread past the limit (linebreak.py VERY_LOOSE_DEMERITS +
# PAST_LIMIT_DEMERITS, 2e8): the figure left at a line's end reads as a value of its own (GB/T
# 15835-2011 §5.1.8.2 keeps a value in figures on one line), where a gappy line is one of looks.
# At 6.5e7 (to session 14) an eight-character caption (a fit picture's, flow/article.py) set
# 拍摄于11 / 月29日 rather than one line spread past a quarter em; `check` judges no caption's
# spacing, so nothing failed. The fallback stays: a cost, not a ban, so a number and unit wider
# than the measure still part (a forced break, never a line set over the measure). In body text
# either split fails `pagesetter check`, so a page that passed keeps its breaks. A date parted
# between its parts (11月 / 29日, DATE_SPLIT_COST) is not this: it still parts to spare a gappy line
# (tried at up to 1e7 for 月日 in session 15, the eight-character caption kept parting it: its
# other sets of lines each had one spread past a quarter em). Nor is a time's fraction parted from
# its 秒 (2分05秒 / 48, SECONDS_FRACTION_SPAN: at this cost trial-figures.yaml set 今天的比赛2分 0.44 em
# apart instead), which stays at 6.5e7: where 2分05秒48 must part, it parts there, not at 05 / 秒.
NUMBER_UNIT_COST = 2.5e8
# Numbers as they are written in Chinese copy: ASCII or full-width digits, Chinese numerals.
DIGITS = "0-9０-９"
CHINESE_NUMERALS = "〇一二三四五六七八九十百千两"
# 连接号 between numbers (GB/T 15834-2011 §4.13: 一字线 —, 浪纹线 ～, and the en dash copy brings).
RANGE_MARKS = "—―～–"
# Clause ends after which a list item may start (and a paragraph's start).
CLAUSE_ENDS = "。；：！？"
# Enumerators written with digits or numerals (1.  1、 （1） (1) 一、 （一）) at a paragraph's or a
# clause's start: like ①, one must not end a line (clreq §3.1.7 keeps an opening unit with what
# follows).
ENUMERATOR_PATTERN = (rf"(?:^|(?<=[{CLAUSE_ENDS}]))(?:[{DIGITS}]{{1,3}}[.．、]|[{CHINESE_NUMERALS}]{{1,3}}、"
                      rf"|[（(](?:[{DIGITS}]{{1,3}}|[{CHINESE_NUMERALS}]{{1,3}})[）)])")
# Spans of text kept on one line (no break inside; an enumerator, nor right after it): each
# pattern is searched on its own, so spans may overlap (第2版: 第2 and 2版). ``cost``: the
# demerits of a line ending inside the span (linebreak.py). A 校对 marks such a split, and marks
# a loose line too (Han spread past LOOSE_EM, spacing.py; LOOSE_DEMERITS 1e5): 第 and a Chinese
# numeral may split in any pass, weighed against loose lines. The rest (``every_pass`` False)
# may split only in the line breaker's last pass, and cost more than a very loose line at the
# limit (VERY_LOOSE_DEMERITS 5e7) but less than one past it, which `pagesetter check` fails
# (PAST_LIMIT_DEMERITS 1.5e8 more): they yield to nothing else. The rules a reader trips over
# most cost most (a number cut in two, an enumerator left alone, a range). ``kind`` names the
# hard ones for `pagesetter check`, which fails a page that splits one (proof/typography.py).
class KeepTogether(NamedTuple):
    pattern: str
    cost: float
    every_pass: bool
    # (A pattern with a group named ``keep`` keeps only that group whole, the rest being context:
    # DATELINE_DATE_AND_DIAN.)
    # What a 校对 calls the split, named by the build and `pagesetter check`; "" where they do not
    # judge it. `check` fails a split the line breaker makes only as its last resort (every_pass
    # False) and counts, naming each, one it may make to spare loose lines.
    kind: str = ""


# A date or a time is one unit (GB/T 15835-2011 §4.2.2, §4.3: 2022年5月14日, 8时30分): no break
# between its parts either (2022年 / 5月 reads as two figures).
DATE_SPAN = (rf"[{DIGITS}]+(?:年[{DIGITS}]+月(?:[{DIGITS}]+日)?|月[{DIGITS}]+[日号])"
             rf"|[{DIGITS}]+[时点][{DIGITS}]+分(?:[{DIGITS}]+秒)?")
# A clock time (GB/T 15835-2011 §4.3.2: 9:00, 17:30:05) carries its unit in its colon: a 时, 分,
# 秒 or 点 after it starts a word (9:00—17:00分段试跑: 分段, 17:00点名), never a unit of it.
CLOCK_UNITS: tuple[str, ...] = ("时", "分", "秒", "点")
_CLOCK = rf"[{DIGITS}]{{1,2}}[:：][{DIGITS}]{{2}}(?:[:：][{DIGITS}]{{2}})?"
# Behind a digit: it is not the last digit of a clock time (17:00 or 9:5), so a 分 after it is no unit.
_NOT_A_CLOCK = rf"(?<![:：])(?<![:：][{DIGITS}])"
# A range of numbers (GB/T 15834-2011 §4.13 for the 连接号 — ～ – and the hyphen copy brings;
# GB/T 15835-2011 §4.1.4 for the form: 0～7℃, 3—5天, 9:00-17:00, 2022-2026年): one unit from its
# first figure to its unit, so no line ends or starts inside it (clreq §3.1.7 keeps a number whole).
# Two whole numbers, not part of a code (XK-20220630-000123: a letter, a digit or a hyphen on
# either side makes it one, broken as Latin is). The first figure may carry its unit or magnitude
# too (GB/T 15835-2011 §4.1.4.2 writes each figure of a range of percentages or magnitudes with
# its own: 6.2%—8.7%, 2万～3万元, 5℃～10℃, 300元—500元); a range of clock times takes no
# 时/分/秒/点 after it (CLOCK_UNITS).
RANGE_FIRST_UNITS: tuple[str, ...] = ("万元", "亿元", "万", "亿", "元", "%", "％", "‰", "℃")
_NUMBER = rf"[{DIGITS}]+(?:[.,][{DIGITS}]+)*"
_AFTER_FIGURE = rf"(?![A-Za-z{DIGITS}\-])"
_RANGE_UNITS = "|".join(sorted(set(QUANTITY_UNITS + DATE_TIME_UNITS + REFERENCE_UNITS + RANGE_FIRST_UNITS),
                               key=len, reverse=True))  # the longest first: 万元 before 万
# Either figure may carry a minus (−9～−1℃, -5～-1: the sign is part of the number, SIGN_SPAN).
_MINUS = "[-−]?"
RANGE_SPAN = (rf"(?<![A-Za-z{DIGITS}\-−:：])(?:{_MINUS}{_CLOCK}[{RANGE_MARKS}\-]{_CLOCK}{_AFTER_FIGURE}"
              rf"|{_MINUS}{_NUMBER}(?:{'|'.join(RANGE_FIRST_UNITS)})?(?:[{RANGE_MARKS}]{_MINUS}|-){_NUMBER}"
              rf"{_AFTER_FIGURE}(?:{_RANGE_UNITS})?)")

# Three or more whole numbers joined by hyphens (GB/T 15835-2011 §4.2.2 writes a date 2026-07-01
# so; a record of wins, draws and losses 8-8-10, a score 1-0-3, a telephone number 027-8888-1234):
# one figure, kept whole like a range (RANGE_SPAN, which takes two numbers only: a chain has a
# hyphen after its second). Not a code: a letter on either side (XK-20220630-000123) makes it
# one, broken as Latin is; nor one figure of a range of clock times (a colon before it).
NUMBER_CHAIN = rf"(?<![A-Za-z{DIGITS}\-:：.,])[{DIGITS}]+(?:-[{DIGITS}]+){{2,}}(?![A-Za-z{DIGITS}\-])"


# A telephone number written in groups (the forms of Chinese copy under the MIIT's numbering plan,
# 电信网编号计划): an area code of 0 and two or three digits,
# a hyphen, and a subscriber number of seven or eight digits, whole or in a group of three or four
# and a group of four, parted by a space or a hyphen (0431-8888 6666, 010-6512 3456, 0431-88886666);
# a mobile number of three, four and four digits starting 13-19, parted by spaces or hyphens
# (138 0013 8000); a 400 or 800 service number (400 820 8820). Kept whole as a number is (a
# space in it is no word space). Precisely these forms and no other: figures that merely follow
# one another with spaces (a table's row, 2026 1234) are never joined. The separators are optional
# so that `check`, which reads a line without the space it ended at, finds one split there too.
PHONE_NUMBER = (rf"(?<![A-Za-z{DIGITS}\-.,])(?:0[0-9]{{2,3}}-[0-9]{{3,4}}[ -]?[0-9]{{4}}"
                r"|1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}|[48]00[ -]?[0-9]{3}[ -]?[0-9]{4})"
                rf"(?![A-Za-z{DIGITS}\-])")
# Words of magnitude that are part of the number before them (US$4.2 billion, 3 million): the
# Chicago Manual of Style (17th ed., chapter 9: large round numbers and sums of money) writes them
# as a figure and such a word, one quantity, as GB/T 15835-2011 writes 万 and 亿 as units of the numeral (REFERENCE_UNITS).
# A space or NBSP may stand between; any case (a headline's Billion); a plural s.
MAGNITUDE_WORDS: tuple[str, ...] = ("thousand", "million", "billion", "trillion", "quadrillion")
MAGNITUDE_SPAN = rf"[{DIGITS}][ \u00a0]?(?i:{'|'.join(MAGNITUDE_WORDS)})s?(?![A-Za-z])"
# A wire dateline (电头: 新华社华盛顿11月30日电, 本报北京6月30日电, …日专电): the agency (…社, 本报),
# the place, the date and 电, which a 校对 never sees parted from its date (新华社华盛顿11月30日 / 电);
# the whole is kept on one line where it fits (parted at a date's cost, DATE_SPLIT_COST, where the
# line it would fill cannot hold it: a first line after its indent is often shorter than a
# dateline). Only the 电 after a date behind an agency and a place (DATELINE_DATE_AND_DIAN's
# group ``keep``: the span kept is that group), never 30日电力 in running text.
DATELINE_AGENCY = r"(?:[\u4e00-\u9fff]{1,3}社|本报)"
DATELINE_SPAN = (rf"{DATELINE_AGENCY}[\u4e00-\u9fff·]{{1,12}}?[{DIGITS}]{{1,2}}月[{DIGITS}]{{1,2}}日专?电")
DATELINE_DATE_AND_DIAN = rf"(?<=[社报])[\u4e00-\u9fff·]{{1,12}}?[{DIGITS}]{{1,2}}月[{DIGITS}]{{1,2}}(?P<keep>日专?电)"


# A sign typed before a number (−4.1%, ±0.5; the README tells editors to type U+2212 for a minus):
# part of the number (GB/T 15835-2011 §4.1.4 writes −8℃ so; UAX #14 gives U+2212 class PR, which
# LB25 keeps before a digit). The ASCII hyphen-minus is a mark of the word it starts already
# (atoms.py WORD_MARKS); these are not, so a line could end after one (下跌− / 4.1%).
NUMBER_SIGNS = "−±∓"
SIGN_SPAN = rf"[{NUMBER_SIGNS}][{DIGITS}]"
# The signs a figure may carry (NUMBER_SIGNS, and the ASCII + and - copy types for them: +2.3%,
# -4.1%): one typed directly before a figure is set as a piece of the number (atoms._word), so the
# Han–Latin gap (clreq §3.2.2) goes before the sign, as before the figure of 跌4.1%, never between
# the sign and its figure (跌 −4.1%, not 跌−4.1% solid nor 跌− 4.1%). `pagesetter check` holds the
# gap before such a sign to clreq's eighth (proof/typography.py _latin_side).
FIGURE_SIGNS = frozenset(NUMBER_SIGNS + "+-")
# But the ASCII mark after a Han that follows a figure joins two values, a date's or a quantity's
# unit to the next figure (2026年-2027年, 1月-3月): a range, as content/normalise.py _sign_place
# leaves it (a hyphen, not a minus sign), set solid between them, not as the sign of -2027.
JOINING_SIGNS = frozenset("+-")


def after_figure_unit(text: str, k: int) -> bool:
    """Does text[k] follow a Han that follows a figure (2026年-, 1月-)? ``text`` may be a sequence
    of the read-back characters' texts."""
    return k >= 2 and text[k - 2][-1:].isdigit() and is_cjk(text[k - 1][:1])


def is_figure_sign(text: str, k: int) -> bool:
    """Is text[k], typed directly before a figure, that figure's sign (FIGURE_SIGNS, not a
    JOINING_SIGNS mark between a figure's unit and the next figure)?"""
    return text[k] in FIGURE_SIGNS and not (text[k] in JOINING_SIGNS and after_figure_unit(text, k))


# A score or ratio written with U+2236 RATIO (3∶1, 1∶1; GB/T 15834-2011 §4.12 prints a ratio's
# colon so) or, as copy often types it, the full-width colon (3：1; a clock time 9：30 reads the
# same): one figure, never 3∶ / 1 nor 1 / ∶1.
RATIO_SPAN = rf"[{DIGITS}]+[∶：][{DIGITS}]+"
# A difference or score written with the minus sign between two figures (7−3, 11−9; the normaliser
# sets a full-width － so, content/normalise.py FIGURE_MINUS): one figure, as a ratio is, never
# 7 / −3 (which reads as two numbers, the second negative) nor 7− / 3.
DIFFERENCE_SPAN = rf"[{DIGITS}]+\u2212[{DIGITS}]+"
# The full-width colon between two figures (3：1) is that ratio sign: set at its style's width (开明:
# half an em), it takes back no blank of its own in a loose line, which would print 3： 1
# (atoms._cut_atoms sets it as a symbol, class OTHER, as ∶ is).
RATIO_COLONS = frozenset("：")
# A stock code (600519.SH, 000001.SZ, 00700.HK, 830799.BJ: the exchanges' own form, six digits for
# Shanghai, Shenzhen and Beijing, four or five for Hong Kong): one code, never 600519. / SH (a
# code's period is otherwise a break, UAX #14 IS, atoms.CODE_BREAK_AFTER).
STOCK_CODE_SPAN = r"(?<![A-Za-z0-9.])(?:[0-9]{6}\.(?:SH|SZ|BJ)|[0-9]{4,5}\.HK)(?![A-Za-z])"
# A time's last part: the figures after 秒 are its fraction (a race time, 2分05秒48, 9秒83; GB/T
# 15835-2011 §4.3 writes a time as one unit): 秒 and the figure after it are one unit, and the
# chain before, 2分05秒48, a time between its parts (DATE_SPAN's cost: parted only to spare a loose line).
SECONDS_FRACTION_SPAN = rf"(?<=[{DIGITS}])秒[{DIGITS}]"
TIME_CHAIN_SPAN = rf"[{DIGITS}]+(?:分[{DIGITS}]+)?秒[{DIGITS}]+"

# An index's base, 104.5（2020年=100）, 2015＝100: one expression, never parted before its = nor
# after it (trial 12: （2020年 / =100）, a line starting with =).
INDEX_BASE_SPAN = rf"[{DIGITS}]年?[=＝][{DIGITS}]"


KEEP_TOGETHER_PATTERNS: tuple[KeepTogether, ...] = (
    # 第2版, 第109号: an issue, page or serial number (GB/T 15835's digits)
    KeepTogether(rf"第[{DIGITS}]", 6e7, False, "第 and its number"),
    # 第三, 第一次: a word like any other in Chinese, where lines split words; the mildest split, to
    # spare a loose line (and 第一线, the front line, is no ordinal at all)
    KeepTogether(rf"第[{CHINESE_NUMERALS}]", 5e4, True),
    # 3月14日, 8时30分, 2版, 8,600万: dates, times, references and magnitudes stay whole (the longest
    # unit first: 小时 is a quantity, 时 a time)
    # (not after a clock time, 17:00分段, where the unit is its colon: CLOCK_UNITS)
    # (and a full-width unit symbol, 96㎡, 3‰: GRID_UNITS, never parted from its number by the composer)
    KeepTogether(rf"{_NOT_A_CLOCK}[{DIGITS}](?!(?:{'|'.join(QUANTITY_UNITS)}))"
                 rf"(?:{'|'.join(DATE_TIME_UNITS + REFERENCE_UNITS)}|[{''.join(sorted(GRID_UNITS))}])", NUMBER_UNIT_COST, False,
                 "number and unit"),
    # 2022年5月, 12月2日, 8时30分: the parts of one date or time, parted only to spare a gappy line
    KeepTogether(DATE_SPAN, DATE_SPLIT_COST, True, "date between its parts"),
    # 348个, 12.5公里, 24小时: a counted quantity, split only to spare loose lines
    KeepTogether(rf"[{DIGITS}](?:{'|'.join(QUANTITY_UNITS)})", QUANTITY_SPLIT_COST, True, "number and counted unit"),
    # with the character it numbers (no ``kind``: its pattern needs the paragraph's start, which
    # `check` cannot see; a ① left at a line end is its kinsoku, NOT_AT_LINE_END)
    KeepTogether(rf"{ENUMERATOR_PATTERN}.", 7e7, False),
    # full-width digits are set one by one: the number stays whole
    KeepTogether(r"[０-９]{2,}", 7.5e7, False, "number"),
    # A range, 0～7℃, 8:00—11:30, 9:00-17:00, 3—5天: whole, its 连接号 neither ending nor starting a
    # line (JIS X 4051 class cl-03 for the mark). The dearest of the spans: it parts only where every
    # other set of lines has one `pagesetter check` fails (spread past VERY_LOOSE_LIMIT).
    KeepTogether(RANGE_SPAN, 8e7, False, "range"),
    # 8-8-10, 2026-07-01, 027-8888-1234: as dear as a range, the same hyphen between numbers
    KeepTogether(NUMBER_CHAIN, 8e7, False, "numbers joined by hyphens"),
    # 0431-8888 6666, 138 0013 8000: a telephone number in groups, as dear as a chain of numbers
    KeepTogether(PHONE_NUMBER, 8e7, False, "telephone number"),
    # 4.2 billion: a number and its magnitude word (a word, not a unit character: parted before a gappy line)
    KeepTogether(MAGNITUDE_SPAN, 6.5e7, False, "number and magnitude"),
    # −4.1%, ±0.5: a sign and its number. Dearer than any other span and than a line spread past
    # the limit (VERY_LOOSE_DEMERITS + PAST_LIMIT_DEMERITS, 2e8, and its badness), which `check`
    # fails too: a minus left at a line's end reads as a hyphen or a dash and the figure after it
    # as a rise (下跌− / 4.1%), an error of fact, where a gappy line is one of looks. A line spread
    # far past the limit (some 0.45 em between Han, whose badness adds more) still costs more.
    KeepTogether(SIGN_SPAN, NUMBER_UNIT_COST, False, "sign and its number"),
    # 3∶1, 0∶2: a score or ratio is never parted by the line breaker (NO_BREAK in every pass): 0 /
    # ∶2 or 3∶ / 1 misquotes a result, an error of fact, where a gappy line (set short past a
    # hole: lines.set_line) is one of looks. Only where no set of lines keeps it whole (it and what
    # kinsoku holds to it wider than the line) does first fit part it (lines.break_lines), and the
    # build says that (trial 17a: parted at 8e7 beside a line already 1.93 em apart)
    KeepTogether(RATIO_SPAN, NO_BREAK, False, "ratio"),
    # 7−3, 11−9: a difference or a score written with the minus sign, never parted, as a ratio
    KeepTogether(DIFFERENCE_SPAN, NO_BREAK, False, "difference"),
    # 600519.SH: a stock code, as dear as a number cut in two
    KeepTogether(STOCK_CODE_SPAN, 7.5e7, False, "stock code"),
    # 9秒83: a time's fraction and its 秒, as dear as a number and its unit; 2分05秒48 a time's parts
    KeepTogether(SECONDS_FRACTION_SPAN, 6.5e7, False, "time and its fraction"),
    KeepTogether(TIME_CHAIN_SPAN, DATE_SPLIT_COST, True, "time between its parts"),
    # 11月30日电: a dateline's date and 电, as dear as a number and its unit
    KeepTogether(DATELINE_DATE_AND_DIAN, 6.5e7, False, "dateline's date and 电"),
    # 新华社华盛顿11月30日电 on one line where it fits; parted inside, where it cannot, at a date's
    # cost
    KeepTogether(DATELINE_SPAN, DATE_SPLIT_COST, True, "dateline"),
    # 2020年=100: an index's base, parted as a 连接号 is, only past a word broken by force: a line
    # starting with = (or a line ending with one) is a 校对's kinsoku mark, and as a number and its
    # unit (6.5e7) it was still parted to spare a gappy line
    KeepTogether(INDEX_BASE_SPAN, 1e9, False, "index base"),
    # and where it must part, never before its 连接号: that would start a line with the mark
    # (kinsoku), dearer than a word broken by force (FORCED_PENALTY) and a line past the limit
    KeepTogether(rf"(?:[{DIGITS}]|{'|'.join(RANGE_FIRST_UNITS)})[{RANGE_MARKS}](?={_MINUS}[{DIGITS}])", 1e9, False),
)
# What breaking at a no-break space (NO_BREAK_SPACES: Mr.\u00a0Wang, 10\u00a0km) costs in the last
# pass: the copy asked for no break there, but not at the price of a line `pagesetter check` fails.
NO_BREAK_SPACE_PENALTY = 6e7
