"""Makes the fit-caption test page's pictures (tests/pages/layout/fit-caption.yaml): a 1:8 strip,
far narrower than its cell, whose caption keeps a minimum measure, and a 2:3 upright picture,
whose caption takes its width. Drawn as photo-fit's pictures
are (gradient, red frame, an X, discs). Deterministic: run it again and the file is the same. Run
from this folder with any Python that has Pillow."""

from PIL import Image, ImageDraw


def picture(w: int, h: int) -> Image.Image:
    im = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(im)
    for y in range(h):
        d.line([(0, y), (w, y)], fill=(int(255 * y / h), 120, int(255 * (1 - y / h))))
    r = min(w, h) // 5
    for k, cy in enumerate((0.2, 0.5, 0.8)):  # three discs down the middle: circles, not ellipses
        x, y = w // 2, int(h * cy)
        d.ellipse([x - r, y - r, x + r, y + r], fill=(40 + 90 * k,) * 3)
    d.rectangle([0, 0, w - 1, h - 1], outline=(255, 0, 0), width=3)
    d.line([(0, 0), (w, h)], fill=(0, 0, 0), width=3)
    d.line([(w, 0), (0, h)], fill=(0, 0, 0), width=3)
    return im


picture(120, 960).save("sliver.jpg", quality=80)  # 1:8
picture(600, 900).save("upright.jpg", quality=80)  # 2:3
