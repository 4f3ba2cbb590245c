"""Page tree -> PDF bytes: the content stream (boxes, rules, photos, and the text in CID-keyed
Type0 fonts, one per face, render/cidfont.py), the page's objects and the PDF/X structure
(render/pdfx.py), each written by reportlab's object layer and assembled by render/writer.py.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from itertools import groupby
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Callable, TypeVar

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString

from pagesetter.compose.bidi import MAYBE_RTL, strong_type
from pagesetter.cache import DiskCache, file_digest, key_of
from pagesetter.fonts.manifest import FaceInfo
from pagesetter.fonts.subset import EmbeddedFont, subset_font
from pagesetter.incremental import Memo
from pagesetter.pagetree import INNER_RULE, Frame, Glyph, Image, Page, Panel, Rule, TextLine, Vector, placed_box
from pagesetter.records import record
from pagesetter.render.cidfont import FLATE, Deflater, flate_program, font_object_count, font_objects
from pagesetter.render.photo import WARN_PPI, PreparedImage
from pagesetter.render.pdfx import (DocumentId, PdfxSettings, PdfxVersion, document_id, document_id_of_digests,
                                   info_dictionary, metadata_stream, output_intent, part_digest, pdf_header,
                                   profile_stream, trailer_id)
from pagesetter.render.writer import (PdfWriter, deflate_after, deflate_part, deflated, dictionary, fp, inflates_to,
                                      ref, stream, written)
from pagesetter.spec.model import BLACK, CMYK, DEFAULT_PHOTO_PPI, PageSpec
from pagesetter.units import PT_PER_MM
from pagesetter.errors import Loc, Warning


@record(frozen=True)
class RenderResult:
    pdf: bytes
    warnings: tuple[Warning, ...]
    # (file, SHA-256) of each photo hashed for the photo cache: the build's record (rebuild.py)
    # takes these rather than reading and hashing the photos a second time
    digests: tuple[tuple[Path, str], ...] = ()


class _Coords:
    """Page-tree coordinates (from the trim's top-left, y down) to PDF user space."""

    def __init__(self, page: Page) -> None:
        self.bleed = page.bleed + page.mark_margin  # trim origin from the media's corner
        self.media_h = page.trim[1] + 2 * self.bleed

    def x(self, x: float) -> float:
        return self.bleed + x

    def y(self, y: float) -> float:
        return self.media_h - (self.bleed + y)


T = TypeVar("T")


@record(frozen=True)
class PrintSettings:
    """What the page spec asks of the print PDF: the PDF/X version written, x1a or x4
    (render/pdfx.py), and the resolution photos are resampled to (render/images.py)."""

    pdfx: PdfxVersion = "x1a"
    photo_ppi: int = DEFAULT_PHOTO_PPI

    @classmethod
    def of(cls, spec: PageSpec) -> "PrintSettings":
        return cls(spec.pdfx, spec.photo_ppi)


# The caller's own work done while the photos are prepared (render_pdf's ``meanwhile``), given what
# says whether they still are.
Meanwhile = Callable[[Callable[[], bool]], None]


class EarlyPhotos:
    """The page's photos being prepared in threads from the moment the flow placed them, before
    the page is finished (sources, marks) and rendered: on two cores the other one is otherwise
    idle between the composition and the render. render_pdf takes them only for exactly the
    photos it draws (``matches``), else prepares its own; what each is prepared from is the
    same either way, so are the bytes."""

    def __init__(self, images: tuple[Image, ...], cache: DiskCache, ppi: int, threads: int = 2) -> None:
        self.wanted = tuple(_photo_inputs(image) for image in images)
        self.ppi = ppi
        self.digests: dict[Path, str] = {}  # filled by the threads, as render_pdf's own
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.photos = [self.pool.submit(_prepared, image, cache, ppi, self.digests) for image in images]

    def matches(self, images: tuple[Image, ...], ppi: int) -> bool:
        return ppi == self.ppi and self.wanted == tuple(_photo_inputs(image) for image in images)

    def close(self) -> None:
        """Not needed after all (the build stopped, or drew other photos): what has not started is dropped."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def _photo_inputs(image: Image) -> tuple:
    """What a photo is prepared from (_prepared): the file and the frame, not where it is drawn."""
    return (image.path, image.width, image.height, image.fit, image.focus, image.background)


def render_pdf(page: Page, faces: dict[str, FaceInfo], title: str, date: str | None = None, *,
               cache: DiskCache = DiskCache(None), settings: PrintSettings = PrintSettings(),
               photo_threads: int = 2, memo: Memo | None = None, early: EarlyPhotos | None = None,
               meanwhile: Meanwhile | None = None) -> RenderResult:
    """``cache`` keeps prepared photos and font subsets between builds (cache.py); ``memo``, a
    session's (session.py), keeps them in memory, with each line's text operators and the written
    bytes of every object whose inputs are unchanged (fonts, photos); ``photo_threads``: threads
    preparing photos beside this one, 0 for none (an edition's page workers already keep every core
    busy); ``early``: the photos already being prepared (build.py; not with a ``memo``), whose
    threads then also do what photo threads do here, and are closed by this call; ``meanwhile``:
    the caller's own work, called once on this thread when the text is written, before the photos
    are waited for, with what says whether they are still being prepared (on a cold page the
    photo threads finish last: this thread would otherwise wait idle). One pass: the PDF/X
    structure is written with the page (render/writer.py)."""
    if early is not None and (memo is not None or not early.matches(page.images, settings.photo_ppi)):
        early.close()
        early = None
    try:
        return _render_pdf(page, faces, title, date, cache, settings, photo_threads, memo, early, meanwhile)
    finally:
        if early is not None:
            early.close()


def _render_pdf(page: Page, faces: dict[str, FaceInfo], title: str, date: str | None, cache: DiskCache,
                settings: PrintSettings, photo_threads: int, memo: Memo | None, early: EarlyPhotos | None,
                meanwhile: Meanwhile | None = None) -> RenderResult:
    trim_w, trim_h = page.trim
    b = page.bleed
    m = page.mark_margin
    media = (trim_w + 2 * (b + m), trim_h + 2 * (b + m))
    co = _Coords(page)
    warnings: list[Warning] = []
    state = _Overprint()
    ops: list[str] = [PREAMBLE]
    if memo is not None and all(memo.has(_photo_key(image, settings.photo_ppi)) for image in page.images):
        photo_threads = 0  # every photo kept by the session: no thread to start
    pool: Executor
    if early is not None:
        pool = early.pool  # shut down by render_pdf
    elif photo_threads:
        pool = ThreadPoolExecutor(max_workers=photo_threads)
    else:
        pool = _InThisThread()
    with pool:
        # Photos are prepared in threads (Pillow and LittleCMS release the GIL) while this thread
        # subsets the fonts and writes the text, or here first when photo_threads is 0; they are
        # placed in page order, so the bytes never depend on which thread finished first.
        # filled by the photo threads (a photo placed twice may be hashed by two: the same digest)
        if early is not None:
            digests, photos = early.digests, early.photos
        else:
            digests = {}
            photos = [pool.submit(_kept_photo, image, cache, settings.photo_ppi, memo, digests)
                      for image in page.images]
        font_cache = _font_cache(cache, memo)
        subsets = _subsets(page, faces, font_cache, memo)
        # The font programs are Flate-compressed there too (zlib lets go of the GIL: 5-15 ms of a
        # cold build, beside the text); a session, only those it has not compressed before.
        programs = ({key: pool.submit(_cached_program, cache, font) for key, font in subsets.items()}
                    if memo is None else _new_programs(subsets, font_cache, memo))
        embedded = _with_sharers({key: (f"F{i + 1}", font) for i, (key, font) in enumerate(subsets.items())}, faces)
        text = _text_operators(page.lines, embedded, co, memo)
        for panel in page.panels:
            _draw_panel(ops, co, panel, state, frame=panel.color == BLACK)
        if meanwhile is not None:
            waited = [*photos, *programs.values()]
            meanwhile(lambda: not all(future.done() for future in waited))
        prepared = [photo.result() for photo in photos]
        flated = {key: future.result() for key, future in programs.items()}
    if memo is not None:  # kept where _written's _kept_flate looks for them
        for key, data in flated.items():
            memo(("flate", subsets[key].program), functools.partial(lambda d: d, data))
    for index, (image, photo) in enumerate(zip(page.images, prepared)):
        _set_overprint(ops, state, False)
        warnings += _draw_image(ops, co, image, index, photo)
    for index, vector in enumerate(page.vectors):
        _set_overprint(ops, state, False)  # line art in colour knocks out, as a photo does
        _draw_vector(ops, co, vector, index)
    registration = False
    # A coloured rule or frame (trial 17a #10) is drawn after every other rule: it knocks out, so
    # where a 100 % K rule meets it (a junction, junctions.py) the colour is printed alone rather
    # than under overprinting black, which would add 100 % to its inks (a red rule's 200 % → 300 %,
    # over the plant's total). Pages without one draw as they always did.
    coloured = [r for r in page.rules if r.role in COLOURABLE_ROLES and r.color != BLACK]
    for rule in [r for r in page.rules if not (r.role in COLOURABLE_ROLES and r.color != BLACK)]:
        _set_overprint(ops, state, overprints(rule.color))
        registration |= _draw_rule(ops, co, rule)
    for panel in page.panels:
        if panel.stroke > 0 and panel.color != BLACK:
            _draw_frame(ops, co, panel, state)
    for rule in coloured:
        _set_overprint(ops, state, overprints(rule.color))
        registration |= _draw_rule(ops, co, rule)
    parts = ["\n".join(ops), *text]  # the content stream: drawings, then each article's text
    layout = _layout_json(page, memo)
    # The document's ID comes from everything drawn: the page's whole content stream (text, rules,
    # panels, marks), the photos, the fonts and the layout record.
    content = (layout.encode("utf-8"), *(p.jpeg for p in prepared),
               *(vector.content for vector in page.vectors), *(font.program for font in subsets.values()))
    pdfx = PdfxSettings(version=settings.pdfx)
    if memo is None:
        ident = document_id(title, pdfx, date, (*(part.encode("ascii") for part in parts), *content))
    else:  # photos and font programs kept by the session are the same bytes objects: hashed once
        ident = document_id_of_digests(title, pdfx, date, [
            *(memo(("digest-text", part), lambda: part_digest(part.encode("ascii"))) for part in parts),
            *(memo(("digest", part), lambda: part_digest(part)) for part in content)])
    pdf = _written(page, media, _content_stream(parts, memo), layout, prepared, subsets, registration, ident, memo,
                   font_cache, flated)
    return RenderResult(pdf, tuple(warnings), tuple(sorted(digests.items())))


def _font_cache(cache: DiskCache, memo: Memo | None) -> DiskCache:
    """Where font subsets and compressed font programs are looked up and kept between processes.
    A session (``memo``) uses the disk cache on its first build only, as it does the composition
    memo (session.py): a later command-line build of the page finds them. After that they live in
    the session's memory, and a glyph new to the page (an edit's) costs no cache key, seal and
    file of a subset and its compressed program (~1 MB: 5-8 ms of the edit, issue 21)."""
    if memo is None:
        return cache
    first = not memo.has(FONTS_CACHED)
    memo(FONTS_CACHED, lambda: True)  # asked every build: never swept
    return cache if first else DiskCache(None)


FONTS_CACHED = ("fonts-cached",)

PREAMBLE = "1 0 0 1 0 0 cm"  # the content stream's first operator, as reportlab wrote it (bottom-up)


def _content_stream(parts: list[str], memo: Memo | None) -> bytes:
    """The content stream, Flate-compressed part by part (writer.deflated): a session compresses
    again only the parts that changed, the text of the article edited."""
    data = [(part + "\n").encode("ascii") for part in parts]
    if memo is None:
        return deflated([deflate_part(d) for d in data], data)
    return deflated([memo(("deflate", part), functools.partial(deflate_part, d)) for part, d in zip(parts, data)],
                    data)


def _written(page: Page, media: tuple[float, float], drawn: bytes, layout: str, prepared: list[PreparedImage],
             subsets: dict[str, EmbeddedFont], registration: bool, ident: DocumentId, memo: Memo | None,
             cache: DiskCache = DiskCache(None), flated: dict[str, bytes] | None = None) -> bytes:
    """The file: catalog, Info, page tree, XMP, OutputIntent and profile, the page's content and
    layout record, colour space, photos, line art and fonts, in that order of object numbers. A
    session keeps the written bytes of photos and fonts (their numbers follow from the counts of
    what comes before, unchanged by a text edit); ``cache`` keeps compressed font programs between
    processes (_cached_flate); ``flated``: those already compressed, by the face's key."""
    flated = {} if flated is None else flated
    w = PdfWriter()
    catalog, info, pages, page_num, metadata, intent, profile, record, contents = (w.reserve() for _ in range(9))
    colorspace = w.reserve() if registration else 0
    function = w.reserve() if registration else 0
    stamp = ident.stamp
    w.put(catalog, _catalog(pages, metadata, intent))
    w.put(info, info_dictionary(ident))
    w.put(pages, _pages(page_num))
    w.put(metadata, metadata_stream(ident))
    w.put(intent, output_intent(profile))
    w.put(profile, profile_stream())
    w.put(record, stream({"Filter": FLATE}, zlib.compress(layout.encode("utf-8"))))
    w.put(contents, stream({"Filter": FLATE}, drawn))
    if registration:
        w.put(colorspace, written(PDFArray([PDFName("Separation"), PDFName("All"), PDFName("DeviceCMYK"),
                                            ref(function)])))
        w.put(function, _all_function())
    xobjects: dict[str, object] = {}
    for index, photo in enumerate(prepared):
        body = _jpeg_xobject(photo) if memo is None else memo(("photo-pdf", photo), lambda: _jpeg_xobject(photo))
        xobjects[f"FormXob.Im{index}"] = ref(w.add(body))
    for index, vector in enumerate(page.vectors):
        xobjects[f"FormXob.Lg{index}"] = ref(w.add(_vector_xobject(vector)))
    fonts: dict[str, object] = {}
    for index, (key, font) in enumerate(subsets.items()):
        first = w.reserve_many(font_object_count(font))
        bodies = (font_objects(font, first, functools.partial(_cached_flate, cache), flated.get(key))
                  if memo is None
                  else memo(("font-pdf", font, first), lambda: font_objects(
                      font, first, _kept_flate(memo, cache),
                      memo(("flate", font.program), lambda: _cached_program(cache, font, _kept_part(memo))))))
        for offset, body in enumerate(bodies):
            w.put(first + offset, body)
        fonts[f"F{index + 1}"] = ref(first)
    resources: dict[str, object] = {"ExtGState": OVERPRINT_STATES_PDF}
    if registration:
        resources["ColorSpace"] = PDFDictionary({"All": ref(colorspace)})
    if fonts:
        resources["Font"] = PDFDictionary(fonts)
    if xobjects:
        resources["XObject"] = PDFDictionary(xobjects)
    b, m = page.bleed, page.mark_margin
    trim_w, trim_h = page.trim
    date = PDFString(stamp)
    w.put(page_num, dictionary({
        "Type": PDFName("Page"), "Parent": ref(pages), "MediaBox": PDFArray([0, 0, media[0], media[1]]),
        "TrimBox": PDFArray([b + m, b + m, b + m + trim_w, b + m + trim_h]),
        "BleedBox": PDFArray([m, m, media[0] - m, media[1] - m]),
        "Resources": PDFDictionary(resources), "Contents": ref(contents), "LastModified": date,
        # the page's module frames (layout, JSON) as PieceInfo (ISO 32000-1 §14.5), so that proofing
        # tools (pagesetter diff) can name the articles on any of our PDFs
        "PieceInfo": PDFDictionary({"pagesetter": PDFDictionary({"LastModified": date, "Private": ref(record)})})}))
    return w.file(pdf_header(ident.settings.version), catalog, info, trailer_id(ident))


