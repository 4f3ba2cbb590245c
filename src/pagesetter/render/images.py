"""Photos prepared for print: cropped to the frame, resampled, separated for newsprint, JPEG.

Any JPEG, PNG, TIFF, WebP or GIF in any colour mode comes in (a float TIFF is read as 0.0–1.0).
Colour goes into the PDF as a DeviceCMYK JPEG, converted through ICC profiles to the newsprint
profile that ships beside this module
(profiles/newsprint-tr002.icc, CGATS TR 002); greyscale stays one channel and goes in as a
DeviceGray JPEG, which prints on the black plate alone. Either is at the page's photo_ppi at its
placed size (or the picture's own resolution, when that is less), and no pixel exceeds the total
area coverage limit (``TAC_LIMIT``).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import io
import json
import math
import os
import struct
import sys
import tempfile
import threading
import warnings
import zlib
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from PIL import Image, ImageChops, ImageCms, ImageMath, ImageOps, UnidentifiedImageError

from pagesetter.errors import READING, InputError, Loc, Reading
from pagesetter.render.probe import DECODER_ERRORS, open_photo, unidentified
from pagesetter.records import record
from pagesetter.render.photo import (EXIF_ORIENTATION, NEWSPRINT_PROFILE, PHOTO_FORMATS, TAC_LIMIT,  # noqa: F401
                                     WARN_PPI, PreparedImage, photo_formats, target_width)
from pagesetter.spec.model import CMYK, DEFAULT_PHOTO_PPI

JPEG_QUALITY = 85
# Decompression-bomb guard: a newspaper photo is well under 100 megapixels.
MAX_PIXELS = 100_000_000
# A crop (fill) narrower or shallower than this many pixels shows nothing of the picture.
MIN_CROP = 2
# _open refuses a picture over MAX_PIXELS from its header, below the size at which Pillow raises
# (2 × its MAX_IMAGE_PIXELS, 179 megapixels): Pillow's own warning between the two is not for the
# desk, and the command line drops it (cli._warnings_as_lines; not here: a filter is process-wide).
GREY_MODES = ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N", "F")
# grey_to_k_curve() of the shipped profile, computed once and shipped beside it
GREY_CURVE_TABLE = NEWSPRINT_PROFILE.with_name("newsprint-tr002.grey-to-k.json")


def prepare_image(path: Path, frame_w: float, frame_h: float, fit: str,
                  focus: tuple[float, float] = (0.5, 0.5), ppi: int = DEFAULT_PHOTO_PPI,
                  background: CMYK | None = None) -> PreparedImage:
    """Crop (fill, keeping ``focus`` in the frame) or keep whole (fit), resample to ``ppi`` (never
    up), separate for newsprint (CMYK, or grey on the black plate) and encode as JPEG.
    ``background``: the tint under the picture, which its transparent pixels show (else paper)."""
    reading = Reading(path)
    token = READING.set(reading)  # a library's warnings meanwhile (corrupt EXIF) are held for this file
    try:
        prepared = _prepare(path, frame_w, frame_h, fit, focus, ppi, background)
    finally:
        READING.reset(token)
    return replace(prepared, notes=tuple(dict.fromkeys(reading.held)))  # once each


def _prepare(path: Path, frame_w: float, frame_h: float, fit: str, focus: tuple[float, float], ppi: int,
             background: CMYK | None) -> PreparedImage:
    sizes: list[tuple[float, int]] = []  # (effective ppi, target width in pixels), from the full picture

    def plan(probe: Image.Image) -> None:
        w, h = probe.size
        if probe.getexif().get(EXIF_ORIENTATION, 1) in (5, 6, 7, 8):
            w, h = h, w  # turned a quarter: exif_transpose will swap them
        crop_w = min(w, h * frame_w / frame_h) if fit == "fill" else w
        placed_w = frame_w if fit == "fill" else w * min(frame_w / w, frame_h / h)
        target_w = target_width(placed_w, ppi)  # rounded up (photo.py); fit_pixels says the same size
        sizes.append((crop_w / (placed_w / 72), target_w))
        if target_w < crop_w:
            # A JPEG decodes at 1/2, 1/4 or 1/8 of its size for a fraction of the time; draft picks
            # the smallest that still has the pixels print needs (a 24-megapixel photo for a
            # two-column frame decodes at a quarter).
            r = target_w / crop_w
            probe.draft(probe.mode, (math.ceil(probe.size[0] * r), math.ceil(probe.size[1] * r)))

    im = _open(path, plan)
    (ppi, target_w), = sizes
    embedded = im.info.get("icc_profile") or None  # read now: flattening alpha drops im.info
    ImageOps.exif_transpose(im, in_place=True)  # in place: a photo is megapixels, a copy 10 ms
    box = _crop_box(im.size, frame_w / frame_h, focus) if fit == "fill" else (0, 0, *im.size)
    if fit == "fill" and min(box[2] - box[0], box[3] - box[1]) < MIN_CROP:
        # A 20000×1 strip cropped to a tall frame keeps a pixel or none: nothing of it would show.
        raise InputError(Loc.of_file(path), f"image is {im.width}×{im.height} pixels: cropped to the shape of its "
                         f"frame ({frame_w:.0f}×{frame_h:.0f} pt) it keeps less than {MIN_CROP} pixels across or "
                         "down; give a picture of about the frame's shape, or set the photo cell's fit: fit")
    neutral = im.mode == "RGB" and _is_neutral(im, box)
    if neutral:
        # A black-and-white photo saved as RGB (most are): one channel from here, printed on the
        # black plate like any grey picture (_to_cmyk), and resampled at a third of the cost.
        im = im.convert("L")
    box_w, box_h = box[2] - box[0], box[3] - box[1]
    if box_w > target_w:
        # The crop is resampled straight from the picture (no cropped copy first), bicubic as
        # Distiller's and InDesign's press presets downsample: at twice the screen ruling Lanczos's
        # extra sharpness does not print, and it costs half as much again (measured: 1600×1200
        # RGB to 1042 px, 34 ms against 47).
        im = im.resize((target_w, max(1, round(box_h * target_w / box_w))), Image.Resampling.BICUBIC, box=box)
    elif box != (0, 0, *im.size):
        im = im.crop(box)
    separated = _to_cmyk(im, embedded, background)
    jpeg, max_tac = _encode_within_limit(separated)
    colorspace = "DeviceGray" if separated.image.mode == "L" else "DeviceCMYK"
    source = "neutral RGB, set as grey (sRGB tone curve)" if neutral else separated.source
    return PreparedImage(jpeg, separated.image.width, separated.image.height, ppi, colorspace, max_tac, source)


# JPEG's ringing at hard edges puts ink back: a picture held to 240 % decodes at up to 260 %. The
# encoded pixels are what prints, so they are measured, and the limit lowered by the overshoot
# until they hold (two or three passes at most on the worst pictures; most never need a second).
ENCODE_PASSES = 6


def _encode_within_limit(separated: Separated) -> tuple[bytes, float]:
    """The JPEG and the coverage of its darkest decoded pixel (%), every decoded pixel within
    TAC_LIMIT."""
    image = separated.image
    if image.mode != "CMYK":  # one ink: never over
        return _jpeg(image), separated.max_tac
    cap = math.floor(TAC_LIMIT * 255 / 100)
    limit = TAC_LIMIT
    for _ in range(ENCODE_PASSES):
        data = _jpeg(image)
        peak = _total(_decoded(data)).getextrema()[1]
        if peak <= cap:
            return data, round(peak * 100 / 255, 1)
        limit -= (peak - cap) * 100 / 255 + 1.0  # the overshoot, and a margin for the next pass's own
        image, _ = _limit_tac(separated.image, limit)
    # Still over after every pass (a pathological picture): the encoded pixels themselves are held
    # to the limit and encoded once more at the highest quality, which rings least.
    data = _jpeg(_limit_tac(_decoded(data), limit)[0], quality=100)
    peak = _total(_decoded(data)).getextrema()[1]
    return data, round(peak * 100 / 255, 1)


def _jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, optimize=False)
    return buf.getvalue()


def _decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im


def _open(path: Path, plan: Callable[[Image.Image], None] = lambda probe: None) -> Image.Image:
    """The picture, bomb-checked from its header; ``plan`` sees the header before the pixels are read.
    Only the formats we document are tried, by content (PHOTO_FORMATS); a regular file only."""
    loc = Loc.of_file(path)
    fh = open_photo(path, loc)
    kind = ""  # the format Pillow recognised, once it has: a decode failing after that is a damaged file of it
    try:
        with fh, Image.open(fh, formats=photo_formats(fh)) as probe:
            kind = probe.format or ""
            if probe.width * probe.height > MAX_PIXELS:
                raise InputError(loc, f"image is {probe.width}×{probe.height} pixels, over the limit of "
                                 f"{MAX_PIXELS // 1_000_000} megapixels")
            plan(probe)
            if probe.format == "TIFF":
                _load_tiff(probe, loc)
            else:
                probe.load()  # the pixels are read now; closing the file keeps them
            if probe.format == "PNG":
                fh.seek(0)
                _png_complete(fh, loc)
            return probe
    except InputError:
        raise
    except Image.DecompressionBombError:
        raise InputError(loc, f"image claims more pixels than the limit of {MAX_PIXELS // 1_000_000} megapixels "
                         "(a damaged file or a decompression bomb)") from None
    except UnidentifiedImageError:
        raise unidentified(path, loc) from None
    except MemoryError:
        raise InputError(loc, "image too large to decode in the memory there is") from None
    except DECODER_ERRORS as exc:
        raise _undecodable(loc, kind, " ".join(str(exc).split())[:200] or type(exc).__name__) from None


# Pillow's names for the formats we read, as a desk says them (trial 16b #8: a truncated JPEG was
# told "expected a JPEG, PNG, … file", sending the desk to convert a file of the right format).
_KIND_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "TIFF": "TIFF", "WEBP": "WebP", "GIF": "GIF", "MPO": "JPEG"}


def _undecodable(loc: Loc, kind: str, reason: str) -> InputError:
    """A picture whose pixels could not be read. Recognised as one of our formats (its header read),
    it is that file damaged: said so, with the fix (export it again); else the formats we read."""
    name = _KIND_NAMES.get(kind.upper(), "")
    if name:
        return InputError(loc, f"cannot read image: the {name} file is damaged ({reason}); export or send it "
                          "again")
    return InputError(loc, f"cannot read image ({reason}); expected a JPEG, PNG, TIFF, WebP or GIF file")


# The first bytes of each format we read (their specifications' signatures).
# libtiff (which Pillow decodes compressed TIFFs with) prints its warnings and errors on the
# process's stderr itself, past Python: caught there one decode at a time.
_STDERR_LOCK = threading.Lock()


def _scratch_file() -> BinaryIO:
    """An anonymous file in memory (Linux), else a temporary one."""
    memfd = getattr(os, "memfd_create", None)
    if memfd is not None:
        try:
            return os.fdopen(memfd("pagesetter-stderr", getattr(os, "MFD_CLOEXEC", 0)), "w+b")
        except OSError:
            pass
    return tempfile.TemporaryFile()


def _load_tiff(probe: Image.Image, loc: Loc) -> None:
    """The TIFF's pixels, libtiff's messages caught: on a failure its first message is the reason
    given, else each (up to three) is one of our warnings, naming the file (cli.py)."""
    said: list[str] = []
    try:
        with _stderr_lines(said):
            probe.load()
    except DECODER_ERRORS as exc:
        reason = f"libtiff: {said[0]}" if said else " ".join(str(exc).split())[:200]
        raise _undecodable(loc, "TIFF", reason[:200]) from None
    for line in said[:3]:
        warnings.warn(f"libtiff: {line[:200]}", UserWarning, stacklevel=2)


@contextlib.contextmanager
def _stderr_lines(said: list[str]) -> Iterator[None]:
    """What is written to file descriptor 2 meanwhile, as lines into ``said`` (after the block,
    error or not). One thread at a time: the descriptor is the process's. Where no file can be
    made to hold it (no memfd, TMPDIR gone), nothing is caught: the decode itself must not fail."""
    with _STDERR_LOCK, contextlib.ExitStack() as stack:
        try:
            sink: BinaryIO | None = stack.enter_context(_scratch_file())
        except OSError:
            sink = None
        if sink is None:
            yield
            return
        sys.stderr.flush()
        saved = os.dup(2)
        try:  # the redirection in the try: an interrupt right after it still puts stderr back
            os.dup2(sink.fileno(), 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            text = sink.read(64_000).decode("utf-8", "replace")
            # Pillow hands libtiff its data under the made-up name tempfile.tif: not the user's file
            said += [line.strip().removeprefix("tempfile.tif: ") for line in text.splitlines() if line.strip()]


# PNG colour type -> samples per pixel (PNG spec, 11.2.2 IHDR).
_PNG_SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# Adam7 passes: (first column, first row, column step, row step) (PNG spec, 8.2).
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def _png_complete(fh: BinaryIO, loc: Loc) -> None:
    """Refuse a PNG whose image data ends early: Pillow fills the missing rows with black and
    says nothing, and the page would print a black band with exit 0. The IDAT stream is inflated
    again (and thrown away) only to count its bytes against what IHDR says it holds."""
    data = fh.read()
    if len(data) < 33:
        return  # Pillow read it: nothing left to check
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    samples = _PNG_SAMPLES.get(colour, 1)

    def row_bytes(w: int) -> int:
        return 1 + (w * depth * samples + 7) // 8 if w else 0

    if interlace:
        need = sum(row_bytes(-(-(width - x0) // dx) if width > x0 else 0) * (-(-(height - y0) // dy) if height > y0 else 0)
                   for x0, y0, dx, dy in _ADAM7)
    else:
        need = row_bytes(width) * height
    inflate = zlib.decompressobj()
    got, at = 0, 8
    while at + 8 <= len(data) and got < need:
        length = int.from_bytes(data[at:at + 4], "big")
        kind = data[at + 4:at + 8]
        if kind == b"IDAT":
            got += len(inflate.decompress(data[at + 8:at + 8 + length], need - got + 1))
            while inflate.unconsumed_tail and got < need:
                got += len(inflate.decompress(inflate.unconsumed_tail, need - got + 1))
        elif kind == b"IEND":
            break
        at += 12 + length
    if got < need:
        raise InputError(loc, f"the PNG's image data ends early ({got:,} of {need:,} bytes): the picture is "
                         "cut short or damaged; save it again")


def _crop_box(size: tuple[int, int], aspect: float, focus: tuple[float, float]) -> tuple[int, int, int, int]:
    """The part of the picture with the frame's aspect ratio, centred on ``focus`` as far as the
    picture allows: (left, top, right, bottom) in pixels."""
    w, h = size
    if w / h > aspect:
        new_w = round(h * aspect)
        left = min(max(0, round(focus[0] * w - new_w / 2)), w - new_w)
        return (left, 0, left + new_w, h)
    new_h = round(w / aspect)
    top = min(max(0, round(focus[1] * h - new_h / 2)), h - new_h)
    return (0, top, w, top + new_h)


@record(frozen=True)
class Separated:
    image: Image.Image  # CMYK, or L for the black plate alone (L value 255 = no ink)
    max_tac: float  # % of the darkest pixel, after the limit was applied
    source: str  # the profile the colour came from


def _to_cmyk(im: Image.Image, embedded: bytes | None = None, background: CMYK | None = None) -> Separated:
    """Colour to CMYK through ICC profiles, grey to the black plate, CMYK as it is; every result
    within TAC_LIMIT. Transparent pixels show ``background`` (a tint), else the paper."""
    transparent = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
    if transparent and background is not None and any(background.fractions()):
        return _on_tint(im, embedded, background)
    # Flatten transparency on white paper first; print has no alpha.
    if transparent:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat = Image.alpha_composite(white, rgba)
        im = flat.convert("L") if im.mode == "LA" else flat.convert("RGB")  # grey with alpha stays grey
    if im.mode == "CMYK":
        # Separated by the sender. Tagged with our own output profile (the OutputIntent's), it was
        # separated for this press: kept number for number, as InDesign and Acrobat keep it (trial
        # 15: converted, it lost half its ink and printed 6.8 L* lighter). With another profile
        # embedded it was separated for another press (a magazine's 300–340 % coated stock, say):
        # converted through that profile to newsprint. Untagged, it is kept as it is (converting
        # CMYK to CMYK by a guess would rebuild the black); every way held to the coverage limit.
        own = embedded is not None and is_output_profile(embedded)
        transform = _cmyk_transform(embedded) if embedded and not own else None
        if transform is not None:
            im = _applied(im, transform)
        limited, tac = _limit_tac(im, TAC_LIMIT)
        source = "CMYK through its embedded profile" if transform else \
            "CMYK as supplied (tagged with the output profile)" if own else "CMYK as supplied"
        return Separated(limited, tac, source)
    if _is_grey_mode(im.mode):
        # The black plate alone: misregistration on the press cannot colour a grey picture's edges,
        # and no C, M or Y is spent on greys. One ink: the darkest pixel's black is its coverage.
        plate = _to_8bit_grey(im).point(list(_grey_to_k_curve()))
        return Separated(plate, round((255 - plate.getextrema()[0]) * 100 / 255, 1), "grey (sRGB tone curve)")
    rgb = im if im.mode == "RGB" else im.convert("RGB")  # convert() would copy an RGB picture
    transform, source = _source_transform(embedded)
    cmyk = _applied(rgb, transform)
    limited, tac = _limit_tac(cmyk, TAC_LIMIT)
    return Separated(limited, tac, source)


def _on_tint(im: Image.Image, embedded: bytes | None, background: CMYK) -> Separated:
    """A transparent picture over a tint: its colour separated, then laid over the tint's own inks
    by its alpha (in CMYK, where the tint is exact), so no white patch shows where it is clear.
    PDF/X-1a has no transparency: this is the flattening a plant's RIP would otherwise do."""
    rgba = im.convert("RGBA")
    alpha = rgba.getchannel("A")
    transform, source = _source_transform(embedded)
    cmyk = _applied(rgba.convert("RGB"), transform)
    tint = Image.new("CMYK", cmyk.size, tuple(round(v * 255) for v in background.fractions()))
    limited, tac = _limit_tac(Image.composite(cmyk, tint, alpha), TAC_LIMIT)
    return Separated(limited, tac, f"{source}, over its tint")


