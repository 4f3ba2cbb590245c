"""Proofing: 核红 (the diff of two builds, by source line), previews and proofs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from pagesetter.proof.diff import diff_pdfs, frames_of


def _build(project: Path, out: str) -> Path:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", out], cwd=project,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return project / out / "seed-page.pdf"


def _build_edition(project: Path, out: str) -> Path:
    """The shipped edition (layout/tabloid-edition.yaml: an article jumped from page 1 to page 2)
    built into ``project``/``out``."""
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", out, "layout/tabloid-edition.yaml"],
                         cwd=project, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return project / out / "tabloid-edition.pdf"


def _diff(old: Path, new: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "diff", str(old), str(new), "-o", str(out)],
                          capture_output=True, text=True, timeout=300)


def _reported(stdout: str) -> list[str]:
    """The change lines of diff's output: neither the files written nor the summary (the last line)."""
    lines = stdout.splitlines()
    return [line for line in lines[:-1] if not line.startswith("wrote ")]


def _edit_line(path: Path, number: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_one_punctuation_change_is_named_by_article_and_source_line(project: Path) -> None:
    """核红: ，became 、 in one article (the commonest correction): exactly one change, with the
    article and the file:line the proofreader opens; exit 7; a side-by-side and an overlay PNG."""
    old = _build(project, "old")
    article = project / "content" / "dongfeng-media.md"
    _edit_line(article, 9, ",", "、")  # the source's half-width comma prints as ，
    new = _build(project, "new")
    run = _diff(old, new, project / "d")
    assert run.returncode == 7, run.stderr
    changes = _reported(run.stdout)
    assert len(changes) == 1, run.stdout
    assert changes[0].startswith("content/dongfeng-media.md:9: dongfeng-media: ，→、"), changes
    assert run.stdout.splitlines()[-1] == "1 text change in: dongfeng-media"
    side, over = Image.open(project / "d" / "seed-page.diff.png"), Image.open(project / "d" / "seed-page.overlay.png")
    assert over.width > 2000  # 150 dpi of a 390 mm page: 2,300 px
    assert side.width > 2 * over.width - 10 and side.height == over.height
    # The overlay: where the mark changed, NEW's ink (、) shows green and OLD's (，) red
    data = over.convert("RGB").tobytes()
    pixels = [data[k:k + 3] for k in range(0, len(data), 3)]
    green = sum(1 for p in pixels if p[1] - p[0] > 60)
    red = sum(1 for p in pixels if p[0] - p[1] > 60)
    assert 0 < green < 500 and 0 < red < 500, (green, red)


def test_identical_builds_show_no_change(project: Path) -> None:
    a, b = _build(project, "a"), _build(project, "b")
    result = diff_pdfs(a, b, project / "diff")
    assert not result.changed and result.summary() == "no change"
    run = _diff(a, b, project / "d")
    assert run.returncode == 0 and run.stdout == "no change\n", run.stdout
    assert not (project / "d").exists() or not any((project / "d").iterdir())


def test_an_added_phrase_and_the_reflow_it_causes(project: Path) -> None:
    old = _build(project, "old")
    article = project / "content" / "xian-education.md"
    number = next(n for n, line in enumerate(article.read_text(encoding="utf-8").split("\n"), 1)
                  if "一场疫情就是一次大考。" in line)
    _edit_line(article, number, "一场疫情就是一次大考。", "一场疫情就是一次严峻的大考。")
    new = _build(project, "new")
    result = diff_pdfs(old, new, project / "diff")
    assert [(c.where, c.article, c.old, c.new) for c in result.text] == \
        [(f"content/xian-education.md:{number}", "xian-education", "", "严峻的")]
    assert [(m.article, m.what) for m in result.modules] == [("xian-education", "reflowed")]
    assert result.modules[0].where == f"content/xian-education.md:{number}"
    assert result.regions == []  # the picture change is the text's: not reported again
    assert result.articles == ["xian-education"]


def test_modules_moved(project: Path) -> None:
    """Two modules of the same size change places: both reported moved, no text change."""
    old = _build(project, "old")
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8")
    text = text.replace("article: dongfeng-media\n    block: {col: 1, cols: 4, line: 12, lines: 39}",
                        "article: dongfeng-media\n    block: {col: 5, cols: 4, line: 46, lines: 39}")
    text = text.replace("article: xian-education\n    block: {col: 5, cols: 4, line: 46, lines: 39}",
                        "article: xian-education\n    block: {col: 1, cols: 4, line: 12, lines: 39}")
    spec.write_text(text, encoding="utf-8")
    new = _build(project, "new")
    result = diff_pdfs(old, new, project / "diff")
    assert result.text == []
    assert sorted((m.article, m.what) for m in result.modules) == [("dongfeng-media", "moved"),
                                                                    ("xian-education", "moved")]
    # placed as a photo is, in mm from the trim's top left (trial 16b: PDF points from the sheet's
    # foot): the module at column 1, line 12 stands some 20 mm in from the trim's left edge
    moved = {m.article: m.detail for m in result.modules}
    assert all(d.endswith("mm from the trim's top left") and " pt" not in d for d in moved.values()), moved
    left = re.match(r"page 1 at (\d+),(\d+)", moved["dongfeng-media"])
    assert left is not None and 10 <= int(left[1]) <= 30 and 30 <= int(left[2]) <= 150, moved


def test_a_pdf_not_ours_is_compared_by_page_and_line(project: Path, tmp_path: Path) -> None:
    """Without the layout record (another engine's PDF), the whole page's text is compared and a
    change named by page and line."""
    import pikepdf

    old = _build(project, "old")
    _edit_line(project / "content" / "dongfeng-media.md", 9, ",", "、")
    new = _build(project, "new")
    bare = []
    for pdf_path in (old, new):
        target = tmp_path / f"{pdf_path.parent.name}.pdf"
        with pikepdf.open(pdf_path) as pdf:
            del pdf.pages[0].obj["/PieceInfo"]
            pdf.save(target)
        bare.append(target)
    run = _diff(bare[0], bare[1], tmp_path / "d")
    assert run.returncode == 7, run.stderr
    changes = _reported(run.stdout)
    assert len(changes) == 1 and re.match(r"page 1 line \d+: ，→、", changes[0]), run.stdout


def test_our_pdfs_carry_their_module_frames(seed_build) -> None:
    frames = frames_of(seed_build.pdf_path)[0]
    names = {f["article"] for f in frames if f["kind"] == "block"}
    assert names == {a.article for a in seed_build.spec.articles}


def test_preview_has_the_page_size_at_the_resolution(seed_build, tmp_path: Path) -> None:
    from pagesetter.proof.preview import render_png

    png = render_png(seed_build.pdf_path, tmp_path, dpi=30)[0]
    import pikepdf

    with pikepdf.open(seed_build.pdf_path) as pdf:
        media = [float(v) for v in pdf.pages[0].obj["/MediaBox"]]
    size = Image.open(png).size
    assert abs(size[0] - (media[2] - media[0]) * 30 / 72) <= 1 and abs(size[1] - (media[3] - media[1]) * 30 / 72) <= 1


def test_edition_progress_and_contact_sheet(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "layout/tabloid-edition.yaml", "--preview",
                          "-o", str(tmp_path)], cwd=root, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "rendering 2 pages" in run.stdout and "page 1/2: tabloid-1" in run.stdout
    assert "preflight (tabloid-edition.pdf): PASS" in run.stdout
    sheet = Image.open(tmp_path / "tabloid-edition.contact.png")
    assert sheet.width > sheet.height  # two thumbnails side by side
    quiet = subprocess.run([sys.executable, "-m", "pagesetter", "build", "layout/tabloid-edition.yaml", "-q",
                            "-o", str(tmp_path / "q")], cwd=root, capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and quiet.stdout == ""


def test_preflight_without_ghostscript_says_coverage_was_not_checked(seed_build, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """No `gs` on the PATH: not a silent PASS with 'tac checked 0', a warning that says why (issue 15.5)."""
    from pagesetter.proof.preflight import preflight

    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no Ghostscript to find
    report = preflight(seed_build.pdf_path)
    assert report.measured.get("tac checked") == 0
    assert any(f.check == "coverage" and "not installed" in f.message for f in report.findings), report.text()


def test_previews_and_proofs_are_readable_and_never_stale(project: Path) -> None:
    """150 dpi by default; --proof gives the 大样 at 100 % on A3 sheets; a later build without
    --preview/--proof removes the older preview and proof of the page."""
    import pikepdf

    out = project / "out"
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--proof", "--preview", "-o", "out"],
                         cwd=project, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    with pikepdf.open(out / "seed-page.pdf") as pdf:
        media = [float(v) for v in pdf.pages[0].mediabox]
    png = Image.open(out / "seed-page.png")
    assert abs(png.width - (media[2] - media[0]) * 150 / 72) <= 1
    assert (out / "seed-page.proof.png").is_file()
    with pikepdf.open(out / "seed-page.proof-a3.pdf") as a3, pikepdf.open(out / "seed-page.proof.pdf") as proof:
        sheets = [[float(v) for v in p.mediabox] for p in a3.pages]
        trim = [float(v) for v in proof.pages[0].trimbox]
        # who wrote it, as every PDF of a build says (a stopped build's clean-up reads the Creator)
        info = {k: str(a3.docinfo.get(f"/{k}", "")) for k in ("Title", "Creator", "Producer", "CreationDate")}
        assert info["Creator"] == str(proof.docinfo["/Creator"]) == "pagesetter", info
        assert info["Producer"] == str(proof.docinfo["/Producer"])
        assert info["CreationDate"] == str(proof.docinfo["/CreationDate"])
        assert info["Title"].startswith(str(proof.docinfo["/Title"]).removesuffix(" (proof)")) and "A3" in info["Title"]
    # A broadsheet at 100 %: two A3 landscape sheets (420 × 297 mm), together taller than the trim
    assert len(sheets) == 2 and all(abs(s[2] - 1190.55) < 0.1 and abs(s[3] - 841.89) < 0.1 for s in sheets)
    from pagesetter.proof.readback import read_chars

    body = [c.size for p in read_chars(out / "seed-page.proof-a3.pdf") for c in p.chars]
    assert max(set(body), key=body.count) == pytest.approx(9.0, abs=0.01)  # 小五 at full size
    assert trim[3] - trim[1] > 841.89  # it could not have fitted on one sheet
    again = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-o", "out"],
                           cwd=project, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    left = sorted(p.name for p in out.iterdir())
    assert left == ["seed-page.pdf"], left
    assert "removed out/seed-page.png (older than this build)" in again.stdout


def test_preview_command_defaults_to_150_dpi(seed_build, tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "preview", str(seed_build.pdf_path), "-o", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    import pikepdf

    with pikepdf.open(seed_build.pdf_path) as pdf:
        width = float(pdf.pages[0].mediabox[2]) - float(pdf.pages[0].mediabox[0])
    assert abs(Image.open(tmp_path / "seed-page.png").width - width * 150 / 72) <= 1


def test_every_paragraph_and_headline_reads_back_to_its_source_line(seed_build) -> None:
    """The source map the PDF carries, checked on the whole seed page: the first character of
    every paragraph, title and subtitle, found in the text read back, is named by its own line."""
    from pagesetter.content.reader import value_locs
    from pagesetter.proof.diff import read_side

    side = read_side(seed_build.pdf_path)
    checked = 0
    for name, article in seed_build.articles.items():
        placed = side.articles[name]
        text = "".join(p.char.text for p in placed)
        file = f"content/{name}.md"
        starts = [(p.text, p.loc.line) for p in article.paragraphs]
        locs = value_locs(article)
        starts += [(getattr(article, key), locs[key][0].line) for key in ("title", "subtitle")
                   if getattr(article, key) and key in locs]
        for value, line in starts:
            head = "".join(value.split())[:10]
            if len(head) < 6 or text.count(head) != 1:
                continue  # too short to find once
            assert placed[text.index(head)].where == f"{file}:{line}", (name, head)
            checked += 1
    assert checked >= 30, checked


def test_an_edition_proof_is_tiled_and_its_stale_files_removed(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    build = [sys.executable, "-m", "pagesetter", "build", "layout/tabloid-edition.yaml", "-o", str(tmp_path)]
    run = subprocess.run(build + ["--proof", "--preview"], cwd=root, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    import pikepdf

    with pikepdf.open(tmp_path / "tabloid-1.proof-a3.pdf") as a3:  # 270 × 390 mm: one A3 portrait sheet
        assert [[round(float(v), 1) for v in p.mediabox] for p in a3.pages] == [[0, 0, 841.9, 1190.6]]
    again = subprocess.run(build, cwd=root, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tabloid-1.pdf", "tabloid-2.pdf", "tabloid-edition.pdf"]


def test_a_page_named_in_chinese_is_named_on_its_a3_sheets_in_an_embedded_face(project: Path) -> None:
    """The A3 sheets' label reads back with the page's Chinese name (not "??"), and every font of the
    file is embedded: the label's face too, not a standard Helvetica the printer substitutes."""
    import pdfplumber
    import pikepdf

    spec = project / "layout" / "要闻.yaml"
    text = (project / "layout" / "seed-page.yaml").read_text(encoding="utf-8")
    assert "\n  name: seed-page\n" in text
    spec.write_text(text.replace("\n  name: seed-page\n", "\n  name: 要闻\n"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "layout/要闻.yaml", "--proof", "-o", "out"],
                         cwd=project, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    a3 = project / "out" / "要闻.proof-a3.pdf"
    with pdfplumber.open(a3) as pdf:
        # the label: 8 pt in the top margin (the proof's own text drawn outside a window is clipped
        # on paper but still read back, and is set at other sizes)
        labels = [page.filter(lambda o: o.get("object_type") != "char"
                              or (abs(o["size"] - 8) < 0.01 and o["top"] < 12 * 72 / 25.4)).extract_text()
                  for page in pdf.pages]
    assert labels == [f"要闻 proof at 100 % sheet {n} of 2 (row {n} of 2, column 1 of 1)" for n in (1, 2)], labels
    unembedded = []
    with pikepdf.open(a3) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                if not any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    unembedded.append(str(obj.FontName))
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" \
                    and obj.get("/Subtype") in ("/Type1", "/TrueType") and "/FontDescriptor" not in obj:
                unembedded.append(str(obj.BaseFont))  # a standard-14 font: never embedded
    assert unembedded == []


def test_a_changed_figure_is_one_change_and_an_editions_page_is_named(tmp_path: Path) -> None:
    """核红 of an edition whose jumped article's figures were corrected: each figure is one change,
    old→new whole (trial 14: 186→213 read +2 and 86→3, the shared 1 kept), and each change names
    the page it stands on beside its source line (the edition's jumped text is on page 2)."""
    from tests.conftest import copy_project

    project = copy_project(tmp_path / "p")
    old = _build_edition(project, "old")
    article = project / "content" / "xianglu-street.md"
    text = article.read_text(encoding="utf-8")
    number = next(n for n, line in enumerate(text.split("\n"), 1) if "楼栋长316人" in line)
    for before, after in (("楼栋长316人", "楼栋长361人"), ("单元长1287人", "单元长1278人"), ("预留机动人员3600人", "预留机动人员3060人")):
        _edit_line(article, number, before, after)
    new = _build_edition(project, "new")
    result = diff_pdfs(old, new, project / "diff")
    assert [(c.where, c.old, c.new) for c in result.text] == [
        (f"content/xianglu-street.md:{number} (page 2)", "316", "361"),
        (f"content/xianglu-street.md:{number} (page 2)", "1287", "1278"),
        (f"content/xianglu-street.md:{number} (page 2)", "3600", "3060")], [c.line() for c in result.text]


def _swap_photo(project: Path, caption: tuple[str, str] | None = None) -> Path:
    """dongliao-police's photo replaced by another picture of the same shape (its colours
    inverted: every pixel changes), and its caption corrected too when ``caption`` is given."""
    from PIL import ImageOps

    photos = project / "content" / "photos"
    ImageOps.invert(Image.open(photos / "dongliao-police.jpg").convert("RGB")).save(photos / "swap.jpg", quality=90)
    article = project / "content" / "dongliao-police.md"
    text = article.read_text(encoding="utf-8").replace("file: photos/dongliao-police.jpg", "file: photos/swap.jpg")
    if caption is not None:
        assert caption[0] in text
        text = text.replace(caption[0], caption[1], 1)
    article.write_text(text, encoding="utf-8")
    return article


def test_a_swapped_photo_is_reported_when_its_caption_is_corrected_too(project: Path) -> None:
    """Trial 14b: the photo was replaced and its caption corrected: 核红 said only the caption's
    change (the text change 'explained' every changed pixel of the module), and a proofreader
    signs off a wrong photo. A photo change is always said, by its files."""
    old = _build(project, "old")
    _swap_photo(project, ("服务队", "突击队"))
    new = _build(project, "new")
    run = _diff(old, new, project / "d")
    assert run.returncode == 7, run.stderr
    changes = _reported(run.stdout)
    assert any("dongliao-police: 服务→突击" in line for line in changes), changes
    photo = [line for line in changes if "photo replaced" in line]
    assert len(photo) == 1 and "dongliao-police" in photo[0], changes
    assert "content/photos/dongliao-police.jpg → content/photos/swap.jpg" in photo[0], photo
    assert "1 photo change" in run.stdout.splitlines()[-1], run.stdout


def test_a_photo_swap_alone_is_one_line_placed_from_the_trims_top_left(project: Path) -> None:
    """Trial 14b: a photo swap alone gave 95 'picture changed at x,y' lines, fragments of one
    photo, y counted from the page's bottom. One line names the article and both files, and
    places the photo in mm from the trim's top left, as preflight does."""
    from pagesetter.build import build_page

    old = _build(project, "old")
    _swap_photo(project)
    built = build_page(project / "layout" / "seed-page.yaml", project / "new")
    run = _diff(old, built.pdf_path, project / "d")
    assert run.returncode == 7, run.stderr
    changes = _reported(run.stdout)
    assert len(changes) == 1, changes
    assert changes[0].startswith("page 1: dongliao-police: photo replaced: content/photos/dongliao-police.jpg → content/photos/swap.jpg"), changes
    match = re.search(r"at (\d+),(\d+)–(\d+),(\d+) mm from the trim's top left", changes[0])
    assert match, changes
    image = next(i for i in built.page.images if i.article == "dongliao-police")
    mm = 72 / 25.4
    # the photo's cell on the page tree (pt from the trim's top left); a fitted photo may stand inside it
    assert image.x / mm - 1 <= int(match[1]) and int(match[3]) <= (image.x + image.width) / mm + 1, (image, changes)
    assert image.y / mm - 1 <= int(match[2]) and int(match[4]) <= (image.y + image.height) / mm + 1, (image, changes)
    assert run.stdout.splitlines()[-1] == "1 photo change in: dongliao-police", run.stdout


def test_an_edited_front_page_reads_as_its_corrections_and_the_lines_to_read_again(tmp_path: Path) -> None:
    """Trial 14b's 核红 of an edition, on the front page: a kicker's two small edits a character
    apart, a sentence cut from a paragraph's end (every later line of the article moved up, every
    break where it was: nothing said so), a paragraph moved (a + and a −, context cut mid-word), and
    the proof copy diffed against the print (false changes, nothing said of the proof)."""
    from pagesetter.proof.diff import _line_starts, read_side
    from tests.conftest import copy_project

    project = copy_project(tmp_path / "p")
    spec = "layout/front-page.yaml"

    def build(out: str, *extra: str) -> Path:
        run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", out, *extra, spec],
                             cwd=project, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr
        return project / out / "front-page.pdf"

    old = build("old", "--proof")
    content = project / "content" / "front-page"
    _edit_line(content / "lead.md", 2, "刷新全省斜拉桥", "刷新省内斜拉桥")  # 全 out, 内 in: one correction
    cut = "一条老码头，因为夜市重新热闹起来，成了年轻人打卡、老街坊散步的好去处。"
    _edit_line(content / "comment.md", 7, cut, "")  # the paragraph's last sentence
    levee = (content / "levee.md").read_text(encoding="utf-8").split("\n")
    assert levee[10].startswith("这些年") and levee[8].startswith("从一九九七年")
    levee[8], levee[10] = levee[10], levee[8]  # 这些年… now before 从一九九七年…
    (content / "levee.md").write_text("\n".join(levee), encoding="utf-8")
    new = build("new")

    run = _diff(old, new, project / "d")
    assert run.returncode == 7, run.stderr
    result = diff_pdfs(old, new, project / "d")
    said = [c.line() for c in result.text]
    # the kicker: one change, its context the kicker's (not run on into the title)
    kicker = [c for c in result.text if c.article == "lead" and c.where == "content/front-page/lead.md:2"]
    assert [(c.old, c.new, c.context) for c in kicker] == [("全省", "省内", "主跨六百八十米　刷新省内斜拉桥跨度纪录")], said
    # the cut sentence: whole, as a reader cuts it (not "。一条…去处"), named by its own line
    removed = [c for c in result.text if c.article == "comment"]
    assert [(c.where, c.old, c.new) for c in removed] == [("content/front-page/comment.md:7", cut, "")], said
    assert removed[0].context.startswith("让不少人感受到了这座城市的烟火气。一条老码头，"), said
    # the moved paragraph: one line, said moved, placed by whole clauses
    moved = [c for c in result.text if c.article == "levee"]
    assert len(moved) == 1 and moved[0].moved == "paragraph" and moved[0].new == levee[8].strip(), said
    assert moved[0].where == "content/front-page/levee.md:9", said
    assert moved[0].line().endswith("now after “…他闭着眼睛都说得出来。”, was after “…还得蹲下来用手摸。”"), said
    assert f"{moved[0].where}: levee: paragraph moved: 这些年，" in run.stdout, run.stdout

    # the lines to read again: comment's two later paragraphs stand a line higher, every break where
    # it was; levee's paragraph 从一九九七年… stands lower. Each article's line says the run of its
    # lines that moved, the changed lines with them.
    side = read_side(new)
    reflowed = {m.article: m for m in result.modules if m.what == "reflowed"}
    assert set(reflowed) == {"comment", "levee"}, [m.line() for m in result.modules]
    for name, last_text in (("comment", "需要各方继续用心作答。"), ("levee", "他说，堤脚渗没渗水，还得蹲下来用手摸。")):
        placed = side.articles[name]
        text = "".join(p.char.text for p in placed)
        starts = _line_starts(placed)
        spans = list(zip(starts, starts[1:] + [len(placed)]))
        line_of = {k: n for n, (s, e) in enumerate(spans, 1) for k in range(s, e)}
        match = re.fullmatch(r"lines (\d+)–(\d+) of (\d+)(?: \((\d+) before\))?, from “.+”", reflowed[name].detail)
        assert match, reflowed[name].line()
        first, last = int(match[1]), int(match[2])
        if name == "comment":  # from a line of the cut paragraph (rebroken before the cut) on
            end = text.index("这座城市的烟火气。") + len("这座城市的烟火气。") - 1  # the cut paragraph's last character
            assert line_of[text.index("夏夜的江城")] < first <= line_of[end], reflowed[name].line()
        else:  # from the moved paragraph's first line: its text is said moved, the paragraph after it moved down
            assert first == line_of[text.index("这些年")], reflowed[name].line()
        assert last == line_of[text.index(last_text) + len(last_text) - 1], (reflowed[name].line(), line_of)
        assert int(match[3]) == len(spans)
    assert reflowed["comment"].where == "content/front-page/comment.md:7"

    # a proof copy against the print: refused, located at the proof, naming what to compare
    proof = project / "old" / "front-page.proof.pdf"
    run = _diff(proof, new, project / "d")
    assert run.returncode == 1 and run.stdout == "", (run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"pagesetter: error: {proof}: a proof copy"), run.stderr
    assert f"compare {old} (the print PDF built with it) with {new}" in lines[0], lines
    sheets = _diff(new, project / "old" / "front-page.proof-a3.pdf", project / "d")
    assert sheets.returncode == 1 and ": proof sheets" in sheets.stderr, sheets.stderr
    same = _diff(proof, proof, project / "d")  # like with like: two proofs are compared
    assert same.returncode == 0 and same.stdout == "no change\n", (same.stdout, same.stderr)


_CELLS_SPEC = """page:
  name: diff-cells
  trim: {width: 297mm, height: 210mm}
  bleed: 3mm
  margins: {top: auto, left: auto}
stylesheets: [styles/city-daily.yaml]
content: ../content/diff-cells
fonts: ../fonts/manifest.yaml
grid: {columns: 3, column_width: 26字, gutter: 1字, body_size: 小五, pitch: 13.5pt, lines: 36}
styles:
  table: {base: body, min_size: 7pt}
articles:
  - article: funds
    block: {col: 1, cols: 3, line: 1, lines: 36}
    balance: false
"""

_CELLS_ARTICLE = """---
title: 基金净值一览
---

本报讯 欧盟委员Wopke Hoekstra昨日表示，12/2起新规生效。

表：部分基金净值
| 基金 | 单位净值 | 日涨跌 |
|:---|---:|---:|
| 易方达优选 | 5.6789 | −0.1023 |
| 华夏成长 | 0.9876 | +0.0123 |
来源：本报整理
"""


def test_latin_word_spaces_table_cells_and_dates_are_quoted_as_printed(tmp_path: Path) -> None:
    """核红 quotes what the page prints (trial 16 #8, #14): a Latin name keeps its word space
    (`Wopke Hoekstra` → `Wopke Hoekstra Jr.`, not `WopkeHoekstra`), two cells of a table row
    corrected are two changes, not one expression `5.6789−0.1023`, and a date 12/2 is one figure."""
    from tests.conftest import copy_project

    project = copy_project(tmp_path / "p")
    (project / "layout" / "diff-cells.yaml").write_text(_CELLS_SPEC, encoding="utf-8")
    (project / "content" / "diff-cells").mkdir()
    article = project / "content" / "diff-cells" / "funds.md"
    article.write_text(_CELLS_ARTICLE, encoding="utf-8")

    def build(out: str) -> Path:
        run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", out, "layout/diff-cells.yaml"],
                             cwd=project, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        return project / out / "diff-cells.pdf"

    old = build("old")
    text = _CELLS_ARTICLE.replace("Wopke Hoekstra", "Wopke Hoekstra Jr.").replace("12/2", "12/3")
    article.write_text(text.replace("5.6789 | −0.1023", "5.6798 | −0.1032"), encoding="utf-8")
    new = build("new")
    result = diff_pdfs(old, new, project / "diff")
    lines = [c.line() for c in result.text]
    said = [(c.old, c.new) for c in result.text]
    assert ("", " Jr.") in said or ("Wopke Hoekstra", "Wopke Hoekstra Jr.") in said, lines
    assert not any("WopkeHoekstra" in line for line in lines), lines
    assert ("12/2", "12/3") in said, lines
    assert ("5.6789", "5.6798") in said and ("−0.1023", "−0.1032") in said or \
        ("5.6789", "5.6798") in said and ("0.1023", "0.1032") in said, lines


def test_check_quotes_a_parted_name_with_the_word_space_the_page_prints(tmp_path: Path) -> None:
    """trial 16 #8: check named a name parted at its own hyphen as `François- / XavierBellamy`,
    the next line quoted from the read-back text, which has no spaces; the page prints
    `Xavier Bellamy`."""
    root = Path(__file__).resolve().parent.parent
    build = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", str(tmp_path),
                            "tests/pages/layout/check-quotes.yaml"], cwd=root, capture_output=True, text=True,
                           timeout=300)
    assert build.returncode == 0, build.stderr
    check = subprocess.run([sys.executable, "-m", "pagesetter", "check", str(tmp_path / "check-quotes.pdf")],
                           capture_output=True, text=True, timeout=300)
    said = [line for line in check.stdout.splitlines() if "François-" in line]
    assert said and all("Xavier Bellamy" in line and "XavierBellamy" not in line for line in said), check.stdout


def test_text_run_over_a_jump_is_no_correction(tmp_path: Path) -> None:
    """trial 16b: a sentence added to a jumped article's first page pushes its last lines over the
    jump; 核红 of the edition said `text moved: …` (now after the jump line 上接第1版, was before
    转第2版): nobody moved that text. Only the added sentence is a change."""
    from tests.conftest import copy_project

    project = copy_project(tmp_path / "p")
    old = _build_edition(project, "old")
    article = project / "content" / "xianglu-street.md"
    text = article.read_text(encoding="utf-8")
    first = "东丰县祥鹿街道党工委深入贯彻落实"
    assert first in text
    added = "街道党工委连夜部署工作。"
    article.write_text(text.replace(first, added + first, 1), encoding="utf-8")
    new = _build_edition(project, "new")
    result = diff_pdfs(old, new, project / "diff")
    said = [c.line() for c in result.text]
    assert [(c.old, c.new, c.moved) for c in result.text] == [("", added, "")], said
