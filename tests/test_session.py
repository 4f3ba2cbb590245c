"""The incremental build (session.py): after each of a series of random edits (an article's text,
a style of the shared sheet, a module's block in the spec), Session.build writes the very bytes a
fresh build_page writes with no cache at all, on every shipped page and every page of tests/pages;
and an edit of one article sets and flows that article's module only."""

from __future__ import annotations

import io
import random
import re
import shutil
import zlib
from pathlib import Path

import pytest

from conftest import ROOT, copy_project
from pagesetter.build import build_page, load_page_spec, wanted_articles
from pagesetter.cache import DiskCache
from pagesetter.edition import is_edition
from pagesetter.errors import PagesetterError
from pagesetter.session import Session

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (*(ROOT / "layout").glob("*.yaml"),
                                                         *(ROOT / "tests" / "pages" / "layout").glob("*.yaml"))
               if not is_edition(p))
HAN = re.compile(r"[\u4e00-\u9fff]{2}")
SHEET = "layout/styles/city-daily.yaml"


def _project(dest: Path) -> Path:
    project = copy_project(dest)
    shutil.copytree(ROOT / "tests" / "pages", project / "tests" / "pages")  # its specs name ../../../fonts
    (project / "pyproject.toml").write_text("", encoding="utf-8")  # the project folder, as in a clone
    return project


def _outcome(build) -> tuple[bytes | None, str | None]:  # type: ignore[no-untyped-def]
    """The PDF's bytes, or the error the build stopped with (both ways must stop alike)."""
    try:
        return build().pdf_path.read_bytes(), None
    except PagesetterError as exc:
        return None, f"{type(exc).__name__}: {exc}"


def _articles(spec: Path) -> list[Path]:
    loaded, _ = load_page_spec(spec)
    return [loaded.content_dir / f"{name}.md" for name, _ in wanted_articles(loaded)]


def _edit_text(articles: list[Path], rng: random.Random) -> str:
    """Two neighbouring Han characters of one body line of one of the page's articles swapped."""
    for path in rng.sample(articles, len(articles)):
        name = path.stem
        lines = path.read_text(encoding="utf-8").split("\n")
        fences = [i for i, line in enumerate(lines) if line.strip() == "---"]
        body = [i for i in range(fences[1] + 1 if len(fences) > 1 else 0, len(lines)) if HAN.search(lines[i])]
        if not body:
            continue
        i = rng.choice(body)
        spots = [m.start() for m in HAN.finditer(lines[i])]
        at = rng.choice(spots)
        line = lines[i]
        lines[i] = line[:at] + line[at + 1] + line[at] + line[at + 2:]
        path.write_text("\n".join(lines), encoding="utf-8")
        return f"{name}.md line {i + 1}"
    return "no article text to edit"


def _edit_style(project: Path) -> str:
    """The body style's indent in the shared sheet: 2字 <-> 1字."""
    sheet = project / SHEET
    text = sheet.read_text(encoding="utf-8")
    new = text.replace("    indent: 2字", "    indent: 1字", 1) if "    indent: 2字" in text \
        else text.replace("    indent: 1字", "    indent: 2字", 1)
    sheet.write_text(new, encoding="utf-8")
    return "body indent"


def _edit_spec(spec: Path, rng: random.Random) -> str:
    """One module's block a grid line shorter (one the spec still accepts): that module is set and
    flowed again."""
    text = spec.read_text(encoding="utf-8")
    blocks = list(re.finditer(r"(block: \{[^}\n]*\blines: )(\d+)", text))
    for m in rng.sample(blocks, len(blocks)):
        lines = int(m.group(2))
        if lines < 2:
            continue
        spec.write_text(text[:m.start(2)] + str(lines - 1) + text[m.end(2):], encoding="utf-8")
        try:
            load_page_spec(spec)
        except PagesetterError:
            continue
        return f"block at offset {m.start()} to {lines - 1} lines"
    spec.write_text(text, encoding="utf-8")
    return "no block to shorten"


