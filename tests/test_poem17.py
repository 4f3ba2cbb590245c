"""A 副刊's poems and notes (a new user's trial 17b, FINDINGS #1, #2; tests/pages/layout/poem17.yaml).

#1: a poet steps verse lines in with U+3000 (　　我不问来路，). Every leading U+3000 was removed
and reported as a count (``6× ⟨U+3000⟩ removed``, no place): the stepped lines stood as the others.
Now each U+3000 at the head of a ``::: noindent`` line is an em of first-line indent, printed (in a
centred style the line stands centred with its indent, as a style's indent is; flush left, that
many ems in); in a body paragraph the style's own indent stands and a typed one is removed, named
at its line. #2: a numbered 注释 list in a centred poem style was half centred line by line (its
turnover centred, read as a new line), half justified, and one of its lines failed `check` as off
the measure: a list is notes, set justified, whatever the body's align. Read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.report import normalised_line
from pagesetter.proof.typography import check_pdf, pdf_frames

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "poem17.yaml"
EDGE = 0.1  # pt


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("poem17"))


def _columns(built, article: str) -> list[tuple[float, float]]:
    return sorted((f["x0"], f["x1"]) for f in pdf_frames(built.pdf_path)[0]
                  if f["kind"] == "body" and f["article"] == article)


def _rows(built, article: str, size: float) -> list[list[Char]]:
    """The article's body lines in type of ``size``, column by column, top to bottom."""
    columns = _columns(built, article)
    rows: dict[tuple[int, float], list[Char]] = {}
    for c in read_chars(built.pdf_path)[0].chars:
        if abs(c.size - size) > 0.01 or c.text.isspace():
            continue
        for k, (x0, x1) in enumerate(columns):
            if x0 - 0.6 * size <= c.x < x1:  # an opening 《 at a line's head: its blank hangs left
                rows.setdefault((k, round(c.baseline, 1)), []).append(c)
    return [sorted(cs, key=lambda c: c.x) for _, cs in sorted(rows.items())]


def _line(rows: list[list[Char]], text: str) -> list[Char]:
    return next(r for r in rows if "".join(c.text for c in r).startswith(text))


def _end(c: Char, size: float) -> float:
    return c.x + size * (0.5 if c.text in "，、；：" else 1.0)


STEPS = (("我是一条河", 0), ("我不问来路", 2), ("也不问归期", 4), ("只把两岸", 0))


@pytest.mark.parametrize("text,step", STEPS)
def test_a_stepped_verse_line_flush_left_stands_that_many_ems_in(built, text: str, step: int) -> None:
    size = built.spec.styles["poem-left"].size
    (x0, _), = _columns(built, "step-left")
    first = _line(_rows(built, "step-left", size), text)[0]
    assert first.x - x0 == pytest.approx(step * size, abs=EDGE), (text, first.x - x0)


@pytest.mark.parametrize("text,step", STEPS[:3])  # the fourth turns over (flow/verse.py)
def test_a_stepped_verse_line_centred_stands_centred_with_its_step(built, text: str, step: int) -> None:
    """The white left of the text is the white right of it plus the step: the line, its indent
    included, centred on the measure (as a centred style's first-line indent is)."""
    size = built.spec.styles["poem"].size
    (x0, x1), = _columns(built, "step-centre")
    row = _line(_rows(built, "step-centre", size), text)
    left, right = row[0].x - x0, x1 - _end(row[-1], size)
    assert left - right == pytest.approx(step * size, abs=0.6), (text, left, right)


def test_no_u3000_of_a_verse_line_is_removed(built) -> None:
    assert not [c for c in built.changes if c.before == "\u3000" and "step" in str(c.loc)]