@functools.lru_cache(maxsize=8)
def _catalog(pages: int, metadata: int, intent: int) -> bytes:
    """The catalog written (the same bytes for every page of the same objects: kept per process)."""
    return dictionary({"Type": PDFName("Catalog"), "Pages": ref(pages), "Metadata": ref(metadata),
                       "OutputIntents": PDFArray([ref(intent)])})


@functools.lru_cache(maxsize=8)
def _pages(page: int) -> bytes:
    return dictionary({"Type": PDFName("Pages"), "Kids": PDFArray([ref(page)]), "Count": 1})


def _new_programs(subsets: dict[str, EmbeddedFont], cache: DiskCache, memo: Memo) -> dict[str, Future[bytes]]:
    """A session's font programs it has not compressed (an edit brought a glyph new to the page),
    compressed on a thread of their own while this one writes the text: the edit's wait is the
    longer of the two, not their sum (the desk's case: its photos are kept, no photo thread runs)."""
    new = {key: font for key, font in subsets.items() if not memo.has(("flate", font.program))}
    if not new:
        return {}
    pool = ThreadPoolExecutor(max_workers=1)
    try:  # the memo's dict operations are each atomic under the GIL (as for _kept_photo)
        return {key: pool.submit(_cached_program, cache, font, _kept_part(memo)) for key, font in new.items()}
    finally:
        pool.shutdown(wait=False)  # the thread ends when its work is done; result() waits for it


