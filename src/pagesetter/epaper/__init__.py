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
from pagesetter.content.model import Article
from pagesetter.epaper.site import EditionInfo, EpaperPage, article_order, info_of, write_site
from pagesetter.errors import InputError, Loc, Warning, display_folder, display_path
from pagesetter.fonts.manifest import FaceInfo
from pagesetter.pagetree import Page
from pagesetter.paths import inside, read_regular
from pagesetter.records import record
from pagesetter.spec.model import PageSpec
from pagesetter.spec.loader import project_root


@record(frozen=True)
class EpaperResult:
    folder: Path
    files: tuple[Path, ...]
    pages: int
    articles: int
    warnings: tuple[Warning, ...] = ()  # the build's (〓 printed, low-resolution photos …)
    pdfs: tuple[Path, ...] = ()  # each page's PDF, which `epaper` gates as `build` does
    combined: Path | None = None  # an edition's combined PDF


def default_folder(name: str) -> Path:
    return Path("output") / "epaper" / name


def site_of(spec_paths: Sequence[Path], pages: Sequence[Page], pdfs: Sequence[Path], out: Path,
            edition: EditionData | None = None, combined: Path | None = None) -> EpaperResult:
    """The site for built pages: each page's spec and articles read again as the build read them
    (cheap next to the build), so the text is the content's, exact."""
    built = []
    for spec_path, page, pdf in zip(spec_paths, pages, pdfs):
        spec, manifest, articles, _changes = load_inputs(spec_path, edition)
        built.append(EpaperPage(page, spec, as_printed(spec, manifest, articles), pdf, articles))
    info = EditionInfo(edition.name, edition.paper, edition.date, combined) if edition else info_of(built)
    files = write_site(built, out, info)
    # the articles the site lists: an ad is none (README), as edition.json counts them
    return EpaperResult(out, tuple(files), len(built), len(article_order(built)))


def as_printed(spec: PageSpec, manifest: dict[str, FaceInfo], articles: dict[str, Article]) -> dict[str, Article]:
    """The articles as print sets them: under ``missing_glyphs: substitute`` each character no face
    has is 〓, as the build put it (flow/glyphs.py, the same function): the 数字报 shows what print
    shows (trial 17b #8: a phone drew the character itself as an empty box, and the two editions
    differed exactly where a 校对 compares them). Under ``error`` the build has stopped before."""
    if spec.missing_glyphs != "substitute":
        return articles
    from pagesetter.flow.glyphs import missing_glyphs
    from pagesetter.fonts.face import FaceSet

    printed, _warnings = missing_glyphs(spec, articles, FaceSet(manifest))  # the build said each
    return printed


def print_folder(site: Path) -> Path | None:
    """The folder of the print PDFs the site stands beside, as `build --epaper` lays them out
    (OUT/<page>.pdf, the site in OUT/epaper/<name>/); None for a site written elsewhere (-o)."""
    return site.parent.parent if site.parent.name == "epaper" else None


def older_prints(result: EpaperResult) -> list[Path]:
    """The print PDFs beside the site (print_folder) that are not the pages it shows: a build is
    deterministic, so a PDF of other bytes is of other inputs, an earlier build's (trial 17b #6:
    after a correction, `epaper` published 李 beside the print's 黎, and the night desk sends the
    output folder as it stands). A page with no PDF there has no second text: not listed."""
    out = print_folder(result.folder)
    if out is None:
        return []
    older = []
    for pdf in (*result.pdfs, *([result.combined] if result.combined is not None else [])):
        beside = out / pdf.name
        if beside.is_file() and not beside.is_symlink() and read_regular(beside) != read_regular(pdf):
            older.append(beside)
    return older


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
        return replace(site, warnings=result.warnings, pdfs=tuple(result.page_paths), combined=result.combined)
    from pagesetter.build import build_page
    from pagesetter.spec.loader import load_spec

    name = load_spec(spec_path).name
    folder = out if out is not None else default_folder(name)
    check_folder(folder, spec_path)
    (folder / "pdf").mkdir(parents=True, exist_ok=True)
    built = build_page(spec_path, folder / "pdf", cache=cache)
    return replace(site_of([spec_path], [built.page], [built.pdf_path], folder), warnings=built.warnings,
                   pdfs=(built.pdf_path,))
