"""The masthead (报头): the 农历 of the date line, the test pages built and read back from the PDF
(tests/pages/layout/masthead*.yaml), and hostile values, each one located line."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from pagesetter.build import build_page
from pagesetter.flow.collisions import collisions, ink_box
from pagesetter.lunar import covered, to_lunar
from pagesetter.pagetree import Frame
from pagesetter.proof.typography import check_pdf
from tests.conftest import ROOT, copy_project

PAGES = ROOT / "tests" / "pages"
LOGO_PAGE = PAGES / "layout" / "masthead.yaml"
TYPE_PAGE = PAGES / "layout" / "masthead-type.yaml"
RED = (0, 1, 1, 0)


# --- 农历 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("iso,lunar", [
    ("2022-06-30", "农历壬寅年六月初二"),
    ("2023-01-22", "农历癸卯年正月初一"),  # 春节 2023
    ("2024-02-10", "农历甲辰年正月初一"),  # 春节 2024
    ("2020-05-23", "农历庚子年闰四月初一"),  # the first day of a leap month
    ("2020-05-22", "农历庚子年四月三十"),
    ("2023-03-22", "农历癸卯年闰二月初一"),
    ("2033-12-22", "农历癸丑年闰冬月初一"),  # the "2033 problem": a leap 11th month
    ("2025-01-28", "农历甲辰年腊月廿九"),  # 除夕 of a year whose 腊月 is short
    ("2021-02-11", "农历庚子年腊月三十"),
    ("1900-01-31", "农历庚子年正月初一"),  # the table's first day
    ("2000-02-05", "农历庚辰年正月初一"),
    ("1984-02-02", "农历甲子年正月初一"),  # the first year of a 60-year cycle
    ("2022-09-10", "农历壬寅年八月十五"),  # 中秋
    ("2022-06-20", "农历壬寅年五月廿二"),
    ("2022-06-08", "农历壬寅年五月初十"),
    ("2022-06-18", "农历壬寅年五月二十"),
])
def test_lunar_dates_known_from_the_almanac(iso: str, lunar: str) -> None:
    assert str(to_lunar(datetime.date.fromisoformat(iso))) == lunar


# Months where lunardate's table differs from ours; lunar-python, which computes the new moons,
# agrees with ours there (lunar.py's docstring names them).
LUNARDATE_DIFFERS = (("1933-07-22", "1933-08-20"), ("1954-11-25", "1954-12-24"), ("1978-09-02", "1978-10-01"))


def test_every_day_agrees_with_lunardate_but_where_the_new_moons_side_with_us() -> None:
    lunardate = pytest.importorskip("lunardate")
    first, _ = covered()
    differ = [(datetime.date.fromisoformat(a), datetime.date.fromisoformat(b)) for a, b in LUNARDATE_DIFFERS]
    day, last = first, datetime.date(2099, 12, 31)  # lunardate's table ends with 2099
    checked = 0
    convert = getattr(lunardate.LunarDate, "from_solar_date", None) or lunardate.LunarDate.fromSolarDate
    while day <= last:
        ours = to_lunar(day)
        theirs = convert(day.year, day.month, day.day)
        leap = theirs.is_leap_month if hasattr(theirs, "is_leap_month") else theirs.isLeapMonth
        same = (ours.year, ours.month, ours.day, ours.leap) == (theirs.year, theirs.month, theirs.day, bool(leap))
        assert same != any(a <= day <= b for a, b in differ), day
        checked += 1
        day += datetime.timedelta(days=1)
    assert checked > 73_000


@pytest.mark.parametrize("iso", ["1933-07-22", "1954-11-25", "1978-09-02", "2097-08-07", "2022-06-30"])
def test_where_the_tables_differ_the_new_moons_agree_with_ours(iso: str) -> None:
    lunar_python = pytest.importorskip("lunar_python")
    day = datetime.date.fromisoformat(iso)
    theirs = lunar_python.Solar.fromYmd(day.year, day.month, day.day).getLunar()
    ours = to_lunar(day)
    assert (ours.month * (-1 if ours.leap else 1), ours.day) == (theirs.getMonth(), theirs.getDay())


def test_outside_the_table_is_a_value_error() -> None:
    first, last = covered()
    with pytest.raises(ValueError):
        to_lunar(first - datetime.timedelta(days=1))
    with pytest.raises(ValueError):
        to_lunar(last + datetime.timedelta(days=1))
    assert str(to_lunar(last)).startswith("农历庚申年腊月")  # 2101-01-28, the last day of lunar 2100


# --- the test pages, read back ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def logo_build(tmp_path_factory: pytest.TempPathFactory):
    return build_page(LOGO_PAGE, tmp_path_factory.mktemp("masthead"))


@pytest.fixture(scope="module")
def type_build(tmp_path_factory: pytest.TempPathFactory):
    return build_page(TYPE_PAGE, tmp_path_factory.mktemp("masthead-type"))


class Read:
    """A built page read back: pdfplumber's objects, and the spec's grid in pdfplumber's
    coordinates (points from the media box's top-left)."""

    def __init__(self, result) -> None:  # type: ignore[no-untyped-def]
        self.spec = result.spec
        with pikepdf.open(result.pdf_path) as pdf:
            trim = [float(v) for v in pdf.pages[0].trimbox]
            media = [float(v) for v in pdf.pages[0].mediabox]
        self.ox, self.oy = trim[0], media[3] - trim[3]
        with pdfplumber.open(result.pdf_path) as pdf:
            page = pdf.pages[0]
            self.chars = list(page.chars)
            self.lines = list(page.lines)
            self.curves = list(page.curves)
            self.images = list(page.images)

    def col_x(self, col: int) -> float:  # 0-based
        grid = self.spec.grid
        return self.ox + self.spec.margin_left + col * (grid.column_width + grid.gutter)

    def line_y(self, line: int) -> float:  # 0-based: the top of the line's band
        return self.oy + self.spec.margin_top + line * self.spec.grid.pitch

    def text_lines(self, x0: float, x1: float, top: float, bottom: float) -> list[str]:
        """The characters inside the box, as lines (by baseline), each read left to right."""
        inside = [c for c in self.chars if c["x0"] >= x0 - 0.5 and c["x1"] <= x1 + 0.5
                  and c["top"] >= top - 0.5 and c["bottom"] <= bottom + 0.5]
        rows: dict[float, list] = {}
        for c in inside:
            rows.setdefault(round(c["bottom"], 1), []).append(c)
        return ["".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])) for _, row in sorted(rows.items())]


