"""A page the build's gate refuses is as plainly not for print as an overset one, and its 数字报
is not published.

Before (trial 15): main wrote low-resolution.pdf (a 58 ppi photo, exit 6) with a good page's slug
and nothing in the file saying it failed; furniture-folio-big.pdf (text set over the 报眉's rule,
exit 4) the same; `build --epaper` of a refused page (overset allowed, preflight, set-over) wrote
a complete site, the overset article's lost paragraphs included.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pagesetter.proof.readback import read_chars

LAYOUT = Path(__file__).resolve().parent / "pages" / "layout"


def _build(spec: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", "-o", str(out), *options, str(spec)],
                          capture_output=True, text=True, timeout=300)


def _slug(pdf: Path, name: str) -> str:
    text = "".join(c.text for c in read_chars(pdf)[0].chars)
    return text[text.rindex(f"{name}.pdf") - 60:]


def test_a_page_preflight_refuses_carries_not_for_print_in_its_slug_also_replayed(tmp_path: Path) -> None:
    for replayed in (False, True):  # built, then written again from the cache as recorded
        run = _build(LAYOUT / "low-resolution.yaml", tmp_path)
        assert run.returncode == 6, run.stderr
        assert ("unchanged since the last build" in run.stdout) == replayed, run.stdout
        assert "preflight error: resolution" in run.stderr
        slug = _slug(tmp_path / "low-resolution.pdf", "low-resolution")
        assert "预检未过PREFLIGHT FAILED: NOT FOR PRINT · low-resolution.pdf" in slug, slug
    # the independent reading agrees: preflight still fails the marked file
    check = subprocess.run([sys.executable, "-m", "pagesetter", "preflight", str(tmp_path / "low-resolution.pdf")],
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 6, check.stdout + check.stderr


def test_a_page_with_text_set_over_carries_not_for_print_in_its_slug(tmp_path: Path) -> None:
    run = _build(LAYOUT / "furniture-folio-big.yaml", tmp_path, "-q", "--no-cache")
    assert run.returncode == 4, run.stderr
    assert "TEXT SET OVER: NOT FOR PRINT" in _slug(tmp_path / "furniture-folio-big.pdf", "furniture-folio-big")


def test_a_good_page_s_slug_has_no_mark(tmp_path: Path) -> None:
    run = _build(LAYOUT / "cmyk-tagged.yaml", tmp_path, "-q", "--no-cache")
    assert run.returncode == 0, run.stderr
    assert "NOT FOR PRINT" not in _slug(tmp_path / "cmyk-tagged.pdf", "cmyk-tagged")


def test_no_epaper_is_published_for_a_page_the_build_refused(tmp_path: Path) -> None:
    cases = (("low-resolution.yaml", (), 6), ("furniture-folio-big.yaml", (), 4),
             ("trial-hlover-headline.yaml", ("--allow-overset",), 3))
    for spec, options, status in cases:
        run = _build(LAYOUT / spec, tmp_path, "-q", "--no-cache", "--epaper", *options)
        assert run.returncode == status, run.stderr
        assert "pagesetter: no e-paper written: the page is not fit to publish" in run.stderr, run.stderr
        assert not (tmp_path / "epaper" / Path(spec).stem).exists()
        assert (tmp_path / f"{Path(spec).stem}.pdf").exists()  # the marked PDF, for the desk to look at


def _slugs(pdf: Path, names: list[str]) -> list[str]:
    """Each page's slug line, from its name on (the combined PDF's pages, in order)."""
    pages = read_chars(pdf)
    assert len(pages) == len(names)
    out = []
    for page, name in zip(pages, names):
        text = "".join(c.text for c in page.chars)
        out.append(text[text.rindex(f"{name}.pdf") - 60:])
    return out


def test_an_editions_refused_pages_are_marked_in_their_pdfs_and_the_combined_one(tmp_path: Path) -> None:
    """Before: each page of an edition was rendered and gated in its worker, and never written again:
    a page refused inside an edition (exit 6 for the edition) carried a good page's slug, in its own
    PDF and in the combined one, and the build's last line named no page."""
    names = ["low-resolution", "cmyk-tagged", "furniture-folio-big"]
    # built afresh; then with the cache (built and recorded, or replayed when this test session
    # built these pages already: the desk's tests do); then replayed as recorded
    for options, replayed in ((("--no-cache",), False), ((), None), ((), True)):
        run = _build(LAYOUT / "refused-edition.yaml", tmp_path, *options)
        assert run.returncode == 6, run.stderr
        if replayed is not None:
            assert ("unchanged since the last build" in run.stdout) == replayed, run.stdout
        marks = ["预检未过PREFLIGHT FAILED: NOT FOR PRINT · low-resolution.pdf", None,
                 "压字TEXT SET OVER: NOT FOR PRINT · furniture-folio-big.pdf"]
        for name, mark in zip(names, marks):
            (slug,) = _slugs(tmp_path / f"{name}.pdf", [name])
            assert (mark in slug) if mark else ("NOT FOR PRINT" not in slug), (name, slug)
        for name, mark, slug in zip(names, marks, _slugs(tmp_path / "refused-edition.pdf", names)):
            assert (mark in slug) if mark else ("NOT FOR PRINT" not in slug), (name, slug)
        # the last line names the pages refused, and what their slugs say
        last = run.stderr.strip().splitlines()[-2:]
        assert any("low-resolution.pdf" in line and "furniture-folio-big.pdf" in line
                   and "NOT FOR PRINT" in line and "cmyk-tagged" not in line for line in last), run.stderr


def test_a_refused_page_with_no_slug_line_still_carries_its_mark_inside_the_trim(tmp_path: Path) -> None:
    """Before: marks: {slug: false} (or marks: false) left nowhere for the mark: the refused page
    carried none at all. A plant that asks for no slug imposes by the TrimBox, so the mark is set
    inside the trim, in the margin under the type area, where the plate and its proof show it."""
    import pdfplumber

    for name in ("low-resolution-no-slug", "low-resolution-no-marks"):
        run = _build(LAYOUT / f"{name}.yaml", tmp_path, "-q", "--no-cache")
        assert run.returncode == 6, run.stderr
        with pdfplumber.open(tmp_path / f"{name}.pdf") as pdf:
            page = pdf.pages[0]
            x0, top, x1, bottom = page.trimbox
            chars = [c for c in page.chars if top <= c["top"] and c["bottom"] <= bottom
                     and x0 <= c["x0"] and c["x1"] <= x1]
            text = "".join(c["text"] for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])))
            assert f"预检未过PREFLIGHT FAILED: NOT FOR PRINT · {name}.pdf" in text, text
            body = [c for c in page.chars if c["text"] == "雪"]
            mark = [c for c in chars if c["text"] == "预"]
            assert mark and all(mark[0]["top"] > c["bottom"] for c in body)  # under the page's text
    # a good page with no slug asked for has no line there
    good = tmp_path / "good"
    run = _build(LAYOUT / "cmyk-tagged-no-slug.yaml", good, "-q", "--no-cache")
    assert run.returncode == 0, run.stderr
    assert "NOT FOR PRINT" not in "".join(c.text for c in read_chars(good / "cmyk-tagged-no-slug.pdf")[0].chars)