def _kept_flate(memo: Memo, cache: DiskCache) -> Callable[[bytes], bytes]:
    """zlib.compress, each result kept by the session (a font program keeps its bytes while the
    font's other objects are renumbered)."""
    return lambda data: memo(("flate", data), lambda: _cached_flate(cache, data))


# Data this large is Flate-compressed once and kept in the disk cache: the font programs (5-12 ms
# a page at zlib's default level), which an edit of the text seldom changes; smaller data
# (ToUnicode CMaps) costs less to compress than to look up.
CACHED_FLATE_MIN = 32 * 1024


def _cached_flate(cache: DiskCache, data: bytes, compress: Callable[[], bytes] | None = None,
                  how: str = "whole") -> bytes:
    """zlib.compress(data), or ``compress()`` (named ``how`` in the key), from the cache when the
    same bytes were compressed before the same way by the same zlib (its version is in the key:
    another zlib may write other bytes, and a build must write what a build without the cache
    writes)."""
    flate = compress if compress is not None else functools.partial(zlib.compress, data)
    if not cache.enabled or len(data) < CACHED_FLATE_MIN:
        return flate()
    key = key_of("flate", how, zlib.ZLIB_RUNTIME_VERSION, hashlib.sha256(data).hexdigest())
    found = cache.get("flate", key)
    # a sealed entry is trusted to be ours, as every entry is; inflating it (a tenth of the cost of
    # compressing) makes one planted with a stolen key a miss too, never a wrong font
    if found is not None and inflates_to(found, data):
        return found
    flated = flate()
    cache.put("flate", key, flated)
    return flated


def _cached_program(cache: DiskCache, font: EmbeddedFont, deflate: Deflater = deflate_after) -> bytes:
    """The font's program compressed by cidfont.flate_program (a CFF in parts), from the cache as
    _cached_flate keeps it."""
    return _cached_flate(cache, font.program, functools.partial(flate_program, font, deflate), "program")


def _kept_part(memo: Memo) -> Deflater:
    """writer.deflate_after, each part kept by the session by its bytes and the bytes before it
    (a glyph new to the page changes a few parts of the face's program: the others are found here).
    Looked up by their hashes, and taken only when the bytes are equal too."""
    def deflate(data: bytes, before: bytes) -> bytes:
        found = memo(("font-part", hash(data), hash(before), len(data)),
                     lambda: (data, before, deflate_after(data, before)))
        return found[2] if found[0] == data and found[1] == before else deflate_after(data, before)
    return deflate


