"""Modules of any kind, read back from real PDFs (tests/pages/layout/modules-*.yaml):

- irregular modules (L with the leg on either side, 倒L, 冂, 凹, 凸) read in the documented order:
  the text read from the PDF column by column equals the article;
- several photos per article, a photo group under one caption, a 图片新闻 with no title and no
  body, a headline-only item, per-module rules;
- at the turn of an L: the credit whole, the caption off the rule line, a standoff under it;
- ``line: after``: a photo cell under a headline however deep it wraps;
- what must stop the build: a photo with no cell, a cell naming no photo, a cell on the rule line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from pagesetter.build import build_page
from pagesetter.errors import InputError
from pagesetter.proof.diff import frames_of

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "pages"
EDGE = 0.6  # pt: a char or rule this close to a frame's edge is on it, not in it


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGES / "layout" / "modules-shapes.yaml", tmp_path_factory.mktemp("shapes"))


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGES / "layout" / "modules-photos.yaml", tmp_path_factory.mktemp("photos"))


# --- reading the PDF back -----------------------------------------------------------------------

def _frames(pdf: Path, article: str, kind: str) -> list[dict]:
    return [f for f in frames_of(pdf)[0] if f["article"] == article and f["kind"] == kind]


def _inside(x: float, y: float, f: dict) -> bool:
    return f["x0"] - EDGE <= x <= f["x1"] + EDGE and f["y0"] - EDGE <= y <= f["y1"] + EDGE


def _chars(pdf: Path) -> list[dict]:
    with pdfplumber.open(pdf) as doc:
        return [c for c in doc.pages[0].chars if c["text"].strip()]


def _in(chars: list[dict], frames: list[dict]) -> list[dict]:
    return [c for c in chars if any(_inside((c["x0"] + c["x1"]) / 2, (c["y0"] + c["y1"]) / 2, f) for f in frames)]


def _column_text(chars: list[dict], frames: list[dict] | None = None) -> str:
    """Chars read as a reader of Chinese horizontal text reads columns: the columns left to right
    (a column: the chars of the frames that start at one x), each top to bottom, each line left
    to right. Without frames, all the chars are one column."""
    columns: dict[int, list[dict]] = {}
    for c in chars:
        x, y = (c["x0"] + c["x1"]) / 2, (c["y0"] + c["y1"]) / 2
        home = next((f for f in frames or () if _inside(x, y, f)), None)
        columns.setdefault(round(home["x0"]) if home else 0, []).append(c)
    out = []
    for key in sorted(columns):
        rows: list[list[dict]] = []
        for c in sorted(columns[key], key=lambda c: (c["top"], c["x0"])):
            if rows and abs(rows[-1][0]["top"] - c["top"]) < 4:
                rows[-1].append(c)
            else:
                rows.append([c])
        out += ["".join(ch["text"] for ch in sorted(row, key=lambda c: c["x0"])) for row in rows]
    return "".join(out)


def _body_text(pdf: Path, article: str, areas: bool = False) -> str:
    """The article's body as read from the PDF: in column order through all its areas, or (``areas``)
    area by area in the order the spec lists them, each in column order."""
    frames = _frames(pdf, article, "body")
    body = _in(_chars(pdf), frames)
    if not areas:
        return _column_text(body, frames)
    return "".join(_column_text(_in(body, [block]), frames) for block in _frames(pdf, article, "block"))


def _article_text(result, article: str) -> str:
    return re.sub(r"\s+", "", "".join(p.text for p in result.articles[article].paragraphs))


# --- irregular modules --------------------------------------------------------------------------

@pytest.mark.parametrize("article", ["mod-leg-left", "mod-leg-right", "mod-men", "mod-ao", "mod-daol"])
def test_irregular_modules_read_in_column_order(shapes, article: str) -> None:
    assert _body_text(shapes.pdf_path, article) == _article_text(shapes, article)


@pytest.mark.parametrize("article, old_order_wrong", [("mod-leg-left", True), ("mod-men", True),
                                                     ("mod-daol", False)])
def test_the_text_runs_straight_down_through_the_turn(shapes, article: str, old_order_wrong: bool) -> None:
    """Where a leg hangs under the block, a column of text runs on from the block into the leg;
    where the leg is not under the last column, reading the areas one after the other (the old
    order: the block, then the leg) would not give the article."""
    pdf = shapes.pdf_path
    block = _frames(pdf, article, "block")[0]
    body = _in(_chars(pdf), _frames(pdf, article, "body"))
    across = [f for f in _frames(pdf, article, "body") if f["y0"] < block["y0"] - EDGE < f["y1"]]
    assert across, "no column of the body runs from the block into a leg"
    for frame in across:
        column = _in(body, [frame])
        assert any(c["y0"] > block["y0"] for c in column) and any(c["y1"] < block["y0"] for c in column)
    assert (_body_text(pdf, article, areas=True) != _article_text(shapes, article)) == old_order_wrong


def test_a_leg_on_the_left_is_read_before_the_block_columns_right_of_it(shapes) -> None:
    """L, leg left: columns 1–2 (block and leg) come before columns 3–4 of the block."""
    pdf = shapes.pdf_path
    text = _article_text(shapes, "mod-leg-left")
    body = _frames(pdf, "mod-leg-left", "body")
    leg_area = _frames(pdf, "mod-leg-left", "block")[1]
    legs = [_column_text([c for c in _in(_chars(pdf), [f])
                          if _inside((c["x0"] + c["x1"]) / 2, (c["y0"] + c["y1"]) / 2, leg_area)]) for f in body]
    legs = [t for t in legs if t]
    right = [f for f in body if f["x0"] > leg_area["x1"]]
    short = _column_text(_in(_chars(pdf), right), body)
    assert len(legs) == 2 and short and all(text.index(leg) < text.index(short) for leg in legs)
    assert text.endswith(short)


def test_order_areas_reads_the_block_then_each_frame(shapes) -> None:
    """凸 with ``order: areas``: the narrow block first, then the wide foot as a band, parted by a
    thin rule; in column order it would not read as the article."""
    pdf = shapes.pdf_path
    assert _body_text(pdf, "mod-tu", areas=True) == _article_text(shapes, "mod-tu")
    assert _body_text(pdf, "mod-tu") != _article_text(shapes, "mod-tu")
    block = _frames(pdf, "mod-tu", "block")[0]
    with pdfplumber.open(pdf) as doc:
        parting = [l for l in doc.pages[0].lines if abs(l["y0"] - l["y1"]) < 0.1
                   and block["x0"] - EDGE <= l["x0"] < l["x1"] <= block["x1"] + EDGE
                   and block["y0"] < l["y0"] < block["y0"] + 14]
    assert parting and all(l["linewidth"] == pytest.approx(0.25) for l in parting)


def test_the_order_does_not_depend_on_how_the_frames_are_listed(tmp_path: Path, shapes) -> None:
    spec = _variant(tmp_path, "modules-shapes.yaml", [(
        "      - {col: 1, cols: 1, line: 36, lines: 11}\n      - {col: 4, cols: 1, line: 36, lines: 11}",
        "      - {col: 4, cols: 1, line: 36, lines: 11}\n      - {col: 1, cols: 1, line: 36, lines: 11}")])
    swapped = build_page(spec, tmp_path / "out")
    assert _body_text(swapped.pdf_path, "mod-men") == _article_text(shapes, "mod-men")
    assert [(l.text, l.x, l.baseline) for l in swapped.page.lines if l.article == "mod-men"] == \
        [(l.text, l.x, l.baseline) for l in shapes.page.lines if l.article == "mod-men"]


# --- photos in modules --------------------------------------------------------------------------

def test_three_photo_cells_and_a_group_each_get_their_photo(photos) -> None:
    images = [(i.path.name, round(i.x), round(i.y), round(i.width)) for i in photos.page.images
              if i.article == "mod-photo-story"]
    names = [n for n, *_ in images]
    # cells in spec order: the first photo; the one named by file (the third); the next (the group)
    assert names == ["module-1.jpg", "module-4.jpg", "module-2.jpg", "module-3.jpg"]
    (_, x1, y1, w1), (_, x2, y2, w2), (_, x3, y3, w3), (_, x4, y4, w4) = images
    column, gutter = 117.0, 9.0
    assert w2 == round(2 * column + gutter) and w3 == w4 == round(column) and y3 == y4  # the group: a row
    assert x4 - (x3 + w3) == pytest.approx(gutter, abs=1)  # side by side, a gutter apart, on the columns
    captions = _frames(photos.pdf_path, "mod-photo-story", "caption")
    assert len(captions) == 3  # one caption for the two pictures of the group
    chars = _chars(photos.pdf_path)
    for n, photo in enumerate(photos.articles["mod-photo-story"].photos):
        printed = re.sub(r"\s+", "", _column_text(_in(chars, [captions[[0, 2, 1][n]]])))
        assert printed == re.sub(r"\s+", "", photo.caption + (photo.credit or ""))


def test_a_stacked_group_takes_whole_lines(photos) -> None:
    boxes = [i for i in photos.page.images if i.article == "mod-photo-group"]
    assert [b.path.name for b in boxes] == ["module-2.jpg", "module-3.jpg"]
    top, bottom = boxes
    assert top.x == bottom.x and top.width == bottom.width and top.y + top.height < bottom.y
    pitch = photos.spec.grid.pitch
    assert ((bottom.y - top.y) / pitch) == pytest.approx(round((bottom.y - top.y) / pitch), abs=1e-6)


def test_nothing_prints_over_a_photo_and_no_rule_crosses_one(photos, shapes) -> None:
    for result in (photos, shapes):
        pdf = result.pdf_path
        frames = frames_of(pdf)[0]
        pictures = [f for f in frames if f["kind"] == "photo"]
        assert pictures
        chars = _chars(pdf)
        assert not [c["text"] for c in chars if any(_strictly_inside(c, f) for f in pictures)]
        with pdfplumber.open(pdf) as doc:
            lines = doc.pages[0].lines
        for f in pictures:
            crossing = [l for l in lines if _crosses(l, f)]
            assert not crossing, (f["article"], crossing[:1])


def _strictly_inside(c: dict, f: dict) -> bool:
    return f["x0"] + EDGE < (c["x0"] + c["x1"]) / 2 < f["x1"] - EDGE and \
        f["y0"] + EDGE < (c["y0"] + c["y1"]) / 2 < f["y1"] - EDGE


def _crosses(line: dict, f: dict) -> bool:
    """Does a drawn rule run through the inside of frame ``f``?"""
    return min(line["x1"], f["x1"] - EDGE) > max(line["x0"], f["x0"] + EDGE) - 0.01 and \
        min(line["y1"], f["y1"] - EDGE) > max(line["y0"], f["y0"] + EDGE) - 0.01


def test_a_photo_only_module_has_photo_and_caption_and_nothing_else(shapes, photos) -> None:
    for result in (shapes, photos):
        pdf = result.pdf_path
        article = result.articles["mod-photo-news"]
        assert article.title == "" and not article.paragraphs
        assert _frames(pdf, "mod-photo-news", "headline") == [] and _frames(pdf, "mod-photo-news", "body") == []
        assert len(_frames(pdf, "mod-photo-news", "photo")) == 1
        block = _frames(pdf, "mod-photo-news", "block")[0]
        # inside it, clear of the rule line at its foot: no column rule
        inner = dict(block, x0=block["x0"] + 5, x1=block["x1"] - 5, y0=block["y0"] + 14, y1=block["y1"] - 5)
        with pdfplumber.open(pdf) as doc:
            assert not [l for l in doc.pages[0].lines if _crosses(l, inner)]
        printed = _column_text(_in(_chars(pdf), _frames(pdf, "mod-photo-news", "caption")))
        assert printed == re.sub(r"\s+", "", article.photos[0].caption + article.photos[0].credit)


def test_headline_only_items_print_their_headline(shapes) -> None:
    for name in ("mod-headline-only", "mod-headline-only-2"):
        heads = [l for l in shapes.page.lines if l.article == name]
        assert heads and {l.role for l in heads} <= {"kicker", "title", "subtitle"}
        assert not _frames(shapes.pdf_path, name, "body")


def test_a_module_rules_its_own_weights(photos, shapes) -> None:
    """rules: on an entry: the 图片新闻's rule beside it is 1.5 pt; the boxed brief has no column rules."""
    block = _frames(photos.pdf_path, "mod-photo-news", "block")[0]
    with pdfplumber.open(photos.pdf_path) as doc:
        beside = [l for l in doc.pages[0].lines if abs(l["x0"] - l["x1"]) < 0.1 and 0 < l["x0"] - block["x1"] < 9
                  and block["y0"] - 7.5 <= l["y0"] < l["y1"] <= block["y1"] + 7.5]  # on to the rules it meets
    assert beside and {round(l["linewidth"], 2) for l in beside} == {1.5}
    brief = _frames(shapes.pdf_path, "mod-brief", "block")[0]
    inner = dict(brief, x0=brief["x0"] + 5, x1=brief["x1"] - 5, y0=brief["y0"] + 14, y1=brief["y1"] - 5)
    with pdfplumber.open(shapes.pdf_path) as doc:
        assert not [l for l in doc.pages[0].lines if _crosses(l, inner)]
    assert len(_body_text(shapes.pdf_path, "mod-brief")) == len(_article_text(shapes, "mod-brief"))


