"""The command line as an editor uses it: real processes, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_help_documents_every_option(tmp_path: Path) -> None:
    top = run(["--help"], tmp_path)
    assert top.returncode == 0 and "build" in top.stdout and "preview" in top.stdout
    build = run(["build", "--help"], tmp_path)
    assert build.returncode == 0
    for option in ("--output", "--allow-overset", "--preview", "--dpi", "--quiet", "SPEC"):
        assert option in build.stdout


def test_build_with_no_argument_builds_the_seed_page(project: Path) -> None:
    result = run(["build", "--preview"], project)
    assert result.returncode == 0, result.stderr
    assert (project / "output" / "seed-page.pdf").stat().st_size > 100_000
    assert (project / "output" / "seed-page.png").is_file()
    assert "wrote output/seed-page.pdf" in result.stdout
    assert "normalised: 284 marks" in result.stdout
    # a layout editor's first build is clean: dongliao-police, filled exactly, is fitted with the
    # variant that leaves no paragraph's last line (情防控工作。) alone at a column's head (flow/fit.py)
    assert result.stderr == "", result.stderr


def _shrink(project: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("block: {col: 5, cols: 4, line: 12, lines: 34}",
                                 "block: {col: 5, cols: 4, line: 12, lines: 30}"), encoding="utf-8")


def test_overset_fails_the_build_and_names_the_article(project: Path) -> None:
    out = project / "output" / "seed-page.pdf"
    out.parent.mkdir()
    out.write_bytes(b"%PDF-previous")
    _shrink(project)
    result = run(["build"], project)
    assert result.returncode == 3
    assert "dongliao-police" in result.stderr and "characters in" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert out.read_bytes() == b"%PDF-previous"  # the previous PDF is left as it was


def test_overset_of_a_body_that_does_not_start_says_so(project: Path) -> None:
    """A block the headline and photo fill: no body line fits, and the message says that rather than
    quoting empty "last words" (after “…”)."""
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("block: {col: 5, cols: 4, line: 12, lines: 34}\n    photo: {col: 3, cols: 2, line: 6, lines: 13}",
                                 "block: {col: 5, cols: 4, line: 12, lines: 18}\n    photo: {col: 1, cols: 4, line: 5, lines: 13}"),
                    encoding="utf-8")
    result = run(["build"], project)
    assert result.returncode == 3, result.stderr
    assert "dongliao-police" in result.stderr and "“…”" not in result.stderr
    assert "from its first line" in result.stderr


def test_allow_overset_writes_the_pdf_and_still_reports(project: Path) -> None:
    _shrink(project)
    result = run(["build", "--allow-overset"], project)
    # written, marked, and still exit 3: the night desk sends what exits 0, and text was lost
    assert result.returncode == 3, result.stderr
    assert re.search(r"^overset: layout/seed-page\.yaml:\d+:\d+: dongliao-police: ", result.stderr, re.M), result.stderr
    assert (project / "output" / "seed-page.pdf").is_file()
    # The PDF carries the mark: preflight fails it (issue 15: an overset PDF never passes), and
    # the slug says so on the plate.
    checked = run(["preflight", "output/seed-page.pdf"], project)
    assert checked.returncode == 6 and "error: overset: built with overset allowed" in checked.stdout
    assert "dongliao-police" in checked.stdout
    import pdfplumber

    with pdfplumber.open(project / "output" / "seed-page.pdf") as pdf:
        assert "NOT FOR PRINT" in pdf.pages[0].extract_text()


def test_bad_spec_is_one_located_line_and_no_pdf(project: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("gutter: 1字", "gutter: 1 furlong"), encoding="utf-8")
    result = run(["build"], project)
    assert result.returncode == 1
    assert result.stderr.startswith("pagesetter: error: layout/seed-page.yaml:")
    assert "gutter" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "output" / "seed-page.pdf").exists()


def test_missing_spec_and_unknown_option(tmp_path: Path) -> None:
    result = run(["build"], tmp_path)
    assert result.returncode == 1 and "layout/seed-page.yaml" in result.stderr
    result = run(["build", "--colour"], tmp_path)
    assert result.returncode == 2


def test_a_character_no_font_has_is_reported(project: Path) -> None:
    article = project / "content" / "dongfeng-media.md"
    article.write_text(article.read_text(encoding="utf-8").replace("没有披上白色战袍", "没有披上白色战袍\U0001F600"),
                       encoding="utf-8")
    result = run(["build"], project)
    assert result.returncode == 1, result.stderr  # bad input: nothing is printed with a hole in it
    assert result.stderr.startswith("pagesetter: error: content/dongfeng-media.md:9:")
    assert re.search(r"no face of style '\w+' \([^)]+\) has U\+1F600 GRINNING FACE \(😀\)", result.stderr), result.stderr


def test_a_character_the_body_face_lacks_comes_from_its_fallback(project: Path) -> None:
    """𠀎 (U+2000E, CJK Extension B) is not in Noto Serif CJK SC but is in LXGW WenKai, the first
    fallback of the body face: it is printed from the WenKai subset, with no warning; 😀, which no
    face has, is reported and 〓 printed in its place (the spec allows the substitute)."""
    import pdfplumber

    spec = project / "layout" / "seed-page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("\nrules:", "\nmissing_glyphs: substitute\nrules:", 1),
                    encoding="utf-8")
    article = project / "content" / "dongfeng-media.md"
    article.write_text(article.read_text(encoding="utf-8").replace("没有披上白色战袍", "没有披上白色𠀎战袍\U0001F600"),
                       encoding="utf-8")
    result = run(["build", "-q", "--allow-overset"], project)
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(project / "output" / "seed-page.pdf") as pdf:
        chars = pdf.pages[0].chars
    rare = [c for c in chars if c["text"] == "𠀎"]
    assert len(rare) == 1 and "LXGWWenKai" in rare[0]["fontname"]
    neighbours = [c for c in chars if c["text"] in "白色战袍" and abs(c["top"] - rare[0]["top"]) < 1]
    assert neighbours and all("NotoSerifCJKsc-Regular" in c["fontname"] for c in neighbours)
    assert abs(rare[0]["size"] - neighbours[0]["size"]) < 0.01  # same size, on the same line
    assert not [c for c in chars if c["text"] == "\U0001F600"] and [c for c in chars if c["text"] == "〓"]
    loud = run(["build", "--allow-overset"], project)
    assert "missing-glyph" in loud.stderr and "😀" in loud.stderr and "𠀎" not in loud.stderr


def test_a_fallback_that_is_no_face_is_a_located_error(project: Path) -> None:
    manifest = project / "fonts" / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("fallback: [kai, hei]", "fallback: [kaiti]"),
                        encoding="utf-8")
    result = run(["build"], project)
    assert result.returncode == 1
    assert "fonts/manifest.yaml:" in result.stderr and "'kaiti'" in result.stderr and "Traceback" not in result.stderr


def test_allow_outside_lets_a_shared_photo_folder_in(project: Path) -> None:
    """A newsroom's shared photo store outside the project: refused until the spec lists it, then
    read by its absolute path (and a link into it is followed)."""
    store = project.parent / "photo-store"
    store.mkdir()
    (project / "content" / "photos" / "dongfeng-media.jpg").rename(store / "dongfeng-media.jpg")
    article = project / "content" / "dongfeng-media.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "photos/dongfeng-media.jpg", str(store / "dongfeng-media.jpg")), encoding="utf-8")
    refused = run(["build", "-q"], project)
    assert refused.returncode == 1 and "allow_outside" in refused.stderr and "Traceback" not in refused.stderr
    spec = project / "layout" / "seed-page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("rules: {", "allow_outside: [../../photo-store]\nrules: {"),
                    encoding="utf-8")
    built = run(["build", "-q"], project)
    assert built.returncode == 0, built.stderr
    with pikepdf.open(project / "output" / "seed-page.pdf") as pdf:
        assert len(list(pdf.pages[0].Resources.XObject.keys())) == 5


def test_a_bad_page_of_an_edition_is_one_located_line_and_nothing_written(project: Path) -> None:
    """The page is read in a worker process; its error comes back to the main one intact."""
    spec = project / "layout" / "tabloid-2.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("columns: 6", "colums: 6"), encoding="utf-8")
    result = run(["build", "layout/tabloid-edition.yaml", "-j", "2"], project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "pagesetter: error: layout/tabloid-2.yaml:13:3: unknown key 'colums' in grid; did you mean 'columns'?"]
    assert not (project / "output" / "tabloid-1.pdf").exists()
    assert not (project / "output" / "tabloid-edition.pdf").exists()


def test_a_broken_photo_in_an_edition_is_one_located_line_and_nothing_written(project: Path) -> None:
    """Edition workers prepare their photos in their own thread (render_pdf photo_threads=0): a
    photo that cannot be read is still one located line, and no page, edition or temporary file is
    left in the output folder."""
    (project / "content" / "photos" / "xian-education.jpg").write_bytes(b"not a JPEG at all")
    result = run(["build", "layout/tabloid-edition.yaml", "-j", "2"], project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("pagesetter: error: content/photos/xian-education.jpg: cannot read image (")
    assert line.endswith("); expected a JPEG, PNG, TIFF, WebP or GIF file")
    assert not (project / "output").exists() or not any((project / "output").iterdir())


def test_an_output_folder_that_is_a_file_is_a_clear_error(project: Path) -> None:
    """-o naming a file (or a path through one): one line saying so, exit status 1, no traceback."""
    (project / "taken").write_text("not a folder", encoding="utf-8")
    for target, needle in (("taken", "exists and is not a folder, where a folder was expected"),
                           ("taken/sub", "part of this path is a file")):
        result = run(["build", "-q", "--no-cache", "-o", target], project)
        assert result.returncode == 1, result.stderr
        assert needle in result.stderr and target in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (project / "taken").read_text(encoding="utf-8") == "not a folder"


def _worker_dies(job: object, stop: int) -> object:
    os._exit(3)  # as the kernel's OOM killer would leave it: no answer, no exception


def test_a_page_worker_that_dies_is_one_clean_error(monkeypatch: pytest.MonkeyPatch, project: Path) -> None:
    """A worker process killed mid-page (out of memory, kill -9) breaks the pool: one line naming
    the page, no traceback, no output written."""
    from pagesetter import edition
    from pagesetter.cache import DiskCache
    from pagesetter.errors import PagesetterError

    monkeypatch.setattr(edition, "_run_page_in_worker", _worker_dies)  # the forked workers inherit it
    with pytest.raises(PagesetterError) as err:
        edition.build_edition(project / "layout" / "tabloid-edition.yaml", project / "out", jobs=2,
                              cache=DiskCache(None))
    assert "tabloid-1.yaml: the process building this page stopped" in str(err.value)
    assert not (project / "out").exists() or not any((project / "out").iterdir())


def test_a_page_preflight_rejects_fails_the_build_even_quietly(project: Path) -> None:
    """Issue 15.3: an 18 ppi photo is a preflight error; the build exits 6 (not 0), and with -q
    the finding still reaches stderr, one line naming the file and page."""
    from PIL import Image

    Image.new("RGB", (24, 16), (120, 90, 60)).save(project / "content" / "photos" / "dongfeng-media.jpg")
    for quiet in ([], ["-q"]):
        result = run(["build", *quiet], project)
        assert result.returncode == 6, (quiet, result.stdout, result.stderr)
        lines = result.stderr.splitlines()
        assert any(l.startswith("output/seed-page.pdf: page 1: preflight error: resolution: "
                                "content/photos/dongfeng-media.jpg (dongfeng-media) at ") for l in lines), lines  # the photo by file and article
        # one finding, one line: the build's own low-resolution warning is not said twice
        assert len([l for l in lines if "dongfeng-media.jpg" in l]) == 1, lines
        assert lines[-1].startswith("pagesetter: error: preflight found errors")
        if quiet:
            assert result.stdout == ""
    again = run(["build", "-q"], project)  # replayed from the record: the same verdict
    assert again.returncode == 6 and "preflight error: resolution" in again.stderr


def test_a_photo_with_no_cell_is_an_error_not_dropped(project: Path) -> None:
    """Issue 15.10: a photo the article lists but the spec gives no cell was dropped silently."""
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("    photo: {col: 3, cols: 2, line: 6, lines: 13}      # no marker: photo above its caption\n",
                                 ""), encoding="utf-8")
    result = run(["build", "-q"], project)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("pagesetter: error: content/xian-education.md:")
    assert "photo xian-education.jpg of 'xian-education' is not placed" in result.stderr
    assert not (project / "output" / "seed-page.pdf").exists()


def test_a_jumped_articles_photo_placed_on_no_page_is_an_error(project: Path) -> None:
    """A jumped article may leave its photo to either page; with no cell on either, the edition
    dropped it without a word and exited 0. Now it stops, naming the photo and both entries."""
    spec = project / "layout" / "tabloid-2.yaml"
    text = spec.read_text(encoding="utf-8")
    cell = "      - {col: 4, cols: 3, line: 62, lines: 12}\n    photo: {col: 2, cols: 2, line: 9, lines: 11}\n"
    assert cell in text  # the continuation's cell (上接): the only one the jumped article has
    spec.write_text(text.replace(cell, "      - {col: 4, cols: 3, line: 62, lines: 12}\n", 1), encoding="utf-8")
    result = run(["build", "-q", "layout/tabloid-edition.yaml"], project)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("pagesetter: error: content/xianglu-street.md:")
    assert "photo xianglu-street.jpg of 'xianglu-street' is placed on no page of the edition" in result.stderr
    assert "layout/tabloid-1.yaml" in result.stderr and "layout/tabloid-2.yaml" in result.stderr
    assert not (project / "output" / "tabloid-1.pdf").exists()


def test_a_photo_cell_over_the_headline_is_a_located_error(project: Path) -> None:
    """Issue 15.6: a photo cell the headline runs into (the subtitle printed on the picture)."""
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("photo: {col: 3, cols: 2, line: 6, lines: 13}      # ▲ photo above its caption",
                                 "photo: {col: 3, cols: 2, line: 2, lines: 13}", 1), encoding="utf-8")
    result = run(["build", "-q"], project)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("pagesetter: error: layout/seed-page.yaml:37:5: 'dongfeng-media': its ")
    assert "prints over its photo" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "output" / "seed-page.pdf").exists()


def test_a_vertical_headline_that_does_not_fit_is_overset(project: Path) -> None:
    """A vertical headline longer than its column was a warning and exit 0: its last characters
    printed over the body or past the block. Now it is overset, like text."""
    spec = project / "layout" / "seed-page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "    headline: {cols: 3, lines: 8}\n", "    headline: {vertical: true, cols: 1, lines: 8}\n"), encoding="utf-8")
    result = run(["build", "-q"], project)
    assert result.returncode == 3, result.stderr
    assert "baimei-property" in result.stderr and "Traceback" not in result.stderr


def test_an_edition_reports_each_page_as_a_page_build_does(project: Path) -> None:
    """Issue 15.7: per page its normalisation and typography, preflight findings by the page's
    file, warnings, --proof, and a table of the pages at the end."""
    from PIL import Image

    Image.new("RGB", (24, 16), (120, 90, 60)).save(project / "content" / "photos" / "dongliao-police.jpg")
    result = run(["build", "layout/tabloid-edition.yaml", "--proof", "-j", "1"], project)
    assert result.returncode == 6, result.stderr
    out = result.stdout
    assert out.count("  normalised: ") == 2 and out.count("  typography: ") == 2
    assert "wrote output/tabloid-1.proof.pdf" in out and (project / "output" / "tabloid-2.proof.pdf").is_file()
    assert "page" in out and "characters" in out and "tabloid-1.pdf" in out.splitlines()[-2]
    errors = [l for l in result.stderr.splitlines() if "preflight error" in l]
    assert errors and all(l.startswith("output/tabloid-1.pdf: preflight error: resolution: content/photos/dongliao-police.jpg")
                          for l in errors), errors
    # said once, as the preflight's finding (issue 17: not a low-resolution warning beside it)
    assert not any("low-resolution" in l and "dongliao-police.jpg" in l for l in result.stderr.splitlines())


# python -m pagesetter build of one page, with the collector's runs counted from the first import
COUNT_COLLECTIONS = """
import atexit, gc, runpy, sys
runs = []
# from when __main__ runs (it has imported handoff): not while the interpreter compiles __main__.py
# itself, where no .pyc is written (PYTHONDONTWRITEBYTECODE), before its first line can stop it
gc.callbacks.append(lambda phase, info: runs.append(info["generation"])
                    if phase == "start" and "pagesetter.handoff" in sys.modules else None)
atexit.register(lambda: print("collections", len(runs), file=sys.stderr))
sys.argv = ["pagesetter", *sys.argv[1:]]
runpy.run_module("pagesetter", run_name="__main__")
"""


def test_a_one_page_build_process_runs_no_garbage_collection(project: Path, tmp_path: Path) -> None:
    """The command line's one-page build runs without the cyclic collector (cli.GC_THRESHOLD), and
    still writes the page; main() called from a program leaves the collector as it found it."""
    run = subprocess.run([sys.executable, "-c", COUNT_COLLECTIONS, "build", "-q", "--no-cache", "-o",
                          str(tmp_path / "out"), "layout/seed-page.yaml"], cwd=project, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "collections 0" in run.stderr.splitlines()
    assert (tmp_path / "out" / "seed-page.pdf").stat().st_size > 0
    in_process = subprocess.run([sys.executable, "-c", "import gc, sys; from pagesetter.cli import main; "
                                 "main(sys.argv[1:]); print('enabled', gc.isenabled())", "build", "-q",
                                 "--no-cache", "-o", str(tmp_path / "lib"), "layout/seed-page.yaml"], cwd=project,
                                capture_output=True, text=True, timeout=300)
    assert "enabled True" in in_process.stdout, in_process.stderr