@pytest.mark.parametrize("page", PAGES)
def test_session_matches_full_build_after_edits(page: str, tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    spec = project / page
    rng = random.Random(zlib.crc32(page.encode()))
    articles = _articles(spec)
    session = Session(spec)
    edits = ["(none)"]

    def compare() -> None:
        ours = _outcome(lambda: session.build(tmp_path / "session", allow_overset=True))
        fresh = _outcome(lambda: build_page(spec, tmp_path / "fresh", allow_overset=True, cache=DiskCache(None)))
        assert ours[1] == fresh[1], f"{page} after {edits}"
        assert ours[0] == fresh[0], f"{page}: the session's PDF differs from a full build after {edits}"

    compare()
    for step in ("text", "text", "style", "spec", "text"):
        edits.append(_edit_text(articles, rng) if step == "text" else
                     _edit_style(project) if step == "style" else _edit_spec(spec, rng))
        compare()


def test_one_article_edit_reflows_one_module(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    spec = project / "layout" / "seed-page.yaml"
    session = Session(spec)
    session.build(tmp_path / "out")
    session.build(tmp_path / "out")  # nothing changed: every module kept
    memo = session._memo
    assert memo.misses_of("module") == 0
    article = project / "content" / "dongfeng-media.md"
    text = article.read_text(encoding="utf-8")
    assert "没有披上白色战袍" in text
    article.write_text(text.replace("没有披上白色战袍", "未曾披上白色战袍", 1), encoding="utf-8")
    result = session.build(tmp_path / "out")
    assert memo.misses_of("module") == 1  # dongfeng-media's module; the five others kept
    assert memo.misses_of("source") == 1
    # a module's block changed in the spec (a drag on the desk): that module alone is set again
    layout = spec.read_text(encoding="utf-8")
    moved = "block: {col: 5, cols: 4, line: 12, lines: 33}"
    spec.write_text(layout.replace("block: {col: 5, cols: 4, line: 12, lines: 34}", moved, 1), encoding="utf-8")
    assert moved in spec.read_text(encoding="utf-8")
    session.build(tmp_path / "out")
    assert memo.misses_of("module") == 1  # dongliao-police's
    # and the text edit is on the page
    import pdfplumber

    with pdfplumber.open(result.pdf_path) as pdf:
        assert "未曾披上白色战袍" in pdf.pages[0].extract_text().replace("\n", "")


def test_unchanged_parts_of_the_page_are_not_drawn_again(tmp_path: Path) -> None:
    """A build with nothing changed draws nothing again: the 报眉 and the slug line are the same
    page lines (main drew both anew every build: two modules' glyphs and operators each time).
    After a one-article edit, only that module's glyphs, operators, frames, collisions and source
    map are made again; and the PDF is still a full build's."""
    project = _project(tmp_path / "project")
    spec = project / "layout" / "seed-page.yaml"
    session = Session(spec)
    session.build(tmp_path / "out")
    session.build(tmp_path / "out")
    memo = session._memo
    for kind in ("chunk", "used", "line-ops", "runs", "marks", "folio", "frames-json", "collisions", "shown",
                 "source"):
        assert memo.misses_of(kind) == 0, kind
    article = project / "content" / "dongfeng-media.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("没有披上白色战袍", "未曾披上白色战袍", 1), encoding="utf-8")
    session.build(tmp_path / "out")  # a glyph new to the page: every face's subset made anew
    article.write_text(text, encoding="utf-8")  # and back, as an editor tries two wordings
    ours = session.build(tmp_path / "out").pdf_path.read_bytes()
    for kind in ("chunk", "used", "frames-json", "collisions", "source"):
        assert memo.misses_of(kind) == 1, kind  # dongfeng-media's alone
    assert memo.misses_of("marks") == memo.misses_of("folio") == 0
    # of the module's hundred lines, those of the edited paragraph are new objects; the others kept
    assert 1 <= memo.misses_of("line-ops") == memo.misses_of("printed") <= 10
    assert memo.misses_of("source-unit") <= 1  # the edited paragraph's, unless kept from before
    assert ours == build_page(spec, tmp_path / "fresh", cache=DiskCache(None)).pdf_path.read_bytes()


def test_edited_article_scans_only_its_changed_line(tmp_path: Path) -> None:
    """An article saved with one sentence changed is read again, but only the changed line is
    scanned and only its paragraph made anew: the others stay the very objects the module's
    composition keys on. The printed page has the new wording and the old elsewhere."""
    project = _project(tmp_path / "project")
    spec = project / "layout" / "seed-page.yaml"
    session = Session(spec)
    first = session.build(tmp_path / "out")
    before = first.articles["dongfeng-media"].paragraphs
    article = project / "content" / "dongfeng-media.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("没有披上白色战袍", "未曾披上白色战袍", 1), encoding="utf-8")
    result = session.build(tmp_path / "out")
    memo = session._memo
    assert memo.misses_of("read-line") == 1 and memo.misses_of("read-paragraph") == 1
    after = result.articles["dongfeng-media"].paragraphs
    assert len(after) == len(before) > 2
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a is not b]
    assert len(changed) == 1 and "未曾披上白色战袍" in after[changed[0]].text
    import pdfplumber

    with pdfplumber.open(result.pdf_path) as pdf:
        printed = pdf.pages[0].extract_text().replace("\n", "")
    assert "未曾披上白色战袍" in printed and "没有披上白色战袍" not in printed
    assert after[changed[0] - 1].text[:8] in printed


def test_edit_keeping_the_body_lines_skips_the_fit_trials(tmp_path: Path) -> None:
    """A wording change that leaves the module's body as many lines of the same kinds keeps the
    variant fitting chose (no trial placed again); one that adds a line tries them again. Either
    way the session's PDF is a full build's."""
    project = _project(tmp_path / "project")
    spec = project / "layout" / "seed-page.yaml"
    session = Session(spec)
    session.build(tmp_path / "out")
    memo = session._memo
    article = project / "content" / "dongfeng-media.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("没有披上白色战袍", "未曾披上白色战袍", 1), encoding="utf-8")
    same = session.build(tmp_path / "out").pdf_path.read_bytes()
    assert memo.misses_of("module") == 1 and memo.misses_of("fit") == 0
    assert same == build_page(spec, tmp_path / "fresh", cache=DiskCache(None)).pdf_path.read_bytes()
    longer = "未曾披上白色战袍" + "，" + "这是为了测试而多加的一整段文字" * 6
    article.write_text(text.replace("没有披上白色战袍", longer, 1), encoding="utf-8")
    grown = session.build(tmp_path / "out", allow_overset=True).pdf_path.read_bytes()
    assert memo.misses_of("fit") == 1
    assert grown == build_page(spec, tmp_path / "fresh", allow_overset=True,
                               cache=DiskCache(None)).pdf_path.read_bytes()


def test_an_edit_that_touches_no_photo_reads_no_photo_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The photo check before the overset gate (build.check_photos) read every photo's header on
    every build, a session's too, at every edit on the desk: a session probes a photo once while it
    is the same file, and again when the file is replaced. Counted on the real probe (each call
    still reads the file)."""
    from pagesetter.render import probe

    project = _project(tmp_path / "project")
    spec = project / "layout" / "seed-page.yaml"
    probed: list[Path] = []
    real = probe.probe_photo

    def counted(path: Path) -> None:
        probed.append(path)
        real(path)

    monkeypatch.setattr(probe, "probe_photo", counted)
    session = Session(spec)
    session.build(tmp_path / "out")
    photos = sorted(set(probed))
    assert photos and len(probed) == len(photos), probed  # each of the page's photos, once
    # an edit to an article's text: no photo read again
    article = project / "content" / "dongfeng-media.md"
    text = article.read_text(encoding="utf-8")
    assert "没有披上白色战袍" in text
    article.write_text(text.replace("没有披上白色战袍", "未曾披上白色战袍", 1), encoding="utf-8")
    probed.clear()
    session.build(tmp_path / "out")
    assert probed == []
    # a photo replaced (another file by the same name): that one read again, alone
    photo = photos[0]
    fresh = photo.with_name("fresh" + photo.suffix)
    shutil.copyfile(photo, fresh)
    fresh.replace(photo)
    probed.clear()
    session.build(tmp_path / "out")
    assert probed == [photo]


def test_a_glyph_new_to_the_page_writes_only_the_edited_module_again(tmp_path: Path) -> None:
    """A character no text of the page used gives the body face a new subset, yet every other
    module's text keeps its codes (fonts/subset.py: a glyph's code is the face's own), so only the
    edited module's part of the content stream is written and compressed again (until session 20
    every line in the face was filled in with new codes and every part compressed again); the PDF
    is still a full build's, and reads back with the new character."""
    project = _project(tmp_path / "project")
    spec = project / "layout" / "seed-page.yaml"
    session = Session(spec, cache=DiskCache(None))  # its first build compresses the programs itself, part by part
    session.build(tmp_path / "out")
    page_text = "".join(p.read_text(encoding="utf-8") for p in (project / "content").glob("*.md"))
    new = next(c for c in "鹅鸭蝶蜓啄鸟鼠狐狸猩猴熊猫驼" if c not in page_text)
    article = project / "content" / "dongfeng-media.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("没有披上白色战袍", f"没有披上{new}色战袍", 1), encoding="utf-8")
    memo = session._memo
    ours = session.build(tmp_path / "out").pdf_path.read_bytes()
    assert memo.misses_of("subset") == 1  # the body face's, made again
    for kind in ("chunk", "chunk-text", "deflate"):
        assert memo.misses_of(kind) == 1, kind  # dongfeng-media's alone
    assert 1 <= memo.misses_of("font-part") <= 4  # of the face program's ~14 compressed parts
    assert ours == build_page(spec, tmp_path / "fresh", cache=DiskCache(None)).pdf_path.read_bytes()
    import pdfplumber

    with pdfplumber.open(io.BytesIO(ours)) as pdf:
        assert f"没有披上{new}色战袍" in pdf.pages[0].extract_text().replace("\n", "")