@functools.lru_cache(maxsize=1)
def _all_function() -> bytes:
    """The tint transform of the colorant All: 1 of All is 1 of each process ink (a PostScript
    calculator function, ISO 32000-1 §7.10.5)."""
    return stream({"Domain": PDFArray([0, 1]), "Filter": FLATE, "FunctionType": 4,
                   "Range": PDFArray([0, 1, 0, 1, 0, 1, 0, 1])},
                  zlib.compress(b"{dup 1.0 mul exch dup 1.0 mul exch dup 1.0 mul exch 1.0 mul}"))


def _subsets(page: Page, faces: dict[str, FaceInfo], cache: DiskCache, memo: Memo | None
             ) -> dict[str, EmbeddedFont]:
    """Each face subset to the glyphs the page uses, in the order of the faces' keys. Keys that
    name one face of one file (kai and kai2 = LXGWWenKai-Regular.ttf) share one subset, under the
    first of them (trial 17c #6: the same font program was embedded twice): _shared_keys."""
    if memo is None:
        used = _shared_glyphs(_glyphs_used(page.lines), faces)
        return {key: subset_font(faces[key].path, used[key], faces[key].index, cache=cache) for key in sorted(used)}
    # each module's glyphs kept; the subsets kept while no module's glyphs changed
    per_chunk = [memo(("used", *chunk), lambda: _canonical(_split(_glyphs_used(chunk)), memo))
                 for chunk in _chunks(page.lines)]
    return memo(("subsets", *per_chunk),
                lambda: _kept_subsets(_shared_glyphs(_merged(per_chunk), faces), faces, cache, memo))


def _shared_keys(faces: dict[str, FaceInfo]) -> dict[str, str]:
    """Each face key -> the key whose subset prints it: the first key, in sorted order, of the
    same file and face index (a glyph id means the same glyph in both)."""
    first: dict[tuple[str, int], str] = {}
    return {key: first.setdefault((str(faces[key].path), faces[key].index), key) for key in sorted(faces)}


def _shared_glyphs(used: dict[str, dict[int, str]], faces: dict[str, FaceInfo]) -> dict[str, dict[int, str]]:
    """``used`` with the glyphs of keys that share a face merged under the key that prints them
    (_shared_keys): a glyph keeps its first text that is not empty, that key's first."""
    shared = _shared_keys(faces)
    if all(shared[key] == key for key in used):
        return used
    out: dict[str, dict[int, str]] = {}
    for key in sorted(used, key=lambda k: (shared[k] != k, k)):  # each printing key before its sharers
        merged = out.setdefault(shared[key], {})
        for gid, text in used[key].items():
            if not merged.get(gid):
                merged[gid] = text
    return out


def _with_sharers(embedded: dict[str, tuple[str, EmbeddedFont]], faces: dict[str, FaceInfo]
                  ) -> dict[str, tuple[str, EmbeddedFont]]:
    """``embedded`` (a resource name and subset by printing key) with every key that shares a
    printing key's face given its resource and subset, as the text operators look a glyph's face up."""
    shared = _shared_keys(faces)
    return {**embedded, **{key: embedded[to] for key, to in shared.items() if to != key and to in embedded}}


def _canonical(used: dict[str, tuple[dict[int, str], dict[int, str]]], memo: Memo
               ) -> dict[str, tuple[dict[int, str], dict[int, str]]]:
    """The one object the session keeps for a module's glyphs equal to ``used``: an edit that
    uses no glyph the module did not use before (or one it used a few builds ago: an editor going
    back and forth between two wordings) leaves the page's subsets as they were, found without
    merging and sorting the page's glyphs again."""
    digest = hash(tuple((face, frozenset(textless.items()), frozenset(texts.items()))
                        for face, (textless, texts) in sorted(used.items())))
    kept = memo(("used-canon", digest), lambda: used)
    return kept if kept == used else used  # equal values only: a hash shared by chance is no match


def _layout_json(page: Page, memo: Memo | None = None) -> str:
    """The module frames in PDF user space (y up), for tools that read our PDFs back. ``memo``
    (session.py): each module's frames written kept by its frames (an unchanged module's are the
    same objects); the record is the same text json.dumps writes of it whole."""
    import json

    co = _Coords(page)
    record: dict[str, object] = {"page": page.name}
    if memo is None:
        record["frames"] = [_frame_record(f, co) for f in page.frames]
        head = ""
    else:  # '{"page":…,"frames":[…]' written here, the rest of the record by json.dumps below
        written = [memo(("frames-json", co.bleed, co.media_h, *run), functools.partial(_frames_json, run, co))
                   for run in _frame_runs(page.frames)]
        head = (json.dumps(record, ensure_ascii=False, separators=(",", ":"))[:-1]
                + ',"frames":[' + ",".join(written) + "]")
        record = {}
    if page.images:  # so that preflight names a photo by its file and article, not its XObject name
        record["images"] = [{"name": f"Im{i}", "file": image.shown or image.path.name, "article": image.article}
                            for i, image in enumerate(page.images)]
    furniture = _furniture(page, co)
    if furniture:  # where the 报眉 and 报头 stand: check finds text over them (proof/typography.py)
        record["furniture"] = furniture
    if page.sources:  # each article's file and lines: diff names a change by its source line
        record["sources"] = {s.article: {"file": s.file, "runs": [list(r) for r in s.runs]} for s in page.sources}
    if page.overset:  # written with overset allowed: preflight reads this and fails the page
        record["overset"] = [{"article": o.article, "chars": o.chars, "lines": o.lines} for o in page.overset]
    if not head:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return head + ("," + json.dumps(record, ensure_ascii=False, separators=(",", ":"))[1:] if record else "}")


def _frame_record(f: Frame, co: "_Coords") -> dict[str, object]:
    return {"article": f.article, "kind": f.kind, "x0": round(co.x(f.x), 2), "y0": round(co.y(f.y + f.height), 2),
            "x1": round(co.x(f.x + f.width), 2), "y1": round(co.y(f.y), 2)}


def _frame_runs(frames: tuple[Frame, ...]) -> list[tuple[Frame, ...]]:
    """The page's frames in runs of one article (a module's come together, as its lines do)."""
    return [tuple(run) for _, run in groupby(frames, key=attrgetter("article"))]


def _frames_json(frames: tuple[Frame, ...], co: "_Coords") -> str:
    """The frames as json.dumps writes them in a list, without the brackets."""
    import json

    return json.dumps([_frame_record(f, co) for f in frames], ensure_ascii=False, separators=(",", ":"))[1:-1]


