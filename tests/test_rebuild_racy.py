"""A build records its replay unless an input may have been saved after the build read it
(src/pagesetter/rebuild.py, ``_racy``): an input saved half a second before a build, as a project
written just before its first build is (bench/bench_edition.py), is recorded and replayed; one
saved while the build ran, or in the same second on a file system that keeps whole seconds, is not,
and a changed input is never replayed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from pagesetter import rebuild
from pagesetter.cache import DiskCache

UNCHANGED = "unchanged since the last build"
SECOND = 1_000_000_000


def _saved_at(path: Path, mtime_ns: int) -> None:
    os.utime(path, ns=(mtime_ns, mtime_ns))


def _recorded(tmp_path: Path, article: Path, started_ns: int) -> bytes | None:
    """What a build that started at ``started_ns`` and read ``article`` leaves to replay."""
    cache = DiskCache(tmp_path / "cache")
    key = rebuild.job_key(article, ("racy-test",))
    rebuild.record_payload(cache, key, (article,), b"what the build made", started_ns)
    return rebuild.lookup_payload(cache, key)


def test_an_input_saved_half_a_second_before_the_build_is_replayed(tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    article.write_text("# 标题\n\n正文。\n", encoding="utf-8")
    saved = time.time_ns() - 10 * SECOND + 123_456_789  # a fine time, as ext4, tmpfs, APFS, NTFS keep
    _saved_at(article, saved)
    assert _recorded(tmp_path, article, saved + SECOND // 2) == b"what the build made"


def test_an_input_saved_while_the_build_ran_is_not_recorded(tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    article.write_text("# 标题\n\n正文。\n", encoding="utf-8")
    started = time.time_ns() - 10 * SECOND + 123_456_789
    for saved in (started + 200_000_000,  # during the build, in the same second
                  started - 5_000_000):  # during it, by a kernel clock a tick behind the build's
        _saved_at(article, saved)
        assert _recorded(tmp_path / str(saved), article, started) is None


def test_a_whole_second_time_near_the_build_is_not_trusted(tmp_path: Path) -> None:
    """A file system that keeps whole seconds (or two) writes the same time for an edit made up to
    two seconds later: such a time before the build's start may still be an edit during it."""
    article = tmp_path / "article.md"
    article.write_text("# 标题\n\n正文。\n", encoding="utf-8")
    saved = (time.time_ns() // SECOND - 10) * SECOND
    _saved_at(article, saved)
    assert _recorded(tmp_path / "a", article, saved + 900_000_000) is None
    assert _recorded(tmp_path / "b", article, saved + SECOND + 900_000_000) is None
    assert _recorded(tmp_path / "c", article, saved + 2 * SECOND + 100_000_000) == b"what the build made"


def test_an_input_edited_in_the_same_second_keeping_size_and_time_is_not_replayed(tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    article.write_text("# 标题\n\n正文一。\n", encoding="utf-8")
    saved = time.time_ns() - 10 * SECOND + 123_456_789
    _saved_at(article, saved)
    cache = DiskCache(tmp_path / "cache")
    key = rebuild.job_key(article, ("racy-test",))
    rebuild.record_payload(cache, key, (article,), b"made from one", saved + SECOND // 2)
    assert rebuild.lookup_payload(cache, key) == b"made from one"
    article.write_text("# 标题\n\n正文二。\n", encoding="utf-8")  # the same size
    _saved_at(article, saved)  # and the same time: the bytes decide
    assert rebuild.lookup_payload(cache, key) is None


def _build(project: Path, cache: Path, out: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PAGESETTER_CACHE"}
    env["PAGESETTER_CACHE"] = str(cache)
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", "layout/tabloid-edition.yaml", "-o", out],
                          cwd=project, capture_output=True, text=True, timeout=300, env=env)


def _just_saved(project: Path, ago_ns: int) -> None:
    """Every input of the project (not the linked fonts) saved ``ago_ns`` ago, as a project
    written just before its first build is."""
    at = time.time_ns() - ago_ns
    for path in project.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.suffix not in rebuild.BY_STAT and "output" not in path.parts:
            _saved_at(path, at)


def test_an_edition_written_just_before_its_first_build_is_replayed(project: Path, tmp_path: Path) -> None:
    _just_saved(project, SECOND // 2)
    cold = _build(project, tmp_path / "cache", "a")
    assert cold.returncode == 0, cold.stderr
    assert UNCHANGED not in cold.stdout
    warm = _build(project, tmp_path / "cache", "b")
    assert warm.returncode == 0, warm.stderr
    assert f"tabloid-1 ({UNCHANGED})" in warm.stdout  # tabloid-2 continues a jump: always set
    for name in ("tabloid-1.pdf", "tabloid-2.pdf", "tabloid-edition.pdf"):
        assert (project / "a" / name).read_bytes() == (project / "b" / name).read_bytes(), name


def test_an_article_edited_while_the_first_build_runs_is_not_replayed(project: Path, tmp_path: Path) -> None:
    """The article saved with a sentence more half a second after the first build has started
    laying out its pages: most likely after the build read it (and before it recorded the page),
    in the build's second. Wherever the save lands, the next build makes what a build of the
    project as it is now with no cache makes: never the page of the old text replayed."""
    _just_saved(project, SECOND // 2)
    env = {k: v for k, v in os.environ.items() if k != "PAGESETTER_CACHE"}
    env.update(PAGESETTER_CACHE=str(tmp_path / "cache"), PYTHONUNBUFFERED="1")
    article = project / "content" / "xianglu-street.md"
    text = article.read_text(encoding="utf-8")
    last = text.rstrip().rsplit("\n", 1)[1]
    running = subprocess.Popen([sys.executable, "-m", "pagesetter", "build", "layout/tabloid-edition.yaml", "-o", "a"],
                               cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert running.stdout is not None
    first = running.stdout.readline()
    assert first.startswith("laying out"), first
    time.sleep(0.5)
    draft = article.with_suffix(".tmp")  # saved whole, as an editor saves: never read half written
    draft.write_text(text.replace(last, last + "新加一句。"), encoding="utf-8")
    os.replace(draft, article)
    _, err = running.communicate(timeout=300)
    assert running.returncode == 0, err
    again = _build(project, tmp_path / "cache", "b")
    assert again.returncode == 0, again.stderr
    fresh = _build(project, tmp_path / "fresh-cache", "c")
    assert fresh.returncode == 0, fresh.stderr
    for name in ("tabloid-1.pdf", "tabloid-2.pdf", "tabloid-edition.pdf"):
        assert (project / "b" / name).read_bytes() == (project / "c" / name).read_bytes(), name
