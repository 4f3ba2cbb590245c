"""Editions: several pages built together, jumps carried between them, pages rendered in parallel.

An edition file::

    edition:
      name: tabloid-edition          # the combined PDF: OUT/<name>.pdf
      paper: 城市日报                 # shared 报眉 data, overriding each page's
      date: 2022-06-30
      pages: [tabloid-1.yaml, tabloid-2.yaml]   # page specs, relative to this file, in order

Every page is laid out and rendered in a worker process of its own, on all cores; a page that
continues an article from an earlier page (上接第N版) is set here, in order, once the pages before
it have sent their lines. Then one PDF a page is written, and the combined PDF.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import re
import time
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from pagesetter import rebuild
from pagesetter.build import (
    EditionData, article_entries, inputs_of, load_inputs, load_memo, overset_message, overset_where, page_title,
    proof_pdf,
    refused_slug, save_memo,
    with_marks, proof_print_path, with_sources, with_unplaced_jumps,
)
from pagesetter.cache import DiskCache, default_cache
from pagesetter.compose.lines import Line
from pagesetter.content.model import Article, Change
from pagesetter.errors import InputError, InputErrors, Loc, OversetError, PagesetterError, Warning, display_folder, display_path
from pagesetter.flow.glyphs import missing_glyphs, refuse_rtl
from pagesetter.flow.page import FlowResult, flow_page
from pagesetter.spec.coverage import refuse_uncovered
from pagesetter.fonts.face import FaceSet, OpenFaces
from pagesetter.fonts.manifest import FaceInfo
from pagesetter.pagetree import Page
from pagesetter.paths import StagedWrites, inside, read_regular
from pagesetter.records import record
from pagesetter.render.pdf import PrintSettings, render_pdf
from pagesetter.render.pdfx import PdfxSettings, document_id_of_digests, finish_pdfx, part_digest
from pagesetter.spec import validate as v
from pagesetter.spec.loader import EDITION_KEYS, EDITION_REQUIRED, _check_date, entry_jumps, project_root
from pagesetter.spec.model import ArticleSpec, PageSpec, PdfxVersion
from pagesetter.proof.report import Gate, furniture_located, gate_pdf_bytes, gate_tools, in_edition, refusal_counts
from pagesetter.proof.tiles import tiled_proof
from pagesetter.yamlsource import Node, load_yaml
from pagesetter.wording import counted

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from typing import BinaryIO

    import pikepdf

    from pagesetter.flow.article import Jumped
    from pagesetter.proof.coverage import CoverageServer


@record(frozen=True)
class Edition:
    name: str
    path: Path
    data: EditionData
    pages: tuple[Path, ...]
    page_locs: tuple[Loc, ...] = ()  # where the edition file names each page (its ``pages:`` items)
    # The 版次 of the day's pages made elsewhere (``elsewhere:``), each with where it is written: a
    # gap in the pages' 版次 is a missing page unless listed here; 今日N版 counts them.
    elsewhere: tuple[tuple[int, Loc], ...] = ()


@record(frozen=True)
class EditionResult:
    edition: Edition
    pages: tuple[Page, ...]
    page_paths: tuple[Path, ...]
    combined: Path
    warnings: tuple[Warning, ...]
    changes: tuple[tuple[Change, ...], ...] = ()  # per page: the marks normalisation set full-width
    proofs: tuple[Path, ...] = ()  # <page>.proof.pdf and <page>.proof-a3.pdf, when asked for
    # per page: the gate's verdict on its own PDF (proof/report.py), found where the page was made
    gates: "tuple[Gate, ...]" = ()
    # per page: its own flow and render warnings (those of ``warnings``), for build --json's page entry
    page_warnings: tuple[tuple[Warning, ...], ...] = ()
    specs: tuple[PageSpec, ...] = ()  # per page: its spec as built (the desk draws its modules from it)
    heads: "tuple[Heads, ...]" = ()  # per page: its articles' titles and where their copy starts
    refused: tuple[str, ...] = ()  # per page: the mark the gate's refusal put in its slug, else ""


# Pages in one edition: the thickest Sunday papers run to a few hundred.
MAX_PAGES = 500


def is_edition(path: Path) -> bool:
    root = load_yaml(path)
    return root.is_map and "edition" in root.value


def editions_holding(page: Path, root: Path) -> list[tuple[Path, int]]:
    """The edition files of the project at ``root`` that hold the page spec ``page``, each with the
    page's place in it: the edition pagesetter.toml names, then those beside the page and in
    layout/ (sorted). Read only to say which edition to build (a page built alone that jumps): a
    file that is no edition, or no readable one, is passed over."""
    from pagesetter.project import load_project

    candidates: list[Path] = []
    try:
        project = load_project(root)
    except (PagesetterError, OSError):
        project = None
    if project is not None:
        candidates.append(root / project.spec)
    for folder in (page.parent, root / "layout"):
        try:
            candidates += sorted(folder.glob("*.yaml"))
        except OSError:
            continue
    found: list[tuple[Path, int]] = []
    seen: set[Path] = set()
    target = page.resolve()
    for path in candidates:
        try:
            resolved = path.resolve()
            # never a file outside the project (a link out of it), nor one with no edition in it
            if resolved in seen or not inside(resolved, root) or not path.is_file() \
                    or b"edition" not in read_regular(path):
                continue
            seen.add(resolved)
            edition = load_edition(path)
        except (PagesetterError, OSError, RuntimeError):  # not an edition we can read: not the answer
            continue
        if target in edition.pages:
            found.append((path, edition.pages.index(target) + 1))
    return found


def load_edition(path: Path) -> Edition:
    root = v.expect_map(load_yaml(path), "an edition file")
    v.check_keys(root, ("edition",), "an edition file", required=("edition",))
    node = v.expect_map(root.get("edition"), "edition")  # type: ignore[arg-type]
    v.check_keys(node, EDITION_KEYS, "edition", required=EDITION_REQUIRED)
    date = v.text(node.get("date"), "date")  # type: ignore[arg-type]
    _check_date(node.get("date"), date)  # type: ignore[arg-type]
    root = project_root(path)
    pages = []
    page_locs: list[Loc] = []
    for n in v.expect_list(node.get("pages"), "pages"):  # type: ignore[arg-type]
        raw = v.text(n, "page")
        page = (path.parent / raw).resolve()
        # confined before it is opened: an outside file read as a spec could be quoted in an error
        if not inside(page, root):
            raise InputError(n.loc, f"page spec {raw!r} is outside the project folder {display_folder(root)}; "
                             "move it into the project")
        if not page.exists():
            raise InputError(n.loc, f"page spec {raw!r} not found")
        if not page.is_file():
            raise InputError(n.loc, f"page spec {raw!r} is not a regular file; refused unread")
        pages.append(page)
        page_locs.append(n.loc)
    if not pages:
        raise InputError(node.get("pages").loc, "an edition needs at least one page")  # type: ignore[union-attr]
    if len(pages) > MAX_PAGES:
        raise InputError(node.get("pages").loc, f"an edition of {len(pages)} pages; at most {MAX_PAGES}")  # type: ignore[union-attr]
    name = v.file_name(node.get("name"), "edition name") if node.get("name") is not None \
        else v.file_name(Node(path.stem, Loc.of_file(path)), "edition name (the file's name)")
    return Edition(name, path, EditionData(v.text(node.get("paper"), "paper"), date, name),  # type: ignore[arg-type]
                   tuple(pages), tuple(page_locs), _elsewhere(node.get("elsewhere")))


def _elsewhere(node: Node | None) -> tuple[tuple[int, Loc], ...]:
    """``elsewhere:``, the 版次 of the day's pages this edition does not hold, each once."""
    if node is None:
        return ()
    out: list[tuple[int, Loc]] = []
    for n in v.expect_list(node, "elsewhere"):
        number = v.integer(n, "elsewhere (a 版次 number)", 1, 999)
        if any(number == k for k, _ in out):
            raise InputError(n.loc, f"第{number}版 is listed twice in elsewhere:")
        out.append((number, n.loc))
    return tuple(out)


