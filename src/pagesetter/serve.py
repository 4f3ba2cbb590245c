"""`pagesetter serve`: the make-up desk, a live page in the browser.

Builds the page (or every page of an edition), watches the project's layout/, content/ and fonts/
folders and rebuilds on every save (overset allowed, so the page always shows). The browser gets
the page at reading size with its proof overlay, every module clickable and draggable on the grid;
a drag comes back as an edit of the spec's text (desk_edit.py), so a drag and a save from an
editor are the same kind of change. Updates are pushed (Server-Sent Events), never polled.

Safety: serve writes its PDFs and pictures into a folder of its own (a temporary one unless -o
names another), never the build's output/, and never watches what it writes. It answers only
requests naming its own address (DNS rebinding), and an edit must carry the token of the page it
was served with (CSRF) and may change only the spec of a page it shows. A failed build keeps the
last good page on screen, marked stale, with the error; nothing a build raises stops the watcher.
Standard library only for the server: http.server and a polling watcher.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import re
import secrets
import sys
import threading
import time
from dataclasses import field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable, Iterator

from pagesetter.errors import InputError, PagesetterError, Warning, display_path
from pagesetter.records import record
from pagesetter.wording import counted

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_UNDO = 100
MAX_POST = 16_384  # bytes: an edit is a few numbers
JPEG_QUALITY = 88  # the page picture: JPEG is ten times faster to make than PNG at 150 dpi


@record(frozen=True)
class PageView:
    """One page as the desk shows it: its picture, its grid and its modules (JSON-ready dicts)."""

    name: str
    spec: Path  # the page spec: the one file an edit of this page may write
    pdf: Path
    proof: Path | None
    image: bytes  # JPEG made with the build, at ``image_dpi``
    info: dict[str, Any]  # geometry, grid, modules, overset, warnings (sent to the browser)
    placed_auto: tuple[Any, ...] = ()  # the entries ``auto`` chose (ArticleSpec): written out on a drag
    image_dpi: float = 0.0  # the desk's screen resolution when it has said it, else the full dpi


@record
class LiveState:
    spec: Path  # a page spec or an edition file
    out_dir: Path
    dpi: float
    log: Callable[[str], None] = lambda line: None
    build: int = 0
    version: int = 0  # bumped on every change the browser should see
    ok: bool = False
    error: str = ""
    seconds: float = 0.0
    pages: tuple[PageView, ...] = ()
    typography: list[str] = field(default_factory=list)
    preflight: list[str] = field(default_factory=list)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    # this serve's own name, new at every start: builds count from 1 again in each, so a desk left
    # open across a restart took build 1's picture URL for the one it had (trial 16b #17); it
    # stands in every picture URL, and a desk that meets another reloads itself
    instance: str = field(default_factory=lambda: secrets.token_hex(8))
    undo: list[Any] = field(default_factory=list)  # desk_edit.Written, newest last
    history: Path | None = None  # where the undo list is kept between sessions (desk_edit.history_path)
    pictures: dict[tuple[int, int, str], bytes] = field(default_factory=dict)  # (build, page, kind) → bytes
    changed: threading.Condition = field(default_factory=threading.Condition)
    wake: threading.Event = field(default_factory=threading.Event)  # look now (an edit was written)
    force: threading.Event = field(default_factory=threading.Event)  # build now, changed or not
    want_proof: bool = False  # the proof copy is built once the desk has asked for its overlay
    lock: threading.RLock = field(default_factory=threading.RLock)
    session: Any = None  # session.Session of a single page: each rebuild redoes only what changed
    screen: float | None = None  # the resolution the desk last showed a page at (screen_dpi): drawn first
    rendering: threading.Lock = field(default_factory=threading.Lock)  # a picture made on demand is made once
    saving: threading.Lock = field(default_factory=threading.Lock)  # one save of the undo history at a time
    edited: float = 0.0  # epoch ms an edit from the desk came in (timing)
    timing: dict[str, float] = field(default_factory=dict)  # epoch ms of each step of the last build (status)
    # serve's one Ghostscript for the coverage check, kept from build to build (its start and
    # /All set-up paid once; proof/coverage.py); None: each check starts its own, as `check` does
    coverage: Any = None
    checking: threading.Lock = field(default_factory=threading.Lock)  # one check at a time uses it
    # an edition's page pictures by (PDF digest, dpi): a page the build replayed is not drawn again
    drawn: "dict[tuple[str, float], _Drawn]" = field(default_factory=dict)
    # A single page the gate refused (a preflight error, text set over): the mark its slug carries
    # (build.REFUSED_SLUGS), as `build` marks it, known from the last verdicts; the page is built
    # again with it once they are in (the desk's PDF and pictures say NOT FOR PRINT, as build's
    # file does), and without it once the verdicts say the page is good. An edition's pages are
    # gated and marked by build_edition itself.
    refused: str = ""
    shown_refused: tuple[str, ...] = ()  # the marks the published pages carry, in page order
    remark_asked: bool = False  # the watcher's next build is the one the verdicts asked for
    remark_build: int = 0  # the build that was: its own verdicts ask for none (no build after build)

    def rebuild(self, wait_for_verdicts: bool = False, changed: float | None = None,
                settled: Callable[[], bool] = lambda: True, remark: bool = True) -> bool:
        """Build, publish the page (picture and modules), then the slower verdicts (in a thread of
        their own unless ``wait_for_verdicts``: the next save is not kept waiting for them). Any
        failure is shown; the last good page stays, marked stale. ``changed``: epoch ms of the
        change (a file's modification time, an edit's arrival), for the timing of each step.
        ``settled``, asked once the build is done: False when its inputs changed meanwhile (an
        editor still writing); then nothing is published and False returned (build again).
        ``remark``: waiting for the verdicts, build once more when they change the page's mark
        (never twice: a mark the marked page's own verdicts would undo is left as it is)."""
        started = time.perf_counter()
        remarking, self.remark_asked = self.remark_asked, False
        steps = {"change": changed if changed is not None else _ms(), "seen": _ms()}
        # the specs' versions before the build reads them: a view is stamped with the version it
        # was built from, or with none when its spec changed meanwhile (_stamp_versions)
        before = {p: spec_version(p) for p in {v.spec.resolve() for v in self.pages} | {self.spec.resolve()}}
        began = time.time_ns()
        try:
            views = _stamp_versions(self._build_views(steps), before, began)
        except PagesetterError as exc:
            return settled() and self._publish_error(str(exc), started)
        except Exception as exc:  # noqa: BLE001 - anything else must not kill the watcher: shown, kept serving
            return settled() and self._publish_error(f"internal error: {type(exc).__name__}: {exc}", started)
        if not settled():
            return False
        with self.lock:
            self.pages, self.ok, self.error, self.build = views, True, "", self.build + 1
            self.remark_build = self.build if remarking else 0
            self.typography, self.preflight = [], []
            self.seconds = time.perf_counter() - started
            self.pictures = {k: v for k, v in self.pictures.items() if k[0] == self.build}
            build = self.build
            steps["published"] = _ms()
            self.timing = steps
        self._notify()
        self.log(f"{time.strftime('%H:%M:%S')} build {build}: ok in {self.seconds:.2f} s ({_steps_text(steps)})"
                 + "".join(f"; {p.name}: overset" for p in views if p.info["overset"]))
        pdfs = [str(v.pdf) for v in views]
        if wait_for_verdicts:
            if self._store_verdicts(self._verdicts(pdfs, build), build) and remark:
                return self.rebuild(wait_for_verdicts=True, remark=False)  # marked (or not) as the verdicts say
        else:
            self._check_aside(pdfs, build, len(views))
        return True

    def _build_views(self, steps: dict[str, float]) -> tuple[PageView, ...]:
        from pagesetter.edition import build_edition, heads_of, is_edition

        if is_edition(self.spec):
            done = build_edition(self.spec, self.out_dir, allow_overset=True, jobs=1, proof=self.want_proof)
            steps["built"] = _ms()
            views = []
            # each page's own proof copy, by its name: the list holds every page's proof and its A3
            # sheet (trial 14b: page 2's overlay, taken as the list's 2nd file, was page 1's A3 sheet)
            proofs = {p.name: p for p in done.proofs}
            drawn: dict[tuple[str, float], _Drawn] = {}
            for i, (spec, heads, page, pdf) in enumerate(zip(done.specs, done.heads, done.pages, done.page_paths)):
                proof = proofs.get(f"{spec.name}.proof.pdf")
                views.append(_view(spec, page, pdf, proof, _warnings_of(spec, done.warnings, i == 0), self.dpi,
                                   heads, self.screen, self.drawn, drawn))
            self.drawn = drawn  # the pictures of these pages only: the next build draws what changed
            self.shown_refused = done.refused
            steps["pictured"] = _ms()
            return _link_jumps(tuple(views))
        if self.session is None:  # builds come one at a time (the first, then the watcher's)
            from pagesetter.session import Session

            self.session = Session(self.spec)
        refused = self.refused
        result = self.session.build(self.out_dir, allow_overset=True, proof=self.want_proof, refused=refused)
        self.shown_refused = ("" if result.page.overset else refused,)
        steps["built"] = _ms()
        proof = self.out_dir / f"{result.spec.name}.proof.pdf"
        view = _view(result.spec, result.page, result.pdf_path, proof if self.want_proof else None,
                     result.warnings, self.dpi, heads_of(result.spec, result.articles), self.screen)
        steps["pictured"] = _ms()
        return (view,)

    def _publish_error(self, message: str, started: float) -> bool:
        with self.lock:
            self.ok, self.error, self.build = False, message, self.build + 1
            self.seconds = time.perf_counter() - started
            build = self.build
        self._notify()
        self.log(f"{time.strftime('%H:%M:%S')} build {build}: error in {self.seconds:.2f} s: {message.splitlines()[0]}")
        return True

    def _check_aside(self, pdfs: list[str], build: int, pages: int) -> None:
        """In a thread of their own, the next build not waiting for them: the full-resolution
        pictures when the build drew the pages at the desk's screen size (ready before the desk
        zooms in), then the verdicts."""
        def run() -> None:
            try:
                for index in range(pages):
                    if self.build != build:
                        return  # a newer build: its own thread takes over
                    self.picture(index, "jpg")
                if self._store_verdicts(self._verdicts(pdfs, build), build) and self.remark_build != build:
                    self.remark_asked = True
                    self.force.set()  # the watcher builds it again, marked as the verdicts say
                    self.wake.set()
            except Exception as exc:  # noqa: BLE001 - never a traceback on serve's terminal (trial 14b)
                # serve stopping (its folder removed under this thread, SIGTERM) or a newer build
                # having replaced the files: nothing to say; else one line
                if self.build == build and all(Path(p).is_file() for p in pdfs):
                    self.log(f"{time.strftime('%H:%M:%S')} build {build}: pictures and checks: "
                             f"{type(exc).__name__}: {exc}")
        threading.Thread(target=run, daemon=True).start()

    def _verdicts(self, pdfs: list[str], build: int) -> "Verdicts | None":
        """``verdicts_of`` with the kept Ghostscript, one check at a time (a check waiting for an
        older one is dropped if a newer build came meanwhile: that build's own check follows)."""
        with self.checking:
            if self.build != build:
                return None
            return checked_verdicts(pdfs, self.coverage)

    def _store_verdicts(self, verdicts: "Verdicts | None", build: int) -> bool:
        """The verdicts shown; True when a single page's mark must change with them (the page is
        to be built again: refused now, or good again)."""
        with self.lock:
            if verdicts is None or self.build != build:
                return False  # a newer build has been published meanwhile
            self.preflight, self.typography = verdicts.preflight, verdicts.typography
            mark = verdicts.refused[0] if len(self.pages) == 1 and self.session is not None else None
            again = mark is not None and (mark,) != self.shown_refused
            if mark is not None:
                self.refused = mark
        self._notify()
        return again

    def close(self) -> None:
        """serve ending: the check running finishes, no later picture or check starts, and the
        picture being drawn is finished before this returns; pdfium is then never entered again
        in this process. (A thread still drawing while the interpreter shut down, pdfium's
        library going under it, died with a segmentation fault on serve's terminal.)"""
        with self.lock:
            self.build += 1  # every thread working for an older build stops at its next step
        with self.checking:  # a check still running finishes first; none uses it after
            self.coverage = None
        _PDFIUM.acquire()  # held to the end: whatever thread asks for pdfium now waits for ever

    def _notify(self) -> None:
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def picture(self, index: int, kind: str, fine: bool = False, dpi: float | None = None) -> bytes | None:
        """The page's picture: "jpg" (at the full dpi, or at ``dpi``: the desk's screen size, see
        screen_dpi), "proof" (the proof copy, made when first asked for) or "png" (for other
        tools); ``fine``: at twice the full resolution, for a desk zoomed in. The build draws the
        page at the screen size the desk last asked for; the rest is made when first asked for
        (once: a second asker waits for the first) and kept for the build."""
        if kind == "jpg" and (dpi is not None or fine):
            self.screen = None if fine else dpi  # the next builds draw this size first (zoomed in: the full one)
        with self.lock:
            if not 0 <= index < len(self.pages):
                return None
            view, build = self.pages[index], self.build
            want = 2 * self.dpi if fine else dpi if kind == "jpg" and dpi is not None else self.dpi
            if kind == "jpg" and view.image_dpi == want:
                return view.image
            key = (build, index, f"{kind}@{want:g}")
            cached = self.pictures.get(key)
        if cached is not None:
            return cached
        if kind == "proof" and view.proof is None:  # not built yet: from now on every build makes it; one now
            self.want_proof = True
            self.force.set()
            self.wake.set()
            return None
        if kind not in ("jpg", "proof", "png"):
            return None
        with self.rendering:
            with self.lock:
                cached = self.pictures.get(key)
            if cached is not None:
                return cached
            if kind == "proof":  # on the print picture's box: the desk's outlines and snapping are laid on that
                data = _render(view.proof, want, "JPEG", onto=(view.info["media"], view.info["origin"]))  # type: ignore[arg-type]
            else:
                data = _render(view.pdf, want, "PNG" if kind == "png" else "JPEG")
            with self.lock:
                if self.build == build:
                    self.pictures[key] = data
        return data

    def status(self) -> dict[str, Any]:
        with self.lock:
            return {"instance": self.instance, "build": self.build, "ok": self.ok, "error": self.error, "stale": not self.ok and bool(self.pages),
                    "seconds": round(self.seconds, 3), "timing": dict(self.timing),
                    "overset": [o for p in self.pages for o in p.info["overset"]],
                    # each once: a photo's warning stands on every page carrying its article (a
                    # jumped one: two), and build says it once (trial 18b #9: listed twice)
                    "warnings": list(dict.fromkeys(w for p in self.pages for w in p.info["warnings"])),
                    "typography": "\n".join(t for t in self.typography if t),
                    "preflight": "\n".join(self.preflight),
                    "typography_pages": list(self.typography), "preflight_pages": list(self.preflight),
                    "pages": [dict(p.info, name=p.name, spec=display_path(p.spec)) for p in self.pages],
                    "undo": len(self.undo), "edition": len(self.pages) > 1,
                    # each page's NOT FOR PRINT mark, as its PDF's slug carries it ("" for a good page)
                    "refused": list(self.shown_refused)}


def spec_version(path: Path) -> str:
    """What a desk's edit says it was made from: a digest of the page spec's text ("" when it
    cannot be read). Two desks, or a desk and an editor, editing one page: an edit made from a
    page the spec has changed since is refused, not written over the other's work (trial 18b #5:
    both desks told "ok", the first desk's move silently undone by the second)."""
    from pagesetter.yamlsource import read_text

    try:
        return _digest(read_text(path))
    except InputError:
        return ""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _stamp_versions(views: tuple[PageView, ...], before: dict[Path, str], began: int) -> tuple[PageView, ...]:
    """Each view's ``version``: its spec's, when the spec is as it was before the build read it
    (read before and after; a spec no earlier build showed: not modified since the build began);
    else "": the page shown may not be the spec's text, and every edit of it is refused as made
    from an older view until the next build (the watcher makes it: the spec changed)."""
    for view in views:
        path = view.spec.resolve()
        now = spec_version(path)
        if path in before:
            same = before[path] == now
        else:
            try:
                same = path.stat().st_mtime_ns < began
            except OSError:
                same = False
        view.info["version"] = now if same else ""
    return views


def _ms() -> float:
    """Now, in epoch milliseconds: the clock the browser's Date.now() reads (the bench compares)."""
    return time.time() * 1000


def _steps_text(steps: dict[str, float]) -> str:
    """A build's steps for the terminal: the change seen, built, pictured, pushed."""
    names = (("seen", "change", "seen"), ("built", "seen", "build"), ("pictured", "built", "picture"),
             ("published", "pictured", "push"))
    return ", ".join(f"{label} {steps[end] - steps[start]:.0f} ms" for end, start, label in names
                     if end in steps and start in steps)


@record(frozen=True)
class Verdicts:
    """What the desk's check found of each PDF: the preflight's and typography's verdicts as the
    desk shows them, and the mark the gate's refusal puts in the page's slug (build.refused_slug:
    the same rule as `build`'s), "" for a good page."""

    preflight: list[str]
    typography: list[str]
    refused: tuple[str | None, ...]  # None: the check could not run (the page's mark left as it is)


def verdicts_of(pdfs: list[str], coverage: Any = None) -> tuple[list[str], list[str]]:
    """Preflight and typography verdicts of each PDF, as the desk shows them (checked_verdicts)."""
    found = checked_verdicts(pdfs, coverage)
    return found.preflight, found.typography


def checked_verdicts(pdfs: list[str], coverage: Any = None) -> Verdicts:
    """Preflight and typography verdicts of each PDF, as the desk shows them (the typography's as
    `pagesetter check` prints it: its summary, then each problem located), and each page's
    refusal mark. Both read the characters back with pdfium, once, in turn with the desk's
    pictures (_PDFIUM); the rest of the checking runs beside the next build. ``coverage``: a
    CoverageServer to render them in (its caller's only: one check at a time), else each renders
    in a Ghostscript of its own."""
    from pagesetter.build import refused_slug
    from pagesetter.proof.preflight import coverage_render, preflight
    from pagesetter.proof.readback import read_chars
    from pagesetter.proof.report import SET_OVER, gate_errors, preflight_summary
    from pagesetter.proof.typography import _locate, analyse, pdf_records

    verdicts: list[str] = []
    typography: list[str] = []
    refused: list[str | None] = []
    for pdf in map(Path, pdfs):
        try:
            with coverage_render(pdf, server=coverage) as render:  # rendering while pdfium reads
                with _PDFIUM:
                    chars = read_chars(pdf)
                checked = preflight(pdf, chars=chars, render=render)
            verdicts.append("\n".join([preflight_summary(checked)] + [
                f"{f.severity}: {f.check}: {f.message}" for f in checked.findings]))
            # check's report whole: the summary, then each problem at its article's source line (trial
            # 14: the desk said FAIL, 1 problem, and nowhere which)
            records = pdf_records(pdf)
            report = analyse(chars, records=records)
            _locate(report, chars, records)
            typography.append(report.text())
            errors = gate_errors(checked.findings)
            refused.append(refused_slug(errors, sum(bool(getattr(report, key)) for key in SET_OVER),
                                        any(f.check == "overset" for f in checked.findings)))
        except Exception as exc:  # noqa: BLE001 - a checker's fault is shown, the desk keeps serving
            verdicts.append(f"preflight could not run: {type(exc).__name__}: {exc}")
            typography.append("")
            refused.append(None)
    return Verdicts(verdicts, typography, tuple(refused))


# pdfium may not be entered from two threads at once (pypdfium2's documentation): the watcher's
# picture and a request's PNG or proof picture take turns.
_PDFIUM = threading.Lock()


# A page's box on the desk: its media box's size and where its trim's top left stands in it (pt),
# as _view gives them ("media", "origin").
PageBox = tuple[list[float], list[float]]


def _render(pdf: Path, dpi: float, fmt: str, onto: PageBox | None = None) -> bytes:
    """``onto``: the page drawn on this box instead of its own, trim on trim (_encoded)."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            return _encoded(doc[0], dpi, fmt, onto)
        finally:
            doc.close()


def _encoded(page: Any, dpi: float, fmt: str, onto: PageBox | None = None) -> bytes:
    """One page drawn at ``dpi`` and encoded. pdfium draws RGBX (red first, a pad byte), which
    Pillow takes without a copy and JPEG encodes as RGB: at 150 dpi that saves the 35 MB copy and
    byte swap of pdfium's default BGRA (13–40 ms on the seed page, by the machine's load).
    ``onto``: another page's box (the print PDF's, for its proof copy, whose media box has no room
    for the printer's marks: trim + bleed only): the picture is cut or padded with paper white to
    that box, its trim where that box's trim is, so that the desk's outlines, hit boxes and snapping,
    laid on the print picture's geometry, stand on what the proof draws (trial 12: 15–20 screen px
    off, a drag targeting the wrong column)."""
    image = page.render(scale=dpi / 72, rev_byteorder=True, prefer_bgrx=True).to_pil()
    if onto is not None:
        image = _on_box(image, page, dpi / 72, onto)
    buf = io.BytesIO()
    if fmt == "JPEG":
        image.save(buf, "JPEG", quality=JPEG_QUALITY)
    else:
        image.convert("RGB").save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def _on_box(image: Any, page: Any, scale: float, onto: PageBox) -> Any:
    """``image`` (``page`` drawn at ``scale``) on a white picture of the box ``onto`` at the same
    scale, the two trims' top left corners on one pixel."""
    from PIL import Image

    box, trim = page.get_cropbox(), page.get_trimbox()
    (media_w, media_h), (left, top) = onto
    dx, dy = round((left - (trim[0] - box[0])) * scale), round((top - (box[3] - trim[3])) * scale)
    size = (math.ceil(media_w * scale), math.ceil(media_h * scale))  # as pdfium sizes the page's own picture
    if (dx, dy) == (0, 0) and image.size == size:
        return image
    canvas = Image.new(image.mode, size, (255,) * len(image.getbands()))
    canvas.paste(image, (dx, dy))
    return canvas


