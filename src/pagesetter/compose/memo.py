"""Lines already set, kept by what they depend on, so no paragraph is composed twice.

Fitting tries many headline and photo depths, `auto` tries many arrangements, an edition sets
the same styles again and again, and an editor rebuilds a page after changing one sentence:
each of these asks for lines the build (or the last build) has already set. Composition is a pure
function of the text, the typesetting fields of its styles, the measure and the faces, so the
memo is keyed by exactly those; build.py keeps it on disk between builds (cache.py), under a key
that holds the face files and the engine's code: a page's memo, and beside it the lines set since
it was written (so an edit writes the paragraph it changed, not the whole page's lines again).
"""

from __future__ import annotations

from dataclasses import field
from typing import Callable, Hashable, TypeVar

from pagesetter.records import record
from pagesetter.spec.model import Style

T = TypeVar("T")


def style_key(style: Style) -> tuple:
    """The fields of a style that change how text is set (not its name, not where it was written)."""
    return (style.font, style.size, style.leading, style.tracking, style.color, style.align, style.indent,
            style.punctuation, style.latin_space, style.word_space, style.hyphenate_capitals)


@record
class ComposeMemo:
    entries: dict[Hashable, object] = field(default_factory=dict)
    used: set[Hashable] = field(default_factory=set)  # keys this build asked for (what is saved)
    # The keys of what was read from the disk cache (build.load_memo): the page's memo, and the
    # lines set since, kept beside it
    base: frozenset[Hashable] = frozenset()
    since: frozenset[Hashable] = frozenset()
    hits: int = 0
    misses: int = 0

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        self.used.add(key)
        if key in self.entries:
            self.hits += 1
            return self.entries[key]  # type: ignore[return-value]
        self.misses += 1
        value = self.entries[key] = make()
        return value

    def load(self, entries: dict[Hashable, object]) -> None:
        for key, value in entries.items():
            self.entries.setdefault(key, value)

    def used_entries(self) -> dict[Hashable, object]:
        return {key: self.entries[key] for key in self.used if key in self.entries}