def build_edition(path: Path, out_dir: Path, *, allow_overset: bool = False, jobs: int | None = None,
                  progress: Callable[[str], None] | None = None, cache: DiskCache | None = None,
                  proof: bool = False) -> EditionResult:
    """Every page read, laid out and rendered in a worker, on all cores. A page that continues an
    article from an earlier page (上接) is set here, in order, with the lines that page sent on.
    Input errors are raised in page order; no file is written unless every page was built, but for
    the proofs (``proof``) of an edition that overset or a character no face has stops."""
    cache = default_cache() if cache is None else cache
    edition = load_edition(path)
    roots = _page_roots(edition)  # each page spec's YAML read once for the checks below
    sheets = _sheets(edition, roots)
    _check_page_order(edition, sheets)
    _check_jumps(edition, sheets, roots)
    say = progress or (lambda message: None)
    workers = max(1, min(len(edition.pages), jobs or os.cpu_count() or 1))
    say(f"laying out and rendering {counted(len(edition.pages), 'page')} on {counted(workers, 'core')}")
    done: list[_PageDone] = []
    carried: dict[str, tuple[Line, ...]] = {}
    carried_warnings: dict[str, tuple[Jumped, ...]] = {}  # theirs, said where they print
    paths: list[Path] = []
    proofs: list[Path] = []
    stopped: InputErrors | None = None  # a page's, held until every page's proof is made (_PageDone.stop)
    # Each page is written (under a temporary name) and added to the combined PDF as it arrives,
    # while the workers set the next: only the edition's own structure and the save are left at
    # the end. Nothing is renamed into place unless every page was built.
    with _pool(workers) as (pool, stop), StagedWrites() as staged, _Combined() as combined_pdf:
        threads = 0 if pool else 2
        page_jobs = [_PageJob(p, edition.data, cache, photo_threads=threads, proof=proof) for p in edition.pages]
        first = [pool.submit(_run_page_in_worker, job, stop) for job in page_jobs] if pool else []
        for i in range(len(page_jobs)):
            # a page whose inputs are read but which waits for the lines of a jump comes back unset
            try:
                result = _received(_worker_result(first[i], page_jobs[i]), page_jobs[i]) if pool else \
                    _run_page(page_jobs[i])
                if result.flowed is None:  # here, in order, with what earlier pages sent on
                    result = _run_page(replace(page_jobs[i], loaded=result.loaded, carried=dict(carried),
                                               carried_warnings=dict(carried_warnings)))
            except PagesetterError:
                if stopped is None:
                    raise
                break  # errors in page order: an earlier page's stop is said, with the proofs made so far
            assert result.flowed is not None
            for aspec in result.spec.articles:
                if aspec.continued_from is not None:
                    carried.pop(aspec.article, None)
                    carried_warnings.pop(aspec.article, None)
            carried.update(result.flowed.leftovers)
            carried_warnings.update(result.flowed.leftover_warnings)
            # a jump_to article set whole on its page: known, so a page continuing it says so (flow_page)
            carried.update({a.article: () for a in result.spec.articles
                            if a.jump_to is not None and a.article not in result.flowed.leftovers})
            done.append(result)
            paths.append(out_dir / f"{result.spec.name}.pdf")
            _own_file(edition, paths[-1], paths[:-1] + proofs, i)
            if stopped is None and result.stop is not None:
                stopped = result.stop  # the first page's, as a page's error is raised in page order
            if stopped is None:
                staged.write(paths[-1], result.pdf)
            if result.proof:
                proofs.append(out_dir / f"{result.spec.name}.proof.pdf")
                _own_file(edition, proofs[-1], paths + proofs[:-1], i)
                staged.write(proofs[-1], result.proof)
                proofs.append(proof_print_path(proofs[-1]))
                staged.write(proofs[-1], result.proof_a3)
            if stopped is None:
                combined_pdf.add(result.pdf)
            say(f"page {i + 1}/{len(edition.pages)}: {result.spec.name}"
                + (" (unchanged since the last build)" if result.replayed else ""))
        if pool:  # every page is in: the workers and their Ghostscripts end while the edition is combined
            pool.shutdown(wait=False)
        if stopped is not None:
            # a page's character no face has (--proof): every page's proof goes out, as overset's
            # do below, so the desk sees the hole on its page and the pages round it; no page PDF
            staged.commit(only=set(proofs))
            raise stopped
        _check_jumped_photos([d.spec for d in done])
        pages = [d.flowed.page for d in done if d.flowed is not None]
        unplaced = {article: lines for article, lines in carried.items() if lines}
        if unplaced:  # a jump to a page the edition does not have
            pages[-1] = with_unplaced_jumps(pages[-1], unplaced)
        overset = [p for p in pages if p.overset]
        if overset and not allow_overset:
            # the proofs still go out (README, --proof): they show the desk where the text ran out,
            # as a page built alone writes its proof before overset stops it; the pages do not
            if proofs:
                staged.commit(only=set(proofs))
            entries = {d.spec.name: article_entries(d.spec) for d in done}
            raise OversetError("; ".join(f"page {p.name}: {overset_message(p, (), entries.get(p.name))}"
                                         for p in overset),
                               tuple(o for p in overset for o in p.overset),
                               tuple(overset_where(o, (), entries.get(p.name) or {}) for p in overset for o in p.overset))
        if not allow_overset:
            try:  # a page with an area no module covers (spec/coverage.py): the edition is not written
                refuse_uncovered([w for d in done if d.flowed is not None for w in d.flowed.warnings])
            except InputError:
                if proofs:
                    staged.commit(only=set(proofs))
                raise
        combined = out_dir / f"{edition.name}.pdf"
        _own_file(edition, combined, paths + proofs, None)
        # X-4 allows all X-1a does: an edition with any X-4 page is combined as X-4
        version: PdfxVersion = "x4" if any(d.spec.pdfx == "x4" for d in done) else "x1a"
        staged.write_with(combined, lambda fh: combined_pdf.finish(fh, edition.name, version, edition.data.date))
        staged.commit()
    page_warnings = tuple((*d.flowed.warnings, *d.render_warnings, *_masthead_count(edition, d.spec))
                          if d.flowed is not None else () for d in done)
    warnings = tuple(w for own in page_warnings for w in own)
    gates = tuple(in_edition(d.gate, n) for n, d in enumerate(done, 1) if d.gate is not None)
    return EditionResult(edition, tuple(pages), tuple(paths), combined, warnings, tuple(d.changes for d in done),
                         tuple(proofs), gates if len(gates) == len(done) else (), page_warnings,
                         tuple(d.spec for d in done), tuple(d.heads for d in done), tuple(d.refused for d in done))