def screen_dpi(asked: str | None, full: float) -> float | None:
    """The resolution a desk asks its picture at (``?dpi=``: what its zoom shows, one picture
    pixel to a screen pixel), rounded up to 10 dpi so a few sizes serve every zoom, at least 20;
    None when not asked, not a number or not below the full picture's (which then serves)."""
    try:
        value = float(asked) if asked is not None else math.nan
    except ValueError:
        return None
    if not 0 < value < full:  # (NaN and infinities too)
        return None
    rounded = float(max(20, math.ceil(value / 10) * 10))
    return rounded if rounded < full else None


@record(frozen=True)
class _Drawn:
    """A page's picture and the boxes it was drawn from."""

    box: tuple[float, ...]
    trim: tuple[float, ...]
    image: bytes


def _drawn(pdf: Path, dpi: float, kept: dict[tuple[str, float], _Drawn] | None,
           keep: dict[tuple[str, float], _Drawn] | None) -> _Drawn:
    """``pdf``'s first page drawn at ``dpi``, or taken from ``kept`` when those bytes were drawn at
    that size before (an edition's page the build replayed: trial 14b's drag on one page drew all
    of them again); what it returns is put in ``keep``."""
    import hashlib

    import pypdfium2 as pdfium

    data = pdf.read_bytes()
    key = (hashlib.sha256(data).hexdigest(), dpi)
    found = (kept or {}).get(key)
    if found is None:
        with _PDFIUM:
            doc = pdfium.PdfDocument(data)
            try:
                first = doc[0]  # loaded once: loading the page (its content parsed) costs some 15 ms
                found = _Drawn(tuple(first.get_cropbox()), tuple(first.get_trimbox()),
                               _encoded(first, dpi, "JPEG"))
            finally:
                doc.close()
    if keep is not None:
        keep[key] = found
    return found


