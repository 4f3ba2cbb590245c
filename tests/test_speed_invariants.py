"""What issue 21's cheaper computations rest on, checked against the plain way on real text and a
real PDF: a paragraph rebroken at a tracking bias breaks as atoms made from runs so tracked would
(tracking is read by the gaps alone), and the gate's text-over-text search by bands finds every
pair a comparison of all pairs finds, in the same order, naming the same characters."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from pagesetter.compose.atoms import han_latin_spaces, split_wide
from pagesetter.compose.linebreak import Breakable, gaps_of, knuth_plass
from pagesetter.compose.lines import REBREAK_BIASES, Run, atoms_for
from pagesetter.fonts.face import FaceSet, OpenFaces
from pagesetter.fonts.manifest import load_manifest
from pagesetter.proof.readback import Char, PageChars, read_chars
from pagesetter.proof.typography import OVER_SHARE, TypographyReport, _text_over_text, ink_extent, is_han, is_latin
from pagesetter.spec.loader import load_spec

PAGES = Path(__file__).resolve().parent / "pages"
TEXTS = ("辽源市柏捌物业有限公司成立于2016年，经党委批准，公司党支部正式成立。支部成立以来，在服务74栋楼、5000余户居民的"
         "同时，为公司的强势发展注入了活力。",
         "世界卫生组织（World Health Organization，WHO）11月30日称，全球已有2.3亿人接种，"
         "Vinícius Júnior 与 Hans Müller-Wohlfahrt 在 www.jcjt.gov.cn/wuqiao 查到了3∶1的比分。")


@pytest.fixture(scope="module")
def spec(root: Path):
    return load_spec(root / "layout" / "seed-page.yaml")


@pytest.mark.parametrize("text", TEXTS, ids=("han", "latin"))
@pytest.mark.parametrize("more", (-1, 1))
def test_a_tracking_bias_breaks_as_tracked_runs_would(spec, text: str, more: int) -> None:
    faces = FaceSet(load_manifest(spec.fonts_manifest))
    body = spec.styles["body"]
    runs = [Run(text[:40], body), Run(text[40:], replace(body, font="kai"))]
    measure = 13 * body.size
    atoms = split_wide(han_latin_spaces(atoms_for(runs, faces)), measure, measure - body.size * 2)
    breakable = Breakable.of(atoms)
    for bias in REBREAK_BIASES:
        b = bias if more > 0 else -bias
        tracked = [Run(r.text, replace(r.style, tracking=r.style.tracking + b * r.style.size)) for r in runs]
        shifted = split_wide(han_latin_spaces(atoms_for(tracked, faces)), measure, measure - body.size * 2)
        assert [a.text for a in shifted] == [a.text for a in atoms]
        assert gaps_of(atoms, b) == gaps_of(shifted)
        assert knuth_plass(atoms, measure, body.size * 2, gaps_of(atoms, b), breakable) == \
            knuth_plass(shifted, measure, body.size * 2)


def _over_by_every_pair(page: PageChars) -> list[tuple[float, str, str]]:
    """Text over text the plain way: every pair of characters compared, in the page's order."""
    boxes = []
    for c in page.chars:
        if c.size > 0 and (is_han(c.text) or is_latin(c.text)):
            x0, x1 = ink_extent(c)
            if x1 - x0 >= 0.05 * c.size:
                y0, y1 = (c.ink_top, c.ink_bottom) if c.ink_bottom - c.ink_top > 0.05 * c.size else \
                    (c.baseline - 0.88 * c.size, c.baseline + 0.12 * c.size)
                boxes.append((x0, x1, y0, y1, c))
    found, seen = [], set()
    for k, (x0, x1, y0, y1, c) in enumerate(boxes):
        for a0, a1, b0, b1, d in boxes[:k]:
            if d.text == c.text and abs(d.x - c.x) < 0.5 and abs(d.baseline - c.baseline) < 0.5:
                continue
            if not (is_han(c.text) or is_han(d.text)):  # of any two sizes
                continue
            across, down = min(x1, a1) - max(x0, a0), min(y1, b1) - max(y0, b0)
            if across <= OVER_SHARE * min(x1 - x0, a1 - a0) or down <= OVER_SHARE * min(y1 - y0, b1 - b0):
                continue
            pair = (round(min(c.baseline, d.baseline), 1), round(max(c.baseline, d.baseline), 1))
            if pair not in seen:
                seen.add(pair)
                found.append((c.baseline, f"{d.text}{c.text}", f"{across:.2f}"))
    return found


def _moved(c: Char, dx: float, dy: float) -> Char:
    return c._replace(x=c.x + dx, right=c.right + dx, ink_left=c.ink_left + dx, ink_right=c.ink_right + dx,
                      baseline=c.baseline + dy, ink_top=c.ink_top + dy, ink_bottom=c.ink_bottom + dy)


