"""The make-up desk (`pagesetter serve`) marks a page the gate refuses as `build` does.

Before: serve built its page with overset allowed and gated it aside, for the verdicts only: a
page with a 58 ppi photo (`build` exits 6 and writes it with 预检未过 PREFLIGHT FAILED: NOT FOR
PRINT first in its slug) lay in serve's folder, and was drawn for the desk and offered as
/preview.png, with a good page's slug. Now the verdicts decide the mark, and the page is built
again with it (at once when the caller waits for them, else by the watcher, forced); an edition's
pages are marked by build_edition itself. Pages read back: tests/pages/layout/low-resolution.yaml."""

from __future__ import annotations

import time
from pathlib import Path

from pagesetter.build import REFUSED_SLUGS
from pagesetter.proof.readback import read_chars

LAYOUT = Path(__file__).resolve().parent / "pages" / "layout"
MARK = REFUSED_SLUGS["preflight"]


def _slug(pdf: Path, name: str) -> str:
    text = "".join(c.text for c in read_chars(pdf)[0].chars)
    return text[text.rindex(f"{name}.pdf") - 60:]


def test_the_desks_refused_page_carries_the_mark_in_what_it_writes_and_draws(tmp_path: Path) -> None:
    from pagesetter.serve import LiveState

    state = LiveState(LAYOUT / "low-resolution.yaml", tmp_path / "live", 30.0)
    assert state.rebuild(wait_for_verdicts=True) and state.ok, state.error
    (view,) = state.pages
    assert MARK.replace(" ", "", 1) in _slug(view.pdf, "low-resolution")
    assert state.status()["refused"] == [MARK]
    assert "error: resolution" in state.status()["preflight"]
    # what the desk offers (/preview.png) is drawn from that file
    assert state.picture(0, "png").startswith(b"\x89PNG")


def test_the_watchers_build_marks_the_page_once_its_verdicts_are_in(tmp_path: Path) -> None:
    """serve's own way: the page published at once, its verdicts checked aside (serve stays
    responsive), then the watcher forced to build it again, marked."""
    from pagesetter.serve import LiveState

    state = LiveState(LAYOUT / "low-resolution.yaml", tmp_path / "live", 30.0)
    assert state.rebuild() and state.ok, state.error
    assert state.status()["refused"] == [""]  # the first picture is up before the check
    deadline = time.monotonic() + 120
    while not state.force.is_set() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert state.force.is_set(), "the check did not ask for the marked build"
    assert state.rebuild(wait_for_verdicts=True) and state.ok, state.error  # as the watcher would
    assert MARK.replace(" ", "", 1) in _slug(state.pages[0].pdf, "low-resolution")
    assert state.status()["refused"] == [MARK]


def test_a_good_page_and_an_editions_refused_page_on_the_desk(tmp_path: Path) -> None:
    from pagesetter.serve import LiveState

    good = LiveState(LAYOUT / "cmyk-tagged.yaml", tmp_path / "good", 30.0)
    assert good.rebuild(wait_for_verdicts=True) and good.ok, good.error
    assert "NOT FOR PRINT" not in _slug(good.pages[0].pdf, "cmyk-tagged")
    assert good.status()["refused"] == [""]
    edition = LiveState(LAYOUT / "refused-edition.yaml", tmp_path / "edition", 30.0)
    assert edition.rebuild(wait_for_verdicts=True) and edition.ok, edition.error
    marks = [MARK, "", REFUSED_SLUGS["set-over"]]
    assert edition.status()["refused"] == marks
    for view, mark in zip(edition.pages, marks):
        slug = _slug(view.pdf, view.name)
        assert (mark.replace(" ", "", 1) in slug) if mark else "NOT FOR PRINT" not in slug, slug
