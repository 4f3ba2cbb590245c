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
                assert render.totals is not None  # the ink summed in the collecting thread
                served = preflight(target, render=render)
            assert _finding_set(served) == _finding_set(own), source
            assert served.measured == own.measured, source
        assert server.start(tmp_path / "heavy.pdf") is None  # outside its folder: Ghostscript may not read it
    finally:
        server.close()


@pytest.mark.skipif(not which("gs"), reason="Ghostscript not installed")
def test_a_render_left_uncollected_leaves_the_next_file_measured_right(tmp_path: Path, seed_build) -> None:
    """A gate that stops before its coverage check (a read-back that failed) leaves its render to
    the collecting thread: waited for as the render ends, its TIFFs removed, so the next file of
    the same Ghostscript is numbered and measured as its own render measures it."""
    from pagesetter.proof.preflight import CoverageServer

    heavy = _with_patch(seed_build.pdf_path, tmp_path / "heavy.pdf", b"q 0.9 0.9 0.9 0.9 k X 60 60 re f Q")
    own = preflight(heavy)
    server = CoverageServer()
    try:
        target = server.workspace() / "gated.pdf"
        target.write_bytes(seed_build.pdf_path.read_bytes())
        with pytest.raises(RuntimeError):
            with coverage_render(target, server=server):
                raise RuntimeError("the read-back failed")
        assert not list(server.workspace().glob("p*.tif"))
        target.write_bytes(heavy.read_bytes())
        with coverage_render(target, server=server) as render:
            served = preflight(target, render=render)
        assert any(f.check == "coverage" for f in served.findings), served.text()
        assert _finding_set(served) == _finding_set(own)
        assert served.measured == own.measured
    finally:
        server.close()


