"""Make the stand-in pictures of the front-page example (layout/front-page.yaml).

The paper and its news are made up, and so are its pictures: scenes drawn from gradients, shapes,
blur and grain (numpy and Pillow only), so that the page shows how photographs sit and print —
the tonal range, a halftone's worth of texture — without a photograph anyone owns. Colour (RGB,
converted by the build to the newsprint CMYK profile). 2400 px wide: over 300 ppi at four columns
(175 mm). Deterministic (a fixed seed per picture).

    python content/front-page/photos/make_photos.py
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
W, H = 2400, 1600


def _vertical(top: tuple[int, int, int], foot: tuple[int, int, int], h: int = H, w: int = W) -> np.ndarray:
    t = np.linspace(0.0, 1.0, h)[:, None, None]
    return (np.array(top)[None, None, :] * (1 - t) + np.array(foot)[None, None, :] * t) * np.ones((1, w, 1))


def _finish(arr: np.ndarray, rng: np.random.Generator, grain: float = 7.0, blur: float = 1.2) -> Image.Image:
    """A lens's softness and film grain, so flat shapes read as a photograph."""
    im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB").filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(im).astype(float)
    a += rng.normal(0.0, grain, a.shape[:2])[:, :, None]
    # vignette: corners a little darker, as a real lens gives
    yy, xx = np.mgrid[0:H, 0:W]
    r = np.hypot((xx - W / 2) / (W / 2), (yy - H / 2) / (H / 2))
    a *= (1 - 0.18 * np.clip(r - 0.5, 0, 1))[:, :, None]
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


def bridge(rng: np.random.Generator) -> Image.Image:
    """A cable-stayed bridge at the moment of closure, morning haze over the river."""
    horizon = 1000
    a = _vertical((150, 178, 205), (238, 214, 180))
    water = _vertical((170, 160, 150), (60, 78, 90), H - horizon)
    water += rng.normal(0, 9, (H - horizon, W))[:, :, None] * np.linspace(0.3, 1.4, H - horizon)[:, None, None]
    a[horizon:] = water
    im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")
    d = ImageDraw.Draw(im)
    # far bank: a low skyline in the haze
    x = 0
    while x < W:
        bw, bh = int(rng.integers(40, 130)), int(rng.integers(40, 230))
        shade = int(rng.integers(150, 175))
        d.rectangle([x, horizon - bh, x + bw, horizon], fill=(shade, shade + 8, shade + 18))
        x += bw + int(rng.integers(0, 25))
    deck = 880
    towers = (640, 1760)
    for tx in towers:  # H-shaped pylons
        d.polygon([(tx - 60, horizon + 40), (tx - 28, 230), (tx - 8, 230), (tx - 20, horizon + 40)], fill=(92, 96, 104))
        d.polygon([(tx + 60, horizon + 40), (tx + 28, 230), (tx + 8, 230), (tx + 20, horizon + 40)], fill=(84, 88, 96))
        d.rectangle([tx - 40, 520, tx + 40, 548], fill=(88, 92, 100))
        for k in range(11):  # stay cables fanning out to the deck
            top = 260 + k * 22
            for side in (-1, 1):
                d.line([(tx, top), (tx + side * (80 + k * 48), deck)], fill=(70, 74, 82), width=3)
    d.rectangle([0, deck, W, deck + 34], fill=(72, 74, 80))  # deck, closed in the middle
    d.rectangle([0, deck + 34, W, deck + 46], fill=(48, 50, 56))
    # the closure segment being lifted, and a crane on it
    mid = (towers[0] + towers[1]) // 2
    d.rectangle([mid - 70, deck - 4, mid + 70, deck + 30], fill=(190, 60, 40))
    d.line([(mid - 30, deck), (mid + 20, deck - 260)], fill=(230, 180, 40), width=12)
    d.line([(mid + 20, deck - 260), (mid + 220, deck - 180)], fill=(230, 180, 40), width=9)
    d.line([(mid + 220, deck - 180), (mid + 220, deck - 40)], fill=(40, 40, 40), width=3)
    for px in range(mid - 300, mid + 300, 37):  # workers in orange on the deck
        d.rectangle([px, deck - 26, px + 9, deck], fill=(235, 110, 30))
        d.ellipse([px - 1, deck - 36, px + 10, deck - 25], fill=(240, 240, 235))
    for tx in towers:  # piers in the water
        d.rectangle([tx - 90, deck + 46, tx + 90, horizon + 60], fill=(80, 82, 86))
    arr = np.asarray(im).astype(float)
    # reflections: the scene above the water, flipped, darkened and smeared
    refl = arr[2 * horizon - H:horizon][::-1] * 0.55 + 30
    refl = np.asarray(Image.fromarray(np.clip(refl, 0, 255).astype(np.uint8)).filter(ImageFilter.BoxBlur(6))).astype(float)
    arr[horizon + 60:] = arr[horizon + 60:] * 0.5 + refl[60:] * 0.5
    return _finish(arr, rng)


