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
