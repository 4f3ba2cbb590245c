"""The build's gate made cheaper, not weaker (issue 21): the coverage render passes device colour
through only for files that use nothing else, an edition's pages are gated in their own files
with the same findings as the combined file gets, and a replay replays its verdict."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from conftest import which
from pagesetter.proof.preflight import _device_colour_only, coverage_render, preflight


def _with_patch(source: Path, out: Path, patch: bytes) -> Path:
    with pikepdf.open(source) as pdf:
        page = pdf.pages[0]
        trim = [float(v) for v in page.obj["/TrimBox"]]
        page.contents_add(pdf.make_stream(patch.replace(b"X", f"{trim[0] + 100} {trim[1] + 100}".encode())))
        pdf.save(out)
    return out


def test_our_pages_use_device_colour_only(seed_build) -> None:
    with pikepdf.open(seed_build.pdf_path) as pdf:
        assert _device_colour_only(pdf)


@pytest.mark.skipif(not which("gs"), reason="Ghostscript not installed")
def test_rgb_black_is_rendered_colour_managed(tmp_path: Path, seed_build) -> None:
    """RGB black goes through the profiles as it always did (passed through as device colour it
    would measure other figures): the same coverage as a colour-managed render of the file."""
    out = _with_patch(seed_build.pdf_path, tmp_path / "rgb.pdf", b"q 0 0 0 rg X 60 60 re f Q")
    with pikepdf.open(out) as pdf:
        assert not _device_colour_only(pdf)
    report = preflight(out)
    with coverage_render(out, device_colour=False) as managed:
        reference = preflight(out, render=managed)
    assert any(f.check == "colour" for f in report.findings), report.text()
    assert any(f.check == "coverage" for f in report.findings), report.text()
    assert report.measured["max tac %"] == reference.measured["max tac %"]


@pytest.mark.skipif(not which("gs"), reason="Ghostscript not installed")
def test_cmyk_coverage_still_caught_on_the_fast_render(tmp_path: Path, seed_build) -> None:
    out = _with_patch(seed_build.pdf_path, tmp_path / "heavy.pdf", b"q 0.9 0.9 0.9 0.9 k X 60 60 re f Q")
    with pikepdf.open(out) as pdf:
        assert _device_colour_only(pdf)
    report = preflight(out)
    assert any(f.check == "coverage" for f in report.findings), report.text()
    assert 355 < report.measured["max tac %"] < 365
