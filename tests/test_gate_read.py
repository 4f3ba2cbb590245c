"""The gate's read-back and typography check take shortcuts (issue 21, speed): each must give
what the plain rule gives. Checked here on the seed page as built, against the rules written
out the slow way."""

from __future__ import annotations

from pagesetter.compose.linebreak import SPAN_CONTEXT, SPLIT_SPANS, split_kinds
from pagesetter.proof.readback import read_chars
from pagesetter.proof.record import NEAR, blocks
from pagesetter.proof.typography import _placed, _records


def _owner_by_distance(c, height: float, boxes) -> str | None:  # type: ignore[no-untyped-def]
    """record.owner as first written: the first block at distance 0, else the nearest within NEAR em."""
    y = height - c.baseline
    best, distance = None, NEAR * max(c.size, 1.0)
    for name, (x0, y0, x1, y1) in boxes:
        d = max(x0 - c.x, c.x - x1, 0.0) + max(y0 - y, y - y1, 0.0)
        if d == 0.0:
            return name
        if d <= distance:
            best, distance = name, d
    return best


def _placed_slowly(page, boxes) -> dict[int, tuple[str, int]]:  # type: ignore[no-untyped-def]
    counts: dict[str, int] = {}
    out: dict[int, tuple[str, int]] = {}
    for c in page.chars:
        if boxes and not c.text.isspace() and (article := _owner_by_distance(c, page.height, boxes)) is not None:
            out[id(c)] = (article, counts.get(article, 0))
            counts[article] = counts.get(article, 0) + 1
    return out


def test_placed_is_the_owner_rule(seed_build) -> None:
    """Each character's article and offset, the block before tried first, is the owner rule's
    answer: with the page's own blocks, in reverse order, and with a block laid over the others
    (where the first holding block is not the one that held the character before)."""
    page = read_chars(seed_build.pdf_path)[0]
    own = blocks(_records(seed_build.pdf_path)[0])
    assert len(own) > 3
    over = ("over", (0.0, 0.0, page.width, page.height / 2))
    for boxes in (own, own[::-1], own[:2] + [over] + own[2:], [over] + own):
        assert _placed(page, boxes) == _placed_slowly(page, boxes)
    assert len(set(article for article, _ in _placed(page, own).values())) > 3


def test_split_kinds_is_each_pattern_searched(seed_build) -> None:
    """split_kinds, which first looks for a digit, names what searching each pattern names, at
    every line end the seed page's text could have (and where a span is cut)."""
    text = "".join(c.text for c in read_chars(seed_build.pdf_path)[0].chars)
    cuts = [k for k in range(1, len(text)) if text[k - 1].isdigit() or text[k].isdigit()] + list(range(1, len(text), 7))
    found = 0
    for k in cuts:
        tail, head = text[max(0, k - SPAN_CONTEXT):k], text[k:k + SPAN_CONTEXT]
        joined, cut = tail + head, len(tail)
        slowly = [(kind, hard) for kind, hard, pattern in SPLIT_SPANS
                  if any(m.start() < cut < m.end() for m in pattern.finditer(joined))]
        assert split_kinds(tail, head) == slowly, (tail, head)
        found += bool(slowly)
    assert found > 10  # the page's numbers, dates and ranges are cut somewhere
