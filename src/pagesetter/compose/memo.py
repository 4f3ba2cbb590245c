"""Lines already set, kept by what they depend on, so no paragraph is composed twice.

Fitting tries many headline and photo depths, `auto` tries many arrangements, an edition sets
the same styles again and again, and an editor rebuilds a page after changing one sentence:
each of these asks for lines the build (or the last build) has already set. Composition is a pure
function of the text, the typesetting fields of its styles, the measure and the faces, so the
memo is keyed by exactly those; build.py keeps its entries on disk between builds (cache.py), one
cache entry per paragraph or headline, under a key that also holds the face files and the
engine's code. An entry is read from disk only when a build asks for it, and only the entries a
build set itself are written: an edit that changes one sentence reads the page's other paragraphs
and writes one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Hashable, TypeVar

from pagesetter.spec.model import Style

T = TypeVar("T")


def style_key(style: Style) -> tuple:
    """The fields of a style that change how text is set (not its name, not where it was written)."""
    return (style.font, style.size, style.leading, style.tracking, style.color, style.align, style.indent,
            style.punctuation, style.latin_space, style.word_space)


@dataclass
class ComposeMemo:
    entries: dict[Hashable, object] = field(default_factory=dict)
    used: set[Hashable] = field(default_factory=set)  # keys this build asked for
    fresh: set[Hashable] = field(default_factory=set)  # keys set in this process (or its precompose child), not read
    # Where entries this memo lacks are looked for (build.py: the disk cache); None: nowhere else.
    stored: Callable[[Hashable], object | None] | None = None
    hits: int = 0
    misses: int = 0

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        self.used.add(key)
        if self.has(key):
            self.hits += 1
            return self.entries[key]  # type: ignore[return-value]
        self.misses += 1
        value = self.entries[key] = make()
        self.fresh.add(key)
        return value

    def has(self, key: Hashable) -> bool:
        """Is ``key`` set already, here or where entries are stored (then it is read in)?"""
        if key in self.entries:
            return True
        found = None if self.stored is None else self.stored(key)
        if found is None:
            return False
        self.entries[key] = found
        return True

    def load(self, entries: dict[Hashable, object]) -> None:
        """Entries set elsewhere in this build (a precompose child, an earlier build in a session)."""
        for key, value in entries.items():
            if key not in self.entries:
                self.entries[key] = value
                self.fresh.add(key)

    def used_entries(self) -> dict[Hashable, object]:
        return {key: self.entries[key] for key in self.used if key in self.entries}

    def unsaved(self) -> dict[Hashable, object]:
        """The entries set in this process since the last ``saved()``: what the disk lacks."""
        return {key: self.entries[key] for key in self.fresh if key in self.entries}

    def saved(self) -> None:
        self.fresh = set()
