"""Half-width punctuation in Chinese text becomes full-width, and the editor is told where.

Copy reaches the desk from everywhere (agencies, Word, WeChat, text pulled out of PDFs),
and ASCII commas in Chinese text are its commonest artefact. GB/T 15834-2011 《标点符号用法》
§4 prescribes the full-width marks for Chinese text; W3C clreq §3.1 sets them on the
character grid. Latin words and numbers keep their own characters (APP, 12123, 1,000).
The files are never rewritten: the change happens at build time and each one is reported
with the line and column of the character in its file.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import replace
from typing import Iterable, Sequence

from pagesetter.compose.chars import DATE_TIME_UNITS, QUANTITY_UNITS, RANGE_FIRST_UNITS, REFERENCE_UNITS, after_figure_unit
from pagesetter.content.invisible import ANY_HIDDEN, dropped as hidden_dropped
from pagesetter.content.model import Article, Change, Paragraph, Photo, Span
from pagesetter.content.reader import char_loc, value_locs
from pagesetter.errors import Loc
from pagesetter.incremental import Memo, by_value
from pagesetter.records import record

# GB/T 15834-2011 §4: the full-width form of each mark when it stands in Chinese text.
HALF_TO_FULL: dict[str, str] = {
    ",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）",
}

# What makes a mark "Chinese": the nearest character beside it is a Han ideograph or a
# CJK / full-width punctuation mark. Unicode blocks per W3C clreq §3 and Appendix A (Han
# characters, Chinese punctuation) and the marks of GB/T 15834-2011 §4.
CHINESE_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x2E80, 0x2EFF, "CJK Radicals Supplement"),
    (0x2F00, 0x2FDF, "Kangxi Radicals"),
    (0x3000, 0x303F, "CJK Symbols and Punctuation"),  # 、。《》「」【】〔〕 and the ideographic space
    (0x3400, 0x4DBF, "CJK Unified Ideographs Extension A"),
    (0x4E00, 0x9FFF, "CJK Unified Ideographs"),
    (0xF900, 0xFAFF, "CJK Compatibility Ideographs"),
    (0xFE10, 0xFE1F, "Vertical Forms"),
    (0xFE30, 0xFE4F, "CJK Compatibility Forms"),
    (0xFF01, 0xFF60, "Fullwidth ASCII variants"),  # ，；：！？（） and full-width letters and digits
    (0xFFE0, 0xFFE6, "Fullwidth signs"),
    (0x20000, 0x2FA1F, "CJK Unified Ideographs Extensions B–F, Compatibility Supplement"),
    (0x30000, 0x323AF, "CJK Unified Ideographs Extensions G–H"),
)
# Marks outside those blocks that GB/T 15834-2011 uses as Chinese punctuation: 破折号 ——,
# 省略号 ……, 间隔号 ·.
CHINESE_MARKS = frozenset("—…·")
# Quotation marks Chinese shares with English (GB/T 15834-2011 §4.1 “ ” ‘ ’): they decide
# nothing themselves, so the search for the deciding neighbour looks through them.
SHARED_QUOTES = frozenset("“”‘’\"'")
# Spaces between Chinese characters mean something (本报讯（记者 张明 通讯员 李华）, a run-in
# lead and its text, 一字空 typed as U+3000): they are kept, and set with the widths of
# compose/chars.py. Only the extras go: of a run of spaces and tabs between Chinese characters,
# the first ASCII space stays (or every U+3000 of the run, when it has one); the rest are removed.
# A tab alone is a copy artefact (it has no glyph): removed.
STRAY_SPACES = frozenset(" \t")
IDEOGRAPHIC_SPACE = "\u3000"
OPEN, CLOSE = "(", ")"


def is_chinese(ch: str) -> bool:
    cp = ord(ch)
    return ch in CHINESE_MARKS or any(lo <= cp <= hi for lo, hi, _ in CHINESE_RANGES)


@record(frozen=True)
class Edit:
    """One change to a text: ``before`` at ``offset`` becomes ``after`` ("" = removed)."""

    offset: int
    before: str
    after: str
    reason: str


def _neighbour(text: Sequence[str], i: int, step: int) -> str | None:
    """The nearest character from ``i`` in direction ``step`` that is neither a space nor a shared quote."""
    j = i + step
    while 0 <= j < len(text):
        ch = text[j][:1]  # a list of _marks' characters: a run's marks read as their first, its emptied places skipped
        if ch and not ch.isspace() and ch not in SHARED_QUOTES:
            return ch
        j += step
    return None


def _chinese_beside(text: Sequence[str], i: int) -> bool:
    return any(ch is not None and is_chinese(ch) for ch in (_neighbour(text, i, -1), _neighbour(text, i, 1)))


def _paren_pairs(text: str) -> dict[int, int]:
    """ASCII parentheses matched by nesting: index of each ( to its ), and back."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == OPEN:
            stack.append(i)
        elif ch == CLOSE and stack:
            j = stack.pop()
            pairs[j], pairs[i] = i, j
    return pairs


def _pair_is_chinese(text: str, i: int, j: int) -> bool:
    """A pair is Chinese when it holds Chinese (社区(村)) or stands beside it (组织(WHO)): both halves change."""
    return any(is_chinese(ch) for ch in text[i + 1:j]) or _chinese_beside(text, i) or _chinese_beside(text, j)


# A pair of ASCII parentheses that belongs to a Latin or figure token stays half-width: its
# content only ASCII letters and digits (a point or sign between them), its opening bracket right
# after a letter or digit with no space: a tiebreak score 7-6(1), a clause 第3(1)条, a formula
# Ca(OH)2, a note mark. GB/T 15834-2011 §4 prescribes the full-width marks for Chinese text;
# these brackets are the token's own characters, as the comma of 1,000 is (this module keeps
# Latin words and numbers as typed; W3C clreq §3.2, mixed text, keeps Western text's own
# characters and widths). Full-width stay (1) opening a paragraph (the 序次语 （1）), (1) after
# Han, and brackets holding Chinese: the rule asks the letter or digit before the bracket.
TOKEN_BRACKETS = re.compile(r"[A-Za-z0-9](\([A-Za-z0-9]+(?:[.+\-][A-Za-z0-9]+)*\))")


