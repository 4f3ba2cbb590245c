"""The content reader and the punctuation normalisation, on the real articles and on broken ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pagesetter.content.normalise import normalise_article, normalise_text
from pagesetter.content.reader import read_article
from pagesetter.errors import InputError

SEED = Path(__file__).resolve().parent.parent / "content" / "seed" / "000_b090f85b8062f7c2.txt"
IDS = ["banner", "dongfeng-media", "dongliao-police", "xianglu-street", "baimei-property", "xian-education"]


@pytest.fixture(scope="module")
def articles(root: Path):
    return {i: read_article(root / "content" / f"{i}.md", root) for i in IDS}


def test_titles_subtitles_and_photo_sides(articles) -> None:
    assert articles["banner"].title == "在防疫一线发挥党组织战斗堡垒作用"
    assert articles["banner"].subtitle == "记我市疫情防控先进党组织"
    assert articles["banner"].paragraphs == ()
    assert articles["dongfeng-media"].title == "媒体战士在“疫”线 危难时刻见初心"
    assert articles["dongfeng-media"].subtitle == "——记东丰县融媒体中心新闻宣传联合党支部"
    sides = {i: [p.side for p in articles[i].photos] for i in IDS[1:]}
    assert sides == {"dongfeng-media": ["above"], "dongliao-police": ["above"], "xianglu-street": ["below"],
                     "baimei-property": ["below"], "xian-education": ["above"]}
    assert articles["xian-education"].photos[0].caption.startswith("西安区委教育工委领导")


def test_lead_sentences_are_spans_inside_paragraphs(articles) -> None:
    leads = [s.text for p in articles["dongliao-police"].paragraphs for s in p.spans if s.lead]
    assert "启动战时奖励。" in leads and "坚持党建引领,筑牢“疫”堡垒。" in leads
    para = next(p for p in articles["dongliao-police"].paragraphs if "启动战时奖励。" in p.text)
    assert not para.spans[0].text.startswith("启动")  # a lead inside the paragraph, not at its start
    assert all(not s.lead for s in articles["dongfeng-media"].paragraphs[0].spans)


@pytest.mark.parametrize("cut", ["组织全体", "积极", "24小时盯", "消毒消杀工", "战斗堡垒和党员", "在大", "上下一"])
def test_column_break_artefacts_are_joined(articles, cut: str) -> None:
    for article in articles.values():
        for p in article.paragraphs:
            assert not p.text.endswith(cut), (article.id, cut)


def test_every_seed_character_survives_except_the_repeated_line(articles) -> None:
    seed = SEED.read_text(encoding="utf-8")
    assert seed.rstrip().endswith("凝心聚力,严守战疫“主阵地”。")
    seed = seed.rstrip()[: -len("凝心聚力,严守战疫“主阵地”。")]
    seed_chars = sorted(re.sub(r"[\s#]", "", seed))
    ours = sorted(re.sub(r"\s", "", "".join(a.all_text() for a in articles.values())))
    assert ours == seed_chars
    last = articles["xian-education"].paragraphs[-1].text
    assert last.startswith("一个支部就是一面旗帜。")


def test_normalisation_counts_match_the_marks_in_the_files(articles, root: Path) -> None:
    raw = "".join((root / "content" / f"{i}.md").read_text(encoding="utf-8") for i in IDS)
    changes = []
    for a in articles.values():
        new, ch = normalise_article(a)
        changes += ch
        body = "".join(p.text for p in new.paragraphs) + "".join(ph.caption for ph in new.photos)
        assert not re.search(r"[,;!()]", body), a.id
    counts = {m: sum(1 for c in changes if c.before == m) for m in ",;()!"}
    assert counts == {m: raw.count(m) for m in ",;()!"}
    assert counts[","] == 265 and counts[";"] == 14 and counts["!"] == 1


def test_normalisation_points_at_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: 标题\n---\n\n第一段,第二句。\n第二行**导语,**正文;完。\n", encoding="utf-8")
    _, changes = normalise_article(read_article(path, tmp_path))
    locs = [(c.loc.line, c.loc.column, c.before) for c in changes]
    assert locs == [(5, 4, ","), (6, 8, ","), (6, 13, ";")]


@pytest.mark.parametrize("text,expected", [
    ("交管12123”APP等", "交管12123”APP等"),
    ("共1,000人,其中", "共1,000人，其中"),
    ("社区(村)分别", "社区（村）分别"),
    ("Hello, world", "Hello, world"),
    ("召唤!这支", "召唤！这支"),
    ("“大白”, 是", "“大白”，是"),
])
def test_normalise_text_only_in_chinese_context(text: str, expected: str) -> None:
    assert normalise_text(text, drop_spaces=True)[0] == expected


def _article(tmp_path: Path, text: str) -> Path:
    (tmp_path / "photos").mkdir(exist_ok=True)
    (tmp_path / "photos" / "p.jpg").write_bytes(b"")
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text,line,column,message", [
    ("title: 无\n", 1, 1, "starts with a '---' line"),
    ("---\ntitle: 无\n\n正文\n", 1, 1, "never closed"),
    ("---\n---\n正文\n", 2, 1, "empty front matter"),
    ("---\ntitel: 标题\n---\n", 2, 1, "unknown key 'titel' in the front matter; did you mean 'title'?"),
    ("---\nsubtitle: 副题\n---\n正文\n", 2, 1, "needs a title"),
    ("---\ntitle: [a, b]\n---\n", 2, 8, "title must be text"),
    ("---\ntitle: 标题\nphotos: p.jpg\n---\n", 3, 9, "photos must be a list"),
    ("---\ntitle: 标题\nphotos:\n  - file: nope.jpg\n    caption: 说明\n---\n", 4, 11, "not found"),
    ("---\ntitle: 标题\nphotos:\n  - file: ../../x.jpg\n    caption: 说明\n---\n", 4, 11, "outside the project"),
    ("---\ntitle: 标题\nphotos:\n  - file: photos/p.jpg\n---\n", 4, 5, "needs the key 'caption'"),
    ("---\ntitle: 标题\nphotos:\n  - file: photos/p.jpg\n    caption: ▲说明\n    side: below\n---\n", 6, 11,
     "contradicts the caption's marker"),
    ("---\ntitle: 标题\n---\n\n正文**导语。正文\n", 5, 3, "never closed"),
    ("---\ntitle: 标题\n---\n\n正文****正文\n", 5, 3, "empty lead"),
    ("---\ntitle: 标题: 又\n---\n", 2, 10, "invalid YAML"),
])
def test_bad_articles_name_line_and_column(tmp_path: Path, text: str, line: int, column: int, message: str) -> None:
    path = _article(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_article(path, tmp_path)
    assert message in str(err.value)
    assert (err.value.loc.line, err.value.loc.column) == (line, column), str(err.value)


def test_gbk_article_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes("---\ntitle: 标题\n---\n正文\n".encode("gbk"))
    with pytest.raises(InputError) as err:
        read_article(path, tmp_path)
    assert "GB18030" in str(err.value)