@pytest.fixture(scope="module")
def logo_read(logo_build) -> Read:  # type: ignore[no-untyped-def]
    return Read(logo_build)


@pytest.fixture(scope="module")
def type_read(type_build) -> Read:  # type: ignore[no-untyped-def]
    return Read(type_build)


def _plate(read: Read) -> tuple[float, float, float, float]:
    """The name plate's columns (3–6 of 8: two-column ears at each side) over the masthead's 14 lines."""
    return read.col_x(2), read.col_x(6) - read.spec.grid.gutter, read.line_y(0), read.line_y(14)


def test_the_date_line_reads_with_weekday_and_lunar_date(logo_read: Read) -> None:
    x0, x1, top, bottom = _plate(logo_read)
    lines = logo_read.text_lines(x0, x1, top, bottom)
    assert lines == ["2022年6月30日星期四农历壬寅年六月初二", "第178期总第12345期今日8版",
                     "国内统一连续出版物号CN42-0031邮发代号37-1", "江城日报社出版"]


def test_a_leap_month_date_line_and_the_name_in_type(type_read: Read) -> None:
    x0, x1, top, bottom = _plate(type_read)
    lines = type_read.text_lines(x0, x1, top, bottom)
    assert lines[0] == "江城日报"
    assert lines[1] == "2020年5月23日星期六农历庚子年闰四月初一"
    name = [c for c in type_read.chars if c["text"] in "江城日报" and c["size"] > 70]
    assert len(name) == 4 and all(c["non_stroking_color"] == RED for c in name)
    centre = (min(c["x0"] for c in name) + max(c["x1"] for c in name)) / 2
    assert abs(centre - (x0 + x1) / 2) < 8  # centred (the last character's tracking is not ink)