def _token_pairs(text: str) -> frozenset[int]:
    """The offsets of the opening brackets of TOKEN_BRACKETS pairs in ``text``."""
    return frozenset(m.start(1) for m in TOKEN_BRACKETS.finditer(text))


# Straight double quotes, what an English keyboard types for “ ” (trial 14 #10: 说："没想到…！" printed
# as typed). Paired in order within a paragraph; a pair holding or beside Chinese is set “ ” (GB/T
# 15834-2011 §4.8). A paragraph with an odd number of them cannot be paired with confidence: each
# one in Chinese text is left as typed and reported (UNPAIRED).
STRAIGHT_QUOTE = '"'
UNPAIRED = "straight quote without a partner in its paragraph: left as typed; write “ or ” in the copy"
# The ASCII full stop ending a Chinese sentence (全市上下紧急行动.): set 。 (GB/T 15834-2011 §4.1) when the
# character before it is Chinese and after it (quotes and spaces aside) comes the paragraph's end or
# Chinese. A point in a number (1.2亿, １.５), a URL or an abbreviation (www.gov.cn, U.S.) has a
# letter or a digit beside it, and an ellipsis typed as ... has a point: those stay.
FULL_STOP = "."


def _hanzi_side(ch: str | None) -> bool:
    """Chinese beside a full stop: not a digit or a letter, even a full-width one (１.５, Ａ.)."""
    return ch is not None and is_chinese(ch) and not ch.isdigit() and not ("\uff21" <= ch <= "\uff5a")


def _full_stops(text: str) -> list[int]:
    out = []
    for i, ch in enumerate(text):
        if ch != FULL_STOP or i == 0 or text[i - 1].isspace() or text[i - 1] == FULL_STOP \
                or text[i + 1:i + 2] == FULL_STOP:
            continue
        after = _neighbour(text, i, 1)
        if _hanzi_side(_neighbour(text, i, -1)) and (after is None or _hanzi_side(after)):
            out.append(i)
    return out


# Full-width digits and Latin letters (２０２６年, ＧＤＰ: what a Chinese input method types in its
# full-width mode, U+FF10–FF19, FF21–FF3A, FF41–FF5A): GB/T 15835-2011 §5.1.8.1 sets the Arabic
# numerals of a publication 二分字身, half a Han's width (and W3C clreq §3.2 sets Western letters and figures in
# their proportional, half-width forms), so a 校对 marks ２０２６ and ＧＤＰ in a line of body,
# caption or headline. Set half-width and reported, as a half-width mark set full-width is. With the
# figures, the signs typed with them in the same full-width mode go half-width too (NUMBER_MARKS):
# ％ after a full-width figure (５％ → 5%, as the standard's own examples write it), ． between two
# (５．２ → 5.2) but for an enumerator's point (３．１２月 at a paragraph's or a clause's start, the
# 序次语 3． before 12月, chars.ENUMERATOR_PATTERN). A ％ or ． beside a half-width figure is the copy's
# own choice (5％, 3．12月总结: the engine sets both, compose/chars.py); they and every other
# full-width mark (，（）：) are kept. A
# vertical headline keeps them as typed (Article.vertical_forms): compose/vertical.py sets ２０２６
# upright one per em, the older vertical practice, and 2026 turned (GB/T 15835-2011 §5.1.8.3).
FULL_WIDTH_ALNUM: tuple[tuple[int, int, str], ...] = (
    (0xFF10, 0xFF19, "full-width digit"),
    (0xFF21, 0xFF3A, "full-width capital letter"),
    (0xFF41, 0xFF5A, "full-width small letter"),
)
_HALF_WIDTH_OFFSET = 0xFEE0  # U+FF01–FF5E are U+0021–007E moved up by this (Unicode §18.5, Halfwidth and Fullwidth Forms)
# A number's marks typed full-width: the character, the half-width one, and where it belongs to the
# number (after a figure; between two figures).
NUMBER_MARKS: tuple[tuple[str, str, str], ...] = (
    ("％", "%", "after"),
    ("．", ".", "between"),
)
# A figure's sign and a fraction's slash typed in the same full-width mode (－０．０１２３, ＋０．５％,
# １／４; trial 18a #4: kept full-width while the digits went half-width, they printed "－ 0.0123", an
# em-wide sign parted from its number and out of line with a −0.0100 in a table's column). GB/T
# 15835-2011 §5.1.8.1 sets a figure 二分字身: its sign and its slash go with it, set as the figure's
# own (+; the minus sign −, U+2212, ISO 80000-2 2-9.2 and GB 3102.11, as a typed hyphen-minus before
# a figure is, _sign_edits; /). The character, what it becomes, and where: "sign" before a figure
# (full- or half-width: the parted em shows either way) where a number starts, as for a typed
# hyphen-minus (_sign_place: a table's cell start, a mark, a Han not after a figure); "between"
# after a letter, a figure or 2026年 (a ／ only between two figures). A － there (０４３１－８８８８６６６６,
# ３－１, ＸＫ－２０２６, ２０２６年－２０２７年) is a code's, a score's or a range's hyphen, not a sign:
# set as the hyphen-minus the same copy typed half-width keeps (_starts_number). A ＋ or － before
# no figure (记者－李明, 加号＋) is the copy's own: kept as typed.
SIGN_MARKS: tuple[tuple[str, str, str], ...] = (
    ("＋", "+", "sign"),
    ("＋", "+", "between"),
    ("－", "\u2212", "sign"),  # MINUS_SIGN
    ("－", "-", "between"),
    ("／", "/", "between"),
)


