"""What a photo becomes for the PDF, and the numbers print sets for it. No imaging library here:
a warm build takes its prepared photos from the cache and never loads Pillow (render/images.py
does the preparing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Photos are resampled to at most this many pixels per inch at their placed size: twice the screen
# ruling (PRINT.md). 240 serves the finest newsprint screens, 120 lpi (85–100 lpi is usual, where
# 170–200 ppi would do); more prints no finer on newsprint and costs bytes, RIP time and build time.
# A plant that screens finer sets photo_ppi in the page spec (300 for 150 lpi).
DEFAULT_PHOTO_PPI = 240
PHOTO_PPI_RANGE = (150, 600)  # under 150 preflight flags the photo (PRINT.md); over 600 is line art's
WARN_PPI = 200  # PRINT.md: warn under 200 ppi effective
# The newsprint output profile we build and ship (profiles/README.md): CGATS TR 002 coldset
# newsprint, total ink 240 %.
NEWSPRINT_PROFILE = Path(__file__).resolve().parent / "profiles" / "newsprint-tr002.icc"
# Total area coverage, C+M+Y+K in %: no page may exceed 240 % on newsprint (PRINT.md, ISO 12647-3
# plants quote 220–260 %); the profile separates to 240 %, and every pixel is checked after it.
TAC_LIMIT = 240.0


@dataclass(frozen=True)
class PreparedImage:
    jpeg: bytes
    width_px: int
    height_px: int
    effective_ppi: float  # of the source pixels at the placed size
    colorspace: str = "DeviceCMYK"  # the PDF colour space of the JPEG: DeviceCMYK or DeviceGray
    max_tac: float = 0.0  # % C+M+Y+K of the darkest pixel written (before JPEG)
    source_profile: str = ""  # what the colour was converted from: "embedded", "sRGB (assumed)", …
