"""Photos prepared for print: cropped to the frame, resampled, CMYK, JPEG.

Any JPEG, PNG or TIFF in any colour mode comes in; what goes into the PDF is a
DeviceCMYK JPEG at no more than ``MAX_PPI`` at its placed size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageOps

from pagesetter.errors import InputError, Loc

MAX_PPI = 300  # twice a 150 lpi screen; newsprint screens are coarser (../shared/PRINT.md)
WARN_PPI = 200  # PRINT.md: warn under 200 ppi effective
JPEG_QUALITY = 85
# Decompression-bomb guard: a newspaper photo is well under 100 megapixels.
MAX_PIXELS = 100_000_000


@dataclass(frozen=True)
class PreparedImage:
    jpeg: bytes
    width_px: int
    height_px: int
    effective_ppi: float  # of the source pixels at the placed size


def prepare_image(path: Path, frame_w: float, frame_h: float, fit: str,
                  focus: tuple[float, float] = (0.5, 0.5)) -> PreparedImage:
    """Crop (fill, keeping ``focus`` in the frame) or keep whole (fit), resample to at most
    MAX_PPI, convert to CMYK JPEG."""
    im = _open(path)
    im = ImageOps.exif_transpose(im)
    if fit == "fill":
        im = _crop_to_aspect(im, frame_w / frame_h, focus)
        placed_w = frame_w
    else:
        scale = min(frame_w / im.width, frame_h / im.height)
        placed_w = im.width * scale
    ppi = im.width / (placed_w / 72)
    target_w = round(placed_w / 72 * MAX_PPI)
    if im.width > target_w:
        im = im.resize((target_w, max(1, round(im.height * target_w / im.width))), Image.Resampling.LANCZOS)
    im = _to_cmyk(im)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=False)
    return PreparedImage(buf.getvalue(), im.width, im.height, ppi)


def _open(path: Path) -> Image.Image:
    loc = Loc.of_file(path)
    if not path.is_file():
        raise InputError(loc, "image file not found")
    try:
        with Image.open(path) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise InputError(loc, f"image is {probe.width}×{probe.height} pixels, over the limit of "
                                 f"{MAX_PIXELS // 1_000_000} megapixels")
            probe.load()
            return probe.copy()
    except InputError:
        raise
    except Image.DecompressionBombError:
        raise InputError(loc, f"image claims more pixels than the limit of {MAX_PIXELS // 1_000_000} megapixels "
                         "(a damaged file or a decompression bomb)") from None
    except (OSError, ValueError) as exc:
        raise InputError(loc, f"cannot read image ({exc}); expected a JPEG, PNG or TIFF file") from None


def _crop_to_aspect(im: Image.Image, aspect: float, focus: tuple[float, float]) -> Image.Image:
    """Crop to the frame's aspect ratio, the crop centred on ``focus`` as far as the picture allows."""
    w, h = im.size
    if w / h > aspect:
        new_w = round(h * aspect)
        left = min(max(0, round(focus[0] * w - new_w / 2)), w - new_w)
        return im.crop((left, 0, left + new_w, h))
    new_h = round(w / aspect)
    top = min(max(0, round(focus[1] * h - new_h / 2)), h - new_h)
    return im.crop((0, top, w, top + new_h))


def _to_cmyk(im: Image.Image) -> Image.Image:
    # Flatten transparency on white paper first; print has no alpha.
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    if im.mode == "CMYK":
        return im
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        im = im.convert("L") if im.mode != "F" else im.point(lambda v: v / 256).convert("L")
    # Until the colour-managed conversion to the newsprint profile (print output, issue 5):
    # full grey-component replacement, so neutrals print in black ink alone and the total
    # area coverage stays at or under 200 % (newsprint allows 220–240 %, PRINT.md).
    c, m, y = (ImageChops.invert(band) for band in im.convert("RGB").split())
    k = ImageChops.darker(ImageChops.darker(c, m), y)
    return Image.merge("CMYK", (ImageChops.subtract(c, k), ImageChops.subtract(m, k),
                                ImageChops.subtract(y, k), k))
