"""Generate the five stand-in photos of the seed page.

The seed text came without its pictures, so these are honest placeholders:
a plain grey tone study (so the halftone and ink limit can be judged) with a
large "PLACEHOLDER 占位图" label and the article's name. Deterministic:
the same script makes the same bytes.

    python content/photos/make_placeholders.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parent.parent / "fonts" / "LXGWWenKai-Regular.ttf"
LANDSCAPE = (1800, 1200)  # 3:2, about 530 ppi when placed two columns (86 mm) wide
SQUARE = (1500, 1500)

PHOTOS = {
    "dongfeng-media": ("东丰县融媒体中心", (92, 118, 140), LANDSCAPE),
    "dongliao-police": ("东辽县交警大队", (70, 96, 120), LANDSCAPE),
    "xianglu-street": ("东丰县祥鹿街道", (118, 104, 84), LANDSCAPE),
    "baimei-property": ("柏美物业", (84, 120, 92), SQUARE),
    "xian-education": ("西安区委教育工委", (120, 92, 100), LANDSCAPE),
}


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:
        return ImageFont.load_default(size)


def make(name: str, label: str, tone: tuple[int, int, int], size: tuple[int, int]) -> Image.Image:
    w, h = size
    im = Image.new("RGB", size)
    px = im.load()
    for y in range(h):  # a vertical gradient from the tone to a light grey
        t = y / (h - 1)
        row = tuple(round(c * (1 - t) + 225 * t) for c in tone)
        for x in range(w):
            px[x, y] = row
    draw = ImageDraw.Draw(im)
    for i in range(0, w + h, 80):  # diagonal hatching: reads as "not a photo" at a glance
        draw.line([(i, 0), (i - h, h)], fill=(255, 255, 255), width=3)
    draw.rectangle([40, 40, w - 41, h - 41], outline=(255, 255, 255), width=12)
    for text, pt, y in (("PLACEHOLDER 占位图", 150, h // 2 - 190), (label, 110, h // 2 + 10),
                        (name, 70, h // 2 + 170)):
        font = _font(pt)
        box = draw.textbbox((0, 0), text, font=font)
        x = (w - (box[2] - box[0])) // 2
        draw.rectangle([x - 30, y - 20, x + box[2] - box[0] + 30, y + box[3] - box[1] + 40], fill=(30, 30, 30))
        draw.text((x, y), text, font=font, fill=(255, 255, 255))
    return im


def main() -> None:
    for name, (label, tone, size) in PHOTOS.items():
        target = HERE / f"{name}.jpg"
        make(name, label, tone, size).save(target, "JPEG", quality=85)
        print(f"wrote {target.name}")


if __name__ == "__main__":
    main()
