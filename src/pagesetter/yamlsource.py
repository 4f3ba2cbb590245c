"""YAML in, a tree of positioned nodes out.

Specs and article front matter are YAML written by hand. We keep the position of
every key and value so that every later error can name file, line and column.
Only safe YAML is accepted: no Python tags, duplicate keys are errors, and an
alias bomb is stopped by a node budget.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path
from typing import Any, Iterator

import yaml

from pagesetter.errors import InputError, Loc, display_path
from pagesetter.paths import NotRegularFile, open_regular
from pagesetter.records import record

# A hand-written page spec has a few hundred nodes; this budget stops
# "billion laughs" alias expansion long before it costs memory.
MAX_NODES = 200_000
# A spec is a handful of levels deep; parsing and converting are recursive, so a file nested
# thousands deep would exhaust Python's stack (RecursionError) instead of getting a message.
# libyaml stops at 1,000 flow levels; we stop at this.
MAX_DEPTH = 100

_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}


@record(frozen=True)
class Node:
    """A YAML value and where it stands.

    ``value`` is a str, int, float, bool, None or date for scalars, a
    ``dict[str, Node]`` for mappings (insertion-ordered) and a ``list[Node]``
    for sequences. ``key_locs`` gives the position of each mapping key.
    """

    value: Any
    loc: Loc
    key_locs: dict[str, Loc] | None = None
    # A number's or a date's scalar as the file has it (title: 1.50, kicker: 007, title: 2026-12-2
    # 9:30:00): YAML reads them as 1.5, 7 and a datetime, but a text field prints what was typed
    # (``written``). None for every other value.
    source: str | None = None

    @property
    def written(self) -> str:
        """The value as text: a number or a date as typed (``source``), anything else as str() gives it."""
        return self.source if self.source is not None else str(self.value)

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)

    def get(self, key: str) -> "Node | None":
        return self.value.get(key) if isinstance(self.value, dict) else None

    def items(self) -> Iterator[tuple[str, "Node"]]:
        assert isinstance(self.value, dict)
        return iter(self.value.items())

    def key_loc(self, key: str) -> Loc:
        if self.key_locs and key in self.key_locs:
            return self.key_locs[key]
        return self.loc

    def plain(self) -> Any:
        """The value with all positions stripped (for data that needs no more checking)."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


# The largest text input read (spec, style sheet, manifest, edition, article): a 120,000-character
# article is some 400 KB of UTF-8; a file of gigabytes would be read whole into memory first.
MAX_TEXT_FILE = 16_000_000


