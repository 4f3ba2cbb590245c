"""What a build says about a page it wrote, and whether the page may leave the desk.

The night desk sends whatever ``pagesetter build`` writes when it exits 0, so the build reads its
own PDF back every time (quiet or not): the typography summary and the preflight verdict go to
stdout, every problem (a warning, allowed overset, a preflight finding) to stderr as one line
naming the file and place, and a preflight error makes the build fail.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

from pagesetter.errors import Loc, Warning, display_path, visible
from pagesetter.records import record
from pagesetter.wording import counted

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (an unchanged page's replay never needs it)
if TYPE_CHECKING:
    from typing import Callable

    from pagesetter.proof.coverage import CoverageServer
    from pagesetter.proof.preflight import PreflightReport
    from pagesetter.proof.structure_worker import StructureWorker
    from pagesetter.spec.model import PageSpec

NOTE_KINDS = frozenset({"fitted", "auto"})  # what the engine did, not a problem


@record(frozen=True)
class StatusItem:
    """One overset article, warning, note or preflight finding in ``build --json`` (README)."""

    kind: str  # a warning's kind ("underset" …), "note" kinds ("fitted", "auto"), a preflight check
    message: str
    where: str = ""  # file:line:column, or the PDF (and page) of a preflight finding
    severity: str = "warning"  # "error", "warning" or "note"
    article: str = ""
    characters: int = 0  # overset only
    lines: int = 0  # overset only

    def to_json(self, keys: tuple[str, ...]) -> dict[str, object]:
        return {key: getattr(self, key) for key in keys}


@record(frozen=True)
class PageStatus:
    """A page as ``build --json`` reports it: what it holds and what is wrong with it."""

    characters: int
    photos: int
    normalised: int
    typography_problems: int
    overset: tuple[StatusItem, ...]
    warnings: tuple[StatusItem, ...]
    notes: tuple[StatusItem, ...]
    preflight_errors: int
    preflight_warnings: int
    findings: tuple[StatusItem, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "characters": self.characters, "photos": self.photos, "normalised": self.normalised,
            "typography_problems": self.typography_problems,
            "overset": [o.to_json(("article", "where", "characters", "lines", "message")) for o in self.overset],
            "warnings": [w.to_json(("kind", "where", "message")) for w in self.warnings],
            "notes": [n.to_json(("kind", "where", "message")) for n in self.notes],
            "preflight": {"errors": self.preflight_errors, "warnings": self.preflight_warnings,
                          "findings": [f.to_json(("severity", "kind", "where", "message")) for f in self.findings]},
        }


def page_status(page, changes, warnings, findings, typography_problems: int, pdf: Path,  # type: ignore[no-untyped-def]
                with_page: bool = True, spec: "PageSpec | None" = None) -> PageStatus:
    """The status of a page built (pagetree.Page, its normalisation changes, build warnings,
    preflight findings of its PDF). ``spec``: the page's, where each overset is located (its
    ``where``: the article's entry in the layout, as the overset that stops a build says it)."""
    places = overset_places(page, tuple(warnings), spec)
    overset = tuple(StatusItem("overset", f"{o.amount()} {o.cut()}", where, "error",
                               o.article, o.chars, o.lines) for o, where in zip(page.overset, places))
    warned = tuple(StatusItem(w.kind, w.message, str(w.loc) if w.loc else "",
                              "note" if w.kind in NOTE_KINDS else "warning") for w in warnings)
    found = tuple(StatusItem(f.check, f.message, display_path(pdf) + (f" page {f.page}" if f.page and with_page else ""),
                             f.severity) for f in findings)
    return PageStatus(sum(len(line.text) for line in page.lines), len(page.images), len(changes),
                      typography_problems, overset, tuple(w for w in warned if w.severity == "warning"),
                      tuple(w for w in warned if w.severity == "note"),
                      gate_errors(findings), sum(f.severity == "warning" for f in findings), found)


# The preflight's check of the mark an --allow-overset page carries (preflight.py _overset_mark):
# the build's own gate (overset stops it unless allowed, exit 3), so a finding of the build's but
# not one of its preflight `errors` (README, build --json): the text report counts it apart.
OVERSET_MARK = "overset"


def gate_errors(findings) -> int:  # type: ignore[no-untyped-def]  # preflight.Finding
    """The preflight errors that fail a build (exit 6): every error but the overset mark."""
    return sum(1 for f in findings if f.severity == "error" and f.check != OVERSET_MARK)