def _applied(im: Image.Image, transform: ImageCms.ImageCmsTransform) -> Image.Image:
    """``ImageCms.applyTransform(im, transform)`` without what it adds after the transform: the
    output profile serialised by littleCMS into the result's ``info`` (228 KB, 0.7 ms a photo),
    which nothing here reads (a JPEG is saved with what ``save`` is given, not with ``info``).
    The same pixels: the same transform object, applied by the same call into a new image of its
    output mode. Pillow before 11 (no ``getim``) and a mode the transform does not take go
    through applyTransform, which raises what it raises."""
    if not hasattr(im, "getim") or im.mode != transform.input_mode:
        return ImageCms.applyTransform(im, transform)  # type: ignore[return-value]
    out = Image.new(transform.output_mode, im.size)
    transform.transform.apply(im.getim(), out.getim())
    return out


def _is_grey_mode(mode: str) -> bool:
    return mode in GREY_MODES


# Largest difference between the R, G and B of any pixel that still counts as neutral: JPEG's
# chroma subsampling leaves a few levels of colour noise in a grey picture.
NEUTRAL_SPREAD = 6


def _is_neutral(rgb: Image.Image, box: tuple[int, int, int, int]) -> bool:
    """True when no pixel inside ``box`` has colour in it (every pixel's R, G, B within
    NEUTRAL_SPREAD)."""
    # A colour photo is told from a quarter-size average first (a twentieth of the work): where an
    # average of pixels has colour, so has one of them (|mean(R-G)| <= max |R-G|; +1 for rounding).
    if not _spread_within(rgb.reduce(4, box=box), NEUTRAL_SPREAD + 1):
        return False
    # Only the crop is looked at: copying it costs less than looking at the rest of the picture
    # (a colour mark outside the crop would otherwise cost a second look, at the crop).
    return _spread_within(rgb if box == (0, 0, *rgb.size) else rgb.crop(box), NEUTRAL_SPREAD)


