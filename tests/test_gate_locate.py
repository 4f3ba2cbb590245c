"""The gate's location of a finding (proof/typography.py _locate, _placed): each drawn character's
article and its offset among that article's characters, made with the box tests inlined (it runs
for every character of a page with a finding), is what the plain reading of the rule gives: the
first block holding the character, the block that held the one before tried first, else the nearest."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pagesetter.proof.readback import PageChars, read_chars
from pagesetter.proof.record import owner
from pagesetter.proof.typography import _placed, blocks, pdf_records

Box = tuple[float, float, float, float]


def _holds(box: Box, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def placed_plainly(page: PageChars, found: list[tuple[str, Box]]) -> dict[int, tuple[str, int]]:
    """The rule as written before it was made faster (main at faf15ac)."""
    counts: dict[str, int] = {}
    out: dict[int, tuple[str, int]] = {}
    if not found:
        return out
    boxes = [box for _, box in found]
    earlier = [[i for i in range(k) if boxes[i][0] <= x1 and x0 <= boxes[i][2] and boxes[i][1] <= y1 and y0 <= boxes[i][3]]
               for k, (x0, y0, x1, y1) in enumerate(boxes)]
    last: int | None = None
    for c in page.chars:
        if c.text.isspace():
            continue
        x, y = c.x, page.height - c.baseline
        if last is not None and _holds(boxes[last], x, y) and not any(_holds(boxes[i], x, y) for i in earlier[last]):
            article = found[last][0]
        else:
            last = next((k for k, box in enumerate(boxes) if _holds(box, x, y)), None)
            article = found[last][0] if last is not None else owner(c, page.height, found)
        if article is not None:
            out[id(c)] = (article, counts.get(article, 0))
            counts[article] = counts.get(article, 0) + 1
    return out


def _seed(seed_build) -> tuple[PageChars, list[tuple[str, Box]]]:  # type: ignore[no-untyped-def]
    pdf = Path(seed_build.pdf_path)
    return read_chars(pdf)[0], blocks(pdf_records(pdf)[0])


def test_the_seed_pages_characters_placed_as_the_rule_says(seed_build) -> None:  # type: ignore[no-untyped-def]
    page, found = _seed(seed_build)
    # the page's blocks share edges (a character on one is tried against the earlier block) and
    # some characters lie in no block (the nearest is taken): every branch of the rule is taken
    assert len(found) > 3
    got = _placed(page, found)
    assert got == placed_plainly(page, found)
    assert len({article for article, _ in got.values()}) == len({a for a, _ in found})


_coord = st.floats(min_value=-50, max_value=1300, allow_nan=False)


@st.composite
def _blocks(draw) -> list[tuple[str, Box]]:  # type: ignore[no-untyped-def]
    out = []
    for n in range(draw(st.integers(min_value=0, max_value=7))):
        x0, x1 = sorted((draw(_coord), draw(_coord)))
        y0, y1 = sorted((draw(_coord), draw(_coord)))
        out.append((draw(st.sampled_from(("a", "b", "c", f"x{n}"))), (x0, y0, x1, y1)))
    return out


@settings(max_examples=60)
@given(found=_blocks())
def test_any_blocks_place_the_characters_as_the_rule_says(seed_build, found) -> None:  # type: ignore[no-untyped-def]
    """Overlapping, nested, empty and missing blocks, over the seed page's real characters."""
    page, _ = _seed(seed_build)
    assert _placed(page, found) == placed_plainly(page, found)
