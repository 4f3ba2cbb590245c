"""A project: its file ``pagesetter.toml`` (the default spec and output folder), and ``pagesetter init``.

``init`` writes a project that builds clean at once: the example page and article and the style
sheet (every role the engine sets) from ``template/``, the JSON Schemas for editors, and fonts:
copied (hard-linked where the file system allows) from a folder with a manifest (``--fonts``, or
``fonts/`` of the project in the current folder), else found among the system's fonts (Debian's
fonts-noto-cjk and fonts-lxgw-wenkai). A build reads only files inside its project, so the fonts
are copied in rather than referenced.
"""

from __future__ import annotations

import os
from pathlib import Path

from pagesetter.errors import InputError, Loc, display_path
from pagesetter.records import record

PROJECT_FILE = "pagesetter.toml"
FALLBACK_SPEC = Path("layout") / "seed-page.yaml"  # a folder without a project file: the repository's demo
BUILD_KEYS = ("spec", "output")
PROJECT_TOML = """\
# pagesetter project file: what `pagesetter build` (and `serve`, `epaper`, `fonts`) take when given no spec.
[build]
spec = "layout/page.yaml"   # the page spec (or edition file) built by default
output = "output"           # the folder for PDFs and previews (build -o overrides it)
"""


@record(frozen=True)
class Project:
    root: Path
    spec: Path  # relative to the working folder when the project is it
    output: Path


def load_project(folder: Path) -> Project | None:
    """The project file of ``folder``, checked; None when there is none."""
    path = folder / PROJECT_FILE
    if not path.is_file():
        return None
    import tomllib  # only where a project file is

    shown = display_path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(Loc(shown), "not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Loc(shown), f"not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"build"})
    if unknown:
        raise InputError(Loc(shown), f"unknown table or key {unknown[0]!r}; the project file has a [build] table")
    build = data.get("build", {})
    if not isinstance(build, dict):
        raise InputError(Loc(shown), "build must be a table: [build] with spec = \"…\" and output = \"…\"")
    unknown = sorted(set(build) - set(BUILD_KEYS))
    if unknown:
        raise InputError(Loc(shown), f"unknown key {unknown[0]!r} in [build]; known: {', '.join(BUILD_KEYS)}")
    values = {key: _relative(build.get(key, default), key, folder, shown)
              for key, default in (("spec", str(FALLBACK_SPEC)), ("output", "output"))}
    return Project(folder, folder / values["spec"] if folder != Path() else values["spec"],
                   folder / values["output"] if folder != Path() else values["output"])


def _relative(value: object, key: str, folder: Path, shown: str) -> Path:
    """A path of the project file: text, relative, and inside the project."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(Loc(shown), f"{key} must be a path in quotes, e.g. {key} = \"layout/page.yaml\"")
    path = Path(value)
    if path.is_absolute() or not (folder / path).resolve().is_relative_to(folder.resolve()):
        raise InputError(Loc(shown), f"{key} = {value!r} leads out of the project; write a path inside it")
    return path


def default_spec() -> tuple[Path, Path | None]:
    """What a command given no spec works on, in the current folder: the project file's spec and
    output, else the repository's seed page."""
    project = load_project(Path())
    if project is None:
        return FALLBACK_SPEC, None
    return project.spec, project.output


# --- init ---------------------------------------------------------------------------------------

# Where Debian, Fedora and users put fonts; searched in this order.
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
             Path.home() / ".fonts")


@record(frozen=True)
class SystemFace:
    """A role of the style sheet and the system file names that can play it, best first."""

    key: str
    role: str
    files: tuple[str, ...]
    licence: str  # the OFL text shipped with pagesetter for this family
    fallback: tuple[str, ...]


# The faces the template style sheet names (the same keys as the repository's fonts/manifest.yaml).
# The .ttc collections hold JP/KR/SC/TC/HK faces: the SC face is chosen by name.
SYSTEM_FACES = (
    SystemFace("song", "宋体", ("NotoSerifCJKsc-Regular.otf", "NotoSerifCJK-Regular.ttc"), "OFL-NotoCJK.txt",
               ("kai", "hei")),
    SystemFace("song-bold", "宋体 粗 (标宋)", ("NotoSerifCJKsc-Bold.otf", "NotoSerifCJK-Bold.ttc"), "OFL-NotoCJK.txt",
               ("hei-bold", "kai")),
    SystemFace("hei", "黑体", ("NotoSansCJKsc-Regular.otf", "NotoSansCJK-Regular.ttc"), "OFL-NotoCJK.txt",
               ("song", "kai")),
    SystemFace("hei-bold", "黑体 粗", ("NotoSansCJKsc-Bold.otf", "NotoSansCJK-Bold.ttc"), "OFL-NotoCJK.txt",
               ("song-bold", "kai")),
    SystemFace("kai", "楷体", ("LXGWWenKai-Regular.ttf",), "OFL-LXGWWenKai.txt", ("song",)),
)


@record(frozen=True)
class FontPlan:
    """The fonts a new project gets: files to copy (source, name in fonts/) and the manifest."""

    copies: tuple[tuple[Path, str], ...]
    manifest: str
    origin: str  # said to the user: where the fonts came from
    warnings: tuple[str, ...] = ()


def plan_fonts(fonts_from: Path | None) -> FontPlan:
    if fonts_from is not None:
        return _from_manifest(fonts_from)
    here = Path("fonts")
    if (here / "manifest.yaml").is_file():
        return _from_manifest(here)
    return _from_system()


