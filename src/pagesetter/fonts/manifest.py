"""fonts/manifest.yaml: which file plays which role (宋/黑/楷 …)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from pagesetter.errors import InputError, Loc
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
    postscript: str = ""  # the face's PostScript name (name ID 6), as `fonts` shows it
    # Why the face cannot be used ("" when it can), said at ``refused_at`` (the manifest's line)
    # when a style of the page sets the face or asks it as a fallback (check_usable): a face the
    # pages do not set stops no page, as the build never opens it.
    refusal: str = ""
    refused_at: Loc | None = None


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
        try:
            index, postscript, refusal, refused_at = *_face_file(node, file, key), "", None
        except InputError as exc:  # said when a style uses the face (check_usable)
            index, postscript, refusal, refused_at = 0, "", exc.message, exc.loc
        out[key] = FaceInfo(
            key=key,
            path=file,
            index=index,
            name=v.text(node.get("name"), "name") if node.get("name") else file.stem,
            role=v.text(node.get("role"), "role") if node.get("role") else "",
            fallback=_fallback(node.get("fallback"), key, faces),
            postscript=postscript,
            refusal=refusal,
            refused_at=refused_at,
        )
    return out


# What the build does with each kind of outlines a face may have (fonts/fontfile.py face_outlines),
# and why it refuses the kinds it cannot embed (fonts/subset.py _kind and _cff_cids): said at the
# manifest's line by `fonts` and `build` alike, before any page is set.
REFUSED_OUTLINES: dict[str, str] = {
    "name-keyed cff": "is a name-keyed CFF font, which pagesetter cannot embed (it writes every face as a "
                      "CID-keyed font); take the face's TrueType cut (.ttf), or a CID-keyed OpenType font "
                      "(Noto CJK, Source Han)",
    "unreadable cff": "has a CFF table that cannot be read; expected an OpenType or TrueType font",
    "cff2": "is a CFF2 (variable OpenType) font, which cannot be embedded in PDF 1.3; take a static "
            "OpenType/CFF or TrueType instance",
    "none": "has no outlines (neither a CFF nor a glyf table)",
}


def _face_file(node: Node, file: Path, key: str) -> tuple[int, str]:
    """The face's index in its file and its PostScript name. 0 for a single font; for a .ttc/.otc
    collection of several faces, the one ``index:`` names: no default, for face 0 of the system's
    Noto CJK collections is the Japanese cut, whose forms of shared code points are not the
    Chinese ones (trial 17c #4). A file that is no font, or a face the build could not embed, is
    refused here, at the manifest's line (trial 17c #5, #9)."""
    from pagesetter.fonts.fontfile import FontFileError, face_outlines, read_faces

    file_node = node.get("file")
    index_node = node.get("index")
    index = v.integer(index_node, "index", 0) if index_node is not None else 0
    shown = repr(file_node.value)  # type: ignore[union-attr]
    try:
        with open_regular(file) as fh:
            try:
                faces = read_faces(fh)
            except FontFileError as exc:
                raise InputError(file_node.loc, f"font file {shown} of face {key!r}: {exc}; expected an OpenType "  # type: ignore[union-attr]
                                 "or TrueType font (.ttf, .otf, .ttc)") from None
            if index >= len(faces):
                where = index_node.loc if index_node is not None else file_node.loc  # type: ignore[union-attr]
                kind = f"a collection of {len(faces)} faces (index 0–{len(faces) - 1})" if len(faces) > 1 else \
                    "a single font (index 0)"
                raise InputError(where, f"face {key!r}: index {index} is past the end of {file.name}, {kind}")
            if index_node is None and len(faces) > 1:
                raise InputError(file_node.loc, f"face {key!r}: {file.name} is a collection of {len(faces)} faces "  # type: ignore[union-attr]
                                 f"and names none with 'index:' — {_listed(faces)}; write the index of the face "
                                 "this role is set in")
            outlines = face_outlines(fh, faces[index])
    except OSError as exc:
        raise InputError(file_node.loc, f"font file of face {key!r} cannot be read: "  # type: ignore[union-attr]
                         f"{exc.strerror or exc}") from None
    face = faces[index]
    if outlines in REFUSED_OUTLINES:
        name = face.postscript or face.family or "no name"
        which = f"{file.name} (index {index}: {name})" if len(faces) > 1 else f"{file.name} ({name})"
        raise InputError(file_node.loc, f"face {key!r}: {which} {REFUSED_OUTLINES[outlines]}")  # type: ignore[union-attr]
    return index, face.postscript


def _listed(faces: "tuple") -> str:  # type: ignore[type-arg]  # tuple[FaceEntry, ...]
    """"index: 0 NotoSerifCJKjp-Regular (Noto Serif CJK JP); …; index: 2 NotoSerifCJKsc-Regular
    (Noto Serif CJK SC), the Simplified Chinese cut; …"."""
    return "; ".join(f"index: {f.index} {f.label}" + (", the Simplified Chinese cut" if f.simplified_chinese else "")
                     for f in faces)


def check_usable(manifest: dict[str, FaceInfo], fonts: "Iterable[str]") -> None:
    """InputErrors for each face the styles' ``fonts`` set or ask as a fallback that cannot be used
    (FaceInfo.refusal), each at its manifest line: `fonts` and `build` refuse the same faces."""
    from pagesetter.errors import InputErrors

    used = dict.fromkeys(k for font in fonts if font in manifest for k in (font, *manifest[font].fallback))
    refused = [manifest[k] for k in used if manifest[k].refusal]
    if refused:
        raise InputErrors(tuple(InputError(info.refused_at, info.refusal) for info in refused))


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
