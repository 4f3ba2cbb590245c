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

from functools import lru_cache
from enum import Enum


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


# clreq Appendix A, classes cl-01…cl-06 (mainland forms).
OPENING = frozenset("（［｛〔〈《「『【〖〘“‘(")
CLOSING = frozenset("）］｝〕〉》」』】〗〙”’)")
PAUSE = frozenset("，、；：")
STOP = frozenset("。？！")
MIDDLE = frozenset("·・")
DASH = frozenset("—―")
ELLIPSIS = frozenset("…⋯")

# 行首禁则: clreq §3.1.7 and ../shared/TYPOGRAPHY.md "Not at line start".
NOT_AT_LINE_START = CLOSING | PAUSE | STOP | MIDDLE | frozenset("％‰℃%")
# 行尾禁则: clreq §3.1.7 "Not at line end".
NOT_AT_LINE_END = OPENING

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

# Which half of the em box is blank, by class (GB/T 15834-2011 §5; clreq §3.1.6).
BLANK_SIDE: dict[CharClass, str] = {
    CharClass.OPENING: "left",
    CharClass.CLOSING: "right",
    CharClass.PAUSE: "right",
    CharClass.STOP: "right",
    CharClass.MIDDLE: "both",
}

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


def is_wordlike(cls: CharClass) -> bool:
    """Latin letters and digits join into unbreakable words (clreq §3.2)."""
    return cls in WORDLIKE