# A full-width － between two whole numbers, neither a code's nor a range's: a subtraction or a
# score typed with the full-width minus (７－３＝４, 以１１－９拿下). Set as the minus sign − (ISO 80000-2
# 2-9.2, GB 3102.11: the sign of subtraction; a 校对 marks a hyphen there, which may end a line as a
# word's hyphen does), kept whole with its figures (compose/chars.py DIFFERENCE_SPAN). Not when:
# a unit follows the second figure (１－３日, ３－５天: a range, set - as the README's range rule
# keeps it, RANGE_SPAN); a figure starts with 0 and is longer than one digit, or either is longer
# than FIGURE_MINUS_DIGITS (０４３１－８８８８６６６６, a telephone number or code); a third number
# is chained on (２０２６－０７－０１, NUMBER_CHAIN); a letter, a point or a hyphen touches either end
# (ＸＫ－２０２６, 3.5－1). FIGURE_MINUS_UNITS are compose/chars.py's units, as RANGE_SPAN reads them.
FIGURE_MINUS = "\u2212"  # MINUS SIGN
FIGURE_MINUS_DIGITS = 3  # a score or a small sum: 105－98; four figures and more read as a code
FIGURE_MINUS_CHAINS = frozenset("-－.．/／")  # beside a figure: a code's, a decimal's or a date's
FIGURE_MINUS_UNITS: tuple[str, ...] = tuple(sorted(
    set(QUANTITY_UNITS + DATE_TIME_UNITS + REFERENCE_UNITS + RANGE_FIRST_UNITS), key=len, reverse=True))


def _whole(digits: str) -> bool:
    """A whole number as a score's or a sum's: 0, or up to FIGURE_MINUS_DIGITS figures not led by 0."""
    return digits == "0" or (0 < len(digits) <= FIGURE_MINUS_DIGITS and digits[0] != "0")


def _difference_at(text: str, i: int) -> bool:
    """Is the full-width － at ``i`` (between two figures) a difference's or a score's minus
    (FIGURE_MINUS), by its figures and what stands around them?"""
    def is_figure(ch: str) -> bool:
        return ch.isdigit() and (ch.isascii() or "\uff10" <= ch <= "\uff19")

    a = i
    while a > 0 and is_figure(text[a - 1]):
        a -= 1
    b = i + 1
    while b < len(text) and is_figure(text[b]):
        b += 1
    if not (_whole(text[a:i]) and _whole(text[i + 1:b])):
        return False
    before, after = text[a - 1:a], text[b:b + 1]
    # a Latin letter (either width: category Lu/Ll, a Han is Lo) makes it a code's (G7－3, ７－３Ａ)
    if any(ch and (ch in FIGURE_MINUS_CHAINS or (ch.isalpha() and unicodedata.category(ch) != "Lo"))
           for ch in (before, after)):
        return False
    return not text.startswith(FIGURE_MINUS_UNITS, b)


# Where an enumerator may stand (chars.CLAUSE_ENDS, and the text's start): 。；：！？
ENUMERATOR_AFTER = frozenset("。；：！？")


def full_width_alnum(ch: str) -> str | None:
    """What a full-width digit or letter is (FULL_WIDTH_ALNUM), or None for any other character."""
    cp = ord(ch)
    return next((what for lo, hi, what in FULL_WIDTH_ALNUM if lo <= cp <= hi), None)


def half_width(text: str, starts: frozenset[int] = frozenset()) -> tuple[str, list[Edit]]:
    """``text`` with its full-width digits and letters, and the number marks that go with them
    (NUMBER_MARKS, SIGN_MARKS), half-width; and the edits (offsets one for one). ``starts``: the
    offsets where a table's cell starts (its text runs the cells together): no figure before one."""
    if not any("\uff05" <= ch <= "\uff5a" for ch in text):  # nearly no text has one
        return text, []
    chars = list(text)
    edits: list[Edit] = []
    for i, ch in enumerate(text):
        what = full_width_alnum(ch)
        if what is not None:
            chars[i] = chr(ord(ch) - _HALF_WIDTH_OFFSET)
            edits.append(Edit(i, ch, chars[i], f"{what} in horizontal text (GB/T 15835-2011 §5.1.8.1: half-width "
                              f"{chars[i]})"))

    def figure(k: int) -> bool:  # a full-width digit as typed
        return 0 <= k < len(text) and "\uff10" <= text[k] <= "\uff19"

    def enumerator(k: int) -> bool:  # the digits ending at k open the text or a clause (３．)
        while k >= 0 and figure(k):
            k -= 1
        return k < 0 or text[k] in ENUMERATOR_AFTER

    for i, ch in enumerate(text):
        for mark, half, where in NUMBER_MARKS:
            if ch == mark and figure(i - 1) and (where == "after" or (figure(i + 1) and not enumerator(i - 1))):
                chars[i] = half
                edits.append(Edit(i, ch, half, f"full-width {ch} of a number, with its figures (GB/T 15835-2011 "
                                  f"§5.1.8.1: {half})"))

    def digit(k: int) -> bool:  # a figure of either width
        return 0 <= k < len(text) and text[k].isdigit() and (text[k].isascii() or figure(k))

    for i, ch in enumerate(text):
        if ch not in "＋－／" or not digit(i + 1) or i + 1 in starts:
            continue
        # where a number starts as a typed hyphen-minus is a sign there (_sign_place), or a cell's start
        place = "sign" if i in starts or _sign_place(text, i) else "between"
        if ch == "／" and not digit(i - 1):
            continue  # a slash is a fraction's between two figures only
        if ch == "－" and place == "between" and _difference_at(text, i):
            chars[i] = FIGURE_MINUS
            edits.append(Edit(i, ch, FIGURE_MINUS, "full-width － between two figures: the minus sign (ISO 80000-2 "
                              "2-9.2, GB 3102.11: −)"))
            continue
        for mark, half, where in SIGN_MARKS:
            if ch == mark and where == place:
                chars[i] = half
                edits.append(Edit(i, ch, half, f"full-width {ch} {'before' if place == 'sign' else 'in'} a figure, "
                                  f"with its figures (GB/T 15835-2011 §5.1.8.1: {half})"))
                break
    return "".join(chars), edits