def overset_places(page, warnings: tuple[Warning, ...], spec: "PageSpec | None") -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """Where each overset of ``page`` is said: the layout's line of the article's entry (a headline
    or caption cut at its area, that area's entry), as build.overset_message locates the overset
    that stops a build; "" without the spec."""
    if spec is None:
        return tuple("" for _ in page.overset)
    from pagesetter.build import article_entries, overset_where

    entries = article_entries(spec)
    return tuple(overset_where(o, warnings, entries) for o in page.overset)


def overset_said(status: "PageStatus | None", pdf: str = "") -> list[str]:
    """Each overset of a written page as its problem line and the build's last line say it:
    ``layout/page.yaml:11:5: sanwen: 325 characters in 27 lines after “…”`` (``pdf``: the page's
    file first, an edition's page)."""
    if status is None:
        return []
    return [f"{pdf + ': ' if pdf else ''}{o.where + ': ' if o.where else ''}{o.article}: {o.message}"
            for o in status.overset]


@record(frozen=True)
class PageReport:
    info: tuple[str, ...]  # stdout: normalisation, typography and preflight summaries, notes
    problems: tuple[str, ...]  # stderr: one line each, naming the file and place
    preflight_errors: int = 0
    status: PageStatus | None = None  # for build --json
    # findings of the typography check that are text set over text or furniture, or cut by the
    # trim (SET_OVER): the build exits as `check` does (4), never 0, for a page a plant would reject
    set_over: int = 0
    pdf_shown: str = ""  # the PDF as its preflight lines name it (display_path when recorded)
    # the working folder the build ran in, which its lines' places (content/x.md:12) are relative
    # to (display_path); "" in a record made before it was kept: its places are left as they are
    folder: str = ""

    def moved(self, shown: str, spec: "Path | None" = None) -> "PageReport":
        """The report of a replay that wrote the PDF at ``shown`` (another output folder, or the
        same one seen from another working folder): its preflight lines and findings name that
        PDF, not the recorded build's; run from another working folder, each place it names
        (file:line) is named from there, as a fresh build there names it (session 18: the
        recorded folder's content/x.md:12 named no file from another). ``spec``: the page spec as
        this build was given it, which a fresh build names as it was given."""
        import os

        old = self.pdf_shown
        here = os.getcwd()
        refolder = bool(self.folder) and self.folder != here
        if (not old or old == shown) and not refolder:
            return self
        from dataclasses import replace as _replace

        placed = _replaced_places(self.folder, spec) if refolder else (lambda text: text)

        def at(text: str) -> str:  # a line or `where` that starts with the PDF's name; its places
            return placed(shown + text[len(old):] if old and text.startswith(old) else text)

        status = self.status
        if status is not None:
            def where(items: tuple[StatusItem, ...]) -> tuple[StatusItem, ...]:
                return tuple(_replace(i, where=at(i.where)) for i in items)

            status = _replace(status, findings=where(status.findings), warnings=where(status.warnings),
                              notes=where(status.notes), overset=where(status.overset))
        return _replace(self, info=tuple(map(at, self.info)), problems=tuple(map(at, self.problems)),
                        status=status, pdf_shown=shown or old, folder=here)

    def emit(self, quiet: bool) -> None:
        import sys

        if not quiet and self.info:
            print("\n".join(self.info), flush=True)
        for line in self.problems:
            print(line, file=sys.stderr, flush=True)


def _replaced_places(folder: str, spec: "Path | None") -> "Callable[[str], str]":
    """A line's places (``path:line``, at the line's start or after a blank or a bracket) as
    display_path names them from the working folder now, each path read from ``folder``, the one
    the line was written in. Only a path naming a file there is a place (a time 12:30 is not);
    the spec is named as this build was given it, as a fresh build names it (its loader's Loc)."""
    import os
    import re

    here = os.path.realpath(spec) if spec is not None else ""
    shown: dict[str, str] = {}

    def one(match: "re.Match[str]") -> str:
        token = match.group(1)
        if token not in shown:
            path = os.path.join(folder, token)
            if token.endswith(".pdf") or not os.path.isfile(path):  # the PDF: moved() names it
                shown[token] = token
            elif spec is not None and os.path.realpath(path) == here:
                shown[token] = display_path(spec)
            else:
                shown[token] = display_path(os.path.normpath(path))
        return shown[token] + ":"

    place = re.compile(r"(?<![^\s(])([^\s:()]+):(?=\d)")
    return lambda text: place.sub(one, text) if text else text


