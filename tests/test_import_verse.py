"""Trial 17b #12: `pagesetter import` of a poem typed as text (tests/import/trial17b/shi.txt: its
title, 文／陈思, a blank line, two stanzas of short lines, 作者简介) made a news story of it: verse
line 1 the 主题, the real title the 引题, verse line 2 the 副题, verse lines 小标题, stanzas lost.
Imported by the real command and read back by the article reader: the title line the title, 文／NAME
the byline, the verse a `::: noindent` block with the blank line between its stanzas (README,
Verse); news copy with a few short lines in it stays news."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_import import read, run

ROOT = Path(__file__).resolve().parent.parent
COPY = ROOT / "tests" / "import" / "trial17b"
STANZAS = (("我是一条河", "从山里来，到海里去", "我不问来路", "也不问归期"),
           ("石头说“留下吧”", "我说“流走的才是我”", "芦苇低头", "像在读一封很旧的信"))


def _import(tmp_path: Path, name: str) -> tuple[str, Path]:
    shutil.copy(COPY / name, tmp_path / name)
    result = run(["import", name], tmp_path)
    assert result.returncode == 0, result.stderr
    files = sorted((tmp_path / "content").glob("*.md"))
    assert len(files) == 1, files
    return result.stdout + result.stderr, files[0]


def test_a_poem_in_text_copy_is_imported_as_verse(tmp_path: Path) -> None:
    said, path = _import(tmp_path, "shi.txt")
    article = read(path)
    assert (article["kicker"], article["title"], article["subtitle"], article["byline"]) == \
        (None, "河流的回声", None, "文／陈思")
    verse = [line for stanza in STANZAS for line in stanza]
    assert article["body"] == [("noindent", line) for line in verse] + [
        ("body", "作者简介：陈思，诗人，出版诗集《河流的回声》。")]
    # one block, the stanzas parted by a blank line inside it (the reader's stanza gap)
    text = path.read_text(encoding="utf-8")
    block = "\n".join(["::: noindent", *STANZAS[0], "", *STANZAS[1], ":::"])
    assert block in text, text
    assert "shi.txt:4: guessed: verse" in said, said
    assert "小标题" not in said and "引题" not in said and "副题" not in said, said


def test_news_copy_with_a_short_list_stays_news(tmp_path: Path) -> None:
    (tmp_path / "news.txt").write_text(
        "市图书馆新馆开放\n本报记者 张明\n\n"
        "本报讯 昨日，市图书馆新馆正式对外开放，首日接待读者三千余人次，借阅图书五千余册。\n"
        "新馆位于城东文化中心，建筑面积两万平方米，藏书一百二十万册，设有少儿阅览区和自习室。\n\n"
        "开放时间\n周一至周五九时至二十一时\n周六周日九时至十七时\n法定节假日另行公告\n\n"
        "馆方表示，读者可凭身份证免费办理借阅证，也可通过手机预约座位和续借图书。\n", encoding="utf-8")
    result = run(["import", "news.txt"], tmp_path)
    assert result.returncode == 0, result.stderr
    article = read(tmp_path / "content" / "news.md")
    assert article["title"] == "市图书馆新馆开放"
    assert not [form for form, _ in article["body"] if form == "noindent"], article["body"]