def _spread_within(rgb: Image.Image, spread: int) -> bool:
    r, g, b = rgb.split()
    return all(ImageChops.difference(x, y).getextrema()[1] <= spread for x, y in ((r, g), (g, b), (r, b)))


def _to_8bit_grey(im: Image.Image) -> Image.Image:
    """8-bit grey from any grey mode. 16-bit greys are scaled (65535 -> 255), not clipped."""
    if im.mode in ("1", "L"):
        return im.convert("L")
    if im.mode == "F":  # float samples run 0.0 (black) to 1.0 (white), as GIMP and Photoshop write
        return im.point(lambda v: v * 255).convert("L")  # them; convert() clips the rest to 0–255
    return im.convert("I").point(lambda v: v * (1 / 257)).convert("L")


# Perceptual intent: the profile's perceptual table was built with gamut mapping from the sRGB
# gamut (colprof -S sRGB.icm, profiles/README.md), so photos are compressed smoothly into the
# small newsprint gamut and keep their shadow detail. Relative colorimetric clips instead: measured
# on this profile, sRGB grey 64 goes to 59/44/36/100 (the 240 % maximum, as dark as black) where
# perceptual gives 16/4/0/88 (ICC.1:2010 §6.2.2 on the intents' purposes).
PHOTO_INTENT = ImageCms.Intent.PERCEPTUAL


