"""pagesetter import: copy in, article files out, every guess reported, hostile files refused in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pagesetter.content.reader import _paragraphs, read_front_matter

HERE = Path(__file__).resolve().parent
SEED = HERE / "import" / "seed.txt"
SHIPPED = HERE.parent / "content"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


# A page of imported articles, each two columns of a 4-column A4 landscape page (the trial 16 and
# 16b import tests build what they imported on it).
_IMPORTED_PAGE = """page:
  name: imported
  trim: {{width: 297mm, height: 210mm}}
  bleed: 3mm
  margins: {{top: auto, left: auto}}
allow_outside: [{root}/layout, {root}/fonts]
stylesheets: [{root}/layout/styles/city-daily.yaml]
content: content
fonts: {root}/fonts/manifest.yaml
grid: {{columns: 4, column_width: 20字, gutter: 1字, body_size: 小五, pitch: 13.5pt, lines: 30}}
articles:
"""
_IMPORTED_BLOCK = """  - article: {name}
    block: {{col: {col}, cols: 2, line: 1, lines: 30}}
"""


def build_imported(project: Path, articles: list[str]) -> subprocess.CompletedProcess[str]:
    """The articles ``pagesetter import`` wrote to ``project``/content, built side by side (two
    columns each, in order) by the real command into ``project``/out/imported.pdf; the build is
    asserted to succeed."""
    (project / "layout").mkdir(exist_ok=True)
    spec = _IMPORTED_PAGE.format(root=HERE.parent) + "".join(
        _IMPORTED_BLOCK.format(name=name, col=1 + 2 * i) for i, name in enumerate(articles))
    if len(articles) < 2:  # one article: the other half is white on purpose (README: Page spec, white)
        spec += "white:\n  - {col: 3, cols: 2, line: 1, lines: 30}\n"
    (project / "layout" / "imported.yaml").write_text(spec, encoding="utf-8")
    shutil.copytree(project / "content", project / "layout" / "content", dirs_exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--no-cache", "-o", str(project / "out"),
                           str(project / "layout" / "imported.yaml")], cwd=project, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done


def read(path: Path) -> dict[str, object]:
    """What an article file says, by the reader's own front matter and body parsers (photo files
    are not looked for: imported captions have none yet)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    front = read_front_matter(path, lines)
    node = front.node.value
    paras = _paragraphs(lines, front.body_start, str(path))
    return {
        **{key: (node[key].value if key in node else None) for key in ("kicker", "title", "subtitle", "byline")},
        "captions": [p.value["caption"].value for p in node["photos"].value] if "photos" in node else [],
        "credits": [p.value["credit"].value if "credit" in p.value else None for p in node["photos"].value]
        if "photos" in node else [],
        "files": [p.value["file"].value for p in node["photos"].value] if "photos" in node else [],
        "body": [(p.form, p.text) for p in paras],
        "leads": [s.text for p in paras for s in p.spans if s.lead],
    }


def test_seed_imports_into_the_shipped_articles(tmp_path: Path) -> None:
    result = run(["import", str(SEED)], tmp_path)
    assert result.returncode == 0, result.stderr
    imported = {a["title"]: a for a in (read(p) for p in sorted((tmp_path / "content").glob("*.md")))}
    shipped = {a["title"]: a for a in (read(p) for p in sorted(SHIPPED.glob("*.md")) if p.name != "README.md")}
    assert set(imported) == set(shipped) and len(shipped) == 6
    leads_found = leads_shipped = 0
    for title, want in shipped.items():
        got = imported[title]
        assert (got["kicker"], got["subtitle"], got["byline"]) == (want["kicker"], want["subtitle"], want["byline"])
        assert got["body"] == want["body"], title  # every paragraph, joined where the columns cut it
        assert got["captions"] == want["captions"], title  # each loose caption given to its own article
        assert got["files"] == [None] * len(want["captions"])  # left for the editor to fill
        assert set(got["leads"]) <= set(want["leads"]), title  # no lead that the page does not set
        leads_found += len(got["leads"])
        leads_shipped += len(want["leads"])
    # Plain text has no bold: only leads of a repeated shape are taken (10 of the page's 32).
    assert (leads_found, leads_shipped) == (10, 32)
    notes = result.stdout
    for line in (17, 27, 41, 45, 73, 107):  # the seven cut paragraphs (73 twice)
        assert f"seed.txt:{line}: guessed: joined with line" in notes
    assert "seed.txt:93: guessed: a caption without ▲/▼" in notes
    assert "seed.txt:117: guessed: dropped: it repeats the start of line 113" in notes
    assert notes.count(": to do: the caption") == 5