def _view(spec: Any, page: Any, pdf: Path, proof: Path | None, warnings: tuple[Warning, ...], dpi: float,
          labels: dict[str, tuple[str, str]] | None = None, shown: float | None = None,
          kept: dict[tuple[str, float], _Drawn] | None = None,
          keep: dict[tuple[str, float], _Drawn] | None = None) -> PageView:
    """The page as JSON-ready data: where the trim sits in the picture, the grid, each module with
    its report (``labels``: edition.heads_of, each article's title and where its copy starts). Its
    picture is drawn at ``shown`` dpi when given (the size the desk shows it at: a fifth of the
    pixels of 150 dpi at the desk's usual zoom, on screen first), else at ``dpi``; ``kept``,
    ``keep``: pictures drawn before, and where to put this one (_drawn)."""
    from pagesetter.flow.geometry import PageGeometry

    drawn = _drawn(pdf, shown or dpi, kept, keep)
    box, trim, image = drawn.box, drawn.trim, drawn.image
    from pagesetter.flow.cells import resolve_cells

    geo, grid = PageGeometry(spec), spec.grid
    overset = {o.article: o for o in page.overset}
    modules = []
    for a in spec.articles:
        heads = [f for f in page.frames if f.article == a.article and f.kind == "headline"]
        placed = resolve_cells(a, round(heads[0].height / grid.pitch) if heads else 0)  # line: after, as set
        title, source = (labels or {}).get(a.article, ("", display_path(spec.content_dir / f"{a.article}.md")))
        o = overset.get(a.article)
        mine = [w for w in warnings if _belongs(w, a, spec)]
        modules.append({
            "article": a.article, "title": title,
            "entry": f"{display_path(spec.path)}:{a.loc.line}", "source": source,
            "block": _cell(a.block), "box": geo.rect_box(a.block),
            "photo": _photo_cell(a, placed.photos[0], a.photos[0]) if a.photos else None,
            "photos": [_photo_cell(a, p, q) for p, q in zip(placed.photos, a.photos)],
            "extra_frames": [_cell(f) for f in a.frames],
            "frames": [[f.kind, f.x, f.y, f.width, f.height] for f in page.frames if f.article == a.article],
            "overset": {"chars": o.chars, "lines": o.lines, "last": o.last_fitting, "cut": o.cut()} if o else None,
            "notes": [w.message for w in mine if w.kind == "fitted"],
            "warnings": [str(w) for w in mine if w.kind != "fitted"],
            "warning_items": [_item(w) for w in mine if w.kind != "fitted"],
            "jump_to": a.jump_to, "continued_from": a.continued_from, "links": [],
        })
    info = {
        "media": [box[2] - box[0], box[3] - box[1]], "origin": [trim[0] - box[0], box[3] - trim[3]],
        "trim": list(spec.trim), "dpi": dpi, "screen_dpi": shown,
        "grid": {"left": geo.left, "top": geo.top, "columns": grid.columns, "lines": grid.lines,
                 "col_pitch": grid.column_width + grid.gutter, "col_width": grid.column_width, "pitch": grid.pitch},
        "modules": modules,
        "auto": list(spec.auto.articles) if spec.auto is not None else [],
        "overset": [f"{o.article}: {o.amount()}, cut {o.cut()}" for o in page.overset],
        "warnings": [str(w) for w in warnings],
        "warning_items": [_item(w) for w in warnings],
    }
    auto = spec.auto.articles if spec.auto is not None else ()
    return PageView(spec.name, spec.path, pdf, proof, image, info,
                    tuple(a for a in spec.articles if a.article in auto), shown or dpi)


