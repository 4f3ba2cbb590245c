"""fonts/manifest.yaml: which file plays which role (宋/黑/楷 …)."""

from __future__ import annotations

from pathlib import Path

from pagesetter.errors import InputError
from pagesetter.paths import OUTSIDE_HINT, inside, open_regular
from pagesetter.records import record
from pagesetter.spec import validate as v
from pagesetter.yamlsource import Node, load_yaml

FACE_KEYS = ("file", "index", "name", "role", "license", "license_file", "source", "fallback")


@record(frozen=True)
class FaceInfo:
    key: str  # e.g. "song", "hei-bold", "kai"
    path: Path
    index: int  # face index inside a collection (.ttc/.otc)
    name: str
    role: str
    # Faces asked in turn for a character this face lacks (a rare name character, a symbol), so
    # that no tofu is ever printed; what none of them has is reported with its place.
    fallback: tuple[str, ...] = ()


def load_manifest(path: Path, project: Path | None = None, allowed: tuple[Path, ...] = ()) -> dict[str, FaceInfo]:
    """The faces of ``path``; with ``project``, every font file must lie in the project or an allowed
    folder (paths.py)."""
    root = v.expect_map(load_yaml(path), "a font manifest")
    v.check_keys(root, ("faces",), "the font manifest", required=("faces",))
    faces = v.expect_map(root.get("faces"), "faces")  # type: ignore[arg-type]
    out: dict[str, FaceInfo] = {}
    for key, node in faces.items():
        v.expect_map(node, f"face {key!r}")
        v.check_keys(node, FACE_KEYS, f"face {key!r}", required=("file",))
        file_node = node.get("file")
        file = (path.parent / v.text(file_node, "file")).resolve()  # type: ignore[arg-type]
        if file.exists() and not file.is_file() and not file.is_dir():  # a FIFO or device: never opened
            raise InputError(file_node.loc, f"font file {file_node.value!r} of face {key!r} is not a regular "  # type: ignore[union-attr]
                             "file (a named pipe or device); refused unread")
        if not file.is_file():
            raise InputError(file_node.loc, f"font file {file_node.value!r} of face {key!r} not found")  # type: ignore[union-attr]
        if project is not None and not inside(file, project, allowed):
            raise InputError(file_node.loc, f"font file {file_node.value!r} of face {key!r} is outside the project "  # type: ignore[union-attr]
                             f"folder; {OUTSIDE_HINT}")
        out[key] = FaceInfo(
            key=key,
            path=file,
            index=_face_index(node, file, key),
            name=v.text(node.get("name"), "name") if node.get("name") else file.stem,
            role=v.text(node.get("role"), "role") if node.get("role") else "",
            fallback=_fallback(node.get("fallback"), key, faces),
        )
    return out


def _face_index(node: Node, file: Path, key: str) -> int:
    """The face's index in its file: 0 for a single font, one of a collection's faces for a .ttc/.otc
    (its header counts them; OpenType spec, "Font Collections"). HarfBuzz would take any index
    of a single font as its one face, and find none past a collection's end."""
    index_node = node.get("index")
    index = v.integer(index_node, "index", 0) if index_node is not None else 0
    try:
        with open_regular(file) as fh:
            header = fh.read(12)
    except OSError as exc:
        raise InputError(node.get("file").loc, f"font file of face {key!r} cannot be read: "  # type: ignore[union-attr]
                         f"{exc.strerror or exc}") from None
    faces = int.from_bytes(header[8:12], "big") if header[:4] == b"ttcf" and len(header) == 12 else 1
    if index >= faces:
        where = index_node.loc if index_node is not None else node.get("file").loc  # type: ignore[union-attr]
        kind = f"a collection of {faces} faces (index 0–{faces - 1})" if header[:4] == b"ttcf" else \
            "a single font (index 0)"
        raise InputError(where, f"face {key!r}: index {index} is past the end of {file.name}, {kind}")
    return index


def _fallback(node: Node | None, key: str, faces: Node) -> tuple[str, ...]:
    if node is None:
        return ()
    chain = []
    for item in v.expect_list(node, f"fallback of face {key!r}"):
        name = v.text(item, "fallback face")
        if name == key or name not in faces.value:
            raise InputError(item.loc, f"fallback {name!r} of face {key!r} is not another face of this manifest "
                             f"(it has: {', '.join(k for k in faces.value if k != key)})")
        chain.append(name)
    return tuple(chain)
