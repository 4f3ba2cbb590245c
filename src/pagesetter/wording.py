"""Counts in messages: one place that says them, so a count of one is never said in the plural
("8 characters in 1 lines", "(1 empty lines)": trial 16 #11)."""

from __future__ import annotations


def noun_for(n: int, noun: str, plural: str = "") -> str:
    """``noun`` as ``n`` of it is said: singular for one (or minus one: "+1 line"), else ``plural``,
    by default the noun and an s."""
    return noun if abs(n) == 1 else plural or noun + "s"


def counted(n: int, noun: str, plural: str = "") -> str:
    """``n`` and ``noun``: counted(1, "line") is "1 line", counted(3, "line") "3 lines"; ``plural``
    where adding an s is wrong (counted(2, "URL broken badly", "URLs broken badly"))."""
    return f"{n} {noun_for(n, noun, plural)}"
