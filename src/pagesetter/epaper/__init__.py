"""数字报: the digital edition of a page or an edition, from the same build (site.py writes it).

The hot zones come from the page trees' frames, the text from the articles as read and normalised
for the build (not from the PDF), the page images from the built PDFs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Sequence

from pagesetter.build import EditionData, load_inputs
from pagesetter.cache import DiskCache
from pagesetter.epaper.site import EditionInfo, EpaperPage, info_of, write_site
from pagesetter.errors import InputError, Loc, Warning, display_folder, display_path
from pagesetter.pagetree import Page
from pagesetter.paths import inside
from pagesetter.records import record
from pagesetter.spec.loader import project_root


@record(frozen=True)
class EpaperResult:
    folder: Path
    files: tuple[Path, ...]
    pages: int
    articles: int
    warnings: tuple[Warning, ...] = ()  # the build's (〓 printed, low-resolution photos …)
    pdfs: tuple[Path, ...] = ()  # each page's PDF, which `epaper` gates as `build` does


def default_folder(name: str) -> Path:
    return Path("output") / "epaper" / name


def site_of(spec_paths: Sequence[Path], pages: Sequence[Page], pdfs: Sequence[Path], out: Path,
            edition: EditionData | None = None, combined: Path | None = None) -> EpaperResult:
    """The site for built pages: each page's spec and articles read again as the build read them
    (cheap next to the build), so the text is the content's, exact."""
    built = []
    for spec_path, page, pdf in zip(spec_paths, pages, pdfs):
        spec, _manifest, articles, _changes = load_inputs(spec_path, edition)
        built.append(EpaperPage(page, spec, articles, pdf))
    info = EditionInfo(edition.name, edition.paper, edition.date, combined) if edition else info_of(built)
    files = write_site(built, out, info)
    count = len({f.article for p in built for f in p.page.frames if f.article in p.articles})
    return EpaperResult(out, tuple(files), len(built), count)


def check_folder(out: Path, spec_path: Path) -> None:
    """The site is written inside the project only."""
    root = project_root(spec_path)
    if not inside(out, root):
        raise InputError(Loc.of_file(spec_path), f"the e-paper folder {display_path(out)} is outside the project "
                         f"folder {display_folder(root)}; choose a folder inside it (default: output/epaper/NAME)")
    if out.exists() and not out.is_dir():
        raise InputError(None, f"{display_path(out)}: is a file, where the e-paper folder was expected")


def make_epaper(spec_path: Path, out: Path | None, cache: DiskCache, *, edition: bool,
                progress=None) -> EpaperResult:  # type: ignore[no-untyped-def]
    """``pagesetter epaper``: build the page or edition (its PDFs go into the site's pdf/ folder,
    for download), then write the site."""
    if edition:
        from pagesetter.edition import build_edition, load_edition

        ed = load_edition(spec_path)
        folder = out if out is not None else default_folder(ed.name)
        check_folder(folder, spec_path)
        result = build_edition(spec_path, folder / "pdf", cache=cache, progress=progress)
        site = site_of(ed.pages, result.pages, result.page_paths, folder, ed.data, result.combined)
        return replace(site, warnings=result.warnings, pdfs=tuple(result.page_paths))
    from pagesetter.build import build_page
    from pagesetter.spec.loader import load_spec

    name = load_spec(spec_path).name
    folder = out if out is not None else default_folder(name)
    check_folder(folder, spec_path)
    (folder / "pdf").mkdir(parents=True, exist_ok=True)
    built = build_page(spec_path, folder / "pdf", cache=cache)
    return replace(site_of([spec_path], [built.page], [built.pdf_path], folder), warnings=built.warnings,
                   pdfs=(built.pdf_path,))
