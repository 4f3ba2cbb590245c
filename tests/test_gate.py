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


def _finding_set(report) -> list[tuple[str, str, str, int]]:  # type: ignore[no-untyped-def]
    return sorted((f.severity, f.check, f.message, f.page) for f in report.findings)


@pytest.mark.parametrize("jobs", [1, 2])
def test_edition_pages_gated_in_their_own_files_find_what_the_combined_file_shows(project: Path, jobs: int) -> None:
    """Each page's verdict comes from its own PDF, made in its worker (or here, for the page that
    continues a jump); merged, the findings and figures are those of preflighting the combined
    file the plant gets. Photos at 170 ppi give every page warnings to find."""
    from pagesetter.cache import DiskCache
    from pagesetter.edition import build_edition
    from pagesetter.proof.report import merged_preflight

    for name in ("tabloid-1.yaml", "tabloid-2.yaml"):
        spec = project / "layout" / name
        spec.write_text(spec.read_text(encoding="utf-8") + "\nphoto_ppi: 170\n", encoding="utf-8")
    result = build_edition(project / "layout" / "tabloid-edition.yaml", project / "out", jobs=jobs,
                           cache=DiskCache(None))
    assert len(result.gates) == 2
    whole = preflight(result.combined)
    merged = merged_preflight(preflight(result.combined, pages=False), [g.preflight for g in result.gates])
    assert any(f.check == "resolution" and f.page == 2 for f in whole.findings), whole.text()
    assert _finding_set(merged) == _finding_set(whole)
    assert merged.measured == whole.measured
    assert merged.text().split("\n", 1)[0] == whole.text().split("\n", 1)[0]


@pytest.mark.skipif(not which("gs"), reason="Ghostscript not installed")
def test_a_kept_ghostscript_measures_each_file_as_its_own_would(tmp_path: Path, seed_build) -> None:
    """An edition worker's Ghostscript renders file after file; each file's coverage is what a
    render of its own finds. A file it cannot render ends it (None: the caller renders that file
    with a process of its own), and the next file starts a new one."""
    from pagesetter.proof.preflight import CoverageServer

    heavy = _with_patch(seed_build.pdf_path, tmp_path / "heavy.pdf", b"q 0.9 0.9 0.9 0.9 k X 60 60 re f Q")
    server = CoverageServer()
    try:
        for source in (seed_build.pdf_path, heavy, None, heavy, seed_build.pdf_path):
            target = server.workspace() / "gated.pdf"
            if source is None:  # not a PDF at all
                target.write_bytes(b"%PDF-1.4 this is no PDF")
                collect = server.start(target)
                assert collect is not None and collect() is None
                continue
            own = preflight(source)
            target.write_bytes(source.read_bytes())
            with coverage_render(target, server=server) as render:
                assert render.pending is not None and render.process is None
                served = preflight(target, render=render)
            assert _finding_set(served) == _finding_set(own), source
            assert served.measured == own.measured, source
        assert server.start(tmp_path / "heavy.pdf") is None  # outside its folder: Ghostscript may not read it
    finally:
        server.close()
