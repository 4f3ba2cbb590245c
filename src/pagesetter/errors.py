"""Errors and warnings that name a place in the user's input.

Every problem an editor can cause is reported as an :class:`InputError` with a
file, line and column (1-based) and what was expected. The CLI prints
``str(error)`` as one line and exits non-zero; it never shows a traceback.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from contextvars import ContextVar
from pathlib import Path

from pagesetter.records import record

class Reading:
    """An input file being read on this thread (a photo while Pillow decodes it) and the warnings
    a library gave about it meanwhile (it names no file itself): the CLI's warning hook (cli.py)
    holds them here, and the reader reports them with the file's name, or drops them when it
    refuses the file (one line for a refusal)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.held: list[str] = []


READING: ContextVar[Reading | None] = ContextVar("READING", default=None)


@record(frozen=True)
class Loc:
    """A position in an input file; line and column are 1-based (0 = unknown)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        if self.column <= 0:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"

    @staticmethod
    def of_file(path: Path | str) -> "Loc":
        return Loc(display_path(path))


def display_path(path: Path | str) -> str:
    """A path as the user should read it: relative to the working directory when inside it."""
    return _display_path(str(path), os.getcwd())


def display_folder(path: Path | str) -> str:
    """A folder as display_path shows it, but the working directory itself by its absolute path:
    "outside the project folder ." read as a typo (trial 14)."""
    shown = display_path(path)
    return os.path.abspath(path) if shown == "." else shown


# Every input's locations are made as it is read, error or not (about 120 a broadsheet page), and
# each resolve() is a dozen system calls: remembered by path and working directory.
@functools.lru_cache(maxsize=4096)
def _display_path(path: str, cwd: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(cwd).resolve()))
    except (ValueError, RuntimeError, OSError):  # outside the folder; a symlink loop; a NUL in it
        try:
            return str(Path(os.path.abspath(path)).relative_to(os.path.abspath(cwd)))
        except ValueError:
            return str(Path(path))


class PagesetterError(Exception):
    """Base class of every error the CLI reports as one clean line."""

    # A page of an edition built alone, stopped only because its jump is the edition's to carry
    # (build.py alone_hint): the command was the wrong one, not the page; the PDF the edition
    # wrote for the page is left where it is (outputs.py remove_stopped, a stopped build's clean-up).
    edition_page: bool = False


class InputError(PagesetterError):
    """Bad user input: a spec, an article, a font or an image."""

    def __init__(self, loc: Loc | None, message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message

    def __str__(self) -> str:
        return f"{self.loc}: {self.message}" if self.loc else self.message

    def __reduce__(self) -> tuple:
        # raised in an edition's worker process, it crosses back to the main one pickled
        return (type(self), (self.loc, self.message))


class InputErrors(InputError):
    """Several faults of the input found at once (every missing character of a page): the CLI
    prints one line for each."""

    def __init__(self, errors: tuple[InputError, ...]) -> None:
        super().__init__(errors[0].loc, errors[0].message)
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)

    def __reduce__(self) -> tuple:
        return (type(self), (self.errors,))


class OversetError(PagesetterError):
    """Text did not fit and the build was not told to allow overset."""

    def __init__(self, message: str, overset: tuple = (), places: tuple[str, ...] = ()) -> None:  # type: ignore[type-arg]
        super().__init__(message)
        self.overset = overset  # pagetree.Overset of each article that did not fit (build --json)
        # where the message says each is (build.overset_where: file:line:column), "" unknown
        self.places = places


@record(frozen=True)
class Warning:  # noqa: A001 - a build warning, not Python's warnings
    """Something the editor should know about; the build still succeeds."""

    kind: str  # "overset", "underset", "normalised", "missing-glyph", "low-resolution", ...
    message: str
    loc: Loc | None = None
    # What the message says in words, for a reader that compares warnings (proof/report.py
    # unsaid, whether `check` found what the flow said): the article's id, and the copy's text the
    # message quotes as set (a very loose line's; the end of a line and the start of the next that
    # a split span parts).
    article: str = ""
    quoted: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"{self.loc}: " if self.loc else ""
        return f"{where}{self.kind}: {self.message}"


# Characters a reader cannot see or that would break a message's one line: controls (a tab, a
# line or paragraph separator), format characters (a zero-width space or joiner, a soft hyphen, a
# bidi mark, a BOM), surrogates, private-use and unassigned code points. A space of any width
# (an ideographic space between a table's figures) is the text as printed and is shown as it is.
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


@functools.lru_cache(maxsize=4096)
def _visible(ch: str) -> str:
    return f"⟨U+{ord(ch):04X}⟩" if unicodedata.category(ch) in INVISIBLE else ch


def visible(text: str) -> str:
    """The text as a layout editor reads it printed, on one line: each invisible or control
    character as ⟨U+200B⟩, everything else (an ideographic space too) as itself."""
    return "".join([_visible(ch) for ch in text])


def quoted(text: str) -> str:
    """``visible(text)`` in quotes, as a message quotes the copy: single quotes, or double ones
    when the text holds a single quote and no double (as Python's repr chose them, so a text with
    nothing to escape reads as it always has); nothing is escaped."""
    shown = visible(text)
    mark = '"' if "'" in shown and '"' not in shown else "'"
    return f"{mark}{shown}{mark}"