def _own_file(edition: Edition, target: Path, taken: list[Path], page: int | None) -> None:
    """Two outputs of one edition must not share a file (two pages both named 'x', or the edition
    named as one of its pages): the later would replace the earlier with exit status 0."""
    if target not in taken:
        return
    what = f"page {page + 1} ({display_path(edition.pages[page])})" if page is not None else \
        f"the edition itself (name {edition.name!r})"
    raise InputError(Loc.of_file(edition.path), f"{what} would be written to {display_path(target)}, which "
                     "another page of this edition writes; give each page (and the edition) a name of its own")


Loaded = tuple[PageSpec, dict[str, FaceInfo], dict[str, Article], tuple[Change, ...]]


@record(frozen=True)
class _PageJob:
    path: Path
    data: EditionData
    cache: DiskCache
    loaded: Loaded | None = None  # the page's inputs, when already read
    carried: dict[str, tuple[Line, ...]] | None = None  # lines earlier pages jump here; None: not known yet
    carried_warnings: dict[str, tuple[Jumped, ...]] | None = None  # those lines' warnings (flow_page)
    photo_threads: int = 2  # beside the page's own (render_pdf); 0 where other pages keep every core busy
    proof: bool = False  # make <page>.proof.pdf too


def _check_jumped_photos(specs: list[PageSpec]) -> None:
    """A jumped article's photos may stand on either of its pages (flow/article.py lets each page
    leave them to the other); across the edition every one must print, or it is lost without a
    word. Read here, once the pages are known: the first photo no entry of the article places stops
    the edition, naming it and the entries."""
    from pagesetter.content.reader import read_article
    from pagesetter.flow.cells import assign_photos

    entries: dict[str, list[tuple[PageSpec, ArticleSpec]]] = {}
    for spec in specs:
        for aspec in spec.articles:
            if aspec.jump_to is not None or aspec.continued_from is not None:
                entries.setdefault(aspec.article, []).append((spec, aspec))
    for name, group in entries.items():
        spec = group[0][0]
        article = read_article(spec.content_dir / f"{name}.md", spec.root, spec.allowed)
        placed: set[int] = set()
        for _, aspec in group:
            pairs, _ = assign_photos(aspec, article)
            placed |= {article.photos.index(photo) for _, photo in pairs if photo is not None}
        for n, photo in enumerate(article.photos):
            if n not in placed:
                where = "; ".join(str(aspec.loc) for _, aspec in group)
                raise InputError(photo.loc, f"photo {photo.file.name} of {name!r} is placed on no page of the "
                                 f"edition: neither part of the jumped article has a cell for it ({where}); give "
                                 "one of its entries a photo cell, or take the photo out of the article")