def gate_tools() -> str | None:
    """Ghostscript, which the gate's coverage check runs when it is installed: in the key of a
    build record that holds a gate verdict (a replayed "not checked" must not outlive its install)."""
    import shutil

    return shutil.which("gs")


@record(frozen=True)
class Gate:
    """What the gate found in one PDF: the typography check (its summary line and count of
    problems) and the preflight report, from one read-back while Ghostscript renders it."""

    typography_summary: str
    typography_problems: int
    preflight: "PreflightReport"
    # Ink past the measure, one Warning each, located as `check` locates it (file:line of the
    # article's source, relative to the project root): the summary's count alone names no place.
    measure_warnings: tuple[Warning, ...] = ()
    # Every other problem `check` counts, likewise (a 孤字, a line off the grid, …); the build says
    # those the flow has not said already (unsaid).
    check_warnings: tuple["CheckWarning", ...] = ()


@record(frozen=True)
class CheckWarning:
    """A problem of the typography check as the build says it: ``warning`` (kind `typography`,
    located as `check` locates it), with the finding's kind (typography.PROBLEMS), article (its
    id, or "" where the record does not say) and text as `check` shows it (the line's; the two
    sides of a split span), by which one the flow has said already is known (unsaid)."""

    key: str
    article: str
    text: tuple[str, ...]
    warning: Warning
    # where the finding stands: its page and baseline (pt from the top of the PDF's MediaBox), by
    # which one on the page's furniture (报眉, 报头), which no article's record names, is located
    # at the spec's entry for it (furniture_located)
    page: int = 0
    baseline: float = 0.0


def load_gate(waiting: Callable[[], bool] = lambda: True) -> None:
    """The gate's modules (pdfium, the typography check, the XMP reader, pikepdf) loaded now, one
    by one while ``waiting`` says so, each one gate_pdf would load when it starts. A command-line
    build does this while the page's photos are prepared (build_page's ``meanwhile``), when this
    thread would otherwise wait for them; on a cold page the time is the load's: some 40 ms of
    the 50 on a busy machine, less on an idle one, where the photos are done sooner."""
    for load in _GATE_MODULES:
        if not waiting():
            return
        load()


def _load_pdfium() -> None:
    import pypdfium2  # noqa: F401  (readback imports it where a PDF is read)
    import pypdfium2.raw  # noqa: F401


def _load_typography() -> None:
    from pagesetter.proof import typography  # noqa: F401


def _load_xml() -> None:
    from xml.etree import ElementTree  # noqa: F401  (preflight's XMP check)


def _load_preflight() -> None:
    from pagesetter.proof import preflight  # noqa: F401  (pikepdf: the largest)


# smallest first: a step started when the photos are nearly done overruns their end by less
_GATE_MODULES: tuple[Callable[[], None], ...] = (_load_xml, _load_typography, _load_pdfium, _load_preflight)


def gate_pdf(pdf: Path, server: "CoverageServer | None" = None, worker: "StructureWorker | None" = None) -> Gate:
    """The typography check and the preflight of ``pdf``: the characters read back once for both,
    while Ghostscript renders it on another core for the coverage check (``server``'s, when
    given and the file is in its workspace) and, given a kept process's ``worker``, the
    preflight reads the file's objects in that process (structure_worker.py)."""
    from dataclasses import replace as _replace

    # The page given to the kept Ghostscript first (coverage.py is the standard library's only): it
    # renders on the other core while the modules below load, when they have not loaded yet (pikepdf,
    # 20-30 ms), and its ink is summed before the preflight asks for it.
    started = (server.render(pdf),) if server is not None else None

    from pagesetter.proof.preflight import Limits, coverage_render, preflight, preflight_finish, preflight_structure
    from pagesetter.proof.readback import read_chars
    from pagesetter.proof.typography import _locate, analyse, pdf_records

    with coverage_render(pdf, server=server, started=started) as render:
        asked = worker is not None and worker.submit(pdf, render.device_colour)
        chars = read_chars(pdf)
        records = pdf_records(pdf)
        typography = analyse(chars, records=records)
        # located now, not after the preflight: it needs only the read-back, and here it runs while
        # Ghostscript, its ink totals or the preflight worker may still be busy on the other core
        _locate(typography, chars, records)
        if not asked:
            checked = preflight(pdf, chars=chars, render=render)
        else:
            assert worker is not None
            # None: the worker could not read the file (or is gone): read here, raising what the
            # build without a worker raises
            structure = worker.structure()
            if structure is None:
                structure = preflight_structure(pdf, Limits(), render.device_colour)
            else:  # read by its absolute path: named as the caller names it
                structure.report.path = str(pdf)
                structure = _replace(structure, path=pdf)
            checked = preflight_finish(structure, Limits(), chars, render)
    return Gate(typography.summary(), typography.problems, checked, measure_warnings(typography),
                typography_warnings(typography))


