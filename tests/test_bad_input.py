"""Bad input, through the real command line: each gives one located line, a non-zero exit, no
traceback and no PDF. The project is a throwaway copy; each case breaks one thing."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Callable

import pytest

SPEC = "layout/seed-page.yaml"
ARTICLE = "content/dongfeng-media.md"


def _edit(rel: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"case setup: {old!r} not in {rel}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return apply


def _write(rel: str, data: bytes | str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # a new file: never write through a link into the real project
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    return apply


def _recode(rel: str, encoding: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / rel
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    return apply


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims to be huge: the decompression-bomb guard must stop it before decoding."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def _symlink_photo(project: Path) -> None:
    outside = project.parent / "outside.jpg"
    (project / "content" / "photos" / "dongfeng-media.jpg").rename(outside)
    (project / "content" / "photos" / "dongfeng-media.jpg").symlink_to(outside)


def _truncate(rel: str, keep: int) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / rel
        data = path.read_bytes()[:keep]
        path.unlink()  # a new file: never write through a link into the real project
        path.write_bytes(data)
    return apply


def _link_out(rel: str) -> Callable[[Path], None]:
    """The input moved out of the project and a symlink left in its place."""
    def apply(project: Path) -> None:
        path = project / rel
        outside = project.parent / f"outside-{path.name}"
        outside.write_bytes(path.read_bytes())
        path.unlink()
        path.symlink_to(outside)
    return apply


CASES: list[tuple[str, Callable[[Path], None], str, str, int]] = [
    # (id, break, file the message names (prefix), words it must contain, exit status)
    ("yaml-syntax", _edit(SPEC, "grid:\n", "grid: [\n"), SPEC, "invalid YAML", 1),
    ("yaml-tab", _edit(SPEC, "  columns: 8", "\tcolumns: 8"), SPEC, "tab", 1),
    ("yaml-control", _edit(SPEC, "columns: 8", "columns: 8\x07"), SPEC, "control character U+0007", 1),
    ("spec-empty", _write(SPEC, ""), SPEC, "empty", 1),
    ("spec-list", _write(SPEC, "- a\n- b\n"), SPEC, "must be a mapping", 1),
    ("unknown-key", _edit(SPEC, "columns: 8", "colums: 8"), SPEC, "did you mean 'columns'", 1),
    ("wrong-type", _edit(SPEC, "columns: 8", "columns: eight"), SPEC, "whole number", 1),
    ("no-unit", _edit(SPEC, "bleed: 3mm", "bleed: 3"), SPEC, "has no unit", 1),
    ("negative", _edit(SPEC, "bleed: 3mm", "bleed: -3mm"), SPEC, "zero or more", 1),
    ("zero-pitch", _edit(SPEC, "pitch: 13.5pt", "pitch: 0pt"), SPEC, "more than zero", 1),
    ("bad-unit", _edit(SPEC, "gutter: 1字", "gutter: 1 furlong"), SPEC, "not allowed", 1),
    ("alias-bomb", _write(SPEC, "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))), SPEC, "too many aliases", 1),
    ("python-tag", _write(SPEC, "page: !!python/object/apply:os.system [ls]\n"), SPEC, "not allowed", 1),
    ("gbk-spec", _recode(SPEC, "gb18030"), SPEC, "GB18030", 1),
    ("duplicate-key", _edit(SPEC, "  bleed: 3mm\n", "  bleed: 3mm\n  bleed: 4mm\n"), SPEC, "duplicate key", 1),
    ("overlap", _edit(SPEC, "block: {col: 5, cols: 4, line: 12, lines: 34}",
                      "block: {col: 4, cols: 4, line: 12, lines: 34}"), SPEC, "overlaps", 1),
    ("past-grid", _edit(SPEC, "block: {col: 5, cols: 4, line: 12, lines: 34}",
                        "block: {col: 9, cols: 4, line: 12, lines: 34}"), SPEC, "at most 8", 1),
    ("unknown-style", _edit(SPEC, "headline: {cols: 3, lines: 8}", "headline: {cols: 3, lines: 8, title: titel}"),
     SPEC, "unknown style 'titel'", 1),
    ("sheet-outside", _edit(SPEC, "stylesheets: [styles/city-daily.yaml]", "stylesheets: [../../x.yaml]"),
     SPEC, "outside the project", 1),
    ("sheet-missing", _edit(SPEC, "stylesheets: [styles/city-daily.yaml]", "stylesheets: [styles/nope.yaml]"),
     SPEC, "not found", 1),
    ("absolute-path", _edit(SPEC, "content: ../content", "content: /etc"), SPEC, "outside the project", 1),
    ("article-missing", _edit(SPEC, "article: dongliao-police", "article: dongliao"), SPEC, "not found", 1),
    ("bad-date", _edit(SPEC, "date: 2022-06-30", "date: 30/06/2022"), SPEC, "YYYY-MM-DD", 1),
    ("colour-range", _edit("layout/styles/city-daily.yaml", "  body:            # 正文: 小五 宋体 on the 13.5 pt grid, two-character indent, 开明 punctuation\n",
                           "  body:\n    color: [0, 0, 0, 120]\n"), "layout/styles/city-daily.yaml", "0–100", 1),
    ("style-cycle", _edit("layout/styles/city-daily.yaml", "  credit:\n    base: caption",
                          "  credit:\n    base: credit"), "layout/styles/city-daily.yaml", "based on itself", 1),
    ("fit-reversed", _edit(SPEC, "fit: {headline_lines: [0, 2]}", "fit: {headline_lines: [2, 0]}"), SPEC,
     "more than the most", 1),
    ("unknown-face", _edit("layout/styles/city-daily.yaml", "    font: kai\n    size: 小五\n    leading: 13.5pt\n    align: justify",
                           "    font: fangsong\n    size: 小五\n    leading: 13.5pt\n    align: justify"),
     "layout/styles/city-daily.yaml", "fangsong", 1),
    ("no-fence", _edit(ARTICLE, "---\ntitle", "title"), ARTICLE, "starts with a '---'", 1),
    ("open-fence", _edit(ARTICLE, "---\n\n", "\n\n"), ARTICLE, "never closed", 1),
    ("front-key", _edit(ARTICLE, "subtitle:", "subtitel:"), ARTICLE, "did you mean 'subtitle'", 1),
    ("no-title", _edit(ARTICLE, "title: 媒体战士在“疫”线 危难时刻见初心\n", ""), ARTICLE, "needs a title", 1),
    ("open-lead", _edit(ARTICLE, "没有披上白色战袍", "**没有披上白色战袍"), ARTICLE, "never closed", 1),
    ("photo-missing", _edit(ARTICLE, "photos/dongfeng-media.jpg", "photos/nope.jpg"), ARTICLE, "not found", 1),
    ("photo-outside", _edit(ARTICLE, "photos/dongfeng-media.jpg", "../../outside.jpg"), ARTICLE,
     "outside the project", 1),
    ("photo-symlink", _symlink_photo, ARTICLE, "outside the project", 1),
    ("photo-corrupt", _write("content/photos/dongfeng-media.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
     "content/photos/dongfeng-media.jpg", "cannot read image", 1),
    ("photo-truncated", _truncate("content/photos/dongfeng-media.jpg", 2000), "content/photos/dongfeng-media.jpg",
     "cannot read image", 1),
    ("photo-bomb", _write("content/photos/dongfeng-media.jpg", _png_header(60000, 60000)),
     "content/photos/dongfeng-media.jpg", "megapixels", 1),
    ("gbk-article", _recode(ARTICLE, "gb18030"), ARTICLE, "GB18030", 1),
    ("empty-article", _write(ARTICLE, ""), ARTICLE, "starts with a '---'", 1),
    ("side-contradicts", _edit(ARTICLE, "    caption: ▲", "    side: below\n    caption: ▲"), ARTICLE,
     "contradicts", 1),
    ("empty-subhead", _edit(ARTICLE, "没有披上白色战袍", "## \n\n没有披上白色战袍"), ARTICLE, "empty subhead", 1),
    ("font-missing", _edit("fonts/manifest.yaml", "file: LXGWWenKai-Regular.ttf", "file: nope.ttf"),
     "fonts/manifest.yaml", "not found", 1),
    ("font-corrupt", _write("fonts/LXGWWenKai-Regular.ttf", b"\x00\x01\x00\x00 garbage"),
     "fonts/manifest.yaml", "'LXGWWenKai-Regular.ttf' of face 'kai': a font file cut short", 1),
    ("font-symlink", _link_out("fonts/LXGWWenKai-Regular.ttf"), "fonts/manifest.yaml", "outside the project", 1),
    ("article-symlink", _link_out(ARTICLE), SPEC, "outside the project", 1),
    ("allow-outside-missing", _edit(SPEC, "rules: {", "allow_outside: [../../no-such-folder]\nrules: {"), SPEC,
     "is not a folder", 1),
    ("headline-too-long", _edit(SPEC, "headline: {cols: 3, lines: 8}", "headline: {cols: 3, lines: 2}"), "", "overset", 3),
    # trial 14: messages that named no line, guessed the unit wrong, named no value
    ("article-empty", _write(ARTICLE, ""), ARTICLE, "the article file is empty", 1),
    ("pitch-no-unit", _edit(SPEC, "pitch: 13.5pt", "pitch: 13.5"), SPEC, "e.g. 13.5pt or 13.5mm", 1),
    ("date-impossible", _edit(SPEC, "date: 2022-06-30", "date: 2022-02-30"), SPEC, "invalid value '2022-02-30'", 1),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_located_line(project: Path, case) -> None:
    _, breaker, where, words, status = case
    breaker(project)
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build"], cwd=project, capture_output=True, text=True,
                         timeout=300, env=env)
    err = run.stderr.strip()
    assert run.returncode == status, (run.returncode, err, run.stdout[-500:])
    assert "Traceback" not in run.stderr and len(err.splitlines()) == 1, err
    assert err.startswith("pagesetter: error: " + where), err
    if where and status == 1:
        assert err[len("pagesetter: error: " + where):].startswith(":"), err  # file:line[:column]
    assert words in err, err
    assert not (project / "output" / "seed-page.pdf").exists()


def test_a_bom_is_harmless(project: Path) -> None:
    for rel in (SPEC, ARTICLE):
        path = project / rel
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build"], cwd=project, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr


def test_a_photo_outside_is_refused_naming_the_folders(project: Path) -> None:
    """The project folder by its path, not ".", and the article's own photos folder as the place to
    copy the picture to (trial 14: "outside the project folder .; copy the picture into
    content/photos/" for an article whose photos are elsewhere)."""
    import shutil

    shutil.move(project / "content", project / "desk")  # the page's copy in content/desk/ instead
    (project / "content").mkdir()
    shutil.move(project / "desk", project / "content" / "desk")
    article = project / "content" / "desk" / "dongfeng-media.md"
    article.write_text(article.read_text(encoding="utf-8").replace("photos/dongfeng-media.jpg", "../../../x.jpg"),
                       encoding="utf-8")
    spec = project / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace("content: ../content", "content: ../content/desk"),
                    encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build"], cwd=project, capture_output=True, text=True,
                         timeout=300)
    err = run.stderr.strip()
    assert run.returncode == 1 and len(err.splitlines()) == 1, err
    assert f"outside the project folder {project.resolve()};" in err or f"outside the project folder {project};" in err, err
    assert "copy the picture into content/desk/photos/" in err, err