def _bokeh(im: Image.Image, rng: np.random.Generator, count: int, sizes: tuple[int, int], band: tuple[int, int]) -> None:
    glow = Image.new("RGB", im.size)
    d = ImageDraw.Draw(glow)
    for _ in range(count):
        x, y = int(rng.integers(0, W)), int(rng.integers(*band))
        r = int(rng.integers(*sizes))
        hue = [(255, 170, 60), (255, 120, 70), (255, 220, 140), (255, 90, 90), (250, 240, 200)][int(rng.integers(0, 5))]
        d.ellipse([x - r, y - r, x + r, y + r], fill=tuple(int(c * 0.55) for c in hue))
    glow = glow.filter(ImageFilter.GaussianBlur(6))
    out = np.asarray(im).astype(float) + np.asarray(glow).astype(float)
    im.paste(Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)))


def _people(d: ImageDraw.ImageDraw, rng: np.random.Generator, n: int, foot: tuple[int, int], height: tuple[int, int]) -> None:
    for _ in range(n):
        x, y = int(rng.integers(0, W)), int(rng.integers(*foot))
        h = int(rng.integers(*height)) * (0.6 + 0.4 * (y - foot[0]) / max(1, foot[1] - foot[0]))
        w = h * 0.28
        shade = tuple(int(v) for v in rng.integers(20, 60, 3))
        d.rounded_rectangle([x - w / 2, y - h * 0.82, x + w / 2, y], radius=w / 3, fill=shade)
        d.ellipse([x - w * 0.32, y - h, x + w * 0.32, y - h * 0.8], fill=(60, 42, 34))


def market_street(rng: np.random.Generator) -> Image.Image:
    """A night market street: lanterns, stall awnings, the crowd against the light."""
    a = _vertical((18, 20, 40), (70, 50, 40))
    im = Image.fromarray(a.astype(np.uint8), "RGB")
    d = ImageDraw.Draw(im)
    for k in range(9):  # stalls down both sides, in perspective
        s = 1 - k * 0.09
        for side in (-1, 1):
            cx = W / 2 + side * (300 + 780 * s)
            top = 820 - 380 * s
            w = 420 * s
            colour = [(200, 60, 50), (40, 110, 170), (220, 170, 50)][(k + (side > 0)) % 3]
            d.rectangle([cx - w / 2, top, cx + w / 2, top + 90 * s], fill=colour)
            d.rectangle([cx - w / 2, top + 90 * s, cx + w / 2, top + 420 * s], fill=(150, 110, 70))
    for k in range(4):  # strings of red lanterns across the street, sagging between the stalls
        y = 140 + k * 110
        for j in range(80 * (k % 2), W + 160, 160):
            sag = 40 * np.sin(np.pi * (j % 800) / 800)
            d.line([(j - 160, y + 40 * np.sin(np.pi * ((j - 160) % 800) / 800)), (j, y + sag)],
                   fill=(60, 40, 30), width=3)
            d.ellipse([j - 26, y + sag + 6, j + 26, y + sag + 60], fill=(235, 50, 35))
            d.rectangle([j - 10, y + sag + 58, j + 10, y + sag + 66], fill=(230, 190, 60))
    _bokeh(im, rng, 260, (8, 40), (120, 900))
    _people(d, rng, 60, (950, 1250), (200, 360))
    im = im.filter(ImageFilter.GaussianBlur(4))  # the far crowd a little out of focus
    d = ImageDraw.Draw(im)
    _people(d, rng, 40, (1250, 1650), (420, 700))
    return _finish(np.asarray(im).astype(float), rng, grain=10.0, blur=1.8)


