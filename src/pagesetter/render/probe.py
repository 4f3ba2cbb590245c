"""Is a photo file a picture at all? Its header read, before the page's overset gate (build.py
check_photos), with Pillow's Image alone: an edited page whose photos are cached loads no colour
management (render/images.py, tests/test_startup_imports.py)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from pagesetter.errors import READING, InputError, Loc, Reading
from pagesetter.paths import NotRegularFile, open_regular
from pagesetter.render.photo import photo_formats

# What a decoder raises on a damaged file (render/images.py reads the pixels under the same).
DECODER_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, KeyError, TypeError,
                  ZeroDivisionError, OverflowError)


_SIGNATURES = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
               (b"GIF87a", "GIF"), (b"GIF89a", "GIF"))


def unidentified(path: Path, loc: Loc) -> InputError:
    kind = _signature(path)
    if kind:  # it starts as one of ours: damaged or cut short, not the wrong kind of file
        return InputError(loc, f"cannot read image (it starts as a {kind} file but is damaged or cut short; "
                          "save or send it again)")
    return InputError(loc, "cannot read image (its content is none of the formats we read; the name does "
                      "not count); expected a JPEG, PNG, TIFF, WebP or GIF file")


def open_photo(path: Path, loc: Loc) -> BinaryIO:
    """A photo file opened for reading, or the desk's error at ``loc``: not found, or not a regular
    file (a named pipe or a device is refused unread). The one opening of the header probe here and
    of the pixels' read (render/images.py _open); any other OSError is the caller's."""
    if not path.exists():
        raise InputError(loc, "image file not found")
    try:
        return open_regular(path)
    except NotRegularFile as exc:
        raise InputError(loc, exc.strerror) from None


def probe_photo(path: Path) -> None:
    """Is ``path`` a picture at all? Its header only, read before the page's overset gate
    (build.py check_photos): a text file named x.jpg is said whatever else stops the build, where
    the pixels are read only when the page is rendered. A file that passes here may still be
    damaged past its header: rendering says so (_open)."""
    from PIL import Image, UnidentifiedImageError  # Image alone: no colour management

    loc = Loc.of_file(path)
    fh = open_photo(path, loc)
    reading = READING.set(Reading(path))  # a warning about its EXIF is held and dropped: the render gives it
    try:
        with fh, Image.open(fh, formats=photo_formats(fh)):
            pass
    except UnidentifiedImageError:
        raise unidentified(path, loc) from None
    except (Image.DecompressionBombError, MemoryError, *DECODER_ERRORS):
        pass  # the header read; what is wrong past it is said where the pixels are read (_open)
    finally:
        READING.reset(reading)


def _signature(path: Path) -> str:
    """The format a file's first bytes announce ("" for none of ours)."""
    try:
        with open_regular(path) as fh:
            head = fh.read(16)
    except OSError:
        return ""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return next((kind for magic, kind in _SIGNATURES if head.startswith(magic)), "")


# What Pillow's decoders raise on a damaged or hostile file (found by mutating small JPEG, PNG, TIFF,
# GIF and WebP files: a PNG whose chunk is broken mid-file raises SyntaxError from load()).