# The findings of `check` that are ink past a column's measure (proof/typography.py PROBLEMS):
# the build says each as a located `past-measure` warning; every other problem as a `typography`
# one, unless the flow has said it (a split span or a very loose line is the flow's own warning).
# A line off its measure because it ends short of it (Finding.short) has no ink past it: a
# `typography` warning.
PAST_MEASURE = (("off_measure", "off the measure"), ("ink_past", "ink past the measure"))


def measure_warnings(report) -> tuple[Warning, ...]:  # type: ignore[no-untyped-def]  # TypographyReport
    """`past-measure` warnings from a located typography report: where = the article's source
    file and line (``Finding.where``: "article 'x', content/x.md:12"), else the page."""
    out = []
    for key, title in PAST_MEASURE:
        for f in getattr(report, key):
            if not f.short:
                loc, message = _located(f, title)
                out.append(Warning("past-measure", message, loc, f.article))
    return tuple(out)


def typography_warnings(report) -> tuple[CheckWarning, ...]:  # type: ignore[no-untyped-def]  # TypographyReport
    """Every other problem of a located typography report (typography.PROBLEMS, in its order), and
    each finding it warns of (typography.WARNED), as a `typography` warning located as
    measure_warnings locates one."""
    from pagesetter.proof.typography import PROBLEMS, WARNED

    said = {key for key, _ in PAST_MEASURE}
    out = []
    for key, title in PROBLEMS + WARNED:
        for f in getattr(report, key):
            if key in said and not f.short:
                continue  # a past-measure warning (measure_warnings)
            if key == "geta":
                continue  # the build said each as it printed it (flow/glyphs.py: a missing-glyph warning)
            loc, message = _located(f, title)
            out.append(CheckWarning(key, f.article, f.parts or (f.text,), Warning("typography", message, loc, f.article),
                                    f.page, f.baseline))
    return tuple(out)


# The problems of `check` that fail the build as well (its exit status 4, as `check`'s): text set
# over other text, over a rule of the page's furniture, or cut by the trim.
SET_OVER = frozenset({"overlap", "over_furniture", "off_trim"})


def refusal_counts(gate: Gate) -> tuple[int, int]:
    """The gate's preflight errors (overset's own not among them: the build's own gate) and its
    findings of text set over (SET_OVER), as page_report counts them: build.refused_slug's input."""
    errors = gate_errors(gate.preflight.findings)
    return errors, sum(1 for c in gate.check_warnings if c.key in SET_OVER)


def furniture_located(gate: Gate, spec: "PageSpec", origin: float) -> Gate:
    """``gate`` with each typography finding no article's record locates that stands in the grid
    lines of the page's furniture located at the spec's entry for it: ``folio:`` (the 报眉's
    lines), the masthead's info field on that line, else ``masthead:``. A 报眉 set over itself is
    said where it is written, never as a bare page (trial 13), its file named from the project
    root as an article's is. ``origin``: how far the trim's top stands below the MediaBox's (bleed
    and mark margin; render/marks.py media_origin)."""
    from dataclasses import replace as _replace

    located = tuple(_furniture_warning(c, spec, origin) if c.warning.loc is None else c
                    for c in gate.check_warnings)
    return _replace(gate, check_warnings=located) if located != gate.check_warnings else gate


