"""The shipped 头版 (layout/front-page.yaml, content/front-page/), built as a user builds it and
read back from the PDF: a clean build (exit 0, nothing on stderr), `check` and `preflight` clean,
every article's text in reading order, the L lead read down its long columns first, the
masthead's date line, no module over another, the photo story's two pictures.

Two builds for the whole file: the command line's (exit status, stderr, the PDF the other
commands check) and one in process (the page tree the collision check reads)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import run_uncached

from pagesetter.build import build_page
from pagesetter.flow.collisions import collisions
from tests.test_modules import _article_text, _body_text, _chars, _column_text, _frames, _in, _inside, _rows

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "layout" / "front-page.yaml"


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("front-cli")
    return run_uncached("build", str(SPEC), "-o", str(out)), out / "front-page.pdf"


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory):
    return build_page(SPEC, tmp_path_factory.mktemp("front"))


def test_it_builds_clean_and_passes_check_and_preflight(cli) -> None:
    run, pdf = cli
    assert run.returncode == 0, run.stderr
    # no underset, no low-resolution photo, no problem, no warning: the lead's 常通航。 (no fit
    # bounds, no line to spare) is kept from its column's head by rebreaking two paragraphs (flow/fit.py)
    assert run.stderr == "", run.stderr
    assert "preflight: PASS: 0 errors, 0 warnings" in run.stdout
    check = run_uncached("check", str(pdf))
    assert check.returncode == 0, check.stdout + check.stderr
    preflight = run_uncached("preflight", str(pdf))
    assert preflight.returncode == 0, preflight.stdout + preflight.stderr


def test_the_in_process_build_has_no_warning(front) -> None:
    # (the fitting note says which paragraphs the lead's make-up rebroke: tests/test_widow_fit.py)
    assert [str(w) for w in front.warnings if w.kind not in ("note", "fitted")] == []


def test_every_article_reads_in_order(front) -> None:
    """Each module's body, read from the PDF column by column through all its areas, is its
    article; the ears' too."""
    pdf = front.pdf_path
    bodies = [a for a in front.articles if front.articles[a].paragraphs]
    assert set(bodies) == {"daodu", "weather", "lead", "levee", "night-market", "comment", "jobs",
                           "summer-care", "briefs"}
    for name in bodies:
        assert _body_text(pdf, name) == _article_text(front, name), name


def test_headlines_print_whole(front) -> None:
    for name, article in front.articles.items():
        for role in ("kicker", "title", "subtitle", "byline"):
            text = getattr(article, role)
            if text:
                printed = "".join(l.text for l in front.page.lines if l.article == name and l.role == role)
                assert re.sub(r"\s+", "", printed) == re.sub(r"\s+", "", text), (name, role)


def test_the_l_lead_reads_down_its_long_columns_first(front) -> None:
    """The lead is an L with its leg under columns 1–2: column 1 runs from the block into the leg,
    then column 2 does; read area by area (the block, then the leg) the text would be wrong."""
    pdf = front.pdf_path
    text = _article_text(front, "lead")
    block, leg = _frames(pdf, "lead", "block")
    frames = _frames(pdf, "lead", "body")
    body = _in(_chars(pdf), frames)

    def column(c: dict) -> int:
        return next(round(f["x0"]) for f in frames if _inside((c["x0"] + c["x1"]) / 2, (c["y0"] + c["y1"]) / 2, f))
    columns = sorted({column(c) for c in body})
    assert len(columns) == 2  # the photo fills the short columns 3–6 down to the rule
    first, second = ([c for c in body if column(c) == k] for k in columns)
    leg_of_first = _column_text([c for c in first if c["top"] > leg["y0"] - 1 and
                                 _inside((c["x0"] + c["x1"]) / 2, (c["y0"] + c["y1"]) / 2, leg)])
    block_of_second = _column_text([c for c in second if c["top"] < leg["y0"]])
    assert leg_of_first and block_of_second
    assert text.index(leg_of_first) < text.index(block_of_second)
    assert _body_text(pdf, "lead", areas=True) != text


