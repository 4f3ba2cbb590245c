"""records.record answers as dataclasses.dataclass does: equality, hashing, repr (cache keys are
reprs: cache.key_of), replace, pickling, and what freezing forbids."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from pagesetter.cache import key_of
from pagesetter.records import record


def pair(frozen: bool):  # type: ignore[no-untyped-def]
    """The same class made by dataclass and by record."""

    def body():  # type: ignore[no-untyped-def]
        class Item:
            """An item."""

            name: str
            size: float = 1.0
            tags: tuple[str, ...] = ()
            note: str = field(default="", compare=False)
            secret: str = field(default="s", repr=False)
            only_eq: int = field(default=0, hash=False)
        return Item

    made = dataclass(frozen=frozen)(body()), record(frozen=frozen)(body())
    made[1].__qualname__ = made[0].__qualname__  # the same name in repr
    return made


@pytest.mark.parametrize("frozen", [True, False])
def test_equality_hash_repr_as_dataclass(frozen: bool) -> None:
    std, rec = pair(frozen)
    values = [("a",), ("a", 2.0), ("a", 2.0, ("x",)), ("a", 1.0, (), "note"), ("a", 1.0, (), "", "t"),
              ("a", 1.0, (), "", "s", 5), ("b", -0.0, ("y", "z"))]
    for one in values:
        for other in values:
            assert (std(*one) == std(*other)) == (rec(*one) == rec(*other))
            assert (std(*one) != std(*other)) == (rec(*one) != rec(*other))
        assert repr(std(*one)) == repr(rec(*one))
        assert key_of(std(*one)) == key_of(rec(*one))
        if frozen:
            assert hash(std(*one)) == hash(rec(*one))
        else:
            with pytest.raises(TypeError):
                hash(rec(*one))
    assert rec("a") != std("a")  # another class: never equal, as two dataclasses
    assert (rec("a") == 1) is False
    assert [f.name for f in dataclasses.fields(rec)] == [f.name for f in dataclasses.fields(std)]


def test_one_field_and_none_hash_as_dataclass() -> None:
    """A lone field hashes as a one-tuple, no field as the empty tuple (as dataclass's)."""
    @record(frozen=True)
    class One:
        x: int

    @dataclass(frozen=True)
    class StdOne:
        x: int

    @record(frozen=True)
    class Empty:
        pass

    @dataclass(frozen=True)
    class StdEmpty:
        pass

    assert hash(One(3)) == hash(StdOne(3)) == hash((3,))
    assert hash(Empty()) == hash(StdEmpty()) and Empty() == Empty()


def test_frozen_replace_pickle() -> None:
    _, rec = pair(True)
    item = rec("a", 2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.name = "b"  # type: ignore[misc]
    changed = dataclasses.replace(item, name="b")
    assert changed == rec("b", 2.0) and changed != item
    globals()["PickledItem"] = rec
    rec.__qualname__ = "PickledItem"
    try:
        assert pickle.loads(pickle.dumps(item)) == item
    finally:
        del globals()["PickledItem"]
    assert {item: 1}[rec("a", 2.0)] == 1


def test_recursive_repr_and_slots() -> None:
    @record
    class Node:
        children: list[object]

    @dataclass
    class StdNode:
        children: list[object]

    node, std = Node([]), StdNode([])
    node.children.append(node)
    std.children.append(std)
    assert repr(node) == repr(std).replace("StdNode", "Node")  # Node(children=[...])

    @record(slots=True)
    class Slotted:
        x: int
        y: int = 0

    assert Slotted(1) == Slotted(1, 0) and Slotted(1) != Slotted(2)
    assert not hasattr(Slotted(1), "__dict__")
    assert repr(Slotted(1)).endswith("Slotted(x=1, y=0)")


def test_own_methods_refused() -> None:
    with pytest.raises(TypeError):
        @record(frozen=True)
        class Own:
            x: int

            def __eq__(self, other: object) -> bool:
                return True


def test_a_class_without_a_docstring_is_named_with_its_fields() -> None:
    @record(frozen=True)
    class Bare:
        first: int
        second: str = ""

    assert Bare.__doc__ == "Bare(first, second)"