# 版次 as the 报眉 prints it: 第3版, 第 12 版, 第十二版 (GB/T 3179 期刊编排格式 and every paper's
# folio). Anything else (A3, 要闻) is a page number this check cannot read, and is passed over.
_FOLIO_NUMBER = re.compile(r"^\s*第\s*([0-9]+|[〇零一二两三四五六七八九十百]+)\s*版\s*$")
_HAN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def folio_number(page: str) -> int | None:
    """The number of a 版次 (第3版 → 3, 第十二版 → 12), or None for one that is not of that form."""
    m = _FOLIO_NUMBER.match(page)
    if m is None:
        return None
    digits = m[1]
    if digits.isdigit():
        return int(digits)
    total, current = 0, 0
    for ch in digits:
        if ch == "百":
            total, current = total + max(current, 1) * 100, 0
        elif ch == "十":
            total, current = total + max(current, 1) * 10, 0
        else:
            current = _HAN_DIGITS[ch]
    return total + current


def _page_roots(edition: Edition) -> tuple[Node | None, ...]:
    """Each page spec's YAML as read (before any page is set: the pages are loaded and set by the
    workers), once for all the edition's checks of 版次 and jumps; None for a spec that does not
    read, passed over here: the page's own loading says what is wrong with it."""
    roots: list[Node | None] = []
    for spec in edition.pages:
        try:
            roots.append(load_yaml(spec))
        except (PagesetterError, OSError):
            roots.append(None)
    return tuple(roots)


def _sheet_number(root: Node | None) -> tuple[int, Loc] | None:
    """The 版次 a page spec prints and where it is written, read from its YAML alone (_page_roots):
    its 报眉's ``page:``, else 1 for a front page (a masthead page prints no 报眉 and is 第1版);
    None when it prints none this can read."""
    if root is None:
        return None
    folio, masthead = root.get("folio"), root.get("masthead")
    if folio is not None:
        page = folio.get("page")
        number = folio_number(page.value) if page is not None and isinstance(page.value, str) else None
        return (number, page.loc) if number is not None and page is not None else None
    if masthead is not None:
        return 1, masthead.loc
    return None


@record(frozen=True)
class _Sheet:
    """A page of the edition whose 版次 could be read: its place in ``pages:`` (from 1), its spec,
    the number it prints and where that is written."""

    sheet: int
    spec: Path
    number: int
    where: Loc


def _sheets(edition: Edition, roots: tuple[Node | None, ...]) -> list[_Sheet]:
    out: list[_Sheet] = []
    for sheet, (spec, root) in enumerate(zip(edition.pages, roots), 1):
        printed = _sheet_number(root)
        if printed is not None:
            out.append(_Sheet(sheet, spec, *printed))
    return out


def _item(edition: Edition, sheet: int) -> Loc:
    """Where the edition file names its page ``sheet`` (from 1)."""
    return edition.page_locs[sheet - 1] if len(edition.page_locs) >= sheet else Loc.of_file(edition.path)


