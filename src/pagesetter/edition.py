"""Editions: several pages built together, jumps carried between them, pages rendered in parallel.

An edition file::

    edition:
      name: tabloid-edition          # the combined PDF: OUT/<name>.pdf
      paper: 城市日报                 # shared 报眉 data, overriding each page's
      date: 2022-06-30
      pages: [tabloid-1.yaml, tabloid-2.yaml]   # page specs, relative to this file, in order

Pages are laid out in order in this process (a jump needs the page before it), then rendered on
all cores (the costly part: fonts and images), then written one PDF a page plus the combined PDF.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pagesetter.build import (
    EditionData, load_inputs, load_memo, overset_message, save_memo, with_marks, with_unplaced_jumps,
    write_atomically,
)
from pagesetter.cache import DiskCache, default_cache
from pagesetter.compose.lines import Line
from pagesetter.errors import InputError, OversetError, Warning
from pagesetter.flow.page import flow_page
from pagesetter.fonts.face import FaceSet
from pagesetter.fonts.manifest import FaceInfo
from pagesetter.pagetree import Page
from pagesetter.render.pdf import render_pdf
from pagesetter.spec import validate as v
from pagesetter.spec.loader import _check_date
from pagesetter.yamlsource import load_yaml


@dataclass(frozen=True)
class Edition:
    name: str
    path: Path
    data: EditionData
    pages: tuple[Path, ...]


@dataclass(frozen=True)
class EditionResult:
    edition: Edition
    pages: tuple[Page, ...]
    page_paths: tuple[Path, ...]
    combined: Path
    warnings: tuple[Warning, ...]


def is_edition(path: Path) -> bool:
    root = load_yaml(path)
    return root.is_map and "edition" in root.value


def load_edition(path: Path) -> Edition:
    root = v.expect_map(load_yaml(path), "an edition file")
    v.check_keys(root, ("edition",), "an edition file", required=("edition",))
    node = v.expect_map(root.get("edition"), "edition")  # type: ignore[arg-type]
    v.check_keys(node, ("name", "paper", "date", "pages"), "edition", required=("paper", "date", "pages"))
    date = v.text(node.get("date"), "date")  # type: ignore[arg-type]
    _check_date(node.get("date"), date)  # type: ignore[arg-type]
    pages = []
    for n in v.expect_list(node.get("pages"), "pages"):  # type: ignore[arg-type]
        page = (path.parent / v.text(n, "page")).resolve()
        if not page.is_file():
            raise InputError(n.loc, f"page spec {n.value!r} not found")
        pages.append(page)
    if not pages:
        raise InputError(node.get("pages").loc, "an edition needs at least one page")  # type: ignore[union-attr]
    name = v.text(node.get("name"), "name") if node.get("name") else path.stem
    return Edition(name, path, EditionData(v.text(node.get("paper"), "paper"), date), tuple(pages))  # type: ignore[arg-type]


def build_edition(path: Path, out_dir: Path, *, allow_overset: bool = False, jobs: int | None = None,
                  progress: Callable[[str], None] | None = None, cache: DiskCache | None = None) -> EditionResult:
    cache = default_cache() if cache is None else cache
    edition = load_edition(path)
    say = progress or (lambda message: None)
    pages: list[Page] = []
    names: list[str] = []
    manifests: list[dict[str, FaceInfo]] = []
    warnings: list[Warning] = []
    carried: dict[str, tuple[Line, ...]] = {}
    specs = []
    faces_list = []
    faces_by_manifest: dict[tuple, FaceSet] = {}
    memo_keys: dict[tuple, str] = {}
    for page_path in edition.pages:
        spec, manifest, articles, _ = load_inputs(page_path, edition.data)
        key = tuple(sorted((k, str(f.path)) for k, f in manifest.items()))
        if key not in faces_by_manifest:
            faces_by_manifest[key] = FaceSet(manifest)
            memo_keys[key] = load_memo(faces_by_manifest[key], path, cache)
        faces = faces_by_manifest[key]
        flowed = flow_page(spec, articles, faces, carried)
        say(f"laid out page {len(pages) + 1}/{len(edition.pages)}: {spec.name}")
        specs.append(spec)
        faces_list.append(faces)
        for aspec in spec.articles:
            if aspec.continued_from is not None:
                carried.pop(aspec.article, None)
        carried.update(flowed.leftovers)
        pages.append(flowed.page)
        names.append(spec.name)
        manifests.append(manifest)
        warnings += flowed.warnings
    for key, faces in faces_by_manifest.items():
        save_memo(faces, memo_keys[key], cache)
    if carried:  # a jump to a page the edition does not have
        pages[-1] = with_unplaced_jumps(pages[-1], carried)
    overset = [p for p in pages if p.overset]
    if overset and not allow_overset:
        raise OversetError("; ".join(f"page {p.name}: {overset_message(p)}" for p in overset))
    printed = [with_marks(p, s, f) for p, s, f in zip(pages, specs, faces_list)]
    say(f"rendering {len(pages)} pages on {min(len(pages), jobs or os.cpu_count() or 1)} cores")
    pdfs = _render_all(printed, manifests, edition.data.date, jobs, cache)
    paths = []
    for name, pdf in zip(names, pdfs):
        target = out_dir / f"{name}.pdf"
        write_atomically(target, pdf)
        paths.append(target)
    combined = out_dir / f"{edition.name}.pdf"
    write_atomically(combined, combine(pdfs))
    return EditionResult(edition, tuple(pages), tuple(paths), combined, tuple(warnings))


def _render_one(job: tuple[Page, dict[str, FaceInfo], str, DiskCache]) -> bytes:
    page, manifest, date, cache = job
    return render_pdf(page, manifest, page.name, date, cache=cache).pdf


def _render_all(pages: list[Page], manifests: list[dict[str, FaceInfo]], date: str, jobs: int | None,
                cache: DiskCache) -> list[bytes]:
    workers = min(len(pages), jobs or os.cpu_count() or 1)
    work = [(p, m, date, cache) for p, m in zip(pages, manifests)]
    if workers <= 1:
        return [_render_one(job) for job in work]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_render_one, work))


def combine(pdfs: list[bytes]) -> bytes:
    """One PDF of all pages, in order (pdfium copies each page with its resources)."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    try:
        for data in pdfs:
            src = pdfium.PdfDocument(data)
            out.import_pages(src)
            src.close()
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()