def _item(warning: Warning) -> dict[str, str]:
    """A warning as the desk labels it: its kind (put in Chinese by desk_labels), where, the message."""
    return {"kind": warning.kind, "where": str(warning.loc) if warning.loc else "", "message": warning.message}


def _cell(rect: Any, within: Any = None) -> dict[str, int]:
    """A grid rect as the spec writes it: 1-based, a photo cell from its block's first column and line."""
    col, top = (within.col, within.top) if within is not None else (0, 0)
    return {"col": rect.col - col + 1, "cols": rect.cols, "line": rect.top - top + 1, "lines": rect.lines}


def _photo_cell(entry: Any, placed: Any, written: Any) -> dict[str, Any]:
    """A photo cell as the spec writes it: counted from its block, or, a cell in an L's leg
    (``frame: N``, 1-based), from that frame, so the desk draws and drags it in its frame and writes
    back numbers that mean what the spec's do. ``after``: the lines after the headline of a
    ``line: after`` cell, else None."""
    frame = _frame_of(entry, written.cell)
    area = entry.frames[frame - 1] if frame else entry.block
    after = (written.cell.top - entry.block.top) if written.after_headline else None
    return dict(_cell(placed.cell, area), after=after, frame=frame)


def _frame_of(entry: Any, cell: Any) -> int | None:
    """Which of the entry's frames a cell was written in (spec/loader.py checks a ``frame: N`` cell
    stands inside that frame, and a block cell inside the block): the first frame holding it, when
    the block does not."""
    def holds(area: Any) -> bool:
        return area.col <= cell.col and cell.right <= area.right and area.top <= cell.top and cell.bottom <= area.bottom
    if holds(entry.block):
        return None
    return next((n for n, f in enumerate(entry.frames, 1) if holds(f)), None)