def _from_manifest(folder: Path) -> FontPlan:
    """Every file a manifest names (fonts and licences), and the manifest as it is."""
    import yaml

    manifest = folder / "manifest.yaml" if folder.is_dir() else folder
    if not manifest.is_file():
        raise InputError(Loc.of_file(manifest), "no font manifest here; --fonts names a folder holding "
                         "manifest.yaml and its fonts (e.g. the fonts/ of a pagesetter clone)")
    from pagesetter.fonts.manifest import load_manifest

    faces = load_manifest(manifest)  # checks it, and that every font file is there
    raw = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    names: list[str] = []
    for key, face in raw["faces"].items():
        for item in (face.get("file"), face.get("license_file")):
            if isinstance(item, str) and item not in names:
                if Path(item).is_absolute() or ".." in Path(item).parts:
                    raise InputError(Loc.of_file(manifest), f"face {key!r}: {item!r} is not in the manifest's "
                                     "folder; init copies a folder whose manifest names its own files")
                names.append(item)
    copies = tuple((manifest.parent / name, name) for name in names if (manifest.parent / name).is_file())
    del faces
    return FontPlan(copies, manifest.read_text(encoding="utf-8"), f"copied from {display_path(manifest.parent)}")


def _find(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if folder.is_dir():
            for found in sorted(folder.rglob(name)):
                if found.is_file():
                    return found
    return None


def _sc_index(path: Path) -> int:
    """The Simplified Chinese face of a CJK collection (Noto's .ttc: JP, KR, SC, TC, HK)."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(str(path), lazy=True) as collection:
        for i, font in enumerate(collection.fonts):
            if " SC" in (font["name"].getDebugName(4) or ""):
                return i
    return 0


def _from_system() -> FontPlan:
    lines = ["# Font faces by role, found among the system's fonts by pagesetter init. Paths are relative",
             "# to this file; style sheets name faces by key. fallback: the faces asked in turn for a",
             "# character a face lacks.", "faces:"]
    copies: list[tuple[Path, str]] = []
    warnings: list[str] = []
    found = {face.key: next((p for p in map(_find, face.files) if p is not None), None) for face in SYSTEM_FACES}
    if found["song"] is None:
        raise InputError(None, "no CJK fonts found (looked for Noto Serif CJK in " + ", ".join(
            str(d) for d in FONT_DIRS) + "); install them (Debian: apt install fonts-noto-cjk "
            "fonts-lxgw-wenkai) or give --fonts DIR, a folder with manifest.yaml and its fonts "
            "(e.g. the fonts/ of a pagesetter clone)")
    from importlib import resources

    licences = resources.files("pagesetter.project") / "licences"
    for face in SYSTEM_FACES:
        path = found[face.key]
        role = face.role
        if path is None:  # the role is played by the regular 宋体, said in the manifest and to the user
            path = found["song"]
            assert path is not None
            role = f"{face.role}, played by 宋体: no {face.role} face found"
            warnings.append(f"fonts: no {face.role} face ({' or '.join(face.files)}) found; {face.key} uses "
                            f"{path.name} (install fonts-noto-cjk and fonts-lxgw-wenkai, then init again)")
        licence = "OFL-NotoCJK.txt" if path.name.startswith("Noto") else face.licence
        if (path, path.name) not in copies:
            copies.append((path, path.name))
        index = _sc_index(path)
        lines += [f"  {face.key}:", f"    file: {path.name}"]
        if path.suffix.lower() in (".ttc", ".otc"):  # a collection's face is always named (fonts/manifest.py)
            lines.append(f"    index: {index}")
        lines += [f"    role: {role}", "    license: OFL-1.1", f"    license_file: {licence}",
                  f"    source: {path}",
                  f"    fallback: [{', '.join(face.fallback)}]"]
    manifest = "\n".join(lines) + "\n"
    texts = sorted({line.split(": ", 1)[1] for line in lines if line.startswith("    license_file: ")})
    for name in texts:
        copies.append((Path(str(licences / name)), name))
    return FontPlan(tuple(copies), manifest, "found among the system's fonts", tuple(warnings))


def init_project(dest: Path, fonts_from: Path | None) -> tuple[list[Path], FontPlan]:
    """Write a new project into ``dest`` (absent or empty); the files written, and the fonts' plan."""
    from pagesetter.paths import write_atomically
    from pagesetter.spec.schema import schema_json

    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InputError(Loc.of_file(dest), "exists and is not an empty folder; init makes a new project "
                         "(choose a new folder name)")
    fonts = plan_fonts(fonts_from)  # before anything is written: no fonts, no half-made project
    written: list[Path] = []

    def put(relative: str, data: bytes) -> None:
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data)
        written.append(target)

    from importlib import resources

    template = resources.files("pagesetter.project") / "template"
    for relative in ("layout/page.yaml", "layout/styles/paper.yaml", "content/example.md"):
        put(relative, (template / relative).read_bytes())
    put("layout/pagesetter.schema.json", schema_json("spec").encode("utf-8"))
    put("layout/styles/stylesheet.schema.json", schema_json("stylesheet").encode("utf-8"))
    put(PROJECT_FILE, PROJECT_TOML.encode("utf-8"))
    put(".gitignore", b"output/\n.pagesetter-desk/\n")  # the desk's undo history (serve.py) stays local
    (dest / "content" / "photos").mkdir(parents=True, exist_ok=True)
    (dest / "fonts").mkdir(parents=True, exist_ok=True)
    for source, name in fonts.copies:
        target = dest / "fonts" / name
        _link_or_copy(source, target)
        written.append(target)
    put("fonts/manifest.yaml", fonts.manifest.encode("utf-8"))
    return written, fonts


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link shares the file's bytes (fonts are 15–27 MB each); across file systems, a copy."""
    try:
        os.link(source, target)
    except OSError:
        import shutil

        shutil.copyfile(source, target)
