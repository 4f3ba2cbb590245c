"""The content reader and the punctuation normalisation, on the real articles and on broken ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pagesetter.content.model import Article, Change
from pagesetter.content.normalise import HALF_TO_FULL, normalise_article, normalise_text, summarise
from pagesetter.content.reader import read_article, read_articles
from pagesetter.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "seed" / "000_b090f85b8062f7c2.txt"
IDS = ["banner", "dongfeng-media", "dongliao-police", "xianglu-street", "baimei-property", "xian-education"]
DROPPED = "凝心聚力,严守战疫“主阵地”。"
# The run-in leads of the printed page, in reading order (content/README.md).
LEADS = {
    "dongliao-police": ["坚持党建引领,筑牢“疫”堡垒。", "以上率下坚守“疫”第一线。", "战时党建引领战“疫”第一线。",
                        "教育培训送至战“疫”第一线。", "坚持党员先行,争当战“疫”先锋。", "启动战时奖励。", "强化战时保障。",
                        "党员战斗冲锋。", "坚持联防联控,打赢战“疫”攻坚战。"],
    "xianglu-street": ["定体系,建强疫情防控指挥系统。", "压紧压实政治责任。", "构建战区指挥体系。", "构建扁平化指挥体系。",
                       "定机制,建强网格化指挥系统。", "建立“五长制”体系。", "共驻共建联动发力。", "排查管控不留死角。",
                       "定岗位,建强区域化指挥系统。", "“一点一方案”。", "激活“三长”内驱。", "严控采样流程。"],
    "baimei-property": ["疫情防控做足功夫。", "把好事出关,织密防控网。", "积极开展公共区域消毒消杀工作。",
                        "全力配合做好区域核酸检测。", "及时满足业主的日常生活需求。", "充分发挥党建引领作用。"],
    "xian-education": ["闻令而动,筑牢防疫“封锁线”。", "尽锐出战,冲锋前线“亮身份”。", "“疫”路陪伴,师生同行“共成长”。",
                       "凝心聚力,严守战疫“主阵地”。", "一个支部就是一面旗帜。"],
    "dongfeng-media": [],
    "banner": [],
}
ASCII_MARKS = re.compile(r"[,;:!?()]")


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return read_articles([ROOT / "content" / f"{i}.md" for i in IDS], ROOT)


@pytest.fixture(scope="module")
def normalised(articles: dict[str, Article]) -> dict[str, tuple[Article, list[Change]]]:
    return {i: normalise_article(a) for i, a in articles.items()}


# --- the real page ----------------------------------------------------------------------------

def test_titles_subtitles_and_photo_sides(articles: dict[str, Article]) -> None:
    assert list(articles) == IDS
    assert (articles["banner"].title, articles["banner"].subtitle) == ("在防疫一线发挥党组织战斗堡垒作用", "记我市疫情防控先进党组织")
    assert articles["banner"].paragraphs == () and articles["banner"].photos == ()
    titles = {i: (articles[i].title, articles[i].subtitle) for i in IDS[1:]}
    assert titles == {
        "dongfeng-media": ("媒体战士在“疫”线 危难时刻见初心", "——记东丰县融媒体中心新闻宣传联合党支部"),
        "dongliao-police": ("让鲜红的党旗在疫情防控一线高高飘扬", "——记东辽县交警大队党支部"),
        "xianglu-street": ("为党旗添光彩 让党徽更闪亮", "——记东丰县祥鹿街道党工委"),
        "baimei-property": ("践行伟大建党精神 开启人民物业征程", "——记龙山区辽河半岛柏美物业党支部"),
        "xian-education": ("党旗飘扬践初心 战“疫”一线显担当", "——记西安区委教育工委"),
    }
    sides = {i: [p.side for p in articles[i].photos] for i in IDS[1:]}
    assert sides == {"dongfeng-media": ["above"], "dongliao-police": ["above"], "xianglu-street": ["below"],
                     "baimei-property": ["below"], "xian-education": ["above"]}
    for i in IDS[1:]:
        photo = articles[i].photos[0]
        assert photo.file == (ROOT / "content" / "photos" / f"{i}.jpg").resolve() and photo.file.is_file()
    assert articles["xian-education"].photos[0].caption == "西安区委教育工委领导到基层学校检查防疫准备情况。"
    assert articles["dongliao-police"].photos[0].caption == "▲东辽县交警大队党员服务队。"


def test_paragraphs_start_where_the_file_says(articles: dict[str, Article]) -> None:
    for article in articles.values():
        lines = article.source.read_text(encoding="utf-8").split("\n")
        for p in article.paragraphs:
            assert p.loc.column == 1
            first = lines[p.loc.line - 1]
            assert first.replace("**", "") and p.text.startswith(first.replace("**", "")), (article.id, p.loc)
            assert lines[p.loc.line - 2] == "" or lines[p.loc.line - 2] == "---"


def test_lead_sentences_are_spans(articles: dict[str, Article]) -> None:
    for i, expected in LEADS.items():
        leads = [s.text for p in articles[i].paragraphs for s in p.spans if s.lead]
        assert leads == expected, i
    for i in IDS:  # a lead is a short heading sentence, never an ordinary sentence run on
        for p in articles[i].paragraphs:
            for s in p.spans:
                if s.lead:
                    assert s.text.endswith("。") and len(s.text) <= 20 and s.text.count("。") == 1, s.text
    para = next(p for p in articles["dongliao-police"].paragraphs if "启动战时奖励。" in p.text)
    assert para.spans[0].text == "坚持党员先行,争当战“疫”先锋。" and para.spans[0].lead
    assert [s.lead for s in para.spans[1:3]] == [False, True]  # the lead stands inside the paragraph
    assert para.spans[2].text == "启动战时奖励。"


@pytest.mark.parametrize("cut", ["组织全体", "积极", "24小时盯", "消毒消杀工", "战斗堡垒和党员", "在大", "上下一"])
def test_column_break_artefacts_are_joined(articles: dict[str, Article], cut: str) -> None:
    joined = {"组织全体": "组织全体党员干部", "积极": "积极开展战时", "24小时盯": "24小时盯守",
              "消毒消杀工": "消毒消杀工作。物业", "战斗堡垒和党员": "战斗堡垒和党员先锋模范作用", "在大": "在大疫面前",
              "上下一": "上下一心抗击疫情"}[cut]
    paragraphs = [p.text for a in articles.values() for p in a.paragraphs]
    assert not any(t.endswith(cut) for t in paragraphs)
    assert sum(joined in t for t in paragraphs) == 1


def test_the_repeated_last_line_is_dropped(articles: dict[str, Article]) -> None:
    paragraphs = articles["xian-education"].paragraphs
    assert paragraphs[-1].text.startswith("一个支部就是一面旗帜。")
    assert not paragraphs[-1].text.endswith(DROPPED)
    everything = "".join(a.all_text() for a in articles.values())
    assert everything.count(DROPPED) == 1  # the lead itself stays, once


def _seed_text() -> str:
    seed = SEED.read_text(encoding="utf-8").rstrip()
    assert seed.endswith("\n" + DROPPED)
    seed = seed[: -len(DROPPED)]
    return re.sub(r"\s", "", re.sub(r"(?m)^#+ ", "", seed))


def test_every_seed_character_in_order(articles: dict[str, Article]) -> None:
    """Titles, subtitles and bodies in page order, the captions where the seed prints them (after 柏美物业,
    in their own order), must be the seed itself, less the dropped line, the '#' markers and whitespace."""
    def heads_and_body(a: Article) -> str:
        return (a.title or "") + (a.subtitle or "") + "".join(p.text for p in a.paragraphs)

    seed_caption_order = ["dongfeng-media", "dongliao-police", "xianglu-street", "xian-education", "baimei-property"]
    ours = "".join(heads_and_body(articles[i]) for i in IDS[:5])
    ours += "".join(articles[i].photos[0].caption for i in seed_caption_order)
    ours += heads_and_body(articles["xian-education"])
    assert re.sub(r"\s", "", ours) == _seed_text()


def test_files_keep_the_source_ascii_punctuation() -> None:
    files = "".join((ROOT / "content" / f"{i}.md").read_text(encoding="utf-8") for i in IDS)
    body_marks = {m: files.count(m) for m in ",;!()"}
    assert body_marks == {",": 265, ";": 14, "!": 1, "(": 2, ")": 2}
    assert "，" not in files and "；" not in files  # the files are not normalised; the build is
    assert "做好健康监测、区管措施,做好健康监测、区管措施," in files  # the source's slip, kept


# --- normalisation of the real page -----------------------------------------------------------

def test_normalisation_counts_equal_the_marks_in_the_texts(articles, normalised) -> None:
    changes = [c for _, cs in normalised.values() for c in cs]
    texts = "".join(a.all_text() for a in articles.values())
    for mark, full in HALF_TO_FULL.items():
        assert sum(1 for c in changes if c.before == mark and c.after == full) == texts.count(mark), mark
    assert len(changes) == 265 + 14 + 4 + 1
    assert summarise(changes) == "265 ， 14 ； 2 （） 1 ！"


def test_normalised_text_is_the_source_with_full_width_marks(articles, normalised) -> None:
    table = str.maketrans(HALF_TO_FULL)
    for i, article in articles.items():
        new = normalised[i][0]
        assert [p.text for p in new.paragraphs] == [p.text.translate(table) for p in article.paragraphs]
        leads = [[s.lead for s in p.spans] for p in article.paragraphs]
        assert [[s.lead for s in p.spans] for p in new.paragraphs] == leads
        assert new.title == article.title  # the headline's space stays
        body = "".join(p.text for p in new.paragraphs)
        assert not ASCII_MARKS.search(re.sub(r"\d,\d", "", body)), i
    dongliao = "".join(p.text for p in normalised["dongliao-police"][0].paragraphs)
    assert "“交管12123”APP等" in dongliao and "24小时盯守，" in dongliao
    xian = "".join(p.text for p in normalised["xian-education"][0].paragraphs)
    assert "社区（村）" not in xian and "11000人次；在127个" in xian
    xianglu = "".join(p.text for p in normalised["xianglu-street"][0].paragraphs)
    assert "社区（村）分别" in xianglu and "路（巷）长3名" in xianglu and "39303人，" in xianglu
    assert "时刻听从召唤！这支" in "".join(p.text for p in normalised["dongfeng-media"][0].paragraphs)


def test_every_change_points_at_its_character_in_the_file(articles, normalised) -> None:
    for i, (_, changes) in normalised.items():
        lines = articles[i].source.read_text(encoding="utf-8").split("\n")
        for c in changes:
            assert c.loc.path.endswith(f"{i}.md")
            assert lines[c.loc.line - 1][c.loc.column - 1] == c.before, (c.loc, c.before)


# --- normalisation rules on small texts --------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("交管12123”APP等", "交管12123”APP等"),
    ("共1,000人,其中", "共1,000人，其中"),
    ("2022年3月,面对", "2022年3月，面对"),
    ("社区(村)分别", "社区（村）分别"),
    ("世界卫生组织(WHO)发布", "世界卫生组织（WHO）发布"),
    ("Hello (world), ok", "Hello (world), ok"),
    ("Hello, world", "Hello, world"),
    ("召唤!这支", "召唤！这支"),
    ("是吗?!", "是吗？！"),
    ("时间:10:30", "时间：10:30"),
    ("“大白”, 是", "“大白”，是"),
    ("“外防输入”,“内防反弹”", "“外防输入”，“内防反弹”"),
    ("He said, “OK”", "He said, “OK”"),
    ("东丰 县城", "东丰 县城"),  # a space the copy has between Chinese characters is kept (one of a run)
    ("东丰  县城", "东丰 县城"),
    ("东丰\t县城", "东丰县城"),  # a tab is an artefact
    ("记者　张明", "记者　张明"),  # U+3000: one em, kept
    ("记者　 张明", "记者　张明"),
    ("APP 等", "APP 等"),
    ("  段首缩进", "段首缩进"),
])
def test_normalise_text_only_in_chinese_context(text: str, expected: str) -> None:
    assert normalise_text(text, drop_spaces=True)[0] == expected


def test_headline_spaces_are_kept_body_keeps_one_of_a_run() -> None:
    assert normalise_text("为党旗添光彩  让党徽更闪亮", drop_spaces=False)[0] == "为党旗添光彩  让党徽更闪亮"
    new, edits = normalise_text("为党旗添光彩  让党徽", drop_spaces=True)
    assert new == "为党旗添光彩 让党徽" and [(e.offset, e.before, e.after) for e in edits] == [(7, " ", "")]


def test_changes_name_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "p.jpg").write_bytes(b"")
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: 标题!又\nsubtitle: '副题,二'\nphotos:\n  - file: photos/p.jpg\n    caption: ▲说明,图\n"
                    "---\n\n第一段,第二句。\n第二行**导语,**正文;完。\n\n东丰  县(村)\n", encoding="utf-8")
    new, changes = normalise_article(read_article(path, tmp_path))
    got = [(c.loc.line, c.loc.column, c.before, c.after) for c in changes]
    assert got == [(2, 10, "!", "！"), (3, 14, ",", "，"), (6, 17, ",", "，"), (9, 4, ",", "，"),
                   (10, 8, ",", "，"), (10, 13, ";", "；"), (12, 4, " ", ""), (12, 6, "(", "（"), (12, 8, ")", "）")]
    assert new.title == "标题！又" and new.subtitle == "副题，二" and new.photos[0].caption == "▲说明，图"
    assert [s.text for s in new.paragraphs[0].spans] == ["第一段，第二句。第二行", "导语，", "正文；完。"]
    assert new.paragraphs[1].text == "东丰 县（村）"
    assert summarise(changes) == "4 ， 1 ； 1 ！ 1 （） 1 space removed"


# --- the reader on small files -------------------------------------------------------------------

def _article(tmp_path: Path, text: str) -> Path:
    (tmp_path / "photos").mkdir(exist_ok=True)
    (tmp_path / "photos" / "p.jpg").write_bytes(b"")
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_body_lines_join_without_space_and_sides(tmp_path: Path) -> None:
    path = _article(tmp_path, "---\ntitle: 标题\nphotos:\n  - file: photos/p.jpg\n    caption: 无标记\n"
                              "  - file: photos/p.jpg\n    caption: 无标记\n    side: below\n"
                              "  - file: photos/p.jpg\n    caption: ▼有标记\n    side: below\n---\n"
                              "第一行  \n第二行\n\n\n**导语。**正文\n")
    article = read_article(path, tmp_path)
    assert [p.text for p in article.paragraphs] == ["第一行第二行", "导语。正文"]
    assert [p.loc.line for p in article.paragraphs] == [13, 17]
    assert article.paragraphs[0].char_loc(3).line == 14  # 第二行 starts on the next line, column 1
    assert article.paragraphs[0].char_loc(3).column == 1
    assert [p.side for p in article.photos] == ["above", "below", "below"]
    assert article.id == "a" and article.photos[0].loc.line == 4


def test_two_articles_with_one_name(tmp_path: Path) -> None:
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.md").write_text("---\ntitle: 标题\n---\n", encoding="utf-8")
    with pytest.raises(InputError, match="two articles are named 'same'"):
        read_articles([tmp_path / "x" / "same.md", tmp_path / "y" / "same.md"], tmp_path)


PHOTO = "---\ntitle: 标题\nphotos:\n  - file: {file}\n    caption: {caption}\n---\n"


@pytest.mark.parametrize("text,line,column,message", [
    ("title: 无\n", 1, 1, "starts with a '---' line"),
    ("\n---\ntitle: 无\n---\n", 1, 1, "starts with a '---' line"),
    ("---\ntitle: 无\n\n正文\n", 1, 1, "never closed"),
    ("---\n---\n正文\n", 2, 1, "empty front matter"),
    ("---\n- 标题\n- 副题\n---\n", 2, 1, "must be a mapping"),
    ("---\ntitel: 标题\n---\n", 2, 1, "unknown key 'titel' in the front matter; did you mean 'title'?"),
    ("---\nsubtitle: 副题\n---\n正文\n", 2, 1, "needs a title"),
    ("---\ntitle:\n---\n正文\n", 2, 1, "needs a title"),
    ("---\nsubtitle: 副题\n---\n\n\n", 1, 1, "neither a title nor a body"),
    ("---\ntitle: [a, b]\n---\n", 2, 8, "title must be text"),
    ("---\ntitle: 标题\nsubtitle: {a: b}\n---\n", 3, 11, "subtitle must be text on one line, got a mapping"),
    ("---\ntitle: 标题\nphotos: p.jpg\n---\n", 3, 9, "photos must be a list of mappings"),
    ("---\ntitle: 标题\nphotos: [p.jpg]\n---\n", 3, 10, "each photo must be a mapping"),
    (PHOTO.format(file="nope.jpg", caption="说明"), 4, 11, "photo file 'nope.jpg' not found"),
    (PHOTO.format(file="photos", caption="说明"), 4, 11, "is a folder"),
    (PHOTO.format(file="../../x.jpg", caption="说明"), 4, 11, "outside the project"),
    (PHOTO.format(file="/etc/hostname", caption="说明"), 4, 11, "absolute path"),
    (PHOTO.format(file="photos/p.jpg", caption="''"), 5, 14, "caption is empty"),
    ("---\ntitle: 标题\nphotos:\n  - file: photos/p.jpg\n---\n", 4, 5, "needs the key 'caption'"),
    ("---\ntitle: 标题\nphotos:\n  - file: photos/p.jpg\n    captoin: 说明\n---\n", 5, 5, "did you mean 'caption'"),
    (PHOTO.format(file="photos/p.jpg", caption="▲说明\n    side: below"), 6, 11, "contradicts the caption's marker"),
    (PHOTO.format(file="photos/p.jpg", caption="说明\n    side: left"), 6, 11, "side must be one of above, below"),
    ("---\ntitle: 标题\n---\n\n正文**导语。正文\n", 5, 3, "never closed"),
    ("---\ntitle: 标题\n---\n\n**导语。**正文\n第二行**又一个\n", 6, 4, "never closed"),
    ("---\ntitle: 标题\n---\n\n正文****正文\n", 5, 3, "empty lead"),
    ("---\ntitle: 标题\n---\n\n正文\n## \n", 6, 1, "empty subhead"),
    ("---\ntitle: 标题: 又\n---\n", 2, 10, "invalid YAML"),
])
def test_bad_articles_name_line_and_column(tmp_path: Path, text: str, line: int, column: int, message: str) -> None:
    path = _article(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_article(path, tmp_path)
    assert message in str(err.value)
    assert err.value.loc is not None and err.value.loc.path.endswith("a.md")
    assert (err.value.loc.line, err.value.loc.column) == (line, column), str(err.value)


def test_symlinked_photo_pointing_outside_is_refused(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "elsewhere"
    (project / "photos").mkdir(parents=True)
    outside.mkdir()
    (outside / "real.jpg").write_bytes(b"")
    (project / "photos" / "link.jpg").symlink_to(outside / "real.jpg")
    path = project / "a.md"
    path.write_text(PHOTO.format(file="photos/link.jpg", caption="▲说明"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_article(path, project)
    assert "outside the project" in str(err.value) and (err.value.loc.line, err.value.loc.column) == (4, 11)
    (project / "photos" / "inside.jpg").write_bytes(b"")
    path.write_text(PHOTO.format(file="photos/inside.jpg", caption="▲说明"), encoding="utf-8")
    assert read_article(path, project).photos[0].side == "above"


def test_gbk_article_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes("---\ntitle: 标题\n---\n正文\n".encode("gbk"))
    with pytest.raises(InputError) as err:
        read_article(path, tmp_path)
    assert "GB18030" in str(err.value)


# --- the body's Markdown: what is set, and what is an error ------------------------------------

HEAD = "---\ntitle: 标题\n---\n\n"  # the body starts on line 5


def test_body_forms_and_escapes(tmp_path: Path) -> None:
    body = ("> **编者按：**第一段\n> 接着\n>\n> 第二段\n\n"  # 5-9
            "- 甲\n* 乙\n  续行\n+ 丙\n1. 一\n12) 二\n\n"  # 10-16
            "::: noindent\n不缩进\n\n也不缩进\n:::\n\n"  # 17-22
            "::: right\n江城日报社\n  2022年6月30日\n:::\n\n"  # 23-27
            "\\# 不是标题\n\n\\- 不是列表\n\n1\\. 不是列表\n\n\\> 不是引文\n\n\\::: right\n\n"  # 28-37
            "星号\\*\\*与\\***导语**正文\n\n"  # 38-39
            "snake_case_name http://x.cn/a_b <5% [1] C:\\Users a\\b\n")  # 40
    article = read_article(_article(tmp_path, HEAD + body), tmp_path)
    got = [(p.form, p.text) for p in article.paragraphs]
    assert got == [
        ("quote", "编者按：第一段接着"), ("quote", "第二段"),
        ("item", "●甲"), ("item", "●乙续行"), ("item", "●丙"), ("item", "1．一"), ("item", "12）二"),
        ("noindent", "不缩进"), ("noindent", "也不缩进"),
        ("right", "江城日报社"), ("right", "2022年6月30日"),
        ("body", "# 不是标题"), ("body", "- 不是列表"), ("body", "1. 不是列表"), ("body", "> 不是引文"),
        ("body", "::: right"),
        ("body", "星号**与*导语正文"),
        ("body", "snake_case_name http://x.cn/a_b <5% [1] C:\\Users a\\b"),
    ]
    assert [s.lead for s in article.paragraphs[0].spans] == [True, False]
    assert [(s.text, s.lead) for s in article.paragraphs[16].spans] == [("星号**与*", False), ("导语", True),
                                                                          ("正文", False)]
    # every character keeps its place in the file: markers and escapes are skipped
    assert (article.paragraphs[0].char_loc(4).line, article.paragraphs[0].char_loc(4).column) == (5, 11)  # 第
    assert (article.paragraphs[0].char_loc(7).line, article.paragraphs[0].char_loc(7).column) == (6, 3)  # 接
    assert (article.paragraphs[3].char_loc(0).line, article.paragraphs[3].char_loc(0).column) == (11, 1)  # ● at *
    assert (article.paragraphs[3].char_loc(2).line, article.paragraphs[3].char_loc(2).column) == (12, 3)  # 续
    assert (article.paragraphs[10].char_loc(0).line, article.paragraphs[10].char_loc(0).column) == (25, 3)
    assert (article.paragraphs[16].char_loc(3).line, article.paragraphs[16].char_loc(3).column) == (38, 6)  # 2nd *


def test_a_line_of_ideographic_spaces_is_blank(tmp_path: Path) -> None:
    article = read_article(_article(tmp_path, HEAD + "第一段\n\u3000 \n第二段\n> 引文\n>\u3000\n> 又\n"), tmp_path)
    assert [(p.form, p.text) for p in article.paragraphs] == [("body", "第一段"), ("body", "第二段"),
                                                             ("quote", "引文"), ("quote", "又")]


def test_normalised_marks_are_located_past_the_markup(tmp_path: Path) -> None:
    article = read_article(_article(tmp_path, HEAD + "> 正文,正文\n\n- \\*号, 项\n"), tmp_path)
    new, changes = normalise_article(article)
    assert [p.text for p in new.paragraphs] == ["正文，正文", "●*号，项"]
    assert [(c.loc.line, c.loc.column, c.after) for c in changes] == [(5, 5, "，"), (7, 6, "，"), (7, 7, "")]
    assert len(new.paragraphs[1].places) == len(new.paragraphs[1].text)
    assert (new.paragraphs[1].char_loc(4).line, new.paragraphs[1].char_loc(4).column) == (7, 8)  # 项


@pytest.mark.parametrize("body,line,column,message", [
    ("正文*强调*正文\n", 5, 3, "a single '*' (Markdown emphasis) is not supported; write '\\*' for an asterisk"),
    ("星号*\n", 5, 3, "a single '*'"),
    ("\\**导语**\n", 5, 3, "a single '*'"),  # \* is an asterisk; the next * stands alone
    ("***导语**\n", 5, 3, "a single '*'"),
    ("# 标题\n", 5, 1, "a heading is not supported in an article's body; only '## ' subheads"),
    ("### 小标题\n", 5, 1, "a heading is not supported"),
    ("正文\n  ### 小标题\n", 6, 3, "a heading is not supported"),
    ("见[链接](http://x.cn)。\n", 5, 2, "a link is not supported"),
    ("![图](photos/p.jpg)\n", 5, 1, "an image is not supported in an article's body; photos go in the front matter"),
    ("```\ncode\n```\n", 5, 1, "a code block is not supported"),
    ("正文\n\n---\n", 7, 1, "a horizontal rule is not supported"),
    ("* * *\n", 5, 1, "a horizontal rule"),
    ("正文<br>正文\n", 5, 3, "an HTML tag is not supported"),
    ("<b>粗</b>\n", 5, 1, "an HTML tag"),
    ("正文<!-- 注释 -->\n", 5, 3, "an HTML tag"),
    ("见<http://x.cn>\n", 5, 2, "an autolink is not supported"),
    ("正文&nbsp;正文\n", 5, 3, "an HTML entity is not supported"),
    ("用`code`\n", 5, 2, "inline code is not supported"),
    ("~~删除~~\n", 5, 1, "strikethrough is not supported"),
    ("| a | b |\n", 5, 1, "a table's second row is its alignment row"),  # tables are set; a lone row is none
    ("标题\n===\n", 6, 1, "a heading underline is not supported"),
    ("正文\\\n下一行\n", 5, 3, "at the end of a line (a Markdown line break) is not supported"),
    ("::: left\n文字\n:::\n", 5, 5, "unknown block '::: left'; the blocks are '::: right', '::: noindent'"),
    ("::: {.right}\n文字\n:::\n", 5, 1, "expected '::: right', '::: noindent' or ':::'"),
    ("::: right\n文字\n", 5, 1, "the '::: right' block opened here is never closed"),
    (":::\n", 5, 1, "':::' closes no block"),
    ("::: right\n文字\n::: noindent\n", 7, 1, "::: blocks do not nest"),
    ("::: right\n:::\n", 5, 1, "empty '::: right' block"),
    ("::: noindent\n- 项\n:::\n", 6, 1, "a list item inside the '::: noindent' block of line 5"),
    ("> 引文\n正文\n", 6, 1, "a line right after a '>' quotation line"),
    ("- 项目\n正文\n", 6, 1, "a line right after a list item: indent it"),
    ("- 项目\n  - 子项\n", 6, 3, "nested lists are not supported"),
    ("-\n", 5, 1, "empty list item"),
    ("1. \n", 5, 1, "empty list item: write its text after '1. '"),
    ("> ## 小标题\n", 5, 3, "a subhead inside a '>' quotation is not supported; write '\\#'"),
    ("- > 引文\n", 5, 3, "a quotation inside a list item"),
    ("> **编者按\n", 5, 3, "never closed"),
    ("- 正文****正文\n", 5, 5, "empty lead"),
])
def test_unsupported_markdown_names_line_and_column(tmp_path: Path, body: str, line: int, column: int,
                                                    message: str) -> None:
    with pytest.raises(InputError) as err:
        read_article(_article(tmp_path, HEAD + body), tmp_path)
    assert message in str(err.value)
    assert err.value.loc is not None and err.value.loc.path.endswith("a.md")
    assert (err.value.loc.line, err.value.loc.column) == (line, column), str(err.value)