# The page's furniture by its lines' article (flow/page.py _folio, flow/masthead.py): what the
# layout record names it.
FURNITURE = ("folio", "masthead")
EM_TOP, EM_BOTTOM = 0.88, 0.12  # the ideographic em box about the baseline (flow/geometry.py)


def _furniture(page: Page, co: "_Coords") -> list[dict[str, object]]:
    """The furniture of the page in PDF user space (y up), for the check: each part's text (the em
    boxes of its lines, together) and each of its rules (the band its stroke covers). Empty for a
    page without a 报眉 or 报头; the slug stands outside the bleed, on no page that is printed."""
    out: list[dict[str, object]] = []
    for part in FURNITURE:
        glyphs = [(line.baseline - g.dy, g) for line in page.lines if line.article == part for g in line.glyphs]
        if glyphs:
            x0 = min(g.x for _, g in glyphs)
            x1 = max(g.x + g.size * g.scale_x for _, g in glyphs)
            top = min(b - EM_TOP * g.size for b, g in glyphs)
            bottom = max(b + EM_BOTTOM * g.size for b, g in glyphs)
            out.append(_furniture_box(part, "text", co, x0, top, x1, bottom))
        for r in page.rules:
            if r.role == part:
                half = r.width / 2
                out.append(_furniture_box(part, "rule", co, min(r.x1, r.x2) - (half if r.x1 == r.x2 else 0.0),
                                          min(r.y1, r.y2) - (half if r.y1 == r.y2 else 0.0),
                                          max(r.x1, r.x2) + (half if r.x1 == r.x2 else 0.0),
                                          max(r.y1, r.y2) + (half if r.y1 == r.y2 else 0.0)))
    return out


def _furniture_box(part: str, kind: str, co: "_Coords", x0: float, top: float, x1: float,
                   bottom: float) -> dict[str, object]:
    return {"part": part, "kind": kind, "x0": round(co.x(x0), 2), "y0": round(co.y(bottom), 2),
            "x1": round(co.x(x1), 2), "y1": round(co.y(top), 2)}


# Overprint (PRINT.md "Black text and thin rules: 100 % K only, set to overprint"; InDesign's
# [Black] default): solid black text and rules overprint, so misregistration cannot show white
# edges around them; everything else knocks out — white type (反白) would vanish, colour type
# would mix with a tint under it, a photo would mix with a box. ISO 32000-1 §8.6.7: /OPM 1 lets a
# 0/0/0/100 fill leave the other plates alone.
OVERPRINT_STATES: dict[str, dict[str, str]] = {
    "GSop": {"Type": "/ExtGState", "OP": "true", "op": "true", "OPM": "1"},
    "GSko": {"Type": "/ExtGState", "OP": "false", "op": "false", "OPM": "0"},
}


# The rules a spec may colour (spec/model.py Rules.color, Folio.rule_color): drawn after the rest
# when coloured (render_pdf). Marks, the 广告 label's white ground and proof overlays keep their place.
COLOURABLE_ROLES = frozenset(("article", "column", "folio"))


def overprints(color: CMYK | None) -> bool:
    """Does an object of this colour overprint? Only 100 % K (PRINT.md)."""
    return color == BLACK


# The page's two graphics states, as reportlab writes them (each a direct dictionary).
# (a value with a slash is a name; the others, true/false and numbers, are written as they stand)
OVERPRINT_STATES_PDF = PDFDictionary({
    name: PDFDictionary({k: PDFName(v[1:]) if v.startswith("/") else v for k, v in entries.items()})
    for name, entries in OVERPRINT_STATES.items()})


class _Overprint:
    """Which overprint state the content stream is in, so each drawing names the one it needs
    only when it changes. ``None``: not known (the start of a separately built stream)."""

    def __init__(self) -> None:
        self.state: bool | None = None

    def switch(self, overprint: bool) -> str:
        if self.state is overprint:
            return ""
        self.state = overprint
        return "/GSop gs" if overprint else "/GSko gs"


def _set_overprint(ops: list[str], tracker: _Overprint, overprint: bool) -> None:
    op = tracker.switch(overprint)
    if op:
        ops.append(op)


class _InThisThread(Executor):
    """Runs each call at once, here. Where every core already sets a page of its own, photo threads
    only add switching: measured on 24 edition pages on two cores, 15.6 s of CPU with two threads
    a page, 14.3 s with none."""

    def submit(self, fn: Callable[..., T], /, *args: object, **kwargs: object) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # raised again by result(), as from a thread
            future.set_exception(exc)
        return future


def _kept_photo(image: Image, cache: DiskCache, ppi: int, memo: Memo | None, digests: dict[Path, str]
                ) -> PreparedImage:
    """The prepared photo from the session's memo, keyed by the file's identity and modification
    (not its digest: a session does not read a photo of several MB again to learn it is unchanged).
    Called from the photo threads too: the memo's dict operations are each atomic under the GIL
    (a photo placed twice may be prepared by two threads at once: the same bytes either way)."""
    if memo is None or not image.path.is_file():
        return _prepared(image, cache, ppi, digests)
    return memo(_photo_key(image, ppi), lambda: _prepared(image, cache, ppi, digests))


def _photo_key(image: Image, ppi: int) -> tuple:
    try:
        st = image.path.stat()
    except OSError:
        return ("photo", None)
    # the file by its device and inode (not its resolved path: a dozen system calls a photo, every build)
    return ("photo", (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns), image.width, image.height,
            image.fit, image.focus, ppi, (image.background,))


def _prepared(image: Image, cache: DiskCache, ppi: int, digests: dict[Path, str]) -> PreparedImage:
    """The photo ready for print, from the cache when the same file was prepared for the same frame;
    the file's digest, taken for the cache's key, put in ``digests``."""
    if not cache.enabled or not image.path.is_file():
        return _prepare(image, ppi)
    digest = digests[image.path] = file_digest(image.path)
    key = key_of("image", digest, image.width, image.height, image.fit, image.focus, ppi,
                 image.background)
    found = cache.get_object("image", key)
    if isinstance(found, PreparedImage):
        return found
    prepared = _prepare(image, ppi)
    cache.put_object("image", key, prepared)
    return prepared


def _prepare(image: Image, ppi: int) -> PreparedImage:
    """The photo prepared now. Imported here, after the cache lookup, not where a photo is first
    needed: render/images.py loads Pillow's colour management (littleCMS) and the rest, which a
    build whose photos are all in the cache never uses."""
    from pagesetter.render.images import prepare_image

    return prepare_image(image.path, image.width, image.height, image.fit, image.focus, ppi, image.background)