def test_info_lines_sit_on_the_grid_above_the_rule_line_centred(logo_read: Read) -> None:
    x0, x1, top, bottom = _plate(logo_read)
    pitch = logo_read.spec.grid.pitch
    for n, text in enumerate(("2022", "第178", "国内", "江城日报社")):
        band_top = logo_read.line_y(9 + n)  # lines 10–13 of 14; the 14th holds the rule
        row = [c for c in logo_read.chars if band_top <= c["top"] and c["bottom"] <= band_top + pitch
               and x0 <= c["x0"] and c["x1"] <= x1]
        assert "".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])).startswith(text)
        left, right = min(c["x0"] for c in row), max(c["x1"] for c in row)
        assert abs((left + right) / 2 - (x0 + x1) / 2) < 1.0


def test_a_word_gap_is_a_quarter_em_and_parts_an_em_apart(logo_read: Read) -> None:
    row = sorted((c for c in logo_read.chars if logo_read.line_y(11) <= c["top"] < logo_read.line_y(12)),
                 key=lambda c: c["x0"])
    text = "".join(c["text"] for c in row)
    size = row[0]["size"]
    hao = text.index("号C")  # 出版物号 CN: a quarter em (not the headline's widened space)
    assert row[hao + 1]["x0"] - row[hao]["x1"] == pytest.approx(0.25 * size, abs=0.05)
    post = text.index("邮")  # …0031 邮发代号: one em between parts
    assert row[post]["x0"] - row[post - 1]["x1"] == pytest.approx(1.0 * size, abs=0.05)


def test_everything_of_the_masthead_stays_in_its_lines_and_articles_below(logo_read: Read, logo_build) -> None:
    bottom = logo_read.line_y(14)
    left, right = logo_read.col_x(0), logo_read.col_x(8) - logo_read.spec.grid.gutter
    masthead_ids = {"masthead", "daodu", "weather"}
    for line in logo_build.page.lines:
        box = ink_box(line)
        if line.article in masthead_ids:
            assert box.y1 <= logo_build.spec.margin_top + 13 * logo_read.spec.grid.pitch + 0.01, line.text
            # (a mark set half width at a line's start or end has its em box half out; `check` holds the ink)
            half = max(g.size for g in line.glyphs) / 2
            assert logo_build.spec.margin_left - half - 0.01 <= box.x0
            assert box.x1 <= logo_build.spec.margin_left + 999 + half + 0.01
        elif line.article in ("lead", "brief"):
            assert box.y0 >= logo_build.spec.margin_top + 14 * logo_read.spec.grid.pitch - 0.01, line.text
    # and in the PDF: no character of the page crosses the masthead's foot
    assert not [c for c in logo_read.chars if c["top"] < bottom < c["bottom"] and left <= c["x0"] <= right]


def test_ears_stand_in_their_columns(logo_read: Read) -> None:
    top, bottom = logo_read.line_y(0), logo_read.line_y(13)
    left = logo_read.text_lines(logo_read.col_x(0), logo_read.col_x(2) - 9, top, bottom)
    right = logo_read.text_lines(logo_read.col_x(6), logo_read.col_x(8) - 9, top, bottom)
    assert left[0] == "今日导读" and any(line.startswith("城建") for line in left)
    assert right[0] == "江城天气" and any("多云转阵雨" in line for line in right)


def test_no_two_modules_print_over_each_other(logo_build) -> None:  # type: ignore[no-untyped-def]
    assert collisions(logo_build.page, logo_build.spec) == []
    lines = [(line.article, ink_box(line)) for line in logo_build.page.lines if line.glyphs]
    for i, (a, box) in enumerate(lines):
        for b, other in lines[:i]:
            if a != b:
                assert not box.overlaps(other), (a, b)