def _belongs(warning: Warning, article: Any, spec: Any) -> bool:
    """A warning is a module's when it is the article's (Warning.article: the modules placed by
    auto share one entry line) or, being no article's, stands in its entry or its file. Never
    by the message's words: a quoted line of copy may hold another article's name."""
    if warning.article:
        return warning.article == article.article
    loc = warning.loc
    if loc is None:
        return False
    if loc.path == display_path(spec.content_dir / f"{article.article}.md"):
        return True
    return loc.path == display_path(spec.path) and loc.line == article.loc.line


def _warnings_of(spec: Any, warnings: tuple[Warning, ...], first: bool) -> tuple[Warning, ...]:
    """An edition's warnings, each on its page: one standing in the page's spec or one of its
    articles' files is that page's; one standing in another spec or article file is never this
    page's, even when it names an article this page shares (a jump continued here). One standing
    in no such file (none, a photo file) goes to the pages that carry its article (Warning.article:
    a photo's, a check finding's); one that is no article's to the first page (the edition's
    result says no page of it). Never by the message's words: a quoted line of copy may hold
    another article's name."""
    own = {display_path(spec.path)} | {display_path(spec.content_dir / f"{a.article}.md") for a in spec.articles}
    carried = {a.article for a in spec.articles}

    def page_of(w: Warning) -> bool:
        if w.loc is not None and w.loc.path in own:
            return True
        if w.loc is not None and Path(w.loc.path).suffix in (".yaml", ".yml", ".md"):
            return False  # another page's spec or article
        return w.article in carried if w.article else first
    return tuple(w for w in warnings if page_of(w))


def _link_jumps(views: tuple[PageView, ...]) -> tuple[PageView, ...]:
    """An article jumped from one page and continued on another: a link each way."""
    where: dict[str, list[int]] = {}
    for i, view in enumerate(views):
        for m in view.info["modules"]:
            where.setdefault(m["article"], []).append(i)
    for i, view in enumerate(views):
        for m in view.info["modules"]:
            if m["jump_to"] is not None or m["continued_from"] is not None:
                m["links"] = [{"page": j, "name": views[j].name} for j in where[m["article"]] if j != i]
    return views


def snapshot(folders: list[Path], ignore: Path | None = None) -> dict[str, int]:
    """Modification times of every file under the watched folders, but for those under ``ignore``
    (serve's own output: watching it would rebuild forever) and scratch files: hidden ones and
    backups (``~``), as editors and our own atomic writes (.<name>.*.tmp) make them before the
    rename. A build started on a scratch file would read the old spec. Read with os.scandir, a
    path resolved only where a link or a folder could lead into ``ignore``: some 0.5 ms for the
    seed project where pathlib's rglob and resolve took 3 (it runs every WATCH_INTERVAL)."""
    out: dict[str, int] = {}
    skip = os.path.realpath(ignore) if ignore is not None else None
    for folder in folders:
        if os.path.isdir(folder) and not _under(str(folder), skip):
            _scan(str(folder), skip, out)
    return out


def _under(path: str, skip: str | None) -> bool:
    if skip is None:
        return False
    real = os.path.realpath(path)
    return real == skip or real.startswith(skip + os.sep)


