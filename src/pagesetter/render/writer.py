"""A small PDF object writer for our one-page files (ISO 32000-1 §7.5: header, numbered objects,
cross-reference table, trailer).

reportlab's document layer built a tree of Python objects for every build and serialised each
anew; on the desk, where a one-article edit changes only the page's content stream (and at most a
font subset), that was the largest part of a rebuild (issue 21). Here each object is written once
as bytes: a session (session.py) keeps the bytes of the objects whose inputs did not change —
font dictionaries and programs, photos, the output profile — under their object numbers, and a
rebuild writes only the new content stream, the objects that depend on the document ID and the
cross-reference table.

Values are written by ``pdf_value`` from Python data: ``Name`` for names, ``Ref`` for indirect
references, ``Raw`` for bytes already written; str is a text string, bool/int/float numbers, list
an array, dict a dictionary (keys are names).
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass
from typing import Mapping, Sequence


@dataclass(frozen=True)
class Name:
    """A PDF name, written /value (only regular characters are used here)."""

    value: str


@dataclass(frozen=True)
class Ref:
    """An indirect reference, ``n 0 R``."""

    num: int


@dataclass(frozen=True)
class Raw:
    """Bytes written as they are (an array or dictionary made earlier)."""

    data: bytes


@functools.lru_cache(maxsize=8192, typed=True)
def fp(v: float) -> str:
    """A number as reportlab's fp_str writes it (up to 6 significant decimals, no trailing zeros,
    no leading zero): the content stream keeps the figures the files carried before. Kept per
    value: a page writes a few hundred numbers, most of them the same coordinates again."""
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    sa = abs(v)
    if sa <= 1e-7:
        return "0"
    if sa <= 1:
        n = "%.6f" % v
    else:
        digits = len(str(int(sa)))  # int(log10(sa)) + 1 for sa >= 1
        n = "%.*f" % (min(max(0, 7 - digits), 6), v)
    if "." in n:
        n = n.rstrip("0").rstrip(".")
    return n[1:] if n.startswith("0.") else n


def pdf_string(text: str) -> bytes:
    """A text string (§7.9.2.2): a literal string when it is ASCII, else UTF-16BE with its byte
    order mark, written in hex."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("\r", "\\r")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def pdf_value(value: object) -> bytes:
    if isinstance(value, Raw):
        return value.data
    if isinstance(value, Name):
        return b"/" + value.value.encode("ascii")
    if isinstance(value, Ref):
        return b"%d 0 R" % value.num
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, (int, float)):
        return fp(value).encode("ascii")
    if isinstance(value, str):
        return pdf_string(value)
    if isinstance(value, (bytes, bytearray)):
        return b"<" + bytes(value).hex().upper().encode("ascii") + b">"
    if isinstance(value, Mapping):
        return pdf_dict(value)
    if isinstance(value, Sequence):
        return b"[ " + b" ".join(pdf_value(v) for v in value) + b" ]"
    raise TypeError(f"no PDF form for {type(value).__name__}")


def pdf_dict(entries: Mapping[str, object]) -> bytes:
    return b"<< " + b" ".join(b"/" + k.encode("ascii") + b" " + pdf_value(v) for k, v in entries.items()) + b" >>"


def pdf_stream(entries: Mapping[str, object], data: bytes) -> bytes:
    """A stream object's body: its dictionary with /Length, then the data (the EOL before
    ``endstream`` is not counted, §7.3.8.1)."""
    return pdf_dict({**entries, "Length": len(data)}) + b"\nstream\n" + data + b"\nendstream"


# The header's second line: a comment of four bytes above 127, so that transfer programs treat the
# file as binary (§7.5.2).
BINARY_MARK = b"%\x93\x8c\x8b\x9e pagesetter\n"


class PdfWriter:
    """Objects numbered from 1 in the order reserved; ``file()`` writes them in that order."""

    def __init__(self) -> None:
        self._bodies: list[bytes | None] = []

    def reserve(self) -> int:
        self._bodies.append(None)
        return len(self._bodies)

    def reserve_many(self, count: int) -> int:
        """``count`` numbers in a row; returns the first."""
        first = len(self._bodies) + 1
        self._bodies += [None] * count
        return first

    @property
    def next_num(self) -> int:
        return len(self._bodies) + 1

    def put(self, num: int, body: bytes) -> None:
        self._bodies[num - 1] = body

    def add(self, body: bytes) -> int:
        self._bodies.append(body)
        return len(self._bodies)

    def file(self, version: tuple[int, int], root: int, info: int, file_id: bytes) -> bytes:
        """The whole file. ``file_id``: the trailer's /ID array, written."""
        parts = [b"%%PDF-%d.%d\n" % version, BINARY_MARK]
        offset = len(parts[0]) + len(parts[1])
        xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(self._bodies) + 1)]
        for num, body in enumerate(self._bodies, 1):
            if body is None:
                raise ValueError(f"PDF object {num} was reserved but never written")
            head = b"%d 0 obj\n" % num
            xref.append(b"%010d 00000 n \n" % offset)
            parts += (head, body, b"\nendobj\n")
            offset += len(head) + len(body) + 8
        parts += xref
        parts.append(b"trailer\n<< /ID %s /Info %d 0 R /Root %d 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n"
                     % (file_id, info, root, len(self._bodies) + 1, offset))
        return b"".join(parts)


# zlib level 1 for the content stream: text operators compress nearly as well at level 1 as at the
# default 6 (the seed page: 70 KB to 18.2 KB against 15.0 KB) in a third of the time.
CONTENT_LEVEL = 1


def deflate_part(data: bytes) -> bytes:
    """One part of a stream as raw deflate blocks that refer to nothing before them and end on a
    byte boundary (a full flush, RFC 1951 §3.2.4): parts compressed apart join into one stream."""
    c = zlib.compressobj(CONTENT_LEVEL, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)


def deflated(parts: list[bytes], data: list[bytes]) -> bytes:
    """A zlib stream (RFC 1950) of the parts (``deflate_part`` of each of ``data``): header, the
    parts, an empty final block, the Adler-32 of all the data."""
    adler = 1
    for d in data:
        adler = zlib.adler32(d, adler)
    return b"\x78\x01" + b"".join(parts) + b"\x03\x00" + adler.to_bytes(4, "big")