def _draw_image(ops: list[str], co: _Coords, image: Image, index: int, prepared: PreparedImage) -> list[Warning]:
    x, y, w, h = placed_box(image, prepared.width_px, prepared.height_px)
    ops += ["q", f"{fp(w)} 0 0 {fp(h)} {fp(co.x(x))} {fp(co.y(y + h))} cm", f"/FormXob.Im{index} Do", "Q"]
    found = [Warning("photo", note, Loc.of_file(image.path), image.article) for note in prepared.notes]
    if prepared.effective_ppi < WARN_PPI:
        found.append(Warning("low-resolution", f"{image.path.name} prints at {prepared.effective_ppi:.0f} ppi "
                             f"(under {WARN_PPI})", Loc.of_file(image.path), image.article))
    white = _fit_white(image, w, h)
    if white:
        found.append(Warning("photo-white", f"{image.path.name} is set whole (fit: fit) and {white}; give the cell "
                             "the picture's shape, or crop it (fit: fill)", Loc.of_file(image.path), image.article))
    return found


# A `fit` picture leaves the paper white where its shape differs from its cell's. The grid makes
# cells of whole lines and columns, so a little is unavoidable; past this share of the cell's side
# and this much paper (about a line and a half of body type) the desk sees a hole (trial 12).
FIT_WHITE_SHARE = 0.15
FIT_WHITE_PT = 17.0


def _fit_white(image: Image, w: float, h: float) -> str:
    """How a fit picture leaves its cell white, in words, or "" when it (nearly) fills it."""
    across, down = image.width - w, image.height - h
    if down > FIT_WHITE_PT and down > FIT_WHITE_SHARE * image.height:
        where = {0.0: "below it", 1.0: "above it"}.get(image.stand, "above and below it")
        return f"fills {h / image.height:.0%} of its cell's depth: {down / PT_PER_MM:.0f} mm of white {where}"
    if across > FIT_WHITE_PT and across > FIT_WHITE_SHARE * image.width:
        return f"fills {w / image.width:.0%} of its cell's width: {across / PT_PER_MM:.0f} mm of white beside it"
    return ""


def _draw_vector(ops: list[str], co: _Coords, vector: Vector, index: int) -> None:
    """The line art as a form XObject, its box scaled onto the frame."""
    x0, y0, x1, y1 = vector.bbox
    sx, sy = vector.width / (x1 - x0), vector.height / (y1 - y0)
    ops += ["q", f"{fp(sx)} 0 0 {fp(sy)} {fp(co.x(vector.x) - x0 * sx)} {fp(co.y(vector.y + vector.height) - y0 * sy)} cm",
            f"/FormXob.Lg{index} Do", "Q"]


def _vector_xobject(vector: Vector) -> bytes:
    # paths in device colour need no resources (render/vector.py)
    return stream({"Type": PDFName("XObject"), "Subtype": PDFName("Form"), "FormType": 1,
                   "BBox": PDFArray(vector.bbox), "Resources": PDFDictionary(), "Filter": FLATE},
                  zlib.compress(vector.content, 1))


def _jpeg_xobject(prepared: PreparedImage) -> bytes:
    """The JPEG as it is (DCTDecode, no re-encoding): a DeviceCMYK or DeviceGray image XObject.

    Pillow writes CMYK JPEGs the Adobe way, inverted, hence the Decode array (ISO 32000-1 §8.9.5.2).
    A one-channel JPEG is plain (0 black, 255 white), DeviceGray's own sense: the default Decode.
    """
    entries: dict[str, object] = {"Type": PDFName("XObject"), "Subtype": PDFName("Image"),
                                  "Width": prepared.width_px, "Height": prepared.height_px,
                                  "ColorSpace": PDFName(prepared.colorspace), "BitsPerComponent": 8,
                                  "Filter": PDFName("DCTDecode")}
    if prepared.colorspace == "DeviceCMYK":
        entries["Decode"] = PDFArray([1, 0, 1, 0, 1, 0, 1, 0])
    return stream(entries, prepared.jpeg)


def _draw_panel(ops: list[str], co: _Coords, panel: Panel, state: _Overprint, frame: bool = True) -> None:
    """The panel's tint, and (``frame``) its frame."""
    x, y = co.x(panel.x), co.y(panel.y + panel.height)
    if panel.fill is not None:
        _set_overprint(ops, state, overprints(panel.fill))
        ops += [f"{_cmyk(panel.fill)} k", f"n {fp(x)} {fp(y)} {fp(panel.width)} {fp(panel.height)} re f*"]
    if frame:
        _draw_frame(ops, co, panel, state)


def _draw_frame(ops: list[str], co: _Coords, panel: Panel, state: _Overprint) -> None:
    x, y = co.x(panel.x), co.y(panel.y + panel.height)
    if panel.stroke > 0:
        _set_overprint(ops, state, overprints(panel.color))
        ops += [f"{_cmyk(panel.color)} K", f"{fp(panel.stroke)} w",
                f"n {fp(x)} {fp(y)} {fp(panel.width)} {fp(panel.height)} re S"]
        if panel.inner > 0:
            d = panel.inner
            ops += [f"{fp(INNER_RULE)} w", f"n {fp(x + d)} {fp(y + d)} {fp(panel.width - 2 * d)} {fp(panel.height - 2 * d)} re S"]


def _cmyk(color: CMYK) -> str:
    return " ".join(fp(v) for v in color.fractions())


# Registration colour: 100 % of every ink is written as the colorant All, which marks every
# separation, spot plates included (ISO 32000-1 §8.6.6.4); its alternate, for composite output, is
# CMYK 1 1 1 1 (reportlab writes the /Separation resource with that tint transform).
REGISTRATION = CMYK(100, 100, 100, 100)


def _draw_rule(ops: list[str], co: _Coords, rule: Rule) -> bool:
    """Returns whether the rule is in registration colour (the page then needs the colorant All)."""
    registration = rule.color == REGISTRATION
    ops += ["/All CS 1 SCN" if registration else f"{_cmyk(rule.color)} K", f"{fp(rule.width)} w",
            f"n {fp(co.x(rule.x1))} {fp(co.y(rule.y1))} m {fp(co.x(rule.x2))} {fp(co.y(rule.y2))} l S"]
    return registration


