"""The pipeline for one page: spec -> content -> compose/flow -> page tree -> PDF."""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

from pagesetter.cache import DiskCache, default_cache, key_of
from pagesetter.content.model import Article, Change
from pagesetter.content.normalise import normalise_article
from pagesetter.content.reader import read_article
from pagesetter.errors import InputError, InputErrors, Loc, OversetError, Warning, display_path
from pagesetter.flow.glyphs import missing_glyphs, printable_text, refuse_rtl
from pagesetter.flow.page import flow_page
from pagesetter.spec.coverage import refuse_uncovered
from pagesetter.flow.precompose import precompose
from pagesetter.fonts.face import FaceSet
from pagesetter.fonts.manifest import FaceInfo, check_usable, load_manifest
from pagesetter.incremental import Memo
from pagesetter import __version__
from pagesetter.compose.lines import Line
from pagesetter.pagetree import INNER_RULE, Image, Overset, Page
from pagesetter.paths import OUTSIDE_HINT, inside, proof_print_path, write_atomically
from pagesetter.records import record
from pagesetter.render.pdf import EarlyPhotos, Meanwhile, PrintSettings, render_pdf
from pagesetter.spec.loader import load_spec
from pagesetter.spec.model import CMYK, PageSpec


@record(frozen=True)
class EditionData:
    """What an edition gives every page: the paper's name and the date (for the 报眉), and the
    edition's name (for the slug line)."""

    paper: str
    date: str
    name: str = ""


@record(frozen=True)
class BuildResult:
    spec: PageSpec
    page: Page
    articles: dict[str, Article]
    pdf_path: Path
    warnings: tuple[Warning, ...]
    changes: tuple[Change, ...]
    inputs: tuple[Path, ...] = ()  # every file the build read (rebuild.py)
    digests: tuple[tuple[Path, str], ...] = ()  # the SHA-256 of those of them hashed already (photos)


def load_inputs(spec_path: Path, edition: "EditionData | None" = None
                ) -> tuple[PageSpec, dict[str, FaceInfo], dict[str, Article], list[Change]]:
    spec, manifest = load_page_spec(spec_path, edition)
    articles: dict[str, Article] = {}
    changes: list[Change] = []
    for name, loc in wanted_articles(spec):
        article, changed = load_article(spec, name, loc)
        articles[name] = article
        changes += changed
    return spec, manifest, articles, changes


def load_page_spec(spec_path: Path, edition: "EditionData | None" = None) -> tuple[PageSpec, dict[str, FaceInfo]]:
    """The page spec (with the edition's name and date, for an edition's page) and its font manifest."""
    spec = load_spec(spec_path)
    if edition is not None:
        spec = replace(spec, edition=edition.name)
    if edition is not None and spec.folio is not None:
        spec = replace(spec, folio=replace(spec.folio, paper=edition.paper, date=edition.date))
    if edition is not None and spec.masthead is not None:  # the edition's date is the paper's date
        if spec.masthead.lunar:
            from pagesetter.spec.masthead import check_lunar

            check_lunar(spec.masthead.loc, edition.date)
        spec = replace(spec, masthead=replace(spec.masthead, date=edition.date))
    manifest = load_manifest(spec.fonts_manifest, spec.root, spec.allowed)
    for style in spec.styles.values():
        if style.font not in manifest:
            raise InputError(style.loc, f"style {style.name!r} uses font {style.font!r}, which "
                             f"{spec.fonts_manifest.name} does not list (it has: {', '.join(manifest)})")
    check_usable(manifest, (style.font for style in spec.styles.values()))
    return spec, manifest


def wanted_articles(spec: PageSpec) -> list[tuple[str, Loc]]:
    """The articles the page sets, each once, with the place in the spec that asks for it."""
    wanted = [(a.article, a.loc) for a in spec.articles]
    if spec.auto is not None:
        wanted += [(name, spec.auto.loc) for name in spec.auto.articles]
    first: dict[str, Loc] = {}
    for name, loc in wanted:
        first.setdefault(name, loc)
    return list(first.items())


