"""A disk cache for work that gives the same result for the same inputs: font subsets, photos
prepared for print, lines already composed, whole builds (rebuild.py).

Where: the folder ``pagesetter-cache-v2`` inside ``$PAGESETTER_CACHE`` when set (``off`` turns the
cache off), else inside ``$XDG_CACHE_HOME/pagesetter``, else ``~/.cache/pagesetter``. That folder
is the cache's own (it carries a CACHEDIR.TAG): the chosen folder may hold anything else, and the
cache reads, writes and prunes only entries it named, ``<kind>/<2 hex>/<64 hex key>``, in there.

An entry's name is the SHA-256 of everything its result depends on, the engine's own code included
(``code_fingerprint``), so a new version or an edited source file never reads an old result.

Builds run on shared machines, so an entry is trusted only because this user made it:
- the folder is created 0700 and its files 0600; a folder that is not a directory of this user,
  or that others may write to, is not used at all (the build runs as with the cache off);
- each entry is sealed with HMAC-SHA256 under a random key kept in the folder (made once, 0600):
  an entry planted or resealed by anyone without the key is a miss, removed and rebuilt;
- payloads are pickles, loaded by ``unpickle`` only, which builds nothing but pagesetter's own
  record types (dataclasses, named tuples, enums) and a few plain standard types: even an entry
  sealed with a stolen key can call no function and run no code.
Every operation opens the folder afresh and works relative to that descriptor, so a folder swapped
by someone else after the check is never written to or read from.

Entries are written to a temporary file and renamed into place, so concurrent builds never see half
an entry; two builds writing the same entry write the same bytes. A cache that cannot be written
(read-only home) costs speed, never a build.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import hmac
import importlib
import io
import os
import pickle
import re
import stat
import time
from collections import namedtuple
from pathlib import Path

from pagesetter.paths import open_regular
from pagesetter.records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (an unchanged page's replay never needs it)
if TYPE_CHECKING:
    from typing import Any, Iterator

FOLDER = "pagesetter-cache-v2"  # the cache's own folder inside the chosen one; a new format, a new name
MAGIC = b"pagesetter-cache-2\n"
SEAL = 32  # bytes of HMAC-SHA256
KEY_FILE = "key"
KEY_BYTES = 32
TAG_FILE = "CACHEDIR.TAG"
# https://bford.info/cachedir/: backup and sync tools skip a folder holding this file
TAG_TEXT = (b"Signature: 8a477f597d28d172789f06886806bc55\n"
            b"# This file is a cache directory tag created by pagesetter (its build cache, format 2).\n"
            b"# For information about cache directory tags see https://bford.info/cachedir/\n")
# Prune the oldest entries when the cache grows past this (a page's fonts and photos take ~3 MB).
MAX_BYTES = 512 * 1024 * 1024
# ...looking at most this often (seconds): a look lists every entry.
PRUNE_EVERY = 3600
PRUNE_MARK = ".last-pruned"

# The only names the cache makes: nothing else in its folder is read, counted or removed.
KIND_NAME = re.compile(r"[a-z]{1,32}")
KEY_NAME = re.compile(r"[0-9a-f]{64}")
SHARD_NAME = re.compile(r"[0-9a-f]{2}")
TEMP_NAME = re.compile(r"\.[0-9a-f]{64}\.[0-9a-f]{16}\.tmp")  # a write a killed build left

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


@record(frozen=True)
class DiskCache:
    root: Path | None  # the folder chosen for the cache; None: caching is off

    @property
    def enabled(self) -> bool:
        return self.root is not None

    @property
    def folder(self) -> Path | None:
        """The cache's own folder, where every entry lives."""
        return None if self.root is None else self.root / FOLDER

    def get(self, kind: str, key: str) -> bytes | None:
        """The payload stored under ``key``; None when absent, or when not sealed by this user's key
        (corrupt, planted or resealed: the entry is removed)."""
        if self.root is None or not _named(kind, key):
            return None
        with _own_folder(self.folder, create=False) as fd:
            secret = _secret(fd, create=False) if fd is not None else None
            if fd is None or secret is None:
                return None
            found = _read(fd, _entry(kind, key), len(MAGIC) + SEAL)
            if found is None:
                return None
            head, payload = found
            if head[:len(MAGIC)] != MAGIC or not hmac.compare_digest(head[len(MAGIC):],
                                                                      _seal(secret, kind, key, payload)):
                _remove(fd, _entry(kind, key))
                return None
            return payload

    def put(self, kind: str, key: str, payload: bytes) -> None:
        if self.root is None or not _named(kind, key):
            return
        with _own_folder(self.folder, create=True) as fd:
            secret = _secret(fd, create=True) if fd is not None else None
            if fd is None or secret is None:
                return
            try:
                _write_entry(fd, kind, key, (MAGIC, _seal(secret, kind, key, payload), payload))
            except OSError:
                return  # a full disk or a read-only cache folder slows the next build, nothing more

    def forget(self, kind: str, key: str) -> None:
        """Remove one entry (one that was sealed but does not load)."""
        if self.root is None or not _named(kind, key):
            return
        with _own_folder(self.folder, create=False) as fd:
            if fd is not None:
                _remove(fd, _entry(kind, key))

    def get_object(self, kind: str, key: str) -> Any | None:
        """A pickled record, loaded by ``unpickle``; anything that fails to load is removed and
        counts as a miss."""
        payload = self.get(kind, key)
        if payload is None:
            return None
        found = unpickle(payload)
        if found is None:
            self.forget(kind, key)
        return found

    def put_object(self, kind: str, key: str, value: Any) -> None:
        if self.root is None:  # caching off (--no-cache): not pickled for nothing (a page's memo, ~7 ms)
            return
        self.put(kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def prune_if_due(self, max_bytes: int = MAX_BYTES, now: float | None = None) -> int:
        """prune() when the last look is more than PRUNE_EVERY seconds old (a mark file's time)."""
        now = time.time() if now is None else now
        with _own_folder(self.folder, create=False) as fd:
            if fd is None or not _mark_if_due(fd, now):
                return 0
        return self.prune(max_bytes)

    def prune(self, max_bytes: int = MAX_BYTES) -> int:
        """Remove the least recently written entries until the cache's entries take no more than
        ``max_bytes``; returns how many were removed. Only entries count: any other file, in the
        chosen folder or in the cache's own, is neither counted nor touched."""
        with _own_folder(self.folder, create=False) as fd:
            if fd is None:
                return 0
            stale_before = time.time_ns() - PRUNE_EVERY * 10**9
            entries = []
            for found in _own_files(fd):
                if found.temporary and found.mtime_ns < stale_before:
                    _remove(fd, found.path)  # a write a killed build never finished
                elif not found.temporary:
                    entries.append(found)
            total = sum(e.size for e in entries)
            removed = 0
            for entry in sorted(entries):
                if total <= max_bytes:
                    break
                _remove(fd, entry.path)
                total -= entry.size
                removed += 1
            return removed


# mtime_ns: int, size: int, path: str (relative to the cache's folder), temporary: bool. A
# collections namedtuple, not typing.NamedTuple: typing is not imported to replay a page.
_OwnFile = namedtuple("_OwnFile", ["mtime_ns", "size", "path", "temporary"])


def _named(kind: str, key: str) -> bool:
    """Entries have names the cache makes and no other: no caller can reach outside its folder."""
    return KIND_NAME.fullmatch(kind) is not None and KEY_NAME.fullmatch(key) is not None


def _entry(kind: str, key: str) -> str:
    return f"{kind}/{key[:2]}/{key}"


def _seal(secret: bytes, kind: str, key: str, payload: bytes) -> bytes:
    """HMAC-SHA256 of the entry's place and payload: only this user's key makes it, and an entry
    moved to another name does not match (as cheap as the SHA-256 it replaces)."""
    mac = hmac.new(secret, f"{kind}/{key}\0".encode(), hashlib.sha256)
    mac.update(payload)
    return mac.digest()


@contextlib.contextmanager
def _own_folder(folder: Path | None, create: bool) -> Iterator[int | None]:
    """A descriptor of the cache's folder when it is this user's and private (made so when
    ``create`` and absent); None otherwise, and the cache is off for this operation."""
    fd = _open_folder(folder, create) if folder is not None else None
    try:
        yield fd if fd is not None and _trusted(os.fstat(fd)) else None
    finally:
        if fd is not None:
            os.close(fd)


def _open_folder(folder: Path, create: bool) -> int | None:
    try:
        return os.open(folder, _DIR_FLAGS)  # not through a symlink: the folder itself
    except FileNotFoundError:
        if not create:
            return None
    except OSError:
        return None
    try:
        # The chosen folder, when it is new, is private too; when it exists it is left as it is.
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.mkdir(folder, 0o700)  # umask can only take bits away: never more than the owner's
    except FileExistsError:
        pass  # another build made it at the same moment
    except OSError:
        return None
    try:
        fd = os.open(folder, _DIR_FLAGS)
    except OSError:
        return None
    if _trusted(os.fstat(fd)):
        _write_new(fd, TAG_FILE, TAG_TEXT)
    return fd


def _trusted(st: os.stat_result) -> bool:
    """A directory of this user that nobody else can write to: then every file in it is ours."""
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & 0o022


def _secret(fd: int, create: bool) -> bytes | None:
    """This cache's key: read from its key file (made when absent and ``create``); None when there
    is none or it is not a private file of this user's."""
    try:
        st = os.stat(KEY_FILE, dir_fd=fd, follow_symlinks=False)
    except FileNotFoundError:
        if not create:
            return None
        _make_key(fd)
        try:
            st = os.stat(KEY_FILE, dir_fd=fd, follow_symlinks=False)
        except OSError:
            return None
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
        return None
    if st.st_size != KEY_BYTES:  # a key file cut short (a crash as it was made): no entry can match
        if create:
            _make_key(fd, replace=True)
        return None
    return _key_bytes(fd, (st.st_dev, st.st_ino, st.st_mtime_ns))


# The key of each key file this process has read (by device, inode and time): a build opens the
# cache a few dozen times, and reads the key once.
_KEYS: dict[tuple[int, int, int], bytes] = {}


def _key_bytes(fd: int, identity: tuple[int, int, int]) -> bytes | None:
    known = _KEYS.get(identity)
    if known is not None:
        return known
    try:
        key_fd = os.open(KEY_FILE, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
    except OSError:
        return None
    with os.fdopen(key_fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        data = fh.read(KEY_BYTES + 1)
    if (st.st_dev, st.st_ino, st.st_mtime_ns) != identity or len(data) != KEY_BYTES:
        return None  # replaced since it was looked at: the next operation reads the new one
    _KEYS[identity] = data
    return data


def _make_key(fd: int, replace: bool = False) -> None:
    """A new random key, whole or not at all: written to a file of its own (O_CREAT|O_EXCL, 0600)
    and then linked to its name, so a build running at the same moment never reads half a key;
    when two make one, the first link wins and both use it."""
    import secrets  # here: only a cache being written needs it (a replay reads)

    tmp = f".key.{secrets.token_hex(8)}.tmp"
    if not _write_new(fd, tmp, secrets.token_bytes(KEY_BYTES)):
        return
    try:
        if replace:
            os.replace(tmp, KEY_FILE, src_dir_fd=fd, dst_dir_fd=fd)
        else:
            os.link(tmp, KEY_FILE, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
    except OSError:
        pass  # FileExistsError: another build made it first
    finally:
        _remove(fd, tmp)


def _write_new(fd: int, name: str, data: bytes) -> bool:
    """A new file (never an existing one, never through a symlink), readable by this user only."""
    try:
        out = os.open(name, _NEW_FILE_FLAGS, 0o600, dir_fd=fd)
    except OSError:
        return False
    try:
        with os.fdopen(out, "wb") as fh:
            fh.write(data)
    except OSError:
        _remove(fd, name)
        return False
    return True


def _write_entry(fd: int, kind: str, key: str, parts: tuple[bytes, ...]) -> None:
    """Write to a temporary file beside the entry and rename it into place."""
    import secrets  # here: only a cache being written needs it (a replay reads)

    for folder in (kind, f"{kind}/{key[:2]}"):
        try:
            os.mkdir(folder, 0o700, dir_fd=fd)
        except FileExistsError:
            pass
    tmp = f"{kind}/{key[:2]}/.{key}.{secrets.token_hex(8)}.tmp"
    out = os.open(tmp, _NEW_FILE_FLAGS, 0o600, dir_fd=fd)
    try:
        with os.fdopen(out, "wb") as fh:
            for part in parts:
                fh.write(part)
        os.replace(tmp, _entry(kind, key), src_dir_fd=fd, dst_dir_fd=fd)
    except BaseException:
        _remove(fd, tmp)
        raise


def _read(fd: int, path: str, head: int) -> tuple[bytes, bytes] | None:
    """An entry's first ``head`` bytes and the rest, read apart (not a copy of a slice: photos
    and fonts are megabytes)."""
    try:
        entry = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
    except OSError:
        return None
    with os.fdopen(entry, "rb") as fh:
        try:
            return fh.read(head), fh.read()
        except OSError:
            return None


def _remove(fd: int, path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path, dir_fd=fd)


def _mark_if_due(fd: int, now: float) -> bool:
    """Is a prune due (the mark is older than PRUNE_EVERY, or absent)? If so the mark is set to now."""
    try:
        if now - os.stat(PRUNE_MARK, dir_fd=fd, follow_symlinks=False).st_mtime < PRUNE_EVERY:
            return False
    except OSError:
        pass
    try:
        mark = os.open(PRUNE_MARK, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=fd)
    except OSError:
        return False
    try:
        os.utime(mark, (now, now))
    except OSError:
        return False
    finally:
        os.close(mark)
    return True


def _own_files(fd: int) -> Iterator[_OwnFile]:
    """The entries (and left-over temporary files) of the cache's folder: regular files with the
    names the cache gives them, two levels down; symlinks are not followed."""
    for top, dirs, files, top_fd in os.fwalk(".", dir_fd=fd, follow_symlinks=False):
        depth = 0 if top == "." else top.count("/")
        if depth == 0:
            dirs[:] = [d for d in dirs if KIND_NAME.fullmatch(d)]
            continue
        if depth == 1:
            dirs[:] = [d for d in dirs if SHARD_NAME.fullmatch(d)]
            continue
        dirs[:] = []
        shard = top.rsplit("/", 1)[1]
        for name in files:
            temporary = TEMP_NAME.fullmatch(name) is not None and name[1:3] == shard
            if not temporary and not (KEY_NAME.fullmatch(name) and name[:2] == shard):
                continue
            try:
                st = os.stat(name, dir_fd=top_fd, follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                yield _OwnFile(st.st_mtime_ns, st.st_size, f"{top[2:]}/{name}", temporary)


# -- loading records: pagesetter's own data types, never a function or a foreign class ---------

# Plain standard types our records hold (found by running the test suite with every name logged).
# Sets, tuples, numbers and strings have opcodes of their own and need no name.
# (Python 3.13 moved the path classes to pathlib._local.)
STANDARD_TYPES = frozenset({(module, name) for module in ("pathlib", "pathlib._local")
                            for name in ("PosixPath", "PurePosixPath")})
# The only functions a record may name: Line's and TextLine's reconstructors (compose/lines.py,
# pagetree.py), which build the record from plain tuples and do nothing else.
RECONSTRUCTORS = frozenset({("pagesetter.compose.lines", "_line"), ("pagesetter.pagetree", "_text_line")})
OWN_MODULE = re.compile(r"pagesetter(\.[a-z][a-z0-9_]*)*")  # no __main__: importing it runs the program


class _RecordUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _record_type(module, name)
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a record type")
        return found


def unpickle(payload: bytes) -> Any | None:
    """A record written by ``pickle.dumps``; None (a miss) for one that does not load or names
    anything but a record type. Every pickle the engine reads (cache entries, replay records,
    pages from edition workers) is loaded here and only here."""
    try:
        return _RecordUnpickler(io.BytesIO(payload)).load()
    except Exception:  # a damaged or hostile payload: rebuild instead
        return None


@functools.lru_cache(maxsize=256)
def _record_type(module: str, name: str) -> Any | None:
    """The class ``module.name`` when a record may hold it: a dataclass, named tuple or enum of
    pagesetter's own (their constructors only store fields), a reconstructor, or a plain standard
    type. Calling any of them can neither run code nor touch a file."""
    if (module, name) in STANDARD_TYPES:
        return getattr(importlib.import_module(module), name)
    if not OWN_MODULE.fullmatch(module) or not name.isidentifier():
        return None
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    if (module, name) in RECONSTRUCTORS:
        return found
    if not isinstance(found, type) or found.__module__ != module:
        return None
    record = dataclasses.is_dataclass(found) or issubclass(found, enum.Enum) \
        or (issubclass(found, tuple) and hasattr(found, "_fields"))
    return found if record else None


def default_cache(environ: dict[str, str] | None = None) -> DiskCache:
    env = os.environ if environ is None else environ
    chosen = env.get("PAGESETTER_CACHE", "").strip()
    if chosen.lower() in ("off", "0", "no", "false"):
        return DiskCache(None)
    if chosen:
        return DiskCache(Path(chosen))
    base = env.get("XDG_CACHE_HOME", "").strip()
    # XDG Base Directory spec: a relative XDG_CACHE_HOME is invalid and ignored
    if base and Path(base).is_absolute():
        return DiskCache(Path(base) / "pagesetter")
    try:
        home = Path.home()
    except RuntimeError:  # no HOME and no passwd entry
        return DiskCache(None)
    # HOME set empty or relative would put the cache wherever the build runs: off instead
    return DiskCache(home / ".cache" / "pagesetter") if home.is_absolute() else DiskCache(None)


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
    with open_regular(path) as fh:  # a FIFO or device is refused, not read (it could block forever)
        return hashlib.file_digest(fh, "sha256").hexdigest()


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of every file of the installed package (code, colour profiles): results made by other
    code are never reused."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for parts in _package_files(str(root)):
        name = "/".join(parts)
        h.update(name.encode())
        with open(os.path.join(root, name), "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def _package_files(root: str) -> list[tuple[str, ...]]:
    """Every file under ``root`` (links to files included, folders linked in not entered), outside
    __pycache__, as path parts in the order of sorted Paths: what ``sorted(Path(root).rglob("*"))``
    filtered by ``is_file()`` gave, at a quarter of its cost (it runs in every build, a replayed
    one included)."""
    if "__pycache__" in Path(root).parts:
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = os.path.relpath(folder, root)
        prefix = () if rel == "." else tuple(rel.split(os.sep))
        found += [prefix + (name,) for name in files if os.path.isfile(os.path.join(folder, name))]
    return sorted(found)
