"""Generate the five stand-in photos of the seed page.

The seed text came without its pictures, so these are honest placeholders: a neutral grey
gradient with hatching (so halftone and ink limits can still be judged), marked in large
letters "PLACEHOLDER 占位图" with the article's name. 1600×1200 px, JPEG quality 85: placed
about 86 mm wide that is over 400 ppi. Deterministic: the same Pillow makes the same bytes.
All text stays in the middle 60 % so that the frame's crop (any aspect from about 1:1 to 2:1)
never cuts it.

    python content/photos/make_placeholders.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
SIZE = (1600, 1200)
QUALITY = 85
# Fonts with Chinese glyphs, first found wins; without one the Chinese words are left out
# (Pillow's own font has no Chinese and would print empty boxes).
CJK_FONTS = (
    HERE.parent.parent / "fonts" / "LXGWWenKai-Regular.ttf",
    Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"),
)
# Article id → the Latin name printed on its placeholder, in page order.
PHOTOS: dict[str, str] = {
    "dongfeng-media": "Dongfeng county media centre",
    "dongliao-police": "Dongliao county traffic police",
    "xianglu-street": "Xianglu street, Dongfeng",
    "baimei-property": "Baimei property management",
    "xian-education": "Xi'an district education",
}
INK = (255, 255, 255)
LABEL_BACK = (40, 40, 40)


def _cjk_font_path() -> Path | None:
    return next((p for p in CJK_FONTS if p.is_file()), None)


def _font(size: int, cjk: Path | None) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if cjk is not None:
        return ImageFont.truetype(str(cjk), size)
    try:
        return ImageFont.load_default(size)  # scalable default font (Pillow ≥ 10.1 with FreeType)
    except (TypeError, OSError, ImportError):
        return ImageFont.load_default()


def _background(index: int) -> Image.Image:
    """Neutral grey, dark at the top to light at the foot; the hatching angle differs per photo."""
    w, h = SIZE
    ramp = Image.linear_gradient("L").resize(SIZE)  # 0 at the top, 255 at the foot
    grey = ramp.point(lambda v: 70 + v * 150 // 255)
    im = Image.merge("RGB", (grey, grey, grey))
    draw = ImageDraw.Draw(im)
    slope = (1, 2, -1, -2, 3)[index % 5]
    for i in range(-2 * h, w + 2 * h, 90):
        draw.line([(i, 0), (i + slope * h // 3, h)], fill=(128, 128, 128), width=4)
    draw.rectangle([24, 24, w - 25, h - 25], outline=INK, width=10)
    draw.line([(0, 0), (w, h)], fill=INK, width=6)  # the crossed box of a placeholder frame
    draw.line([(0, h), (w, 0)], fill=INK, width=6)
    return im


def _label(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont, centre_y: int) -> None:
    box = draw.textbbox((0, 0), text, font=font)
    tw, th = box[2] - box[0], box[3] - box[1]
    x, y = (SIZE[0] - tw) // 2, centre_y - th // 2
    draw.rectangle([x - 24, y - 18, x + tw + 24, y + th + 18], fill=LABEL_BACK)
    draw.text((x - box[0], y - box[1]), text, font=font, fill=INK)


def make(index: int, article: str, name: str) -> Image.Image:
    im = _background(index)
    draw = ImageDraw.Draw(im)
    cjk = _cjk_font_path()
    cy = SIZE[1] // 2
    _label(draw, "PLACEHOLDER", _font(130, cjk), cy - 230)
    if cjk is not None:
        _label(draw, "占位图", _font(130, cjk), cy - 50)
    _label(draw, article, _font(80, cjk), cy + 120)
    _label(draw, name, _font(56, cjk), cy + 230)
    _label(draw, "not a photograph", _font(44, cjk), cy + 320)
    return im


def main() -> None:
    for index, (article, name) in enumerate(PHOTOS.items()):
        target = HERE / f"{article}.jpg"
        make(index, article, name).save(target, "JPEG", quality=QUALITY)
        print(f"wrote {target.name} ({target.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