def _glyphs_used(lines: tuple[TextLine, ...]) -> dict[str, dict[int, str]]:
    """Face -> glyph id -> the text it stands for (its first text that is not empty)."""
    used: dict[str, dict[int, str]] = {}
    face: str | None = None
    texts: dict[int, str] = {}
    # a page's ten thousand glyphs: their three fields taken by itemgetter, and the face's dict
    # looked up again only when the face changes (a run of glyphs is of one face)
    for line in lines:
        for g_face, gid, text in map(_FACE_GID_TEXT, line.glyphs):
            if gid == 0:
                continue  # never print .notdef; missing glyphs are reported by the composer
            if g_face != face:
                face = g_face
                texts = used.setdefault(face, {})
            if text and not texts.get(gid):
                texts[gid] = text
            elif gid not in texts:
                texts[gid] = ""
    return used


_FACE_GID_TEXT = itemgetter(0, 2, 4)  # pagetree.Glyph's face, gid, text


def _split(used: dict[str, dict[int, str]]) -> dict[str, tuple[dict[int, str], dict[int, str]]]:
    """Per face: the glyphs that have no text here, then those that do (so that dict.update, taken
    in reverse page order, leaves each glyph its first text that is not empty)."""
    return {face: ({g: t for g, t in texts.items() if not t}, {g: t for g, t in texts.items() if t})
            for face, texts in used.items()}


def _merged(per_chunk: list[dict[str, tuple[dict[int, str], dict[int, str]]]]) -> dict[str, dict[int, str]]:
    """The page's glyphs from each module's (_split), by the same rule as _glyphs_used: a glyph's
    first text that is not empty."""
    used: dict[str, dict[int, str]] = {}
    for face in dict.fromkeys(face for chunk in per_chunk for face in chunk):
        merged: dict[int, str] = {}
        parts = [chunk[face] for chunk in per_chunk if face in chunk][::-1]
        for textless, _ in parts:
            merged.update(textless)
        for _, texts in parts:
            merged.update(texts)
        used[face] = merged
    return used


def _kept_subsets(used: dict[str, dict[int, str]], faces: dict[str, FaceInfo], cache: DiskCache, memo: Memo
                  ) -> dict[str, EmbeddedFont]:
    """Each face's subset, from the session's memo when it made one for the same glyphs."""
    out: dict[str, EmbeddedFont] = {}
    for key in sorted(used):
        info, glyphs = faces[key], used[key]
        out[key] = memo(("subset", str(info.path), info.index, tuple(sorted(glyphs.items()))),
                        lambda: subset_font(info.path, glyphs, info.index, cache=cache))
    return out


# What starts a new text object: face, size, color, dy, scale_x, rotate (pagetree.Glyph's fields).
_RUN_KEY = itemgetter(0, 1, 5, 6, 7, 8)


def _text_operators(lines: tuple[TextLine, ...], fonts: dict[str, tuple[str, EmbeddedFont]], co: _Coords,
                    memo: Memo | None = None) -> list[str]:
    """The text's operators, one string per run of one article's lines (what a session keeps, and
    what the content stream compresses apart, _content_stream)."""
    texts: list[str] = []
    state: bool | None = None  # this stream is added after everything else: it sets its own state first
    steps: dict[tuple[str, float, float], _Steps] = {}  # this page's, by face, size and scale
    coded = [x for face in sorted(fonts) for x in _coded(*fonts[face])]
    for chunk in _chunks(lines):
        if memo is None:
            runs = tuple(run for line in chunk for run in _filled_runs(_line_runs(line, fonts, co, steps), fonts))
            text, state = _joined_runs(runs, state)
        else:  # a module's lines whole while they and every face's codes are unchanged, else line by line
            runs = memo(("chunk", co.bleed, co.media_h, len(coded), *coded, *chunk),
                        lambda: _chunk_runs(chunk, fonts, co, memo, coded, steps))
            text, state = memo(("chunk-text", runs, state), functools.partial(_joined_runs, runs, state))
        texts.append(text)
    return texts


def _joined_runs(runs: tuple[tuple[bool, str, bool], ...], state: bool | None) -> tuple[str, bool | None]:
    """The runs' operators, each preceded by the overprint state it needs when that changes;
    with the state they leave."""
    tracker = _Overprint()
    tracker.state = state
    ops: list[str] = []
    # right-to-left words last (_line_runs): each a text line of its own to a reader
    for overprint, run, _ in [r for r in runs if not r[2]] + [r for r in runs if r[2]]:
        op = tracker.switch(overprint)
        if op:
            ops.append(op)
        ops.append(run)
    return "\n".join(ops), tracker.state


def _chunks(lines: tuple[TextLine, ...]) -> list[tuple[TextLine, ...]]:
    """The page's lines in runs of one article (a module's lines come together; a session keeps
    a module's lines while it is not set again)."""
    return [tuple(run) for _, run in groupby(lines, key=attrgetter("article"))]


def _coded(name: str, font: EmbeddedFont) -> tuple[str, object]:
    """What a face's text operators depend on besides the lines: its resource name and its codes.
    Codes that are the face's glyph ids (fonts/subset.py: both our CFF faces and TrueType) are the
    same in every subset of the face, so a subset made again for a glyph new to the page leaves
    every other line's operators, and with them each module's compressed part of the content
    stream, as they were; other codes are those of the one subset."""
    return name, ("gid-codes" if font.gid_codes else font)


def _chunk_runs(chunk: tuple[TextLine, ...], fonts: dict[str, tuple[str, EmbeddedFont]], co: _Coords,
                memo: Memo, coded: list[object], steps: dict[tuple[str, float, float], "_Steps"]
                ) -> tuple[tuple[bool, str, bool], ...]:
    """``coded``: every face's resource name and codes (_coded), as the chunk's key has them."""
    out: list[tuple[bool, str, bool]] = []
    for line in chunk:
        # A line of a module set again (an edit's) is most often the same object, the page's
        # codes unchanged: its operators are found by the line itself, without the key by value
        # below (hashing the line's every glyph id).
        out += memo(("line-ops", line, co.bleed, co.media_h, *coded),
                    functools.partial(_line_ops, line, fonts, co, memo, steps))
    return tuple(out)


def _line_ops(line: TextLine, fonts: dict[str, tuple[str, EmbeddedFont]], co: _Coords, memo: Memo,
              steps: dict[tuple[str, float, float], "_Steps"]) -> tuple[tuple[bool, str, bool], ...]:
    # A line's runs as templates, glyph ids in place of codes: they depend only on the line and
    # its faces' advances, not on the subsets; the operators with the codes filled in are kept
    # while the line's faces keep their codes (_coded).
    runs = memo(("runs", line, co.bleed, co.media_h), lambda: _line_runs(line, fonts, co, steps))
    return memo(("ops", runs, *(x for face in dict.fromkeys(r[1] for r in runs) for x in _coded(*fonts[face]))),
                lambda: _filled_runs(runs, fonts))


