"""Shared fixtures: the project root, and one real build of the seed page per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import settings

# No test asserts on wall time (a shared 2-core machine runs several suites at once): Hypothesis'
# per-example deadline is off for every property test, not only those whose @settings say so.
settings.register_profile("pagesetter", deadline=None)
settings.load_profile("pagesetter")

ROOT = Path(__file__).resolve().parent.parent
SEED_SPEC = ROOT / "layout" / "seed-page.yaml"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Every build of the test session (in-process or a CLI subprocess) uses a cache folder of its
    own, empty at the start: tests never read or fill the user's cache."""
    before = os.environ.get("PAGESETTER_CACHE")
    os.environ["PAGESETTER_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("PAGESETTER_CACHE", None)
    else:
        os.environ["PAGESETTER_CACHE"] = before


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory):
    """The seed page built once, for real, into a temporary folder."""
    from pagesetter.build import build_page

    out = tmp_path_factory.mktemp("seed-build")
    return build_page(SEED_SPEC, out)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A throwaway copy of the project's inputs (layout, content; fonts linked), to break on purpose."""
    return copy_project(tmp_path)


def copy_project(dest: Path) -> Path:
    """layout/ and content/ copied, the font files hard-linked (big, read only): a project of its own."""
    shutil.copytree(ROOT / "layout", dest / "layout")
    shutil.copytree(ROOT / "content", dest / "content")
    # its own project wherever it stands (as `init` makes one): a copy under a clone (pytest's
    # --basetemp inside the worktree) would otherwise be the clone's, its files named from there
    (dest / "pagesetter.toml").write_text('[build]\nspec = "layout/seed-page.yaml"\noutput = "output"\n',
                                          encoding="utf-8")
    (dest / "fonts").mkdir()
    linked_out = False
    for f in (ROOT / "fonts").iterdir():
        if f.suffix in (".otf", ".ttf", ".ttc"):
            try:  # a hard link is a file of the project, as a copy would be
                os.link(_font_on_this_disk(f, dest), dest / "fonts" / f.name)
            except OSError:  # no hard links at all: a symlink, which the specs must then allow
                (dest / "fonts" / f.name).symlink_to(f)
                linked_out = True
        elif f.is_file():
            shutil.copy(f, dest / "fonts" / f.name)
    if linked_out:
        for spec in (dest / "layout").glob("*.yaml"):
            text = spec.read_text(encoding="utf-8")
            if "\ngrid:" in text:  # a page spec; appended last, so no line number moves
                spec.write_text(text + f"allow_outside: [{ROOT / 'fonts'}]\n", encoding="utf-8")
    return dest


def _font_on_this_disk(font: Path, dest: Path) -> Path:
    """The font itself when ``dest`` is on its disk, else one copy of it beside ``dest`` (made
    once for the whole session), so that every test project can hard-link it."""
    if os.stat(font).st_dev == os.stat(dest).st_dev:
        return font
    shared = dest.parent.parent / "pagesetter-fonts"
    copy = shared / font.name
    if not copy.exists():
        shared.mkdir(exist_ok=True)
        tmp = shared / f".{font.name}.{os.getpid()}"
        shutil.copyfile(font, tmp)
        os.replace(tmp, copy)
    return copy


def which(tool: str) -> str | None:
    return shutil.which(tool)


def frame_lines(pdf: Path, article: str | None = None, edge: float = 0.5) -> list[list[list]]:
    """A PDF's body frames in reading order (one article's, or every one), each its printed lines
    top to bottom, each line its characters left to right (pdfium read-back; blanks left out): the
    columns as a 校对 reads them, by the frames the layout record carries."""
    from pagesetter.proof.readback import read_chars
    from pagesetter.proof.typography import pdf_frames

    page = read_chars(pdf)[0]
    out = []
    for f in pdf_frames(pdf)[0]:
        if f["kind"] != "body" or (article is not None and f["article"] != article):
            continue
        top, bottom = page.height - f["y1"], page.height - f["y0"]
        lines: dict[float, list] = {}
        for c in page.chars:
            if f["x0"] - edge <= c.x < f["x1"] and top <= c.baseline <= bottom + edge and not c.text.isspace():
                lines.setdefault(round(c.baseline, 1), []).append(c)
        out.append([sorted(lines[b], key=lambda c: c.x) for b in sorted(lines)])
    return out