def article_path(spec: PageSpec, name: str, loc: Loc) -> Path:
    """content/<name>.md, checked to be a regular file inside the project."""
    path = spec.content_dir / f"{name}.md"
    if path.exists() and not inside(path, spec.root, spec.allowed):  # a symlink out of the project
        raise InputError(loc, f"article {name!r} is a link to {path.resolve()}, outside the project folder; "
                         f"{OUTSIDE_HINT}")
    if path.exists() and not path.is_file() and not path.is_dir():  # a FIFO or device: never opened
        raise InputError(loc, f"article {name!r}: {display_path(path)} is not a regular file (a named pipe "
                         "or device); refused unread")
    if not path.is_file():
        raise InputError(loc, f"article {name!r} not found: expected the file "
                         f"{path.relative_to(spec.root) if path.is_relative_to(spec.root) else path}")
    return path


def load_article(spec: PageSpec, name: str, loc: Loc) -> tuple[Article, list[Change]]:
    """One article, read and normalised (content/normalise.py)."""
    return normalise_article(read_article(article_path(spec, name, loc), spec.root, spec.allowed))


def build_page(spec_path: Path, out_dir: Path, *, allow_overset: bool = False, proof: bool = False,
               cache: DiskCache | None = None, meanwhile: Meanwhile | None = None, refused: str = "") -> BuildResult:
    """``cache``: where set lines, font subsets and prepared photos are kept between builds
    (default: the user's cache folder, cache.py); ``meanwhile``: the caller's own work, done on
    this thread while the page's photos are prepared on the others, given what says whether they
    still are (render_pdf; cli.py loads the gate's modules so); ``refused``: the mark of a page
    the gate refused (REFUSED_SLUGS), put first in its slug as overset's is."""
    cache = default_cache() if cache is None else cache
    spec, manifest, articles, changes = load_inputs(spec_path)
    faces = FaceSet(manifest)
    memo_key = load_memo(faces, spec.path, cache)
    return build_loaded(spec, manifest, articles, tuple(changes), faces, out_dir, allow_overset=allow_overset,
                        proof=proof, cache=cache, memo_key=memo_key, meanwhile=meanwhile, refused=refused)


def build_loaded(spec: PageSpec, manifest: dict[str, FaceInfo], articles: dict[str, Article],
                 changes: tuple[Change, ...], faces: FaceSet, out_dir: Path, *, allow_overset: bool, proof: bool,
                 cache: DiskCache, memo_key: str | None, memo: Memo | None = None, durable: bool = True,
                 meanwhile: Meanwhile | None = None, refused: str = "") -> BuildResult:
    """build_page from its loaded inputs on: what a session (session.py) shares with it, so both
    write the same bytes. ``memo_key``: where the set lines are saved (None: kept in ``faces`` only);
    ``memo``: the session's pieces of earlier builds, kept by the identity of their inputs;
    ``durable``: the PDF synced to disk before it replaces the old one (paths.write_atomically)."""
    notes: tuple[Warning, ...] = ()
    if spec.auto is not None:
        from pagesetter.flow.auto import arrange  # only pages that ask for automatic make-up

        spec, explanation = arrange(spec, articles, faces)
        notes = (Warning("auto", explanation, spec.auto.loc),)
    stop: InputErrors | None = None
    try:
        refuse_rtl(spec, articles)  # right-to-left text in a vertical headline (flow/glyphs.py)
        articles, missing = missing_glyphs(spec, articles, faces, memo)  # an error, or 〓 and a warning each
        notes += missing
    except InputErrors as exc:
        if not proof:
            raise
        stop = exc  # the proof is written first, its 缺字 marks on the holes (as with overset)
    if not spec.edition:  # built alone: nothing can continue here (trial 14b #15)
        for aspec in spec.articles:
            if aspec.continued_from is not None:
                alone = InputError(aspec.loc, f"{aspec.article!r} is continued from page {aspec.continued_from} "
                                   f"(continued_from). {alone_hint(spec, 'continued_from')}")
                alone.edition_page = True
                raise alone
    precompose(spec, articles, faces)  # the bodies set on two cores (flow/precompose.py)
    flowed = flow_page(spec, articles, faces, memo=memo)
    page = with_unplaced_jumps(flowed.page, flowed.leftovers)
    notes += rule_colour_warnings(spec, page)
    check_photos(spec, articles, memo)  # before the overset gate: it would hide a file that is no picture
    early = early_photos(page, spec, cache, proof=proof, refused=stop is not None or (
        bool(page.overset) and not (allow_overset or spec.allow_overset)), memo=memo)
    try:
        return _finish(spec, manifest, articles, changes, faces, out_dir, page, flowed.warnings, notes, stop,
                       allow_overset=allow_overset, proof=proof, cache=cache, memo_key=memo_key, memo=memo,
                       durable=durable, early=early, meanwhile=meanwhile, refused=refused)
    finally:
        if early is not None:  # render_pdf closed it, unless the build stopped first
            early.close()