def _filled_runs(runs: tuple[tuple[bool, str, "_RunTemplate", bool], ...], fonts: dict[str, tuple[str, EmbeddedFont]]
                 ) -> tuple[tuple[bool, str, bool], ...]:
    return tuple((overprint, _filled(template, *fonts[face]), rtl) for overprint, face, template, rtl in runs)


@record(frozen=True)
class _RunTemplate:
    """A text object with the font's resource name and the glyph codes left out: ``head``
    /name ``mid`` [items] TJ ``tail``, each item an adjustment (text) or a string's glyph ids."""

    head: str
    mid: str
    items: tuple[str | tuple[int, ...], ...]
    tail: str


def _filled(template: _RunTemplate, name: str, font: EmbeddedFont) -> str:
    # each glyph's code in hex as the subset made it once (EmbeddedFont.hex_codes): a run's
    # string joined from them (a page's 1 500 runs had each packed and hex-encoded apart)
    code = font.hex_codes.__getitem__
    tj = " ".join([item if item.__class__ is str else "<" + "".join(map(code, item)) + ">"
                   for item in template.items])
    return f"{template.head}/{name} {template.mid}[{tj}] TJ{template.tail}"


def _line_runs(line: TextLine, fonts: dict[str, tuple[str, EmbeddedFont]], co: _Coords,
               steps: dict[tuple[str, float, float], "_Steps"]) -> tuple[tuple[bool, str, _RunTemplate, bool], ...]:
    """A line's text objects, one per run of glyphs of one face, size and colour: whether it
    overprints, its face, its template, and whether it is right-to-left (_rtl_apart). ``steps``:
    the page's glyph advances by face, size and scale (_steps), filled as they are met."""
    out: list[tuple[bool, str, _RunTemplate, bool]] = []
    glyphs = [g for g in line.glyphs if g[2] != 0]  # pagetree.Glyph's gid, text by index: a page's
    parts = _rtl_apart(glyphs) if MAYBE_RTL.search("".join([g[4] for g in glyphs])) else ((glyphs, False),)
    x0, y0 = co.x(0), co.y(line.baseline)  # ten thousand glyphs
    for part, rtl in parts:
        for (face, size, color, dy, scale, rotate), run in groupby(part, key=_RUN_KEY):
            _, font = fonts[face]
            out.append((overprints(color), face, _run_template(list(run), _steps(steps, face, font, size, scale),
                                                               size, color, scale, x0, y0 + dy, rotate), rtl))
    return tuple(out)


def _rtl_apart(glyphs: list[Glyph]) -> tuple[tuple[list[Glyph], bool], ...]:
    """A line's glyphs, those of its right-to-left words (compose/bidi.py; a mark's glyph, its
    text "", goes with the letter before it) apart, all in visual order, left to right.
    _joined_runs draws them after the article's other lines, so a reader of the PDF (pdfium,
    as `check` and `diff` read it) takes each word as a line of its own and orders its letters
    itself; drawn among the line's Chinese, pdfium took the quotation mark after the word (or a
    line with more right-to-left words than Chinese runs, whole) as right-to-left, and read
    ” for “ (its mirrored character), reporting kinsoku that the page has not."""
    ltr: list[Glyph] = []
    rtl: list[Glyph] = []
    last = False
    for g in glyphs:
        last = MAYBE_RTL.search(g.text) is not None and strong_type(g.text) == "R" if g.text else last
        (rtl if last else ltr).append(g)
    return ((ltr, False), (sorted(rtl, key=_X), True))


_X = attrgetter("x")


def _run_template(run: list[Glyph], steps: "_Steps", size: float, color: CMYK, scale: float,
                  x0: float, y: float, rotate: int = 0) -> _RunTemplate:
    """``steps``: each glyph's advance at the run's size and scale (_Steps). A glyph's width is its
    face's advance for its glyph id, whatever the subset: the template holds for every subset of
    the face that has the run's glyphs."""
    items: list[str | tuple[int, ...]] = []
    pending: list[int] = []
    x_first = run[0][3]  # pagetree.Glyph's x (by index: a page's ten thousand glyphs)
    expected = x_first
    for g in run:
        gid, x = g[2], g[3]
        shift = x - expected  # extra space the composer put before this glyph, pt
        if pending and (shift > 0.001 or shift < -0.001):
            items.append(tuple(pending))
            items.append(_num(-shift * 1000 / (size * scale)))
            pending = []
        pending.append(gid)
        expected = x + steps[gid]
    items.append(tuple(pending))
    # Tz is text state and outlives ET (ISO 32000-1 §9.3.1): set it back for the next run.
    tz, reset = (f"{_num(scale * 100)} Tz ", " 100 Tz") if scale != 1.0 else ("", "")
    return _RunTemplate(_color_head(color),
                        f"{_num(size)} Tf {tz}{'0 -1 1 0' if rotate == 90 else '1 0 0 1'} "
                        f"{_num(x0 + x_first)} {_num(y)} Tm ", tuple(items), f"{reset} ET")


class _Steps(dict):
    """Glyph id -> its advance in pt at one size and horizontal scale, in the face's subset
    (``widths.get(codes[gid], 1000) * size * scale / 1000``, the expression a glyph's advance was
    always computed by), each worked out on its first glyph."""

    def __init__(self, font: EmbeddedFont, size: float, scale: float) -> None:
        super().__init__()
        self.font, self.size, self.scale = font, size, scale

    def __missing__(self, gid: int) -> float:
        step = self[gid] = self.font.widths.get(self.font.codes[gid], 1000) * self.size * self.scale / 1000
        return step


def _steps(steps: dict[tuple[str, float, float], _Steps], face: str, font: EmbeddedFont, size: float,
           scale: float) -> _Steps:
    """The face's _Steps at this size and scale from ``steps`` (one page's: a page has a few
    dozen), made on the first run that asks."""
    key = (face, size, scale)
    found = steps.get(key)
    if found is None or found.font is not font:
        found = steps[key] = _Steps(font, size, scale)
    return found


@functools.lru_cache(maxsize=256)
def _color_head(color: CMYK) -> str:
    """A run's first operators, its fill colour: a page's runs have a handful of colours."""
    c, m, yy, k = color.fractions()
    return f"BT {_num(c)} {_num(m)} {_num(yy)} {_num(k)} k "


# Kept by value (a page writes some 4 500 numbers, most of them again: sizes, baselines, the same
# adjustments); equal values write the same text (0.0 and -0.0 both "0"), so an entry made for one
# serves the other.
@functools.lru_cache(maxsize=65536)
def _num(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
