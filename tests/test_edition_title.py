"""A page's PDF says the same title built alone and in its edition (trial 15: its first headline
built alone, its page name in the edition), its proof too."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from pagesetter.build import build_page
from pagesetter.edition import build_edition

LAYOUT = Path(__file__).resolve().parent.parent / "layout"


def _title(pdf: Path) -> str:
    with pikepdf.open(pdf) as doc:
        return str(doc.docinfo["/Title"])


def test_a_page_has_one_title_alone_and_in_its_edition(tmp_path: Path) -> None:
    edition = build_edition(LAYOUT / "tabloid-edition.yaml", tmp_path / "edition", proof=True)
    alone = build_page(LAYOUT / "tabloid-1.yaml", tmp_path / "alone", allow_overset=True, proof=True)
    in_edition = edition.page_paths[0]
    assert _title(in_edition) == _title(alone.pdf_path) != "tabloid-1"
    assert _title(in_edition.with_suffix("").with_suffix(".proof.pdf")) == _title(alone.pdf_path) + " (proof)"