def _rule_colours(spec: PageSpec) -> dict[str, list[tuple[CMYK, Loc]]]:
    """Each colour the spec gives rules, where it is written, by the rules it colours: the column
    and article rules (the page's ``rules:`` and each module's own), a box's frame, the folio rule."""
    given = [spec.rules, *(a.rules for a in spec.articles if a.rules is not None)]
    return {"rule": [(r.color, r.color_loc) for r in given if r.color_loc is not None],
            "box": [(a.box.color, a.box.color_loc) for a in spec.articles if a.box is not None and a.box.color_loc],
            "folio": [(spec.folio.rule_color, spec.folio.rule_color_loc)]
            if spec.folio is not None and spec.folio.rule_color_loc is not None else []}


def rule_colour_warnings(spec: PageSpec, page: Page) -> tuple[Warning, ...]:
    """A rule the page draws thin in two inks or more (preflight REGISTRATION_RULES["rule"]: the
    plates part into fringes), said once at the line of the spec that coloured it, as preflight
    says it of the stroke in the PDF (trial 17a #10). Read from the rules as drawn, so a weight the
    page never draws (column rules of a module with one column) is not warned of."""
    places = _rule_colours(spec)
    if not any(places.values()):
        return ()
    from pagesetter.proof.preflight import REGISTRATION_RULES, rule_registration

    strokes = [(r.width, r.color, "folio" if r.role == "folio" else "rule") for r in page.rules
               if r.role in ("article", "column", "folio")]
    strokes += [(p.stroke, p.color, "box") for p in page.panels if p.stroke > 0]
    strokes += [(INNER_RULE, p.color, "box") for p in page.panels if p.stroke > 0 and p.inner > 0]
    said: dict[tuple[str, Loc], None] = {}
    for weight, colour, kind in strokes:
        cause = rule_registration(weight, colour.fractions())
        for given, loc in places[kind] if cause is not None else ():
            if given == colour:
                said[(cause, loc)] = None
    thinner = REGISTRATION_RULES["rule"].thinner
    return tuple(Warning("registration", f"{cause}: make it {thinner:g} pt or heavier, or in one ink", loc)
                 for cause, loc in said)


def check_photos(spec: PageSpec, articles: dict[str, Article], memo: Memo | None = None) -> None:
    """Every photo the page's articles list is a picture (its header read: render/probe.py
    probe_photo), else one error located at the article's photo entry (its ``- file:`` line), the
    file named: trial 15 found a text file named x.jpg hidden behind the page's overset error and
    said at the file alone. In a session (``memo``) a file that passed is not read again while it
    is the same file (_photo_fingerprint): an edit that did not touch a photo probes none."""
    from pagesetter.render.probe import probe_photo

    for aspec in spec.articles:
        article = articles.get(aspec.article)
        for photo in article.photos if article is not None else ():
            for file in photo.files:
                fingerprint = _photo_fingerprint(file) if memo is not None else None
                try:
                    if memo is not None and fingerprint is not None:
                        # a probe that raised keeps nothing: a file said wrong is read again next build
                        memo(("photo-probe", str(file), fingerprint), functools.partial(probe_photo, file))
                    else:
                        probe_photo(file)
                except InputError as exc:
                    raise InputError(photo.loc, f"photo {display_path(file)}: {exc.message}") from None


