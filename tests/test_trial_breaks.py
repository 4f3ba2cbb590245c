"""A new user's trial (trial 9): lines broken where a 校对 would mark them, each built on a page
of its own and read back from the PDF (tests/pages/layout/trial-breaks.yaml), in a 13字 column
where a better break exists: a telephone number at its space, a magnitude word parted from its
number, a URL or e-mail address after a period, a slash or a hyphen (Chicago breaks before them),
a foreign surname hyphenated, a photo credit inside the photographer's name, a dateline's date
parted from its 电. Where no better break exists (the trial's own paragraph: 服务热线：0431-8888
6666 at a first line's end), the build warns and `pagesetter check` names the split."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.compose.chars import KEEP_TOGETHER_PATTERNS, URL_PATTERN, url_break_at
from pagesetter.proof.readback import read_chars

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "trial-breaks.yaml"
BODY = 9.0  # pt, 小五
CAPTION = "caption"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("trial-breaks")
    return build_page(PAGE, out), out


def _rows(pdf: Path, size: float, x0: float = 0.0, x1: float = 1e4) -> list[str]:
    """The printed lines of one size between x0 and x1, by column (a 13字 column and its gutter,
    126 pt) then top to bottom, spaces dropped (pdfium reads a hyphen at a line's end as U+0002)."""
    page = read_chars(pdf)[0]
    rows: dict[tuple[float, float], list] = {}
    for c in page.chars:
        if abs(c.size - size) < 0.01 and x0 <= c.x < x1 and c.text.strip():
            rows.setdefault(((c.x - 100) // 126, round(c.baseline, 1)), []).append(c)
    return ["".join(c.text for c in sorted(row, key=lambda c: c.x)).replace("\x02", "-")
            for _, row in sorted(rows.items())]


def _check(pdf: Path) -> dict:
    checked = subprocess.run([sys.executable, "-m", "pagesetter.cli", "check", "--json", str(pdf)],
                             capture_output=True, text=True)
    return json.loads(checked.stdout)[str(pdf)]


def _body(built) -> list[str]:
    return _rows(built[0].pdf_path, BODY, 0.0, 480.0)


def test_phone_number_kept_whole_at_its_space(built) -> None:
    """0431-8888 6666 parts at neither its hyphen nor its space where a line allows (main: 0431-8888 /
    6666 after 电网负荷。)."""
    rows = _body(built)
    assert any("0431-88886666（24小时）全" in r for r in rows), rows
    assert not [r for r in rows if r.endswith("电网负荷。服务热线：0431-8888")], rows


def test_magnitude_word_stays_with_its_number(built) -> None:
    """US$4.2 billion: neither US$4.2 / billion nor bil- / lion (main: both)."""
    rows = _body(built)
    assert sum("US$4.2billion" in r for r in rows) == 2, rows
    assert not [r for r in rows if r.endswith(("US$4.2", "bil-", "bil"))], rows


def test_url_and_email_break_before_their_marks(built) -> None:
    """Chicago: before a period, a single slash or a hyphen, after a double slash; never after a
    period (press. / ua, www. / jcwater), a slash or a hyphen (geneva- / talks), which read as a
    sentence's end or a hyphenation (main broke after each)."""
    rows = _body(built)
    addresses = [(a, b) for a, b in zip(rows, rows[1:]) if re.search(r"[A-Za-z0-9.@/:-]$", a)
                 and re.match(r"[A-Za-z0-9.@/-]", b)]
    assert addresses, rows
    for a, b in addresses:
        assert not a.endswith((".", "-", "/", "@")), (a, b)
    assert any(r.startswith(".jcwater.com.cn") for r in rows), rows
    assert any(r.startswith(".org）") for r in rows), rows
    assert any(r.startswith("-2026-11-30") for r in rows), rows
    caption = _rows(built[0].pdf_path, 8.0, 480.0)
    assert any(r.startswith("-talks-2026") for r in caption) or not any(r.endswith("geneva-") for r in caption), caption


def test_capitalised_name_is_not_hyphenated(built) -> None:
    """Barrot is never Bar- / rot (main hyphenated it): the line breaks before the name."""
    rows = _body(built)
    assert any("Jean-NoëlBarrot" in r for r in rows), rows
    assert not [r for r in rows if r.endswith("Bar-")], rows


def test_dateline_date_and_dian_stay_together(built) -> None:
    """新华社华盛顿11月30日电: 30日 and 电 on one line (main: 11月30日 / 电)."""
    rows = _body(built)
    assert any("30日电，" in r for r in rows), rows
    assert not [r for r in rows if r.endswith("11月30日")], rows


def test_photo_credit_is_broken_before_the_photographers_name(built) -> None:
    """新华社发（Fabrice Coffrini摄） is wider than the one-column cell: it breaks before its
    bracket, never inside the name (main: 新华社发（Fabrice / Coffrini摄）)."""
    page = read_chars(built[0].pdf_path)[0]
    sizes = {round(c.size, 2) for c in page.chars if c.text in "摄"}
    credit = [r for size in sizes for r in _rows(built[0].pdf_path, size, 480.0)]
    assert "新华社发" in credit and "（FabriceCoffrini摄）" in credit, credit


def test_the_check_passes_the_page_but_names_the_forced_split(built) -> None:
    """Every kept break passes `check`; the trial's own paragraph (服务热线：0431-8888 6666 at a first
    line's end, where every other set of lines has one spread past a quarter em) parts the number,
    and the build and `check` both name it as a telephone number."""
    found = _check(built[0].pdf_path)
    assert found["url_breaks"] == [] and found["kinsoku"] == [], found
    assert [f["detail"] for f in found["split_spans"]] == ["(telephone number)"], found["split_spans"]
    warned = [str(w) for w in built[0].warnings if "split-span:" in str(w)]
    assert len(warned) == 1 and "telephone number" in warned[0] and "breaks-latin.md:21" in warned[0], warned


@pytest.mark.parametrize("url, breaks", [
    ("www.jcwater.com.cn", ["www", ".jcwater", ".com", ".cn"]),
    ("press.ua@undp.org", ["press", ".ua", "@undp", ".org"]),
    ("https://a.org/b-c?x=1&y=2", ["https:", "//", "a", ".org", "/b", "-c", "?x", "=", "1", "&", "y", "=", "2"]),
    ("http://x.org/v1.2/~me", ["http:", "//", "x", ".org", "/v1.2", "/~me"]),
])
def test_url_breaks_are_chicagos(url: str, breaks: list[str]) -> None:
    """After a colon or //; before / ~ . , - _ ? # % @; either side of = &; never inside a number."""
    assert re.fullmatch(URL_PATTERN, url)
    cuts = [p for p in range(1, len(url)) if url_break_at(url, p)]
    assert [url[a:b] for a, b in zip([0, *cuts], [*cuts, len(url)])] == breaks


@pytest.mark.parametrize("text, kept", [
    ("热线0431-8888 6666（", True), ("热线010-6512 3456。", True), ("热线0431-88886666。", True),
    ("手机138 0013 8000。", True), ("热线400 820 8820。", True),
    # figures merely side by side, or a code: never one number
    ("2026 1234 5678", False), ("共8 6666人", False), ("XK-0431-8888 6666", False), ("12 3456 7890", False),
])
def test_phone_numbers_are_precisely_those(text: str, kept: bool) -> None:
    phone = next(rule for rule in KEEP_TOGETHER_PATTERNS if rule.kind == "telephone number")
    assert (re.search(phone.pattern, text) is not None) == kept


@pytest.mark.parametrize("text, kept", [
    ("US$4.2 billion用", True), ("3 million", True), ("12.8 Billion", True), ("5 thousands", True),
    ("billion", False), ("4.2 billionaire", False), ("2 bil", False),
])
def test_magnitude_words(text: str, kept: bool) -> None:
    rule = next(rule for rule in KEEP_TOGETHER_PATTERNS if rule.kind == "number and magnitude")
    assert (re.search(rule.pattern, text) is not None) == kept


@pytest.mark.parametrize("text, kept", [
    ("新华社华盛顿11月30日电　", "日电"), ("本报北京6月30日电（记者", "日电"), ("新华社东京11月29日专电", "日专电"),
    ("该公司30日电力供应恢复", None), ("11月30日电话会议", None),
])
def test_dateline_keeps_its_date_and_dian(text: str, kept: str | None) -> None:
    rule = next(rule for rule in KEEP_TOGETHER_PATTERNS if rule.kind == "dateline's date and 电")
    m = re.search(rule.pattern, text)
    assert (m.group("keep") if m else None) == kept