# A hyphen-minus typed as the sign of a figure in running text (气温-2～7℃, 零下 -5℃, -5～-1℃,
# 温差（-3℃）): a 校对 marks the short rule set high, which is a hyphen, not the minus sign (ISO
# 80000-2:2019 2-9.2 and GB 3102.11-1993: −, U+2212; GB/T 15835-2011 writes −8℃). Set as U+2212 and
# reported, as a table's negative figure is (_minus_signs). A sign only where a number starts: at
# the text's start, after a space, an opening bracket or quote, a 连接号 (～ — –) or a Chinese mark
# (SIGN_AFTER; not an ASCII =, a URL's query: ?id=-1), or after a Han that does not follow a figure (气温-2, not the range 2026年-2027年
# nor 1月-3月). A hyphen after a letter, a digit or another Latin mark (G20-A, 3-5号线, XK-2026-1,
# www.a-b.cn, 5%-8%) is a code's or a range's: kept.
SIGN_AFTER = frozenset(" \t\u3000～~〜—–―(（[【〔《“‘:：,，、;；＝")
HYPHEN_MINUS = "-"


def _starts_number(text: str, i: int) -> bool:
    """Is the hyphen-minus at ``i``, before a figure, the sign of a number (SIGN_AFTER)?"""
    if not text[i + 1:i + 2].isdigit() or not text[i + 1].isascii():
        return False
    return _sign_place(text, i)


def _sign_place(text: str, i: int) -> bool:
    """Does a number start at ``i`` by what stands before it (SIGN_AFTER): the text's start, a mark
    or space a number follows, or a Han not after a figure (气温-2, not 2026年-2027年)?"""
    if i == 0 or text[i - 1] in SIGN_AFTER:
        return True
    before = text[i - 1]  # a Han (a letter of category Lo among the Chinese blocks) not after a figure
    return is_chinese(before) and unicodedata.category(before) == "Lo" and not after_figure_unit(text, i)


def _sign_edits(text: str, chars: list[str]) -> list[Edit]:
    """The hyphen-minus that starts a number in running text set as the minus sign (_starts_number)."""
    edits: list[Edit] = []
    for i, ch in enumerate(text):
        if ch == HYPHEN_MINUS and _starts_number(text, i):
            chars[i] = MINUS_SIGN
            edits.append(Edit(i, ch, MINUS_SIGN, "hyphen-minus before a figure: a minus sign (ISO 80000-2 2-9.2, "
                              "GB 3102.11: −)"))
    return edits


def _quote_edits(text: str, chars: list[str]) -> list[Edit]:
    """Straight double quotes paired in order, set “ ” where the pair is Chinese (STRAIGHT_QUOTE)."""
    at = [i for i, ch in enumerate(text) if ch == STRAIGHT_QUOTE]
    return _paired_edits(text, chars, at, STRAIGHT_QUOTE, "“”", "double", UNPAIRED)


def _paired_edits(text: str, chars: list[str], at: list[int], typed: str, pair: str, kind: str,
                  unpaired: str) -> list[Edit]:
    """The straight quotes ``typed`` at ``at`` paired in order and set as ``pair`` where the pair is
    Chinese; an odd count pairs none, and each beside Chinese is listed as ``unpaired``."""
    if len(at) % 2:
        return [Edit(i, typed, typed, unpaired) for i in at if _chinese_beside(text, i)]
    edits: list[Edit] = []
    for i, j in zip(at[::2], at[1::2]):
        if _pair_is_chinese(text, i, j):
            chars[i], chars[j] = pair[0], pair[1]
            edits += [Edit(k, typed, chars[k], f"straight {kind} quote in Chinese text "
                           f"(GB/T 15834-2011 §4.8: {pair[0]} {pair[1]})") for k in (i, j)]
    return edits


# Straight single quotes, what an English keyboard types for ‘ ’ ('双减'以后): paired as the double
# ones are (STRAIGHT_QUOTE), and set ‘ ’ where the pair is Chinese (GB/T 15834-2011 §4.8, the single
# quotes inside double ones or alone). A ' between two letters or digits is an apostrophe, a piece of
# the word (Macy's, It's, 80's: UAX #29 MidNumLet), never a quote: left out of the pairing.
STRAIGHT_SINGLE = "'"
UNPAIRED_SINGLE = "straight single quote without a partner in its paragraph: left as typed; write ‘ or ’ in the copy"


def _apostrophe(text: str, i: int) -> bool:
    """Is the ' at ``i`` between two letters or digits of a Latin word (Macy's), not a quote?"""
    return 0 < i < len(text) - 1 and _latin_alnum(text[i - 1]) and _latin_alnum(text[i + 1])


def _latin_alnum(ch: str) -> bool:
    return ch.isalnum() and not is_chinese(ch)


def single_quotes(text: str) -> list[int]:
    """The offsets of the straight single quotes of ``text`` that are quotes, not apostrophes."""
    return [i for i, ch in enumerate(text) if ch == STRAIGHT_SINGLE and not _apostrophe(text, i)]


def _single_quote_edits(text: str, chars: list[str]) -> list[Edit]:
    """Straight single quotes paired in order, set ‘ ’ where the pair is Chinese (STRAIGHT_SINGLE)."""
    return _paired_edits(text, chars, single_quotes(text), STRAIGHT_SINGLE, "‘’", "single", UNPAIRED_SINGLE)


