"""Hyphenation points of Latin words, from the LibreOffice (TeX-derived) patterns that pyphen ships.

The language goes by script (HYPHENATION_LANGUAGES, compose/chars.py): a Latin word in Chinese
copy is taken as English; its language cannot be told from the word alone (Stuttgart is German,
and en_US still finds Stutt-gart).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

from pagesetter.compose.chars import HYPHEN_MIN_LEFT, HYPHEN_MIN_RIGHT, HYPHEN_MIN_WORD, HYPHENATION_LANGUAGES


@lru_cache(maxsize=None)
def _dictionary(script: str) -> pyphen.Pyphen | None:
    """The patterns for a script's language, loaded once (a read-only table, not state)."""
    lang = HYPHENATION_LANGUAGES.get(script)
    if lang is None or lang not in pyphen.LANGUAGES:
        return None
    return pyphen.Pyphen(lang=lang, left=HYPHEN_MIN_LEFT, right=HYPHEN_MIN_RIGHT)


@lru_cache(maxsize=4096)
def hyphen_points(word: str, script: str = "Latn") -> tuple[int, ...]:
    """Offsets inside ``word`` where it may be hyphenated: none for a word shorter than
    HYPHEN_MIN_WORD letters, or with a capital past its first letter (an acronym or a product
    name: ADAS, iPhone, CarPlay, which a desk never hyphenates). ``word`` is a word between
    hyphens, apostrophes included: the capital after one holds the word too (a name: O'Connor,
    D'Angelo, as McDonald), where its letter runs alone (Connor) would look like common words.
    A word of lower case with an apostrophe (don't, children's) is hyphenated within its
    letter runs."""
    if any(ch.isupper() for ch in word[1:]):
        return ()
    dictionary = _dictionary(script)
    if dictionary is None:
        return ()
    points: list[int] = []
    start = 0
    for run in _APOSTROPHE.split(word):
        if len(run) >= HYPHEN_MIN_WORD and run.isalpha():
            points += [start + p for p in dictionary.positions(run)]
        start += len(run) + 1
    return tuple(points)


# Apostrophes inside a word (O'Connor, don't): ASCII and U+2019, as copy types them.
_APOSTROPHE = re.compile("['\u2019]")
