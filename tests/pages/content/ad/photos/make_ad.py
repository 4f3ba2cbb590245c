"""Draw ad.jpg, the test page's advertisement (tests/pages/layout/ad.yaml): a CMYK picture at the
size the ad's cell prints it at (243 × 144 pt: 2 columns of 13字 小五 and a gutter; 11 grid lines
of 13.5 pt, the block's 12th holding the rule under it, less half the leading above and below), 300 ppi at its placed size, its
colours inside the newsprint ink limit (a tint panel, a solid bar, white type knocked out of it).
Run: python tests/pages/content/ad/photos/make_ad.py"""

from pathlib import Path

from PIL import Image, ImageDraw

W, H = 1013, 600  # 243 pt × 144 pt at 300 ppi


def main() -> None:
    image = Image.new("CMYK", (W, H), (0, 20, 60, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, int(H * 0.62), W, H), fill=(100, 60, 0, 20))
    for k in range(6):  # a row of "products"
        x = 60 + k * 150
        draw.ellipse((x, 120, x + 110, 230), fill=(0, 90, 90, 0))
        draw.rectangle((x + 20, 260, x + 90, 380), fill=(70, 0, 20, 10))
    draw.rectangle((80, int(H * 0.70), W - 80, int(H * 0.70) + 40), fill=(0, 0, 0, 0))
    image.save(Path(__file__).with_name("ad.jpg"), quality=85, dpi=(300, 300))


if __name__ == "__main__":
    main()