def _numbers(numbers: list[int]) -> str:
    """第2版, 第2–4版, 第1–2、5版: runs of 版次 as a desk writes them."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "第" + "、".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs) + "版"


def _check_page_order(edition: Edition, sheets: list[_Sheet]) -> None:
    """The pages of an edition must run in the order of the 版次 they print (trial 16b #11: p2 and p3
    swapped in ``pages:`` gave a night.pdf whose sheet 2 printed 第3版, exit 0). A plant imposes
    the combined PDF by sheet order, so a page out of its place is a wrong page on the press: an
    error, naming the edition's line and the page's 版次. Checked before any page is set: a page
    out of its place would otherwise be refused for a jump that only seems to come from nowhere.
    For the same reason two pages of one 版次 (one plate) and a gap (第1、2、4版: page 4 on plate 3,
    session 17) are errors; a gap is allowed only where the edition says the missing pages are
    made elsewhere (``elsewhere:``), as 今日N版 then counts them (_masthead_count). A section
    (第5–8版) may start above 1: the pages before it are no gap between the edition's pages."""
    for before, sheet in zip(sheets, sheets[1:]):
        if sheet.number == before.number:
            raise InputError(_item(edition, sheet.sheet), f"two pages of the edition print 第{sheet.number}版: "
                             f"sheet {sheet.sheet} ({sheet.where}) and sheet {before.sheet} ({before.where}); a "
                             "plant makes one plate of each 版次: take one out of pages:, or correct its 报眉's page:")
        if sheet.number < before.number:
            raise InputError(_item(edition, sheet.sheet), f"the edition's pages run out of the order of their 版次: "
                             f"sheet {sheet.sheet} ({display_path(sheet.spec)}) prints 第{sheet.number}版 "
                             f"({sheet.where}) after sheet {before.sheet}'s 第{before.number}版 ({before.where}); a "
                             "plant imposes by sheet order: put the pages in order in pages:, or correct the 报眉's page:")
    held = {s.number: s for s in sheets}
    for number, loc in edition.elsewhere:
        if number in held:
            s = held[number]
            raise InputError(loc, f"第{number}版 is said to be made elsewhere, but sheet {s.sheet} "
                             f"({display_path(s.spec)}) prints it ({s.where}): take it out of elsewhere:, or the "
                             "page out of pages:")
    made = {number for number, _ in edition.elsewhere}
    for before, sheet in zip(sheets, sheets[1:]):
        missing = [k for k in range(before.number + 1, sheet.number) if k not in made]
        # pages between the two whose 版次 is written otherwise (A3) may be the missing ones
        if len(missing) > sheet.sheet - before.sheet - 1:
            listed = ", ".join(str(k) for k in sorted(made | set(missing)))
            raise InputError(_item(edition, sheet.sheet), f"the edition has no {_numbers(missing)}: sheet "
                             f"{sheet.sheet} ({display_path(sheet.spec)}) prints 第{sheet.number}版 ({sheet.where}) "
                             f"after sheet {before.sheet}'s 第{before.number}版 ({before.where}); a plant imposes by "
                             "sheet order, so the pages after the gap would go to the wrong plates: add the page to "
                             f"pages:, or, when it is made elsewhere, say so: elsewhere: [{listed}]")


@record(frozen=True)
class _JumpEnd:
    """One end of a jump as a page spec writes it, read from its YAML before any page is set: an
    entry's ``jump_to`` (转第N版) or ``continued_from`` (上接第N版)."""

    article: str
    sheet: int  # the page's place in the edition, from 1
    number: int | None  # the 版次 the page prints; None: not one this can read (A3)
    spec: Path
    key: str  # jump_to or continued_from
    to: int  # the 版次 the jump line names
    loc: Loc  # where the key is written


def _jump_ends(edition: Edition, roots: tuple[Node | None, ...], numbers: dict[int, int]) -> list[_JumpEnd]:
    """Every jump_to and continued_from of the edition's pages (their YAML: _page_roots), in page
    order. A spec or entry that does not read is passed over: the page's own loading says what is
    wrong with it."""
    ends: list[_JumpEnd] = []
    for sheet, (spec, root) in enumerate(zip(edition.pages, roots), 1):
        if root is None:
            continue
        articles = root.get("articles") if root.is_map else None
        if articles is None or not isinstance(articles.value, list):
            continue
        for entry in articles.value:
            name = entry.get("article") if entry.is_map else None
            if name is None or not isinstance(name.value, str):
                continue
            ends += [_JumpEnd(name.value, sheet, numbers.get(sheet), spec, j.key, j.number, j.loc)
                     for j in entry_jumps(entry) if j.number is not None]
    return ends


def _check_jumps(edition: Edition, sheets: list[_Sheet], roots: tuple[Node | None, ...]) -> None:
    """Each jump's number against the 版次 of the pages it joins (session 17): 转第N版 must name the
    版次 of the page its rest prints on, and 上接第N版 the page it comes from, or the reader turns to
    the wrong page (before: the lines went to whichever page continued the article, whatever the
    numbers said). A jump to no page of the edition, to one made elsewhere, or to a page with no
    entry continuing it is an error too (its lines were overset on the last page; a body that
    fitted printed nothing wrong, but the spec names a page nobody continues it on). Checked from
    the specs before any page is set; a page whose 版次 cannot be read (A3) is not checked."""
    held = {s.number: s for s in sheets}
    made = dict(edition.elsewhere)
    ends = _jump_ends(edition, roots, {s.sheet: s.number for s in sheets})
    for end in ends:
        line = f"{end.article!r} jumps to 第{end.to}版 (转第{end.to}版)"
        if end.key == "jump_to":
            # its rest: the article's next continuation in the edition
            rest = next((e for e in ends if e.article == end.article and e.key == "continued_from"
                         and e.sheet > end.sheet), None)
            if rest is not None:
                if rest.number is not None and rest.number != end.to:
                    raise InputError(end.loc, f"{line}, but its rest prints on 第{rest.number}版 ({rest.loc}, "
                                     f"continued_from); a reader would turn to the wrong page: write jump_to: "
                                     f"{rest.number}")
            elif end.to in made:
                raise InputError(end.loc, f"{line}, which is made elsewhere ({made[end.to]}): its lines cannot go "
                                 "there; jump to a page of the edition")
            elif end.to in held and held[end.to].sheet < end.sheet:
                # the edition carries a jump's lines forward only, as a reader turns the pages
                raise InputError(end.loc, f"{line}, which comes before this page in the edition "
                                 f"({display_path(held[end.to].spec)}, sheet {held[end.to].sheet} of {end.sheet}): "
                                 "jump to a later page")
            elif end.to in held:
                back = f"continued_from: {end.number}" if end.number is not None else "continued_from"
                raise InputError(end.loc, f"{line}, but no entry of {display_path(held[end.to].spec)} continues it: "
                                 f"give it an entry with {back}, or correct jump_to")
            elif len(sheets) == len(edition.pages):  # every 版次 read: no page prints it
                raise InputError(end.loc, f"{line}, which is no page of the edition {display_path(edition.path)} (it "
                                 f"prints {_numbers([s.number for s in sheets])}): add the page that continues it "
                                 "(continued_from), or correct jump_to")
        else:
            came = next((e for e in reversed(ends) if e.article == end.article and e.key == "jump_to"
                         and e.sheet < end.sheet), None)
            if came is not None and came.number is not None and came.number != end.to:
                raise InputError(end.loc, f"{end.article!r} continues from 第{end.to}版 (上接第{end.to}版), but it "
                                 f"jumps here from 第{came.number}版 ({came.loc}, jump_to); a reader would turn back "
                                 f"to the wrong page: write continued_from: {came.number}")


