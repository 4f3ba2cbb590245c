"""A build with nothing changed writes its recorded files again (src/pagesetter/rebuild.py); any
change to any input, option or date makes a real build. Through the real command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT
from conftest import age_inputs as age

from pagesetter.spec.model import CMYK

UNCHANGED = "unchanged since the last build"


def build(project: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    age(project)
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", *extra], cwd=project, capture_output=True,
                         text=True, timeout=300, env=env or dict(os.environ))
    assert run.returncode == 0, run.stderr
    return run


def pdf(project: Path) -> bytes:
    return (project / "output" / "seed-page.pdf").read_bytes()


def test_an_unchanged_page_is_written_again_with_its_report(project: Path, tmp_path: Path) -> None:
    env = dict(os.environ, PAGESETTER_CACHE=str(tmp_path / "cache"))
    first = build(project, env=env)
    assert UNCHANGED not in first.stdout
    before = pdf(project)
    (project / "output" / "seed-page.pdf").unlink()
    again = build(project, env=env)
    assert UNCHANGED in again.stdout and pdf(project) == before
    # the report is the same, line for line, after the first
    assert first.stdout.splitlines()[1:] == again.stdout.splitlines()[1:]
    # the typography summary and the preflight verdict are replayed (their figures: the same, above)
    assert re.search(r"typography: PASS: \d+ body lines", again.stdout) and "preflight: PASS" in again.stdout


def test_every_kind_of_input_change_makes_a_real_build(project: Path, tmp_path: Path) -> None:
    env = dict(os.environ, PAGESETTER_CACHE=str(tmp_path / "cache"))
    build(project, env=env)
    reference = pdf(project)

    def changed(edit) -> bytes:  # type: ignore[no-untyped-def]
        edit()
        run = build(project, env=env)
        assert UNCHANGED not in run.stdout, edit.__name__
        return pdf(project)

    def article() -> None:
        path = project / "content" / "dongfeng-media.md"
        path.write_text(path.read_text(encoding="utf-8").replace("没有披上白色战袍", "未曾披上白色战袍", 1),
                        encoding="utf-8")

    def stylesheet() -> None:
        path = project / "layout" / "styles" / "city-daily.yaml"
        text = path.read_text(encoding="utf-8")
        assert "size: 9pt" in text or "size: 小五" in text
        path.write_text(text + "\n", encoding="utf-8")  # same styles, different bytes: still rebuilt

    def photo() -> None:
        from PIL import Image, ImageDraw

        path = project / "content" / "photos" / "xian-education.jpg"
        im = Image.open(path).convert("RGB")
        ImageDraw.Draw(im).rectangle((0, 0, 400, 400), fill=(200, 30, 30))
        stat = path.stat()
        im.save(path, quality=90)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size class, same time: the bytes decide

    def manifest() -> None:
        path = project / "fonts" / "manifest.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("fallback: [kai, hei]", "fallback: [hei]"),
                        encoding="utf-8")

    assert changed(article) != reference
    changed(stylesheet)
    with_red = changed(photo)
    with pikepdf.open(project / "output" / "seed-page.pdf") as doc:
        spaces = {str(x.ColorSpace) for x in doc.pages[0].Resources.XObject.values()}
    assert "/DeviceCMYK" in spaces  # the photo has colour now: the new pixels were used
    changed(manifest)
    assert UNCHANGED in build(project, env=env).stdout  # and, with nothing more changed, a replay
    assert pdf(project) != reference and with_red is not None


def test_options_and_the_date_are_part_of_the_job(project: Path, tmp_path: Path) -> None:
    env = dict(os.environ, PAGESETTER_CACHE=str(tmp_path / "cache"))
    build(project, "-q", env=env)
    assert UNCHANGED not in build(project, "--proof", env=env).stdout
    assert (project / "output" / "seed-page.proof.pdf").is_file()
    (project / "output" / "seed-page.proof.pdf").unlink()
    assert UNCHANGED in build(project, "--proof", env=env).stdout
    assert (project / "output" / "seed-page.proof.pdf").is_file()  # the proof is replayed too
    dated = dict(env, SOURCE_DATE_EPOCH="1656547200")
    assert UNCHANGED not in build(project, env=dated).stdout
    with pikepdf.open(project / "output" / "seed-page.pdf") as doc:
        assert str(doc.docinfo["/CreationDate"]).startswith("D:20220630000000")


def test_no_cache_means_no_replay(project: Path, tmp_path: Path) -> None:
    env = dict(os.environ, PAGESETTER_CACHE=str(tmp_path / "cache"))
    build(project, env=env)
    assert UNCHANGED not in build(project, "--no-cache", env=env).stdout


def test_another_output_folder_gets_the_same_files(project: Path, tmp_path: Path) -> None:
    env = dict(os.environ, PAGESETTER_CACHE=str(tmp_path / "cache"))
    build(project, "-q", "-o", "a", env=env)
    again = build(project, "-o", "b", env=env)  # a quiet build reads its PDF back too: its report is recorded
    assert UNCHANGED in again.stdout and "preflight: PASS" in again.stdout
    assert UNCHANGED in build(project, "-o", "c", env=env).stdout
    assert (project / "a" / "seed-page.pdf").read_bytes() == (project / "c" / "seed-page.pdf").read_bytes()


def test_an_input_saved_during_the_build_is_not_trusted(project: Path, tmp_path: Path) -> None:
    """A build an input of which may have been saved while it ran is not recorded: the next build
    builds again rather than replay what may have been made from the old text. Here the time a
    file system that keeps two seconds (FAT) gives a save while the build runs, which may be before
    the build started (a finer time is trusted from a tenth of a second before the build; the
    rule's bounds: tests/test_rebuild_racy.py)."""
    env = dict(os.environ, PAGESETTER_CACHE=str(tmp_path / "cache"))
    article = project / "content" / "dongfeng-media.md"
    age(project)
    article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    # The save's time is given once the build has started, not before it: a whole second taken
    # before the build was within its two seconds only if the build started within a second or so
    # of it, which a loaded machine's Python start and imports need not do (the build was recorded).
    # Its stdout a full pipe, the build stops at its first line, its PDF written, before it records.
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    filler = 0
    try:
        while True:
            filler += os.write(write_end, b"." * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(write_end, True)
    running = subprocess.Popen([sys.executable, "-m", "pagesetter", "build"], cwd=project, stdout=write_end,
                               stderr=subprocess.PIPE, env={**env, "PYTHONUNBUFFERED": "1"})
    os.close(write_end)
    pdf, deadline = project / "output" / "seed-page.pdf", time.monotonic() + 300
    while not pdf.is_file():  # written after the build started (and read the article)
        assert running.poll() is None and time.monotonic() < deadline, running.stderr.read()  # type: ignore[union-attr]
        time.sleep(0.005)
    # saved now, during the build, as FAT times it (two seconds): up to two seconds before now
    fat = time.time_ns() // (2 * 10**9) * (2 * 10**9)
    os.utime(article, ns=(fat, fat))
    with os.fdopen(read_end, "rb") as pipe:
        out = pipe.read()[filler:].decode()
    err = running.communicate(timeout=300)[1].decode()
    assert running.returncode == 0 and out.startswith("wrote ") and UNCHANGED not in out, (out, err)
    again = subprocess.run([sys.executable, "-m", "pagesetter", "build"], cwd=project, capture_output=True,
                           text=True, timeout=300, env=env)
    assert again.returncode == 0 and UNCHANGED not in again.stdout  # nothing was recorded to replay
    assert UNCHANGED in build(project, env=env).stdout or UNCHANGED in build(project, env=env).stdout


def test_edition_pages_are_replayed_and_jumps_still_carry_new_text(project: Path, tmp_path: Path) -> None:
    """An edition page whose inputs did not change is replayed, one that continues a jump too when
    the lines sent to it are the same (it was always set and gated again: the desk's edition
    rebuilt on every save); an edit on the jumping article reaches it."""
    from pagesetter.build import load_inputs
    from pagesetter.cache import DiskCache
    from pagesetter.edition import build_edition

    cache = DiskCache(tmp_path / "cache")
    spec = project / "layout" / "tabloid-edition.yaml"
    age(project)
    said: list[str] = []
    first = build_edition(spec, tmp_path / "a", cache=cache, progress=said.append)
    assert not any(UNCHANGED in m for m in said)
    said.clear()
    again = build_edition(spec, tmp_path / "b", cache=cache, progress=said.append)
    assert any("tabloid-1 (" + UNCHANGED in m for m in said) and any("tabloid-2 (" + UNCHANGED in m for m in said)
    for a, b in zip(first.page_paths + (first.combined,), again.page_paths + (again.combined,)):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert [p.lines for p in first.pages] == [p.lines for p in again.pages]

    # page 1 edited outside the jump: page 1 set again, page 2 given the same lines is replayed
    other_article = project / "content" / "dongfeng-media.md"
    kept = other_article.read_text(encoding="utf-8")
    other_article.write_text(kept.rstrip() + "又讯。\n", encoding="utf-8")
    age(project)
    said.clear()
    other = build_edition(spec, tmp_path / "d", cache=cache, progress=said.append)
    assert not any("tabloid-1 (" in m for m in said) and any("tabloid-2 (" + UNCHANGED in m for m in said), said
    assert other.page_paths[1].read_bytes() == first.page_paths[1].read_bytes()
    other_article.write_text(kept, encoding="utf-8")
    age(project)
    # -j 2 (page 1 set in a worker) replays page 2 as set by -j 1, and its own records replay
    said.clear()
    build_edition(spec, tmp_path / "e", cache=cache, progress=said.append, jobs=2)
    assert not any("tabloid-1 (" in m for m in said) and any("tabloid-2 (" + UNCHANGED in m for m in said), said
    said.clear()
    build_edition(spec, tmp_path / "f", cache=cache, progress=said.append, jobs=2)
    assert sum(UNCHANGED in m for m in said) == 2, said

    article = project / "content" / "xianglu-street.md"
    text = article.read_text(encoding="utf-8")
    last = text.rstrip().rsplit("\n", 1)[1]
    article.write_text(text.replace(last, last + "新加一句。"), encoding="utf-8")
    age(project)
    said.clear()
    edited = build_edition(spec, tmp_path / "c", cache=cache, progress=said.append)
    assert not any(UNCHANGED in m for m in said)  # page 1 holds the jumping article: built again
    jump = "".join(l.text for p in edited.pages for l in p.lines if l.article == "xianglu-street" and l.role == "body")
    _, _, articles, _ = load_inputs(project / "layout" / "tabloid-1.yaml")
    assert jump == "".join(p.text for p in articles["xianglu-street"].paragraphs) and jump.endswith("新加一句。")


def test_set_lines_survive_pickling_whole() -> None:
    """Set lines go into the cache and between processes with Line's own pickling: every field
    comes back, the glyphs as GlyphPos."""
    import dataclasses
    import pickle

    from pagesetter.compose.lines import GlyphPos, Line

    black = CMYK(0, 0, 0, 100)
    glyphs = (GlyphPos("song", 9.0, 12, 0.0, "中", black), GlyphPos("song", 9.0, 40, 9.0, "文", black, 0.5, 0.9))
    line = Line(glyphs, 120.0, 18.0, "中文", True, 9.0, True, "subhead", 0.3, True, ("table", "table_head"), "letters",
                4.5, True)
    back = pickle.loads(pickle.dumps(line, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == line and all(type(g) is GlyphPos for g in back.glyphs)
    assert [f.name for f in dataclasses.fields(Line)] == ["glyphs", "width", "natural", "text", "last", "size",
                                                           "overfull", "role", "han_spread", "ragged", "rules", "set_short",
                                                           "inset", "keep_next"]


def test_page_lines_survive_pickling_whole() -> None:
    """A page's lines go from an edition worker to the main process and into the replay record
    with TextLine's own pickling: every field comes back, the glyphs as pagetree.Glyph."""
    import dataclasses
    import pickle

    from pagesetter.pagetree import Glyph, TextLine

    black = CMYK(0, 0, 0, 100)
    glyphs = (Glyph("song", 9.0, 12, 30.0, "中", black), Glyph("hei", 9.0, 40, 39.0, "A", black, 0.5, 0.9, 90))
    line = TextLine(glyphs, 120.5, 30.0, 200.0, "xianglu-street", "caption", False)
    back = pickle.loads(pickle.dumps(line, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == line and all(type(g) is Glyph for g in back.glyphs)
    assert [f.name for f in dataclasses.fields(TextLine)] == ["glyphs", "baseline", "x", "width", "article", "role",
                                                               "paragraph_end"]


def test_the_photos_hashed_for_their_cache_are_recorded_with_those_digests(project: Path, tmp_path: Path) -> None:
    """A page's photos are read and hashed once, for the photo cache: the record takes those
    digests, which are each photo's SHA-256, as the next build's lookup compares them."""
    from pagesetter import rebuild
    from pagesetter.build import build_page
    from pagesetter.cache import DiskCache

    result = build_page(project / "layout" / "seed-page.yaml", tmp_path / "out", cache=DiskCache(tmp_path / "cache"))
    photos = {image.path for image in result.page.images}
    assert photos and {p for p, _ in result.digests} == photos and photos <= set(result.inputs)
    assert all(digest == rebuild._digest(path) for path, digest in result.digests)
    age(project)
    cache = DiskCache(tmp_path / "cache")
    rebuild.record(cache, "0" * 64, result.inputs, "made", time.time_ns(), dict(result.digests))
    assert rebuild.lookup(cache, "0" * 64) == "made"
    (project / next(iter(photos)).relative_to(project)).write_bytes(b"another photo")
    assert rebuild.lookup(cache, "0" * 64) is None


def test_an_edition_page_hashes_each_photo_once(project: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An edition page's photos are read and hashed once, for the photo cache, as a single page's
    are: its replay record takes those digests (it used to hash every photo a second time), and
    the record they make still replays the page."""
    import collections

    from pagesetter import rebuild
    from pagesetter.cache import DiskCache
    from pagesetter.edition import build_edition
    from pagesetter.render import pdf

    hashed: collections.Counter[Path] = collections.Counter()
    photo_digest, record_digest = pdf.file_digest, rebuild._digest

    def counted(digest):  # type: ignore[no-untyped-def]
        def call(path: Path) -> str:
            hashed[path] += 1
            return digest(path)
        return call

    monkeypatch.setattr(pdf, "file_digest", counted(photo_digest))
    monkeypatch.setattr(rebuild, "_digest", counted(record_digest))
    edition = project / "layout" / "one-page.yaml"
    edition.write_text("edition:\n  name: one-page\n  paper: 城市日报\n  date: 2022-06-30\n"
                       "  pages: [seed-page.yaml]\n", encoding="utf-8")
    age(project)
    cache = DiskCache(tmp_path / "cache")
    first = build_edition(edition, tmp_path / "a", cache=cache, jobs=1)  # the page built here (edition._run_page)
    photos = {image.path for image in first.pages[0].images}
    assert photos and all(hashed[p] == 1 for p in photos), {p.name: hashed[p] for p in photos}
    said: list[str] = []
    again = build_edition(edition, tmp_path / "b", cache=cache, jobs=1, progress=said.append)
    assert any(UNCHANGED in m for m in said)  # the record's digests are the photos' own: it replays
    assert again.page_paths[0].read_bytes() == first.page_paths[0].read_bytes()


def test_an_edition_page_is_set_without_the_cyclic_collector(project: Path, tmp_path: Path) -> None:
    """Python's cyclic collector does not run while an edition page is set (it walked the page's
    live objects some four times a page, for some twenty objects in cycles), and is as it was
    after: on, and collecting what the page left."""
    import gc

    from pagesetter.cache import DiskCache
    from pagesetter.edition import _PageJob, _run_page, load_edition

    edition = project / "layout" / "one-page.yaml"
    edition.write_text("edition:\n  name: one-page\n  paper: 城市日报\n  date: 2022-06-30\n"
                       "  pages: [seed-page.yaml]\n", encoding="utf-8")
    loaded = load_edition(edition)
    runs: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        """A collection that starts while the page is set (edition._build_page on the stack)."""
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_name != "_build_page":
            frame = frame.f_back
        if phase == "start" and frame is not None:
            runs.append(info["generation"])

    was, threshold = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.set_threshold(700, 10, 10)  # Python's default: some hundred collections while a page is set
    gc.collect()  # the count starts from nothing: no collection falls due before the page starts
    gc.callbacks.append(seen)
    try:
        done = _run_page(_PageJob(loaded.pages[0], loaded.data, DiskCache(None)))
        during = len(runs)
        assert gc.isenabled()
        gc.collect()
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*threshold)
        if not was:
            gc.disable()
    assert done.flowed is not None and done.pdf.startswith(b"%PDF") and done.gate is not None
    assert during == 0, f"{during} collections while the page was set"


@pytest.mark.parametrize("folder, spec_arg", [("desk", "../paper/layout/page.yaml"), (".", "paper/layout/page.yaml")])
def test_a_replay_from_another_folder_names_places_as_a_fresh_build_there(tmp_path: Path, folder: str,
                                                                           spec_arg: str) -> None:
    """Session 18: a page replayed from another working folder printed the recorded build's
    places (content/x.md:8:21, layout/page.yaml:26:12), relative to the folder that build ran in;
    from the new folder they name no file. Said as a fresh build from there says them, in the
    report and in build --json alike."""
    import json

    env = dict(os.environ, PAGESETTER_CACHE=str(tmp_path / "cache"))
    rare = "\U0002A6A5"  # no face of the project's fonts has it: a warning at its place
    init = subprocess.run([sys.executable, "-m", "pagesetter", "init", "paper", "--fonts", str(ROOT / "fonts")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert init.returncode == 0, init.stderr
    project = tmp_path / "paper"
    spec = project / "layout" / "page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("  section: 要闻\n", f"  section: 要{rare}\n")
                    .replace("articles:\n", "missing_glyphs: substitute\narticles:\n"), encoding="utf-8")
    article = project / "content" / "example.md"
    article.write_text(article.read_text(encoding="utf-8").replace("示例稿件。", f"示例稿{rare}。"), encoding="utf-8")
    first = build(project, env=env)
    assert "warning: content/example.md:" in first.stderr and "warning: layout/page.yaml:" in first.stderr
    elsewhere = tmp_path / folder
    elsewhere.mkdir(exist_ok=True)
    out = str(Path(spec_arg).parent.parent / "output")

    def from_elsewhere(*extra: str) -> subprocess.CompletedProcess[str]:
        run = subprocess.run([sys.executable, "-m", "pagesetter", "build", spec_arg, "-o", out, *extra], cwd=elsewhere, capture_output=True, text=True,
                             timeout=300, env=env)
        assert run.returncode == 0, run.stderr
        return run

    replayed, fresh = from_elsewhere(), from_elsewhere("--no-cache")
    assert UNCHANGED in replayed.stdout and UNCHANGED not in fresh.stdout
    # from there the files are named otherwise (paper/content/…, or whole when outside the folder)
    assert "content/example.md:8:" in fresh.stderr and fresh.stderr != first.stderr, fresh.stderr
    assert replayed.stderr == fresh.stderr
    assert replayed.stdout.splitlines()[1:] == fresh.stdout.splitlines()[1:]
    replayed_json, fresh_json = (json.loads(from_elsewhere("--json", *extra).stdout) for extra in ((), ("--no-cache",)))
    [page], [fresh_page] = replayed_json["pages"], fresh_json["pages"]
    assert page["cached"] and not fresh_page["cached"]
    assert {k: v for k, v in page.items() if k != "cached"} == {k: v for k, v in fresh_page.items() if k != "cached"}
