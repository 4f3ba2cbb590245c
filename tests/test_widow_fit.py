"""Fitting weighs a paragraph's last line alone at a column's head (段末孤行), and keeps it from there
where a make-up editor would: a variant that fills as well without one (the seed page's
dongliao-police: headline +1 line, photo -1 line, rather than photo +1 line), else the paragraph set
a line shorter and another a line longer, every line within the style's spacing limits (the
front page's lead, which has no fit bounds and no line to spare). Both pages built as shipped and
read back from their PDFs: `check` finds no such line, nor does reading the columns' heads."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page, load_inputs
from pagesetter.compose.lines import compose_paragraph
from pagesetter.compose.spacing import GAP_RULES, GapKind
from pagesetter.flow.article import Fill, _setting
from pagesetter.flow.fit import NO_CHANGE, Variant, score
from pagesetter.flow.geometry import PageGeometry, module_geometry
from pagesetter.fonts.face import FaceSet
from pagesetter.proof.typography import check_pdf
from tests.test_keep_ends import _columns

ROOT = Path(__file__).resolve().parent.parent
ALONE = "alone at a column's head"


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory):
    return build_page(ROOT / "layout" / "seed-page.yaml", tmp_path_factory.mktemp("seed-widow"))


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory):
    return build_page(ROOT / "layout" / "front-page.yaml", tmp_path_factory.mktemp("front-widow"))


def _heads(pdf: Path, article: str) -> tuple[list[list[str]], list[str]]:
    """The article's columns as read back (each its lines, top to bottom), and the first line of
    every column after the first."""
    columns = [col for col in _columns(pdf, article) if col]
    return columns, [col[0] for col in columns[1:]]


def test_the_seed_page_builds_with_no_widow(seed) -> None:
    assert not [str(w) for w in seed.warnings if w.kind != "fitted" and ALONE in w.message]
    report = check_pdf(seed.pdf_path)
    assert report.widows == [], report.text()
    columns, heads = _heads(seed.pdf_path, "dongliao-police")
    text = [line for col in columns for line in col]
    assert "情防控工作。" in text  # nothing lost: the paragraph's last line is in a column
    assert "情防控工作。" not in heads, columns
    # the variant chosen fills as the one that left it alone did (no white: no underset warning)
    fitted = [w.message for w in seed.warnings if w.kind == "fitted" and "'dongliao-police'" in w.message]
    assert fitted == ["'dongliao-police': headline +1 line, photo -1 line (0 empty lines)"], fitted
    assert not [w for w in seed.warnings if w.kind == "underset" and "dongliao" in w.message]


def test_the_front_page_builds_with_no_widow(front) -> None:
    assert not [str(w) for w in front.warnings if w.kind != "fitted" and ALONE in w.message]
    report = check_pdf(front.pdf_path)
    assert report.widows == [] and not report.very_loose, report.text()
    columns, heads = _heads(front.pdf_path, "lead")
    # the paragraph ends in the column it runs in: 常通航 at the foot of the first, not alone atop the next
    end = next(line for col in columns for line in col if line.endswith("常通航。"))
    assert end != "常通航。" and end not in heads and end == columns[0][-1], columns
    # the lead fills its columns as before: level, none short
    assert len({len(col) for col in columns}) == 1, [len(col) for col in columns]
    said = [w.message for w in front.warnings if w.kind == "fitted"]
    assert said == ["'lead': paragraph 4 (content/front-page/lead.md:17) a line shorter, paragraph 5 "
                    "(content/front-page/lead.md:19) a line longer (spaced within the style's limits), so no "
                    "paragraph's last line stands alone at a column's head"], said


def test_of_two_variants_that_fill_alike_the_one_without_a_widow_is_chosen() -> None:
    filled = Fill(82, 82, 0, 0)
    cheap, dear = Variant(0, 1), Variant(1, -1)
    assert score(filled, cheap, widows=1) > score(filled, dear, widows=0)
    assert score(filled, cheap, widows=0) < score(filled, dear, widows=0)  # else the cheaper change
    # white at the foot weighs more than a widow: a desk closes a hole before it rebreaks a paragraph
    assert score(Fill(82, 81, 0, 1), NO_CHANGE, widows=0) > score(filled, cheap, widows=1)


def test_a_paragraph_rebroken_a_line_shorter_or_longer_stays_within_the_spacing_limits() -> None:
    from pagesetter.compose.lines import rebreak_paragraph

    spec, manifest, articles, _ = load_inputs(ROOT / "layout" / "front-page.yaml")
    faces = FaceSet(manifest)
    entry = next(a for a in spec.articles if a.article == "lead")
    measure = module_geometry(PageGeometry(spec), entry).span_width(1)
    para = articles["lead"].paragraphs[3]  # the paragraph whose last line, 常通航。, opened a column
    runs, indent, justify = _setting(para, entry, spec.styles)
    as_set, _ = compose_paragraph(runs, measure, faces, indent=indent, justify=justify)
    assert as_set[-1].text == "常通航。"
    for more in (-1, 1):
        lines = rebreak_paragraph(runs, measure, faces, indent=indent, justify=justify, more=more)
        assert lines is not None and len(lines) == len(as_set) + more
        assert "".join(line.text for line in lines) == "".join(line.text for line in as_set)  # the same copy
        assert not any(line.overfull or line.set_short for line in lines)
        # spread no more than the line breaker's first pass allows, closed up no more than 1/16 em
        assert all(-GAP_RULES[GapKind.HAN].shrink - 1e-3 <= line.han_spread <= GAP_RULES[GapKind.HAN].stretch + 1e-3
                   for line in lines), [line.han_spread for line in lines]
        assert len(lines[-1].text.strip()) > 1  # no 孤字
    # a paragraph cannot be set thirteen lines shorter: None, not a line past the measure
    assert rebreak_paragraph(runs, measure, faces, indent=indent, justify=justify, more=-5) is None


def test_a_sessions_kept_fit_choice_knows_a_last_line_that_fills_the_measure() -> None:
    """A session keeps fitting's choice while what its trials measure is unchanged
    (flow/page.py fit_choice_key); a trial now counts a last line alone at a column's head only
    when it shows the paragraph's end (short of the measure), so that is part of the key."""
    from pagesetter.compose.lines import Line
    from pagesetter.flow.page import fit_choice_key

    body = Line((), 100.0, 100.0, "正文", False, 9.0)
    full, short = (Line((), 100.0, natural, "末行。", True, 9.0) for natural in (100.0, 40.0))
    from pagesetter.content.model import Article
    from pagesetter.errors import Loc

    article = Article("a", Path("a.md"), None, "t", None, None, (), (), Loc("a.md"))
    assert fit_choice_key(None, article, [body, full], None) != fit_choice_key(None, article, [body, short], None)