def _masthead_count(edition: Edition, spec: PageSpec) -> tuple[Warning, ...]:
    """A masthead's 今日N版 against the pages the edition holds and those it says are made elsewhere
    (trial 16b #9: 今日4版 printed on a 3-page edition, no word). A warning, not an error and not the
    edition's count put in its place: the page prints as written, and an edition file may hold
    only part of the day's paper (pages made elsewhere, an advertising section after its last
    page, which no gap shows) that it does not list."""
    masthead = spec.masthead
    total = len(edition.pages) + len(edition.elsewhere)
    if masthead is None or masthead.pages is None or masthead.pages == total:
        return ()
    made = f" and says {len(edition.elsewhere)} are made elsewhere, {total} in all" if edition.elsewhere else ""
    return (Warning("edition", f"the masthead prints 今日{masthead.pages}版; the edition "
                    f"{display_path(edition.path)} holds {counted(len(edition.pages), 'page')}{made} (correct its "
                    "pages:, or list the day's pages made elsewhere in its elsewhere:)", masthead.pages_loc or masthead.loc),)


# article → (its title, where its copy starts: file:line), what the desk labels a module with
Heads = dict[str, tuple[str, str]]


def heads_of(spec: PageSpec, articles: dict[str, Article]) -> Heads:
    """The desk's labels of a page's modules, kept with the page so that a replayed page needs no
    article read again."""
    out: Heads = {}
    for a in spec.articles:
        art = articles.get(a.article)
        source = display_path(spec.content_dir / f"{a.article}.md")
        if art is not None and art.paragraphs:
            source = str(art.paragraphs[0].loc)
        # an advertisement has no title: the desk calls its module 广告 (its label, flow/ads.py)
        title = "" if art is None else art.title or ("广告" if art.ad else "")
        out[a.article] = (title, source)
    return out


@record(frozen=True)
class _PageDone:
    spec: PageSpec
    flowed: FlowResult | None  # None: the page waits for the lines of a jump (``loaded`` holds its inputs)
    pdf: bytes = b""  # rendered even if overset stops the edition: a worker cannot know in time
    loaded: Loaded | None = None
    replayed: bool = False  # from the record of an earlier build (rebuild.py)
    changes: tuple[Change, ...] = ()  # what normalisation set full-width, for the page's report
    render_warnings: tuple[Warning, ...] = ()  # low-resolution photos, by file
    proof: bytes = b""  # the proof PDF, when asked for
    proof_a3: bytes = b""  # and the same tiled on A3 (proof/tiles.py), made here where the faces are
    # The gate's verdict on ``pdf`` (typography check and preflight), found in the worker that made
    # it, on its core, and kept in the page's replay record: an unchanged page's PDF is the same
    # bytes, so its verdict is too.
    gate: "Gate | None" = None
    heads: Heads = field(default_factory=dict)  # heads_of: for the desk
    refused: str = ""  # the gate refused it: the mark its slug carries (build.REFUSED_SLUGS), else ""
    # what stops the edition once every page's proof is made (--proof: a character no face has);
    # ``pdf`` is then empty
    stop: InputErrors | None = None


@record(frozen=True)
class _Sent:
    """A page from a worker, pickled once: the same bytes are its replay record."""

    payload: bytes
    replayed: bool


def _run_page(job: _PageJob) -> _PageDone:
    """One page, start to finish, here: a page that waits for a jump, or every page on one core.
    A page whose inputs have not changed is replayed (rebuild.py), one continuing a jump when the
    lines sent to it are the same too (its key holds them: _carried_digest)."""
    started_ns, key = time.time_ns(), _job_key(job)
    payload = rebuild.lookup_payload(job.cache, key) if key is not None else None
    if payload is not None and isinstance(found := rebuild.unpickled(payload), _PageDone):
        return replace(found, replayed=True)
    with _collector_paused():
        done, inputs, hashed = _build_page(job)
    # what it makes depends on its own inputs and, continuing a jump, on the lines sent here (keyed)
    if key is not None and (job.carried is not None or not _waits_for_jump(done.spec)):
        rebuild.record(job.cache, key, inputs, done, started_ns, hashed)
    return done


