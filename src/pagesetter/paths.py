"""Files: which a build may read, and how it writes.

A build reads only files in the project folder and in the folders a page spec lists under
``allow_outside`` (a newsroom's shared photo store, a type library): a page spec or an article from
elsewhere must not make it read arbitrary files. It writes every output atomically, so an
interrupted or failed build leaves the previous file as it was."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (an unchanged page's replay never needs it)
if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor
    from typing import BinaryIO, Callable


def inside(target: Path, root: Path, allowed: tuple[Path, ...] = ()) -> bool:
    """Is ``target`` in the project or an allowed folder? ``target`` is resolved first, so a symlink
    that points out of the project is judged by where it points."""
    resolved = target.resolve()
    return any(resolved.is_relative_to(folder.resolve()) for folder in (root, *allowed))


OUTSIDE_HINT = "move it into the project, or list its folder under allow_outside: in the page spec"


class NotRegularFile(OSError):
    """An input that is a named pipe, a device or a socket: reading it could block forever or never
    end (a FIFO with no writer, /dev/zero), so it is refused by what it is, unread."""


# What stat's file type bits name, for the message (POSIX <sys/stat.h>).
_SPECIAL_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def open_regular(path: Path | str) -> BinaryIO:
    """``path`` opened for reading if it is a regular file (after symlinks). Opened without
    blocking, so a FIFO with no writer cannot stall the build, and judged by the open file itself
    (fstat), so nothing can swap it between check and read. Raises IsADirectoryError for a folder,
    NotRegularFile for anything else that is not a file, else the system's OSError.

    An interrupt (Ctrl-C, a kept build's client gone: an exception raised between any two steps)
    never closes the descriptor twice: the file object owns it from the moment it exists (made by
    ``open`` around our opener, in C), and only the object closes it. os.fdopen after os.open had
    the object made inside a Python function, so an interrupt there dropped the object (which
    closed the descriptor) and the cleanup closed it again: "Bad file descriptor", reported as
    the input's error, or another file's descriptor closed if its number was taken meanwhile."""
    fh = open(path, "rb", opener=_nonblocking)  # noqa: SIM115 - closed below or by the caller
    try:
        fd = fh.fileno()
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "expected a file, found a directory", str(path))
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _SPECIAL_KINDS if test(mode)), "a special file")
            raise NotRegularFile(errno.EINVAL, f"not a regular file but {kind}; refused unread", str(path))
        os.set_blocking(fd, True)
        return fh  # type: ignore[return-value]
    except BaseException:
        fh.close()
        raise


def _nonblocking(path: "Path | str", flags: int) -> int:
    """open()'s opener: as it opens, and without waiting for a FIFO's writer. (An interrupt
    landing between os.open's return and this return leaks the descriptor, never closes one
    twice: no Python code can take an int from the system without such a step.)"""
    return os.open(path, flags | os.O_NONBLOCK)


def read_regular(path: Path | str) -> bytes:
    """The bytes of a regular file (see :func:`open_regular`)."""
    with open_regular(path) as fh:
        return fh.read()


def write_atomically(path: Path, data: bytes, durable: bool = True) -> None:
    """Write to a temporary file beside the target, then rename: a failed build leaves the old file.
    ``durable=False``: no fsync (a session's page, made again on the next change, session.py); a
    reader still sees the old file or the new one, never a part."""
    _written_beside(path, data, durable, rename=True)


class StagedWrites:
    """Files written as they are made, under temporary names beside their targets, and renamed
    together by ``commit()``; leaving the ``with`` block removes any not committed. An edition
    writes each page as its worker sends it and still leaves no new file unless all were built.

    The files are written and synced, in order, by one thread of this object's while the caller
    goes on (an edition's main process takes the next page from its workers, not waiting on a
    disk's fsync: about 10 ms a page, the most of a replayed page's time there). A write's error comes out as it
    would have from ``write``: first, before ``commit`` renames anything, and in place of any
    error the caller meets later (which a write done at once would never have reached)."""

    def __init__(self) -> None:
        self._pending: list[tuple["Future[Path]", Path]] = []
        self._writer: "ThreadPoolExecutor | None" = None

    def write(self, path: Path, data: bytes) -> None:
        if self._writer is None:
            from concurrent.futures import ThreadPoolExecutor  # only an edition stages: not loaded for a page

            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="staged-write")
        self._pending.append((self._writer.submit(_written_beside, path, data), path))

    def write_with(self, path: Path, fill: "Callable[[BinaryIO], None]") -> None:
        """``write`` of a file that ``fill`` writes into its temporary (open for reading and
        writing), here, on the caller's thread: a file a library saves itself (an edition's
        combined PDF, by qpdf) is not made in memory first and copied. An error comes out here."""
        from concurrent.futures import Future

        written: "Future[Path]" = Future()
        written.set_result(_written_beside(path, fill))
        self._pending.append((written, path))

    def commit(self, only: "set[Path] | None" = None) -> None:
        """Every file written renamed into place; ``only``: just these, the rest left to be removed
        with the block (an edition stopped by overset still writes its proofs, not its pages)."""
        kept = [(future, path) for future, path in self._pending if only is not None and path not in only]
        written = [(future.result(), path) for future, path in self._pending
                   if only is None or path in only]  # the first error, if any
        self._pending = kept
        for tmp, path in written:
            os.replace(tmp, path)

    def __enter__(self) -> "StagedWrites":
        return self

    def __exit__(self, *exc: object) -> None:
        failed: BaseException | None = None
        for future, _ in self._pending:
            error = future.exception()  # waits: no temporary is left behind a write still under way
            if error is None:
                future.result().unlink(missing_ok=True)
            elif failed is None:
                failed = error
        self._pending.clear()
        if self._writer is not None:
            self._writer.shutdown()
        if failed is not None and exc[1] is not failed:
            raise failed


def _written_beside(path: Path, data: "bytes | Callable[[BinaryIO], None]", durable: bool = True,
                    rename: bool = False) -> Path:
    """``data`` in a new temporary file in ``path``'s folder, on disk (fsync), readable by all;
    ``rename``: then renamed onto ``path`` (in the same ``try``: no step between the temporary's
    making and its renaming where an interrupt could leave it). Returns the file written.
    ``data`` may be a function that writes the file itself, given it open for reading and writing.
    An error of the system (a full disk, a folder not writable) names ``path``.

    The temporary is named here and made by ``open(..., "xb")`` (O_EXCL, in C: the file object
    owns the descriptor from the start), inside the ``try`` that removes it: an interrupt landing
    anywhere leaves no temporary behind and no descriptor open. tempfile.mkstemp made the file
    and returned its descriptor from Python code, where an interrupt left both (a ``.NAME.*.tmp``
    in the output folder)."""
    _replaceable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            with open(tmp, "xb" if isinstance(data, bytes) else "x+b") as fh:
                if isinstance(data, bytes):
                    fh.write(data)
                else:
                    try:
                        data(fh)
                    except OSError as exc:  # named by the library's way (pikepdf: the file object's repr)
                        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
                if durable:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)  # the output is for the desk and the plant, whatever the umask
            if rename:
                os.replace(tmp, path)
                return path
            return tmp
        except FileExistsError as exc:
            if exc.filename is not None and os.fsdecode(exc.filename) == str(tmp):
                continue  # another file has this name (a chance of 2**-48): not ours, not touched
            raise
        except BaseException as exc:
            tmp.unlink(missing_ok=True)  # made by the open above, if it got so far (O_EXCL: none other)
            if isinstance(exc, OSError):
                if exc.filename is not None and os.fsdecode(exc.filename) == str(tmp):
                    # a folder not writable: named by the file that was to be written, not its temporary
                    raise type(exc)(exc.errno, exc.strerror, str(path)) from None
                if exc.filename is None:  # write(): "No space left on device", of what?
                    size = f" {len(data):,} bytes" if isinstance(data, bytes) else ""
                    raise type(exc)(exc.errno, f"{exc.strerror or exc} (writing{size})", str(path)) from None
            raise


def _replaceable(path: Path) -> None:
    """An output may replace a file or a link, never a device, FIFO or socket (renaming onto
    ``-o /dev`` would put a PNG where /dev/full was) nor a folder."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except NotADirectoryError:
        return  # the folder is a file: mkdir says so
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "a folder is in the way of this output file", str(path))
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        kind = next((name for test, name in _SPECIAL_KINDS if test(mode)), "a special file")
        raise NotRegularFile(errno.EINVAL, f"is {kind}, not a file; an output never replaces it", str(path))


def proof_print_path(proof: Path) -> Path:
    """<page>.proof-a3.pdf beside <page>.proof.pdf: the proof tiled at 100 % on A3 (proof/tiles.py).
    Here, not in build.py: a replayed page built with --proof names its files without the engine."""
    return proof.with_name(proof.name.removesuffix(".proof.pdf") + ".proof-a3.pdf")