@functools.lru_cache(maxsize=1)
def _newsprint() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(str(NEWSPRINT_PROFILE))


@functools.lru_cache(maxsize=8)
def _transform_from(embedded: bytes | None) -> ImageCms.ImageCmsTransform:
    """RGB -> newsprint CMYK, built once per source profile in a process (building one costs tens
    of milliseconds; applying it a few)."""
    source = ImageCms.ImageCmsProfile(io.BytesIO(embedded)) if embedded else ImageCms.createProfile("sRGB")
    return ImageCms.buildTransform(source, _newsprint(), "RGB", "CMYK", renderingIntent=PHOTO_INTENT)


# CMYK to CMYK: relative colorimetric with black point compensation, the prepress choice for
# separated files (Adobe's and ECI's defaults): colours the newsprint gamut holds are kept, the
# rest clipped, and the source's black scaled to the paper's so shadows keep their detail. The
# perceptual table was built for RGB photos (PHOTO_INTENT); through it a coated-stock file's tones
# are compressed a second time.
CMYK_INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC
CMYK_FLAGS = ImageCms.Flags.BLACKPOINTCOMPENSATION


def _profile_id(profile: bytes) -> bytes:
    """The profile's ID as ICC.1:2010 §7.2.18 computes it: the MD5 of the profile with the header's
    flags (bytes 44–47), rendering intent (64–67) and ID (84–99) zeroed. Two files of the same
    profile agree on it whatever an application wrote into those header fields."""
    if len(profile) < 128:
        return hashlib.md5(profile).digest()
    b = bytearray(profile)
    b[44:48] = bytes(4)
    b[64:68] = bytes(4)
    b[84:100] = bytes(16)
    return hashlib.md5(bytes(b)).digest()