def _run_page_in_worker(job: _PageJob, stop: int) -> _Sent | None:
    """One page in a worker process: pickled here once, for the replay record and the way back
    alike (pickling a broadsheet page's tree costs several milliseconds), and a replayed page's
    record passed on as it was read. None: not built, the edition having stopped (the main
    process, which has raised, reads no answer after that). ``stop``: the read end of the
    edition's stop pipe (_pool), the same descriptor in the forked worker."""
    from pagesetter.workers import coverage_server, open_faces, told_to_stop

    if told_to_stop(stop):  # the edition has stopped: no one will read this page (_pool)
        return None
    started_ns, key = time.time_ns(), _job_key(job)
    payload = rebuild.lookup_payload(job.cache, key) if key is not None else None
    if payload is not None:
        return _Sent(payload, True)

    server = coverage_server()
    server.prime()  # a worker's first page: Ghostscript starts while the page is set (no-op once running)
    with _collector_paused():
        done, inputs, hashed = _build_page(job, server, open_faces())
        payload = pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL)
    if key is not None and not _waits_for_jump(done.spec):
        rebuild.record_payload(job.cache, key, inputs, payload, started_ns, hashed)
    return _Sent(payload, False)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic collector off while a page is set, and as it was after. Setting a page
    makes some hundred thousand containers (lines, glyphs, atoms) and leaves about twenty objects
    in cycles; at GC_THRESHOLD (cli.py) the collector still ran some four times a page, walking the
    page's live objects for nothing to free: 15 ms of a 0.4 s page in a worker. What a page does
    leave in cycles is collected after it, as before."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _received(sent: _Sent, job: _PageJob) -> _PageDone:
    """A worker's page in this process; one whose replay record does not load is built here."""
    done = rebuild.unpickled(sent.payload)
    if not isinstance(done, _PageDone):
        return _run_page(job)
    return replace(done, replayed=True) if sent.replayed else done