def body_line_chars(built) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Each body line of a built page (build_page's result) with the PDF's characters printed on it
    (pdfium read-back, on its baseline within its measure, the trim's offset in the media box taken
    off), left to right: the page tree's line beside what the PDF holds for it."""
    from pagesetter.proof.readback import read_chars

    page = read_chars(built.pdf_path)[0]
    dx, dy = (page.width - built.page.trim[0]) / 2, (page.height - built.page.trim[1]) / 2
    out = []
    for line in built.page.lines:
        if line.role == "body":
            chars = [c for c in page.chars if abs(c.baseline - line.baseline - dy) < 0.5
                     and line.x - 1 <= c.x - dx <= line.x + line.width + 1]
            out.append((line, sorted(chars, key=lambda c: c.x)))
    return out


def age_inputs(project: Path) -> None:
    """Every input saved a minute ago: a build does not record inputs saved just before it ran
    (rebuild.SETTLE_NS), so tests that expect a replay let their edits settle first. Only what
    was just written: the project's fonts are hard links to the repository's, whose times stay."""
    now = time.time_ns()
    for path in project.rglob("*"):
        if path.is_file() and not path.is_symlink() and "output" not in path.parts:
            st = path.stat()
            if st.st_mtime_ns > now - 10 * 10**9:
                os.utime(path, ns=(st.st_atime_ns, now - 60 * 10**9))


# The output folder's clean-up (src/pagesetter/outputs.py), tested through the real command line in
# a throwaway project (test_stopped_build.py, test_stale_outputs.py).

# Paragraphs enough to overflow any module of the seed page or the tabloid.
OVERSET_COPY = "\n\n" + "\n\n".join(["这是补充的一段新闻正文，用来让文章超出版面所能容纳的篇幅。" * 6] * 40) + "\n"


def run_cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``pagesetter ARGS…`` run in ``project``, as a desk runs it."""
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=project, capture_output=True, text=True,
                          timeout=600)


def build_to_out(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``pagesetter build -o out ARGS…`` in ``project``: its outputs in ``project/out``."""
    return run_cli(project, "build", "-o", "out", *args)


def user_pdf(path: Path) -> None:
    """A PDF another program made (no pagesetter in its Info)."""
    import pikepdf

    doc = pikepdf.new()
    doc.add_blank_page()
    doc.docinfo["/Creator"] = "Adobe InDesign"
    doc.save(path)


def overset(project: Path, article: str) -> None:
    """``article`` given more copy than any module of the seed page or the tabloid holds."""
    path = project / "content" / f"{article}.md"
    path.write_text(path.read_text(encoding="utf-8") + OVERSET_COPY, encoding="utf-8")



def run_uncached(*args: str, cwd: Path = ROOT, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``pagesetter ARGS…`` run in ``cwd`` (the repository unless given), as a desk runs it, without
    the cache (each run sets its pages: what a test asserts on is this build's) and with Python's own
    warnings off (stderr holds the build's lines only). test_front_page, test_evening_front,
    test_trial14_check."""
    env = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd)


def with_last_entry_key(spec_text: str, line: str) -> str:
    """A test page's spec with ``line`` (a key of its last article entry, indented) added to that
    entry: before the page's ``white:`` list when the page has one (test pages end with the areas
    they leave white on purpose, README: white), else at the end."""
    mark = "\n# areas this test page leaves white on purpose"
    if mark in spec_text:
        return spec_text.replace(mark, "\n" + line.rstrip("\n") + mark, 1)
    return spec_text + line