# 省略号 and 破折号 typed the Latin way (trial 16 #13: 结束..., 不是--大家 printed as typed, and a
# 校对 marks both). GB/T 15834-2011 §4.11 (省略号 ……: six points in two ems; 。。。 and a lone … are
# not it) and §4.9 (破折号 ——: a rule two ems long). Each row: the typed run, what it becomes, and
# when: "beside" = the nearest character on either side (quotes and spaces aside) is Chinese;
# "dash" = Chinese on one side and Chinese or the paragraph's edge on the other (a 破折号 may open
# or close a paragraph: ——记…, 又补了一句--). A run the table does not decide (...., --- , a
# hyphen between two Chinese characters: 北京-上海 may be a 连接号 — or ～, 不是-大家 a 破折号) is
# left as typed and located, as a straight quote without a partner is. A hyphen before a figure
# (-3%) is the signed-figure rule's (tables: _minus_signs), not this one's; Latin text keeps its
# own marks (wait..., A--B).
@record(frozen=True)
class MarkRun:
    pattern: str  # a regular expression matching the whole run
    after: str | None  # None: left as typed and located
    when: str  # "beside", "dash", "between"
    why: str


MARK_RUNS: tuple[MarkRun, ...] = (
    MarkRun(r"(?<!\.)(?:\.{3}|\.{6})(?!\.)", "……", "beside", "ellipsis typed as ASCII points in Chinese text "
            "(GB/T 15834-2011 §4.11: ……)"),
    MarkRun(r"(?<!。)(?:。{3}|。{6})(?!。)", "……", "beside", "ellipsis typed as full stops (GB/T 15834-2011 §4.11: ……)"),
    MarkRun(r"(?<!…)…(?!…)", "……", "beside", "a lone … in Chinese text (GB/T 15834-2011 §4.11: …… is six points, two ems)"),
    MarkRun(r"(?<!-)--(?!-)", "——", "dash", "dash typed as two hyphens in Chinese text (GB/T 15834-2011 §4.9: ——)"),
    MarkRun(r"(?<!\.)(?:\.{2}|\.{4,})(?!\.)", None, "beside", "ASCII points in Chinese text, not an ellipsis of three or six: left "
            "as typed; write …… (省略号) or 。"),
    MarkRun(r"(?<!-)-{2,}", None, "beside", "hyphens in Chinese text not read as a 破折号: left as typed; write —— or —"),
    MarkRun(r"-(?![0-9０-９])", None, "between", "a hyphen-minus between Chinese characters: left as typed; write "
            "—— (破折号), — or ～ (连接号)"),
)
_MARK_RUN = re.compile("|".join(f"(?P<r{k}>{row.pattern})" for k, row in enumerate(MARK_RUNS)))
_MARK_START = frozenset(".。…-")
QUOTE_OPENS, QUOTE_CLOSES = "“‘\"'「『", "”’\"'」』"


def _mark_runs(text: str, chars: list[str]) -> list[Edit]:
    """MARK_RUNS in ``text``: a run decided is set in ``chars`` (its first offset holds the new marks,
    the rest are emptied); one undecided is an Edit that changes nothing (reported, located)."""
    edits: list[Edit] = []
    for m in _MARK_RUN.finditer(text):
        row = MARK_RUNS[int(next(k for k, v in m.groupdict().items() if v is not None)[1:])]
        i, j = m.start(), m.end()
        before, after = _neighbour(text, i, -1), _neighbour(text, j - 1, 1)
        chinese = [ch is not None and _hanzi_side(ch) for ch in (before, after)]
        if row.when == "beside":
            ok = any(chinese)
        elif row.when == "dash":
            ok = any(chinese) and all(c or ch is None for c, ch in zip(chinese, (before, after)))
        else:  # "between": straight beside Chinese on both sides, nothing between
            ok = 0 < i and j < len(text) and _hanzi_side(text[i - 1]) and _hanzi_side(text[j])
        if not ok:
            if row.after is not None and row.when == "dash" and any(chinese):
                edits.append(Edit(i, m.group(), m.group(), "two hyphens beside Chinese text, not read as a "
                                  "破折号: left as typed; write —— or —"))
            continue
        if row.after is None:
            edits.append(Edit(i, m.group(), m.group(), row.why))
            continue
        if row.after == "……" and 0 < i and j < len(text) and text[i - 1] in QUOTE_OPENS and text[j] in QUOTE_CLOSES:
            # alone in quotation marks: the mark named (两个“…”合成一个字形) or a silent reply (“……”)?
            edits.append(Edit(i, m.group(), m.group(), "an ellipsis alone in quotation marks (the mark itself "
                              "named, or a silent reply?): left as typed; write …… for a reply"))
            continue
        chars[i] = row.after
        for k in range(i + 1, j):
            chars[k] = ""
        edits.append(Edit(i, m.group(), row.after, row.why))
    return edits


def _marks(text: str, signs: bool = True, runs: bool = True) -> tuple[list[str], list[Edit]]:
    """Full-width marks where the neighbour is Chinese; pairs first, so 社区(村), sees （村）. The
    characters one for each of ``text``'s (a run of MARK_RUNS: its first holds the new marks, the rest
    ""), so offsets stay the text's. ``signs``: a hyphen-minus starting a number set as the minus
    sign (_sign_edits); ``runs``: MARK_RUNS applied; neither in a table, whose cells the text runs
    together (a cell "--" is "no figure") and whose cells have their own sign rule."""
    chars = list(text)
    edits: list[Edit] = []
    if HYPHEN_MINUS in text and signs:
        edits += _sign_edits(text, chars)
    if runs and not _MARK_START.isdisjoint(text):
        edits += _mark_runs(text, chars)
    if STRAIGHT_QUOTE in text:
        edits += _quote_edits(text, chars)
    if STRAIGHT_SINGLE in text:
        edits += _single_quote_edits(text, chars)
    if FULL_STOP in text:
        for i in _full_stops(text):
            chars[i] = "。"
            edits.append(Edit(i, FULL_STOP, "。", "ASCII full stop ending a Chinese sentence (GB/T 15834-2011 §4.1: 。)"))
    pairs = _paren_pairs(text)
    tokens = _token_pairs(text) if OPEN in text else frozenset()
    for i, j in pairs.items():
        if i < j and i not in tokens and _pair_is_chinese(text, i, j):
            for k in (i, j):
                chars[k] = HALF_TO_FULL[text[k]]
                edits.append(Edit(k, text[k], chars[k], "half-width parenthesis around or beside Chinese text "
                                  "(GB/T 15834-2011 §4: （）)"))
    for i, ch in enumerate(text):
        if ch in HALF_TO_FULL and i not in pairs and _chinese_beside(chars, i):
            chars[i] = HALF_TO_FULL[ch]  # later marks see this one as Chinese (是?! → 是？！)
            edits.append(Edit(i, ch, chars[i], f"half-width {ch!r} in Chinese text (GB/T 15834-2011 §4: {chars[i]})"))
    return chars, edits


