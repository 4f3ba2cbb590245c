"""Hyphenation points of Latin words, from the LibreOffice (TeX-derived) patterns that pyphen ships.

The language goes by script (HYPHENATION_LANGUAGES, compose/chars.py): a Latin word in Chinese
copy is taken as English; its language cannot be told from the word alone (Stuttgart is German,
and en_US still finds Stutt-gart).

Why not pyphen's own Pyphen object: importing pyphen and parsing its 11 000 en_US patterns with
its regular expressions costs 60-140 ms of every process that sets a Latin word (a cold build,
every edition worker). The patterns, parsed by pyphen once, are shipped beside this module
(PATTERN_TABLES, written by ``write_pattern_table``, named by the digest of the .dic file they came
from) and applied here by the same algorithm as pyphen's HyphDict.positions (Liang's, TeX's);
a table that is not the installed dictionary's is ignored and pyphen parses the file as before.
tests/test_hyphenation.py checks both: the table is the installed dictionary's, and the points are
pyphen's.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from pagesetter.compose.chars import HYPHEN_MIN_LEFT, HYPHEN_MIN_RIGHT, HYPHEN_MIN_WORD, HYPHENATION_LANGUAGES
from pagesetter.records import record

PATTERN_TABLES = Path(__file__).with_name("hyphenation")  # hyph_<lang>.json, one per language we use
TABLE_FORMAT = 2  # a pattern's values written "offset,digits" (Patterns); 1 (no key): [offset, [values]]


@record(frozen=True)
class Patterns:
    """Liang patterns as pyphen's HyphDict holds them: letters -> the offset of the first value
    and the values, zeros chopped at both ends, written "offset,values" (``_encoded``: 2,0301 is
    offset 2, values 0 3 0 1; a value is one digit) and read only for the patterns a word meets:
    11 000 strings load from the shipped table in about 2 ms, where as lists of numbers they took
    15 ms of a cold build; ``maxlen``: the longest pattern."""

    table: dict[str, str]
    maxlen: int

    def positions(self, word: str) -> list[int]:
        """pyphen.HyphDict.positions: offsets where the odd values of every matching pattern,
        maximised, allow a break."""
        pointed = f".{word.lower()}."
        references = [0] * (len(pointed) + 1)
        for i in range(len(pointed) - 1):
            for j in range(i + 1, min(i + self.maxlen, len(pointed)) + 1):
                found = self.table.get(pointed[i:j])
                if found is None:
                    continue
                offset, _, values = found.partition(",")
                start = i + int(offset)
                for k, digit in enumerate(values, start):
                    value = ord(digit) - 48  # "0"-"9"
                    if value > references[k]:
                        references[k] = value
        return [i - 1 for i, reference in enumerate(references) if reference % 2]


def _encoded(offset: int, values: tuple[int, ...]) -> str:
    """A pattern's offset and values as Patterns.table holds them."""
    if not all(0 <= v <= 9 for v in values):
        raise ValueError(f"a Liang value past 9: {values}")  # Patterns reads one digit a value
    return f"{offset}," + "".join(map(str, values))


def _dictionary_file(lang: str) -> Path | None:
    """pyphen's hyph_<lang>.dic, found without importing pyphen (which lists every dictionary)."""
    spec = find_spec("pyphen")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "dictionaries" / f"hyph_{lang}.dic"
    return path if path.is_file() else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _from_pyphen(lang: str) -> Patterns | None:
    """The patterns as pyphen parses them (the slow way, and the source of the shipped tables)."""
    import pyphen

    if lang not in pyphen.LANGUAGES:
        return None
    hd = pyphen.Pyphen(lang=lang).hd
    table = {key: _encoded(start, tuple(int(v) for v in values)) for key, (start, values) in hd.patterns.items()}
    return Patterns(table, hd.maxlen)


def _shipped(lang: str, source: Path) -> Patterns | None:
    try:
        shipped = json.loads((PATTERN_TABLES / f"hyph_{lang}.json").read_text(encoding="utf-8"))
        if shipped.get("source_sha256") != _sha256(source) or shipped.get("format") != TABLE_FORMAT:
            return None
        return Patterns(shipped["patterns"], int(shipped["maxlen"]))
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return None


def write_pattern_table(lang: str) -> None:
    """Parse pyphen's dictionary for ``lang`` and ship it as a table beside this module (run after
    pyphen is upgraded; a test checks the table is the installed dictionary's)."""
    source = _dictionary_file(lang)
    patterns = _from_pyphen(lang)
    if source is None or patterns is None:
        raise SystemExit(f"pyphen has no dictionary for {lang}")
    table = {"about": f"compose/hyphenate.py: pyphen's hyph_{lang}.dic parsed by pyphen.HyphDict",
             "source_sha256": _sha256(source), "format": TABLE_FORMAT, "maxlen": patterns.maxlen,
             "patterns": dict(sorted(patterns.table.items()))}
    PATTERN_TABLES.mkdir(exist_ok=True)
    (PATTERN_TABLES / f"hyph_{lang}.json").write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":"))
                                                      + "\n", encoding="utf-8")


@lru_cache(maxsize=None)
def _dictionary(script: str) -> Patterns | None:
    """The patterns for a script's language, loaded once (a read-only table, not state)."""
    lang = HYPHENATION_LANGUAGES.get(script)
    source = _dictionary_file(lang) if lang is not None else None
    if lang is None or source is None:
        return None
    return _shipped(lang, source) or _from_pyphen(lang)


@lru_cache(maxsize=4096)
def hyphen_points(word: str, script: str = "Latn") -> tuple[int, ...]:
    """Offsets inside ``word`` where it may be hyphenated: none for a word shorter than
    HYPHEN_MIN_WORD letters, or with a capital past its first letter (an acronym or a product
    name: ADAS, iPhone, CarPlay, which a desk never hyphenates). ``word`` is a word between
    hyphens, apostrophes included: the capital after one holds the word too (a name: O'Connor,
    D'Angelo, as McDonald), where its letter runs alone (Connor) would look like common words.
    A word of lower case with an apostrophe (don't, children's) is hyphenated within its
    letter runs. At least HYPHEN_MIN_LEFT letters of a run before a point and HYPHEN_MIN_RIGHT
    after it (pyphen.Pyphen's left and right)."""
    if any(ch.isupper() for ch in word[1:]):
        return ()
    dictionary = _dictionary(script)
    if dictionary is None:
        return ()
    points: list[int] = []
    start = 0
    for run in _APOSTROPHE.split(word):
        if len(run) >= HYPHEN_MIN_WORD and run.isalpha():
            right = len(run) - HYPHEN_MIN_RIGHT
            points += [start + p for p in dictionary.positions(run) if HYPHEN_MIN_LEFT <= p <= right]
        start += len(run) + 1
    return tuple(points)


# Apostrophes inside a word (O'Connor, don't): ASCII and U+2019, as copy types them.
_APOSTROPHE = re.compile("['\u2019]")