# --- junctions ----------------------------------------------------------------------------------

def test_credits_are_never_broken(photos, shapes) -> None:
    """Every credit prints whole on one line: after its caption, or on a line of its own."""
    for result in (photos, shapes):
        pdf = result.pdf_path
        chars = _chars(pdf)
        for name in {a.article for a in result.spec.articles}:
            captions = _frames(pdf, name, "caption")
            for photo, frame in zip(_placed(result, name), captions):
                if not photo.credit:
                    continue
                rows = _rows(_in(chars, [frame]))
                credit = photo.credit.replace(" ", "")
                assert any(credit in row for row in rows), (name, rows)
                last_caption = next(row for row in rows if photo.caption.replace(" ", "")[-2:] in row)
                assert rows.index(last_caption) >= len(rows) - 2


def _placed(result, name: str):
    from pagesetter.flow.cells import assign_photos

    entry = next(a for a in result.spec.articles if a.article == name)
    return [photo for _, photo in assign_photos(entry, result.articles[name])[0] if photo is not None]


def _rows(chars: list[dict]) -> list[str]:
    rows: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if rows and abs(rows[-1][0]["top"] - c["top"]) < 4:
            rows[-1].append(c)
        else:
            rows.append([c])
    return ["".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])) for row in rows]


def test_a_credit_that_does_not_fit_stands_flush_right_and_the_caption_is_not_spread(photos) -> None:
    pdf = photos.pdf_path
    frame = _frames(pdf, "mod-lead-turn", "caption")[0]
    rows = [[c for c in _in(_chars(pdf), [frame]) if abs(c["top"] - top) < 4]
            for top in sorted({round(c["top"]) for c in _in(_chars(pdf), [frame])})]
    rows = [r for r in rows if r]
    credit_row = rows[-1]
    assert "".join(c["text"] for c in sorted(credit_row, key=lambda c: c["x0"])) == "摄影本报记者王强实习生陈思远"
    assert max(c["x1"] for c in credit_row) == pytest.approx(frame["x1"], abs=0.6)  # flush right
    short = [c for c in _in(_chars(pdf), [_frames(pdf, "mod-photo-story", "caption")[1]])]
    first = sorted([c for c in short if abs(c["top"] - min(s["top"] for s in short)) < 4], key=lambda c: c["x0"])
    gaps = [b["x0"] - a["x1"] for a, b in zip(first, first[1:])]
    assert max(gaps) < 0.3 * first[0]["size"]  # the caption's one line is set tight, not spread