def _spaces(text: str, converted: frozenset[int] = frozenset(), step: bool = False) -> list[Edit]:
    """Spaces at the paragraph's start (the style indents; ``step``: the U+3000s ending that run
    stay, a ::: noindent line's step) and the extra spaces of a run between
    Chinese characters (STRAY_SPACES above): one space of the copy's stays, with its meaning;
    none after a half-width mark set full-width (``converted``: "大白", 是 was typed the Latin
    way, and the full-width mark's own blank spaces it)."""
    edits: list[Edit] = []
    leading = len(text) - len(text.lstrip())
    for i in range(leading):
        if step and text[i] == IDEOGRAPHIC_SPACE and text[i:leading].strip(IDEOGRAPHIC_SPACE) == "":
            continue  # a ::: noindent line's step (flow/forms.py step_ems): an em of indent each
        edits.append(Edit(i, text[i], "", "space at the start of a paragraph (the style sets the indent)"))
    i = leading
    n = len(text)
    while i < n:
        if text[i] not in STRAY_SPACES and text[i] != IDEOGRAPHIC_SPACE:
            i += 1
            continue
        j = i
        while j < n and (text[j] in STRAY_SPACES or text[j] == IDEOGRAPHIC_SPACE):
            j += 1
        if _space_between_chinese(text, i):
            run = text[i:j]
            keep = {k for k in range(i, j) if text[k] == IDEOGRAPHIC_SPACE} or (
                {i + run.index(" ")} if " " in run else set())
            if i - 1 in converted:
                keep, why = set(), "space after a half-width mark set full-width (its blank spaces it)"
            else:
                why = "space between Chinese characters (one is kept)" if keep else "tab between Chinese characters"
            edits += [Edit(k, text[k], "", why) for k in range(i, j) if k not in keep]
        elif "\t" in text[i:j]:
            # A tab beside a figure or a Latin word (上证指数<tab>3386.42: a table's row typed as text)
            # has no glyph either: set as one space, its run's other tabs removed, so every tab of the
            # copy is treated and reported alike (trial 16 #4: these stayed, printed as white).
            tabs = [k for k in range(i, j) if text[k] == "\t"]
            spaced = " " in text[i:j] or IDEOGRAPHIC_SPACE in text[i:j]
            edits += [Edit(k, "\t", "" if spaced or n else " ", "tab (it has no glyph): set as a space"
                           if not (spaced or n) else "tab beside a space (it has no glyph): removed")
                      for n, k in enumerate(tabs)]
        i = j
    return edits


def _space_between_chinese(text: str, i: int) -> bool:
    before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
    return before is not None and after is not None and is_chinese(before) and is_chinese(after)


def normalise_text(text: str, *, drop_spaces: bool, signs: bool = True, half: bool = True, runs: bool = True,
                   step: bool = False, starts: frozenset[int] = frozenset()) -> tuple[str, list[Edit]]:
    """The text with full-width marks, without the invisible characters content/invisible.py drops
    (and, in body text, without extra spaces), and the edits. ``signs``: a hyphen-minus starting a
    number set as the minus sign (_sign_edits); not in a table, whose text runs its cells together
    and whose cells have their own rule (_minus_signs). ``half``: full-width digits and letters set
    half-width (half_width), as horizontal text sets them.

    Marks first, then spaces, so a space after a mark that became full-width counts as
    standing between Chinese characters.
    """
    # first: a mark beside 5 reads a figure, as beside a typed 5 (``half`` False: as a vertical
    # headline sets the text, its full-width figures upright)
    halved, edits = half_width(text, starts) if half else (text, [])
    chars, marks = _marks(halved, signs, runs)
    edits += marks
    converted = frozenset(e.offset for e in marks if e.after != e.before)
    if ANY_HIDDEN.search(text) is not None:  # nearly no text has one
        edits += [Edit(i, text[i], "", why) for i, why in hidden_dropped(text)]
    if MAYBE_COMBINING.search(text) is not None:  # nearly no text has a combining mark
        edits += duplicate_marks(text)
    if drop_spaces:
        # one character for each of the text's, so the spaces' offsets are the text's (a run's
        # emptied places read as its marks, Chinese: 结束... 大家 is a space between Chinese)
        edits += _spaces("".join(ch[:1] or "…" for ch in chars), converted, step)
    gone = {e.offset for e in edits if not e.after}
    for e in edits:
        if e.after and e.before.isspace():  # a tab set as a space
            chars[e.offset] = e.after
    return "".join(ch for i, ch in enumerate(chars) if i not in gone), sorted(edits, key=lambda e: e.offset)


# A base letter and the combining marks after it (general category M), decomposed as copy from
# macOS (its file names and clipboard) or some CMSs arrives: Hakan C + U+0327 for Ç. Composed to
# the precomposed letter where Unicode has one (NFC, UAX #15), so the word is set as the typed Ç
# is: one glyph, from the face the word's other letters come from, never a hyphen inside a name
# nor white after an accent (trial 17 #6). Only such a cluster is composed, never the whole text:
# NFC also maps a CJK compatibility ideograph (U+F900–FAFF, U+2F800–2FA1F) to its unified
# twin, a different character a paper may mean (a name's form), and the Ohm or Kelvin sign to a
# letter; a cluster whose base NFC would change is left as typed. Canonically equivalent text,
# so not reported as a change. A prefilter in C: nearly no copy has a combining mark.
MAYBE_COMBINING = re.compile("[^\x00-\u02ff\u0370-\u0482\u2000-\u20cf\u3000-\u3029\u3030-\u3098"
                             "\u309b-\u9fff\uff00-\uffef]")


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


