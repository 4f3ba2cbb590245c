"""A new user's trial (issue 21, trial 8), each defect built on a page of its own and read back
from the PDF (tests/pages/layout/trial-spans.yaml): a headline's typed break that a half too long
for the measure cannot take, a Latin name in a headline, and numbers joined by hyphens (8-8-10,
2026-07-01) in a 13字 column."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.compose.linebreak import split_kinds
from pagesetter.proof.readback import read_chars

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "trial-spans.yaml"
TITLE = 24.0  # pt: the title style's size
BODY = 9.0  # pt, 小五


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("trial-spans")
    return build_page(PAGE, out), out


def _rows(pdf: Path, size: float, column: float = 1e4) -> list[str]:
    """The printed lines of one size, by column (``column`` points wide) then top to bottom."""
    page = read_chars(pdf)[0]
    rows: dict[tuple[float, float], list] = {}
    for c in page.chars:
        if abs(c.size - size) < 0.01:
            rows.setdefault((c.x // column, round(c.baseline, 1)), []).append(c)
    return ["".join(c.text for c in sorted(row, key=lambda c: c.x)) for _, row in sorted(rows.items())]


def _warnings(built, kind: str) -> list[str]:
    return [str(w) for w in built[0].warnings if f"{kind}:" in str(w)]


def test_typed_headline_space_is_kept_and_warned(built) -> None:
    """The space typed between the clauses is printed, not dropped (集体收涨贵州茅台), and since the
    second clause is wider than the measure, the build says why the lines break elsewhere."""
    titles = _rows(built[0].pdf_path, TITLE)
    first = next(t for t in titles if t.startswith("A股"))
    assert "集体收涨 贵州茅台" in first, titles
    warned = [w for w in _warnings(built, "headline-break") if "article 'market'" in w]
    assert len(warned) == 1 and "market.md:" in warned[0] and "too long for the measure" in warned[0], warned


def test_latin_name_in_a_headline_is_not_split(built) -> None:
    """Shanghai Port FC is one phrase: the title breaks before it, not inside it."""
    titles = _rows(built[0].pdf_path, TITLE)
    second = next(t for t in titles if "Port" in t)
    assert second.startswith("Shanghai Port FC"), titles
    assert not [w for w in _warnings(built, "headline-break") if "article 'sports'" in w]


def test_number_chain_kept_whole_where_a_line_allows(built) -> None:
    """8-8-10 in running text: kept on one line (main broke it 8-8- / 10 here)."""
    rows = _rows(built[0].pdf_path, BODY, 300.0)
    assert any("8-8-10的记录" in r for r in rows), rows
    assert not [r for r in rows if r.startswith("青岛西海岸队") and r.endswith("-")], rows


def test_forced_chain_split_is_warned_and_checked(built, tmp_path: Path) -> None:
    """A table row wider than the column (10　青岛西海岸　8-8-10　　32): every other break leaves a
    line spread past the limit, so the record parts, and the build and `check` both name it; rows
    that fit (16　深圳新鹏城…18 on its own lines) are no finding, though their figures touch."""
    warned = [w for w in _warnings(built, "split-span") if "numbers joined by hyphens" in w]
    assert any("standings.md:" in w and "8-8-" in w for w in warned), warned
    pdf = built[0].pdf_path
    checked = subprocess.run([sys.executable, "-m", "pagesetter.cli", "check", "--json", str(pdf)],
                             capture_output=True, text=True)
    found = json.loads(checked.stdout)[str(pdf)]["split_spans"]
    assert len(found) == len(warned), (found, warned)


@pytest.mark.parametrize("before, after", [("8-8-", "10"), ("2026-07-", "01"), ("027-8888-", "1234"),
                                           ("1-0-", "3"), ("2026-", "07-01")])
def test_split_kinds_finds_a_chain_split(before: str, after: str) -> None:
    assert ("numbers joined by hyphens", True) in split_kinds("比分" + before, after + "。")


@pytest.mark.parametrize("before, after", [("XK-20220630-", "000123"), ("18-5-3 59", "2 上海"), ("8-8-10", "日")])
def test_split_kinds_leaves_codes_and_neighbours(before: str, after: str) -> None:
    assert ("numbers joined by hyphens", True) not in split_kinds(before, after)


def test_latin_name_split_only_where_nothing_else_fits_and_named() -> None:
    """Composed with the real fonts: at the trial's measure (4 columns) the name stands whole; in a
    measure narrower than the name, it must part, and split_latin_runs names the words parted
    (the build's `headline-break` warning)."""
    from pagesetter.compose.display import compose_display, split_latin_runs
    from pagesetter.fonts.face import FaceSet
    from pagesetter.fonts.manifest import load_manifest
    from pagesetter.spec.loader import load_spec

    spec = load_spec(PAGE)
    faces = FaceSet(load_manifest(spec.fonts_manifest))
    style = spec.styles["title"]
    text = "江城FC主场2∶1逆转 Shanghai Port FC 保级形势豁然开朗"
    wide, _ = compose_display(text, style, 4 * 13 * BODY + 3 * BODY, faces)
    assert [line.text.strip() for line in wide][1].startswith("Shanghai Port FC"), [l.text for l in wide]
    assert split_latin_runs(text, wide) == []
    narrow, _ = compose_display(text, style, 6 * style.size, faces)
    shown = [line.text.strip() for line in narrow]
    parted = [k for k, line in enumerate(shown[:-1]) if line[-1:].isascii() and shown[k + 1][:1].isascii()
              and line[-1:].isalnum() or line.endswith("-")]
    assert parted, shown  # the name is wider than six ems: it parts
    assert split_latin_runs(text, narrow), shown
