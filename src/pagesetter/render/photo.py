"""What a photo becomes for the PDF, and the numbers print sets for it. No imaging library here:
a warm build takes its prepared photos from the cache and never loads Pillow (render/images.py
does the preparing)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import BinaryIO

from pagesetter.records import record

WARN_PPI = 200  # PRINT.md: warn under 200 ppi effective
EXIF_ORIENTATION = 0x0112  # the EXIF tag of a picture's turn: 5–8 are quarter turns (width and height swap)
# The newsprint output profile we build and ship (profiles/README.md): CGATS TR 002 coldset
# newsprint, total ink 240 %.
NEWSPRINT_PROFILE = Path(__file__).resolve().parent / "profiles" / "newsprint-tr002.icc"
# The same profile as zlib.compress writes it for the PDF's ICC stream, shipped beside it
# (render/pdfx.py output_profile_flated: 15-20 ms of every process that writes a PDF otherwise).
NEWSPRINT_PROFILE_FLATED = NEWSPRINT_PROFILE.with_name("newsprint-tr002.icc.flate")
# Total area coverage, C+M+Y+K in %: no page may exceed 240 % on newsprint (PRINT.md, ISO 12647-3
# plants quote 220–260 %); the profile separates to 240 %, and every pixel is checked after it.
TAC_LIMIT = 240.0
# The formats a photo may be (README, "Content format"), by Pillow's names (the JPEG decoder also
# opens the MPO JPEGs of cameras that store a preview beside the picture). Tried by content only: a PostScript/EPS file
# named .jpg would otherwise go to Ghostscript (which a `{ } loop` hangs), and other decoders are
# attack surface we do not need.
PHOTO_FORMATS = ("JPEG", "PNG", "TIFF", "WEBP", "GIF")


# Each format's Pillow plugin (module of PIL), imported only when a file gets as far as that format.
PHOTO_PLUGINS = {"JPEG": "JpegImagePlugin", "PNG": "PngImagePlugin", "TIFF": "TiffImagePlugin",
                 "WEBP": "WebPImagePlugin", "GIF": "GifImagePlugin"}
# How much of a file Image.open reads to tell its format (its ``prefix``).
SNIFF_BYTES = 16


def photo_formats(source: BinaryIO | Path) -> tuple[str, ...]:
    """PHOTO_FORMATS, for ``Image.open(source, formats=...)``, with the Pillow plugins registered
    that it will try on this file. Image.open(formats=...) does not load a plugin itself: a format
    not registered makes it load every plugin Pillow has. It tries the formats in order and opens
    with the first whose check accepts the file's first 16 bytes; the plugins are imported here in
    the same order up to that one, so a JPEG or PNG loads no TIFF or WebP plugin (Pillow's own
    preinit still loads BMP, GIF, JPEG, PPM and PNG for a file object). Should that one fail to
    open the file after all, Image.open comes to a format not registered, loads every plugin and
    tries the rest as before: the same outcome, only slower, for a damaged file.
    A file object is read from its start and left there; a path is opened and closed (an
    unreadable one is left for Image.open to report). Here, not in render/images.py, so that
    fitting, which reads photo headers, need not load the preparing (littleCMS and the rest)."""
    import importlib
    import os
    import struct

    from PIL import Image

    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as fh:
                prefix = fh.read(SNIFF_BYTES)
        except OSError:
            prefix = b""
    else:
        source.seek(0)
        prefix = source.read(SNIFF_BYTES)
        source.seek(0)
    for name in PHOTO_FORMATS:
        if name not in Image.OPEN:
            importlib.import_module(f"PIL.{PHOTO_PLUGINS[name]}")
        accept = Image.OPEN[name][1]
        try:
            found = not accept or accept(prefix)  # as Image.open asks, and as it takes a failure
        except (SyntaxError, IndexError, TypeError, struct.error):
            continue
        if found and not isinstance(found, str):
            break
    return PHOTO_FORMATS


def target_width(placed_w: float, ppi: int) -> int:
    """The pixels across a picture placed ``placed_w`` pt wide is resampled to (render/images.py):
    rounded up, so the printed resolution is never under ``ppi`` (preflight reads it back)."""
    return math.ceil(placed_w / 72 * ppi - 1e-6)


def fit_pixels(width_px: int, height_px: int, frame_w: float, frame_h: float, ppi: int) -> tuple[int, int]:
    """The pixel size a fit picture of ``width_px`` × ``height_px`` is prepared at for its frame
    (render/images.py: resampled to ``ppi`` at its placed size, never up), whose shape
    pagetree.placed_box draws: what stands on the picture's edge (an ad's label, flow/ads.py) meets
    the pixels as printed, not the source's shape a rounding away."""
    target = target_width(width_px * min(frame_w / width_px, frame_h / height_px), ppi)
    return (target, max(1, round(height_px * target / width_px))) if width_px > target else (width_px, height_px)


@record(frozen=True)
class PreparedImage:
    jpeg: bytes
    width_px: int
    height_px: int
    effective_ppi: float  # of the source pixels at the placed size
    colorspace: str = "DeviceCMYK"  # the PDF colour space of the JPEG: DeviceCMYK or DeviceGray
    max_tac: float = 0.0  # % C+M+Y+K of the darkest pixel written (before JPEG)
    source_profile: str = ""  # what the colour was converted from: "embedded", "sRGB (assumed)", …
    notes: tuple[str, ...] = ()  # what the decoder warned of (Pillow: corrupt EXIF; libtiff), reported by file