def _scan(folder: str, skip: str | None, out: dict[str, int]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # removed meanwhile: the next look sees it gone
    for entry in entries:
        if entry.name.startswith(".") or entry.name.endswith("~"):
            continue  # (the desk's undo history lives in a hidden folder beside the spec)
        try:
            if entry.is_dir(follow_symlinks=False):  # (a linked folder is not walked, as rglob)
                if not _under(entry.path, skip):
                    _scan(entry.path, skip, out)
            elif entry.is_file() and not (entry.is_symlink() and _under(entry.path, skip)):
                out[entry.path] = entry.stat().st_mtime_ns
        except OSError:
            pass


def _newest_change(before: dict[str, int], now: dict[str, int], since: float) -> float:
    """Epoch ms of the change seen in ``now`` (timing): the newest modification among the files
    changed or added, but never before ``since``, the last look that saw ``before``, nor after
    now. A file put back by mv, cp -p, rsync -t or tar keeps its old modification time (trial 16b
    #6: 'seen 225005 ms', the file's age, for a save seen within one look); a removed file has none."""
    times = [t / 1e6 for path, t in now.items() if before.get(path) != t]
    return min(_ms(), max([since, *times]))


# How often the watcher looks (a save waits half of it on average; one look costs some 0.5 ms),
# and how long a save's files must stay as they were for its build to be shown (an editor writing
# a file in pieces): the build runs meanwhile, and is shown only if the files it read are as they
# were SETTLE or more after the change was seen, or built again.
WATCH_INTERVAL = 0.025
SETTLE = 0.02


def watch(state: LiveState, folders: list[Path], stop: threading.Event, interval: float = WATCH_INTERVAL,
          first: tuple[dict[str, int], float] | None = None) -> None:
    """Rebuild on a change under ``folders``; woken early by an edit from the desk (which wrote the
    file whole, atomically), or forced. Nothing raised here ends the loop: the next save is another
    try. ``first``: the files as they were before the build already shown started, and when they
    were looked at (a save during that build is a change); None: as they are now."""
    # when ``last`` was last seen as it is (the change came after it)
    last, looked = first if first is not None else (snapshot(folders, state.out_dir), _ms())
    while not stop.is_set():
        woken = state.wake.wait(interval)
        if stop.is_set():
            return
        try:
            state.wake.clear()
            at = _ms()
            now = snapshot(folders, state.out_dir)
            if now == last and not state.force.is_set():
                looked = at
                continue  # (a wake for a change an earlier build already took in)
            state.force.clear()
            changed = state.edited if woken and state.edited else _newest_change(last, now, looked)
            state.edited = 0.0
            seen = time.monotonic()

            def settled(seen: float = seen, now: dict[str, int] = now) -> bool:
                """An edit from the desk is written whole; an editor's save is settled when the
                files are as they were SETTLE after the change was seen (the build read them
                in between)."""
                if woken:
                    return True
                time.sleep(max(0.0, SETTLE - (time.monotonic() - seen)))
                return snapshot(folders, state.out_dir) == now

            if state.rebuild(changed=changed, settled=settled):
                last, looked = now, at
            else:  # still being written: built again at the next look, even if put back as it was
                state.force.set()  # (the PDF on disk is of files never shown)
        except Exception as exc:  # noqa: BLE001 - the watcher survives anything (a folder removed, ...)
            state.log(f"{time.strftime('%H:%M:%S')} watcher: {type(exc).__name__}: {exc}")


def desk_page(state: LiveState) -> str:
    template = files("pagesetter").joinpath("desk.html").read_text(encoding="utf-8")
    data = json.dumps(state.status(), ensure_ascii=False).replace("</", "<\\/")
    from pagesetter.desk_labels import labels

    name = state.spec.stem.replace("&", "&amp;").replace("<", "&lt;")
    kinds = json.dumps(labels(), ensure_ascii=False).replace("</", "<\\/")
    return (template.replace("{{NAME}}", name).replace("{{TOKEN}}", state.token).replace("{{KINDS}}", kinds)
            .replace("{{STATE}}", data))


# The desk's icon (the browser asks for /favicon.ico on its own; a 404 there is an error in its
# console): a page with a column grid, blue on white, as SVG.
ICON = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1.5" y="0.5" width="13" height="15" '
        b'fill="#fff" stroke="#1a5fd0"/><path d="M4 3h8M4 5.5h3M9 5.5h3M4 8h3M9 8h3M4 10.5h3M9 10.5h3M4 13h8" '
        b'stroke="#1a5fd0"/></svg>')


