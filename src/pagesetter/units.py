"""Units a layout editor writes, turned into PostScript points.

Lengths in a spec always carry their unit: ``mm``, ``pt``, ``Q`` (0.25 mm),
``字``/``em`` (characters of the style's or the grid's body size), ``lines``/``行``
(baseline-grid lines), ``cols``/``栏`` (grid columns). Type sizes may also be
Chinese size names (号).
"""

from __future__ import annotations

import re

from pagesetter.records import record

PT_PER_MM = 72 / 25.4

# Chinese type size names (号) in points. Source: the 号数制 table as given in
# ../shared/TYPOGRAPHY.md ("Units and sizes"); 五号 = 10.5 pt, 小五 = 9 pt.
HAO_SIZES: dict[str, float] = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18,
    "三号": 16, "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9,
    "六号": 7.5, "小六": 6.5, "七号": 5.5, "八号": 5,
}

# Unit spellings accepted in specs, mapped to the canonical unit.
UNIT_ALIASES: dict[str, str] = {
    "mm": "mm", "cm": "cm", "pt": "pt", "q": "Q", "Q": "Q", "in": "in",
    "字": "zi", "em": "zi", "zi": "zi",
    "lines": "line", "line": "line", "行": "line",
    "cols": "col", "col": "col", "栏": "col",
}

ABSOLUTE_TO_PT: dict[str, float] = {
    "pt": 1.0, "mm": PT_PER_MM, "cm": 10 * PT_PER_MM, "Q": 0.25 * PT_PER_MM, "in": 72.0,
}

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*([A-Za-z字行栏]+)?\s*$")


@record(frozen=True)
class Quantity:
    """A number with a canonical unit: pt, mm, cm, Q, in, zi, line or col."""

    value: float
    unit: str

    def to_pt(self, *, em: float | None = None, line: float | None = None, col: float | None = None) -> float:
        """Resolve to points; relative units need their reference length."""
        if self.unit in ABSOLUTE_TO_PT:
            return self.value * ABSOLUTE_TO_PT[self.unit]
        ref = {"zi": em, "line": line, "col": col}[self.unit]
        if ref is None:
            raise ValueError(f"unit {self.unit} has no reference here")
        return self.value * ref

    def __str__(self) -> str:
        return f"{self.value:g}{self.unit}"


class UnitError(ValueError):
    """A value that is not a quantity in one of the allowed units."""


def parse_quantity(raw: object, allowed: frozenset[str] | set[str]) -> Quantity:
    """Parse ``"12mm"``, ``"2字"``, ``"小五"``, ``"13.5 pt"``; reject bare numbers.

    ``allowed`` holds canonical units; ``"hao"`` allows size names (resolved to pt).
    """
    if isinstance(raw, bool) or raw is None:
        raise UnitError(f"expected a length such as {_example(allowed)}, got {raw!r}")
    if isinstance(raw, (int, float)):
        raise UnitError(f"{raw} has no unit; write it with one, e.g. {_with_units(str(raw), allowed)}")
    text = str(raw).strip()
    if "hao" in allowed and text in HAO_SIZES:
        return Quantity(HAO_SIZES[text], "pt")
    m = _QUANTITY.match(text)
    if not m:
        raise UnitError(f"expected a length such as {_example(allowed)}, got {text!r}")
    number, unit_text = m.groups()
    if unit_text is None:
        raise UnitError(f"{text} has no unit; write it with one, e.g. {_with_units(text, allowed)}")
    unit = UNIT_ALIASES.get(unit_text) or UNIT_ALIASES.get(unit_text.lower())
    if unit is None or unit not in allowed:
        raise UnitError(f"unit {unit_text!r} is not allowed here; use {_allowed_text(allowed)}")
    return Quantity(float(number), unit)


def _with_units(number: str, allowed: frozenset[str] | set[str]) -> str:
    """The bare number written with the allowed units (two at most): 13.5pt or 13.5mm. One unit
    alone guessed wrong for half the fields (a pitch of 13.5 suggested as 13.5mm: trial 14)."""
    shown = [number + {"zi": "字", "line": " lines"}.get(u, u) for u in ("pt", "mm", "zi", "line") if u in allowed]
    return " or ".join(shown[:2]) or number + "pt"


def _allowed_text(allowed: frozenset[str] | set[str]) -> str:
    names = {"zi": "字/em", "line": "lines/行", "col": "cols/栏", "hao": "a size name (小五, 五号, 初号 …)"}
    return ", ".join(names.get(u, u) for u in sorted(allowed))


def _example(allowed: frozenset[str] | set[str]) -> str:
    if "hao" in allowed:
        return "9pt or 小五"
    return "12mm" if "mm" in allowed else "2字"


LENGTH = frozenset({"pt", "mm", "cm", "Q", "in"})
LENGTH_OR_ZI = LENGTH | {"zi"}
SIZE = LENGTH | {"hao"}
