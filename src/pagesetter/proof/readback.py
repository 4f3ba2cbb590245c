"""Characters read back from a PDF with their origins, sizes and fonts (pypdfium2).

The typography report and the tests judge the page from what the PDF says, not
from what the engine meant, so a fault in rendering shows up too.
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pagesetter.compose.chars import VERTICAL_QUOTES
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
            chars, spaces = _chars(textpage, height)
            pages.append(PageChars(index + 1, width, height, tuple(chars), tuple(spaces),
                                   _box(page.get_trimbox(fallback_ok=False), height),
                                   _box(page.get_bleedbox(fallback_ok=False), height)))
    finally:
        doc.close()
    return pages


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


def _chars(textpage: pdfium.PdfTextPage, height: float) -> tuple[list[Char], list[tuple[float, float]]]:
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
    # pdfium's font name is its text object's font's (FPDFText_GetFontInfo): asked once an object
    fonts: dict[bytes, str] = {}
    object_fonts: dict[int, str] = {}
    count = textpage.count_chars()
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
        if code in (0, 0xFFFE, 0xFFFF) or code in (0x0A, 0x0D) or generated(raw, index):
            if code == 0x20 and generated(raw, index):
                origin_of(raw, index, px, py)
                spaces.append((x.value, height - y.value))
            continue  # line breaks and spaces pdfium invents are not characters on the page
        origin_of(raw, index, px, py)
        if not loose_box(raw, index, ploose) or not ink_box(raw, index, pleft, pright, pbottom, ptop):  # l r b t
            raise pdfium.PdfiumError("Failed to get charbox.")  # as get_charbox raises
        handle = text_object(raw, index)
        font = object_fonts.get(handle) if handle is not None else None
        if font is None:
            font_info(raw, index, name, name_length, pflags)
            raw_name = name.value
            font = fonts.get(raw_name)
            if font is None:
                font = fonts[raw_name] = raw_name.decode("latin-1", "replace")
            if handle is not None:
                object_fonts[handle] = font
        out.append(Char(chr(code), x.value, height - y.value, font_size(raw, index),
                        loose.right, left.value, right.value, font,
                        height - top.value, height - bottom.value,
                        char_angle(raw, index) if code in ANGLED else 0.0))
    return out, spaces