def test_text_over_text_finds_what_every_pair_finds() -> None:
    """The trial page whose caption was set over the body, and pieces of it set again a few points
    off (over lines, between them, over a column's edge), in the page's order and shuffled."""
    page = read_chars(PAGES / "trial11-caption-over-body.pdf")[0]
    rnd = random.Random(11)
    chars = list(page.chars)[:700]  # every pair of 700 characters: a quarter of a million
    pages = [replace(page, chars=tuple(chars))]
    for n in range(8):
        more = list(chars)
        for _ in range(4):
            start = rnd.randrange(len(chars))
            dx, dy = rnd.uniform(-12, 12), rnd.uniform(-12, 12)
            more += [_moved(c, dx, dy) for c in chars[start:start + rnd.randint(1, 40)]]
        if n % 2:
            rnd.shuffle(more)
        pages.append(replace(page, chars=tuple(more)))
    total = 0
    for p in pages:
        report = TypographyReport(pages=1)
        _text_over_text(p, report)
        got = [(f.baseline, f.text, f.detail.rsplit("(", 1)[1].split(" pt")[0]) for f in report.overlap]
        assert got == _over_by_every_pair(p)
        total += len(got)
    assert total > 20  # the moved pieces were found over the page's own text


def test_work_done_while_the_photos_are_prepared_changes_no_byte(root: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """build_page's ``meanwhile`` (the CLI loads the gate's modules so) runs once, on the building
    thread, while the photos are still pending or not, and the PDF is the one built without it."""
    from pagesetter.build import build_page
    from pagesetter.cache import DiskCache

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    spec = root / "layout" / "seed-page.yaml"
    calls: list[bool] = []
    with_work = build_page(spec, tmp_path / "with", cache=DiskCache(None),
                           meanwhile=lambda waiting: calls.append(waiting() in (True, False)))
    plain = build_page(spec, tmp_path / "plain", cache=DiskCache(None))
    assert calls == [True]
    assert with_work.pdf_path.read_bytes() == plain.pdf_path.read_bytes()
    assert with_work.warnings == plain.warnings


# Prints which of the gate's libraries ``load_gate`` left loaded, given whether the photos are pending.
LOAD_GATE = ("import json, sys\n"
             "from pagesetter.proof.report import load_gate\n"
             "load_gate(lambda: sys.argv[1] == 'pending')\n"
             "print(json.dumps([m for m in ('pikepdf', 'pypdfium2', 'pagesetter.proof.typography', "
             "'pagesetter.proof.preflight', 'xml.etree.ElementTree') if m in sys.modules]))\n")


@pytest.mark.parametrize("photos", ("pending", "done"))
def test_the_gate_is_loaded_only_while_the_photos_are_pending(photos: str) -> None:
    import json
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", LOAD_GATE, photos], capture_output=True, text=True, timeout=120,
                         check=True)
    loaded = json.loads(run.stdout)
    if photos == "pending":
        assert loaded == ["pikepdf", "pypdfium2", "pagesetter.proof.typography", "pagesetter.proof.preflight",
                          "xml.etree.ElementTree"]
    else:
        assert loaded == []


def _edition_page(spec: Path, opened: OpenFaces | None = None) -> tuple[bytes, tuple]:
    """One page as an edition's worker builds it (edition._build_page, no cache, no Ghostscript):
    its PDF and its warnings."""
    from pagesetter.cache import DiskCache
    from pagesetter.build import EditionData
    from pagesetter.edition import _PageJob, _build_page

    job = _PageJob(spec, EditionData("城市日报", "2022-06-30", "bench"), DiskCache(None), photo_threads=0)
    done, _, _ = _build_page(job, None, opened)
    assert done.flowed is not None
    return done.pdf, (done.flowed.warnings, done.render_warnings)


def test_faces_kept_open_for_a_workers_pages_change_no_byte(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edition's worker keeps its faces open from page to page (workers.open_faces): each page
    set with faces another page has already asked (glyphs, advances, extents cached) is the page
    set with faces of its own, byte for byte, warnings alike."""
    from pagesetter.fonts.face import OpenFaces

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    specs = [root / "layout" / "front-page.yaml", root / "layout" / "seed-page.yaml"]
    opened = OpenFaces()
    kept = [_edition_page(spec, opened) for spec in specs]
    assert len(opened._faces) >= 4  # the faces of both pages, each opened once
    assert kept == [_edition_page(spec) for spec in specs]


def test_faces_kept_open_are_opened_again_when_the_file_changes(root: Path, tmp_path: Path) -> None:
    """A font replaced between two pages (another file under the same name) is opened anew: the
    kept face answers for the file it was opened from only."""
    import os
    import shutil

    from pagesetter.fonts.face import OpenFaces

    manifest = load_manifest(load_spec(root / "layout" / "seed-page.yaml").fonts_manifest)
    info = manifest["song"]
    font = tmp_path / info.path.name
    shutil.copyfile(info.path, font)
    local = replace(info, path=font)
    opened = OpenFaces()
    first = opened.open(local)
    assert opened.open(local) is first
    assert FaceSet({"song": local}, opened).get("song") is first
    stat = font.stat()
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # the file written again
    again = opened.open(local)
    assert again is not first
    assert again.glyph_for("报") == first.glyph_for("报") != 0