def test_a_credit_on_its_own_line_keeps_half_em_spaces(photos) -> None:
    """A credit on a line of its own is set as one after its caption is: each space between its
    words a half em (半字空), not widened to a headline's clause break (an em)."""
    pdf = photos.pdf_path
    frame = _frames(pdf, "mod-lead-turn", "caption")[0]
    chars = _in(_chars(pdf), [frame])
    last = max(round(c["top"]) for c in chars)
    row = sorted([c for c in chars if abs(c["top"] - last) < 4], key=lambda c: c["x0"])
    assert "".join(c["text"] for c in row) == "摄影本报记者王强实习生陈思远"
    size = row[0]["size"]
    gaps = [b["x0"] - a["x1"] for a, b in zip(row, row[1:])]
    wide = sorted(g for g in gaps if g > 0.25 * size)
    assert len(wide) == 4 and all(g == pytest.approx(size / 2, abs=0.3) for g in wide), (gaps, size)


def test_at_the_turn_the_caption_keeps_off_the_rule_and_the_leg_keeps_a_standoff(photos) -> None:
    pdf = photos.pdf_path
    caption = _frames(pdf, "mod-lead-turn", "caption")[0]
    block = _frames(pdf, "mod-lead-turn", "block")[0]
    pitch = photos.spec.grid.pitch
    with pdfplumber.open(pdf) as doc:
        rules = [l for l in doc.pages[0].lines if abs(l["y0"] - l["y1"]) < 0.1
                 # (a rule may run half a gutter on, to meet the side rule of the module beside)
                 and block["x0"] - 6 <= l["x0"] and l["x1"] <= block["x1"] + 6 and abs(l["y0"] - block["y0"] - pitch / 2) < 1]
    assert rules  # the rule under the block's first column, on its last line
    printed = _in(_chars(pdf), [caption])
    lowest = min(c["y0"] for c in printed)
    assert all(lowest - r["y0"] > pitch / 2 for r in rules)  # a whole line above the rule
    assert all(r["x1"] <= caption["x0"] + 117 + 6 for r in rules)  # only under the column with no leg (to the leg's rule)
    leg_text = [c for c in _in(_chars(pdf), _frames(pdf, "mod-lead-turn", "body"))
                if caption["x0"] + 120 < c["x0"] < caption["x1"] and c["y1"] < caption["y0"]]
    assert leg_text and caption["y0"] - max(c["y1"] for c in leg_text) > pitch  # a blank line under the caption


