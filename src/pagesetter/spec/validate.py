"""Small typed readers over positioned YAML nodes; each failure names file, line, column."""

from __future__ import annotations

import difflib
from typing import Iterable

from pagesetter.errors import InputError
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
            near = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; expected one of: {', '.join(allowed)}"
            raise InputError(node.key_loc(key), f"unknown key {key!r} in {what}{hint}")
    for key in required:
        if key not in node.value:
            raise InputError(node.loc, f"{what} needs the key {key!r}")


def text(node: Node, what: str) -> str:
    if isinstance(node.value, bool) or not isinstance(node.value, (str, int, float)):
        raise InputError(node.loc, f"{what} must be text, got {_kind(node)}")
    return str(node.value)


def integer(node: Node, what: str, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(node.value, bool) or not isinstance(node.value, int):
        raise InputError(node.loc, f"{what} must be a whole number, got {_kind(node)}")
    if minimum is not None and node.value < minimum:
        raise InputError(node.loc, f"{what} must be at least {minimum}, got {node.value}")
    if maximum is not None and node.value > maximum:
        raise InputError(node.loc, f"{what} must be at most {maximum}, got {node.value}")
    return node.value


def number(node: Node, what: str, minimum: float | None = None) -> float:
    if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
        raise InputError(node.loc, f"{what} must be a number, got {_kind(node)}")
    if minimum is not None and node.value < minimum:
        raise InputError(node.loc, f"{what} must be at least {minimum}, got {node.value}")
    return float(node.value)


def boolean(node: Node, what: str) -> bool:
    if not isinstance(node.value, bool):
        raise InputError(node.loc, f"{what} must be true or false, got {_kind(node)}")
    return node.value


def choice(node: Node, what: str, options: Iterable[str]) -> str:
    options = list(options)
    value = text(node, what)
    if value not in options:
        near = difflib.get_close_matches(value, options, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise InputError(node.loc, f"{what} must be one of {', '.join(options)}, got {value!r}{hint}")
    return value


def quantity(node: Node, what: str, allowed: frozenset[str], positive: bool = True,
             zero_ok: bool = False) -> Quantity:
    try:
        q = parse_quantity(node.value, allowed)
    except UnitError as exc:
        raise InputError(node.loc, f"{what}: {exc}") from None
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