def _processes_naming(folder: Path) -> list[str]:
    """Command lines of running processes that name ``folder`` (a build's Ghostscript names its
    workspace in --permit-file-read and -sOutputFile)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile
            continue
        if str(folder) in text:
            found.append(text)
    return found


def _build(project: Path, spec: str, tmp: Path, *extra: str):  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env = dict(os.environ, TMPDIR=str(tmp))  # its temporary folders, and so its Ghostscript's, here
    return subprocess.Popen([sys.executable, "-m", "pagesetter", "build", "-q", "-o", str(project / "out"),
                             *extra, str(project / "layout" / spec)], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.skipif(not which("gs"), reason="Ghostscript not installed")
def test_a_build_still_finds_ink_over_the_limit_with_its_early_ghostscript(project: Path, tmp_path: Path) -> None:
    """The single-page build starts its Ghostscript before it composes, on a primer page in the
    colorant /All, then renders the page in it: the page's coverage is still measured (the
    primer's TIFF not counted), its box's black text and rules over a 240 % tint (340 %) are
    still an error, named by its article, and neither a Ghostscript nor a temporary folder
    outlives the build."""
    spec = project / "layout" / "seed-page-alt.yaml"
    light = "tint: [0, 0, 0, 6], double: true"
    assert light in spec.read_text(encoding="utf-8")
    spec.write_text(spec.read_text(encoding="utf-8").replace(light, "tint: [100, 100, 40, 0], double: true"),
                    encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    build = _build(project, "seed-page-alt.yaml", tmp, "--no-cache")
    _, stderr = build.communicate(timeout=300)
    assert build.returncode == 6, stderr  # EXIT_PREFLIGHT_ERROR
    assert "preflight error: coverage: total area coverage 340 % over 240 % in article 'baimei-property'" in stderr, stderr
    assert "not checked" not in stderr and "could not render" not in stderr
    assert list(tmp.iterdir()) == [] and _processes_naming(tmp) == []


@pytest.mark.skipif(not which("gs"), reason="Ghostscript not installed")
def test_an_overset_or_interrupted_build_leaves_no_ghostscript(project: Path, tmp_path: Path) -> None:
    """Its Ghostscript, started before the page is composed, is stopped and its folder removed
    when the build stops early: on overset (exit 3) and on Ctrl-C while it composes."""
    import signal
    import time

    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    for _ in range(3):  # on a loaded machine the signal can land as the build exits: it ends 0, try again
        build = _build(project, "seed-page.yaml", tmp, "--no-cache")
        deadline = time.monotonic() + 120
        while not _processes_naming(tmp) and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # until its Ghostscript runs
        assert build.poll() is None, "the build ended before its Ghostscript was seen"
        build.send_signal(signal.SIGINT)
        build.communicate(timeout=300)
        if build.returncode != 0:
            break
    assert build.returncode != 0
    # Ctrl-C can land inside Popen, before the server holds the new Ghostscript: that one is not
    # killed, but it reads its commands from the build's pipe, so it ends on its own once the
    # build has gone. Lingering is the defect; a few hundred milliseconds of ending is not.
    deadline = time.monotonic() + 10
    while _processes_naming(tmp) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp.iterdir()) == [] and _processes_naming(tmp) == []

    cut = text.replace("block: {col: 1, cols: 4, line: 12, lines: 39}", "block: {col: 1, cols: 4, line: 12, lines: 22}")
    assert cut != text
    spec.write_text(cut, encoding="utf-8")
    build = _build(project, "seed-page.yaml", tmp, "--no-cache")
    _, stderr = build.communicate(timeout=300)
    assert build.returncode == 3, stderr  # EXIT_OVERSET
    assert list(tmp.iterdir()) == [] and _processes_naming(tmp) == []


@pytest.mark.skipif(not which("gs"), reason="Ghostscript not installed")
def test_a_primed_ghostscript_counts_only_the_page(tmp_path: Path, seed_build) -> None:
    """The primer's page (8 pt, registration colour) is rendered and dropped: the file given next,
    from outside the workspace (linked in), gets its own pages only, measured as its own render
    measures them, and the link is gone once collected."""
    from pagesetter.proof.coverage import CoverageServer

    heavy = _with_patch(seed_build.pdf_path, tmp_path / "heavy.pdf", b"q 0.9 0.9 0.9 0.9 k X 60 60 re f Q")
    own = preflight(heavy)
    with CoverageServer() as server:
        server.prime()
        assert (server.workspace() / "primer.pdf").is_file()
        with coverage_render(heavy, server=server) as render:
            assert render.pending is not None and render.process is None
            served = preflight(heavy, render=render)
        assert sorted(p.name for p in server.workspace().iterdir()) == ["primer.pdf"]
        workspace = server.workspace()
    assert not workspace.exists()
    assert _finding_set(served) == _finding_set(own)
    assert served.measured == own.measured
    assert 355 < served.measured["max tac %"] < 365


@pytest.mark.skipif(not which("gs"), reason="Ghostscript not installed")
def test_serve_verdicts_from_its_kept_ghostscript_are_those_of_a_render_of_their_own(tmp_path: Path,
                                                                                    seed_build) -> None:
    """serve keeps one primed Ghostscript from build to build: the desk's preflight verdict of a
    page, heavy or not, is word for word the one a Ghostscript of its own gives."""
    from pagesetter.proof.coverage import CoverageServer
    from pagesetter.serve import verdicts_of

    heavy = _with_patch(seed_build.pdf_path, tmp_path / "heavy.pdf", b"q 1 1 1 1 k X 60 60 re f Q")
    pdfs = [str(seed_build.pdf_path), str(heavy), str(seed_build.pdf_path)]
    with CoverageServer() as server:
        server.prime()
        kept = verdicts_of(pdfs, server)
    assert kept == verdicts_of(pdfs)
    assert "error: coverage: total area coverage 400 % over 240 %" in kept[0][1]
    assert all("tac checked 1" in verdict for verdict in kept[0])


def test_preflight_is_handed_every_operator_it_checks(tmp_path: Path) -> None:
    """_content asks pikepdf for the operators it looks at only: each operator its code compares
    with is on that list, and a page using them (text shown by ' and ", overprinted colour, a
    thin rule) is still judged on each."""
    import inspect
    import re

    from pagesetter.proof import preflight as module

    source = inspect.getsource(module._content)
    compared = set()
    for group in re.findall(r'\bop (?:==|in) (\([^)]*\)|"[^"]*"|_[A-Z_]+)', source):
        if group.startswith("_"):
            compared |= getattr(module, group)
        else:  # a literal or a tuple of them, in either quotes
            compared |= {double or single for double, single in re.findall(r'"([^"]*)"|\'([^\']*)\'', group)}
    assert {"q", "cm", "Tj", "'", '"', "Do", "S", "gs"} <= compared
    assert compared <= set(module.WATCHED_OPERATORS.split()), compared - set(module.WATCHED_OPERATORS.split())

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                      BaseFont=pikepdf.Name.Helvetica)),
        ExtGState=pikepdf.Dictionary(OP=pikepdf.Dictionary(OP=True, op=True)))
    page.contents_add(pdf.make_stream(b"BT /F1 4 Tf 1 0 0 1 20 20 Tm 12 TL 0.5 0.5 0 0.2 k (a) ' 1 1 (b) \" ET "
                                      b"q /OP gs 0 1 0 0 k 10 10 5 5 re f Q 0.1 w 0 0 m 50 50 l S"))
    report = module.PreflightReport("x")
    module._content(page, 1, report, module.Limits())
    found = {(f.check, f.message.split(" ")[0]) for f in report.findings}
    assert ("text size", "text") in found and ("rule weight", "a") in found
    assert any(f.check == "registration" for f in report.findings)  # shown by ' and " in two inks
    assert any(f.check == "overprint" and "2 times" not in f.message for f in report.findings)
    assert report.measured["smallest text pt"] == 4 and report.measured["thinnest rule pt"] == 0.1


@pytest.mark.skipif(not which("gs"), reason="Ghostscript not installed")
def test_a_page_queued_before_the_gate_loads_is_rendered_once_and_measured_as_its_own(tmp_path: Path,
                                                                                      seed_build) -> None:
    """gate_pdf gives the page to the kept Ghostscript before it loads pikepdf and the rest
    (coverage_render's ``started``): one render of the page after the primer's, the same findings
    and figures as a gate with a Ghostscript of its own; a render the caller could not queue
    (``started`` holding None) is made by a process of its own, as without a server."""
    from pagesetter.proof.coverage import CoverageServer
    from pagesetter.proof.report import gate_pdf

    heavy = _with_patch(seed_build.pdf_path, tmp_path / "heavy.pdf", b"q 0.9 0.9 0.9 0.9 k X 60 60 re f Q")
    own = gate_pdf(heavy)
    with CoverageServer() as server:
        server.prime()
        served = gate_pdf(heavy, server)
        assert server._pages == 2  # the primer's page, then this one's: not rendered twice
        with coverage_render(heavy, server=server, started=(None,)) as render:
            assert render.pending is None and render.process is not None
            apart = preflight(heavy, render=render)
    assert _finding_set(served.preflight) == _finding_set(own.preflight) == _finding_set(apart)
    assert served.preflight.measured == own.preflight.measured == apart.measured
    assert served.typography_summary == own.typography_summary
