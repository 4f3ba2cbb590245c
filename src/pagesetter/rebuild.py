"""A build whose inputs have not changed is not done again (as make does).

Every successful build of a page records, in the build cache (cache.py), each file it read with
its digest, the files it wrote and the report it printed. The next build of the same spec with the
same options first compares those digests with the files as they are now: the spec and its style
sheets, the font manifest and font files, the articles and their photos; the engine's own code,
the libraries it draws with and SOURCE_DATE_EPOCH are in the key. All the same: the recorded files
are written again and nothing is set. Anything different, missing or unreadable: a full build.

Only this module, the cache and the standard library are imported to decide, so an unchanged page
costs the start of Python and the reading of its inputs. In an edition, each page that continues
no article from an earlier page is recorded and replayed the same way, with its layout (the lines
it sends on by a jump included); a page that continues one always builds, from what is sent.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from importlib.util import find_spec
from pathlib import Path
from types import MappingProxyType
from collections.abc import Mapping  # not typing: a replay imports no typing (tests/test_startup_imports.py)

from pagesetter.cache import DiskCache, file_fingerprint, key_of, unpickle
from pagesetter.paths import open_regular, write_atomically
from pagesetter.records import record

# Libraries whose output goes into the PDF: a new version may write other bytes. Known by their
# installed files (found, not imported: importlib.metadata alone would cost a tenth of a second).
LIBRARIES = ("reportlab", "pikepdf", "PIL", "uharfbuzz", "fontTools", "yaml")
# An input saved less than this before a build started is not trusted to be the one it read, on a
# file system that keeps times to the second (or two: FAT); such a build is not recorded.
SETTLE_NS = 2_000_000_000
# The same on one that keeps finer times: a file's time is taken from the kernel's coarse clock,
# which may lag the time.time_ns() a build starts with by a clock tick (1-10 ms).
SETTLE_FINE_NS = 100_000_000
# Big, read-only files: known by path, size and modification time, as the other caches know them.
BY_STAT = (".otf", ".ttf", ".ttc", ".otc")


@record(frozen=True)
class Recorded:
    inputs: tuple[tuple[str, str], ...]  # (file, digest) of every file the build read
    # What the build made, pickled: a page's files and report, an edition page's layout and PDF.
    # Kept as bytes so that an edition worker pickles its page once, for this record and for the
    # way back to the main process, and a replayed page is passed on without being read.
    payload: bytes


@record(frozen=True)
class PageFiles:
    """What a page build leaves: its files and the report it printed."""

    outputs: tuple[tuple[str, bytes], ...]  # (file name in the output folder, contents)
    report: object  # proof.report.PageReport: what the build printed after its first line

    @classmethod
    def of(cls, outputs: dict[str, Path], report: object) -> "PageFiles":
        return cls(tuple((name, path.read_bytes()) for name, path in outputs.items()),
                   report)


def job_key(spec: Path, options: tuple[object, ...]) -> str:
    return key_of("job", str(spec.resolve()), options, os.environ.get("SOURCE_DATE_EPOCH"), _library_versions())


def lookup(cache: DiskCache, key: str) -> object | None:
    """The value recorded under ``key`` when every input is as it was, else None."""
    payload = lookup_payload(cache, key)
    return None if payload is None else unpickled(payload)


def lookup_payload(cache: DiskCache, key: str) -> bytes | None:
    """The value recorded under ``key``, still pickled, when every input is as it was, else None."""
    found = cache.get_object("job", key)
    if not isinstance(found, Recorded) or not isinstance(getattr(found, "payload", None), bytes):
        return None
    if not all(_digest(Path(name)) == digest for name, digest in found.inputs):
        return None
    return found.payload


def unpickled(payload: bytes) -> object | None:
    """A recorded value; None (a miss: build again) for one that does not load. Loaded as every
    record is, by cache.unpickle: pagesetter's own record types only, never code."""
    return unpickle(payload)


def record(cache: DiskCache, key: str, inputs: tuple[Path, ...], value: object, started_ns: int,
           known: Mapping[Path, str] = MappingProxyType({})) -> None:
    """Keep what the build made (``record_payload``)."""
    record_payload(cache, key, inputs, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), started_ns, known)


def record_payload(cache: DiskCache, key: str, inputs: tuple[Path, ...], payload: bytes, started_ns: int,
                   known: Mapping[Path, str] = MappingProxyType({})) -> None:
    """Keep what the build made, pickled, unless an input may have changed while it ran (saved
    after it started, or just before on a file system with coarse times): its digest now might not
    be what was read. ``known``: the SHA-256 of inputs the build hashed as it read them (its
    photos, for the photo cache): not read again (an input changed since is caught by its time)."""
    try:
        if any(_racy(p.stat().st_mtime_ns, started_ns) for p in inputs):
            return
    except OSError:
        return
    cache.put_object("job", key, Recorded(tuple((str(p), _known_digest(p, known)) for p in inputs), payload))


def _racy(mtime_ns: int, started_ns: int) -> bool:
    """Whether a file saved at ``mtime_ns`` may have been saved after a build that started at
    ``started_ns`` read it. Its time's own resolution decides how close is too close: a time that is
    a whole number of seconds may stand for any moment up to two seconds later (SETTLE_NS), a finer
    one for itself (SETTLE_FINE_NS). A fine time that happens to be whole is taken for a coarse
    one: a build not recorded, never a wrong one recorded. An input saved just before a project's
    first build (bench/project.py, then a cold build) is recorded once the window has passed."""
    resolution = 1
    while resolution < 1_000_000_000 and mtime_ns % (resolution * 10) == 0:
        resolution *= 10
    settle = SETTLE_NS if resolution >= 1_000_000_000 else max(SETTLE_FINE_NS, 2 * resolution)
    return mtime_ns >= started_ns - settle


def replay(found: PageFiles, out_dir: Path) -> list[Path]:
    written = []
    for name, data in found.outputs:
        write_atomically(out_dir / name, data)
        written.append(out_dir / name)
    return written


def _known_digest(path: Path, known: Mapping[Path, str]) -> str:
    """``_digest`` of the file, or the build's own of it (the same value: SHA-256 of its bytes)."""
    found = known.get(path) if path.suffix.lower() not in BY_STAT else None
    return found if found is not None else _digest(path)


def _digest(path: Path) -> str:
    try:
        if path.suffix.lower() in BY_STAT:
            return repr(file_fingerprint(path))
        with open_regular(path) as fh:  # an input since replaced by a FIFO must not block the lookup
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return "missing"


@functools.lru_cache(maxsize=1)  # the installed files do not change while a build runs
def _library_versions() -> tuple[tuple[str, str], ...]:
    out = []
    for name in LIBRARIES:
        spec = find_spec(name)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        out.append((name, repr(file_fingerprint(origin)) if origin is not None and origin.is_file() else "none"))
    return tuple(out)
