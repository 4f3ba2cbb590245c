"""Small typed readers over positioned YAML nodes; each failure names file, line, column."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Iterable

from pagesetter.content.invisible import REFUSED, refusal
from pagesetter.errors import InputError
from pagesetter.spec.model import MAX_NAME, MAX_QUANTITY, Range
from pagesetter.units import Quantity, UnitError, parse_quantity
from pagesetter.yamlsource import Node


def expect_map(node: Node, what: str) -> Node:
    if not node.is_map:
        raise InputError(node.loc, f"{what} must be a mapping (key: value lines), got {_kind(node)}")
    return node


def expect_list(node: Node, what: str) -> list[Node]:
    if not node.is_list:
        raise InputError(node.loc, f"{what} must be a list (lines starting with '- '), got {_kind(node)}")
    return node.value


def check_keys(node: Node, allowed: Iterable[str], what: str, required: Iterable[str] = ()) -> None:
    """Unknown keys are errors with a suggestion; missing required keys name the mapping."""
    allowed = list(allowed)
    for key, _ in node.items():
        if key not in allowed:
            import difflib  # here: only a misspelt key needs it (start-up time)

            near = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; expected one of: {', '.join(allowed)}"
            raise InputError(node.key_loc(key), f"unknown key {key!r} in {what}{hint}")
    for key in required:
        if key not in node.value:
            raise InputError(node.loc, f"{what} needs the key {key!r}")


# C0 and C1 controls and DEL: a YAML escape ("\0", "\e") can put them in a name or a path, where
# a NUL ends the string for the system and an escape sequence rewrites the terminal.
# Tabs and line breaks stay legal in text (a block scalar has them); a file name has none.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NAME_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


# The longest text field of a spec, style sheet, manifest or edition (a name, a folio's paper or
# section, a path): a folio line is set across the page, and a runaway value must not be set for
# minutes (a 对开 page's measure holds some 110 characters of 小五).
MAX_TEXT = 1_000


def text(node: Node, what: str) -> str:
    if isinstance(node.value, bool) or not isinstance(node.value, (str, int, float)):
        raise InputError(node.loc, f"{what} must be text, got {_kind(node)}")
    value = node.written  # a number as typed (name: 007, not 7)
    problem = _text_problem(value, what)
    if problem is not None:
        raise InputError(node.loc, problem)
    return value


def _text_problem(value: str, what: str) -> str | None:
    """Why ``value`` cannot be a text field (text), or None."""
    if len(value) > MAX_TEXT:
        return f"{what} is {len(value):,} characters long; at most {MAX_TEXT:,}"
    found = _CONTROL.search(value)
    if found is not None:
        return f"{what} holds the control character U+{ord(found.group()):04X}; remove it"
    hidden = REFUSED.search(value)
    if hidden is not None:  # a bidi control (content/invisible.py): what prints is not what a viewer shows
        return f"{what}: {refusal(hidden.group())}"
    return None


def file_name(node: Node, what: str) -> str:
    """A name that becomes OUT/<name>.pdf: a plain file name, so the PDF lands in the output
    folder and nowhere else, and is not hidden."""
    name = text(node, what)
    problem = _file_name_problem(name, what)
    if problem is not None:
        raise InputError(node.loc, problem)
    return name


def plain_file_name(name: object) -> bool:
    """Would file_name take ``name``? For a name read back rather than from a spec being built (an
    edition file's name read before its build, a page's name in the layout record of an earlier
    PDF), which the output folder's clean-up (outputs.py) joins to the folder: a name no build
    could have written a PDF as names no file of ours. The one rule, so the two never part."""
    return (isinstance(name, str) and _text_problem(name, "name") is None
            and _file_name_problem(name, "name") is None)


def _file_name_problem(name: str, what: str) -> str | None:
    """Why the text ``name`` cannot be a file name (file_name), or None."""
    found = _NAME_CONTROL.search(name)
    if found is not None:
        return f"{what} holds the control character U+{ord(found.group()):04X}; remove it"
    if not name.strip():
        return f"{what} is empty; give the PDF a name"
    hidden = next((ch for ch in name if unicodedata.category(ch) == "Cf"), None)
    if hidden is not None:
        # A bidi override makes "tiny\u202efdp.exe" read as "tinyexe.pdf" in a file list (CVE-2021-42574).
        return (f"{what} holds the invisible format character U+{ord(hidden):04X} "
                f"({unicodedata.name(hidden, 'unnamed')}); a file name must read as it is")
    if "/" in name or "\\" in name:
        return (f"{what} {name!r} must be a plain file name, without / or \\ "
                "(the PDF is written to the output folder)")
    if name.startswith("."):
        return f"{what} {name!r} must not start with '.' (a hidden file)"
    if len(name) > MAX_NAME:
        return f"{what} is {len(name)} characters long; at most {MAX_NAME}"
    return None


def integer(node: Node, what: str, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(node.value, bool) or not isinstance(node.value, int):
        raise InputError(node.loc, f"{what} must be a whole number, got {_kind(node)}")
    if minimum is not None and node.value < minimum:
        raise InputError(node.loc, f"{what} must be at least {minimum}, got {node.value}")
    if maximum is not None and node.value > maximum:
        raise InputError(node.loc, f"{what} must be at most {maximum}, got {node.value}")
    return node.value


def number(node: Node, what: str, minimum: float | None = None, allowed: Range | None = None) -> float:
    """A finite number; at least ``minimum``, and within ``allowed`` when given."""
    if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
        raise InputError(node.loc, f"{what} must be a number, got {_kind(node)}")
    try:
        value = float(node.value)
    except OverflowError:  # a 400-digit integer
        value = math.inf
    if not math.isfinite(value):
        raise InputError(node.loc, f"{what} must be a finite number, got {node.value}")
    if minimum is not None and value < minimum:
        raise InputError(node.loc, f"{what} must be at least {minimum}, got {node.value}")
    if allowed is not None:
        in_range(node, what, value, allowed)
    return value


def in_range(node: Node, what: str, value: float, allowed: Range) -> float:
    """``value`` (in ``allowed.unit``) if inside ``allowed``, else a located error naming the range."""
    if not allowed.low <= value <= allowed.high:
        raise InputError(node.loc, f"{what} must be {_span(allowed)}, got {node.value}")
    return value


def _span(r: Range) -> str:
    unit = {"%": "", "em": " em (字)", "pt": " pt"}.get(r.unit, f" {r.unit}")
    if r.unit == "pt" and r.high > 1000:  # page sizes read better in mm
        return f"{r.low * 25.4 / 72:g}–{r.high * 25.4 / 72:g} mm"
    return f"{r.low:g}–{r.high:g}{unit}"


def boolean(node: Node, what: str) -> bool:
    if not isinstance(node.value, bool):
        hint = " (YAML 1.2 reads yes/no/on/off as text: write true or false)" \
            if isinstance(node.value, str) and node.value.lower() in ("yes", "no", "on", "off", "y", "n") else ""
        raise InputError(node.loc, f"{what} must be true or false, got {_kind(node)}{hint}")
    return node.value


def choice(node: Node, what: str, options: Iterable[str]) -> str:
    options = list(options)
    value = text(node, what)
    if value not in options:
        import difflib  # here: only a wrong value needs it (start-up time)

        near = difflib.get_close_matches(value, options, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise InputError(node.loc, f"{what} must be one of {', '.join(options)}, got {value!r}{hint}")
    return value


def quantity(node: Node, what: str, allowed: frozenset[str], positive: bool = True,
             zero_ok: bool = False) -> Quantity:
    if isinstance(node.value, (list, dict)) or node.value is None:  # str() of these would show our Node records
        raise InputError(node.loc, f"{what} must be a length such as 9pt or 12mm, got {_kind(node)}")
    try:
        q = parse_quantity(node.value, allowed)
    except UnitError as exc:
        raise InputError(node.loc, f"{what}: {exc}") from None
    if not math.isfinite(q.value) or abs(q.value) > MAX_QUANTITY:
        raise InputError(node.loc, f"{what} must be a finite number under {MAX_QUANTITY:,}, got {node.value}")
    if positive and (q.value < 0 or (q.value == 0 and not zero_ok)):
        limit = "zero or more" if zero_ok else "more than zero"
        raise InputError(node.loc, f"{what} must be {limit}, got {node.value}")
    return q


def _kind(node: Node) -> str:
    v = node.value
    if v is None:
        return "nothing"
    if isinstance(v, bool):
        return f"{str(v).lower()} (true/false)"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, (int, float)):
        return f"the number {v}"
    return f"{v!r}"
