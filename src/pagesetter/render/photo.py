"""What a photo becomes for the PDF, and the numbers print sets for it. No imaging library here:
a warm build takes its prepared photos from the cache and never loads Pillow (render/images.py
does the preparing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def photo_formats() -> tuple[str, ...]:
    """PHOTO_FORMATS with their Pillow plugins registered: Image.open(formats=...) does not load a
    plugin itself, it loads every plugin Pillow has. Here, not in render/images.py, so that fitting,
    which reads photo headers, need not load the preparing (littleCMS and the rest)."""
    from PIL import GifImagePlugin, JpegImagePlugin, PngImagePlugin, TiffImagePlugin, WebPImagePlugin  # noqa: F401

    return PHOTO_FORMATS


@dataclass(frozen=True)
class PreparedImage:
    jpeg: bytes
    width_px: int
    height_px: int
    effective_ppi: float  # of the source pixels at the placed size
    colorspace: str = "DeviceCMYK"  # the PDF colour space of the JPEG: DeviceCMYK or DeviceGray
    max_tac: float = 0.0  # % C+M+Y+K of the darkest pixel written (before JPEG)
    source_profile: str = ""  # what the colour was converted from: "embedded", "sRGB (assumed)", …
    notes: tuple[str, ...] = ()  # what the decoder warned of (Pillow: corrupt EXIF; libtiff), reported by file
