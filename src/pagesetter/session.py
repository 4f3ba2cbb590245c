"""An incremental build of one page: a long-lived session that redoes only what an edit touched.

``Session(spec_path).build(out_dir)`` returns what ``build_page`` returns and writes the same bytes
(tests/test_session.py compares them after random edits), but keeps, between builds, everything
that depends only on inputs that did not change:

- the page spec and font manifest, while the spec, its style sheets, the manifest and the font
  files are unchanged (text files compared by content, fonts by inode, size and modification time);
- each article, read and normalised, while its file's bytes, its photos and the project folder
  are unchanged: an unchanged article stays the same object, which is what the memos below key on;
- the faces and their composition memo (compose/memo.py) in memory, never saved and loaded
  through the disk cache between builds;
- through one identity memo (incremental.py): each line and paragraph of an article as scanned,
  each article's glyph check, each module's flow (composition, fitting, placing) and the variant
  its fitting chose, each article's source map, font subsets per glyph set, prepared photos, each
  page line's text operators, each article's compressed part of the content stream, and the
  written bytes of the PDF's font and photo objects (render/writer.py).

A one-article edit thus reads one file and scans its changed lines, sets one paragraph, flows
one module (its fitting's trials only when the body's lines changed in count or kind), writes and
compresses the text operators of that module's lines (and of the lines whose face subset
changed), and assembles the page from bytes already written.

Editions are not sessions (edition.py builds their pages on several cores); ``serve`` uses a
session for a single page.
"""

from __future__ import annotations

import os
import stat
from dataclasses import field
from pathlib import Path

from pagesetter.build import (BuildResult, article_path, build_loaded, load_memo, load_page_spec,
                              wanted_articles)
from pagesetter.cache import DiskCache, default_cache
from pagesetter.content.model import Article, Change
from pagesetter.content.normalise import normalise_article
from pagesetter.content.reader import read_article
from pagesetter.errors import Loc
from pagesetter.fonts.face import FaceSet
from pagesetter.fonts.manifest import FaceInfo
from pagesetter.incremental import IdentityMemo
from pagesetter.paths import inside
from pagesetter.records import record
from pagesetter.spec.model import PageSpec

Stamp = tuple[object, ...]
# What the session keeps for a few builds after its last use: font subsets and their written,
# compressed objects (and the compressed parts of their programs), each module's glyphs, the text
# operators written with their codes and their compressed and hashed parts of the content stream
# (render/pdf.py): the costliest to make again, and they come back as an editor goes back and
# forth between wordings.
LASTING = frozenset({"subset", "subsets", "used-canon", "flate", "font-part", "font-pdf", "ops", "chunk",
                     "chunk-text", "deflate", "digest-text"})


def text_stamp(path: Path) -> Stamp:
    """A small text input (spec, style sheet, manifest, article) by its bytes: an edit that keeps the
    size within the file system's time resolution is still seen."""
    try:
        return ("bytes", path.read_bytes())
    except OSError:
        return ("missing",)


def file_stamp(path: Path) -> Stamp:
    """A large input (a font, a photo) by inode, size and modification time, not read."""
    try:
        st = path.stat()
    except OSError:
        return ("missing",)
    return ("stat", st.st_ino, st.st_size, st.st_mtime_ns)


@record
class _Loaded:
    """The spec and manifest as last read, with what they were read from."""

    spec: PageSpec
    manifest: dict[str, FaceInfo]
    stamps: tuple[tuple[Path, Stamp], ...]


@record
class _Read:
    """An article as last read and normalised, with its file's and photos' stamps."""

    article: Article
    changes: tuple[Change, ...]
    stamps: tuple[tuple[Path, Stamp], ...]
    context: tuple[object, ...]  # the project folder and allowed folders it was read against


