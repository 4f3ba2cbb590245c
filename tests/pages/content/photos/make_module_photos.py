"""Make the stand-in pictures of the module test pages (tests/pages/layout/modules-*.yaml).

Grey gradients, each with as many white discs as its number, so a proof shows which picture
stands where. 1600×1200 px: over 200 ppi up to four columns wide. Deterministic.

    python tests/pages/content/photos/make_module_photos.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZE = (1600, 1200)


def make(number: int) -> Image.Image:
    im = Image.new("L", SIZE)
    draw = ImageDraw.Draw(im)
    for y in range(SIZE[1]):
        draw.line([(0, y), (SIZE[0], y)], fill=60 + (y * 120) // SIZE[1] + number * 8)
    for i in range(number):
        cx = SIZE[0] * (i + 1) // (number + 1)
        draw.ellipse([cx - 90, 480, cx + 90, 660], fill=235, outline=20, width=8)
    return im


if __name__ == "__main__":
    for n in range(1, 6):
        make(n).save(HERE / f"module-{n}.jpg", quality=70, optimize=True)