@functools.lru_cache(maxsize=1)
def _output_profile_id() -> bytes:
    return _profile_id(NEWSPRINT_PROFILE.read_bytes())


def is_output_profile(embedded: bytes) -> bool:
    """Is ``embedded`` the output profile (the PDF's DestOutputProfile), by its bytes or its ID?
    Not by its description: another press's profile may carry any name."""
    return _profile_id(embedded) == _output_profile_id()


@functools.lru_cache(maxsize=8)
def _cmyk_transform(embedded: bytes) -> ImageCms.ImageCmsTransform | None:
    """A CMYK photo's own profile -> newsprint CMYK, or None when the profile is not a usable CMYK one."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(embedded))
        if ImageCms.getProfileInfo(source) is None or source.profile.xcolor_space.strip() != "CMYK":
            return None
        return ImageCms.buildTransform(source, _newsprint(), "CMYK", "CMYK", renderingIntent=CMYK_INTENT,
                                       flags=CMYK_FLAGS)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError, AttributeError):
        return None


def _source_transform(embedded: bytes | None) -> tuple[ImageCms.ImageCmsTransform, str]:
    """The photo's own profile when it has a usable RGB one, else sRGB (what an untagged photo from
    a camera or the web almost always is)."""
    if embedded:
        try:
            return _transform_from(embedded), "embedded"
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            return _transform_from(None), "sRGB (embedded profile unusable)"
    return _transform_from(None), "sRGB (assumed)"


@functools.lru_cache(maxsize=1)
def _grey_to_k_curve() -> tuple[int, ...]:
    """256 entries: an 8-bit grey -> the L value (255 - K) that prints the same relative lightness
    with black ink alone on newsprint (``grey_to_k_curve``). Read from the table shipped beside the
    profile when it was computed from this very profile: computing it loads the profile and builds
    a transform, about 40 ms of the first grey photo of every process."""
    try:
        shipped = json.loads(GREY_CURVE_TABLE.read_text(encoding="utf-8"))
        if shipped.get("profile_sha256") == _profile_sha256():
            curve = tuple(shipped["curve"])
            if len(curve) == 256 and all(isinstance(v, int) and 0 <= v <= 255 for v in curve):
                return curve
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    return grey_to_k_curve()


def write_grey_curve_table() -> None:
    """Compute the grey -> K table from the shipped profile and write it beside it (run after the
    profile is rebuilt; profiles/README.md). A test checks that the table is the profile's."""
    table = {"profile_sha256": _profile_sha256(),
             "about": "render/images.py grey_to_k_curve(): 8-bit sRGB grey -> 255 - K on the newsprint profile",
             "curve": list(grey_to_k_curve())}
    GREY_CURVE_TABLE.write_text(json.dumps(table, indent=None) + "\n", encoding="utf-8")