def test_imported_article_without_picture_stops_the_build_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "copy.txt").write_text("引题在这里\n标题写在这里\n\n▲图片说明。\n\n正文第一段，写得足够长的一句话，有标点符号结尾。\n",
                                       encoding="utf-8")
    assert run(["import", "copy.txt"], tmp_path).returncode == 0
    layout = tmp_path / "layout"
    layout.mkdir()
    (layout / "p.yaml").write_text(_one_article_spec("copy"), encoding="utf-8")
    build = run(["build", "layout/p.yaml", "--no-cache"], tmp_path)
    assert build.returncode == 1
    assert build.stderr.strip().splitlines() == [
        "pagesetter: error: content/copy.md:5:10: this photo has no picture yet: put the image into "
        "content/photos/ and write its path after 'file:' (e.g. file: photos/name.jpg), or remove the photo"]


def _one_article_spec(article: str) -> str:
    styles = (HERE.parent / "layout" / "styles" / "city-daily.yaml").read_text(encoding="utf-8")
    return f"""page: {{name: p, trim: {{width: 200mm, height: 280mm}}, bleed: 3mm, margins: {{top: auto, left: auto}}}}
content: ../content
fonts: {HERE.parent / "fonts" / "manifest.yaml"}
allow_outside: [{HERE.parent / "fonts"}]
grid: {{columns: 4, column_width: 13字, gutter: 1字, body_size: 小五, pitch: 13.5pt, lines: 50}}
articles:
  - article: {article}
    block: {{col: 1, cols: 4, line: 1, lines: 40}}
    photo: {{col: 1, cols: 2, line: 6, lines: 10}}
{styles}"""


def test_text_headline_byline_dateline_subhead_and_escapes(tmp_path: Path) -> None:
    copy = ("喜迎二十大\n"
            "全市文明出行活动启动\n"
            "——记交通管理局的一天\n"
            "本报记者 王明 通讯员 李华\n"
            "\n"
            "本报讯（记者 王明）昨天上午，全市“文明出行”活动正式启动，活动持续到年底。\n"
            "# 这一行的井号是正文，不是标题，而且它足够长，以句号结尾。\n"
            "> 大于号开头的一行也是正文，它也足够长，以句号结尾。\n"
            "- 减号开头；1. 数字；*星号* [1] <5% `反引号` \\反斜杠 ~~ 都是文字。\n"
            "启动仪式\n"
            "仪式上，有关负责人介绍了活动安排，共分三个阶段进行。\n"
            "图为活动现场。 本报记者 王明 摄\n"
            "▲志愿者在街头服务。（本报记者 王强 摄）\n")
    (tmp_path / "copy.txt").write_text(copy, encoding="utf-8")
    result = run(["import", "copy.txt"], tmp_path)
    assert result.returncode == 0, result.stderr
    got = read(tmp_path / "content" / "copy.md")
    assert (got["kicker"], got["title"], got["subtitle"], got["byline"]) == (
        "喜迎二十大", "全市文明出行活动启动", "——记交通管理局的一天", "本报记者 王明 通讯员 李华")
    assert got["captions"] == ["图为活动现场。", "▲志愿者在街头服务。"]
    assert got["credits"] == ["本报记者 王明 摄", "本报记者 王强 摄"]
    assert got["body"] == [
        ("body", "本报讯（记者 王明）昨天上午，全市“文明出行”活动正式启动，活动持续到年底。"),
        ("body", "# 这一行的井号是正文，不是标题，而且它足够长，以句号结尾。"),
        ("body", "> 大于号开头的一行也是正文，它也足够长，以句号结尾。"),
        ("body", "- 减号开头；1. 数字；*星号* [1] <5% `反引号` \\反斜杠 ~~ 都是文字。"),
        ("subhead", "启动仪式"),
        ("body", "仪式上，有关负责人介绍了活动安排，共分三个阶段进行。"),
    ]
    for said in ("copy.txt:1: guessed: 引题", "copy.txt:2: guessed: 主题", "copy.txt:4: guessed: 署名",
                 "copy.txt:6: guessed: the dateline", "copy.txt:10: guessed: 小标题", "copy.txt:12: to do"):
        assert said in result.stdout