def _worker_result(future: "Future[_Sent | None]", job: _PageJob) -> _Sent:
    """A worker's answer; a worker that died (killed, or out of memory) is one clean error."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        sent = future.result()
        assert sent is not None, "a page skipped only once this process has stopped reading them (_pool)"
        return sent
    except BrokenProcessPool:
        raise PagesetterError(f"{display_path(job.path)}: the process building this page stopped without an "
                              "answer (killed, or out of memory?); build again, or with -j 1") from None


def _set_here(spec: PageSpec, changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """The normalisation marks of the copy this page sets: not those of an article it continues
    (a jump's), which the page that sets the copy reports (trial 14b: the jumped lead's 8 marks
    said on both pages)."""
    continued = {display_path(spec.content_dir / f"{a.article}.md") for a in spec.articles
                 if a.continued_from is not None}
    return tuple(c for c in changes if c.loc.path not in continued) if continued else changes


def _job_key(job: _PageJob) -> str | None:
    # the record holds the page's gate verdict, which Ghostscript's presence changes (coverage checked or not)
    if not job.cache.enabled:
        return None
    return rebuild.job_key(job.path, ("edition-page", job.data, job.proof, os.getcwd(), gate_tools(),
                                      _carried_digest(job)))


def _carried_digest(job: _PageJob) -> str | None:
    """What earlier pages sent on to this one (the lines of their jumps, and those lines'
    warnings), as a digest: a page that continues a jump makes the same PDF from the same inputs
    and the same carried lines, so it is replayed as any other page (the desk's edition rebuilt on
    every save set its continuing pages and gated them again: 1.5 s a 4开 page). The lines' own
    pickling: equal lines pickled alike unless shared differently, and then it is only a miss.
    None: not known yet (a worker's first look at a page that waits for them)."""
    if job.carried is None:
        return None
    import hashlib

    # the articles it continues, when its spec is read: the lines an earlier page sends to a later one
    # are no concern of this page
    here = {a.article for a in job.loaded[0].articles if a.continued_from is not None} if job.loaded else None

    def mine(sent: dict) -> list:
        return sorted((k, v) for k, v in sent.items() if here is None or k in here)

    sent = (mine(job.carried), mine(job.carried_warnings or {}))
    return hashlib.sha256(pickle.dumps(sent, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def _build_page(job: _PageJob, server: "CoverageServer | None" = None, opened: OpenFaces | None = None
                ) -> tuple[_PageDone, tuple[Path, ...], dict[Path, str]]:
    """The page laid out and rendered, and gated (``server``: a worker's Ghostscript, kept for
    its pages; ``opened``: its faces, kept open for its pages), the files it read, and the SHA-256
    of those it hashed as it read them (its photos, for the photo cache: the replay record takes
    these rather than reading and hashing each photo again, as a single page's build does); or,
    for a page that continues a jump whose lines are not known yet, its inputs to wait with."""
    if job.loaded is not None:
        spec, manifest, articles, changes = job.loaded
    else:
        spec, manifest, articles, changed = load_inputs(job.path, job.data)
        changes = tuple(changed)
    if job.carried is None and _waits_for_jump(spec):
        return _PageDone(spec, None, loaded=(spec, manifest, articles, changes)), (), {}
    faces = FaceSet(manifest, opened)
    stop: InputErrors | None = None
    missing: tuple[Warning, ...] = ()
    try:
        refuse_rtl(spec, articles)  # right-to-left text in a vertical headline (flow/glyphs.py)
        articles, missing = missing_glyphs(spec, articles, faces)  # an error, or 〓 and a warning each
    except InputErrors as exc:
        if not job.proof:
            raise
        # with --proof the page is set and proofed as it stands, its 缺字 marks on the holes, as a
        # page built alone is (build.py build_loaded); build_edition writes the proofs, then stops
        stop = exc
    memo_key = load_memo(faces, spec.path, job.cache)
    flowed = flow_page(spec, articles, faces, job.carried or {}, carried_warnings=job.carried_warnings or {})
    if missing:
        flowed = replace(flowed, warnings=missing + flowed.warnings)
    title = page_title(spec, articles)
    if stop is not None:  # no print PDF: the page is not for the plate, and nothing gates it
        save_memo(faces, memo_key, job.cache)
        proof, proof_a3 = _proofs(flowed, spec, manifest, faces, title, job, articles)
        return (_PageDone(spec, flowed, changes=_set_here(spec, changes), proof=proof, proof_a3=proof_a3,
                          heads=heads_of(spec, articles), stop=stop),
                inputs_of(spec, manifest, articles), {})
    sourced = with_sources(flowed.page, spec, articles)
    printed, marked = with_marks(sourced, spec, faces)
    save_memo(faces, memo_key, job.cache)
    settings = PrintSettings.of(spec)
    rendered = render_pdf(printed, manifest, title, job.data.date, cache=job.cache,
                          settings=settings, photo_threads=job.photo_threads)
    gate = furniture_located(gate_pdf_bytes(rendered.pdf, server), spec, printed.bleed + printed.mark_margin)
    refused = refused_slug(*refusal_counts(gate), overset=bool(flowed.page.overset))
    if refused:
        # Refused by the gate, as a page built alone is (cli.py _build_page): rendered again with
        # the mark first in its slug, so its own PDF and the combined one say it is not for the
        # plate (before: an edition's refused page carried a good page's slug). The page is the
        # same; the verdict stays the first rendering's.
        printed, marked = with_marks(sourced, spec, faces, refused=refused)
        rendered = render_pdf(printed, manifest, title, job.data.date, cache=job.cache,
                              settings=settings, photo_threads=job.photo_threads)
    proof, proof_a3 = _proofs(flowed, spec, manifest, faces, title, job, articles) if job.proof else (b"", b"")
    return (_PageDone(spec, flowed, rendered.pdf, changes=_set_here(spec, changes),
                      render_warnings=marked + rendered.warnings,
                      proof=proof,
                      proof_a3=proof_a3,
                      gate=gate,
                      heads=heads_of(spec, articles), refused=refused),
            inputs_of(spec, manifest, articles), dict(rendered.digests))


def _proofs(flowed: FlowResult, spec: PageSpec, manifest, faces: FaceSet, title: str, job: _PageJob,  # type: ignore[no-untyped-def]
            articles) -> tuple[bytes, bytes]:
    """The page's proof (校样) and its A3 sheets."""
    proof = proof_pdf(flowed.page, spec, manifest, faces, title, job.cache, articles)
    return proof, tiled_proof(proof, spec.name, faces.get("hei").info)


def _waits_for_jump(spec: PageSpec) -> bool:
    return any(a.continued_from is not None for a in spec.articles)


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[tuple["ProcessPoolExecutor | None", int]]:
    """Worker processes for more than one core, with the read end of the pipe that tells them the
    edition stopped (passed with each page: workers.told_to_stop); None: everything runs in this
    process."""
    if workers <= 1:
        yield None, -1
        return
    from concurrent.futures import ProcessPoolExecutor

    from pagesetter.workers import worker_started

    # The pool's exit waits for every page submitted, and all are, at once: an edition stopped by
    # a page's error (or Ctrl-C) would build the rest for nobody before saying so (a 24-page
    # edition whose first page failed: 7.6 s, 13.7 s of CPU). So the pages not yet queued are
    # cancelled, and a byte on the stop pipe tells the workers to skip those the pool had already
    # handed them (workers.told_to_stop); only the pages under way when the error came finish.
    stop_read, stop_write = os.pipe()  # close-on-exec: no Ghostscript a worker starts holds them
    try:
        with ProcessPoolExecutor(max_workers=workers, initializer=worker_started,
                                 initargs=(os.getpid(),)) as pool:
            try:
                yield pool, stop_read
            except BaseException:
                os.write(stop_write, b"s")
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        os.close(stop_read)
        os.close(stop_write)


class _Combined:
    """One PDF/X of all pages, in order, for the plant: the pages with their resources and their
    module frames (PieceInfo) added as they come, then the document-level PDF/X structure once
    (Info, XMP, one OutputIntent), as for a single page (render/pdfx.py)."""

    def __init__(self) -> None:
        # Made with the first page, so pikepdf is imported while the workers set the next pages,
        # not before they start.
        self._doc: "pikepdf.Pdf | None" = None
        self._digests: list[bytes] = []  # each page's part of the edition's ID, hashed as it comes

    def add(self, pdf: bytes) -> None:
        import pikepdf

        if self._doc is None:
            self._doc = pikepdf.new()
        with pikepdf.open(io.BytesIO(pdf)) as src:
            self._doc.pages.extend(src.pages)
        self._digests.append(part_digest(pdf))

    def finish(self, out: "BinaryIO", title: str, version: PdfxVersion = "x1a", date: str | None = None) -> None:
        """The combined file saved into ``out`` (its staged file, open for reading and writing)."""
        assert self._doc is not None, "an edition has at least one page"
        finish_pdfx(self._doc, document_id_of_digests(title, PdfxSettings(version=version), date, self._digests), out)

    def __enter__(self) -> "_Combined":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._doc is not None:
            self._doc.close()