def _profile_sha256() -> str:
    """What names the shipped profile in the grey table."""
    return hashlib.sha256(NEWSPRINT_PROFILE.read_bytes()).hexdigest()


def grey_to_k_curve() -> tuple[int, ...]:
    """256 entries: an 8-bit grey -> the L value (255 - K) that prints the same relative lightness
    with black ink alone on newsprint.

    A grey photo carries no profile we can convert with (littleCMS cannot target the K channel
    alone), so its values are taken as sRGB-encoded lightness (what greyscale JPEGs from cameras and
    the web are), and mapped between the paper (grey 255) and solid black (grey 0) through the
    black-only ramp of the newsprint profile: this compensates the dot gain of coldset printing
    (26 % on IFRA26, similar on TR 002), which would otherwise print a straight 1 - grey far too dark.
    """
    lab = ImageCms.createProfile("LAB")
    to_lab = ImageCms.buildTransform(_newsprint(), lab, "CMYK", "LAB",
                                     renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    ramp = Image.frombytes("CMYK", (256, 1), bytes(v for k in range(256) for v in (0, 0, 0, k)))
    lab_bytes = ImageCms.applyTransform(ramp, to_lab).tobytes()  # L, a, b per pixel; L 0–255 for 0–100
    lightness = [lab_bytes[3 * k] * 100 / 255 for k in range(256)]
    for k in range(1, 256):  # monotone, so the inverse below is well defined
        lightness[k] = min(lightness[k], lightness[k - 1])
    paper, solid = lightness[0], lightness[255]
    curve = []
    for g in range(256):
        target = solid + (paper - solid) * _srgb_lightness(g) / 100
        curve.append(255 - _inverse(lightness, target))
    return tuple(curve)


def _srgb_lightness(g: int) -> float:
    """CIE L* of an 8-bit sRGB grey (IEC 61966-2-1 transfer function, CIE 1976 L*)."""
    v = g / 255
    y = v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def _inverse(lightness: list[float], target: float) -> int:
    """The K (0–255) whose lightness is nearest ``target`` on the falling ramp (the smaller K on a
    tie). A bisection: the ramp is monotone, and the curve asks 256 times."""
    rising = [-v for v in lightness]
    i = bisect.bisect_left(rising, -target)
    candidates = [k for k in (i - 1, i, i + 1) if 0 <= k < 256]
    # equal lightness over a run of K: the first K of the run is the smallest with that distance
    best = min(candidates, key=lambda k: (abs(lightness[k] - target), k))
    while best > 0 and lightness[best - 1] == lightness[best]:
        best -= 1
    return best


def _limit_tac(cmyk: Image.Image, limit: float) -> tuple[Image.Image, float]:
    """Hold every pixel to ``limit`` % C+M+Y+K by scaling its C, M and Y down (K, which carries the
    detail and the neutrals, is kept); returns the image and its darkest pixel's coverage in %.

    The profile already separates to 240 %, so this rarely changes a pixel; it catches supplied
    CMYK files and rounding in the profile's tables. Pillow integer image arithmetic, no numpy, and
    only over the bounding box of the pixels that are over: about 20 ms to check a 1500×1000 photo.
    """
    cap = math.floor(limit * 255 / 100)
    total = _total(cmyk)
    peak = total.getextrema()[1]
    if peak <= cap:
        return cmyk, round(peak * 100 / 255, 1)
    box = ImageMath.lambda_eval(lambda a: a["convert"](a["t"] > cap, "L"), t=total).getbbox()
    c, m, y, k = cmyk.crop(box).split()
    # Where the pixel is over: band * (cap - K) / (C + M + Y), in integers (truncating, so the sum
    # never rounds back over the cap); elsewhere the min() keeps the band as it is.
    room = ImageMath.lambda_eval(lambda a: cap - a["k"], k=k)
    cmy = ImageMath.lambda_eval(lambda a: a["max"](a["c"] + a["m"] + a["y"], 1), c=c, m=m, y=y)
    scaled = [ImageMath.lambda_eval(lambda a: a["convert"](a["min"](a["b"], a["b"] * a["r"] / a["s"]), "L"),
                                    b=band, r=room, s=cmy) for band in (c, m, y)]
    limited = cmyk.copy()
    limited.paste(Image.merge("CMYK", (*scaled, k)), box[:2])
    return limited, round(_total(limited).getextrema()[1] * 100 / 255, 1)


def _total(cmyk: Image.Image) -> Image.Image:
    """C+M+Y+K per pixel, 0–1020 (mode I)."""
    c, m, y, k = cmyk.split()
    return ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
