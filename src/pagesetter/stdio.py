"""The command's stdout and stderr when their reader goes early.

A report piped into ``head -1``, ``grep -q PASS`` or a pager the user quits: the pipe closes while
the command still has work and lines to write. Python raises BrokenPipeError at the next write,
which would end the command wherever it stood (trial 14: a page with a preflight error built
into ``| true`` exited 0 and never said it was not fit to print). A reader gone changes nothing
of what the command does: its files, its stderr lines (when stderr still has a reader) and its
exit status are those it has with a reader to the end. Only the command line's own process is
wrapped (``python -m pagesetter``, the script); a program calling ``cli.main`` owns its streams.
Imports nothing the standard library has not loaded at start-up (a replayed page's budget).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (not loaded at start-up)
if TYPE_CHECKING:
    from typing import IO, Any


class ReaderMayGo:
    """A text stream whose writes and flushes go on when the pipe's reader has closed it: the
    stream's descriptor is pointed at /dev/null (so the text still buffered, which Python flushes
    at exit, goes there too, not into an "Exception ignored" line) and the text is dropped."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stream.fileno())
        finally:
            os.close(devnull)
        try:
            self._stream.flush()  # what the closed pipe refused, to /dev/null now
        except (BrokenPipeError, ValueError):
            pass

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, isatty, reconfigure, buffer …
        return getattr(self._stream, name)


def outlive_readers() -> None:
    """sys.stdout and sys.stderr wrapped (ReaderMayGo), when they are streams with a descriptor."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, ReaderMayGo) and hasattr(stream, "fileno"):
            setattr(sys, name, ReaderMayGo(stream))