def _photo_fingerprint(path: Path) -> tuple[int, int, int, int] | None:
    """A photo file by its device, inode, size and modification time (as render/pdf.py keys a
    prepared photo): not read. None where it cannot be stated (the probe says why)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def early_photos(page: Page, spec: PageSpec, cache: DiskCache, *, proof: bool, refused: bool,
                 memo: Memo | None) -> EarlyPhotos | None:
    """The page's photos started now, as the flow has placed them, on the other core while this
    one finishes the page (render/pdf.py EarlyPhotos). Not for a page that stops here (overset,
    missing glyphs: nothing is rendered), nor with a proof (rendered first, from the same cache
    entries: it prepares them itself), nor in a session (its memo keeps the photos)."""
    if refused or proof or memo is not None or not page.images:
        return None
    return EarlyPhotos(page.images, cache, spec.photo_ppi)


def page_title(spec: PageSpec, articles: dict[str, Article]) -> str:
    """The PDF's Info title: the first headline of the page, else its name. One reader for a page
    built alone and in an edition (trial 15: the same page's title was its headline built alone
    and its name in the edition)."""
    return next((a.title for a in articles.values() if a.title), spec.name)


def _finish(spec: PageSpec, manifest: dict[str, FaceInfo], articles: dict[str, Article], changes: tuple[Change, ...],
            faces: FaceSet, out_dir: Path, page: Page, flow_warnings: tuple[Warning, ...],
            notes: tuple[Warning, ...], stop: InputErrors | None, *, allow_overset: bool, proof: bool,
            cache: DiskCache, memo_key: str | None, memo: Memo | None, durable: bool,
            early: EarlyPhotos | None, meanwhile: Meanwhile | None = None, refused: str = "") -> BuildResult:
    """build_loaded from the flowed page on: the proof, the overset gate, the print PDF."""
    title = page_title(spec, articles)
    if proof:  # written first: it shows where the text ran out even when overset refuses the print PDF
        write_proof(page, spec, manifest, faces, out_dir, title, cache, articles)
    if stop is not None:
        raise stop
    if page.overset and not (allow_overset or spec.allow_overset):
        if memo_key is not None:  # the next build, after the cut, reuses what was set
            save_memo(faces, memo_key, cache)
        jumped = not spec.edition and any(o.last_fitting == JUMP_NOT_BUILT for o in page.overset)
        # a page of an edition built alone (trial 14b #15): what is overset is the jump, for the
        # edition to carry; enlarging or cutting is the advice only for text that does not fit
        only_jumps = jumped and all(o.last_fitting == JUMP_NOT_BUILT for o in page.overset)
        entries = article_entries(spec)
        message = overset_message(page, flow_warnings, entries, advice=not only_jumps)
        if jumped:
            message += " " + alone_hint(spec, "jump_to")
        error = OversetError(message, page.overset, tuple(overset_where(o, flow_warnings, entries) for o in page.overset))
        error.edition_page = only_jumps
        raise error
    if not (allow_overset or spec.allow_overset):
        refuse_uncovered(flow_warnings)  # an area no module covers: not written (spec/coverage.py)
    printed, marked = with_marks(with_sources(page, spec, articles, memo), spec, faces, memo, refused)
    if memo_key is not None:
        save_memo(faces, memo_key, cache)
    rendered = render_pdf(printed, manifest, title, paper_date(spec), cache=cache,
                          settings=PrintSettings.of(spec), memo=memo, early=early, meanwhile=meanwhile)
    pdf_path = out_dir / f"{spec.name}.pdf"
    if durable:
        write_atomically(pdf_path, rendered.pdf)
    else:
        write_atomically(pdf_path, rendered.pdf, durable=False)
    return BuildResult(spec, page, articles, pdf_path, notes + flow_warnings + marked + rendered.warnings, changes,
                       inputs_of(spec, manifest, articles), rendered.digests)


def inputs_of(spec: PageSpec, manifest: dict[str, FaceInfo], articles: dict[str, Article]) -> tuple[Path, ...]:
    """Every file a build of ``spec`` reads: the spec and its style sheets, the font manifest and
    font files, the articles and their photos (the engine's own code is keyed separately)."""
    files = [*spec.sources, spec.fonts_manifest, *(face.path for face in manifest.values())]
    if spec.masthead is not None and spec.masthead.name.logo is not None:
        files.append(spec.masthead.name.logo)
    for name, article in sorted(articles.items()):
        files.append(spec.content_dir / f"{name}.md")
        files += [file for photo in article.photos for file in photo.files]
    return tuple(dict.fromkeys(files))


def paper_date(spec: PageSpec) -> str | None:
    """The date the paper bears (报眉 or 报头): the PDF's dates come from it (render/pdfx.py)."""
    if spec.folio is not None:
        return spec.folio.date
    return spec.masthead.date if spec.masthead is not None else None


def load_memo(faces: FaceSet, job: Path, cache: DiskCache) -> str:
    """Fill the composition memo with the lines the last build of this job (a page or an edition
    file) set: its memo, and the lines set since (save_memo); returns its key."""
    key = key_of("compose", str(job.resolve()), faces.fingerprint())
    memo = faces.memo
    found = cache.get_object("compose", key)
    if isinstance(found, dict):
        memo.load(found)
        memo.base = frozenset(found)
        since = cache.get_object("compose", _since_key(key))
        if isinstance(since, dict):
            memo.load(since)
            memo.since = frozenset(since)
    return key


# An edit's new lines are written beside the page's memo, on their own, while the memo stays
# mostly what builds use: past this share of new lines, or of lines no longer used, the memo is
# written whole again (and stays the size of one page).
SINCE_SHARE = 0.25


def save_memo(faces: FaceSet, key: str, cache: DiskCache) -> None:
    """Keep the lines this build used (only those: the entry stays the size of one page). When the
    page's memo on disk holds nearly all of them, only the ones it lacks are written (the
    paragraph an edit changed: a few KB, not the page's 400)."""
    memo = faces.memo
    if not memo.misses and len(memo.used) == len(memo.entries):
        return  # every line came from the disk cache and all were used: it holds them already
    used = memo.used_entries()
    new = {k: v for k, v in used.items() if k not in memo.base}
    if (memo.base and len(new) <= SINCE_SHARE * len(used)
            and len(memo.base - memo.used) <= SINCE_SHARE * len(memo.base)):
        if new.keys() != memo.since:
            if new:
                cache.put_object("compose", _since_key(key), new)
            else:
                cache.forget("compose", _since_key(key))
            memo.since = frozenset(new)
        return
    cache.put_object("compose", key, used)
    memo.base = frozenset(used)
    if memo.since:
        cache.forget("compose", _since_key(key))
        memo.since = frozenset()


def _since_key(key: str) -> str:
    """Where the lines set since the page's memo at ``key`` was written are kept."""
    return key_of("compose-since", key)


def write_proof(page: Page, spec: PageSpec, manifest: dict[str, FaceInfo], faces: FaceSet, out_dir: Path,
                title: str, cache: DiskCache = DiskCache(None), articles: dict[str, Article] | None = None) -> Path:
    """<page>.proof.pdf: the page with its make-up drawn over it (proof/overlay.py); its photos and
    subsets are the print PDF's, from ``cache``. And <page>.proof-a3.pdf, the same at 100 % on A3
    sheets, for reading on paper."""
    from pagesetter.proof.tiles import tiled_proof

    target = out_dir / f"{spec.name}.proof.pdf"
    data = proof_pdf(page, spec, manifest, faces, title, cache, articles)
    write_atomically(target, data)
    write_atomically(proof_print_path(target), tiled_proof(data, spec.name, faces.get("hei").info))
    return target


def proof_pdf(page: Page, spec: PageSpec, manifest: dict[str, FaceInfo], faces: FaceSet, title: str,
              cache: DiskCache = DiskCache(None), articles: dict[str, Article] | None = None) -> bytes:
    """The proof's bytes (an edition's worker sends them back to be written with the rest);
    ``articles`` as set, for the 〓 each printed for a character no face has (proof_page)."""
    from pagesetter.proof.overlay import proof_page

    # the print PDF's photos (same resolution, so the same cache entries); PDF/X-1a, as it is no plate
    settings = PrintSettings(photo_ppi=spec.photo_ppi)
    return render_pdf(proof_page(page, spec, faces, articles), manifest, f"{title} (proof)", cache=cache, settings=settings).pdf


OVERSET_SLUG = "溢出稿 OVERSET: NOT FOR PRINT"
# A page the build's gate refused (cli.py _build_page: written again with this first in its slug,
# as an overset page is marked, so a file picked up by its name says it is not for the plate).
REFUSED_SLUGS = {"preflight": "预检未过 PREFLIGHT FAILED: NOT FOR PRINT",
                 "set-over": "压字 TEXT SET OVER: NOT FOR PRINT"}


def refused_slug(preflight_errors: int, set_over: int, overset: bool = False) -> str:
    """The mark of a page the gate refused (REFUSED_SLUGS), from the gate's counts: its preflight
    errors (overset's own not among them) and its findings of text set over (report.SET_OVER); ""
    for a good page, and for an overset one (with_marks marks it OVERSET_SLUG already). One rule
    for a page built alone (cli.py), an edition's page (edition.py) and the desk's (serve.py)."""
    if overset:
        return ""
    if preflight_errors > 0:
        return REFUSED_SLUGS["preflight"]
    return REFUSED_SLUGS["set-over"] if set_over > 0 else ""


def with_marks(page: Page, spec: PageSpec, faces: FaceSet, memo: Memo | None = None, refused: str = ""
               ) -> tuple[Page, tuple[Warning, ...]]:
    """Crop marks, registration targets and the slug line, as the spec asks; and a warning when
    the slug line is cut (render/marks.py slug_line: a page too narrow for even its shortest form).
    ``refused``: a mark put first in the slug (REFUSED_SLUGS)."""
    from pagesetter.render.marks import MarksError, add_marks, mark_inside_trim
    from pagesetter.render.pdfx import build_date, slug_standard

    folio = spec.folio
    date = build_date(paper_date(spec)).strftime("%Y-%m-%d %H:%M UTC")
    version, standard = f"pagesetter {__version__}", slug_standard(spec.pdfx)
    parts = [f"{spec.name}.pdf"]
    if spec.edition:
        parts.append(f"edition {spec.edition}")
    if folio:
        # the page (版次) is the plate the plant makes for it
        parts += [folio.paper, f"plate {folio.page} {folio.section}".strip()]
    parts += [date, standard, version]
    if page.overset:  # built with overset allowed: the plate says so, and preflight fails the file
        parts.insert(0, OVERSET_SLUG)
    elif refused:
        parts.insert(0, refused)
    if parts[0] in (OVERSET_SLUG, *REFUSED_SLUGS.values()) and not spec.marks.slug:
        # no slug line asked for, the mark never lost: set inside the trim (render/marks.py
        # mark_inside_trim), the mark with the file's name and the date
        text = printable_text(" · ".join(parts[:2] + [date]), spec.styles["folio"], faces)
        inside_line = mark_inside_trim(text, spec.styles["folio"], spec.trim, spec.margin_top,
                                       spec.margin_top + spec.grid.height, faces)
        page = replace(page, lines=page.lines + (inside_line,))
    # The whole line, then shorter for a narrow page: narrower separators, then without what the
    # PDF's own metadata says too (the engine's version, the standard), then the paper's name.
    forms = ["  ·  ".join(parts), " · ".join(parts)]
    for part in (version, standard, folio.paper if folio else None):
        if part is not None and part in parts:
            parts.remove(part)
            forms.append(" · ".join(parts))
    # 〓 for a character no face has (the build has stopped on it unless the spec substitutes)
    forms = [printable_text(f, spec.styles["folio"], faces) for f in forms]
    try:
        marked, cut = add_marks(page, spec.marks, tuple(forms), spec.styles["folio"], faces, memo)
    except MarksError as exc:
        raise InputError(Loc.of_file(spec.path), f"{exc}; ask for none (marks: {{registration: false}}) "
                         "or a larger trim") from None
    if cut is None:
        return marked, ()
    lost = forms[-1][len(cut):].strip() if forms[-1].startswith(cut) else forms[-1]
    return marked, (Warning("slug", f"the slug line does not fit the foot margin of this "
                            f"{spec.trim[0] / 72 * 25.4:.0f} mm wide page, even shortened: printed as far as "
                            f"{cut[-16:]!r}, without {lost!r}; ask for none (marks: {{slug: false}}), a shorter "
                            "page name or a wider trim", Loc.of_file(spec.path)),)


def with_sources(page: Page, spec: PageSpec, articles: dict[str, Article], memo: Memo | None = None) -> Page:
    """The page with each article's source file and lines, carried in the PDF for ``diff``, and each
    photo's file as the project names it, for preflight."""
    from pagesetter.proof.sourcemap import article_sources, project_path

    def shown(image: Image) -> Image:
        return replace(image, shown=project_path(image.path, spec.root))

    # A session keeps each photo named by the photo as placed (an unchanged module's are the same
    # objects) and the root: resolving both costs a dozen system calls a photo. A photo's file
    # replaced, or a link to it retargeted, changes its stat: the article is read again
    # (session.py), and its photos are new objects.
    root = spec.root.as_posix()
    images = tuple(shown(i) if memo is None else memo(("shown", i, root), functools.partial(shown, i))
                   for i in page.images)
    return replace(page, sources=article_sources(page, articles, spec.root, memo), images=images)


def with_unplaced_jumps(page: Page, leftovers: dict[str, tuple[Line, ...]]) -> Page:
    """Lines that jump to a page nobody builds are overset like any others."""
    if not leftovers:
        return page
    extra = tuple(Overset(a, sum(len(l.text) for l in lines), len(lines), JUMP_NOT_BUILT)
                  for a, lines in leftovers.items())
    return replace(page, overset=page.overset + extra)


JUMP_NOT_BUILT = "(jump to a page not built)"  # an Overset's last_fitting: lines a jump_to took away


def alone_hint(spec: PageSpec, key: str) -> str:
    """What to do with a page built alone whose article jumps (``key``: jump_to or continued_from):
    only an edition carries a jump from page to page, so the page is built in its edition; the
    edition file that holds it is named, with the command (trial 14b #15: `pagesetter build
    layout/p1.yaml` said the lead was overset, p3 that no earlier page jumped, and neither which
    edition to build)."""
    from pagesetter.edition import editions_holding

    holders = editions_holding(spec.path, spec.root)
    if not holders:
        return (f"This page is built alone, and a jump ({key}) is carried only by an edition that holds this page "
                "and the page it jumps to or from: build that edition file (pagesetter build EDITION.yaml; README, "
                "Editions).")
    edition, n = holders[0]
    also = "".join(f", and of {display_path(e)} (page {k})" for e, k in holders[1:])
    return (f"This page is built alone, and a jump ({key}) is carried only by its edition: "
            f"{display_path(spec.path)} is page {n} of {display_path(edition)}{also}; build the edition: "
            f"pagesetter build {display_path(edition)}")


def overset_where(o: Overset, warnings: tuple[Warning, ...], entries: dict[str, Loc]) -> str:
    """The layout's line a part cut at its area is said at (a headline at its entry, a caption at
    its photo cell), from the flow's overset warning that names the part: the editor finds the
    entry to enlarge. Body text cut at its columns' foot is said at the article's entry in the
    layout (``entries``), and by its last words: every error names a file and a place."""
    if o.last_fitting.startswith("("):
        part = o.last_fitting[1:-1].split(":")[0]
        for w in warnings:
            if w.kind == "overset" and w.loc is not None and f"{o.article!r}" in w.message and part in w.message:
                return str(w.loc)
    entry = entries.get(o.article)
    return str(entry) if entry is not None else ""


def article_entries(spec: PageSpec) -> dict[str, Loc]:
    """Each article's entry in the page spec (where overset is said)."""
    return {a.article: a.loc for a in spec.articles}


def overset_message(page: Page, warnings: tuple[Warning, ...] = (), entries: dict[str, Loc] | None = None,
                    advice: bool = True) -> str:
    parts = [f"{where + ': ' if (where := overset_where(o, warnings, entries or {})) else ''}{o.article}: "
             f"{o.amount()} {o.cut()}"
             for o in page.overset]
    return "overset (text that does not fit): " + "; ".join(parts) + \
        (". Enlarge the blocks, cut the text, or build with --allow-overset to see the page." if advice else ".")