def _content_length(value: str | None) -> int:
    """The body's length as a POST gives it: ASCII digits only (int() takes "+5", " 5" and "5_0",
    and "abc" raised out of the handler: no answer at all, trial 18b #8); -1 when it is none."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() else -1


def _host_allowed(host: str, bound: tuple) -> bool:  # type: ignore[type-arg]
    """Only the address serve is bound to, by number or as localhost, with its port."""
    address, port = bound[0], bound[1]
    names = {address, "localhost"} | ({"127.0.0.1", "[::1]", "::1"} if address in ("127.0.0.1", "::1", "localhost") else set())
    if host.startswith("["):  # [::1]:8470
        name, _, rest = host[1:].partition("]")
        name, given = f"[{name}]", rest[1:] if rest.startswith(":") else ""
    else:
        name, _, given = host.partition(":")
    return name in names and given in (str(port), "")


def _sent(value: Any) -> str:
    """A value as the desk sent it (JSON), for a refusal: `true`, `4.5`, `"4"`."""
    return json.dumps(value, ensure_ascii=False)[:80]


def _whole(request: dict[str, Any], key: str, default: int | None = None) -> int:
    """A whole number of the edit, as JSON sends one: never a boolean, a fraction or a string
    (int() made `true` 1 and `4.5` 4, and took `"4"`: written into the spec, trial 18b #6)."""
    if key not in request and default is not None:
        return default
    if key not in request:
        raise BadEdit(None, f"an edit names page, article, part and its numbers: no {key!r}")
    value = request[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadEdit(None, f"an edit's {key!r} is a whole number, not {_sent(value)}")
    return value


def _text(request: dict[str, Any], key: str) -> str:
    if not isinstance(request.get(key), str):
        raise BadEdit(None, f"an edit's {key!r} is a name (text), not {_sent(request.get(key))}")
    return request[key]


def _photo_line(request: dict[str, Any]) -> int | str:
    """A photo cell's line: a whole number, or "after" / "after+N" (under the headline), kept as
    sent so that a refusal quotes it."""
    value = request.get("line")
    if isinstance(value, str) and re.fullmatch(r"after(?:\+\d+)?", value.replace(" ", "")):
        return value
    if isinstance(value, str) or "line" not in request:
        raise BadEdit(None, f"an edit's 'line' is a whole number, 'after' or 'after+N', not {_sent(value)}")
    return _whole(request, "line")


class Stale(InputError):
    """An edit made from a view of the page older than its spec: refused, nothing written (409)."""


class BadEdit(InputError):
    """An edit the desk's page never sends (a field missing or of the wrong kind): refused (400)."""


def edit(state: LiveState, request: dict[str, Any], root: Path) -> str:
    """Apply one edit from the desk; returns what was written, raises InputError when refused.
    ``part``: "block", "photo" or "frame" (with col, cols, line, lines, and ``index``: which of the
    entry's photo cells or extra frames; a photo cell's line may be "after" or "after+N"),
    "headline" (with lines), or "swap" (with other: the article whose block this one's trades
    with). A module placed by ``auto`` is first written out with the whole arrangement. ``base``:
    the version of the page the desk showed (spec_version); an edit of a spec changed since is
    refused (Stale), so a second desk never writes over a first's edit it has not seen."""
    from pagesetter.desk_edit import (Cell, Edit, make_explicit, move_cell, set_headline_lines,
                                      swap_blocks)

    base = request.get("base")
    if not isinstance(base, str):
        raise BadEdit(None, "an edit names the view it was made from ('base': its page's version, as /status gives it); "
                      "reload the desk")
    index, part, article = _whole(request, "page"), _text(request, "part"), _text(request, "article")
    if part in ("block", "photo", "frame"):
        at = _whole(request, "index", 0)
        line = _photo_line(request) if part == "photo" else _whole(request, "line")
        cell = Cell(_whole(request, "col"), _whole(request, "cols"), line, _whole(request, "lines"))
        which = part if part == "block" else f"{part} {at + 1}"
        said = f"{article} {which} → col {cell.col}, cols {cell.cols}, line {cell.line}, lines {cell.lines}"
        change: Callable[[str, Path], str] = lambda text, path: move_cell(text, path, Edit(article, part, cell, at))
    elif part == "headline":
        lines = _whole(request, "lines")
        said = f"{article} headline → {counted(lines, 'line')}"
        change = lambda text, path: set_headline_lines(text, path, article, lines)  # noqa: E731
    elif part == "swap":
        other = _text(request, "other")
        said = f"{article} ⇄ {other}"
        if other == article:  # (swapped, the entry was written over itself: YAML the desk had broken, trial 18b #7)
            raise InputError(None, f"{said}: a module is not swapped with itself; nothing written")
        change = lambda text, path: swap_blocks(text, path, article, other)  # noqa: E731
    else:
        raise BadEdit(None, f"the desk edits a block, a photo cell, a headline's depth or swaps two "
                      f"modules, not {part!r}")
    arrived = _ms()
    with state.lock:
        if not 0 <= index < len(state.pages):
            raise InputError(None, f"no page {index + 1} on the desk")
        view = state.pages[index]
        path = _confined(view.spec, root)
        names = {article, str(request.get("other", ""))} if part == "swap" else {article}
        placed = view.placed_auto if any(a.article in names for a in view.placed_auto) else ()
        legs = part == "swap" and any(m["extra_frames"] for m in view.info["modules"] if m["article"] in names)
        refused = f"{said} refused (an L-shaped module's frames move with its block)" if legs else ""

        def fresh(text: str) -> str:
            """The spec's text as the edit reads it, if it is the one the desk's view was made from."""
            if not base or _digest(text) != base:
                raise Stale(None, f"{display_path(path)}: the page changed since this view (another desk's edit, "
                            "an undo or a save): reload and edit again; nothing written")
            return text

        if placed:  # the page becomes hand-placed: the arrangement auto chose, written out, then the drag
            said = (f"auto make-up written out as {len(placed)} placed entries under 'articles:' ('auto:' "
                    f"removed; undo puts it back); {said}")
            result = _applied(path, lambda text: change(make_explicit(fresh(text), path, placed), path), refused,
                              names)
        else:
            result = _applied(path, lambda text: change(fresh(text), path), refused, names)
        if result.after != result.before:
            state.undo.append(result)
            del state.undo[:-MAX_UNDO]
    _rebuild_now(state, arrived)
    if result.after != result.before:
        _keep_history(state, root)
    return f"{display_path(view.spec)}: {said}"


def _rebuild_now(state: LiveState, arrived: float) -> None:
    """The watcher woken at once, before the undo history is saved (a disk write it need not wait
    for); ``arrived``: when the edit came in (timing)."""
    state.edited = arrived
    state.wake.set()


def _applied(path: Path, change: Callable[[str], str], refused: str, articles: set[str]) -> Any:
    """desk_edit.apply_change, the photo cells of ``articles`` checked as the build checks them;
    ``refused``, when given, goes before the loader's message (a swap of an L: the overlap it
    names is a frame's the user did not touch)."""
    from pagesetter.desk_edit import apply_change

    try:
        return apply_change(path, change, sorted(articles))
    except Stale:
        raise  # (not the swap's fault: the view it was made from is old)
    except InputError as exc:
        if not refused:
            raise
        raise InputError(None, f"{refused}: {exc}") from None


def _keep_history(state: LiveState, root: Path) -> None:
    """The undo list saved beside the spec; a store that cannot be written costs the next
    session's undo only, and says so in the terminal. Saved outside the state's lock (the next
    build publishes meanwhile), one save at a time, each of the list as it stands then: the last
    save holds the newest list."""
    from pagesetter.desk_edit import save_history

    if state.history is None:
        return
    with state.saving:
        with state.lock:
            entries = list(state.undo)
        try:
            save_history(state.history, root, entries)
        except (OSError, ValueError) as exc:
            state.log(f"{time.strftime('%H:%M:%S')} desk: undo history not saved ({display_path(state.history)}): {exc}")


def undo_last(state: LiveState, request: dict[str, Any], root: Path) -> str:
    """Undo the newest step of serve's undo list (one for every desk). ``base``: the version of
    each page the desk shows, in order (as /status gives them); the undo is refused (Stale), the
    step kept in the list, when the spec it would write has changed since that view (another
    desk's edit, a save): else one desk's undo took back another's newer edit it had never been
    shown (session 18's gap), a lost edit with no word."""
    from pagesetter.desk_edit import undo

    base = request.get("base")
    if not isinstance(base, list) or not all(isinstance(v, str) for v in base):
        raise BadEdit(None, "an undo names the view it was made from ('base': the version of each page the desk "
                      "shows, as /status gives them); reload the desk")
    arrived = _ms()
    failure: InputError | None = None
    with state.lock:
        if not state.undo:
            raise InputError(None, "nothing to undo")
        last = state.undo[-1]
        shown = [v for view, v in zip(state.pages, base) if view.spec.resolve() == last.path.resolve()]
        now = spec_version(last.path)
        if not shown:  # (a history kept from an edition that no longer has that page)
            raise Stale(None, f"{display_path(last.path)} is not a page this desk shows: undo refused, nothing "
                        "written; open it on the desk (or delete the undo history) to go further back")
        if any(v != now for v in shown):
            raise Stale(None, f"{display_path(last.path)}: the page changed since this view (another desk's edit "
                        "or a save): undo refused, nothing written, the step kept; reload and decide")
        state.undo.pop()
        try:
            undo(last)
        except InputError as exc:
            failure = exc  # that edit can never be undone now: it leaves the list, the next undo goes further back
    if failure is None:
        _rebuild_now(state, arrived)
    _keep_history(state, root)
    if failure is not None:
        raise failure
    return f"{display_path(last.path)}: undone"


def _confined(path: Path, root: Path) -> Path:
    """The spec an edit writes: inside the project, never in the build's output/."""
    real = path.resolve()
    if not real.is_relative_to(root.resolve()) or real.is_relative_to((root / "output").resolve()):
        raise InputError(None, f"{display_path(path)} is outside the project's specs; the desk does not write it")
    return real


class DeskServer(ThreadingHTTPServer):
    """The desk's server: a request that fails says one line on serve's terminal, never
    socketserver's traceback; a client gone meanwhile (a cancelled picture) says nothing."""

    log: Callable[[str], None] = staticmethod(lambda line: None)  # type: ignore[assignment]

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)):
            return
        self.log(f"{time.strftime('%H:%M:%S')} request failed: {type(exc).__name__}: {exc}")


