"""Supplied CMYK pictures: one tagged with the output profile (the PDF's DestOutputProfile) prints
its numbers as supplied; one tagged with another press's profile is converted relative
colorimetric with black point compensation, keeping its colour.

Before (trial 15): main converted a picture tagged with our own newsprint profile through that
profile perceptually (CMYK -> Lab -> CMYK): C36 M51 Y73 K0 came out as C0 M18 Y24 K29, half the
ink and about 7 L* lighter, exit 0. Another CMYK profile went the same perceptual way, 4–12 L*
lighter on the patches below.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from pathlib import Path

import pikepdf
from PIL import Image, ImageCms

from pagesetter.render.images import prepare_image
from pagesetter.render.photo import NEWSPRINT_PROFILE

PAGES = Path(__file__).resolve().parent / "pages"
SPEC = PAGES / "layout" / "cmyk-tagged.yaml"
sys.path.insert(0, str(PAGES / "content" / "cmyk-tagged"))
from make_photos import PATCHES, make  # noqa: E402  (the test page's own pictures)

LEVELS = [tuple(round(v * 255 / 100) for v in inks) for inks in PATCHES]


def _near_a_patch(pixel: tuple[int, ...], tolerance: int = 6) -> bool:
    return any(all(abs(a - b) <= tolerance for a, b in zip(pixel, level)) for level in LEVELS)


def _page_images(pdf: Path) -> list[Image.Image]:
    """Each picture's JPEG stream decoded as it prints (Decode [1 0 …]: Adobe's inverted CMYK, which
    Pillow reads back to ink values)."""
    out = []
    with pikepdf.open(pdf) as doc:
        for image in doc.pages[0].get_images().values():
            assert image.get("/ColorSpace") == "/DeviceCMYK"
            out.append(Image.open(io.BytesIO(image.read_raw_bytes())))
    return out


def test_a_cmyk_picture_tagged_with_the_output_profile_prints_its_numbers(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "--no-cache", "-o", str(tmp_path),
                          str(SPEC)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    images = _page_images(tmp_path / "cmyk-tagged.pdf")
    assert len(images) == 2
    for im in images:  # the tagged one and the untagged one alike: the supplied inks, JPEG's noise aside
        assert im.mode == "CMYK"
        data = im.tobytes()
        pixels = [tuple(data[i:i + 4]) for i in range(0, len(data), 4)]
        near = sum(_near_a_patch(p) for p in pixels)
        assert near >= 0.9 * len(pixels), (near, len(pixels), pixels[:: len(pixels) // 6])


def _other_profile() -> bytes:
    """The newsprint profile under another name (its description edited): the same tables, a
    different profile ID, so it is converted, not passed through."""
    prof = bytearray(NEWSPRINT_PROFILE.read_bytes())
    for i in range(struct.unpack(">I", prof[128:132])[0]):
        sig, off, _ = struct.unpack(">4sII", prof[132 + 12 * i:144 + 12 * i])
        if sig == b"desc":
            prof[off + 12:off + 22] = b"other pres"
    return bytes(prof)


def test_the_output_profile_is_known_by_its_id_not_its_header_fields() -> None:
    from pagesetter.render.images import is_output_profile  # new: imported here, so main runs the rest

    ours = bytearray(NEWSPRINT_PROFILE.read_bytes())
    assert is_output_profile(bytes(ours))
    ours[64:68] = (3).to_bytes(4, "big")  # an application wrote another rendering intent into the header
    assert is_output_profile(bytes(ours))
    assert not is_output_profile(_other_profile())


def test_another_cmyk_profile_is_converted_keeping_its_colour(tmp_path: Path) -> None:
    other = _other_profile()
    path = tmp_path / "other.jpg"
    make().save(path, quality=95, icc_profile=other)
    prepared = prepare_image(path, 480 * 72 / 300, 320 * 72 / 300, "fit", ppi=300)
    assert prepared.source_profile == "CMYK through its embedded profile"
    out = Image.open(io.BytesIO(prepared.jpeg))
    lab = ImageCms.createProfile("LAB")

    def lightness(im: Image.Image, profile: bytes) -> list[float]:
        t = ImageCms.buildTransform(ImageCms.ImageCmsProfile(io.BytesIO(profile)), lab, "CMYK", "LAB",
                                    renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
        converted = ImageCms.applyTransform(im.resize((3, 2), Image.Resampling.BOX), t)
        return [converted.getpixel((x, y))[0] * 100 / 255 for y in range(2) for x in range(3)]

    before = lightness(make(), other)
    after = lightness(out, NEWSPRINT_PROFILE.read_bytes())
    # relative colorimetric keeps these in-gamut patches (measured 0.4–0.8); perceptual lifted them 4–12 L*
    assert all(abs(a - b) <= 2.0 for a, b in zip(before, after)), (before, after)