def read_text(path: Path) -> str:
    """Read a UTF-8 text file, explaining the usual newsroom encodings when it is not."""
    loc = Loc.of_file(path)
    try:
        with open_regular(path) as fh:
            data = fh.read(MAX_TEXT_FILE + 1)  # not more, whatever the file says its size is
            if len(data) > MAX_TEXT_FILE:
                size = max(os.fstat(fh.fileno()).st_size, len(data))
                raise InputError(loc, f"file is {size / 1e6:,.0f} MB; a spec, style sheet, manifest or article is "
                                 f"at most {MAX_TEXT_FILE // 1_000_000} MB")
    except FileNotFoundError:
        raise InputError(loc, "file not found") from None
    except IsADirectoryError:
        raise InputError(loc, "expected a file, found a directory") from None
    except NotRegularFile as exc:
        raise InputError(loc, exc.strerror) from None
    except ValueError:  # a NUL in the name (from a YAML "\0" escape)
        raise InputError(loc, "the file name holds a NUL character") from None
    except OSError as exc:
        raise InputError(loc, f"cannot read file: {exc.strerror}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 BOM is harmless; Windows editors add it
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(loc, "file is UTF-16; save it as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = " (it looks like GBK/GB18030; convert it with: iconv -f GB18030 -t UTF-8)"
        except UnicodeDecodeError:
            pass
        raise InputError(
            Loc(display_path(path), line, col), f"file is not valid UTF-8{hint}"
        ) from None


def load_yaml(path: Path, text: str | None = None, first_line: int = 1) -> Node:
    """Parse YAML text (read from ``path`` unless given) into a positioned Node tree.

    ``first_line`` is the file line where ``text`` starts (front matter starts on line 2).
    """
    shown = display_path(path)
    if text is None:
        text = read_text(path)
    if text.strip() == "":
        raise InputError(Loc(shown, first_line, 1), "file is empty; expected a YAML mapping")
    found = _UNPRINTABLE.search(text)
    if found is not None:
        bad = found.start()
        line = text.count("\n", 0, bad) + first_line
        col = bad - (text.rfind("\n", 0, bad) + 1) + 1
        raise InputError(Loc(shown, line, col), f"control character U+{ord(text[bad]):04X} in the file; "
                         "remove it (pasted copy often carries them)")
    loader, root = _fast_compose(text, shown, first_line)
    if loader is not None:
        try:
            return _finish(root, shown, first_line, loader)
        finally:
            loader.dispose()
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except RecursionError:
        raise InputError(Loc(shown, first_line, 1), f"YAML nested too deeply (over {MAX_DEPTH} levels)") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        col = (mark.column + 1) if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        if "\t" in text and "tab" in str(problem).lower() or "found character '\\t'" in str(problem):
            problem = "a tab character; YAML indents with spaces only"
        raise InputError(Loc(shown, line, col), f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(Loc(shown, first_line), f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return _finish(root, shown, first_line, loader)


def _finish(root: yaml.Node | None, shown: str, first_line: int, loader: yaml.SafeLoader) -> Node:
    if root is None:
        raise InputError(Loc(shown, first_line, 1), "file holds no YAML value; expected a mapping")
    budget = [MAX_NODES]
    try:
        return _convert(root, shown, first_line, loader, budget)
    except RecursionError:
        raise InputError(Loc(shown, first_line, 1), f"YAML nested too deeply (over {MAX_DEPTH} levels)") from None


def _fast_compose(text: str, shown: str, first_line: int) -> tuple[yaml.SafeLoader | None, yaml.Node | None]:
    """libyaml's parser when PyYAML has it (ten times faster), for a file it parses cleanly. On any
    syntax error (None, None): the pure-Python parser runs again, so every message reads the same.
    Too deep a nesting is reported here: the pure-Python parser would recurse until the stack ends."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None, None
    loader = yaml.CSafeLoader(text)
    try:
        return loader, loader.get_single_node()  # type: ignore[return-value]
    except yaml.MarkedYAMLError as exc:
        loader.dispose()
        if "nesting depth" in str(exc.problem) and exc.problem_mark is not None:
            raise InputError(Loc(shown, exc.problem_mark.line + first_line, exc.problem_mark.column + 1),
                             f"YAML nested too deeply (over {MAX_DEPTH} levels)") from None
        return None, None
    except (yaml.YAMLError, RecursionError):
        loader.dispose()
        return None, None


# Characters YAML refuses (YAML 1.1 §5.1): C0 controls but tab and newlines, DEL, surrogates,
# U+FFFE and U+FFFF. One search in C, not a Python test per character of every spec and article.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
# What only YAML 1.1 makes a number of: base 60 (1:20, 1:20.5), digit separators (1_000), binary.
_YAML11_ONLY_NUMBER = re.compile(r"[:_]|^[-+]?0b")
_DECIMAL = re.compile(r"[-+]?[0-9]+")


def _loc(node: yaml.Node, shown: str, first_line: int) -> Loc:
    return Loc(shown, node.start_mark.line + first_line, node.start_mark.column + 1)


def _convert(node: yaml.Node, shown: str, first_line: int, loader: yaml.SafeLoader, budget: list[int],
             depth: int = 0) -> Node:
    budget[0] -= 1
    loc = _loc(node, shown, first_line)
    if depth > MAX_DEPTH:
        raise InputError(loc, f"YAML nested too deeply (over {MAX_DEPTH} levels)")
    if budget[0] < 0:
        raise InputError(loc, f"YAML too large or too many aliases (over {MAX_NODES} nodes)")
    if node.tag not in _SAFE_TAGS:
        raise InputError(loc, f"YAML tag {node.tag!r} is not allowed; only plain values, lists and mappings")
    if isinstance(node, yaml.MappingNode):
        values: dict[str, Node] = {}
        key_locs: dict[str, Loc] = {}
        for key_node, value_node in node.value:
            kloc = _loc(key_node, shown, first_line)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError(kloc, "YAML merge keys (<<) are not supported; write the keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(kloc, "mapping key must be a plain word")
            key = str(key_node.value)
            if key in values:
                raise InputError(kloc, f"duplicate key {key!r} (first at line {key_locs[key].line})")
            key_locs[key] = kloc
            values[key] = _convert(value_node, shown, first_line, loader, budget, depth + 1)
        return Node(values, loc, key_locs)
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(n, shown, first_line, loader, budget, depth + 1) for n in node.value], loc)
    if node.tag == "tag:yaml.org,2002:bool" and str(node.value).lower() not in ("true", "false"):
        # YAML 1.1 (PyYAML) reads yes/no/on/off/y/n as booleans; YAML 1.2, the editors' YAML servers
        # and the JSON Schema read them as text. Text here too, so the loader and the schema agree:
        # a switch needs true or false, and a title may be 'No'.
        return Node(str(node.value), loc)
    if node.tag in _NUMBER_TAGS and isinstance(node, yaml.ScalarNode) and not node.style:  # plain (None or "")
        written = str(node.value)
        if _YAML11_ONLY_NUMBER.search(written):
            # YAML 1.1 (PyYAML) reads 1:20 as 80 (base 60), 0b101 as 5 and 1_000 as 1000; YAML 1.2, the
            # editors' YAML servers and the JSON Schema read them as text. Text here too: a title
            # '1:20' printed as 80 would be a wrong page that builds clean.
            return Node(written, loc)
        if _DECIMAL.fullmatch(written):
            return Node(int(written, 10), loc, source=written)  # 010 is ten (YAML 1.2), not eight (1.1's octal)
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as exc:
        # the value named (trial 14: "invalid value: day is out of range for month" of 2026-02-30)
        raise InputError(loc, f"invalid value {str(node.value)[:60]!r}: {exc}") from None
    if isinstance(value, (_dt.date, _dt.datetime)):
        # A date or time typed plain (title: 2026-12-02 14:30:00): the value in ISO form (a spec's
        # date: reads it so), the text field what was typed (``written``), never 2026-12-02T14:30:00
        # (session 15's trial).
        return Node(value.isoformat(), loc, source=str(node.value))
    if node.tag in _NUMBER_TAGS and isinstance(node, yaml.ScalarNode):
        return Node(value, loc, source=str(node.value))  # 1.50, 1e3, 0x1F, .inf as typed
    return Node(value, loc)
