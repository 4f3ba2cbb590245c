"""The build cache on a shared machine and under attack (issue 16, items 1 and 2): it deletes only
what it made, keeps its folders private, and a planted or resealed entry is a miss — never code
run, never a wrong page. Through the real command line, as a user or an attacker would."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from pagesetter.cache import DiskCache, key_of

UNCHANGED = "unchanged since the last build"
ENTRY_NAME = re.compile(r"[0-9a-f]{64}")


def _age(project: Path) -> None:
    """Inputs saved a minute ago, so the first build records a replay (rebuild.SETTLE_NS)."""
    then = time.time_ns() - 60 * 10**9
    for path in project.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, ns=(then, then))


def _build(project: Path, cache: Path | str, *extra: str, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PAGESETTER_CACHE=str(cache))
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", *extra], cwd=project, capture_output=True,
                         text=True, timeout=300, env=env,
                         preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)  # type: ignore[misc]
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return run


def _pdf(project: Path, out: str = "output") -> bytes:
    return (project / out / "seed-page.pdf").read_bytes()


def _reference(project: Path) -> bytes:
    """The page as a build that never saw a cache prints it."""
    _build(project, "off", "-q", "-o", "reference")
    return _pdf(project, "reference")


def _entries(root: Path) -> list[Path]:
    """Every cache entry under ``root``, whatever the layout: files named by a 64-hex key."""
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and ENTRY_NAME.fullmatch(p.name))


def _kind(entry: Path) -> str:
    return entry.parent.parent.name  # <kind>/<2 hex>/<key>


def _resealed(entry: Path, payload: bytes) -> None:
    """What anyone can do to an entry: keep its first line (the format's magic), put the SHA-256
    of a payload of their own after it, as the cache did before it had a key."""
    blob = entry.read_bytes()
    magic = blob[:blob.index(b"\n") + 1]
    entry.write_bytes(magic + hashlib.sha256(payload).digest() + payload)


class _Shell:
    """A pickle that runs a shell command when loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return os.system, (f"touch '{self.marker}'",)


class _OwnFunction:
    """A pickle that calls one of pagesetter's own functions: it writes a file of its choosing."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        from pagesetter.paths import write_atomically

        return write_atomically, (self.marker, b"planted")


def _gadget(i: int, marker: Path) -> bytes:
    return pickle.dumps(_Shell(marker) if i % 2 == 0 else _OwnFunction(marker), protocol=pickle.HIGHEST_PROTOCOL)


# -- item 1: only what it made ------------------------------------------------------------------


def _documents(root: Path) -> dict[Path, bytes]:
    """A user's folder: documents and photos, old, one of them (sparse) bigger than the cache's limit."""
    files = {root / "thesis.docx": b"chapter one" * 1000, root / "photos" / "wedding.jpg": os.urandom(5000),
             root / "photos" / "ab" / ("c" * 64): b"a file named like a cache entry, made by the user",
             root / "compose" / "ab" / ("ab" + "0" * 62): b"a folder named like an old cache kind"}
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    big = root / "video.mkv"
    with big.open("wb") as fh:
        fh.truncate(600 * 1024 * 1024)  # sparse: counts 600 MB, takes no disk
    files[big] = b""
    for i, path in enumerate(files):
        os.utime(path, (1_000_000 + i, 1_000_000 + i))  # 1970: older than anything the cache writes
    return files


def _still_there(files: dict[Path, bytes]) -> None:
    for path, data in files.items():
        assert path.is_file(), f"{path} was deleted"
        if data:
            assert path.read_bytes() == data, f"{path} was changed"
        else:
            assert path.stat().st_size == 600 * 1024 * 1024


def test_prune_deletes_only_its_own_entries(tmp_path: Path) -> None:
    root = tmp_path / "Documents"
    files = _documents(root)
    cache = DiskCache(root)
    for i in range(5):
        cache.put("k", key_of("own", i), bytes(1000))
    assert cache.folder is not None
    linked = root / "elsewhere" / "ab" / ("ab" + "1" * 62)  # reached through a symlink in the cache's folder
    linked.parent.mkdir(parents=True)
    linked.write_bytes(b"not the cache's")
    files[linked] = linked.read_bytes()
    (cache.folder / "img").symlink_to(root / "elsewhere")
    (cache.folder / "k" / "ab").mkdir(exist_ok=True)
    (cache.folder / "k" / "ab" / ("ab" + "2" * 62)).symlink_to(root / "thesis.docx")
    assert len(_entries(root)) == 5 + 3
    assert cache.prune(max_bytes=0) == 5  # every entry of its own, and nothing else
    assert cache.prune_if_due(max_bytes=0, now=time.time() + 10**6) == 0
    _still_there(files)
    assert len(_entries(root)) == 3  # the user's look-alikes


def test_a_first_build_into_a_folder_of_documents_deletes_none(project: Path, tmp_path: Path) -> None:
    root = tmp_path / "Documents"
    files = _documents(root)
    _build(project, root, "-q")
    _still_there(files)
    assert _entries(root)  # the cache did work there, beside the user's files


# -- item 2: private, and a planted entry is a miss ---------------------------------------------


def test_cache_folders_are_private_under_umask_002(project: Path, tmp_path: Path) -> None:
    root = tmp_path / "fresh" / "cache"
    _build(project, root, "-q", umask=0o002)
    assert _entries(root)
    for folder, _, names in os.walk(root):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder
        for name in names:
            assert stat.S_IMODE(os.stat(Path(folder) / name).st_mode) == 0o600, Path(folder) / name


def test_planted_pickles_run_nothing(project: Path, tmp_path: Path) -> None:
    """Every entry replaced by a pickle that runs a shell command (or calls one of our own
    functions), resealed as anyone can: the next build is a full, correct build."""
    cache, marker = tmp_path / "cache", tmp_path / "planted"
    _age(project)
    _build(project, cache, "-q")
    entries = _entries(cache)
    assert {_kind(e) for e in entries} == {"compose", "flate", "image", "subset", "job"}
    for i, entry in enumerate(entries):
        _resealed(entry, _gadget(i, marker))
    run = _build(project, cache)
    assert not marker.exists()
    assert UNCHANGED not in run.stdout
    assert _pdf(project) == _reference(project)


def test_a_leaked_key_still_runs_nothing(project: Path, tmp_path: Path) -> None:
    """Entries sealed the cache's own way (as someone holding the key would): loading them still
    calls nothing but our record types."""
    root, marker = tmp_path / "cache", tmp_path / "planted"
    _age(project)
    _build(project, root, "-q")
    cache = DiskCache(root)
    for i, entry in enumerate(_entries(root)):
        cache.put(_kind(entry), entry.name, _gadget(i, marker))
    run = _build(project, root)
    assert not marker.exists()
    assert UNCHANGED not in run.stdout
    assert _pdf(project) == _reference(project)


def _black_jpeg(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("CMYK", (width, height), (0, 0, 0, 255)).save(out, "JPEG")
    return out.getvalue()


def test_a_resealed_photo_prints_no_black_picture(project: Path, tmp_path: Path) -> None:
    from dataclasses import replace

    root = tmp_path / "cache"
    _build(project, root, "-q")
    cache = DiskCache(root)
    for entry in _entries(root):
        if _kind(entry) == "job":
            entry.unlink()  # no replay: the next build takes its photos from their entries
    images = [e for e in _entries(root) if _kind(e) == "image"]
    assert len(images) == 5
    for entry in images:
        payload = cache.get("image", entry.name)
        assert payload is not None
        prepared = pickle.loads(payload)
        black = replace(prepared, jpeg=_black_jpeg(prepared.width_px, prepared.height_px))
        _resealed(entry, pickle.dumps(black, protocol=pickle.HIGHEST_PROTOCOL))
    _build(project, root, "-q")
    assert _pdf(project) == _reference(project)


def _blank_pdf() -> bytes:
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(1000, 1400))
        pdf.save(out)
    return out.getvalue()


def test_a_resealed_replay_record_prints_no_blank_page(project: Path, tmp_path: Path) -> None:
    from dataclasses import replace

    root = tmp_path / "cache"
    _age(project)
    _build(project, root, "-q")
    cache = DiskCache(root)
    (job,) = [e for e in _entries(root) if _kind(e) == "job"]
    payload = cache.get("job", job.name)
    assert payload is not None
    recorded = pickle.loads(payload)
    files = pickle.loads(recorded.payload)
    blank = tuple((name, _blank_pdf() if name.endswith(".pdf") else data) for name, data in files.outputs)
    forged = replace(recorded, payload=pickle.dumps(replace(files, outputs=blank)))
    _resealed(job, pickle.dumps(forged, protocol=pickle.HIGHEST_PROTOCOL))
    run = _build(project, root)
    assert UNCHANGED not in run.stdout
    assert _pdf(project) == _reference(project)


def test_a_cache_folder_others_can_write_is_not_used(project: Path, tmp_path: Path) -> None:
    root = tmp_path / "cache"
    _age(project)
    _build(project, root, "-q")
    entries = _entries(root)
    folder = entries[0].parents[2]  # the folder that holds the kinds
    folder.chmod(0o777)
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    run = _build(project, root)
    assert UNCHANGED not in run.stdout  # not replayed from a folder anyone could have filled
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == before  # nor written to
    assert _pdf(project) == _reference(project)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a folder to another user")
def test_a_cache_folder_of_another_user_is_not_used(project: Path, tmp_path: Path) -> None:
    root, marker = tmp_path / "cache", tmp_path / "planted"
    _age(project)
    _build(project, root, "-q")
    entries = _entries(root)
    for i, entry in enumerate(entries):
        _resealed(entry, _gadget(i, marker))
    for path in [*root.rglob("*"), root]:
        os.chown(path, 65534, 65534, follow_symlinks=False)  # nobody's: nobody's key, nobody's entries
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    run = _build(project, root)
    assert UNCHANGED not in run.stdout and not marker.exists()
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == before
    assert _pdf(project) == _reference(project)


def test_only_our_record_types_are_loaded(tmp_path: Path) -> None:
    from pagesetter.cache import unpickle
    from pagesetter.compose.lines import GlyphPos, Line
    from pagesetter.spec.model import CMYK

    marker = tmp_path / "planted"
    for i in range(2):
        assert unpickle(_gadget(i, marker)) is None
    assert unpickle(pickle.dumps(eval)) is None
    assert unpickle(b"not a pickle") is None
    assert not marker.exists()
    line = Line((GlyphPos("song", 9.0, 12, 0.0, "中", CMYK(0, 0, 0, 100)),), 120.0, 18.0, "中", True, 9.0)
    value = {"a": (1, 2.5, None), "b": frozenset({3}), "c": {Path("x")}, "line": line}
    assert unpickle(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) == value


def test_an_edition_loads_no_planted_page(project: Path, tmp_path: Path) -> None:
    """An edition's replay records (pages pickled by its workers) go through the same loader: every
    entry sealed with the key and holding a gadget, the edition is built again, correctly."""
    from pagesetter.edition import build_edition

    root, marker = tmp_path / "cache", tmp_path / "planted"
    cache = DiskCache(root)
    spec = project / "layout" / "tabloid-edition.yaml"
    _age(project)
    first = build_edition(spec, tmp_path / "a", cache=cache)
    assert "job" in {_kind(e) for e in _entries(root)}
    for i, entry in enumerate(_entries(root)):
        cache.put(_kind(entry), entry.name, _gadget(i, marker))
    said: list[str] = []
    again = build_edition(spec, tmp_path / "b", cache=cache, progress=said.append)
    assert not marker.exists() and not any(UNCHANGED in m for m in said)
    for a, b in zip(first.page_paths + (first.combined,), again.page_paths + (again.combined,)):
        assert a.read_bytes() == b.read_bytes(), a.name
