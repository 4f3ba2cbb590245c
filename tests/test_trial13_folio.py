"""Trial 13's narrow page (trim 60×120 mm, one 20 mm column), read back from the PDF:

- its 报眉 was printed over itself and partly lost (城市日报 cut to 城市, 第9版 over the date, the
  date past the type area and 30日 星期四 gone) with the build passing: the 报眉 is set in the
  first form that fits (one line; two or three of its lines; without the weekday), else the build
  stops with one error at the spec's folio;
- the typography warnings of that folio named no file or line: a finding on the page's furniture
  is located at the spec's ``folio:`` (or the masthead's field);
- its registration target at the foot sat on the control strip, a crop mark through it: no mark
  meets another.

tests/pages/trial13-narrow-folio-main.pdf is main's build of trial13-narrow-folio.yaml before
these fixes (the folio set over itself), so the warnings are shown located on what the trial saw.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from pagesetter.build import build_page, load_page_spec
from pagesetter.errors import InputError
from pagesetter.flow.geometry import PageGeometry
from pagesetter.proof.report import gate_pdf

PAGES = Path(__file__).resolve().parent / "pages"
LAYOUT = PAGES / "layout"
MAIN = PAGES / "trial13-narrow-folio-main.pdf"  # main's build of trial13-narrow-folio.yaml, before these fixes

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in pt from the MediaBox's top-left


def test_a_folio_too_wide_for_a_narrow_page_stops_the_build_at_the_spec_s_folio(tmp_path: Path) -> None:
    spec = LAYOUT / "trial13-narrow-folio.yaml"
    with pytest.raises(InputError) as caught:
        build_page(spec, tmp_path)
    # the paper name alone (小三, 4 em) is wider than the 20 mm column: said at folio: paper
    assert caught.value.loc is not None and caught.value.loc.line == 20, caught.value
    assert "报眉" in str(caught.value) and "'城市日报'" in str(caught.value)
    assert not (tmp_path / "trial13-narrow-folio.pdf").exists()
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--no-cache", "-o", str(tmp_path), str(spec)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr
    errors = run.stderr.strip().splitlines()
    assert len(errors) == 1 and "trial13-narrow-folio.yaml:20:" in errors[0], run.stderr


@pytest.fixture(scope="module")
def fit(tmp_path_factory: pytest.TempPathFactory):
    return build_page(LAYOUT / "trial13-narrow-folio-fit.yaml", tmp_path_factory.mktemp("trial13-fit"))


def _folio_chars(pdf: Path, spec_path: Path) -> tuple[list[dict], float, float, float]:
    """The characters in the 报眉's lines, and the type area's left and right edges and the
    报眉's top, in the PDF's coordinates (from the MediaBox's top-left)."""
    spec, _ = load_page_spec(spec_path)
    geo = PageGeometry(spec)
    origin = _trim_origin(pdf)
    top, bottom = origin + geo.line_top(0), origin + geo.line_top(spec.folio.lines)
    with pdfplumber.open(pdf) as doc:
        chars = [c for c in doc.pages[0].chars if top - 20 <= c["bottom"] and c["top"] <= bottom and c["text"].strip()]
    return chars, origin + geo.left, origin + geo.left + spec.grid.width, top


def _trim_origin(pdf: Path) -> float:
    """How far the TrimBox's top-left corner stands inside the MediaBox's (bleed and marks' margin)."""
    with pikepdf.open(pdf) as doc:
        media, trim = ([float(v) for v in doc.pages[0][key]] for key in ("/MediaBox", "/TrimBox"))
    assert abs((trim[0] - media[0]) - (media[3] - trim[3])) < 0.01
    return trim[0] - media[0]


def test_a_folio_too_wide_for_one_line_is_set_whole_on_two_within_the_type_area(fit) -> None:
    chars, left, right, top = _folio_chars(fit.pdf_path, LAYOUT / "trial13-narrow-folio-fit.yaml")
    text = "".join(c["text"] for c in chars)
    for part in ("城市日报", "2022年6月30日", "星期四", "第9版"):
        assert part in text, text  # nothing of it cut or lost
    for c in chars:  # inside the type area, under the 报眉's first line's top
        assert left - 0.01 <= c["x0"] and c["x1"] <= right + 0.01, (c["text"], c["x0"], c["x1"], left, right)
        assert c["top"] >= top - 0.01, (c["text"], c["top"], top)
    for i, a in enumerate(chars):  # none printed over another
        for b in chars[:i]:
            assert not (a["x0"] < b["x1"] - 0.01 and b["x0"] < a["x1"] - 0.01
                        and a["top"] < b["bottom"] - 0.01 and b["top"] < a["bottom"] - 0.01), (a["text"], b["text"])
    paper = next(c for c in chars if c["text"] == "城")
    date = next(c for c in chars if c["text"] == "年")
    assert paper["bottom"] < date["bottom"] - 5  # on two lines: the paper name over the date


def test_typography_warnings_on_the_folio_are_located_at_the_spec_s_folio() -> None:
    from pagesetter.proof.report import furniture_located

    spec, _ = load_page_spec(LAYOUT / "trial13-narrow-folio.yaml")
    gate = gate_pdf(MAIN)
    unlocated = [c for c in gate.check_warnings if c.warning.loc is None]
    assert len(unlocated) == 3  # what the trial saw: "page 1, baseline 112.61 pt: …", no file or line
    located = furniture_located(gate, spec, _trim_origin(MAIN))
    assert len(located.check_warnings) == len(gate.check_warnings)
    for c in located.check_warnings:  # at folio:, the file named from the project root as an article's is
        loc = c.warning.loc
        assert loc is not None and (loc.line, loc.column) == (spec.folio.loc.line, spec.folio.loc.column), c.warning
        assert (spec.root / loc.path).resolve() == Path(spec.folio.loc.path).resolve(), (loc, spec.root)
        assert c.warning.message.startswith("the folio (报眉), page 1, baseline 112.61 pt: "), c.warning.message


def _outside_bleed(pdf: Path) -> tuple[list[Box], list[Box], list[Box]]:
    """The marks: the stroked lines, filled patches and characters wholly outside the BleedBox."""
    with pikepdf.open(pdf) as doc:
        media = [float(v) for v in doc.pages[0].MediaBox]
        bleed = [float(v) for v in doc.pages[0].BleedBox]
    height = media[3]
    bx0, btop, bx1, bbottom = bleed[0], height - bleed[3], bleed[2], height - bleed[1]

    def outside(o: dict) -> bool:
        return o["x1"] <= bx0 + 0.01 or o["x0"] >= bx1 - 0.01 or o["bottom"] <= btop + 0.01 or o["top"] >= bbottom - 0.01

    def box(o: dict) -> Box:
        return o["x0"], o["top"], o["x1"], o["bottom"]

    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        lines = [box(o) for o in page.lines + page.curves if outside(o)]
        patches = [box(o) for o in page.rects if outside(o) and o.get("fill")]
        chars = [box(o) for o in page.chars if outside(o) and o["text"].strip()]
    return lines, patches, chars


def _meet(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


@pytest.mark.parametrize("name", ["trial13-narrow-marks", "trial13-narrow-folio-fit", "copy-weather", "masthead"])
def test_no_mark_meets_another(name: str, tmp_path: Path) -> None:
    built = build_page(LAYOUT / f"{name}.yaml", tmp_path)
    lines, patches, chars = _outside_bleed(built.pdf_path)
    assert len(patches) == 12 and len(lines) >= 8 + 4 * 6  # the control strip, crop marks, targets
    for patch in patches:  # the strip's patches touch one another, nothing else
        for other in lines + chars:
            assert not _meet(patch, other), (patch, other)
    for i, a in enumerate(chars):
        for b in lines:
            assert not _meet(a, b), (a, b)