def test_a_part_set_over_the_masthead_is_a_collision(logo_build) -> None:  # type: ignore[no-untyped-def]
    """The collision check (flow/collisions.py) knows the masthead's block: a photo of an article
    put over the name plate is caught like one over another article."""
    spec = logo_build.spec
    x = spec.margin_left + 3 * (spec.grid.column_width + spec.grid.gutter)
    over = Frame("lead", "photo", x, spec.margin_top + 20, 100, 60)
    found = collisions(replace(logo_build.page, frames=logo_build.page.frames + (over,)), spec)
    assert any("'lead': its photo is set over 'masthead''s block" in message for _, message in found)


def test_the_rule_under_the_masthead_is_heavy_and_double(logo_read: Read) -> None:
    y = logo_read.line_y(13) + logo_read.spec.grid.pitch / 2
    left, right = logo_read.col_x(0), logo_read.col_x(8) - logo_read.spec.grid.gutter
    horizontal = [ln for ln in logo_read.lines if abs(ln["top"] - ln["bottom"]) < 0.01]
    heavy = [ln for ln in horizontal if abs(ln["top"] - y) < 0.05]
    assert [round(ln["linewidth"], 2) for ln in heavy] == [2.5]  # the ears' own rules there are gone
    assert heavy[0]["x0"] == pytest.approx(left, abs=0.05) and heavy[0]["x1"] == pytest.approx(right, abs=0.05)
    thin = [ln for ln in horizontal if 0 < ln["top"] - y < 6]
    assert [round(ln["linewidth"], 2) for ln in thin] == [0.5]
    assert thin[0]["top"] - y == pytest.approx(2.5 / 2 + 1.5 + 0.25, abs=0.05)
    vertical = [ln for ln in logo_read.lines if abs(ln["x0"] - ln["x1"]) < 0.01 and left <= ln["x0"] <= right
                and ln["top"] >= logo_read.line_y(0) - 0.01]
    # the rules between modules (the ears' and the one between the two articles) are 0.5 pt, the
    # column rules 0.25: the rule under the masthead is five times the heaviest
    assert {round(ln["linewidth"], 2) for ln in vertical} == {0.25, 0.5}


def test_a_boxed_ear_stands_clear_above_the_heavy_rule(logo_build) -> None:  # type: ignore[no-untyped-def]
    """The weather ear's box ends above the rule under the masthead, a little white between: its
    foot is not drawn on (and lost in) the heavy rule, where a boxed module's foot would stand."""
    read = Read(logo_build)
    y = read.line_y(13) + read.spec.grid.pitch / 2
    with pdfplumber.open(logo_build.pdf_path) as pdf:
        stroked = [r for r in pdf.pages[0].rects if r["stroke"] and r["x0"] > read.col_x(5)
                   and r["top"] < read.line_y(1)]
    assert len(stroked) == 1
    box = stroked[0]
    white = (y - 2.5 / 2) - (box["bottom"] + box["linewidth"] / 2)
    assert 1.5 <= white <= read.spec.grid.pitch / 2
    # and the ear's last body line stays inside its box
    text = [c for c in read.chars if c["x0"] >= box["x0"] and c["x1"] <= box["x1"] and box["top"] < c["top"] < y]
    assert text and max(c["bottom"] for c in text) < box["bottom"] - box["linewidth"] / 2


def test_the_vector_logotype_is_placed_as_paths_in_the_name_plate(logo_read: Read, logo_build) -> None:
    x0, x1, top, _ = _plate(logo_read)
    red = [c for c in logo_read.curves if c.get("non_stroking_color") == RED and c.get("fill")]
    assert len(red) >= 4  # the four characters' outlines at least
    ink = (min(c["x0"] for c in red), min(c["top"] for c in red), max(c["x1"] for c in red),
           max(c["bottom"] for c in red))
    name_space = 8 * logo_read.spec.grid.pitch  # lines 1–9, half a line clear above and below
    assert x0 <= ink[0] and ink[2] <= x1 and top <= ink[1] and ink[3] <= logo_read.line_y(9)
    assert ink[3] - ink[1] > 0.75 * name_space  # as large as the space allows
    with pikepdf.open(logo_build.pdf_path) as pdf:
        xobjects = pdf.pages[0].Resources.XObject
        forms = [xobjects[k] for k in xobjects.keys() if xobjects[k].Subtype == "/Form"]
        assert len(forms) == 1 and b"0 1 1 0 k" in forms[0].read_bytes()
        assert not logo_read.images  # no picture: paths