@record
class Session:
    """Builds of one page spec that reuse what the inputs left unchanged. Not thread-safe: one
    build at a time (serve builds in one thread)."""

    spec_path: Path
    cache: DiskCache = field(default_factory=default_cache)
    _loaded: _Loaded | None = None
    _articles: dict[Path, _Read] = field(default_factory=dict)
    _faces: FaceSet | None = None
    _faces_key: tuple = ()
    _faces_manifest: dict[str, FaceInfo] | None = None
    _memo: IdentityMemo = field(default_factory=lambda: IdentityMemo(LASTING))

    def build(self, out_dir: Path, *, allow_overset: bool = False, proof: bool = False,
              durable: bool = False, refused: str = "") -> BuildResult:
        """As ``build_page(spec_path, out_dir, ...)``: the same result, the same PDF bytes. The PDF
        replaces the old one atomically but, unless ``durable``, is not synced to disk first (as
        Typst writes its PDF): a session's page is made again on the next change. ``refused``: the
        gate's mark for its slug (build.REFUSED_SLUGS), as build_page's."""
        spec, manifest = self._spec()
        articles: dict[str, Article] = {}
        changes: list[Change] = []
        for name, loc in wanted_articles(spec):
            article, changed = self._article(spec, name, loc)
            articles[name] = article
            changes += changed
        faces, memo_key = self._faces_for(manifest, spec)
        try:
            return build_loaded(spec, manifest, articles, tuple(changes), faces, out_dir,
                                allow_overset=allow_overset, proof=proof, cache=self.cache, memo_key=memo_key,
                                memo=self._memo, durable=durable, refused=refused)
        finally:
            # keep only what this build used: the session stays the size of one page
            self._memo.sweep()
            _trim(faces)

    def _spec(self) -> tuple[PageSpec, dict[str, FaceInfo]]:
        loaded = self._loaded
        if loaded is not None and all(_stamp(path) == stamp for path, stamp in loaded.stamps):
            return loaded.spec, loaded.manifest
        self._loaded = None
        spec, manifest = load_page_spec(self.spec_path)
        files = [Path(self.spec_path), *spec.sources, spec.fonts_manifest,
                 *(face.path for face in manifest.values())]
        if spec.masthead is not None and spec.masthead.name.logo is not None:
            files.append(spec.masthead.name.logo)
        # stamps taken after the read: a file changed meanwhile is read again next time
        self._loaded = _Loaded(spec, manifest, tuple((path, _stamp(path)) for path in dict.fromkeys(files)))
        return spec, manifest

    def _article(self, spec: PageSpec, name: str, loc: Loc) -> tuple[Article, tuple[Change, ...]]:
        path = self._article_path(spec, name, loc)
        context = (spec.root, spec.allowed)
        kept = self._articles.get(path)
        if kept is not None and kept.context == context and all(_stamp(p) == s for p, s in kept.stamps):
            return kept.article, kept.changes
        self._articles.pop(path, None)
        stamp = text_stamp(path)
        article, changed = normalise_article(read_article(path, spec.root, spec.allowed, self._memo), self._memo)
        photos = [file for photo in article.photos for file in photo.files]
        read = _Read(article, tuple(changed), ((path, stamp), *((p, file_stamp(p)) for p in photos)), context)
        self._articles[path] = read
        return read.article, read.changes

    def _article_path(self, spec: PageSpec, name: str, loc: Loc) -> Path:
        """As build.article_path, without resolving the file's path at every build: a regular file
        (not a link) in the content folder is inside the project when the folder is, and the
        folder is judged once per spec as read. Anything else takes article_path's checks."""
        path = spec.content_dir / f"{name}.md"
        try:
            regular = stat.S_ISREG(os.lstat(path).st_mode)
        except OSError:
            regular = False
        if regular and self._memo(("content-inside", spec), lambda: inside(spec.content_dir, spec.root, spec.allowed)):
            return path
        return article_path(spec, name, loc)

    def _faces_for(self, manifest: dict[str, FaceInfo], spec: PageSpec) -> tuple[FaceSet, str | None]:
        """The session's faces and composition memo, while the manifest's faces are unchanged. The
        first build fills the memo from the disk cache and saves it back (``memo_key``), so a later
        command-line build profits; after that the memo lives in memory only."""
        if self._faces is not None and manifest is self._faces_manifest:
            # the manifest as last read: its font files' stamps (_spec) are unchanged, so are the
            # faces, without resolving and stating each file again for the fingerprint
            return self._faces, None
        faces = FaceSet(manifest)
        key = faces.fingerprint()
        self._faces_manifest = manifest
        if self._faces is not None and key == self._faces_key:
            return self._faces, None
        self._faces, self._faces_key = faces, key
        faces.placed = self._memo
        return faces, load_memo(faces, spec.path, self.cache)


# Set paragraphs and headlines kept in memory beyond those the last build asked for: the wordings
# since edited, each a few tens of KB. Past that the memo keeps only what the last build asked for
# (a module taken whole from the session asks for none of its lines: it sets them again, once).
MEMO_SLACK = 2_000


def _trim(faces: FaceSet) -> None:
    memo = faces.memo
    if len(memo.entries) > len(memo.used) + MEMO_SLACK:
        memo.entries = memo.used_entries()  # a module taken whole sets its lines again, once
    memo.used = set()


def _stamp(path: Path) -> Stamp:
    """Text inputs by content, binary ones (fonts, photos, logos) by their file's identity."""
    return text_stamp(path) if path.suffix.lower() in TEXT_SUFFIXES else file_stamp(path)


TEXT_SUFFIXES = frozenset({".yaml", ".yml", ".md", ".json", ".txt"})