def _docx(path: Path) -> None:
    import docx
    from docx.shared import Pt

    document = docx.Document()

    def para(text: str, size: float | None = None, bold: bool = False, style: str | None = None):
        p = document.add_paragraph(style=style)
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        return p

    para("喜迎二十大", 14)
    para("全市文明出行活动启动", 26, bold=True)
    para("——记交通管理局的一天", 14)
    para("本报记者 王明", 10.5)
    para("本报讯（记者 王明）昨天上午，全市“文明出行”活动正式启动。", 10.5)
    p = document.add_paragraph()
    lead = p.add_run("坚持宣传引导。")
    lead.bold = True
    p.add_run("各单位通过多种形式宣传文明出行，营造良好氛围。")
    lead2 = p.add_run("强化路面管理。")
    lead2.bold = True
    p.add_run("交警在重点路口加强疏导。")
    para("下一步工作安排", 10.5, bold=True)
    para("*星号*和[方括号]照印，# 也照印。", 10.5)
    para("▲活动现场，交警向市民发放宣传单。本报记者 李华 摄", 9)
    document.save(str(path))


def test_docx_round_trips_with_every_field(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    _docx(tmp_path / "稿件.docx")
    result = run(["import", "稿件.docx", "-o", "content/today"], tmp_path)
    assert result.returncode == 0, result.stderr
    got = read(tmp_path / "content" / "today" / "稿件.md")
    assert (got["kicker"], got["title"], got["subtitle"], got["byline"]) == (
        "喜迎二十大", "全市文明出行活动启动", "——记交通管理局的一天", "本报记者 王明")
    assert got["captions"] == ["▲活动现场，交警向市民发放宣传单。"] and got["credits"] == ["本报记者 李华 摄"]
    assert got["leads"] == ["坚持宣传引导。", "强化路面管理。"]
    assert got["body"] == [
        ("body", "本报讯（记者 王明）昨天上午，全市“文明出行”活动正式启动。"),
        ("body", "坚持宣传引导。各单位通过多种形式宣传文明出行，营造良好氛围。强化路面管理。交警在重点路口加强疏导。"),
        ("subhead", "下一步工作安排"),
        ("body", "*星号*和[方括号]照印，# 也照印。"),
    ]
    assert "稿件.docx:2: guessed: 主题 (title), by type size" in result.stdout


def test_docx_heading_styles(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("这是一行引题", style="Normal")
    document.add_heading("这是主题", level=1)
    document.add_paragraph("这是正文，写得足够长，句号结尾。")
    document.add_heading("这是小标题", level=2)
    document.add_paragraph("还是正文，写得足够长，句号结尾。")
    document.save(str(tmp_path / "h.docx"))
    assert run(["import", "h.docx"], tmp_path).returncode == 0
    got = read(tmp_path / "content" / "h.md")
    assert (got["kicker"], got["title"]) == ("这是一行引题", "这是主题")
    assert got["body"] == [("body", "这是正文，写得足够长，句号结尾。"), ("subhead", "这是小标题"),
                           ("body", "还是正文，写得足够长，句号结尾。")]


def test_existing_article_is_not_overwritten_without_force(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("标题\n\n正文一段，句号结尾。\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("mine", encoding="utf-8")
    refused = run(["import", "a.txt"], tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.strip() == ("pagesetter: error: content/a.md: an article of this name exists: not "
                                      "overwritten (add --force to replace it, or import into another -o folder)")
    assert (tmp_path / "content" / "a.md").read_text(encoding="utf-8") == "mine"
    assert run(["import", "a.txt", "--force"], tmp_path).returncode == 0
    assert read(tmp_path / "content" / "a.md")["title"] == "标题"


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * 1_000_000
            for _ in range(101):
                fh.write(chunk)


def _docx_with(document_xml: bytes):  # type: ignore[no-untyped-def]
    """A real Word file (python-docx's) whose word/document.xml is replaced."""
    def make(path: Path) -> None:
        import docx

        docx.Document().save(str(path.with_suffix(".orig")))
        with zipfile.ZipFile(path.with_suffix(".orig")) as src:
            files = {n: src.read(n) for n in src.namelist()}
        with zipfile.ZipFile(path, "w") as out:
            for n, data in files.items():
                out.writestr(n, document_xml if n == "word/document.xml" else data)
    return make


_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">'
           + b"".join(f'<!ENTITY l{k} "'.encode() + f"&l{k - 1};".encode() * 10 + b'">' for k in range(1, 10))
           + b"]><w:document " + _W + b"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>")


@pytest.mark.parametrize("name, make, said", [
    ("cut.docx", _docx_with(b"<w:document " + _W + b"><w:body><w:p>"), "cut.docx: not a readable Word file"),
    ("pipe.docx", lambda p: os.mkfifo(p), "pipe.docx: not a regular file (a named pipe or device); refused unread"),
    ("laughs.docx", _docx_with(_LAUGHS), "laughs.docx: not a readable Word file"),  # entities never expanded
    ("bomb.docx", _zip_bomb, "bomb.docx: the Word file unpacks to 101 MB (limit 100 MB): refused unread"),
    ("fake.docx", lambda p: p.write_bytes(b"%PDF-1.4 not a word file\n"), "fake.docx: not a Word .docx file"),
    ("zip.docx", lambda p: zipfile.ZipFile(p, "w").writestr("a.txt", "x"), "zip.docx: a zip file, but not a Word"),
    ("bin.txt", lambda p: p.write_bytes(bytes(range(256)) * 4), "bin.txt:2:118: file is not valid UTF-8"),
    ("nul.txt", lambda p: p.write_bytes("标题\n正文\x00\x01\x02".encode()), "nul.txt:2: a binary file, not text copy"),
    ("gbk.txt", lambda p: p.write_bytes("标题\n\n正文一段。\n".encode("gbk")),
     "gbk.txt:1:1: file is not valid UTF-8 (it looks like GBK/GB18030; convert it with: iconv -f GB18030 -t UTF-8)"),
    ("old.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0"), "old.doc: an old Word .doc file is not read"),
    ("empty.txt", lambda p: p.write_bytes(b""), "empty.txt: no text in this file"),
    ("article.md", lambda p: p.write_text("---\ntitle: 标题\n---\n\n正文。\n", encoding="utf-8"),
     "article.md:1:1: this file has front matter already"),
])
def test_hostile_copy_is_one_line(tmp_path: Path, name: str, make, said: str) -> None:  # type: ignore[no-untyped-def]
    make(tmp_path / name)
    result = run(["import", name], tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], result.stderr
    assert not (tmp_path / "content").exists()


def test_output_stays_inside_the_project(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "a.txt").write_text("标题\n\n正文一段，句号结尾。\n", encoding="utf-8")
    result = run(["import", "a.txt", "-o", "../elsewhere"], tmp_path / "proj")
    assert result.returncode == 1 and "inside the project folder" in result.stderr
    assert not (tmp_path / "elsewhere").exists()


# --- any copy: imported files always read back as the copy ------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

EXAMPLES = int(os.environ.get("PAGESETTER_FUZZ", "60"))
PIECES = st.sampled_from(list("#>-+=_:|*`[]<>&~\\!1.)。，,：▲▼ \u3000字") +
                         ["**", "---", "```", "1. ", "- ", "## ", "# ", ":::", "::: right", "——记", "本报记者 王明",
                          "本报讯（记者 王明）", "图为", "<b>", "&nbsp;", "[a](b)", "~~", "\\*", "摄", "。\n", "\n\n", "\t", "\x0c", "\ufeff", "\u2028", "\r\n"])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PIECES, min_size=1, max_size=60), st.booleans())
def test_any_copy_imports_into_files_the_reader_reads_back(tmp_path: Path, pieces: list[str], markdown: bool) -> None:
    from pagesetter.content.importer import plan, write
    from pagesetter.errors import InputError

    import tempfile

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    source = folder / ("copy.md" if markdown else "copy.txt")
    source.write_text("".join(pieces), encoding="utf-8")
    try:
        planned, _notes = plan([source], folder / "content", folder, force=False)
    except InputError:
        return  # refused with a located line (no text; front matter in a .md)
    write(planned)  # raises if any file would not read back as the copy, character for character
    for w in planned:
        got = read(w.path)
        assert [t for _, t in got["body"]] == ["".join(r.text for r in p.runs) for p in w.article.body]
        assert got["title"] == (w.article.title or None)


def test_a_line_that_no_paragraph_starts_with_joins_the_one_before(tmp_path: Path) -> None:
    (tmp_path / "cut.txt").write_text("标题\n\n短的一行被切断\n，接着写完这句话。\nThe line was cut in the middle\nof an English sentence.\n"
                                      "另起一段，句号结尾。\n", encoding="utf-8")
    result = run(["import", "cut.txt"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert read(tmp_path / "content" / "cut.md")["body"] == [
        ("body", "短的一行被切断，接着写完这句话。"),
        ("body", "The line was cut in the middleof an English sentence."),
        ("body", "另起一段，句号结尾。"),
    ]
    assert "cut.txt:3: guessed: joined with line 4: the paragraph was cut at a column break (line 4 starts '，接着写…'" \
        in result.stdout


def test_docx_title_by_bold_type_when_sizes_agree(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("一行引题")
    document.add_paragraph().add_run("加粗的主题").bold = True
    document.add_paragraph("一行副题")
    document.add_paragraph("正文一段，写得足够长，句号结尾。")
    document.save(str(tmp_path / "b.docx"))
    result = run(["import", "b.docx"], tmp_path)
    got = read(tmp_path / "content" / "b.md")
    assert (got["kicker"], got["title"], got["subtitle"]) == ("一行引题", "加粗的主题", "一行副题")
    assert "b.docx:2: guessed: 主题 (title), by bold type" in result.stdout


def test_docx_pictures_are_taken_out_beside_their_captions(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    from PIL import Image

    from pagesetter.content.reader import read_article

    Image.new("RGB", (600, 400), (200, 30, 30)).save(tmp_path / "red.png")
    Image.new("RGB", (600, 400), (30, 30, 200)).save(tmp_path / "blue.jpg")
    document = docx.Document()
    document.add_paragraph("图片稿件", style="Title")
    document.add_paragraph("正文一段，写得足够长，句号结束。")
    document.add_picture(str(tmp_path / "red.png"))
    document.add_paragraph("▲红色的一张。")
    document.add_paragraph("正文二段，写得足够长，句号结束。")
    document.add_paragraph("▼蓝色的一张。 本报记者 王明 摄")
    document.add_picture(str(tmp_path / "blue.jpg"))
    document.add_picture(str(tmp_path / "red.png"))  # no caption: reported, not imported
    document.save(str(tmp_path / "pic.docx"))
    result = run(["import", "pic.docx"], tmp_path)
    assert result.returncode == 0, result.stderr
    article = read_article(tmp_path / "content" / "pic.md", tmp_path)  # the real reader: files must exist
    assert [(p.file.name, p.caption, p.side, p.credit) for p in article.photos] == [
        ("pic-1.png", "▲红色的一张。", "above", None), ("pic-2.jpg", "▼蓝色的一张。", "below", "本报记者 王明 摄")]
    with Image.open(article.photos[1].file) as blue:
        assert blue.size == (600, 400) and blue.getpixel((300, 200))[2] > 150
    assert "pic.docx:8: not recognised: a picture without a caption" in result.stdout
    assert ": to do:" not in result.stdout
    again = run(["import", "pic.docx", "-o", "content"], tmp_path)
    assert again.returncode == 1 and "content/pic.md: an article of this name exists" in again.stderr
    (tmp_path / "content" / "pic.md").unlink()
    again = run(["import", "pic.docx"], tmp_path)  # the photo is there still: not replaced either
    assert again.returncode == 1 and "content/photos/pic-1.png: a photo of this name exists" in again.stderr


def test_the_imported_seed_sets_the_same_text_as_the_shipped_articles(tmp_path: Path, seed_build) -> None:  # type: ignore[no-untyped-def]
    """The seed page built from the imported articles (named as the shipped ones, their photos
    filled in) prints every article's text as the shipped page does, character for character."""
    from conftest import copy_project

    from pagesetter.build import build_page

    project = copy_project(tmp_path / "p")
    assert run(["import", str(SEED), "-o", "imported"], project).returncode == 0
    by_title = {read(p)["title"]: p for p in (project / "imported").glob("*.md")}
    for shipped in sorted(SHIPPED.glob("*.md")):
        if shipped.name == "README.md":
            continue
        want = read(shipped)
        text = by_title[want["title"]].read_text(encoding="utf-8")
        for caption, file in zip(want["captions"], want["files"]):  # the editor's 'to do'
            text = text.replace("  - file:  # to fill: the picture's path, e.g. photos/name.jpg\n"
                                f"    caption: {caption}", f"  - file: {file}\n    caption: {caption}", 1)
        (project / "content" / shipped.name).write_text(text, encoding="utf-8")
    (project / "imported").rename(tmp_path / "imported")  # two articles of one name would be ambiguous
    rebuilt = build_page(project / "layout" / "seed-page.yaml", tmp_path / "out")

    def texts(page) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
        out: dict[tuple[str, str], str] = {}
        for line in page.lines:
            key = (line.article, "body" if line.role == "lead" else line.role)
            out[key] = out.get(key, "") + line.text
        return out

    assert texts(rebuilt.page) == texts(seed_build.page)
    assert len(texts(rebuilt.page)) > 20


def _imported(tmp_path: Path, name: str, copy: str) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    """``copy`` imported from NAME.txt: the command's result (it must succeed) and the article's front matter."""
    (tmp_path / f"{name}.txt").write_text(copy, encoding="utf-8")
    result = run(["import", f"{name}.txt"], tmp_path)
    assert result.returncode == 0, result.stderr
    return result, read(tmp_path / "content" / f"{name}.md")


@pytest.mark.parametrize("line", ["文 林晚舟", "文／林晚舟", "文\u3000林晚舟", "记者 林晚舟", "文 林晚舟 王明"])
def test_wen_name_line_is_a_byline_not_a_subtitle(tmp_path: Path, line: str) -> None:
    """The trial's 副刊 essay: 副刊·散文 / 外婆的桂花树 / 文 林晚舟 — the third line is the 署名, not a 副题."""
    copy = ("副刊·散文\n外婆的桂花树\n" + line + "\n"
            "那年秋天，我回到江南小镇。巷口的桂花树还在，只是比记忆中矮了许多。\n")
    result, got = _imported(tmp_path, "essay", copy)
    assert (got["title"], got["subtitle"], got["byline"]) == ("外婆的桂花树", None, line)
    assert "essay.txt:3: guessed: 署名" in result.stdout


@pytest.mark.parametrize("line", ["本报驻布鲁塞尔记者 张伟", "本报特约记者 张伟", "新华社记者 张伟", "本报通讯员 张伟",
                                  "本报记者 张伟 李华", "新华社驻东京记者 张伟", "中新社记者 张伟 王明",
                                  "本报实习记者 张伟"])
def test_any_reporters_line_is_a_byline_never_a_headline_field(tmp_path: Path, line: str) -> None:
    """Trial 12 (copy/ecb.txt): 主题 / 副题 / 本报驻布鲁塞尔记者 张伟 / body — the byline became the 副题 and
    the 主题 and 副题 shifted to 引题 and 主题."""
    copy = ("欧洲央行维持三大关键利率不变\n欧元区11月通胀率降至2.4%\n" + line + "\n"
            "本报法兰克福11月30日电 欧盟统计局11月30日公布的初步数据显示，欧元区11月通胀率同比上涨2.4%。\n")
    result, got = _imported(tmp_path, "ecb", copy)
    assert (got["kicker"], got["title"], got["subtitle"], got["byline"]) == (
        "欧洲央行维持三大关键利率不变", "欧元区11月通胀率降至2.4%", None, line)
    assert "ecb.txt:3: guessed: 署名" in result.stdout


def test_a_byline_under_a_heading_mark_is_still_the_byline(tmp_path: Path) -> None:
    """A byline written as a lower Markdown heading under the title is no 副题 either."""
    copy = ("# 欧元区11月通胀率降至2.4%\n\n## 本报驻布鲁塞尔记者 张伟\n\n"
            "本报法兰克福11月30日电 欧盟统计局11月30日公布的初步数据显示，欧元区11月通胀率同比上涨2.4%。\n")
    (tmp_path / "ecb.md").write_text(copy, encoding="utf-8")
    result = run(["import", "ecb.md"], tmp_path)
    assert result.returncode == 0, result.stderr
    got = read(tmp_path / "content" / "ecb.md")
    assert (got["title"], got["subtitle"], got["byline"]) == ("欧元区11月通胀率降至2.4%", None, "本报驻布鲁塞尔记者 张伟")
