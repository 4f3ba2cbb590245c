"""The desk's write-back: a module moved or resized in the browser becomes an edit of the page spec.

The spec is hand-written YAML with comments; it is edited as text, in place: only the digits of
the four grid numbers (col, cols, line, lines) of the entry's ``block`` or ``photo`` change, found
by the positions yamlsource.py keeps for every node. Every comment, every flow mapping and every
blank line stays as it was, so the diff of a drag is one line. The new text is checked by the spec
loader itself (overlaps, columns and lines past the grid, a photo outside its block) before it is
written; a refused edit leaves the file untouched and says why in the loader's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pagesetter.errors import InputError, Loc
from pagesetter.paths import write_atomically
from pagesetter.yamlsource import Node, load_yaml, read_text

KEYS = ("col", "cols", "line", "lines")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Cell:
    """A grid cell as the spec writes it: 1-based first column and line, spans."""

    col: int
    cols: int
    line: int
    lines: int

    def values(self) -> dict[str, int]:
        return {"col": self.col, "cols": self.cols, "line": self.line, "lines": self.lines}


@dataclass(frozen=True)
class Edit:
    """One change from the desk: the ``part`` ("block" or "photo") of an article entry."""

    article: str
    part: str
    cell: Cell


@dataclass(frozen=True)
class Written:
    """What an applied edit replaced, for undo: the file's text before and after."""

    path: Path
    before: str
    after: str


def entry_of(root: Node, article: str, where: Loc) -> Node:
    articles = root.get("articles") if root.is_map else None
    if articles is None or not articles.is_list:
        raise InputError(where, "the spec has no 'articles' list to edit (modules placed by 'auto' move by their spec)")
    found = [n for n in articles.value if n.is_map and n.get("article") is not None
             and n.get("article").value == article]  # type: ignore[union-attr]
    if len(found) != 1:
        raise InputError(where, f"the spec has {len(found)} entries for article {article!r}; the desk edits one")
    return found[0]


def _offset(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based line and column in ``text``."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - 1


def rewrite_cell(text: str, path: Path, edit: Edit) -> str:
    """``text`` with the grid numbers of ``edit`` written over the old ones, nothing else changed."""
    root = load_yaml(path, text)
    entry = entry_of(root, edit.article, root.loc)
    node = entry.get(edit.part)
    if node is None or not node.is_map:
        raise InputError(entry.loc, f"article {edit.article!r} has no {edit.part} mapping to edit")
    spans: list[tuple[int, int, str]] = []
    for key, value in edit.cell.values().items():
        n = node.get(key)
        if n is None:
            raise InputError(node.loc, f"{edit.part} of {edit.article!r} has no '{key}' to change; write it out")
        at = _offset(text, n.loc.line, n.loc.column)
        match = _NUMBER.match(text, at)
        if match is None or isinstance(n.value, bool) or not isinstance(n.value, int):
            raise InputError(n.loc, f"{edit.part} {key} of {edit.article!r} is not a plain number; the desk "
                             "edits plain numbers only")
        spans.append((match.start(), match.end(), str(value)))
    for start, end, new in sorted(spans, reverse=True):  # from the end: earlier offsets stay valid
        text = text[:start] + new + text[end:]
    return text


def swap_blocks(text: str, path: Path, first: str, second: str) -> str:
    """The two modules trade places: each takes the other's block (their photo cells, counted from
    the block, go with them)."""
    root = load_yaml(path, text)
    cells = []
    for article in (first, second):
        block = entry_of(root, article, root.loc).get("block")
        if block is None or not block.is_map:
            raise InputError(root.loc, f"article {article!r} has no block mapping to swap")
        try:
            cells.append(Cell(*(int(block.get(k).value) for k in KEYS)))  # type: ignore[union-attr]
        except (AttributeError, TypeError, ValueError):
            raise InputError(block.loc, f"the block of {article!r} is not four plain numbers") from None
    text = rewrite_cell(text, path, Edit(first, "block", cells[1]))
    return rewrite_cell(text, path, Edit(second, "block", cells[0]))


def set_headline_lines(text: str, path: Path, article: str, lines: int) -> str:
    """The headline area ``lines`` grid lines deep: the number written over ``headline: lines``, or
    added to the headline's mapping (flow or block style), or a ``headline: {lines: N}`` line put
    before the entry's ``block``."""
    root = load_yaml(path, text)
    entry = entry_of(root, article, root.loc)
    headline = entry.get("headline")
    if headline is not None and not headline.is_map:
        raise InputError(headline.loc, f"the headline of {article!r} is not a mapping; the desk cannot set its depth")
    if headline is not None and headline.get("lines") is not None:
        n = headline.get("lines")
        match = _NUMBER.match(text, _offset(text, n.loc.line, n.loc.column))  # type: ignore[union-attr]
        if match is None or isinstance(n.value, bool) or not isinstance(n.value, int):  # type: ignore[union-attr]
            raise InputError(n.loc, f"headline lines of {article!r} is not a plain number")  # type: ignore[union-attr]
        return text[:match.start()] + str(lines) + text[match.end():]
    if headline is not None:
        at = _offset(text, headline.loc.line, headline.loc.column)
        if text.startswith("{", at):  # flow style: before its closing brace
            close = text.find("}", at)
            if close < 0 or "\n" in text[at:close]:
                raise InputError(headline.loc, f"the headline of {article!r} spans lines; add 'lines' by hand")
            return text[:close] + f", lines: {lines}" + text[close:]
        start = _offset(text, headline.loc.line, 1)  # block style: a key line of its own, first
        return text[:start] + " " * (headline.loc.column - 1) + f"lines: {lines}\n" + text[start:]
    key = entry.key_loc("block")
    start = _offset(text, key.line, 1)
    if text[start:start + key.column - 1].strip():  # "- block:" opens the entry: no line of its own
        raise InputError(key, f"the entry of {article!r} opens with its block; add its headline by hand")
    return text[:start] + " " * (key.column - 1) + f"headline: {{lines: {lines}}}\n" + text[start:]


def apply_edit(path: Path, edit: Edit) -> Written:
    """Check the edited spec with the spec loader, then write it (atomically). Raises InputError,
    file untouched, when the loader refuses it (an overlap, a cell past the grid, ...)."""
    return apply_change(path, lambda text: rewrite_cell(text, path, edit))


def apply_change(path: Path, change: Callable[[str], str]) -> Written:
    """The spec's text changed by ``change``, checked by the spec loader, written (atomically)."""
    from pagesetter.spec.loader import load_spec

    before = read_text(path)
    after = change(before)
    if after != before:
        load_spec(path, after)
        write_atomically(path, after.encode("utf-8"))
    return Written(path, before, after)


def undo(written: Written) -> None:
    """Put back the text before ``written``; refused when the file has changed since (an editor
    saved it): undo never overwrites someone's later work."""
    now = read_text(written.path)
    if now != written.after:
        raise InputError(Loc.of_file(written.path), "changed since the desk's last edit (saved from an editor?); "
                         "undo refused, nothing written")
    write_atomically(written.path, written.before.encode("utf-8"))
