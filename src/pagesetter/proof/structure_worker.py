"""A kept process's second Python for the preflight's reading of a PDF's objects
(preflight.preflight_structure, pikepdf): ``pagesetter keep`` gives it the page's written file as
the gate starts, and reads its Structure back once the read-back and the typography check are
done. pikepdf holds the GIL, so a thread could not run it beside the check; a process runs it on
the core Ghostscript renders on, which is idle for the gate's last third (bench/README.md).

It only ever reads the file it is named, as it is on disk when it is named: no result is kept
from one file to the next. Anything it cannot do (an error of the file, a worker gone) is done
again by the caller in its own process (``StructureWorker.structure`` returns None), so an error
is raised there as the build without a worker raises it.

Requests and answers are pickles, each after its length, on the worker's stdin and stdout; each
request carries a number its answer repeats, so an answer the caller never read (its build
stopped by an error of the read-back) is never taken for the next file's."""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from pagesetter.proof.preflight import Structure

_HEADER = struct.Struct("<Q")


def _write(out: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(data)) + data)
    out.flush()


def _read(source: IO[bytes]) -> object:
    head = source.read(_HEADER.size)
    if len(head) != _HEADER.size:
        raise EOFError("the structure worker closed its pipe")
    (size,) = _HEADER.unpack(head)
    data = source.read(size)
    if len(data) != size:
        raise EOFError("the structure worker closed its pipe mid-answer")
    return pickle.loads(data)


class StructureWorker:
    """The worker process, started at the first ``submit``; ``close`` ends it."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._asked = 0  # the number of the last request
        self._pending: int | None = None  # a request not answered yet

    def warm(self) -> None:
        """Start the worker now unless it runs (its Python and pikepdf load in some 0.1 s, on the
        other core while the page is made), so the gate never waits for its start."""
        if self._process is None or self._process.poll() is not None:
            try:
                self._start()
            except OSError:
                self.close()

    def submit(self, path: Path, device_colour: bool) -> bool:
        """Ask for ``path``'s structure (preflight_structure's ``device_colour``); False when no
        worker can take it (the caller reads it)."""
        try:
            if self._process is None or self._process.poll() is not None:
                self._start()
            assert self._process is not None and self._process.stdin is not None
            self._asked += 1
            # absolute: a kept process changes its folder to each client's, its worker does not
            _write(self._process.stdin, (self._asked, os.path.abspath(path), device_colour))
        except (OSError, EOFError, ValueError):
            self.close()
            return False
        self._pending = self._asked
        return True

    def structure(self) -> "Structure | None":
        """The answer to the last ``submit``, or None (the worker failed on the file, or is gone)."""
        wanted, self._pending = self._pending, None
        if wanted is None or self._process is None or self._process.stdout is None:
            return None
        try:
            while True:
                number, ok, answer = _read(self._process.stdout)  # type: ignore[misc]
                if number == wanted:
                    return answer if ok else None
                # an earlier request's answer, never read: dropped
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):
            self.close()
            return None

    def _start(self) -> None:
        self.close()
        self._process = subprocess.Popen([sys.executable, "-m", "pagesetter.proof.structure_worker"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def close(self) -> None:
        process, self._process, self._pending = self._process, None, None
        if process is not None:
            for pipe in (process.stdin, process.stdout):
                try:
                    if pipe is not None:
                        pipe.close()
                except OSError:
                    pass
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main() -> int:
    """The worker's loop: one structure a request, until its stdin closes."""
    from pagesetter.proof.preflight import Limits, preflight_structure

    source, out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            number, path, device_colour = _read(source)  # type: ignore[misc]
        except EOFError:
            return 0
        try:
            answer: tuple[object, bool, object] = (number, True, preflight_structure(Path(path), Limits(), device_colour))
        except Exception:  # noqa: BLE001 - the caller reads the file itself, and says what is wrong with it
            answer = (number, False, None)
        _write(out, answer)


if __name__ == "__main__":
    sys.exit(main())