def _furniture_warning(c: CheckWarning, spec: "PageSpec", origin: float) -> CheckWarning:
    from dataclasses import replace as _replace

    from pagesetter.flow.geometry import PageGeometry
    from pagesetter.proof.sourcemap import project_path

    if c.page != 1:
        return c  # a page's own PDF has one page
    geo = PageGeometry(spec)
    y = c.baseline - origin  # from the trim's top, as the page tree places lines
    loc, what = None, ""
    if c.article == "folio" and spec.folio is not None:  # the check named it (the record's furniture)
        loc = spec.folio.loc
    elif c.article == "masthead" and spec.masthead is not None:
        loc = spec.masthead.loc
    elif spec.folio is not None and geo.line_top(0) <= y <= geo.line_top(spec.folio.lines):
        loc, what = spec.folio.loc, "the folio (报眉)"
    elif spec.masthead is not None:
        masthead = spec.masthead
        if geo.line_top(masthead.block.top) <= y <= geo.line_top(masthead.block.bottom):
            info = masthead.info_lines()
            first = masthead.block.bottom - 1 - len(info)
            locs = dict(masthead.info_locs)
            loc = next((locs.get(where, masthead.loc) for i, (where, _) in enumerate(info)
                        if geo.line_top(first + i) <= y <= geo.line_top(first + i + 1)), masthead.loc)
            what = "the masthead (报头)"
    if loc is None:
        return c
    # named as the record names an article's source, from the project root (rooted, as those are)
    loc = Loc(project_path(Path(loc.path), spec.root), loc.line, loc.column)
    return _replace(c, warning=_replace(c.warning, loc=loc, message=f"{what}, {c.warning.message}" if what
                                        else c.warning.message))


def _located(f, title: str) -> tuple[Loc | None, str]:  # type: ignore[no-untyped-def]  # typography.Finding
    """A finding's place (its article's file and line) and what the build says of it."""
    article, _, source = f.where.partition(", ")
    path, _, line = source.rpartition(":")
    loc = Loc(path, int(line)) if path and line.isdigit() else None
    what = f"{article}, {_at_page(f.page)}" if article else _at_page(f.page)
    return loc, f"{what}{f.baseline:.2f} pt: {title}: {visible(f.text)} {visible(f.detail)}".rstrip()


def _at_page(page: int) -> str:
    """How a finding's message names its page, up to its baseline's figure (_located writes it,
    in_edition renumbers it)."""
    return f"page {page}, baseline "


def in_edition(gate: Gate, number: int) -> Gate:
    """The gate of an edition's page ``number`` (from 1) as the edition says it. It was found in
    the page's own one-page PDF (in its worker, and kept in the page's replay record whatever its
    place), where every finding is on page 1; the edition names a page by its place, as its
    preflight (merged_preflight), its progress lines and `check` of the combined PDF do (session
    17: the second page's 段末孤行 was said to be on "page 1")."""
    from dataclasses import replace as _replace

    if number == 1:
        return gate

    def renumbered(w: Warning, page: int) -> Warning:
        return _replace(w, message=w.message.replace(_at_page(page), _at_page(number), 1))

    return _replace(gate, measure_warnings=tuple(renumbered(w, 1) for w in gate.measure_warnings),
                    check_warnings=tuple(_replace(c, page=number, warning=renumbered(c.warning, c.page))
                                         for c in gate.check_warnings))


# The problems of `check` the flow says itself, as the warning of this kind (flow/article.py
# _very_loose_warning, _split_warning; a hole is a glyph the face set has not, _missing_warning).
# (a line off its measure the flow warned of: a justified line it set short, its very-loose
# "set short" warning quoting the line; trial 18a #5)
FLOW_SAYS = {"very_loose": "very-loose", "split_spans": "split-span", "holes": "missing-glyph",
             "parted_signs": "layout", "off_measure": "very-loose"}


def unsaid(found: "tuple[CheckWarning, ...]", flow: "tuple[Warning, ...] | list[Warning]") -> list[Warning]:
    """The warnings of ``found`` that no flow warning has said already: a very loose line or a
    split span the flow warned of (the same article, the same line's text), a hole in an article
    the flow said has a character no face prints. The rest, a 孤字 or a line off the grid, the
    flow never says: each is said."""
    return [c.warning for c in found if not any(_says(w, c) for w in flow)]


def _says(w: Warning, c: CheckWarning) -> bool:
    """Has the flow's warning ``w`` said what ``c`` says? Compared by the fields each carries
    (Warning.article and .quoted; the finding's article and text), never by a message's words."""
    if FLOW_SAYS.get(c.key) != w.kind or not c.article or w.article != c.article:
        return False
    if c.key == "holes":
        return True  # the article's character no face prints: the flow names it, and its paragraph
    if c.key == "parted_signs":  # the flow quotes the 落款's line (flow/article.py _warn_signs)
        return len(w.quoted) == 1 and len(c.text) == 1 and _bare(w.quoted[0]) == _bare(c.text[0])
    if c.key in ("very_loose", "off_measure"):  # the flow quotes a line with or without its line-end hyphen
        return len(w.quoted) == 1 and len(c.text) == 1 and \
            _bare(w.quoted[0]).rstrip(LINE_END_HYPHENS) == _bare(c.text[0]).rstrip(LINE_END_HYPHENS)
    # the flow quotes the last and first 8 characters either side of the split, check 16
    return (len(w.quoted) == 2 and len(c.text) == 2 and _bare(c.text[0]).endswith(_bare(w.quoted[0]))
            and _bare(c.text[1]).startswith(_bare(w.quoted[1])))