def test_copy_typed_with_two_u3000_gets_one_indent_named_at_its_lines(built) -> None:
    size = built.spec.styles["body"].size
    (x0, _), = _columns(built, "typed")
    rows = _rows(built, "typed", size)
    for text in ("这是一段", "第二段也"):
        assert _line(rows, text)[0].x - x0 == pytest.approx(2 * size, abs=EDGE), text
    line = normalised_line(built.changes)
    assert "4× ⟨U+3000⟩ removed" in line
    assert "content/poem17/typed.md:5" in line and "content/poem17/typed.md:7" in line, line


def test_a_notes_list_under_a_centred_poem_is_set_as_notes(built) -> None:
    """Every line of the 注释 list starts at the column's left edge (no item centred line by line);
    every line but an item's last ends at the measure (justified)."""
    size = built.spec.styles["poem"].size
    columns = _columns(built, "notes")
    rows = _rows(built, "notes", size)
    items = [r for r in rows if any("".join(c.text for c in r).startswith(n) for n in "1234")]
    assert len(items) == 4
    start = rows.index(items[0])
    notes = rows[start:]
    for k, row in enumerate(notes):
        x0, x1 = next((a, b) for a, b in columns if a - 0.6 * size <= row[0].x < b)
        text = "".join(c.text for c in row)
        assert row[0].x - x0 == pytest.approx(-size / 2 if text[0] in "《“" else 0, abs=EDGE), text
        last = k + 1 == len(notes) or notes[k + 1] in items
        if not last:
            assert _end(row[-1], size) == pytest.approx(x1, abs=0.6), text


def test_check_passes_the_page(built) -> None:
    report = check_pdf(built.pdf_path)
    assert not report.off_measure, [str(f) for f in report.off_measure]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from conftest import ROOT, copy_project
    from pagesetter.cli import main

    project = copy_project(tmp_path_factory.mktemp("poem17-epaper"))
    shutil.copytree(ROOT / "tests" / "pages", project / "tests" / "pages")
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    folder = project / "output" / "epaper" / "poem17"
    assert main(["epaper", str(project / "tests/pages/layout/poem17.yaml"), "-o", str(folder), "-q"]) == 0
    return folder


@pytest.mark.parametrize("article", ["step-centre", "step-left"])
def test_the_epaper_sets_the_steps_as_print_does(site: Path, article: str) -> None:
    """Each verse line's text-indent is its step in ems, its text without the U+3000s (print's indent)."""
    import re

    html = (site / f"a-{article}.html").read_text(encoding="utf-8")
    paras = re.findall(r'<p class="para noindent[^"]*"[^>]*text-indent: ([0-9.]+)em[^>]*>([^<]*)', html)
    assert len(paras) == len(STEPS)
    assert [(float(indent), text[:len(want)]) for (indent, text), (want, _) in zip(paras, STEPS)] == \
        [(float(step), want) for want, step in STEPS]


def test_the_epaper_sets_the_notes_list_justified(site: Path) -> None:
    import re

    html = (site / "a-notes.html").read_text(encoding="utf-8")
    items = re.findall(r'<p class="para item"[^>]*text-align: (\w+)', html)
    assert items == ["justify"] * 4, items


def test_the_notes_heading_stands_with_its_list(built) -> None:
    """**【注释】** (a paragraph that is one run-in lead) is not left alone at a column's foot: it
    stands in the column of the list's first item, on the grid line right above it."""
    size = built.spec.styles["poem"].size
    lead = built.spec.styles["lead"].size
    columns = _columns(built, "notes")
    chars = read_chars(built.pdf_path)[0].chars
    label = next(c for c in chars if c.text == "注" and abs(c.size - lead) < 0.01
                 and any(x0 <= c.x < x1 for x0, x1 in columns))
    first = _line(_rows(built, "notes", size), "1")[0]
    column = [k for k, (x0, x1) in enumerate(columns) if x0 - 0.6 * size <= first.x < x1]
    assert column == [k for k, (x0, x1) in enumerate(columns) if x0 <= label.x < x1]
    assert first.baseline - label.baseline == pytest.approx(13.5, abs=0.01)  # the next grid line (pitch)