def market_stall(rng: np.random.Generator) -> Image.Image:
    """A stall-keeper at her grill, backlit by the market's lamps: a silhouette in the smoke, the
    skewers glowing, the lights behind thrown out of focus."""
    a = _vertical((40, 28, 40), (110, 70, 45))
    im = Image.fromarray(a.astype(np.uint8), "RGB")
    _bokeh(im, rng, 180, (30, 100), (0, 1100))
    d = ImageDraw.Draw(im)
    dark = (22, 16, 18)
    # the stall-keeper, seen against the light: head, cap, shoulders, an arm over the grill
    d.ellipse([1385, 330, 1595, 580], fill=dark)
    d.ellipse([1400, 290, 1600, 420], fill=dark)  # hair tied up
    d.rectangle([1450, 560, 1530, 640], fill=dark)  # neck
    d.polygon([(1300, 660), (1680, 660), (1800, 760), (1840, 1200), (1160, 1200), (1190, 760)], fill=dark)
    d.ellipse([1240, 620, 1440, 780], fill=dark)  # shoulders
    d.ellipse([1540, 620, 1740, 780], fill=dark)
    d.polygon([(1250, 640), (1000, 900), (1060, 950), (1300, 760)], fill=dark)
    d.rectangle([0, 1020, W, H], fill=(58, 40, 30))  # the counter
    d.rectangle([250, 960, 2150, 1040], fill=(30, 28, 30))  # the grill
    for j in range(300, 2100, 46):  # skewers, their meat glowing over the coals
        d.line([(j, 900), (j + 14, 1010)], fill=(200, 180, 140), width=5)
        d.rounded_rectangle([j - 6, 930, j + 22, 990], radius=9, fill=(190, 90, 40))
    coals = Image.new("RGB", im.size)
    dc = ImageDraw.Draw(coals)
    for _ in range(300):
        x, y = int(rng.integers(260, 2140)), int(rng.integers(985, 1040))
        dc.ellipse([x - 6, y - 4, x + 6, y + 4], fill=(255, int(rng.integers(90, 170)), 30))
    coals = coals.filter(ImageFilter.GaussianBlur(5))
    arr = np.asarray(im).astype(float) + 1.6 * np.asarray(coals).astype(float)
    smoke = Image.new("L", im.size)
    ds = ImageDraw.Draw(smoke)
    for _ in range(60):  # smoke rising from the grill, lit from behind
        x, y, r = int(rng.integers(250, 2150)), int(rng.integers(300, 960)), int(rng.integers(50, 160))
        ds.ellipse([x - r, y - r, x + r, y + r], fill=int(rng.integers(20, 55)))
    s = np.asarray(smoke.filter(ImageFilter.GaussianBlur(45))).astype(float)[:, :, None] / 255
    arr = arr * (1 - s) + np.array([235, 215, 190]) * s
    return _finish(arr, rng, grain=10.0, blur=1.4)


def lotus(rng: np.random.Generator) -> Image.Image:
    """A lotus pond in flower, a boat and a visitor's parasol on the far side."""
    a = _vertical((70, 110, 70), (30, 70, 40))
    im = Image.fromarray(a.astype(np.uint8), "RGB")
    d = ImageDraw.Draw(im)
    d.rectangle([0, 0, W, 260], fill=(200, 215, 225))  # far bank and sky
    d.rectangle([0, 200, W, 300], fill=(70, 95, 70))
    d.polygon([(1500, 300), (1900, 300), (1850, 340), (1550, 340)], fill=(120, 80, 50))  # boat
    d.pieslice([1640, 170, 1780, 290], 180, 360, fill=(220, 60, 80))  # parasol
    for k in range(700):  # leaves, larger towards the foot (perspective)
        y = 280 + (k / 700) ** 0.8 * (H - 200)
        s = 0.15 + (y - 280) / (H - 280)
        x = rng.integers(-100, W + 100)
        rx, ry = 150 * s + rng.integers(0, 40), 60 * s + rng.integers(0, 20)
        g = int(rng.integers(90, 160))
        d.ellipse([x - rx, y - ry, x + rx, y + ry], fill=(int(g * 0.45), g, int(g * 0.4)), outline=(30, 60, 30))
    for k in range(60):  # flowers on stems above the leaves
        y = 320 + (k / 60) * (H - 500)
        s = 0.2 + (y - 300) / (H - 300)
        x = rng.integers(0, W)
        d.line([(x, y), (x + 6, y + 120 * s)], fill=(60, 90, 50), width=max(2, int(6 * s)))
        for p in range(5):
            ang = -1.2 + p * 0.6
            px, py = x + np.sin(ang) * 30 * s, y - np.cos(ang) * 20 * s
            d.ellipse([px - 22 * s, py - 40 * s, px + 22 * s, py + 10 * s], fill=(240, 150, 175), outline=(200, 80, 120))
    return _finish(np.asarray(im).astype(float), rng, grain=8.0, blur=1.1)


PICTURES: dict[str, Callable[[np.random.Generator], Image.Image]] = {
    "bridge.jpg": bridge,
    "market-street.jpg": market_street,
    "market-stall.jpg": market_stall,
    "lotus.jpg": lotus,
}


if __name__ == "__main__":
    for seed, (name, draw) in enumerate(PICTURES.items()):
        draw(np.random.default_rng(seed)).save(HERE / name, "JPEG", quality=85)
        print("wrote", name)
