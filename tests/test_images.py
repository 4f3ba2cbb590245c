"""Photos of any format and colour mode become CMYK JPEGs at print resolution."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from pagesetter.errors import InputError
from pagesetter.render.images import DEFAULT_PHOTO_PPI, prepare_image

W, H = 243.0, 162.0  # a two-column photo frame, pt


def _save(tmp_path: Path, im: Image.Image, name: str, **kw) -> Path:
    path = tmp_path / name
    im.save(path, **kw)
    return path


@pytest.mark.parametrize("mode,fmt,name", [
    ("RGB", "JPEG", "a.jpg"), ("L", "JPEG", "b.jpg"), ("CMYK", "JPEG", "c.jpg"), ("RGBA", "PNG", "d.png"),
    ("P", "PNG", "e.png"), ("I;16", "PNG", "f.png"), ("RGB", "TIFF", "g.tif"), ("CMYK", "TIFF", "h.tif"),
    ("1", "TIFF", "i.tif"), ("LA", "PNG", "j.png"),
])
def test_any_mode_becomes_cmyk_jpeg(tmp_path: Path, mode: str, fmt: str, name: str) -> None:
    """Colour becomes CMYK; greyscale stays one channel, for the black plate (DeviceGray)."""
    im = Image.new("RGB", (1200, 800), (200, 40, 40)).convert(mode)
    path = _save(tmp_path, im, name, format=fmt)
    prepared = prepare_image(path, W, H, "fill")
    out = Image.open(io.BytesIO(prepared.jpeg))
    grey = mode in ("L", "I;16", "1", "LA")
    assert out.mode == ("L" if grey else "CMYK") and out.format == "JPEG"
    assert prepared.colorspace == ("DeviceGray" if grey else "DeviceCMYK")
    assert out.width / out.height == pytest.approx(W / H, rel=0.01)


def test_large_images_are_resampled_to_max_ppi_and_small_ones_kept(tmp_path: Path) -> None:
    big = _save(tmp_path, Image.new("RGB", (4000, 3000), "white"), "big.jpg")
    prepared = prepare_image(big, W, H, "fill")
    assert prepared.width_px == round(W / 72 * DEFAULT_PHOTO_PPI)
    # decoded at a reduced size (JPEG draft), but the resolution reported is the full picture's
    assert prepared.effective_ppi == pytest.approx(4000 / (W / 72))
    small = _save(tmp_path, Image.new("RGB", (300, 200), "white"), "small.jpg")
    prepared = prepare_image(small, W, H, "fill")
    assert prepared.width_px == 300 and prepared.effective_ppi == pytest.approx(300 / (W / 72))


def test_neutral_grey_prints_in_black_ink_alone(tmp_path: Path) -> None:
    """An RGB picture with no colour in it is a black-and-white photo: one channel, the black plate,
    through the newsprint dot-gain curve (mid grey 128 prints lighter than a straight 50 % K)."""
    path = _save(tmp_path, Image.new("RGB", (600, 400), (128, 128, 128)), "grey.png")
    prepared = prepare_image(path, W, H, "fill")
    out = Image.open(io.BytesIO(prepared.jpeg))
    assert out.mode == "L" and prepared.colorspace == "DeviceGray"
    k = 255 - out.getpixel((300, 200))
    assert 90 <= k <= 150


def test_colour_is_judged_on_the_pixels_that_print(tmp_path: Path) -> None:
    """A grey photo with colour only where the frame crops it away prints on black alone; one
    coloured spot inside the frame, too small to show in an average of its neighbours, is colour."""
    outside = Image.new("RGB", (1800, 800), (120, 120, 120))
    outside.paste((220, 30, 30), (0, 0, 150, 800))  # a red strip the 3:2 crop of the middle removes
    assert prepare_image(_save(tmp_path, outside, "strip.png"), W, H, "fill").colorspace == "DeviceGray"
    spot = Image.new("RGB", (1200, 800), (120, 120, 120))
    spot.putpixel((601, 401), (200, 60, 60))
    assert prepare_image(_save(tmp_path, spot, "spot.png"), W, H, "fill").colorspace == "DeviceCMYK"


@pytest.mark.parametrize("data,message", [
    (b"", "cannot read image"),
    (b"not an image at all", "cannot read image"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "cannot read image"),
])
def test_broken_images_are_input_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.jpg"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        prepare_image(path, W, H, "fill")
    assert message in str(err.value) and "x.jpg" in str(err.value)


def test_missing_image(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        prepare_image(tmp_path / "nope.jpg", W, H, "fill")


def test_the_pdf_shows_the_photo_the_right_way_round(tmp_path: Path, root: Path) -> None:
    """Dark stays dark through CMYK JPEG and the Decode array: render the PDF and sample it."""
    import pypdfium2 as pdfium

    from pagesetter.fonts.manifest import load_manifest
    from pagesetter.pagetree import Image as PlacedImage
    from pagesetter.pagetree import Page
    from pagesetter.render.pdf import render_pdf

    im = Image.new("RGB", (400, 200), (250, 250, 250))
    im.paste((20, 20, 20), (0, 0, 200, 200))  # left half dark, right half light
    path = _save(tmp_path, im, "half.png")
    page = Page("t", (300.0, 200.0), 0.0, (), (), (PlacedImage(path, 50, 50, 200, 100, "fill", "t"),), ())
    pdf = pdfium.PdfDocument(render_pdf(page, load_manifest(root / "fonts" / "manifest.yaml"), "t").pdf)
    shot = pdf[0].render(scale=1).to_pil().convert("L")
    assert shot.getpixel((100, 100)) < 60 and shot.getpixel((200, 100)) > 200
    assert shot.getpixel((20, 20)) > 240  # nothing outside the frame


def test_photos_started_early_give_the_same_pdf(seed_build) -> None:
    """render_pdf's photos prepared ahead (build.py starts them once the flow placed them) make
    the same bytes as its own; ones prepared for other frames are not used."""
    from dataclasses import replace

    from pagesetter.cache import DiskCache
    from pagesetter.fonts.manifest import load_manifest
    from pagesetter.render.pdf import EarlyPhotos, PrintSettings, render_pdf

    spec = seed_build.spec
    settings = PrintSettings.of(spec)
    page = seed_build.page
    assert page.images
    manifest = load_manifest(spec.fonts_manifest, spec.root, spec.allowed)
    own = render_pdf(page, manifest, "t", "2026-01-01", settings=settings)
    early = EarlyPhotos(page.images, DiskCache(None), spec.photo_ppi)
    assert early.matches(page.images, spec.photo_ppi)
    assert render_pdf(page, manifest, "t", "2026-01-01", settings=settings, early=early) == own
    moved = replace(page.images[0], width=page.images[0].width / 2)
    wrong = EarlyPhotos((moved, *page.images[1:]), DiskCache(None), spec.photo_ppi)
    assert not wrong.matches(page.images, spec.photo_ppi)
    assert render_pdf(page, manifest, "t", "2026-01-01", settings=settings, early=wrong) == own


def test_the_transform_applied_without_its_profile_bytes_gives_applytransforms_pixels() -> None:
    """images._applied (littleCMS's transform without the output profile written into ``info``)
    gives the very pixels ImageCms.applyTransform gives, for a photo's RGB and for supplied CMYK,
    and a JPEG of either is the same bytes (the profile in ``info`` is never saved)."""
    from PIL import ImageCms as _ImageCms

    from pagesetter.render import images

    rgb = Image.new("RGB", (97, 61))
    rgb.putdata([((x * 7 + y) % 256, (x * y) % 256, (255 - x * 3) % 256) for y in range(61) for x in range(97)])
    transform, _ = images._source_transform(None)
    ours, theirs = images._applied(rgb, transform), _ImageCms.applyTransform(rgb, transform)
    assert ours.mode == theirs.mode == "CMYK" and ours.tobytes() == theirs.tobytes()
    assert "icc_profile" in theirs.info and "icc_profile" not in ours.info
    assert images._jpeg(ours) == images._jpeg(theirs)
    newsprint = _ImageCms.ImageCmsProfile(str(images.NEWSPRINT_PROFILE)).tobytes()
    cmyk_transform = images._cmyk_transform(newsprint)
    assert cmyk_transform is not None
    assert images._applied(theirs, cmyk_transform).tobytes() == _ImageCms.applyTransform(theirs, cmyk_transform).tobytes()
    with pytest.raises(_ImageCms.PyCMSError):  # a mode the transform does not take: applyTransform's error
        images._applied(rgb.convert("L"), transform)
