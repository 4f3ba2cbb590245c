"""The file around the objects: header, numbered objects, cross-reference table, trailer (ISO
32000-1 §7.5), and the bytes of each object kept between builds.

Every object — dictionaries, arrays, names, strings, numbers, streams — is serialised by
reportlab's object layer (reportlab.pdfbase.pdfdoc: PDFDictionary, PDFArray, PDFName, PDFString,
PDFStream and its ``format``), once: ``written`` turns one into bytes. What reportlab's document
(PDFDocument) cannot do is keep those bytes from one build to the next: it formats its whole object
tree again on every save. On the desk, where a one-article edit changes only the page's content
stream (and at most a font subset), that was the largest part of a rebuild (issue 21). So here the
objects are numbered and assembled by ``PdfWriter``, and a session (session.py) keeps the written
bytes of the objects whose inputs did not change — font dictionaries and programs, photos, the
output profile — under their object numbers; a rebuild formats only the new content stream, the
objects that depend on the document ID, and writes the cross-reference table.
"""

from __future__ import annotations

import functools
import zlib
from typing import Mapping

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc


class _OwnNumbers(dict):
    """reportlab's references name the object they point to and look its number up in the
    document; here an object is named by its own number (generation 0). Never filled: a lookup
    answers without storing."""

    def __missing__(self, num: int) -> tuple[int, int]:
        return num, 0


class _Document(pdfdoc.PDFObject):
    """What reportlab's ``format`` methods consult of their document: no encryption, no default
    stream filter (a stream is written as given; one already compressed names its /Filter), and
    the object numbers of references."""

    encrypt = pdfdoc.NoEncryption()
    defaultStreamFilters = None
    idToObjectNumberAndVersion = _OwnNumbers()


DOCUMENT = _Document()


def ref(num: int) -> pdfdoc.PDFObjectReference:
    """An indirect reference to object ``num``, ``num 0 R``."""
    return pdfdoc.PDFObjectReference(num)


def written(obj: object) -> bytes:
    """One object's bytes, as reportlab's object layer formats it."""
    return pdfdoc.format(obj, DOCUMENT, toplevel=1)


def dictionary(entries: Mapping[str, object]) -> bytes:
    """A dictionary object (keys are names without their slash; reportlab writes them sorted)."""
    return written(pdfdoc.PDFDictionary(dict(entries)))


def stream(entries: Mapping[str, object], data: bytes) -> bytes:
    """A stream object: ``data`` written as it is (compressed already when ``entries`` has a
    /Filter); reportlab adds /Length."""
    return written(pdfdoc.PDFStream(pdfdoc.PDFDictionary(dict(entries)), content=data))


# Numbers in the content stream as reportlab writes them (fp_str), kept per value: a page writes a
# few hundred numbers, most of them the same coordinates again.
fp = functools.lru_cache(maxsize=8192, typed=True)(fp_str)


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
            tail = b"endobj\n" if body.endswith(b"\n") else b"\nendobj\n"  # as reportlab ends an object
            xref.append(b"%010d 00000 n \n" % offset)
            parts += (head, body, tail)
            offset += len(head) + len(body) + len(tail)
        parts += xref
        parts.append(b"trailer\n<< /ID %s /Info %d 0 R /Root %d 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n"
                     % (file_id, info, root, len(self._bodies) + 1, offset))
        return b"".join(parts)


# zlib's default level 6 for the content stream since session 20 (level 1 before: the seed page's
# 70 KB to 18.2 KB against 15.0 KB, in a third of the time). Codes that are the face's CIDs (fonts/
# subset.py) compress less well than a subset's own glyph ids did, and the level's 15 % pays for
# that (every page within 1 % of its former size); a session compresses only the edited module's
# part again (~0.2 ms more at 6).
CONTENT_LEVEL = 6


def inflates_to(flated: bytes, data: bytes) -> bool:
    """Whether ``flated`` is one whole zlib stream of ``data``; never inflates past ``data``'s
    length (a stream read from a file or a cache entry is checked so before it is written)."""
    try:
        inflater = zlib.decompressobj()
        out = inflater.decompress(flated, len(data) + 1)
    except zlib.error:
        return False
    return out == data and inflater.eof and not inflater.unused_data


def deflate_part(data: bytes) -> bytes:
    """One part of a stream as raw deflate blocks that refer to nothing before them and end on a
    byte boundary (a full flush, RFC 1951 §3.2.4): parts compressed apart join into one stream."""
    c = zlib.compressobj(CONTENT_LEVEL, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)


def deflated(parts: list[bytes], data: list[bytes]) -> bytes:
    """A zlib stream (RFC 1950) of the parts (``deflate_part`` of each of ``data``)."""
    adler = 1
    for d in data:
        adler = zlib.adler32(d, adler)
    return _zlib_stream(parts, adler, CONTENT_LEVEL)


def _zlib_stream(parts: list[bytes], adler: int, level: int) -> bytes:
    """Raw deflate parts made one zlib stream (RFC 1950): the header zlib writes at ``level``, the
    parts, an empty final block, the Adler-32 of the data they hold."""
    return _ZLIB_HEADER[level] + b"".join(parts) + b"\x03\x00" + adler.to_bytes(4, "big")


# The zlib header (RFC 1950 §2.2) zlib.compress writes at each level: its FLEVEL bits say which.
_ZLIB_HEADER = {level: zlib.compress(b"", level)[:2] for level in range(10)}

# zlib's default level, for the font programs (they compress little, and at level 1 a fifth worse).
PROGRAM_LEVEL = 6
WINDOW = 32 * 1024  # deflate's window (RFC 1951 §2): how far back a part may refer


def deflate_after(data: bytes, before: bytes, level: int = PROGRAM_LEVEL) -> bytes:
    """One part of a stream as raw deflate blocks ending on a byte boundary (a sync flush, RFC
    1951 §3.2.4), which may refer back into ``before``: the last WINDOW bytes of the data just
    before the part in the stream (a preset dictionary, used as history). Joined in order by
    ``joined_stream``, the parts are one stream that compresses as well as the data compressed
    whole, yet a part's bytes depend only on its own data and the WINDOW bytes before it."""
    c = zlib.compressobj(level, zlib.DEFLATED, -15, zdict=before) if before else \
        zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)


def joined_stream(parts: list[bytes], data: bytes, level: int = PROGRAM_LEVEL) -> bytes:
    """A zlib stream (RFC 1950) of ``data`` from its parts (``deflate_after``)."""
    return _zlib_stream(parts, zlib.adler32(data), level)

