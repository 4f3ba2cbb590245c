"""Characters read back from a PDF with their origins, sizes and fonts (pypdfium2).

The typography report and the tests judge the page from what the PDF says, not
from what the engine meant, so a fault in rendering shows up too.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pagesetter.errors import InputError, Loc


@dataclass(frozen=True)
class Char:
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


@dataclass(frozen=True)
class PageChars:
    number: int  # from 1
    width: float
    height: float
    chars: tuple[Char, ...]
    # Spaces pdfium reports as generated, (origin x, baseline): it puts one where it sees a gap (at
    # the next character's origin), and reports some drawn space glyphs so too (at their own origin).
    spaces: tuple[tuple[float, float], ...] = ()


def read_chars(pdf_path: Path) -> list[PageChars]:
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
            pages.append(PageChars(index + 1, width, height, tuple(chars), tuple(spaces)))
    finally:
        doc.close()
    return pages


def _chars(textpage: pdfium.PdfTextPage, height: float) -> tuple[list[Char], list[tuple[float, float]]]:
    out: list[Char] = []
    spaces: list[tuple[float, float]] = []
    x = ctypes.c_double()
    y = ctypes.c_double()
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    raw = textpage.raw
    count = textpage.count_chars()
    i = 0
    while i < count:
        index = i
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        i += 1
        # pdfium gives UTF-16 code units: a character past the BMP (CJK Extension B, emoji) is two
        # entries, a high and a low surrogate, with one box; joined here into one character.
        if 0xD800 <= code < 0xDC00 and i < count and 0xDC00 <= (low := pdfium_c.FPDFText_GetUnicode(raw, i)) < 0xE000:
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            i += 1
        elif 0xD800 <= code < 0xE000:
            code = 0xFFFD  # a lone surrogate is no character: shown as the replacement character
        if code in (0, 0xFFFE, 0xFFFF) or code in (0x0A, 0x0D) or pdfium_c.FPDFText_IsGenerated(raw, index):
            if code == 0x20 and pdfium_c.FPDFText_IsGenerated(raw, index):
                pdfium_c.FPDFText_GetCharOrigin(raw, index, ctypes.byref(x), ctypes.byref(y))
                spaces.append((x.value, height - y.value))
            continue  # line breaks and spaces pdfium invents are not characters on the page
        pdfium_c.FPDFText_GetCharOrigin(raw, index, ctypes.byref(x), ctypes.byref(y))
        loose = textpage.get_charbox(index, loose=True)
        ink = textpage.get_charbox(index)
        pdfium_c.FPDFText_GetFontInfo(raw, index, name, len(name), ctypes.byref(flags))
        out.append(Char(chr(code), x.value, height - y.value, pdfium_c.FPDFText_GetFontSize(raw, index),
                        loose[2], ink[0], ink[2], name.value.decode("latin-1", "replace"),
                        height - ink[3], height - ink[1]))
    return out, spaces