# --- line: after --------------------------------------------------------------------------------

def test_line_after_puts_the_photo_under_the_headline(photos) -> None:
    for name in ("mod-photo-story", "mod-lead-turn"):
        head = _frames(photos.pdf_path, name, "headline")[0]
        picture = _frames(photos.pdf_path, name, "photo")[0]
        assert 0 < head["y0"] - picture["y1"] < photos.spec.grid.pitch / 2  # the next line, em-box inset


def test_line_after_follows_a_headline_that_wraps_deeper(tmp_path: Path, photos) -> None:
    longer = "title: 从一粒种子到一碗米饭 记者跟随农技员走进稻田的一百天 看一季水稻如何长成"
    spec = _variant(tmp_path, "modules-photos.yaml", [], {"mod-photo-story.md": [(
        "title: 从一粒种子到一碗米饭 记者跟随农技员走进稻田的一百天", longer)]})
    deeper = build_page(spec, tmp_path / "out", allow_overset=True)
    head = _frames(deeper.pdf_path, "mod-photo-story", "headline")[0]
    picture = _frames(deeper.pdf_path, "mod-photo-story", "photo")[0]
    was = _frames(photos.pdf_path, "mod-photo-story", "headline")[0]
    assert head["y0"] < was["y0"] - deeper.spec.grid.pitch  # the headline is deeper by a line or more
    assert 0 < head["y0"] - picture["y1"] < deeper.spec.grid.pitch / 2  # and the photo moved down with it
    # a cell counted from the block top, where the first headline ended, is run over by the deeper one
    fixed = _variant(tmp_path / "fixed", "modules-photos.yaml",
                     [("{col: 1, cols: 4, line: after, lines: 14}", "{col: 1, cols: 4, line: 8, lines: 14}")],
                     {"mod-photo-story.md": [("title: 从一粒种子到一碗米饭 记者跟随农技员走进稻田的一百天", longer)]})
    with pytest.raises(InputError, match="prints over its photo"):
        build_page(fixed, tmp_path / "out2", allow_overset=True)