# a hyphen ending a line as the flow quotes it and as `check` reads it (pdfium's U+0002)
LINE_END_HYPHENS = "-\x02\u00ad"


def _bare(text: str) -> str:
    """A text as both sides can compare it: without its spaces (the flow's line holds the copy's
    ideographic spaces, `check` shows a space where it reads white between two glyphs)."""
    return "".join(text.split())


def gate_pdf_bytes(data: bytes, server: "CoverageServer | None" = None) -> Gate:
    """``gate_pdf`` of a PDF not written yet (an edition's page, in its worker): from a private
    temporary file, in ``server``'s workspace when there is one."""
    import tempfile

    if server is not None:
        path = server.workspace() / "gated.pdf"
        path.write_bytes(data)
        try:
            return gate_pdf(path, server)
        finally:
            path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="pagesetter-gate-") as tmp:
        path = Path(tmp) / "page.pdf"
        path.write_bytes(data)
        return gate_pdf(path)


def merged_preflight(document: "PreflightReport", pages: "list[PreflightReport]") -> "PreflightReport":
    """An edition's preflight from its document-level checks (``preflight(pages=False)`` of the
    combined file) and each page's own file's: the combined file holds the same pages (their
    content and resources copied as they are), so a page finding is the same finding, numbered
    as the page in the edition. Coverage not checked (no Ghostscript, a failed render) is said
    once, as for one file; figures are the edition's least and most."""
    from dataclasses import replace as _replace

    from pagesetter.proof.preflight import PreflightReport

    out = PreflightReport(document.path, list(document.findings), dict(document.measured))
    said: set[str] = set()
    for number, page in enumerate(pages, 1):
        for f in page.findings:
            if f.page:
                out.findings.append(_replace(f, page=number))
            elif f.check == "coverage" and f.message not in said:
                said.add(f.message)
                out.findings.append(f)
    for key, pick in (("smallest text pt", min), ("thinnest rule pt", min), ("lowest image ppi", min),
                      ("max tac %", max), ("tac checked", min)):
        values = [p.measured[key] for p in pages if key in p.measured]
        if values and (key not in ("max tac %", "tac checked") or len(values) == len(pages)):
            out.measured[key] = pick(values)
    return out


def page_report(result, server: "CoverageServer | None" = None,  # type: ignore[no-untyped-def]
                worker: "StructureWorker | None" = None) -> PageReport:
    """Marks normalised, overset, the typography check and the preflight of the PDF of
    ``result`` (build.BuildResult; read back once for both, while Ghostscript renders it for the
    coverage check: ``server``'s, primed while the page was made, when given), warnings and notes."""
    info: list[str] = []
    problems: list[str] = []
    if result.changes:
        info.append(normalised_line(result.changes))
    from pagesetter.render.marks import media_origin

    gate = furniture_located(gate_pdf(result.pdf_path, server, worker), result.spec,
                             media_origin(result.spec.bleed, result.spec.marks))
    info.append(gate.typography_summary)  # what `check` says of it
    checked = gate.preflight
    info.append(preflight_summary(checked))
    warnings = (not_in_preflight(result.warnings, checked.findings) + rooted(gate.measure_warnings, result.spec.root)
                + rooted(tuple(unsaid(gate.check_warnings, result.warnings)), result.spec.root))
    status = page_status(result.page, result.changes, tuple(warnings), checked.findings, gate.typography_problems,
                         result.pdf_path, spec=result.spec)
    # each overset at the article's entry in the layout (trial 17b #5: said by the article alone)
    problems += [f"overset: {line}" for line in overset_said(status)]
    problems += preflight_lines(result.pdf_path, said_at_spec(checked.findings, result.warnings))
    problems += warning_lines(warnings, info)
    set_over = sum(1 for c in gate.check_warnings if c.key in SET_OVER)
    # The overset mark is the build's own gate (overset stops it unless allowed): not counted here.
    errors = gate_errors(checked.findings)
    import os

    return PageReport(tuple(info), tuple(problems), errors, status, set_over, display_path(result.pdf_path),
                      os.getcwd())