def test_the_pages_pass_the_typography_check(logo_build, type_build) -> None:  # type: ignore[no-untyped-def]
    for result in (logo_build, type_build):
        report = check_pdf(result.pdf_path)
        assert report.problems == 0, report


@pytest.mark.parametrize("page", [LOGO_PAGE, TYPE_PAGE], ids=lambda p: p.name)
def test_the_test_pages_validate_against_the_schema(page: Path) -> None:
    import json

    import jsonschema
    import yaml

    from pagesetter.spec.schema import PAGE_SPEC

    data = json.loads(json.dumps(yaml.safe_load(page.read_text(encoding="utf-8")), default=str, ensure_ascii=False))
    jsonschema.validate(data, PAGE_SPEC)


# --- a PNG logotype, and hostile values -------------------------------------------------------------

@pytest.fixture()
def front(tmp_path: Path) -> Path:
    """A project copy with the masthead test page as layout/front.yaml."""
    project = copy_project(tmp_path)
    shutil.copytree(PAGES / "content" / "front", project / "content" / "front")
    text = LOGO_PAGE.read_text(encoding="utf-8")
    text = text.replace("../../../layout/styles/", "styles/").replace("../../../fonts/", "../fonts/")
    (project / "layout" / "front.yaml").write_text(text, encoding="utf-8")
    return project


def _edit(project: Path, old: str, new: str) -> Path:
    spec = project / "layout" / "front.yaml"
    text = spec.read_text(encoding="utf-8")
    assert old in text
    spec.write_text(text.replace(old, new, 1), encoding="utf-8")
    return spec


def _line_of(project: Path, needle: str) -> int:
    lines = (project / "layout" / "front.yaml").read_text(encoding="utf-8").split("\n")
    return next(i + 1 for i, line in enumerate(lines) if needle in line)


def test_a_png_logotype_is_placed_as_a_picture(front: Path) -> None:
    spec = _edit(front, "logo.pdf", "logo.png")
    result = build_page(spec, front / "output")
    read = Read(result)
    x0, x1, top, _ = _plate(read)
    assert len(read.images) == 1
    image = read.images[0]
    assert x0 <= image["x0"] and image["x1"] <= x1 and top <= image["top"] and image["bottom"] <= read.line_y(9)
    assert (image["x1"] - image["x0"]) / (image["bottom"] - image["top"]) == pytest.approx(1600 / 390, rel=0.01)