# A combining mark typed on a letter that already carries the same mark (Café́: é and a second
# U+0301; trial 18a #6): no script writes one accent twice on a letter, so it is a typo, and set
# as typed the second accent prints over the first (check stopped the page as "text set over
# text", quoting the accent after the f). Removed, and said at its file:line:col in the build's
# normalised line (proof/report.py), as an invisible character is. A mark that differs from the
# letter's own (ọ̀: a dot below and a grave, Yoruba) is the copy's, never changed.
DUPLICATE_MARK = "combining mark on a letter that already carries it (a duplicate accent): removed"


def duplicate_marks(text: str) -> list[Edit]:
    """Edits removing each combining mark that repeats one its letter already carries: in the
    letter's canonical decomposition (é = e + U+0301) or typed after it before this one."""
    edits: list[Edit] = []
    carried: list[str] = []  # the marks on the current letter so far
    for i, ch in enumerate(text):
        if not _is_mark(ch):
            carried = list(unicodedata.normalize("NFD", ch)[1:])
        elif ch in carried:
            edits.append(Edit(i, ch, "", DUPLICATE_MARK))
        else:
            carried.append(ch)
    return edits


def compose_marks(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` with each base character and the combining marks after it composed (NFC) where a
    precomposed form exists, and for each character of the result its offset in ``text`` (a
    composed letter: its base's; a mark no letter composes with, Adébáyọ̀'s grave: its own)."""
    if MAYBE_COMBINING.search(text) is None or unicodedata.is_normalized("NFC", text):
        return text, tuple(range(len(text)))
    out: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _is_mark(text[j]):
            j += 1
        cluster = text[i:j]
        composed = unicodedata.normalize("NFC", cluster) \
            if j > i + 1 and unicodedata.normalize("NFC", text[i]) == text[i] else cluster
        if composed == cluster:
            out.append(cluster)
            offsets += range(i, j)
        else:
            out.append(composed)
            # a mark NFC reorders or keeps is found where it stood; the first character is the base's
            rest = [i + 1 + k for k, ch in enumerate(text[i + 1:j])]
            offsets.append(i)
            for ch in composed[1:]:
                at = next((o for o in rest if text[o] == ch), i)
                if at in rest:
                    rest.remove(at)
                offsets.append(at)
        i = j
    return "".join(out), tuple(offsets)


def _typed_offsets(edits: list[Edit], offsets: tuple[int, ...]) -> list[Edit]:
    """Edits of a composed text (compose_marks) at the offsets of the text as typed, so a change
    after a composed letter is said at its column in the file."""
    if offsets == tuple(range(len(offsets))):
        return edits
    return [replace(e, offset=offsets[e.offset]) if e.offset < len(offsets) else e for e in edits]


def _composed_paragraph(para: Paragraph) -> Paragraph:
    """The paragraph with its decomposed letters composed (compose_marks), span by span (a lead's
    last letter and a mark opening the next span stay as typed), each character keeping its place
    in the file."""
    whole = para.text
    if compose_marks(whole)[0] == whole:
        return para
    spans: list[Span] = []
    places: list[tuple[int, int]] = []
    pos = 0
    for span in para.spans:
        text, offsets = compose_marks(span.text)
        spans.append(Span(text, span.lead))
        if para.places:
            places += [para.places[pos + o] for o in offsets]
        pos += len(span.text)
    return replace(para, spans=tuple(spans), places=tuple(places))


def normalise_article(article: Article, memo: Memo | None = None) -> tuple[Article, list[Change]]:
    """Headline fields, captions and body text, normalised; each change located in the file.
    ``memo`` (session.py): each paragraph's result kept by its value (an edit changes one)."""
    locs = value_locs(article)
    changes: list[Change] = []
    fields: dict[str, str | None] = {}
    vertical: list[tuple[str, str]] = []
    for key in ("kicker", "title", "subtitle", "byline"):
        typed = getattr(article, key)
        if typed:
            value, offsets = compose_marks(typed)
            # A space in a headline is meaningful (the break of a two-clause title): kept.
            normal, edits = normalise_text(value, drop_spaces=False)
            fields[key] = _recomposed(normal, edits)
            changes += _field_changes(article, locs.get(key), typed, _typed_offsets(edits, offsets), f"the {key}")
            upright = _recomposed(*normalise_text(value, drop_spaces=False, half=False))
            if upright != fields[key]:  # full-width figures or letters, kept upright in a vertical headline
                vertical.append((key, upright))
    photos: list[Photo] = []
    for n, photo in enumerate(article.photos):
        # A caption is set as printed, spaces included (a credit may stand after one).
        composed, offsets = compose_marks(photo.caption)
        caption, edits = normalise_text(composed, drop_spaces=False)
        caption = _recomposed(caption, edits)
        changes += _field_changes(article, locs.get(f"caption.{n}"), photo.caption, _typed_offsets(edits, offsets),
                                  "a caption",
                                  fallback=photo.loc)
        credit = photo.credit
        if credit:
            # A credit is printed text as its caption is (本报记者 王强 摄): the same marks and
            # invisible characters (session 15's trial: an LRM in a credit reached the PDF).
            composed, offsets = compose_marks(credit)
            credit, edits = normalise_text(composed, drop_spaces=False)
            credit = _recomposed(credit, edits)
            changes += _field_changes(article, locs.get(f"credit.{n}"), photo.credit, _typed_offsets(edits, offsets),
                                      "a credit",
                                      fallback=photo.loc)
        photos.append(replace(photo, caption=caption, credit=credit))
    paragraphs: list[Paragraph] = []
    for para in article.paragraphs:
        normal, edits = memo(("paragraph", by_value(para)), functools.partial(_normal_paragraph, para)) \
            if memo is not None else _normal_paragraph(para)
        paragraphs.append(normal)
        changes += edits
    return replace(article, paragraphs=tuple(paragraphs), photos=tuple(photos), vertical_forms=tuple(vertical),
                   **fields), changes


def _recomposed(text: str, edits: list[Edit]) -> str:
    """``text`` composed again (compose_marks) where a duplicate accent was removed from it
    (duplicate_marks): Nguyê̂̃n composes to ê + U+0302 + U+0303, its second U+0302 goes, and the
    ê + U+0303 left is ễ (U+1EC5), one glyph of the face the word's other letters come from,
    not the word set whole from the fallback face. Removal is said where it was typed, as before:
    composing again after it moves no edit."""
    if not any(e.reason == DUPLICATE_MARK for e in edits):
        return text
    return compose_marks(text)[0]


def _normal_paragraph(para: Paragraph) -> tuple[Paragraph, tuple[Change, ...]]:
    changes: list[Change] = []
    normal = _paragraph(_composed_paragraph(para), changes)
    if any(c.reason == DUPLICATE_MARK for c in changes):  # see _recomposed: each place kept
        normal = _composed_paragraph(normal)
    return normal, tuple(changes)


def _field_changes(article: Article, where: tuple[Loc, str] | None, value: str, edits: list[Edit], what: str,
                   fallback: Loc | None = None) -> list[Change]:
    def loc(e: Edit) -> Loc:
        if where is None:
            return fallback or article.loc
        return char_loc(where[0], where[1], value, e.offset)
    return [Change(loc(e), e.before, e.after, f"{e.reason}, in {what}") for e in edits]


def _paragraph(para: Paragraph, changes: list[Change]) -> Paragraph:
    """Normalise across span boundaries (a lead's last mark looks at the next span); keep the spans
    and the place in the file of every character that stays."""
    whole = para.text
    starts = frozenset(itertools.accumulate((len(s.text) for s in para.spans[:-1]), initial=0)) \
        if para.form == "table" else frozenset()  # a table's spans are its cells
    new, edits = normalise_text(whole, drop_spaces=True, signs=para.form != "table", runs=para.form != "table",
                                step=para.form == "noindent", starts=starts)
    if para.form == "table":
        edits = sorted(edits + _minus_signs(para), key=lambda e: e.offset)
    if not edits:
        return para
    changes += [Change(para.char_loc(e.offset), e.before, e.after, e.reason) for e in edits]
    # Marks change one character for one, or a run for its marks (MARK_RUNS: ... for ……, the run's
    # first place given to each); removed spaces shift what follows. Rebuild span by span.
    dropped = {e.offset for e in edits if not e.after}
    dropped |= {k for e in edits if e.after and len(e.before) > 1 for k in range(e.offset + 1, e.offset + len(e.before))}
    replaced = {e.offset: e.after for e in edits if e.after}
    spans: list[Span] = []
    pos = 0
    for span in para.spans:
        kept = "".join(replaced.get(k, whole[k]) for k in range(pos, pos + len(span.text)) if k not in dropped)
        pos += len(span.text)
        if kept or para.form == "table":  # a table's spans are its cells, an empty one included
            spans.append(Span(kept, span.lead))
    places = tuple(p for k, p in enumerate(para.places) if k not in dropped
                   for _ in range(len(replaced.get(k, "x"))))
    return replace(para, spans=tuple(spans), places=places)


# A table's cell that is a negative figure typed with the hyphen-minus of a keyboard (-3.2,
# -0.45%, -11): what a 校对 marks, the hyphen being a short rule set high, not the minus sign of
# the same width as + that lines a column of figures up (ISO 80000-2:2019 2-9.2 and GB 3102.11-1993,
# its national counterpart: the minus sign −, U+2212). Set as U+2212 and reported, as a half-width
# mark is: the cell is a figure (flow/tables.py figure_pattern) either way, so its column still aligns right.
# Only the sign opening a cell: 18-5-3 (a record), 2-1 (a score), 10-12 (a range) keep their hyphens.
NEGATIVE_FIGURE = re.compile(r"\s*(-)[0-9０-９]")
MINUS_SIGN = "\u2212"


def _minus_signs(para: Paragraph) -> list[Edit]:
    """The hyphen-minus opening each cell of a table that is a figure (NEGATIVE_FIGURE), as edits
    of the paragraph's text (its spans are its cells)."""
    from pagesetter.flow.tables import is_figure

    edits: list[Edit] = []
    pos = 0
    for span in para.spans:
        m = NEGATIVE_FIGURE.match(span.text)
        if m is not None and is_figure(span.text.strip()):
            edits.append(Edit(pos + m.start(1), "-", MINUS_SIGN, "hyphen-minus before a figure in a table's cell: "
                              "a minus sign (ISO 80000-2 2-9.2, GB 3102.11: −)"))
        pos += len(span.text)
    return edits


# Order of the summary; a pair of parentheses is reported as one kind of mark.
_SUMMARY_KEYS = ("，", "；", "：", "！", "？", "（）")


def summarise(changes: Iterable[Change]) -> str:
    """Counts for the build report, most frequent first: '265 ， 14 ； 2 （） 1 ！ 3 spaces removed'."""
    counts: dict[str, int] = {}
    spaces = invisible = 0
    for c in changes:
        if c.after == c.before:
            continue  # reported, not changed (UNPAIRED)
        if c.after:
            counts[c.after] = counts.get(c.after, 0) + 1
        elif c.before.isspace():
            spaces += 1
        else:
            invisible += 1  # content/invisible.py
    halves = max(counts.pop("（", 0), counts.pop("）", 0))  # pairs change together: count pairs
    if halves:
        counts["（）"] = halves
    order = {k: i for i, k in enumerate(_SUMMARY_KEYS)}
    parts = [f"{n} {k}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], 99)))]
    if spaces:
        parts.append(f"{spaces} space{'s' if spaces != 1 else ''} removed")
    if invisible:
        parts.append(f"{invisible} invisible character{'s' if invisible != 1 else ''} removed")
    return " ".join(parts)
