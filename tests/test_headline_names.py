"""A name in a headline is never hyphenated, and a name parted is said (trial 17 #1: a 1-column
block printed the title Antetok- / ounmpo and the kicker Jean-Philippe / Mateta, exit 0, no
warning). Built from tests/pages/layout/headline-names.yaml and read back with pdftotext."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pagesetter.build import build_page

PAGES = Path(__file__).resolve().parent / "pages"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGES / "layout" / "headline-names.yaml", tmp_path_factory.mktemp("names"), allow_overset=True)


def _said(built, kind: str) -> list[str]:
    return [str(w) for w in built.warnings if w.kind == kind]


def test_a_name_wider_than_the_headline_is_overset_not_hyphenated(built) -> None:
    assert sorted(o.article for o in built.page.overset) == ["narrow", "vshort"], built.page.overset
    over = [w for w in _said(built, "overset") if "Antetokounmpo" in w]
    assert len(over) == 1 and "narrow.md:3" in over[0] and "more cols" in over[0], over


def test_the_kicker_parted_between_the_names_words_is_warned(built) -> None:
    said = [w for w in _said(built, "headline-break") if "the kicker" in w]
    assert len(said) == 1 and "Jean-Philippe / Mateta" in said[0] and "narrow.md:2" in said[0], said


def test_the_subtitle_parted_is_warned_as_before(built) -> None:
    assert any("the subtitle breaks inside the Latin run" in w for w in _said(built, "headline-break"))


def test_a_vertical_headline_keeps_each_name_whole(built) -> None:
    text = subprocess.run(["pdftotext", str(built.pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Jean-Philippe Mateta" in text and "Giannis Antetokounmpo" in text, text
    assert not any("vertical" in w for w in _said(built, "headline-break"))


def test_a_vertical_name_deeper_than_its_column_is_overset_not_parted(built) -> None:
    """vshort's title Antetokounmpo砍下38分 in a block of 8 lines: the turned name is deeper than the
    column, so the vertical headline is overset (as before), never the name parted."""
    over = [w for w in _said(built, "overset") if "vshort" in w]
    assert len(over) == 1 and "does not fit" in over[0], over
    cut = next(o for o in built.page.overset if o.article == "vshort")
    assert cut.chars == len("Antetokounmpo砍下38分"), cut  # the whole title, no piece of the name set
