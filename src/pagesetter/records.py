"""``record``: ``dataclasses.dataclass`` with the same ``__eq__``, ``__hash__`` and ``__repr__``
made without compiling them for each class (issue 21: a cold build's imports).

Python 3.11's ``dataclass`` writes every method it adds as source text and ``exec``s it, one
compile per method: a frozen class costs six (``__init__``, ``__repr__``, ``__eq__``,
``__setattr__``, ``__delattr__``, ``__hash__``), about 0.5 ms, and a build imports over a hundred.
Here ``dataclass`` makes only ``__init__`` and, for a frozen class, its ``__setattr__`` and
``__delattr__`` (what freezing is); the other three are shared functions bound to the class's
fields: the same answers as the generated ones, which compare and hash the tuple of the fields
(``compare``, ``hash`` as ``dataclasses`` reads them), and the same text (``repr`` is part of the
cache keys, cache.key_of). A class without a docstring is given its name and its fields' names
where ``dataclass`` would compute its signature (``inspect.signature``: 51 classes, ~15 ms).
Everything else (``fields``, ``replace``, ``asdict``, pickling) is ``dataclass``'s own.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field, fields
from operator import attrgetter

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (an unchanged page's replay never needs it)
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar, dataclass_transform, overload

    T = TypeVar("T", bound=type)

    @overload
    def record(cls: T, /) -> T:
        ...

    @overload
    def record(*, frozen: bool = False, slots: bool = False) -> Callable[[T], T]:
        ...
else:
    def dataclass_transform(**_: object) -> object:
        return lambda f: f


@dataclass_transform(field_specifiers=(field,))  # type checkers read a record as a dataclass
def record(cls: "T | None" = None, /, *, frozen: bool = False, slots: bool = False) -> "Any":
    """``@dataclass`` / ``@dataclass(frozen=True)`` / ``@dataclass(slots=True)``, as they are."""
    if cls is None:
        return lambda c: _record(c, frozen, slots)
    return _record(cls, frozen, slots)


def _record(cls: T, frozen: bool, slots: bool) -> T:
    own_methods = [name for name in ("__eq__", "__hash__", "__repr__") if name in cls.__dict__]
    if own_methods:  # dataclass would keep them, and its __hash__ rule reads them: not taken on here
        raise TypeError(f"{cls.__qualname__} defines {', '.join(own_methods)}: make it a dataclass")
    if not cls.__doc__:  # dataclass would write its signature (inspect.signature: 0.1-0.5 ms a class)
        cls.__doc__ = f"{cls.__name__}({', '.join(cls.__dict__.get('__annotations__', ()))})"
    cls = dataclass(cls, frozen=frozen, slots=slots, eq=False, repr=False)
    own = fields(cls)
    compared = _values(tuple(f.name for f in own if f.compare))
    cls.__eq__ = _eq(compared)  # type: ignore[assignment]
    # dataclass's rule: eq and frozen hash the fields whose hash is True (None: as compare);
    # eq and not frozen: not hashable
    cls.__hash__ = _hash(_values(tuple(f.name for f in own if (f.compare if f.hash is None else f.hash)))) \
        if frozen else None  # type: ignore[assignment]
    cls.__repr__ = _repr(tuple(f.name for f in own if f.repr))  # type: ignore[assignment]
    for name in ("__eq__", "__hash__", "__repr__"):
        method = cls.__dict__[name]
        if method is not None:
            method.__qualname__ = f"{cls.__qualname__}.{name}"
    return cls


def _values(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    """The tuple of these attributes of an object (attrgetter gives a lone attribute bare)."""
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


def _eq(values: Callable[[object], tuple[Any, ...]]) -> Callable[[object, object], Any]:
    def __eq__(self: object, other: object) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented
    return __eq__


def _hash(values: Callable[[object], tuple[Any, ...]]) -> Callable[[object], int]:
    def __hash__(self: object) -> int:
        return hash(values(self))
    return __hash__


def _repr(names: tuple[str, ...]) -> Callable[[object], str]:
    # dataclass's own: Class(a=1, b='x'), '...' for an object inside itself
    @reprlib.recursive_repr()
    def __repr__(self: object) -> str:
        return f"{self.__class__.__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"
    return __repr__
