"""The build cache (src/pagesetter/cache.py): a warm build gives the very bytes of a cold one,
an edit is never answered from the cache, corrupt entries are rebuilt, concurrent builds share it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from pagesetter.build import build_page
from pagesetter.cache import FOLDER, MAGIC, DiskCache, default_cache, key_of

KINDS = ("compose", "flate", "image", "subset")  # flate: the output profile and large font programs compressed


def _entries(root: Path) -> dict[Path, int]:
    # files named by a key: not temporary files, the key file, the tag or the prune mark
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file() and re.fullmatch("[0-9a-f]{64}", p.name)}


def _kinds(root: Path) -> set[str]:
    return {p.relative_to(root / FOLDER).parts[0] for p in _entries(root)}


def test_warm_build_gives_the_bytes_of_a_cold_one_and_rewrites_nothing(project: Path, tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "cache")
    spec = project / "layout" / "seed-page.yaml"
    cold = build_page(spec, tmp_path / "cold", cache=cache).pdf_path.read_bytes()
    assert _kinds(cache.root) == set(KINDS)
    first = _entries(cache.root)
    assert len([p for p in first if p.parts[-3] == "image"]) == 5  # one per photo
    warm = build_page(spec, tmp_path / "warm", cache=cache).pdf_path.read_bytes()
    assert warm == cold
    assert _entries(cache.root) == first  # every entry was a hit: none written again
    nocache = build_page(spec, tmp_path / "off", cache=DiskCache(None)).pdf_path.read_bytes()
    assert nocache == cold


def test_an_edited_article_is_set_again(project: Path, tmp_path: Path) -> None:
    """Change one sentence: the warm build must equal a cold build of the edited page, and the
    edited text must be on the page."""
    cache = DiskCache(tmp_path / "cache")
    spec = project / "layout" / "seed-page.yaml"
    build_page(spec, tmp_path / "before", cache=cache)
    article = project / "content" / "dongfeng-media.md"
    text = article.read_text(encoding="utf-8")
    edited = text.replace("没有披上白色战袍", "未曾披上白色战袍", 1)
    assert edited != text
    article.write_text(edited, encoding="utf-8")
    warm = build_page(spec, tmp_path / "warm", cache=cache)
    cold = build_page(spec, tmp_path / "cold", cache=DiskCache(tmp_path / "empty"))
    assert warm.pdf_path.read_bytes() == cold.pdf_path.read_bytes()
    body = "".join(line.text for line in warm.page.lines if line.article == "dongfeng-media")
    assert "未曾披上白色战袍" in body and "没有披上白色战袍" not in body


def test_corrupt_entries_are_rebuilt(project: Path, tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "cache")
    spec = project / "layout" / "seed-page.yaml"
    good = build_page(spec, tmp_path / "a", cache=cache).pdf_path.read_bytes()
    entries = sorted(_entries(cache.root))
    for i, path in enumerate(entries):  # torn writes, flipped bytes, foreign files
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] if i % 3 == 0 else
                         data[:-1] + bytes([data[-1] ^ 0xFF]) if i % 3 == 1 else b"not a cache entry")
    again = build_page(spec, tmp_path / "b", cache=cache).pdf_path.read_bytes()
    assert again == good
    for path in entries:  # each one replaced by a sound entry
        blob = path.read_bytes()
        assert blob.startswith(MAGIC) and cache.get(path.parts[-3], path.name) is not None


def test_two_processes_fill_one_cache_at_once(project: Path, tmp_path: Path) -> None:
    env = dict(os.environ, PAGESETTER_CACHE=str(tmp_path / "shared"))
    procs = [subprocess.Popen([sys.executable, "-m", "pagesetter", "build", "-q", "-o", f"out{i}"], cwd=project,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(2)]
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read() if proc.stderr else ""
    a, b = ((project / f"out{i}" / "seed-page.pdf").read_bytes() for i in range(2))
    assert a == b
    root = tmp_path / "shared"
    assert not list(root.rglob("*.tmp"))
    for path in _entries(root):
        assert DiskCache(root).get(path.parts[-3], path.name) is not None
    # and a third, warm, build agrees with both
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", "out3"], cwd=project, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert (project / "out3" / "seed-page.pdf").read_bytes() == a
    with pikepdf.open(project / "out3" / "seed-page.pdf") as pdf:
        assert len(pdf.pages) == 1


def test_where_the_cache_lives(tmp_path: Path) -> None:
    assert default_cache({"PAGESETTER_CACHE": "off"}).root is None
    assert default_cache({"PAGESETTER_CACHE": str(tmp_path)}).root == tmp_path
    assert default_cache({"PAGESETTER_CACHE": str(tmp_path)}).folder == tmp_path / "pagesetter-cache-v2"
    assert default_cache({"XDG_CACHE_HOME": str(tmp_path)}).root == tmp_path / "pagesetter"
    assert default_cache({}).root == Path.home() / ".cache" / "pagesetter"


def test_entries_round_trip_and_damage_is_a_miss(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    key = key_of("test", 1, (2, 3))
    assert key != key_of("test", 1, (2, 4))
    assert cache.get("k", key) is None
    cache.put("k", key, b"payload")
    assert cache.get("k", key) == b"payload"
    path = tmp_path / FOLDER / "k" / key[:2] / key
    path.write_bytes(path.read_bytes()[:-2])
    assert cache.get("k", key) is None and not path.exists()
    cache.put_object("o", key, {"a": (1, 2)})
    assert cache.get_object("o", key) == {"a": (1, 2)}
    off = DiskCache(None)
    off.put("k", key, b"x")
    assert off.get("k", key) is None
    off.put_object("o", key, lambda: None)  # caching off: nothing pickled (this could not be), nothing kept
    assert off.get_object("o", key) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_cache_costs_nothing_but_speed(tmp_path: Path) -> None:
    root = tmp_path / "ro"
    root.mkdir()
    root.chmod(0o500)
    try:
        cache = DiskCache(root)
        cache.put("k", "ab" * 32, b"x")
        assert cache.get("k", "ab" * 32) is None
    finally:
        root.chmod(0o700)


def _entries_written_at(cache: DiskCache, name: str, count: int) -> None:
    """``count`` entries of 1000 bytes, the i-th written at second i."""
    assert cache.folder is not None
    for i in range(count):
        key = key_of(name, i)
        cache.put("k", key, bytes(1000))
        os.utime(cache.folder / "k" / key[:2] / key, ns=(i * 10**9, i * 10**9))


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    _entries_written_at(cache, "prune", 10)
    removed = cache.prune(max_bytes=5 * 1100)
    left = sorted(p.stat().st_mtime_ns for p in _entries(tmp_path))
    assert removed == 5 and left == [i * 10**9 for i in range(5, 10)]


def test_bodies_set_on_two_cores_are_the_bodies_set_on_one(root: Path) -> None:
    """flow/precompose.py only decides which process sets a paragraph: the page is the same."""
    from pagesetter.build import load_inputs
    from pagesetter.flow.page import flow_page
    from pagesetter.flow.precompose import precompose
    from pagesetter.fonts.face import FaceSet

    spec, manifest, articles, _ = load_inputs(root / "layout" / "seed-page.yaml")
    serial = flow_page(spec, articles, FaceSet(manifest))
    faces = FaceSet(manifest)
    precompose(spec, articles, faces)
    set_before = len(faces.memo.entries)
    parallel = flow_page(spec, articles, faces)
    assert parallel.page == serial.page and parallel.warnings == serial.warnings
    if (os.cpu_count() or 1) >= 2:
        assert set_before >= 25  # the five bodies' paragraphs were set before the flow began


def test_pruning_is_looked_at_once_an_hour(tmp_path: Path) -> None:
    from pagesetter.cache import PRUNE_EVERY

    cache = DiskCache(tmp_path)
    _entries_written_at(cache, "due", 4)
    assert cache.prune_if_due(max_bytes=2500, now=10_000.0) == 2  # first look: due
    cache.put("k", key_of("due", 9), bytes(5000))
    assert cache.prune_if_due(max_bytes=2500, now=10_000.0 + PRUNE_EVERY / 2) == 0  # looked lately
    assert cache.prune_if_due(max_bytes=2500, now=10_000.0 + PRUNE_EVERY + 1) >= 1


def test_the_cache_folder_is_tagged_private_and_keyed(tmp_path: Path) -> None:
    """CACHEDIR.TAG (https://bford.info/cachedir/), a 0600 key made once; another process of the
    same user reads what this one wrote; a new key makes every old entry a miss, removed."""
    import stat

    cache = DiskCache(tmp_path / "new")
    key = key_of("tagged")
    cache.put("k", key, b"payload")
    folder = tmp_path / "new" / FOLDER
    assert (folder / "CACHEDIR.TAG").read_bytes().startswith(b"Signature: 8a477f597d28d172789f06886806bc55")
    secret = folder / "key"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and secret.stat().st_size == 32
    run = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from pagesetter.cache import "
                          "DiskCache; print(DiskCache(Path(sys.argv[1])).get('k', sys.argv[2]))", str(tmp_path / "new"),
                          key], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "b'payload'", run.stderr
    secret.unlink()
    cache.put("k", key_of("other"), b"x")  # a new key
    assert secret.stat().st_size == 32
    assert cache.get("k", key) is None and not (folder / "k" / key[:2] / key).exists()
    assert cache.get("k", key_of("other")) == b"x"



def _compose_entries(root: Path) -> dict[Path, int]:
    return {p: t for p, t in _entries(root).items() if p.parts[-3] == "compose"}


def test_an_edit_writes_its_new_lines_beside_the_page_memo(project: Path, tmp_path: Path) -> None:
    """A build after a one-sentence edit leaves the page's memo as it was and writes the edited
    paragraph's lines on their own, beside it; the next edit replaces them. Each build prints what
    a build without a cache prints, and a damaged entry of new lines is a miss."""
    cache = DiskCache(tmp_path / "cache")
    spec = project / "layout" / "seed-page.yaml"
    build_page(spec, tmp_path / "first", cache=cache)
    memo = _compose_entries(cache.root)
    assert len(memo) == 1
    article = project / "content" / "dongfeng-media.md"
    original = article.read_text(encoding="utf-8")
    assert "没有披上白色战袍" in original
    for n, wording in enumerate(("未曾披上白色战袍", "从未披上白色战袍")):
        article.write_text(original.replace("没有披上白色战袍", wording, 1), encoding="utf-8")
        edited = build_page(spec, tmp_path / f"edit{n}", cache=cache).pdf_path.read_bytes()
        after = _compose_entries(cache.root)
        assert {p: t for p, t in after.items() if p in memo} == memo  # the page's memo not written again
        [since] = [p for p in after if p not in memo]
        assert since.stat().st_size < sum(p.stat().st_size for p in memo) / 10  # one paragraph's lines
        assert edited == build_page(spec, tmp_path / f"off{n}", cache=DiskCache(None)).pdf_path.read_bytes()
    since.write_bytes(since.read_bytes()[:-100] + bytes(100))  # damaged: its seal no longer matches
    assert build_page(spec, tmp_path / "again", cache=cache).pdf_path.read_bytes() == edited