def rooted(warnings: tuple[Warning, ...], root: Path) -> list[Warning]:
    """Warnings whose locations are relative to the project root (the layout record's source
    files) as the build names every other file."""
    from dataclasses import replace as _replace

    return [_replace(w, loc=Loc(display_path(root / w.loc.path), w.loc.line)) if w.loc else w for w in warnings]


def not_in_preflight(warnings, findings) -> list[Warning]:  # type: ignore[no-untyped-def]
    """The warnings less a photo's low resolution that preflight reports too (one finding, one
    line: preflight names the photo by file and article, and its line is the one that fails)."""
    # the finding names the photo by its path in the project, the warning's place by the file
    flagged = {Path(f.message.split(" ", 1)[0]).name for f in findings if f.check == "resolution"}
    return [w for w in warnings if not (w.kind == "low-resolution" and w.loc is not None and Path(w.loc.path).name in flagged)]


def said_at_spec(findings, warnings) -> list:  # type: ignore[no-untyped-def]  # Finding, errors.Warning
    """The preflight findings less a thin rule in several inks that the build has said at the spec
    line that coloured it (build.py rule_colour_warnings, in the same words): one problem, one
    line, the located one."""
    causes = {w.message.split(": make it", 1)[0] for w in warnings if w.kind == "registration" and w.loc is not None}
    return [f for f in findings if not (f.check == "registration" and f.message.rsplit("; ", 1)[0] in causes)]


