"""The 报眉's items two ems apart (README: folio), tests/pages/layout/folio-extra.yaml read back
from the PDF (trial 16 #5): the items were joined by two ASCII spaces, an em each between Chinese
(a display line's clause break) but the face's word space beside a Latin letter, so after
美编：Zoë Müller the next item stood 4.6 pt off at 9 pt, not 18."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import Char, read_chars

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "folio-extra.yaml"
ITEMS = ("第9版", "国际新闻", "责任编辑：欧阳·穆罕默德", "美编：ZoëMüller", "校对：张华", "AP供图")


@pytest.fixture(scope="module")
def folio_row(tmp_path_factory: pytest.TempPathFactory) -> list[Char]:
    result = build_page(PAGE, tmp_path_factory.mktemp("folio-extra"))
    chars = [c for c in read_chars(result.pdf_path)[0].chars if c.text.strip()]
    last = next(c for c in chars if c.text == "图")  # AP供图 ends the 报眉's right-hand part
    return sorted((c for c in chars if abs(c.baseline - last.baseline) < 0.01), key=lambda c: c.x)


def test_items_are_two_ems_apart(folio_row) -> None:
    text = "".join(c.text for c in folio_row)
    start = text.index(ITEMS[0])
    assert text[start:] == "".join(ITEMS), text
    at = start
    gaps = []
    for item, after in zip(ITEMS, ITEMS[1:]):
        end = folio_row[at + len(item) - 1]
        nxt = folio_row[at + len(item)]
        assert nxt.text == after[0]
        # from the end of the item's last character's advance to the next item's first origin
        gaps.append((f"{end.text}→{nxt.text}", (nxt.x - end.right) / end.size))
        at += len(item)
    assert all(gap == pytest.approx(2.0, abs=0.05) for _, gap in gaps), gaps
