"""Which files a build may read: those in the project folder, and in the folders a page spec lists
under ``allow_outside`` (a newsroom's shared photo store, a type library). Nothing else: a page spec
or an article from elsewhere must not make the build read arbitrary files."""

from __future__ import annotations

from pathlib import Path


def inside(target: Path, root: Path, allowed: tuple[Path, ...] = ()) -> bool:
    """Is ``target`` in the project or an allowed folder? ``target`` is resolved first, so a symlink
    that points out of the project is judged by where it points."""
    resolved = target.resolve()
    return any(resolved.is_relative_to(folder.resolve()) for folder in (root, *allowed))


OUTSIDE_HINT = "move it into the project, or list its folder under allow_outside: in the page spec"
