"""The desk's write-back: a module moved or resized in the browser becomes an edit of the page spec.

The spec is hand-written YAML with comments; it is edited as text, in place: only the digits of
the four grid numbers (col, cols, line, lines) of the entry's ``block`` or ``photo`` change, found
by the positions yamlsource.py keeps for every node. Every comment, every flow mapping and every
blank line stays as it was, so the diff of a drag is one line (a swap also trades the two entries'
places in ``articles:``, the reading order: swap_entries; a module dragged past another takes its
new place in it: reorder_entry). The new text is checked by the spec
loader itself (overlaps, columns and lines past the grid, a photo outside its block) before it is
written; a refused edit leaves the file untouched and says why in the loader's words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Sequence

import yaml

from pagesetter.errors import InputError, Loc
from pagesetter.paths import write_atomically
from pagesetter.records import record
from pagesetter.spec.model import NO_FIT, ArticleSpec, PageSpec
from pagesetter.yamlsource import Node, load_yaml, read_text

KEYS = ("col", "cols", "line", "lines")
_NUMBER = re.compile(r"\d+")
# A photo cell's line as the loader reads it (spec/loader.py _AFTER): a number, or after[+N],
# maybe quoted; the whole scalar is what a write replaces.
_LINE = re.compile(r"""\d+|(["']?)after\s*(?:\+\s*\d+)?\1""")
_AFTER_VALUE = re.compile(r"after(?:\+(\d+))?")
PARTS = ("block", "photo", "frame")  # what a drag edits: the block, a photo cell, an extra frame


@record(frozen=True)
class Cell:
    """A grid cell as the spec writes it: 1-based first column and line, spans."""

    col: int
    cols: int
    line: int | str  # a photo cell's line may be "after" or "after+N" (under the headline)
    lines: int

    def values(self) -> dict[str, int | str]:
        return {"col": self.col, "cols": self.cols, "line": self.line, "lines": self.lines}


@record(frozen=True)
class Edit:
    """One change from the desk: the ``part`` of an article entry: its "block", its ``index``-th
    "photo" cell (of ``photo:`` or the ``photos:`` list) or its ``index``-th extra "frame"."""

    article: str
    part: str
    cell: Cell
    index: int = 0


@record(frozen=True)
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


def cell_node(entry: Node, article: str, part: str, index: int = 0) -> Node:
    """The mapping a drag edits: the block, the ``index``-th photo cell (``photo:`` is the only
    one, ``photos:`` a list) or the ``index``-th of ``frames:``."""
    if part not in PARTS:
        raise InputError(entry.loc, f"the desk edits a block, a photo cell or a frame, not {part!r}")
    node: Node | None
    if part == "block":
        node = entry.get("block")
    else:
        listed = entry.get("frames" if part == "frame" else "photos")
        if listed is not None and listed.is_list:
            node = listed.value[index] if 0 <= index < len(listed.value) else None
        else:
            node = entry.get("photo") if part == "photo" and index == 0 else None
    if node is None or not node.is_map:
        what = part if part == "block" else f"{part} {index + 1}"
        raise InputError(entry.loc, f"article {article!r} has no {what} mapping to edit")
    return node


def _cell_of(node: Node, what: str) -> Cell:
    """The four numbers of a block or frame as written."""
    try:
        values = [node.get(k).value for k in KEYS]  # type: ignore[union-attr]
    except AttributeError:
        raise InputError(node.loc, f"{what} is not four grid numbers") from None
    if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise InputError(node.loc, f"{what} is not four plain numbers")
    return Cell(*values)


def _line_text(value: int | str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    match = _AFTER_VALUE.fullmatch(str(value).replace(" ", ""))
    if match is None:
        raise InputError(None, f"a cell's line is a number, 'after' or 'after+N', not {value!r}")
    return "after" if not int(match.group(1) or 0) else f"after+{int(match.group(1))}"


def rewrite_cell(text: str, path: Path, edit: Edit) -> str:
    """``text`` with the grid numbers of ``edit`` written over the old ones, nothing else changed."""
    root = load_yaml(path, text)
    entry = entry_of(root, edit.article, root.loc)
    node = cell_node(entry, edit.article, edit.part, edit.index)
    spans: list[tuple[int, int, str]] = []
    for key, value in edit.cell.values().items():
        n = node.get(key)
        if n is None:
            raise InputError(node.loc, f"{edit.part} of {edit.article!r} has no '{key}' to change; write it out")
        at = _offset(text, n.loc.line, n.loc.column)
        after = key == "line" and edit.part == "photo" and isinstance(n.value, str)
        match = (_LINE if after else _NUMBER).match(text, at)
        if match is None or isinstance(n.value, bool) or not (isinstance(n.value, int) or after):
            raise InputError(n.loc, f"{edit.part} {key} of {edit.article!r} is not a plain number; the desk "
                             "edits plain numbers only")
        if key == "line" and edit.part == "photo":
            new = _line_text(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            new = str(value)
        else:
            raise InputError(n.loc, f"{edit.part} {key} of {edit.article!r} must be a whole number, not {value!r}")
        spans.append((match.start(), match.end(), new))
    for start, end, new in sorted(spans, reverse=True):  # from the end: earlier offsets stay valid
        text = text[:start] + new + text[end:]
    return text


def _with_frames_moved(text: str, path: Path, article: str, old: Cell, new: Cell) -> str:
    """``text`` with the article's extra frames (the legs of an L) shifted by the offset of its
    block's top-left corner from ``old`` to ``new``: the shape moves as one."""
    entry = entry_of(load_yaml(path, text), article, Loc.of_file(path))
    frames = entry.get("frames")
    if frames is None or not frames.is_list or (new.col, new.line) == (old.col, old.line):
        return text
    dc, dl = new.col - old.col, int(new.line) - int(old.line)
    for i, node in enumerate(frames.value):
        f = _cell_of(node, f"frame {i + 1} of {article!r}")
        shifted = Cell(f.col + dc, f.cols, int(f.line) + dl, f.lines)  # (ints: _cell_of checked)
        text = rewrite_cell(text, path, Edit(article, "frame", shifted, i))
    return text


def move_cell(text: str, path: Path, edit: Edit) -> str:
    """``edit`` written; a block moved whole (its spans unchanged) takes the module's extra frames
    with it, so an L moves as one shape, as it does under the mouse; a block moved where it reads
    before or after other modules than it did takes its place in ``articles:`` (reorder_entry)."""
    if edit.part != "block":
        return rewrite_cell(text, path, edit)
    root = load_yaml(path, text)
    entry = entry_of(root, edit.article, root.loc)
    old = _cell_of(cell_node(entry, edit.article, "block"), f"the block of {edit.article!r}")
    if (edit.cell.cols, edit.cell.lines) == (old.cols, old.lines):
        text = _with_frames_moved(text, path, edit.article, old, edit.cell)
    return reorder_entry(rewrite_cell(text, path, edit), path, edit.article, old)


def reads_before(a: Cell, b: Cell) -> bool:
    """Whether module ``a`` reads before module ``b`` on a page of horizontal text: over it when
    they share columns (a banner before what stands under it), left of it when they share lines
    (side by side: the left one first, as the body's own columns read, flow/article.py _columns),
    else the higher first, then the one further left (auto's stacks read left to right, top to
    bottom: flow/auto.py)."""
    a_line, b_line = int(a.line), int(b.line)
    share_cols = a.col < b.col + b.cols and b.col < a.col + a.cols
    share_lines = a_line < b_line + b.lines and b_line < a_line + a.lines
    if share_cols and not share_lines:
        return a_line < b_line
    if share_lines and not share_cols:
        return a.col < b.col
    return (a_line, a.col) < (b_line, b.col)


def reorder_entry(text: str, path: Path, article: str, was: Cell) -> str:
    """The dragged module's entry moved in ``articles:`` (the reading order the 数字报 lists:
    README, `articles`) to where it now reads, as a swap trades the two entries' places
    (swap_entries; session 18: a drag kept its old place, and the 数字报 listed it there). Only
    when it now reads before or after another module than it did from ``was``: a nudge, a resize
    or a list the editor ordered otherwise is left as written. Its new place is the one that
    puts fewest modules on the wrong side of it, the nearest such to where it stood; the others
    keep their order, each step an exchange with its neighbour (swap_entries), so what stands
    between entries stays with the place."""
    root = load_yaml(path, text)
    listed = root.get("articles") if root.is_map else None
    names: list[str] = []
    blocks: dict[str, Cell] = {}
    for node in listed.value if listed is not None and listed.is_list else ():
        name = node.get("article") if node.is_map else None
        if name is None or not isinstance(name.value, str):
            continue
        names.append(name.value)
        block = node.get("block")
        try:
            blocks[name.value] = _cell_of(block, name.value) if block is not None else None  # type: ignore[assignment]
        except InputError:  # not four plain numbers: no place in the comparison
            pass
    now = blocks.get(article)
    if now is None or names.count(article) != 1:
        return text
    others = [n for n in names if n != article]
    placed = [(n, blocks[n]) for n in others if blocks.get(n) is not None]
    if all(reads_before(c, now) == reads_before(c, was) for _, c in placed):
        return text
    where = names.index(article)

    def wrong(at: int) -> int:  # modules on the wrong side of it, put before others[at]
        return sum(1 for k, n in enumerate(others) if blocks.get(n) is not None
                   and reads_before(blocks[n], now) != (k < at))

    best = min(range(len(others) + 1), key=lambda at: (wrong(at), abs(at - where)))
    while where != best:  # one neighbour at a time
        step = 1 if best > where else -1
        text = swap_entries(text, path, article, names[where + step])
        names[where], names[where + step] = names[where + step], names[where]
        where += step
    return text


def swap_blocks(text: str, path: Path, first: str, second: str) -> str:
    """The two modules trade places: each takes the other's block (their photo cells, counted from
    the block, go with them), and an L's frames move with its block by the same offset (the spec
    loader then refuses the swap if a leg lands on a block or past the grid)."""
    if first == second:  # its entry written over itself would be broken YAML, blamed on the user's spec
        raise InputError(Loc.of_file(path), f"{first!r} is not swapped with itself; nothing written")
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
    text = _with_frames_moved(text, path, first, cells[0], cells[1])
    text = _with_frames_moved(text, path, second, cells[1], cells[0])
    text = rewrite_cell(text, path, Edit(first, "block", cells[1]))
    text = rewrite_cell(text, path, Edit(second, "block", cells[0]))
    return swap_entries(text, path, first, second)


def swap_entries(text: str, path: Path, first: str, second: str) -> str:
    """The two entries of ``articles:`` trade places in the list, each whole (its keys and the
    comments inside it), as their modules trade places on the page: the list is the page's reading
    order (README, `articles`), which the 数字报 lists, and a swap that wrote the blocks alone left
    the moved articles in the old order (trial 17b #10). What stands between entries (a comment
    line over one, a blank line) stays where it is: it belongs to the place in the list."""
    root = load_yaml(path, text)
    for article in (first, second):  # each entered once, else the desk's message
        entry_of(root, article, root.loc)
    items = _entry_spans(text)
    spans = sorted((items[first], items[second]))
    (a0, a1, col_a), (b0, b1, col_b) = spans
    if col_a != col_b:
        raise InputError(Loc.of_file(path), f"the entries of {first!r} and {second!r} are indented differently; "
                         "swap their places in 'articles:' by hand")
    return text[:a0] + text[b0:b1] + text[a1:b0] + text[a0:a1] + text[b1:]


def _entry_spans(text: str) -> dict[str, tuple[int, int, int]]:
    """Each ``articles:`` entry by its article: where its text starts (its first key, after the
    list's dash) and ends (its last value's end: no trailing blank line or comment), and its column."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    listed = next((v for k, v in root.value if k.value == "articles"), None) \
        if isinstance(root, yaml.MappingNode) else None
    out: dict[str, tuple[int, int, int]] = {}
    for item in listed.value if isinstance(listed, yaml.SequenceNode) else ():
        if isinstance(item, yaml.MappingNode):
            name = next((v.value for k, v in item.value if k.value == "article"), None)
            if isinstance(name, str):
                out[name] = (item.start_mark.index, _end_of(item), item.start_mark.column)
    return out


def _end_of(node: yaml.Node) -> int:
    """Where a node's own text ends: a block mapping or list at its last value's end (PyYAML's own
    end mark lies at the next token, after any blank or comment line)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _end_of(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _end_of(node.value[-1])
    return node.end_mark.index


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
    return apply_change(path, lambda text: move_cell(text, path, edit))


def apply_change(path: Path, change: Callable[[str], str], articles: Sequence[str] = ()) -> Written:
    """The spec's text changed by ``change``, checked by the spec loader and, for ``articles`` (the
    modules the edit moved), by the build's own check of their photo cells (check_cells), then
    written (atomically)."""
    from pagesetter.spec.loader import load_spec

    before = read_text(path)
    after = change(before)
    if after != before:
        spec = load_spec(path, after)
        check_cells(spec, articles)
        write_atomically(path, after.encode("utf-8"))
    return Written(path, before, after)


def check_cells(spec: PageSpec, articles: Sequence[str]) -> None:
    """The named modules' photo cells as the build checks them (flow/article.py check_photo_cells),
    each headline set at its new width: the spec loader counts a 'line: after' cell from the block's
    top, the build from the headline's foot, so a swap or resize the loader passes could still be
    refused by the build (trial 16b #13: written, then the page stale). An article the page cannot
    read is left to the build, which says so as it does for any save."""
    from pagesetter.build import load_article
    from pagesetter.flow.article import check_photo_cells
    from pagesetter.flow.geometry import PageGeometry
    from pagesetter.flow.page import flow_module
    from pagesetter.fonts.face import FaceSet
    from pagesetter.fonts.manifest import load_manifest

    entries = [a for a in spec.articles if a.article in articles and a.photos]
    if not entries:
        return
    faces = FaceSet(load_manifest(spec.fonts_manifest, spec.root, spec.allowed))
    geo = PageGeometry(spec)
    for entry in entries:
        try:
            article, _ = load_article(spec, entry.article, entry.loc)
        except InputError:
            continue
        if not article.ad:  # (an ad's entry is made over by the build: its flow below)
            try:
                check_photo_cells(entry, article, spec.styles, geo, faces)
                continue  # as written: every variant fitting may take is checked by the build as it tries it
            except InputError:
                if entry.fit.photo_lines == (0, 0) and entry.fit.headline_lines == (0, 0):
                    raise
        # refused as written, but fitting may take the cell or headline a line or two shorter, the
        # build then accepting it: the module flowed as the build flows it (its body set, fitted,
        # placed), some tenths of a second, asked only here
        flow_module(spec, entry, article, geo, faces, None)


def undo(written: Written) -> None:
    """Put back the text before ``written``; refused when the file has changed since (an editor
    saved it): undo never overwrites someone's later work."""
    now = read_text(written.path)
    if now != written.after:
        raise InputError(Loc.of_file(written.path), "changed since the desk's last edit (saved from an editor?); "
                         "undo refused, nothing written (that edit leaves the undo list)")
    write_atomically(written.path, written.before.encode("utf-8"))


def placed_entries(articles: Sequence[ArticleSpec]) -> str:
    """The entries ``auto`` chose, written as a hand-placed page would write them (the keys the
    loader reads back to the same entry: block, headline depth, photo cell from the block, fit),
    one list item each, at the list's usual indent (two spaces, as ``layout/*.yaml``)."""
    out = []
    for a in articles:
        b = a.block
        out += [f"  - article: {a.article}",
                f"    block: {{col: {b.col + 1}, cols: {b.cols}, line: {b.top + 1}, lines: {b.lines}}}"]
        if a.headline.lines is not None:
            out.append(f"    headline: {{lines: {a.headline.lines}}}")
        for n, ps in enumerate(a.photos):
            c = ps.cell
            cell = f"{{col: {c.col - b.col + 1}, cols: {c.cols}, line: {c.top - b.top + 1}, lines: {c.lines}}}"
            out.append(f"    photo: {cell}" if len(a.photos) == 1 else ("    photos:\n" if n == 0 else "") + f"      - {cell}")
        if a.fit != NO_FIT:
            out.append(f"    fit: {{photo_lines: [{a.fit.photo_lines[0]}, {a.fit.photo_lines[1]}], "
                       f"headline_lines: [{a.fit.headline_lines[0]}, {a.fit.headline_lines[1]}]}}")
    return "".join(line + "\n" for line in out)


def _top_level_end(lines: list[str], start: int) -> int:
    """Index of the first line after ``start`` that opens another top-level key (or a top-level
    comment): where the mapping under the key at ``start`` ends; trailing blank lines excluded."""
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0].isspace()):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def make_explicit(text: str, path: Path, placed: Sequence[ArticleSpec]) -> str:
    """An ``auto`` page turned into a hand-placed one: the ``auto:`` mapping taken out and the
    entries it chose (``placed``, from the last build) written at the end of ``articles:`` (made
    when there is none), with a comment saying where they came from. The page built from the new
    text is the page the desk showed: the same blocks, headline depths, photo cells and fit."""
    root = load_yaml(path, text)
    if not root.is_map or root.get("auto") is None:
        raise InputError(root.loc, "the spec has no 'auto:' to write out")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = root.key_loc("auto").line - 1
    if lines[start][:1].isspace():
        raise InputError(root.key_loc("auto"), "'auto:' is not a top-level key the desk can take out")
    end = _top_level_end(lines, start)
    while start > 0 and lines[start - 1].startswith("#"):  # its comment, which no longer holds
        start -= 1
    note = "  # placed by 'auto:', written out by the desk when one of its modules was moved\n"
    entries = note + placed_entries(placed)
    del lines[start:end]
    if root.get("articles") is None:
        lines.insert(start, "articles:\n" + entries)
        return "".join(lines)
    key = root.key_loc("articles").line - 1
    key = key if key < start else key - (end - start)
    lines.insert(_top_level_end(lines, key), entries)
    return "".join(lines)


# The undo history outlives serve: a hidden folder beside the spec the desk was started on (never
# output/, never watched: the watcher skips hidden paths), one JSON file per spec, the texts
# before and after each edit, newest last. Undo checks the file still holds the "after" text, so
# a history older than a later save from an editor never overwrites it.
HISTORY_DIR = ".pagesetter-desk"
HISTORY_VERSION = 1


def history_path(spec: Path) -> Path:
    return spec.resolve().parent / HISTORY_DIR / f"{spec.stem}.undo.json"


def load_history(store: Path, root: Path, keep: int) -> list[Written]:
    """The edits kept by an earlier session (at most ``keep``); none when there is no store or it
    cannot be read (a damaged history costs the undo, never the desk). Only files inside ``root``."""
    try:
        data = json.loads(store.read_text(encoding="utf-8"))
        edits = data["edits"] if data.get("version") == HISTORY_VERSION else []
        out = []
        for e in edits:
            path = (root / str(e["path"])).resolve()
            if path.is_relative_to(root.resolve()) and isinstance(e["before"], str) and isinstance(e["after"], str):
                out.append(Written(path, e["before"], e["after"]))
        return out[-keep:]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


def save_history(store: Path, root: Path, edits: Sequence[Written]) -> None:
    """The history written whole, atomically (an interrupted write leaves the last one)."""
    data = {"version": HISTORY_VERSION, "edits": [
        {"path": w.path.resolve().relative_to(root.resolve()).as_posix(), "before": w.before, "after": w.after}
        for w in edits]}
    store.parent.mkdir(exist_ok=True)
    write_atomically(store, json.dumps(data, ensure_ascii=False, indent=0).encode("utf-8"))