def test_the_lead_headline_is_the_biggest_type(front) -> None:
    """Of the articles' headlines (the paper's name is no headline) the lead's 主题 is the biggest."""
    sizes: dict[tuple[str, str], float] = {}
    for line in front.page.lines:
        if line.article in front.articles and line.role in ("title", "kicker", "subtitle") and line.glyphs:
            key = (line.article, line.role)
            sizes[key] = max(sizes.get(key, 0.0), *(g.size for g in line.glyphs))
    lead = sizes.pop(("lead", "title"))
    assert len(sizes) > 10 and all(size < lead for size in sizes.values())


def test_the_masthead_date_line(front) -> None:
    rows = _rows(_in(_chars(front.pdf_path), _frames(front.pdf_path, "masthead", "info")))
    assert "2026年7月1日星期三农历丙午年五月十七" in rows
    assert "第181期总第24680期今日12版" in rows
    assert "国内统一连续出版物号CN42-0031邮发代号37-1" in rows
    assert rows[-1] == "江城日报社出版"
    name = _rows(_in(_chars(front.pdf_path), _frames(front.pdf_path, "masthead", "name")))
    assert name == ["江城日报"]


def test_no_module_is_set_over_another(front) -> None:
    assert collisions(front.page, front.spec) == []
    blocks = [(f.article, f) for f in front.page.frames if f.kind == "block"]
    for i, (a, f) in enumerate(blocks):
        for b, g in blocks[i + 1:]:
            if a != b:
                overlap_x = min(f.x + f.width, g.x + g.width) - max(f.x, g.x)
                overlap_y = min(f.y + f.height, g.y + g.height) - max(f.y, g.y)
                assert overlap_x <= 0.6 or overlap_y <= 0.6, (a, b)


def test_the_photo_story_has_two_pictures_each_with_its_caption(front) -> None:
    pictures = [i for i in front.page.images if i.article == "night-market"]
    assert [p.path.name for p in pictures] == ["market-street.jpg", "market-stall.jpg"]
    assert pictures[0].y == pictures[1].y and pictures[0].x + pictures[0].width < pictures[1].x
    captions = _frames(front.pdf_path, "night-market", "caption")
    assert len(captions) == 2
    for photo, frame in zip(front.articles["night-market"].photos, captions):
        printed = re.sub(r"\s+", "", _column_text(_in(_chars(front.pdf_path), [frame])))
        assert printed == re.sub(r"\s+", "", photo.caption + (photo.credit or ""))


def test_the_photo_news_is_a_picture_and_its_caption(front) -> None:
    lotus = front.articles["lotus"]
    assert lotus.title == "" and not lotus.paragraphs
    assert [i.path.name for i in front.page.images if i.article == "lotus"] == ["lotus.jpg"]
    assert not _frames(front.pdf_path, "lotus", "headline")


def test_the_whole_page_is_used(front) -> None:
    """Blocks tile the type area under the masthead: every grid cell of it belongs to one module
    (and the ears take the masthead's sides)."""
    spec = front.spec
    taken = set()
    for entry in spec.articles:
        for area in entry.areas:
            cells = {(c, l) for c in range(area.col, area.right) for l in range(area.top, area.bottom)}
            assert not cells & taken, entry.article
            taken |= cells
    # Rect counts from 0: the masthead holds lines 0–14, the articles start on line 15
    below = {(c, l) for c in range(spec.grid.columns) for l in range(15, spec.grid.lines)}
    assert below <= taken and all(l >= 15 or c in (0, 1, 6, 7) for c, l in taken)


def test_a_vertical_title_too_wide_for_its_column_says_why(tmp_path: Path) -> None:
    """A new user's first try (the title at 初号 in one column) is overset: the line says the
    columns are too wide together, each its style's leading, and what to change."""
    from tests.conftest import copy_project

    project = copy_project(tmp_path / "project")
    spec = project / "layout" / "front-page.yaml"
    text = spec.read_text(encoding="utf-8")
    assert "    size: 小初\n    leading: 40pt\n" in text
    spec.write_text(text.replace("    size: 小初\n    leading: 40pt\n", "    size: 初号\n"), encoding="utf-8")
    run = run_uncached("build", "layout/front-page.yaml", "-q", cwd=project)
    assert run.returncode == 3, run.stderr
    # the columns that fit are set (cut at the area), those that do not are overset: fewer than its 4
    assert re.search(r"layout/front-page.yaml:\d+:\d+: levee: \d+ characters in (?:1 line|[23] lines) of the "
                     r"vertical headline: its 4 columns, each its "
                     r"style's leading wide, take 1\d\d pt, its 1 column 117 pt; give it more cols or a "
                     r"smaller size or leading", run.stderr), run.stderr
    assert "Traceback" not in run.stderr