def normalised_line(changes) -> str:  # type: ignore[no-untyped-def]  # content.model.Change
    # Each distinct edit named once (a page has some 300 changes of a dozen kinds): counted by its
    # (before, after) first, then by its text, keys in first-seen order as counting the texts keeps them.
    # A change that leaves its mark (a straight quote without a partner, content/normalise.py
    # UNPAIRED) is no normalisation: said after the count, each with its place, to be fixed in the copy.
    kept = [c for c in changes if c.before == c.after]
    changes = [c for c in changes if c.before != c.after]
    counts: Counter[str] = Counter()
    for (before, after), n in Counter((c.before, c.after) for c in changes).items():
        # full-width letters and digits set half-width (content/normalise.py half_width): one kind,
        # not one per letter (２０２６年 would be four)
        counts[HALF_WIDTH_KIND if _half_width(before, after) else _change_text(before, after)] += n
    summary = ", ".join(f"{n}× {k}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    line = f"normalised: {counted(len(changes), 'mark')} ({summary})" if changes else ""
    quotes = [c for c in kept if c.before in "\"'"]
    # ASCII points and hyphens in Chinese text that the rules do not decide (content/normalise.py
    # MARK_RUNS): each with its place and what was typed, as a 校对 marks them
    marks = [c for c in kept if c.before not in "\"'"]
    for group, noun, what in ((quotes, "straight quote", "without a partner in the paragraph"),
                              (marks, "mark", "in Chinese text not read as …… or ——")):
        if not group:
            continue
        places = ", ".join(str(c.loc) + ("" if group is quotes else f" {c.before}") for c in group[:5]) + (
            f" and {len(group) - 5} more" if len(group) > 5 else "")
        said = f"{counted(len(group), noun)} {what}, left as typed: {places}"
        line = f"{line}; {said}" if line else f"normalised: {said}"
    # A U+3000 removed (typed at a body paragraph's head, where the style sets the indent) is a
    # space the copy's writer typed on purpose: each paragraph's place, so the desk can see which
    # (trial 17b #1: a poem's steps were removed and said only as a count). A ::: noindent line
    # keeps them (its step, flow/forms.py step_ems).
    wide = list(dict.fromkeys(f"{c.loc.path}:{c.loc.line}" for c in changes
                              if c.before == "\u3000" and not c.after))
    if wide:
        places = ", ".join(wide[:5]) + (f" and {len(wide) - 5} more" if len(wide) > 5 else "")
        line += f"; ⟨U+3000⟩ removed at the head of {counted(len(wide), 'paragraph')} (the style indents): {places}"
    # A second accent removed from a letter that carries it (content/normalise.py duplicate_marks):
    # the copy had a typo the page hid, so each is said with its place, for the desk to mend.
    # imported here: normalise.py loads the YAML reader, which an unchanged page's replay never needs
    from pagesetter.content.normalise import DUPLICATE_MARK

    accents = [c for c in changes if not c.after and c.reason.startswith(DUPLICATE_MARK)]
    if accents:
        places = ", ".join(f"{c.loc} {_mark_said(c.before)}" for c in accents[:5]) + (
            f" and {len(accents) - 5} more" if len(accents) > 5 else "")
        line += f"; {counted(len(accents), 'duplicate accent')} removed (a letter already carrying it): {places}"
    # An invisible character removed (content/invisible.py) cannot be found by eye: each with its place.
    # by the reason, not ``c not in accents`` (records compared field by field: quadratic, a hang
    # on a paragraph of 19,000 accents, test_fuzz_hostile)
    hidden = [c for c in changes if not c.after and not c.before.isspace()
              and not c.reason.startswith(DUPLICATE_MARK)]
    if hidden:
        places = ", ".join(f"{c.loc} {visible(c.before)}" for c in hidden[:5]) + (
            f" and {len(hidden) - 5} more" if len(hidden) > 5 else "")
        line += f"; {counted(len(hidden), 'invisible character')} removed: {places}"
    return line


HALF_WIDTH_KIND = "full-width letter or digit→half-width (２→2, Ｇ→G)"


def _half_width(before: str, after: str) -> bool:
    """A full-width letter or digit (U+FF10–FF5A) set as its ASCII letter or digit (U+FEE0 below)."""
    return len(before) == 1 and "\uff10" <= before <= "\uff5a" and before.isalnum() \
        and after == chr(ord(before) - 0xFEE0)


def _combining(ch: str) -> bool:
    """A combining mark (general category M): alone, it prints over whatever stands before it."""
    return unicodedata.category(ch).startswith("M")


def _mark_said(ch: str) -> str:
    """A character a reader cannot see alone, by its code point: ⟨U+0301⟩."""
    return f"⟨U+{ord(ch):04X}⟩"


def _change_text(before: str, after: str) -> str:
    """One kind of edit as a reader can see it: a space named (errors.visible shows a space as
    itself, which in ``1×  →`` reads as nothing), a removal as removed, an insertion as inserted."""
    def shown(text: str) -> str:
        return "".join(["⟨space⟩" if ch == " " else _mark_said(ch) if ch.isspace() or _combining(ch) else visible(ch)
                        for ch in text])

    if not after:
        return f"{shown(before)} removed"
    if not before:
        return f"{shown(after)} inserted"
    return f"{shown(before)}→{shown(after)}"


def preflight_summary(report) -> str:  # type: ignore[no-untyped-def]  # preflight.PreflightReport
    """The build's preflight line. The overset mark of an --allow-overset page is counted apart
    from the errors (``FAIL: 0 errors, 0 warnings, 1 overset mark``), as build --json counts it
    (trial 17b #5: the text said 1 error where the JSON said 0)."""
    marks = sum(1 for f in report.findings if f.severity == "error" and f.check == OVERSET_MARK)
    if not marks:
        return "preflight: " + report.text().split("\n", 1)[0].removeprefix(f"{report.path}: ")
    figures = ", ".join(f"{k} {v:g}" for k, v in sorted(report.measured.items()))
    return (f"preflight: FAIL: {counted(report.errors - marks, 'error')}, {counted(report.warnings, 'warning')}, "
            f"{counted(marks, 'overset mark')} ({figures})")


def preflight_lines(pdf: Path, findings, with_page: bool = True) -> list[str]:  # type: ignore[no-untyped-def]
    """Each preflight finding as one line naming the file and (``with_page``) its page; the
    overset mark as a mark, not an error (preflight_summary counts it apart)."""
    return [f"{display_path(pdf)}:{f' page {f.page}:' if f.page and with_page else ''} preflight "
            f"{'mark' if f.severity == 'error' and f.check == OVERSET_MARK else f.severity}: "
            f"{f.check}: {f.message}" for f in findings]


def warning_lines(warnings: tuple[Warning, ...] | list[Warning], info: list[str]) -> list[str]:
    """Warnings as problem lines; notes (what the engine did) go to ``info``."""
    problems = []
    for w in warnings:
        if w.kind in NOTE_KINDS:
            info.append(f"note: {w}")
        else:
            problems.append(f"warning: {w}")
    return problems