# --- what stops the build -----------------------------------------------------------------------

@pytest.mark.parametrize("edit, message", [
    (("      - {col: 3, cols: 2, line: 25, lines: 9}\n", ""),
     r"photo module-2\.jpg of 'mod-photo-story' is not placed: its entry .* has 2 photo cells for 3 photos"),
    (("file: photos/module-4.jpg}", "file: photos/module-9.jpg}"),
     r"photo cell takes 'photos/module-9\.jpg', which 'mod-photo-story' does not list \(its photos: module-1\.jpg"),
    (("photo: {col: 1, cols: 3, line: after, lines: 13}", "photo: {col: 1, cols: 3, line: after+1, lines: 13}"),
     r"photo cell of 'mod-lead-turn' takes the block's last line .* holds the rule under the block"),
    (("photo: {col: 1, cols: 3, line: after, lines: 13}", "photo: {col: 1, cols: 3, line: after+3, lines: 13}"),
     r"photo cell of 'mod-lead-turn' runs past its block"),
    (("photo: {col: 1, cols: 3, line: after, lines: 13}", "photo: {col: 1, cols: 3, line: later, lines: 13}"),
     r"photo line must be a line number of the block \(from 1\), 'after'"),
    (("    photo: {col: 1, cols: 4, line: 1, lines: 22}\n", "    photo: {col: 1, cols: 4, line: 1, lines: 22}\n"
      "    photos: [{col: 1, cols: 4, line: 1, lines: 22}]\n"), r"give either 'photo:' \(one cell\) or 'photos:'"),
])
def test_what_a_plant_would_get_wrong_stops_the_build(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    spec = _variant(tmp_path, "modules-photos.yaml", [edit])
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", str(spec), "-o", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    assert run.returncode == 1, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and re.search(message, lines[0]) and "Traceback" not in run.stderr, lines
    assert re.match(r"pagesetter: error: [\w./-]+\.(yaml|md):\d+:\d+: ", lines[0]), lines[0]
    assert not (tmp_path / "out" / "modules-photos.pdf").exists()


@pytest.mark.parametrize("front, message", [
    ("photos:\n  - file: photos/module-1.jpg\n    files: [photos/module-2.jpg]\n    caption: 说明\n",
     "either 'file: …' .* not both"),
    ("photos:\n  - caption: 说明\n", "either 'file: …' .* not neither"),
    ("photos:\n  - files: []\n    caption: 说明\n", "files must be a list of picture files"),
])
def test_photo_entries_in_front_matter(tmp_path: Path, front: str, message: str) -> None:
    from pagesetter.content.reader import read_article

    article = tmp_path / "content" / "x.md"
    article.parent.mkdir()
    shutil.copytree(PAGES / "content" / "photos", tmp_path / "content" / "photos")
    article.write_text(f"---\n{front}---\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_article(article, tmp_path)


def test_a_body_without_a_title_still_needs_one(tmp_path: Path) -> None:
    from pagesetter.content.reader import read_article

    article = tmp_path / "x.md"
    shutil.copytree(PAGES / "content" / "photos", tmp_path / "photos")
    article.write_text("---\nphotos:\n  - file: photos/module-1.jpg\n    caption: 说明\n---\n\n正文一段。\n",
                       encoding="utf-8")
    with pytest.raises(InputError, match="needs a title"):
        read_article(article, tmp_path)


def test_the_module_pages_pass_check_and_preflight(shapes, photos) -> None:
    for result in (shapes, photos):
        for command in ("check", "preflight"):
            run = subprocess.run([sys.executable, "-m", "pagesetter", command, str(result.pdf_path)],
                                 capture_output=True, text=True, timeout=300)
            assert run.returncode == 0, (command, result.pdf_path.name, run.stdout[-800:], run.stderr[-800:])


# --- a project of its own to break ---------------------------------------------------------------

def _variant(dest: Path, name: str, edits: list[tuple[str, str]],
             content: dict[str, list[tuple[str, str]]] | None = None) -> Path:
    """A copy of a module test page and its content in ``dest``, with ``edits`` made to the spec
    (each must apply) and to the named articles; the style sheet and fonts stay where they are."""
    (dest / "layout").mkdir(parents=True)
    shutil.copytree(PAGES / "content", dest / "content", ignore=shutil.ignore_patterns("torture", "colour"))
    text = (PAGES / "layout" / name).read_text(encoding="utf-8").replace("../../../", f"{ROOT.as_posix()}/")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    text += f"allow_outside: [{ROOT.as_posix()}/layout/styles, {ROOT.as_posix()}/fonts]\n"
    spec = dest / "layout" / name
    spec.write_text(text, encoding="utf-8")
    for article, changes in (content or {}).items():
        path = dest / "content" / article
        body = path.read_text(encoding="utf-8")
        for old, new in changes:
            assert old in body, old
            body = body.replace(old, new, 1)
        path.write_text(body, encoding="utf-8")
    return spec


def test_a_credit_wider_than_its_cell_breaks_only_between_its_phrases() -> None:
    from pagesetter.build import load_inputs
    from pagesetter.flow.article import caption_lines
    from pagesetter.fonts.face import FaceSet

    spec, manifest, _, _ = load_inputs(PAGES / "layout" / "modules-photos.yaml")
    faces = FaceSet(manifest)
    credit = "摄影 本报记者 王强 通讯员 李晓明 实习生 欧阳文博 陈思远"
    width = spec.grid.column_width
    lines, _ = caption_lines("▲六月二十八日，学生参加毕业典礼。", credit, spec.styles["caption"],
                             spec.styles["credit"], width, faces)
    caption = "".join(l.text for l in lines).replace(" ", "")
    assert caption == ("▲六月二十八日，学生参加毕业典礼。" + credit).replace(" ", "")
    credit_lines = [l.text.strip() for l in lines[-3:]]
    phrases = credit.split(" ")
    assert " ".join(credit_lines) == credit and all(set(l.split(" ")) <= set(phrases) for l in credit_lines)
    assert all(max(g.x + g.size for g in l.glyphs) <= width + 0.1 for l in lines)  # flush right, inside


def test_auto_refuses_an_article_with_several_photos(tmp_path: Path) -> None:
    spec = _variant(tmp_path, "modules-photos.yaml", [(
        "articles:\n", "auto: {line: 48, articles: [mod-photo-story]}\narticles:\n")])
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text[:text.index("  # The photo story")] + text[text.index("  # The L:"):], encoding="utf-8")
    with pytest.raises(InputError, match="auto places one photo per article, and 'mod-photo-story' has 3"):
        build_page(spec, tmp_path / "out")


def test_a_photo_only_module_warns_of_no_wedged_line(photos) -> None:
    """The white line under a 图片新闻's photo holds no text: no 'single body line is wedged' warning
    (it was given, as for a module with a body)."""
    wedged = [w for w in photos.warnings if "wedged" in w.message]
    assert not wedged, wedged


def test_a_photo_cell_stands_in_an_ls_leg(tmp_path: Path) -> None:
    """Issue 17: a photo cell could only be counted in the block, so a picture in an L's leg was
    impossible ("runs past its block"). `frame: 1` counts the cell in the entry's first frame: read
    from the PDF, the picture and its caption stand inside the leg, the body's text keeps off them
    and still reads in order through block and leg."""
    spec = _variant(tmp_path, "modules-photos.yaml", [(
        "photo: {col: 1, cols: 3, line: after, lines: 13}", "photo: {frame: 1, col: 1, cols: 3, line: 3, lines: 8}")])
    built = build_page(spec, tmp_path / "out", allow_overset=True)
    pdf = built.pdf_path
    leg = _frames(pdf, "mod-lead-turn", "block")[1]
    picture = _frames(pdf, "mod-lead-turn", "photo")[0]
    caption = _frames(pdf, "mod-lead-turn", "caption")[0]
    for f in (picture, caption):
        assert leg["x0"] - EDGE <= f["x0"] and f["x1"] <= leg["x1"] + EDGE, (f, leg)
        assert leg["y0"] - EDGE <= f["y0"] and f["y1"] <= leg["y1"] + EDGE, (f, leg)
    assert picture["y0"] > leg["y0"] + 2 * built.spec.grid.pitch - EDGE  # from the leg's third line
    body = _in(_chars(pdf), _frames(pdf, "mod-lead-turn", "body"))
    assert body and not _in(body, [picture, caption])
    text = _body_text(pdf, "mod-lead-turn")
    assert text and _article_text(built, "mod-lead-turn").startswith(text)


def test_a_frame_cell_without_frames_says_so(tmp_path: Path) -> None:
    spec = _variant(tmp_path, "modules-photos.yaml", [(
        "photo: {col: 1, cols: 4, line: 1, lines: 22}", "photo: {frame: 1, col: 1, cols: 4, line: 1, lines: 22}")])
    with pytest.raises(InputError, match="'frame:' places the cell in one of the entry's 'frames:', and this "
                                         "entry has none"):
        build_page(spec, tmp_path / "out")


PHOTO_STORY = """    block: {col: 1, cols: 4, line: 4, lines: 44}
    photos:
      - {col: 1, cols: 4, line: after, lines: 14}
      - {col: 1, cols: 2, line: 25, lines: 9, file: photos/module-4.jpg}
      - {col: 3, cols: 2, line: 25, lines: 9}
"""
# the photo story with a first cell that fitting cannot change (a full-depth picture down column 4:
# no deeper, and shallower only leaves more white) and copy two lines short of the rest
PHOTO_STORY_SHORT = """    block: {col: 1, cols: 4, line: 4, lines: 44}
    headline: {cols: 3}
    photos:
      - {col: 4, cols: 1, line: 1, lines: 43}
      - {col: 1, cols: 3, line: after, lines: 12}
      - {col: 1, cols: 3, line: 26, lines: 6}
"""


def test_fitting_deepens_any_photo_cell_not_only_the_first(tmp_path: Path) -> None:
    """Issue 17: fitting tried depths of the first photo cell only; a module whose first cell could
    not change stayed underset ("no change within the fit bounds helps") though its other cells
    could take the lines. Now each cell (a row of cells side by side together) is tried: read from
    the PDF, the first picture keeps its depth, a later one is two lines deeper, and the module
    is full."""
    plain = build_page(_variant(tmp_path / "a", "modules-photos.yaml", [(PHOTO_STORY, PHOTO_STORY_SHORT)]),
                       tmp_path / "a" / "out")
    assert any(w.kind == "underset" and "mod-photo-story" in str(w) for w in plain.warnings)
    fitted = build_page(_variant(tmp_path / "b", "modules-photos.yaml", [(
        PHOTO_STORY, PHOTO_STORY_SHORT + "    fit: {photo_lines: [-4, 4]}\n")]), tmp_path / "b" / "out")
    said = [str(w) for w in fitted.warnings if "mod-photo-story" in str(w)]
    notes = [s for s in said if "fitted:" in s]
    assert len(notes) == 1 and re.search(r"fitted: 'mod-photo-story': photo [23] \+2 lines", notes[0]), said
    # the white foot is filled; what may stay is a ragged last column, which no photo depth mends
    assert not any("white for" in s for s in said), said
    pitch = fitted.spec.grid.pitch

    def depths(built) -> list[float]:
        return [round(f["y1"] - f["y0"], 1) for f in sorted(_frames(built.pdf_path, "mod-photo-story", "photo"),
                                                           key=lambda f: (f["x0"] > 300, f["y0"]))]
    before, after = depths(plain), depths(fitted)
    assert len(before) == len(after) >= 3
    assert after[-1] == before[-1]  # the full-depth picture down column 4 (rightmost) is as it was
    grown = [b - a for a, b in zip(before, after) if abs(b - a) > 0.1]
    assert grown and all(g == pytest.approx(2 * pitch, abs=0.2) for g in grown), (before, after)
