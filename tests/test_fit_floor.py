"""Fitting chooses a variant a layout desk would accept (issue 17 follow-up, a new user's 要闻
page): a short story whose module fills only when its photo is deepened 9 lines, leaving legs of
5 body lines under it, keeps legs at least an inch deep and its photo within a third of its depth and says what would fill;
the same module with text enough is filled with a headline line, not the photo. Read back from
the PDF's layout record and its text."""

from __future__ import annotations

import re

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.flow.fit import leg_floor
from pagesetter.flow.geometry import PageGeometry
from pagesetter.proof.readback import read_chars
from pagesetter.proof.typography import pdf_frames

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "fit-floor.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("fit-floor"))


def _frames(built, article: str, kind: str) -> list[dict]:
    return [f for f in pdf_frames(built.pdf_path)[0] if f["article"] == article and f["kind"] == kind]


def _leg(built, article: str) -> float:
    """Grid lines between the foot of the photo's caption and the block's foot, as printed: the
    standoff under the caption, the leg of body text and the line the foot rule takes."""
    caption = _frames(built, article, "caption")[0]
    block = _frames(built, article, "block")[0]
    return (caption["y0"] - block["y0"]) / built.spec.grid.pitch


def test_the_floor_is_an_inch_in_grid_lines(built) -> None:
    assert leg_floor(PageGeometry(built.spec)) == 6  # 72 pt on the 13.5 pt pitch


def test_a_short_story_keeps_legs_a_desk_accepts_and_is_told_what_would_fill(built) -> None:
    leg = _leg(built, "flight") - 2  # less the standoff and the rule's line
    assert leg >= 6 - 0.01, leg  # was 5: the photo deepened 9 lines to fill
    photo = _frames(built, "flight", "photo")[0]
    depth = round((photo["y1"] - photo["y0"]) / built.spec.grid.pitch)
    assert depth <= 14 + 4  # never more than a third of its written depth (PHOTO_SHARE)
    said = [str(w) for w in built.warnings if "'flight'" in w.message]
    assert any("layout: 'flight': only" in w and "photo +" in w and "would fill" in w and "legs of 5" in w
               for w in said), said
    # the body still reads under the photo, every character of it
    text = "".join(c.text for c in read_chars(built.pdf_path)[0].chars)
    assert "标志着澄州至东京国际航线正式复航" in text


def test_a_story_with_text_enough_is_filled_by_its_headline_not_its_photo(built) -> None:
    notes = [w.message for w in built.warnings if "'flight-long'" in w.message]
    # by the headline alone (no photo change); a line of white is what fitting tolerates, and how many
    # the copy leaves moves with the line breaker
    assert len(notes) == 1 and re.fullmatch(r"'flight-long': headline \+1 line \((?:1 empty line|0 empty lines)\)", notes[0]), notes
    assert _leg(built, "flight-long") - 2 >= 6 - 0.01