def make_handler(state: LiveState, root: Path, stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _checked_host(self) -> bool:
            if _host_allowed(self.headers.get("Host", ""), self.server.server_address):
                return True
            # DNS rebinding: a page elsewhere naming this port under its own host name gets nothing
            self._send(421, "text/plain", b"misdirected request: use the address serve printed")
            return False

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if not self._checked_host():
                return
            path, _, query = self.path.partition("?")
            params = dict(p.partition("=")[::2] for p in query.split("&") if p)
            if path == "/":
                self._send(200, "text/html; charset=utf-8", desk_page(state).encode("utf-8"))
            elif path in ("/status", "/state.json"):
                self._send(200, "application/json", json.dumps(state.status(), ensure_ascii=False).encode("utf-8"))
            elif path == "/events":
                self._events()
            elif path in ("/favicon.ico", "/favicon.svg"):
                self._send(200, "image/svg+xml", ICON)
            elif path == "/preview.png":
                self._picture(state.picture(0, "png"), "image/png")
            elif path.startswith("/page/") and path.endswith(".jpg"):
                try:
                    index = int(path[len("/page/"):-len(".jpg")]) - 1
                except ValueError:
                    index = -1
                self._picture(state.picture(index, "proof" if params.get("proof") == "1" else "jpg",
                                            fine=params.get("fine") == "1",
                                            dpi=screen_dpi(params.get("dpi"), state.dpi)), "image/jpeg")
            else:
                self._send(404, "text/plain", b"not found")

        def do_POST(self) -> None:  # noqa: N802
            if not self._checked_host():
                return
            origin = self.headers.get("Origin")
            host = self.headers.get("Host", "")
            if origin is not None and origin != f"http://{host}":
                self._send(403, "text/plain", b"cross-origin edit refused")
                return
            if not secrets.compare_digest(self.headers.get("X-Desk-Token", ""), state.token):
                self._send(403, "text/plain", b"edit refused: no or wrong desk token (reload the desk)")
                return
            length = _content_length(self.headers.get("Content-Length"))
            if not 0 < length <= MAX_POST or self.headers.get("Content-Type", "").split(";")[0] != "application/json":
                self._send(400, "text/plain", b"an edit is a small JSON body")
                return
            try:
                request = json.loads(self.rfile.read(length))
                if not isinstance(request, dict):
                    raise ValueError
            except ValueError:
                self._json(400, {"ok": False, "message": "the edit is not JSON"})
                return
            try:
                if self.path == "/edit":
                    message = edit(state, request, root)
                elif self.path == "/undo":
                    message = undo_last(state, request, root)
                else:
                    self._send(404, "text/plain", b"not found")
                    return
            except BadEdit as exc:
                self._json(400, {"ok": False, "message": str(exc)})
                return
            except PagesetterError as exc:
                self._json(409, {"ok": False, "message": str(exc)})
                return
            except Exception as exc:  # noqa: BLE001 - an edit's fault is said on the desk; the server keeps serving
                self._json(500, {"ok": False, "message": f"internal error: {type(exc).__name__}: {exc}; nothing written"})
                return
            state.log(f"{time.strftime('%H:%M:%S')} desk: {message}")
            self._json(200, {"ok": True, "message": message})

        def _events(self) -> None:
            """Server-Sent Events: the whole state on every change, a comment every 15 s to keep
            the connection open."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = -1
            try:
                while not stop.is_set():
                    with state.changed:
                        state.changed.wait_for(lambda: state.version != seen or stop.is_set(), timeout=15)
                        version = state.version
                    if version != seen:
                        seen = version
                        body = json.dumps(state.status(), ensure_ascii=False)
                        self.wfile.write(f"event: state\ndata: {body}\n\n".encode("utf-8"))
                    else:
                        self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return
            self.close_connection = True

        def _picture(self, data: bytes | None, kind: str) -> None:
            if data is None:
                self._send(404, "text/plain", b"no picture (yet)")
            else:
                self._send(200, kind, data)

        def _json(self, code: int, value: dict[str, Any]) -> None:
            self._send(code, "application/json", json.dumps(value, ensure_ascii=False).encode("utf-8"))

        def _send(self, code: int, kind: str, body: bytes) -> None:
            try:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                # the browser has gone or cancelled the request (a picture a rebuild made stale):
                # nothing to answer, nothing to say (trial 14b: tracebacks on serve's terminal)
                self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass  # quiet: the terminal shows builds, not requests

    return Handler


def serve(spec: Path, host: str, port: int, out_dir: Path | None, dpi: float, quiet: bool) -> None:
    """``out_dir``: where serve writes its PDFs and pictures; None: a temporary folder of its own."""
    import tempfile

    from pagesetter.spec.loader import project_root

    if host not in LOOPBACK:  # the desk edits the project's files: it is never offered to the network
        raise InputError(None, f"serve listens on this computer only ({', '.join(sorted(LOOPBACK))}), not {host!r}: "
                         "the desk writes the spec files")
    root = project_root(spec)
    if out_dir is None:
        with tempfile.TemporaryDirectory(prefix="pagesetter-serve-") as own:
            return serve(spec, host, port, Path(own), dpi, quiet)
    if out_dir.resolve() == (root / "output").resolve():
        raise InputError(None, f"serve does not write into {out_dir}, the build's output folder: its pages may be "
                         "overset; name another folder with -o, or leave -o out for a temporary one")
    say: Callable[[str], None] = (lambda line: None) if quiet else (lambda line: print(line, flush=True))
    from pagesetter.desk_edit import history_path
    from pagesetter.proof.coverage import CoverageServer

    with _terminated_as_exit(), CoverageServer() as coverage:  # stopped, its folder removed, however serve ends
        coverage.prime()  # started while the first page is set
        state = LiveState(spec, out_dir, dpi, history=history_path(spec), coverage=coverage)
        try:
            _serve_state(state, spec, host, port, quiet, say, root)
        finally:
            state.close()


@contextlib.contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """SIGTERM (kill, a service manager, a test's terminate()) ends serve as Ctrl-C does, through
    its cleanup: its Ghostscript stopped, its temporary folders removed. Where signals cannot be
    set (serve run in another thread than the main one) nothing changes."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _serve_state(state: LiveState, spec: Path, host: str, port: int, quiet: bool, say: Callable[[str], None],
                 root: Path) -> None:
    """serve's first build, then the desk's server and the watcher until Ctrl-C."""
    from pagesetter.desk_edit import load_history

    state.undo = load_history(state.history, root, MAX_UNDO)  # type: ignore[arg-type]
    stop = threading.Event()
    try:  # the port taken before the first build (trial 16b #16: a second desk built a whole edition first)
        server = DeskServer((host, port), make_handler(state, root, stop))
        server.log = say
    except OSError as exc:
        raise InputError(None, f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        _first_build_and_serve(state, spec, server, stop, root, quiet, say, host)
    finally:
        server.server_close()


def _first_build_and_serve(state: LiveState, spec: Path, server: DeskServer, stop: threading.Event, root: Path,
                           quiet: bool, say: Callable[[str], None], host: str) -> None:
    """The first build (a desk connecting meanwhile waits in the listen queue: answered with the
    first page), then the watcher and the server until Ctrl-C."""
    folders = [root / "layout", root / "content", root / "fonts", spec.resolve().parent]
    # The files looked at before the first build reads them, not by the watcher once it has started:
    # a save meanwhile (the build had read the old file) was taken for the files as built, and the
    # desk showed the page without it until the next save (tests/test_serve.py).
    first = snapshot(folders, state.out_dir), _ms()
    state.rebuild(wait_for_verdicts=True)  # before the address is printed: the first page is there when the desk opens
    state.log = say
    watcher = threading.Thread(target=watch, args=(state, folders, stop, WATCH_INTERVAL, first), daemon=True)
    watcher.start()
    if not quiet:
        print(f"serving {spec} on http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
        print(f"{time.strftime('%H:%M:%S')} build 1: {'ok' if state.ok else 'error: ' + state.error.splitlines()[0]} "
              f"in {state.seconds:.2f} s", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        state.wake.set()
        with state.changed:
            state.changed.notify_all()
