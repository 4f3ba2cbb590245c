"""Make the CMYK pictures of tests/pages/layout/cmyk-tagged.yaml: the same separated pixels (flat
patches of a press-ready photo's inks, 160–210 % coverage, under the 240 % limit) saved untagged
and tagged with the output profile we write as the PDFs' DestOutputProfile. 480×320 px,
deterministic.

    python tests/pages/content/cmyk-tagged/make_photos.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from pagesetter.render.photo import NEWSPRINT_PROFILE

HERE = Path(__file__).resolve().parent
SIZE = (480, 320)
# C, M, Y, K in % (a skin tone, a brown, a deep green, a rich shadow, a sky)
PATCHES = ((36, 51, 73, 0), (45, 60, 80, 20), (80, 30, 90, 10), (60, 50, 50, 50), (55, 15, 5, 0), (10, 20, 30, 0))


def make() -> Image.Image:
    im = Image.new("CMYK", SIZE)
    draw = ImageDraw.Draw(im)
    w = SIZE[0] // 3
    h = SIZE[1] // 2
    for i, inks in enumerate(PATCHES):
        x, y = (i % 3) * w, (i // 3) * h
        draw.rectangle([x, y, x + w - 1, y + h - 1], fill=tuple(round(v * 255 / 100) for v in inks))
    return im


if __name__ == "__main__":
    im = make()
    im.save(HERE / "plain.jpg", quality=95)
    im.save(HERE / "own-profile.jpg", quality=95, icc_profile=NEWSPRINT_PROFILE.read_bytes())
