"""Memos for a long-lived build session (session.py): values kept by the identity of their inputs.

A session keeps each input (spec, article, page line) as one object for as long as it is
unchanged, so "the same input" is "the same object": a memo key compares its objects by
identity, which costs nothing however large the object is, and is never fooled by an equal-looking
but different value. Strings, numbers and tuples in a key compare by value (a tuple of glyph ids,
a file's size and modification time).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Hashable, Protocol


class Memo(Protocol):
    """What flow/page.py, flow/glyphs.py, content/normalise.py, proof/sourcemap.py and render/pdf.py
    accept to reuse a piece of a previous build (None there means "compute it"): ``memo(key, make)``
    is the value kept for ``key``, or ``make()``, kept from now on; ``has(key)``: is one kept?"""

    def __call__(self, key: tuple, make: Callable[[], Any]) -> Any: ...

    def has(self, key: tuple) -> bool: ...

    def token(self, value: object) -> object: ...


# Compared by value in a key; anything else by identity.
_BY_VALUE = frozenset({str, int, float, bool, type(None), tuple, frozenset})


def by_value(value: object) -> object:
    """``value`` in a tuple, so that a memo compares it by value; itself, compared by identity,
    when it cannot be hashed."""
    try:
        hash(value)
    except TypeError:
        return value
    return value if isinstance(value, tuple) else (value,)


class _Token:
    """Stands for a value in memo keys, compared by identity (IdentityMemo.token)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


SLACK = 256  # entries not worth a sweep
SWEEP_EVERY = 8  # builds: a one-article edit leaves a few hundred entries behind


class IdentityMemo:
    """A dict of values keyed by tuples of objects compared by identity. Each entry keeps its key's
    objects alive (so an id is never reused while the entry stands). ``sweep`` drops the entries
    the last build did not ask for, so the memo stays the size of one page; except those of the
    ``lasting`` kinds (a key's first item), kept for ``builds`` builds: an editor trying two
    wordings goes back and forth between two glyph sets, each subset made and compressed once."""

    def __init__(self, lasting: frozenset[str] = frozenset(), builds: int = 8) -> None:
        self._entries: dict[tuple[Hashable, ...], tuple[tuple, Any]] = {}
        self._asked: dict[tuple[Hashable, ...], int] = {}  # key -> the last build that asked for it
        self._lasting = lasting
        self._builds = builds
        self._build = 0
        self.hits = 0
        self.misses = 0
        self._tokens: dict[tuple, _Token] = {}  # a few per spec edit, never swept (see token)
        self._missed: Counter[str] = Counter()  # misses of this build, by kind
        self._last_missed: Counter[str] = Counter()

    def __call__(self, key: tuple, make: Callable[[], Any]) -> Any:
        ident = self._ident(key)
        self._asked[ident] = self._build
        found = self._entries.get(ident)
        if found is not None:
            self.hits += 1
            return found[1]
        self.misses += 1
        self._missed[key[0]] += 1
        value = make()
        self._entries[ident] = (key, value)
        return value

    def misses_of(self, kind: str) -> int:
        """How many values of this kind the last build had to make (what tests/test_session.py
        checks to see that an edit redid only what it touched)."""
        return self._last_missed[kind]

    def has(self, key: tuple) -> bool:
        return self._ident(key) in self._entries

    def token(self, value: object) -> object:
        """One object for all values equal to ``value`` (compared by value when it can be hashed,
        else by identity): a key holding it is looked up by its identity, without hashing a
        page's styles at every lookup. Asked for once per spec as read (keep it in the memo under
        the spec), so equal parts of a spec read again share their token."""
        key = by_value(value)
        found = self._tokens.get(key) if isinstance(key, tuple) else None
        if found is None:
            found = _Token(value)
            if isinstance(key, tuple):
                self._tokens[key] = found
        return found

    @staticmethod
    def _ident(key: tuple) -> tuple[Hashable, ...]:
        # An object stands as its bare id (a page asks for a thousand keys a build): a kind of key
        # (its first item) keeps each place for one sort of thing, so an id never meets a number.
        return tuple([k if k.__class__ in _BY_VALUE else id(k) for k in key])

    def sweep(self) -> None:
        """Called after each build. The dicts are rebuilt every SWEEP_EVERY builds, and only when
        entries not asked for make up more than half of them: a one-article edit leaves a few
        hundred, and copying two thousand entries after every build would cost more than it frees."""
        now = self._build
        self._build += 1
        self._last_missed, self._missed = self._missed, Counter()
        if now % SWEEP_EVERY:
            return
        if sum(1 for when in self._asked.values() if when == now) * 2 > len(self._entries) - SLACK:
            return
        oldest = now - self._builds
        self._asked = {k: when for k, when in self._asked.items()
                       if when == now or (when > oldest and k[0] in self._lasting)}
        self._entries = {k: v for k, v in self._entries.items() if k in self._asked}

    def __len__(self) -> int:
        return len(self._entries)
