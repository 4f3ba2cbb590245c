"""Makes the photo-fit test page's pictures (tests/pages/layout/photo-fit.yaml): odd shapes, each a
gradient with a red frame, an X from corner to corner and round discs, so that a picture stretched
or cropped shows it (circles print as ellipses). Deterministic: run it again and the files are the
same. Run from this folder with any Python that has Pillow."""

from PIL import Image, ImageDraw


def picture(w: int, h: int, discs_down: bool = False) -> Image.Image:
    """A w × h test picture; its three discs go across the middle, or down it (a tall strip)."""
    im = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(im)
    for y in range(h):
        d.line([(0, y), (w, y)], fill=(int(255 * y / h), 120, int(255 * (1 - y / h))))
    r = min(w, h) // 5
    for k, at in enumerate((0.2, 0.5, 0.8)):  # three discs: circles, not ellipses
        x, y = (w // 2, int(h * at)) if discs_down else (int(w * at), h // 2)
        d.ellipse([x - r, y - r, x + r, y + r], fill=(40 + 90 * k,) * 3)
    d.rectangle([0, 0, w - 1, h - 1], outline=(255, 0, 0), width=3)
    d.line([(0, 0), (w, h)], fill=(0, 0, 0), width=3)
    d.line([(w, 0), (0, h)], fill=(0, 0, 0), width=3)
    return im


def main() -> None:
    picture(800, 200).save("panorama.jpg", quality=80)  # 4:1
    picture(270, 810).save("tall.jpg", quality=80)  # 1:3
    picture(720, 480).save("normal.jpg", quality=80)  # 3:2
    im = picture(700, 560).convert("RGBA")  # 1.25:1, an ellipse of the same shape opaque, the rest clear
    alpha = Image.new("L", im.size, 0)
    ImageDraw.Draw(alpha).ellipse([0, 0, 699, 559], fill=255)
    im.putalpha(alpha)
    im.save("alpha.png", optimize=True)


if __name__ == "__main__":
    main()