def _fails(spec: Path, needle: str, line: int) -> str:
    """A build of ``spec`` from the command line: exit 1, one line on stderr, naming the spec's line."""
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", str(spec.relative_to(spec.parents[1]))],
                         cwd=spec.parents[1], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    lines = run.stderr.strip().split("\n")
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert re.match(rf"^pagesetter: error: layout/front\.yaml:{line}(:\d+)?: ", lines[0]), lines[0]
    assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("old,new,needle", [
    ("date: 2022-06-30", "date: 2022-02-30", "day is out of range for month"),
    ("date: 2022-06-30", "date: 30.6.2022", "YYYY-MM-DD"),
    ("date: 2022-06-30", "date: 1899-05-01", "农历 of 1899-05-01 is not known"),
    ("name: {logo: ../content/front/logo.pdf}", 'name: {text: ""}', "name is empty"),
    ("name: {logo: ../content/front/logo.pdf}", "name: {text: 江城日报江城日报江城日报江城日报江城日报江城日报江城日报}",
     "at most 24"),
    ("name: {logo: ../content/front/logo.pdf}", "name: {text: 江城都市晚报新闻周刊}", "is 806 pt wide, the name plate 495 pt"),
    ("logo.pdf", "nothere.pdf", "not found"),
    ("logo.pdf", "lead.md", "is not a picture we read"),
    ("../content/front/logo.pdf", "../../../../../etc/hostname", "outside the project folder"),
    ("logo.pdf", "logo.svg", "is SVG, which is not read"),
    ("logo.pdf", "rgb.pdf", "RGB colour"),
    ("logo.pdf", "type.pdf", "live type"),
    ("logo.pdf", "fake.png", "cannot read image"),
    ("logo.pdf", "broken.pdf", "cannot read the PDF"),
    ("cn: CN 42-0031", "cn: CN 4-31", "not of the form CN 42-0031"),
    ("post_code: 37-1", "post_code: 37/1", "not of the form 37-1"),
    ("publisher: 江城日报社出版", "publisher: 江城日报社出版\uE000", ") has U+E000"),
    ("publisher: 江城日报社出版", 'publisher: " "', "publisher is empty"),
    ("lines: 14", "lines: 6", "need 7 or more"),
    ("    - {side: left, cols: 2", "    - {side: left, cols: 6", "leave the name plate one or more"),
    ("line: 15, lines: 34}", "line: 10, lines: 39}", "overlaps the masthead"),
    ("{side: right, cols: 2, article: weather", "{side: left, cols: 2, article: weather",
     "has a left ear already"),
    ("  - article: brief", "  - article: masthead", "an article named 'masthead'"),
])
def test_hostile_values_are_one_located_line(front: Path, old: str, new: str, needle: str) -> None:
    photos = front / "content" / "front"
    (photos / "logo.svg").write_text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
                                     encoding="utf-8")
    (photos / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    (photos / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\0" * 40)
    _logo_pdf(photos / "rgb.pdf", rgb=True)
    _logo_pdf(photos / "type.pdf", text=True)
    spec = _edit(front, old, new)
    first = new.split("\n")[0].strip().lstrip("- ")
    _fails(spec, needle, _line_of(front, first))


def _logo_pdf(target: Path, rgb: bool = False, text: bool = False) -> None:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(target), pagesize=(200, 50))
    if rgb:
        canvas.setFillColorRGB(1, 0, 0)
    canvas.rect(10, 10, 100, 30, stroke=0, fill=1)
    if text:
        canvas.drawString(120, 20, "Logo")
    canvas.showPage()
    canvas.save()


def test_a_missing_character_may_be_substituted(front: Path) -> None:
    _edit(front, "publisher: 江城日报社出版", "publisher: 江城日报社出版\uE000")
    spec = _edit(front, "lines: 48", "lines: 48\nmissing_glyphs: substitute")
    result = build_page(spec, front / "output")
    assert any(w.message.startswith("masthead, publisher: no face of style ") and ") has U+E000" in w.message
               for w in result.warnings), [w.message for w in result.warnings]
    assert any(line.text == "江城日报社出版〓" for line in result.page.lines if line.article == "masthead")


def test_an_ear_is_flowed_like_an_article_and_may_be_overset(front: Path) -> None:
    """An ear's text that does not fit its block is overset, as any module's: the build stops."""
    long = (front / "content" / "front" / "weather.md")
    long.write_text(long.read_text(encoding="utf-8") + ("\n\n明天多云。" * 40), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "layout/front.yaml"], cwd=front,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 3 and "weather" in run.stderr


def test_in_an_edition_the_masthead_takes_the_editions_date(front: Path) -> None:
    (front / "layout" / "front-edition.yaml").write_text(
        "edition:\n  name: front-edition\n  paper: 江城日报\n  date: 2023-01-22\n  pages: [front.yaml]\n",
        encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "layout/front-edition.yaml"],
                         cwd=front, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    with pdfplumber.open(front / "output" / "masthead.pdf") as pdf:
        text = "".join(c["text"] for c in pdf.pages[0].chars)
    assert "2023年1月22日星期日农历癸卯年正月初一" in text
    assert "2022年6月30日" not in text
