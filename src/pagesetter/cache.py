"""A disk cache for work that gives the same result for the same inputs: font subsets, photos
prepared for print, lines already composed.

Where: ``$PAGESETTER_CACHE`` when set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/pagesetter``, else ``~/.cache/pagesetter``. An entry's name is the SHA-256
of everything its result depends on, the engine's own code included (``code_fingerprint``), so
a new version or an edited source file never reads an old result. Each entry carries the digest
of its payload: a torn or corrupt entry is detected, removed and rebuilt. Entries are written to a
temporary file and renamed into place, so concurrent builds never see half an entry; two builds
writing the same entry write the same bytes. A cache that cannot be written (read-only home)
costs speed, never a build.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAGIC = b"pagesetter-cache-1\n"
DIGEST = 32  # bytes of SHA-256
# Prune the oldest entries when the cache grows past this (a page's fonts and photos take ~3 MB).
MAX_BYTES = 512 * 1024 * 1024
# ...looking at most this often (seconds): a look lists every entry.
PRUNE_EVERY = 3600
PRUNE_MARK = ".last-pruned"


@dataclass(frozen=True)
class DiskCache:
    root: Path | None  # None: caching is off

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def _path(self, kind: str, key: str) -> Path:
        assert self.root is not None
        return self.root / kind / key[:2] / key

    def get(self, kind: str, key: str) -> bytes | None:
        """The payload stored under ``key``, or None when absent or corrupt (a corrupt entry is removed)."""
        if self.root is None:
            return None
        path = self._path(kind, key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        head = len(MAGIC) + DIGEST
        payload = blob[head:]
        if blob[:len(MAGIC)] != MAGIC or hashlib.sha256(payload).digest() != blob[len(MAGIC):head]:
            path.unlink(missing_ok=True)
            return None
        return payload

    def put(self, kind: str, key: str, payload: bytes) -> None:
        if self.root is None:
            return
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(MAGIC + hashlib.sha256(payload).digest() + payload)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a full disk or a read-only cache folder slows the next build, nothing more

    def get_object(self, kind: str, key: str) -> Any | None:
        """A pickled object. Only our own entries are read, written by this same code (the key holds
        ``code_fingerprint``); anything that fails to load counts as a miss."""
        payload = self.get(kind, key)
        if payload is None:
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # an entry from a damaged write that still matched its digest: rebuild
            return None

    def put_object(self, kind: str, key: str, value: Any) -> None:
        self.put(kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def prune_if_due(self, max_bytes: int = MAX_BYTES, now: float | None = None) -> int:
        """prune() when the last look is more than PRUNE_EVERY seconds old (a mark file's time)."""
        if self.root is None or not self.root.is_dir():
            return 0
        mark = self.root / PRUNE_MARK
        now = time.time() if now is None else now
        try:
            if now - mark.stat().st_mtime < PRUNE_EVERY:
                return 0
        except OSError:
            pass
        try:
            mark.touch()
            os.utime(mark, (now, now))
        except OSError:
            return 0
        return self.prune(max_bytes)

    def prune(self, max_bytes: int = MAX_BYTES) -> int:
        """Remove the least recently written entries until the cache is under ``max_bytes``; returns
        how many were removed."""
        if self.root is None or not self.root.is_dir():
            return 0
        entries = []
        for path in self.root.rglob("*"):
            try:
                st = path.stat()
            except OSError:
                continue
            if path.is_file() and path.name != PRUNE_MARK:
                entries.append((st.st_mtime_ns, st.st_size, path))
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):
            if total <= max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed


def default_cache(environ: dict[str, str] | None = None) -> DiskCache:
    env = os.environ if environ is None else environ
    chosen = env.get("PAGESETTER_CACHE", "").strip()
    if chosen.lower() in ("off", "0", "no", "false"):
        return DiskCache(None)
    if chosen:
        return DiskCache(Path(chosen))
    base = env.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base else Path.home() / ".cache"
    return DiskCache(root / "pagesetter")


def key_of(*parts: object) -> str:
    """A cache key: SHA-256 over the parts' reprs and this engine's code."""
    h = hashlib.sha256(code_fingerprint().encode())
    for part in parts:
        h.update(b"\0")
        h.update(repr(part).encode("utf-8"))
    return h.hexdigest()


def file_fingerprint(path: Path) -> tuple[str, int, int]:
    """Identity of a large input (a 20 MB font) without reading it: path, size and modification time."""
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (photos: a few MB, hashed in milliseconds)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of every file of the installed package (code, colour profiles): results made by other
    code are never reused."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()