def test_spaces_between_chinese_keep_their_width_in_justified_lines(front) -> None:
    """本报讯（记者 林涛 通讯员 王卫东）: each space the copy puts between Chinese is a half em
    (半字空) on every line, the line's stretch shared with the gaps between characters; it is not
    a Latin word space that takes the stretch first (it was 0.75 em on the lead's first line)."""
    pdf = front.pdf_path
    frames = _frames(pdf, "lead", "body")
    first = min(frames, key=lambda f: (f["x0"], -f["y1"]))
    chars = sorted(_in(_chars(pdf), [first]), key=lambda c: (round(c["top"]), c["x0"]))
    rows = _rows(chars)
    assert rows[0].startswith("本报讯（记者林涛通讯") and rows[1].startswith("员王卫东）")
    for n in (0, 1):
        row = sorted([c for c in chars if abs(c["top"] - sorted({c["top"] for c in chars})[n]) < 1],
                     key=lambda c: c["x0"])
        size = row[0]["size"]
        gaps = [(b["x0"] - a["x1"]) / size for a, b in zip(row, row[1:])]
        han = sorted(g for g in gaps if g < 0.3)
        spaces = [g for g in gaps if g >= 0.3]
        assert spaces and all(abs(g - 0.5 - 2 * han[len(han) // 2]) < 0.05 for g in spaces), (rows[n], gaps)


def test_the_briefs_take_their_entrys_subhead_style(front) -> None:
    """`subhead: brief-head` on the 简讯 entry: its 小标题 in bold 黑体 flush left, the page's own
    `subhead` style (centred 黑体) left as it is for every other article."""
    heads = [l for l in front.page.lines if l.article == "briefs" and l.role == "subhead"]
    assert [l.text for l in heads][:2] == ["江城读书节开幕", "地铁三号线南延段完成铺轨"]
    body = _frames(front.pdf_path, "briefs", "body")[0]
    chars = _in(_chars(front.pdf_path), [body])
    rows = {}
    for c in chars:
        rows.setdefault(round(c["top"]), []).append(c)
    for line in heads:
        row = next(sorted(r, key=lambda c: c["x0"]) for r in rows.values()
                   if "".join(c["text"] for c in sorted(r, key=lambda c: c["x0"])) == line.text)
        assert all("NotoSansCJKsc-Bold" in c["fontname"] for c in row)
        assert row[0]["x0"] == pytest.approx(body["x0"], abs=0.6)  # flush left
    assert front.spec.styles["subhead"].align == "center"


def test_an_unknown_subhead_style_is_one_located_line(tmp_path: Path) -> None:
    from tests.conftest import copy_project

    project = copy_project(tmp_path / "project")
    spec = project / "layout" / "front-page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("    subhead: brief-head\n", "    subhead: brief-hed\n"),
                    encoding="utf-8")
    run = run_uncached("build", "layout/front-page.yaml", "-q", cwd=project)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 1 and len(lines) == 1, run.stderr
    assert re.match(r"pagesetter: error: layout/front-page\.yaml:\d+:14: .*brief-hed", lines[0]), lines[0]


def test_boxes_stand_inside_the_type_area_in_line_with_the_rules(front) -> None:
    """A boxed module at the type area's edge (the 短评, the weather ear) had its frame half a gutter
    outside its columns: 4.5 pt past the type area and past the end of the rules above it. Read from
    the PDF: every stroked rectangle (a box's frame) lies within the type area's width."""
    import pdfplumber

    from pagesetter.spec.loader import load_spec

    spec = load_spec(SPEC)
    left, right = spec.margin_left, spec.margin_left + spec.grid.width
    with pdfplumber.open(front.pdf_path) as pdf:
        page = pdf.pages[0]
        trim_left = float(page.trimbox[0]) if page.trimbox else 0.0
        boxes = [r for r in page.rects if r["stroke"] and r["width"] > 50 and r["height"] > 50]
    assert len(boxes) >= 2, "the 短评 and the weather ear are boxed"
    for r in boxes:
        x0, x1 = r["x0"] - trim_left, r["x1"] - trim_left
        assert left - 0.6 <= x0 and x1 <= right + 0.6, (x0, x1, left, right)


def _spec():
    from pagesetter.spec.loader import load_spec

    return load_spec(SPEC)


def _module(spec, name: str):
    return next(a for a in spec.articles if a.article == name)


def _inked(rules, x: float, y: float, role: str = "article") -> bool:
    """Is the point (x, y) under a rule of ``role`` (a stroked line, butt ends, its width across)?"""
    for r in rules:
        if r.role != role:
            continue
        h = r.width / 2
        if r.y1 == r.y2 and min(r.x1, r.x2) - 0.01 <= x <= max(r.x1, r.x2) + 0.01 and abs(y - r.y1) <= h + 0.01:
            return True
        if r.x1 == r.x2 and min(r.y1, r.y2) - 0.01 <= y <= max(r.y1, r.y2) + 0.01 and abs(x - r.x1) <= h + 0.01:
            return True
    return False


def test_the_l_leads_outline_rule_is_unbroken_at_its_corners(front) -> None:
    """Issue 17: the 1 pt rule round the L lead stopped and restarted where block meets leg (a gap
    of several points). Walked along the outline from the page tree, every point is under the
    lead's rule, and no rule runs past a corner by more than half the other's width."""
    from pagesetter.flow.geometry import PageGeometry

    spec = _spec()
    geo = PageGeometry(spec)
    grid = spec.grid
    lead = _module(spec, "lead")
    block, leg = lead.block, lead.frames[0]
    w = lead.rules.article
    xr = geo.col_left(block.right) - grid.gutter / 2  # the block's right side
    xl = geo.col_left(leg.right) - grid.gutter / 2  # the leg's right side
    yb = geo.line_top(block.bottom - 1) + grid.pitch / 2  # the block's foot, over columns 3–6
    yl = geo.line_top(leg.bottom - 1) + grid.pitch / 2  # the leg's foot
    path = [(xr, geo.line_top(block.top) + 1), (xr, yb), (xl, yb), (xl, yl), (geo.col_left(leg.col) + 1, yl)]
    rules = [r for r in front.page.rules if abs(r.width - w) < 0.01]
    for (x1, y1), (x2, y2) in zip(path, path[1:]):
        n = int(max(abs(x2 - x1), abs(y2 - y1)) / 0.25)
        for k in range(n + 1):
            x, y = x1 + (x2 - x1) * k / n, y1 + (y2 - y1) * k / n
            assert _inked(rules, x, y), f"gap in the lead's outline rule at ({x:.2f}, {y:.2f})"
    for x, y in path[1:4]:  # the three corners
        for r in rules:
            if r.y1 == r.y2 and abs(r.y1 - y) < 0.01:
                assert not (min(r.x1, r.x2) < x - w / 2 - 0.01 and max(r.x1, r.x2) > x + w / 2 + 0.01), r
            if r.x1 == r.x2 and abs(r.x1 - x) < 0.01:
                assert not (min(r.y1, r.y2) < y - w / 2 - 0.01 and max(r.y1, r.y2) > y + w / 2 + 0.01), r


def test_a_box_replaces_its_neighbours_rules_along_its_sides(front) -> None:
    """Issue 17: the boxed 短评 had a neighbour's rule in the gutter beside its frame and
    another's foot rule over it, each about 1 mm from the double frame: three parallel lines. Read
    from the PDF: no line runs along a box's side within a gutter of it."""
    import pdfplumber

    spec = _spec()
    grid = spec.grid
    with pdfplumber.open(front.pdf_path) as pdf:
        page = pdf.pages[0]
        boxes = [r for r in page.rects if r["stroke"] and r["width"] > 50 and r["height"] > 50]
        # the masthead's rules run the type area's full width under the ears: the masthead's own
        lines = [ln for ln in page.lines if ln.get("linewidth", 0) >= 0.4 and ln["x1"] - ln["x0"] < grid.width - 1]
    assert boxes
    for b in boxes:
        for ln in lines:
            if abs(ln["x0"] - ln["x1"]) < 0.01:  # vertical
                overlap = min(ln["bottom"], b["bottom"]) - max(ln["top"], b["top"])
                near = min(abs(ln["x0"] - b["x0"]), abs(ln["x0"] - b["x1"])) <= grid.gutter
                assert not (near and overlap > grid.pitch), (ln["x0"], ln["top"], ln["bottom"], b["x0"], b["x1"])
            elif abs(ln["top"] - ln["bottom"]) < 0.01:  # horizontal
                overlap = min(ln["x1"], b["x1"]) - max(ln["x0"], b["x0"])
                near = min(abs(ln["top"] - b["top"]), abs(ln["top"] - b["bottom"])) <= grid.pitch
                assert not (near and overlap > grid.gutter), (ln["top"], ln["x0"], ln["x1"], b["top"], b["bottom"])


def test_no_column_rule_between_the_photos_of_a_photo_story(front) -> None:
    """Issue 17: the column rule between columns 2 and 3 of the photo story ran down the gutter
    between its two pictures from under the headline. A column rule parts two columns of text:
    none beside a photo or its caption."""
    from pagesetter.flow.geometry import PageGeometry

    spec = _spec()
    geo = PageGeometry(spec)
    story = _module(spec, "night-market")
    photos = [f for f in front.page.frames if f.article == "night-market" and f.kind in ("photo", "caption")]
    assert len([f for f in photos if f.kind == "photo"]) == 2
    top, bottom = min(f.y for f in photos), max(f.y + f.height for f in photos)
    x = geo.col_left(story.block.col + 2) - spec.grid.gutter / 2  # between the pictures
    assert any(p.x + p.width < x for p in photos) and any(p.x > x for p in photos)
    for r in front.page.rules:
        if r.role == "column" and abs(r.x1 - x) < 0.01:
            assert r.y1 >= bottom - 0.01 or r.y2 <= top + 0.01, (r, top, bottom)


def _pdf_rules(pdf_path, min_width: float = 0.4) -> list[tuple[float, float, float, float, float]]:
    """The stroked rules of the page, read from the PDF: (x1, y1, x2, y2, width) from the top left."""
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        return [(ln["x0"], ln["top"], ln["x1"], ln["bottom"], ln["linewidth"]) for ln in page.lines
                if ln.get("linewidth", 0) >= min_width]


def _loose_rule_ends(rules, gutter: float, pitch: float) -> list[str]:
    """Ends of rules that stop short of (or run past) a rule at right angles they point at: within
    a gutter or a line of it, but not touching it with their ink."""
    bad = []
    hs = [r for r in rules if abs(r[1] - r[3]) < 0.01 and abs(r[0] - r[2]) > 0.01]
    vs = [r for r in rules if abs(r[0] - r[2]) < 0.01 and abs(r[1] - r[3]) > 0.01]
    for v in vs:
        x, w = v[0], v[4]
        for ye in (min(v[1], v[3]), max(v[1], v[3])):
            near = [h for h in hs if min(h[0], h[2]) - w <= x <= max(h[0], h[2]) + w and abs(h[1] - ye) <= pitch]
            # an end that meets none of them within the other's ink is loose (a double rule: one will do)
            if near and not any(abs(h[1] - ye) <= h[4] / 2 + 0.01 for h in near):
                bad.append(f"side rule at x={x:.1f} ends {min(abs(h[1] - ye) for h in near):.2f} pt from a rule")
    for h in hs:
        y, w = h[1], h[4]
        for xe in (min(h[0], h[2]), max(h[0], h[2])):
            near = [v for v in vs if min(v[1], v[3]) - w <= y <= max(v[1], v[3]) + w and abs(v[0] - xe) <= gutter]
            if near and not any(abs(v[0] - xe) <= v[4] / 2 + 0.01 for v in near):
                bad.append(f"foot rule at y={y:.1f} ends {min(abs(v[0] - xe) for v in near):.2f} pt from a rule")
    return bad


def test_rules_meet_at_every_junction(front) -> None:
    """Issue 17: where one module's side rule came down onto the foot rules over it (a ┬ or ┴ of
    the make-up), the side rule began half a line under them and the foot rules stopped half a
    gutter either side of it: four loose ends. Read from the PDF: every article rule that ends
    within a gutter or a line of a rule at right angles ends on it (its end within the other's ink)."""
    spec = _spec()
    rules = _pdf_rules(front.pdf_path)
    assert len(rules) >= 10
    assert _loose_rule_ends(rules, spec.grid.gutter, spec.grid.pitch) == []


def test_each_daodu_item_stands_whole_in_one_column(front) -> None:
    """Issue 17: the 今日导读 ear's 教育 item began at the foot of the first column and ended at the
    top of the second ("…志愿填报 / 时间表。（第5版）"). Read from the PDF column by column: every
    item's text is whole in one column."""
    from tests.test_modules import _frames

    frames = sorted(_frames(front.pdf_path, "daodu", "body"), key=lambda f: f["x0"])
    assert len(frames) == 2
    chars = _chars(front.pdf_path)
    columns = ["".join(_rows(_in(chars, [f]))) for f in frames]
    items = [re.sub(r"\s+", "", p.text) for p in front.articles["daodu"].paragraphs]
    assert len(items) == 7
    for item in items:
        assert any(item in col for col in columns), (item, columns)


@pytest.mark.parametrize("key, value", [("headline", "{title: second-title}"), ("subhead", "brief-head"),
                                        ("column_rules", "false")])
def test_a_key_a_photo_news_entry_ignores_is_an_error_at_its_place(tmp_path: Path, key: str, value: str) -> None:
    """Issue 17: the 图片新闻's entry took `headline:` (and `subhead:`, `column_rules:` …) without a
    word and printed nothing of it. Now the build stops with one line naming the spec file, the
    key's line and the key."""
    from tests.conftest import copy_project

    project = copy_project(tmp_path / "project")
    spec = project / "layout" / "front-page.yaml"
    text = spec.read_text(encoding="utf-8")
    entry = "  - article: lotus\n    block: {col: 1, cols: 4, line: 70, lines: 22}\n"
    assert entry in text
    spec.write_text(text.replace(entry, entry + f"    {key}: {value}\n"), encoding="utf-8")
    line = text[:text.index(entry)].count("\n") + 3
    run = run_uncached("build", "layout/front-page.yaml", "-q", cwd=project)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 1 and len(lines) == 1, run.stderr
    assert lines[0].startswith(f"pagesetter: error: layout/front-page.yaml:{line}:5: '{key}:' has no effect on "
                               "'lotus', a 图片新闻"), lines[0]


def test_each_brief_stands_whole_in_one_column(tmp_path: Path) -> None:
    """Issue 17: in a 简讯 of two columns the brief 市民可预约上门体检 had its 小标题 and first
    line at the foot of the first column and its last line at the top of the second. A brief (a
    subhead whose section is one short paragraph) is kept whole: read from the PDF column by
    column, each brief's heading and text are in one column."""
    from tests.test_modules import _frames

    built = build_page(ROOT / "tests" / "pages" / "layout" / "briefs.yaml", tmp_path)
    frames = sorted(_frames(built.pdf_path, "briefs", "body"), key=lambda f: f["x0"])
    assert len({round(f["x0"]) for f in frames}) == 2
    chars = _chars(built.pdf_path)
    columns = ["".join(_rows(_in(chars, [f for f in frames if round(f["x0"]) == x])))
               for x in sorted({round(f["x0"]) for f in frames})]
    paras = built.articles["briefs"].paragraphs
    briefs = [re.sub(r"\s+", "", a.text + b.text) for a, b in zip(paras, paras[1:]) if a.subhead]
    assert len(briefs) == 6
    for brief in briefs:
        assert any(brief in col for col in columns), (brief, columns)
