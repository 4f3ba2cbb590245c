"""``pagesetter import``: copy (Word, text, Markdown) into articles of our format (content/README.md).

What the copy does not say outright is guessed from the usual patterns of Chinese newspaper copy
and every guess is reported with its file:line, as is what could not be recognised:

- 引题/主题/副题: Markdown ``#`` headings or Word Title/Heading styles; else the short lines before
  the first paragraph (Word: the largest type is the 主题; text: a short line before it is the
  引题), a line starting ``——`` (``——记…``) the 副题;
- a byline (``本报记者 某某``) on a line of its own; a dateline (``本报讯（记者 …）``) stays in the body;
- run-in lead sentences: bold runs in Word, and only those (and ``**…**`` in Markdown); in text,
  only a repeated pattern: two or more paragraphs of one article opening with a short ``X,Y。`` sentence;
- 小标题: short lines without end punctuation inside the body;
- tables: runs of lines whose cells are parted by tabs or aligned by spaces (ROW_RULES), with a
  ``表：…`` line above and a ``来源：…`` line under them; an ``编者按`` paragraph: a quotation;
- photo captions: ``▲``/``▼`` lines and ``图为…``; several captions printed together are given to
  the article whose text they share the longest run of characters with;
- paragraphs cut at old column breaks: a long line ending without end punctuation joins the next.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import field, replace
from pathlib import Path

from pagesetter.content.sources import TABLE_MARKER, Picture, Run, SourcePara, TableDraft, TablePara
from pagesetter.records import record
from pagesetter.wording import counted

# Characters that end a sentence or a quoted one (GB/T 15834-2011 句末点号 and closing marks after
# them). A body line ending in none of these was cut in the middle of a sentence.
END_PUNCT = frozenset("。！？!?…”’」』）)】.；;")
# A straight quote closes a quoted sentence when a sentence's end comes just before it: 说:"太好了!"
# is what a reporter types on an English keyboard (trial 14 #6: such paragraphs were joined).
STRAIGHT_QUOTES = "\"'"
QUOTED_END = frozenset("。！？!?.…")
# A line of web markup pasted with the copy (<script>…</script>, <div class="x">): never a
# headline; dropped and reported (trial 14 #9).
MARKUP = re.compile(r"^<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|!--.*?--|![A-Za-z][^<>]*)>.*>$|^<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?)>$")
# A web page's own lines pasted with the copy: share buttons, the page's editor, navigation.
# They are no 小标题 (trial 14 #9); dropped and reported.
WEB_BOILERPLATE = re.compile(r"^[【\[]?(?:分享到|分享至|责任编辑|编辑[:：]|扫一扫|打印本页|关闭窗口|返回顶部|"
                             r"上一篇|下一篇|相关阅读|相关新闻|纠错|来源[:：])")
# Lines no longer than this without end punctuation are headline or 小标题 candidates; a line this
# long or longer that ends mid-sentence was cut at a column break. The seed's headlines are at most
# 19 characters, its cut lines at least 60.
SHORT = 30
SUBHEAD_MAX = 24
CAPTION_START = re.compile(r"^(?:[▲▼]|图为|上图|下图|左图|右图|图[一二三四五六七八九十0-9]+[：:])")
# 署名 on its own line: 本报记者 某某, 记者 某某 通讯员 某某, 文/某某 (no sentence in it); the paper or
# agency, a 驻外 post and a rank may come before 记者/通讯员: 本报驻布鲁塞尔记者 张伟, 新华社记者 张伟,
# 本报特约记者, 本报实习记者 (trial 12: a 驻外 byline was taken for the 副题).
BYLINE = re.compile(r"^(?:(?:本报|新华社|中新社)?(?:驻[^\s，,。、；;：:]{1,12}?)?(?:特约|实习|首席|摄影)?(?:记者|通讯员)"
                    r"|文[/／|｜]|文图[/／]|撰稿[:：])[ \u3000]*\S"
                    # 文 林晚舟: 文 and a space then only names (a 副刊's byline); a space after 文 is
                    # never a sentence's, but a name list is required so 文 字… is not taken.
                    r"|^文图?[ \u3000]+[\u4e00-\u9fff·]{2,5}(?:[ \u3000、]+[\u4e00-\u9fff·]{2,5})*$")
DATELINE = re.compile(r"^(?:本报讯|新华社|中新社|本报[^\s，,。]{1,8}[电讯])")
# A caption's photo credit after its sentence: 本报记者 王强 摄, 摄影 王强.
CREDIT = re.compile(r"^(.*[。！？”])[ \u3000]*(摄影[:：]?[ \u3000]*\S.{0,30}|\S.{0,28}[ \u3000]摄)$")
CREDIT_BRACKETED = re.compile(r"^(.*[。！？”])[ \u3000]*[（(]((?:摄影[:：]?[ \u3000]*\S.{0,30})|\S.{0,28}[ \u3000]摄)[）)]$")
# A lead sentence told by its shape in plain text: a short first sentence of two clauses
# (坚持党建引领,筑牢“疫”堡垒。), as the seed's profiles open their sections.
LEAD_SHAPE = re.compile(r"^([^。！？，,]{2,12}[，,][^。！？，,]{2,14}[。！？])")
LEAD_MIN_REPEATS = 2
UNMARKED_CAPTION_MAX = 40  # characters of a caption without ▲/▼ told by standing among captions
MIN_SHARED = 4  # characters a loose caption must share with an article to be given to it


@record(frozen=True)
class Note:
    line: int
    kind: str  # "guessed", "not recognised", "to do"
    text: str


@record(frozen=True)
class BodyPara:
    line: int
    runs: tuple[Run, ...]
    form: str = "body"  # "body", "subhead", "quote" (编者按), "table" or "noindent" (a verse line)
    table: TableDraft | None = None

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@record(frozen=True)
class PhotoDraft:
    line: int
    caption: str
    credit: str | None = None
    picture: Picture | None = None  # taken from the Word file: written to photos/ beside the article


@record(frozen=True)
class Imported:
    """One article as recognised in the copy."""

    line: int
    title: str | None
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    photos: tuple[PhotoDraft, ...] = ()
    body: tuple[BodyPara, ...] = ()


@record
class _Draft:
    """An article while the copy is read (made frozen by ``done``)."""

    line: int
    title: str | None = None
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    banner: bool = False
    level: int = 0
    photos: list[PhotoDraft] = field(default_factory=list)
    body: list[BodyPara] = field(default_factory=list)
    loose: list[tuple[int, Picture]] = field(default_factory=list)  # pictures waiting for their caption

    def done(self) -> Imported:
        return Imported(self.line, self.title, self.kicker, self.subtitle, self.byline, tuple(self.photos),
                        tuple(self.body))

    def text(self) -> str:
        return "".join(x or "" for x in (self.kicker, self.title, self.subtitle)) + "".join(p.text for p in self.body)


# 编者按 (an editor's note) opening the copy: a paragraph of the body, set as a quotation (content
# format: '> ' lines are a quotation or 编者按), never a headline line (trial 16 #4: it pushed the
# real 主题 down to a 小标题).
EDITOR_NOTE = re.compile(r"^[【\[〔]?编者按[】\]〕]?[：:]?")

# Rows of a table in text copy (trial 16 #4: each row of a tab-separated table became a 小标题):
# cells parted by tabs (a spreadsheet's or a web table's copy), or by runs of two or more spaces
# or 一字空 (a table aligned by eye). Each row: how the cells are parted, how many rows in a run at
# least (a tab is never typed inside Chinese prose, aligned spaces may be: more rows asked), and
# why.
@record(frozen=True)
class RowRule:
    parts: re.Pattern[str]
    least_rows: int  # header included
    why: str


ROW_RULES: tuple[RowRule, ...] = (
    RowRule(re.compile(r"[ \u3000]*\t+[ \u3000]*"), 2, "cells parted by tabs"),
    RowRule(re.compile(r"[ \u3000]{2,}"), 3, "cells aligned by runs of spaces"),
)
TABLE_CELL_MAX = 30  # characters: a longer "cell" is a sentence, and its line no table row


def _row(text: str, rule: RowRule) -> tuple[str, ...] | None:
    """The cells of ``text`` as a row under ``rule``, or None (one cell, a sentence in it)."""
    cells = tuple(c.strip() for c in rule.parts.split(text.strip()))
    if len(cells) < 2 or any(not c or len(c) > TABLE_CELL_MAX for c in cells) or text.rstrip()[-1:] in "。；;":
        return None
    return cells


def _find_tables(paras: list[SourcePara], notes: list[Note]) -> list[SourcePara]:
    """Runs of lines that are rows of one table (ROW_RULES: as many cells each), with a 表：… line
    right above and a 来源：… line right under, made one TablePara each; reported."""
    from pagesetter.content.reader import TABLE_CAPTION, TABLE_SOURCE

    out: list[SourcePara] = []
    i = 0
    while i < len(paras):
        found: tuple[int, RowRule, list[tuple[str, ...]]] | None = None
        for rule in ROW_RULES:
            rows: list[tuple[str, ...]] = []
            j = i
            while j < len(paras) and not paras[j].heading and (row := _row(paras[j].text, rule)) is not None \
                    and (not rows or len(row) == len(rows[0])):
                rows.append(row)
                j += 1
            if len(rows) >= rule.least_rows:
                found = (j, rule, rows)
                break
        if found is None:
            out.append(paras[i])
            i += 1
            continue
        end, rule, rows = found
        title = None
        if out and out[-1].text.strip().startswith(TABLE_CAPTION) and not out[-1].heading:
            title = out.pop().text.strip()
        source = None
        if end < len(paras) and paras[end].text.strip().startswith(TABLE_SOURCE):
            source, end = paras[end].text.strip(), end + 1
        table = TableDraft(tuple(rows), title, source)
        first = paras[i].line if title is None else paras[i].line - 1
        out.append(TablePara(first, (Run(table.text()),), table=table))
        notes.append(Note(paras[i].line, "guessed", f"a table of {len(rows) - 1} rows and {len(rows[0])} columns "
                          f"({rule.why}), the first row its header: check it against the copy"))
        i = end
    return out


def _ends_sentence(text: str) -> bool:
    text = text.rstrip()
    if len(text) >= 2 and text[-1] in STRAIGHT_QUOTES and text[-2] in QUOTED_END:
        return True  # …好了!" …吗?" …了." (a closing quote after a sentence's end)
    return bool(text) and text[-1] in END_PUNCT


def _kind(p: SourcePara) -> str:
    text = p.text.strip()
    if p.style == "#tables":
        return "tables"
    if isinstance(p, TablePara):
        return "table"
    if EDITOR_NOTE.match(text) and len(text) > 4:
        return "editor-note"
    if MARKUP.match(text):  # before headings: web markup is never a headline
        return "markup"
    if WEB_BOILERPLATE.match(text) and len(text) <= 40:
        return "boilerplate"
    if _is_byline(text):  # before headings: a byline styled as a heading is still no 副题 (trial 12)
        return "byline"
    if p.heading:
        return "heading"
    if not text:
        return "picture"
    if CAPTION_START.match(text) or "caption" in p.style or "题注" in p.style:
        return "caption"
    if text.startswith("——") and len(text) <= 50 or p.style == "subtitle":
        return "dash"
    if len(text) <= SHORT and not _ends_sentence(text) and text[-1] not in "，,、：:":
        return "short"
    return "body"


def _is_byline(text: str) -> bool:
    """A 署名 line: a reporter's name line, short and without a sentence in it."""
    return bool(BYLINE.match(text)) and len(text) <= 40 and "。" not in text


# Verse in text copy (a 副刊's poem: its title, 文／NAME, a blank line, stanzas of short lines; trial
# 17b #12: it was read as a news story, verse lines as 引题, 副题 and 小标题, its stanzas lost). A
# stanza is a run of two or more lines typed one under another, each short (a verse line, not a
# news paragraph) and holding no sentence end inside it, at most half of them ending one (news
# copy's short lines are headlines and 小标题 standing alone, its paragraphs long sentences); the
# poem is the stanzas right after the headline's lines (the first block of the copy), one after
# another with a blank line between, when they hold at least VERSE_MIN_LINES lines and more lines
# than the prose after them (an 作者简介, a 创作谈). Copy with a dateline (本报讯…) is news: a short
# list in it (开放时间 and three lines) stays as news import has it.
VERSE_LINE_MAX = 24  # characters: the longest verse line of a stanza (a column of 11–13 五号 characters, turned once)
VERSE_MIN_LINES = 4
SENTENCE_END = frozenset("。！？!?")


def _verse_line(text: str) -> bool:
    return 0 < len(text) <= VERSE_LINE_MAX and not any(ch in SENTENCE_END for ch in text[:-1].rstrip("”’」』）)"))


def _verse(paras: list[SourcePara], kinds: list[str]) -> list[int]:
    """The indexes of the verse lines of a poem typed as text (above), none when it is no poem."""
    blocks: list[list[int]] = []
    for i, p in enumerate(paras):
        if blocks and p.line == paras[blocks[-1][-1]].line + 1:
            blocks[-1].append(i)
        else:
            blocks.append([i])

    def stanza(block: list[int]) -> bool:
        texts = [paras[i].text.strip() for i in block]
        return (len(block) >= 2 and all(kinds[i] in ("short", "body") and _verse_line(t) for i, t in zip(block, texts))
                and 2 * sum(_ends_sentence(t) for t in texts) <= len(texts))

    if any(DATELINE.match(p.text.strip()) for p in paras):
        return []  # 本报讯…: a news story, its short lines a list or 小标题
    verse: list[int] = []
    for block in blocks[1:]:  # the first block is the headline's (title, 文／NAME); the poem follows it
        if not stanza(block):
            break
        verse += block
    prose = sum(kinds[i] == "body" for i in range(len(paras)) if i not in set(verse))
    return verse if len(verse) >= VERSE_MIN_LINES and len(verse) > prose else []


def analyse(paras: list[SourcePara], fmt: str = "text") -> tuple[list[Imported], list[Note]]:
    """The articles in one file of copy, and the notes on what was guessed or not recognised.
    ``fmt``: "docx", "md" or "text", what the copy was (Word says its leads in bold runs; Markdown
    says its 小标题 with ``## ``)."""
    notes: list[Note] = []
    if fmt != "docx":  # (Word's own tables are its "#tables" paragraphs)
        paras = _find_tables(paras, notes)
    kinds = [_kind(p) for p in paras]
    notes += [Note(p.line, "to do", said) for p in paras for said in p.not_imported]
    for p, k in zip(paras, kinds):
        if k == "tables":  # a Word table that is no grid of plain cells: its marker stands in the body
            notes.append(Note(p.line, "to do", f"a Word table {p.text} was not imported: write it at "
                              f"{TABLE_MARKER} as a pipe table ('| 甲 | 乙 |', content/README.md), or as paragraphs"))
        elif k == "table" and fmt == "docx":
            rows = p.table.rows if isinstance(p, TablePara) and p.table is not None else ()
            notes.append(Note(p.line, "guessed", f"a table of {len(rows) - 1} rows and {len(rows[0]) if rows else 0} "
                              "columns (a Word table), the first row its header: check it against the copy"))
        elif k == "markup":
            notes.append(Note(p.line, "not recognised", f"a line of web markup (HTML), dropped: {p.text.strip()[:40]!r}; "
                              "put its text back by hand if it belongs to the copy"))
        elif k == "boilerplate":
            notes.append(Note(p.line, "not recognised", f"a web page's own line (share buttons, its editor, "
                              f"navigation), dropped: {p.text.strip()[:40]!r}"))
    kept = [(p, k) for p, k in zip(paras, kinds) if k not in ("markup", "boilerplate")]
    paras, kinds = [p for p, _ in kept], [k for _, k in kept]
    credits = _credit_lines(paras, kinds, notes)  # caption's line -> the credit on the line under it
    taken = {id(credit) for credit in credits.values()}
    kept = [(p, k) for p, k in zip(paras, kinds) if id(p) not in taken]
    paras, kinds = [p for p, _ in kept], [k for _, k in kept]
    cluster = _caption_cluster(paras, kinds, notes)
    verse = _verse(paras, kinds) if fmt == "text" and "heading" not in kinds else []
    if verse:
        for i in verse:
            kinds[i] = "verse"
        stanzas = 1 + sum(paras[i].line != paras[j].line + 1 for j, i in zip(verse, verse[1:]))
        notes.append(Note(paras[verse[0]].line, "guessed", f"verse: {counted(len(verse), 'line')} in "
                          f"{counted(stanzas, 'stanza')} (short lines without sentence ends, stanzas parted by "
                          "blank lines), written as a '::: noindent' block; set the article's body in a centred "
                          "style (README, Verse)"))
    drafts = _segment(paras, kinds, notes, fmt)
    for draft in drafts:
        _finish_body(draft, notes)
    if cluster:
        _place_captions([paras[i] for i in cluster], drafts, notes)
    _give_credits(drafts, credits)
    for draft in drafts:
        if fmt != "docx":  # Word says its leads itself, in bold runs (trial 14 #7)
            _mark_leads(draft, paras, notes)
        for photo in draft.photos:
            if photo.picture is None:
                notes.append(Note(photo.line, "to do", f"the caption {photo.caption[:16]!r}… has no picture: put "
                                  "the file in content/photos/ and write its path after 'file:'"))
        for line, _picture in draft.loose:
            notes.append(Note(line, "not recognised", "a picture without a caption next to it: not imported; "
                              "give it a caption (▲…) under it in the Word file, or place it by hand"))
        if not draft.title and (draft.body or not draft.photos):
            notes.append(Note(draft.line, "not recognised", "no headline found: write 'title: …' in the front matter"))
    return [d.done() for d in drafts], sorted(notes, key=lambda n: n.line)


# --- captions printed together ------------------------------------------------------------------

def _caption_cluster(paras: list[SourcePara], kinds: list[str], notes: list[Note]) -> list[int]:
    """Indexes of captions standing together (two or more marked ones with at most unmarked short
    sentences between): a page's captions extracted in one place. An unmarked sentence between
    two captions is taken for a caption too (reported)."""
    if any(p.pictures for p in paras):
        return []  # a Word file with its pictures: each caption stands by its own picture
    marked = [i for i, k in enumerate(kinds) if k == "caption"]
    best: list[int] = []
    run: list[int] = []
    for i in marked:
        if run:
            gap = range(run[-1] + 1, i)
            if len(gap) <= 1 and all(_caption_like(paras[j].text) for j in gap):
                run += list(gap) + [i]
                continue
            if len(run) >= 2 and len(run) > len(best):
                best = run
        run = [i]
    if len(run) >= 2 and len(run) > len(best):
        best = run
    for i in best:
        if kinds[i] != "caption":
            notes.append(Note(paras[i].line, "guessed", "a caption without ▲/▼ (it stands among captions): "
                              f"{paras[i].text[:20]!r}"))
        kinds[i] = "clustered"  # placed by content once the articles are known (_place_captions)
    return best


def _caption_like(text: str) -> bool:
    """An unmarked line that may be a caption among captions: one short sentence."""
    text = text.strip()
    return 0 < len(text) <= UNMARKED_CAPTION_MAX and text[-1] == "。" and text.count("。") == 1 \
        and not any(mark in text for mark in "，,；;")


def _place_captions(cluster: list[SourcePara], drafts: list[_Draft], notes: list[Note]) -> None:
    """Each caption of a cluster to the article sharing the longest run of characters with it."""
    texts = [d.text() for d in drafts]
    for p in cluster:
        caption = p.text.lstrip("▲▼")
        scores = []
        for text in texts:
            m = difflib.SequenceMatcher(None, caption, text, autojunk=False).find_longest_match(
                0, len(caption), 0, len(text))
            scores.append((m.size, caption[m.a:m.a + m.size]))
        top = max(s for s, _ in scores) if scores else 0
        winners = [i for i, (s, _) in enumerate(scores) if s == top]
        photo = _photo(p)
        if top >= MIN_SHARED and len(winners) == 1:
            drafts[winners[0]].photos.append(photo)
            notes.append(Note(p.line, "guessed", f"caption given to the article {drafts[winners[0]].title!r} "
                              f"(they share {scores[winners[0]][1]!r})"))
        else:
            owner = _owner(drafts, p.line)
            owner.photos.append(photo)
            notes.append(Note(p.line, "not recognised", "which article this caption belongs to; left with "
                              f"{owner.title!r}: move it if it is wrong"))


def _owner(drafts: list[_Draft], line: int) -> _Draft:
    before = [d for d in drafts if d.line <= line]
    return before[-1] if before else drafts[0]


def _photo(p: SourcePara) -> PhotoDraft:
    text = p.text.strip()
    m = CREDIT_BRACKETED.match(text)  # ▲…。（本报记者 王强 摄）
    if m:
        return PhotoDraft(p.line, m.group(1).strip(), m.group(2).strip())
    m = CREDIT.match(text)
    if m:
        return PhotoDraft(p.line, m.group(1).strip(), m.group(2).strip())
    return PhotoDraft(p.line, text)


# A photo credit typed on the line under its caption (trial 16b #20: printed as a body paragraph):
# 本报记者 孙明 摄, 孙明摄, 摄影：王强, 王强 供图, 图/王强, 图：新华社, bracketed or not. No sentence in it.
CREDIT_LINE = re.compile(r"^(?:\S.{0,28}[ \u3000]?摄|摄影[:：]?[ \u3000]*\S.{0,30}|\S.{0,28}供图"
                         r"|图[/／:：][ \u3000]*\S.{0,30})$")
CREDIT_LINE_MAX = 32  # characters: a longer line is a sentence, not a name and 摄


def _credit_line(text: str) -> str | None:
    """The credit a line is, brackets taken off; None when it is not one."""
    text = text.strip()
    if text[:1] in "（(" and text[-1:] in "）)":
        text = text[1:-1].strip()
    if len(text) > CREDIT_LINE_MAX or any(mark in text for mark in "。，,；;！？!?"):
        return None
    return text if CREDIT_LINE.match(text) else None


def _credit_lines(paras: list[SourcePara], kinds: list[str], notes: list[Note]) -> dict[int, SourcePara]:
    """Each caption (by its line) whose next line is only a credit, with that line: the credit is the
    photo's (``credit:``), not a paragraph of the body."""
    out: dict[int, SourcePara] = {}
    for i in range(1, len(paras)):
        if kinds[i - 1] != "caption" or paras[i].heading or paras[i].pictures:
            continue
        if _photo(paras[i - 1]).credit is None and _credit_line(paras[i].text) is not None:
            out[paras[i - 1].line] = paras[i]
            notes.append(Note(paras[i].line, "guessed", f"the credit of the caption of line {paras[i - 1].line}: "
                              f"{_credit_line(paras[i].text)!r}"))
    return out


def _give_credits(drafts: list[_Draft], credits: dict[int, SourcePara]) -> None:
    for draft in drafts:
        for k, photo in enumerate(draft.photos):
            line = credits.get(photo.line)
            if line is not None and photo.credit is None:
                draft.photos[k] = replace(photo, credit=_credit_line(line.text))


# --- articles -----------------------------------------------------------------------------------

def _article_level(paras: list[SourcePara], kinds: list[str]) -> int:
    """The heading level of the articles' titles: the level most often followed by body text (a
    page's own headline, ``#`` above ``###`` profiles, is followed by another heading)."""
    counts: dict[int, int] = {}
    for i, p in enumerate(paras):
        if kinds[i] != "heading":
            continue
        j = i + 1
        while j < len(paras) and kinds[j] in ("dash", "byline"):
            j += 1
        if j < len(paras) and kinds[j] in ("body", "short"):
            counts[p.heading] = counts.get(p.heading, 0) + 1
    levels = [p.heading for p, kind in zip(paras, kinds) if kind == "heading"]
    if not counts:
        return min(levels)
    return max(sorted(counts), key=lambda level: counts[level])


def _briefs(paras: list[SourcePara], kinds: list[str]) -> bool:
    """Markdown with one ``# `` heading, first, and only ``## `` headings under it: one article
    whose ``## `` are 小标题 as the content format says (a 简讯 of items; trial 14 #16)."""
    levels = [p.heading for p, kind in zip(paras, kinds) if kind == "heading"]
    return len(levels) >= 2 and levels[0] == 1 and all(level == 2 for level in levels[1:])


def _segment(paras: list[SourcePara], kinds: list[str], notes: list[Note], fmt: str = "text") -> list[_Draft]:
    """Articles: at each title heading, or one article whose headline is the first short lines."""
    briefs = fmt == "md" and _briefs(paras, kinds)
    level = _article_level(paras, kinds) if any(kind == "heading" for kind in kinds) else 0
    if briefs:
        level = 1
        first = next(p for p, kind in zip(paras, kinds) if kind == "heading")
        notes.append(Note(first.line, "guessed", "one article: its '## ' headings are 小标题 (content/README.md); "
                          "split the file by hand if they are articles of their own"))
    # The first title (or page headline) heading: a lower heading above it is its 引题, not a
    # heading of nothing (trial 14 #4: a 引题 in Word's Heading 2 above the Title was lost).
    first_heading = next((i for i, kind in enumerate(kinds) if kind == "heading" and paras[i].heading <= level),
                         None)
    drafts: list[_Draft] = []
    if first_heading is None:
        for start, end in _stories(paras, kinds, notes, fmt):
            drafts.append(_headless(paras[start:end], kinds[start:end], notes))
        return drafts
    before = [i for i in range(first_heading) if kinds[i] not in ("picture", "tables")]
    kicker: str | None = None
    if len(before) == 1 and (kinds[before[0]] in ("short", "heading") or paras[before[0]].style == "subtitle") \
            and len(paras[before[0]].text.strip()) <= SHORT:
        # one short line above the first title: its 引题 (Word: a Heading 2 or Subtitle paragraph)
        kicker = paras[before[0]].text.strip()
        how = f" (Word style {paras[before[0]].style!r})" if paras[before[0]].style not in ("", "normal") else ""
        notes.append(Note(paras[before[0]].line, "guessed", f"引题: a short line right above the title{how}"))
    elif any(kinds[i] != "caption" for i in before):
        head_kinds = ["short" if kind == "heading" else kind for kind in kinds[:first_heading]]
        drafts.append(_headless(paras[:first_heading], head_kinds, notes))
    current: _Draft | None = None
    for i in range(first_heading, len(paras)):
        p, kind = paras[i], kinds[i]
        text = p.text.strip()
        if kind == "heading":
            if p.heading < level:
                if current is not None and current.banner and not current.body and p.heading > current.level \
                        and current.subtitle is None:
                    current.subtitle = text
                    notes.append(Note(p.line, "guessed", "副题 of the page's headline (a heading under it)"))
                    continue
                current = _Draft(p.line, text, banner=True, level=p.heading)
                drafts.append(current)
                notes.append(Note(p.line, "guessed", "the page's own headline (a heading above the articles' "
                                  "titles): an article of its own, without body"))
                continue
            if p.heading == level:
                kicker = _take_kicker(current, p.line, notes) if current is not None else kicker
                current = _Draft(p.line, text, kicker=kicker, level=level)
                drafts.append(current)
                continue
            if current is not None and not current.body and current.subtitle is None and not current.banner \
                    and not briefs:
                current.subtitle = text
                notes.append(Note(p.line, "guessed", "副题: a lower heading right under the title"))
                continue
            kind = "subhead"
        if current is None:  # not reached: the loop starts at a title heading
            continue
        _body_item(current, p, kind, notes)
    return drafts


# How many headline lines (引题, 主题, 副题, byline) may stand between a new story's first line
# and its dateline.
STORY_HEAD_MAX = 4


def _stories(paras: list[SourcePara], kinds: list[str], notes: list[Note], fmt: str) -> list[tuple[int, int]]:
    """(start, end) of each story in copy without headings. A new story starts, as the first one's
    headline is guessed, at a short line after a blank one whose headline lines (short, ——副题, a
    byline) lead to a dateline (本报讯…) or hold a byline, once the story before has a paragraph
    (trial 16b #20: a second story's headline became a 小标题 of the first). Word copy has no
    blank lines to tell: one story."""
    bounds = [0]
    if fmt == "docx":
        return [(0, len(paras))]
    for i in range(1, len(paras)):
        if kinds[i] != "short" or paras[i].line <= paras[i - 1].line + 1:
            continue  # no blank line above it
        if not any(kind == "body" for kind in kinds[bounds[-1]:i]):
            continue  # the story before has no paragraph yet: this is still its headline
        j = i + 1
        while j < len(paras) and j - i <= STORY_HEAD_MAX and kinds[j] in ("short", "dash", "byline"):
            j += 1
        byline = "byline" in kinds[i + 1:j]
        dateline = j < len(paras) and DATELINE.match(paras[j].text.strip()) is not None
        if j >= len(paras) or not (byline or dateline) or kinds[j] not in ("body", "short"):
            continue
        cue = "then a dateline" if dateline else "then a byline"
        notes.append(Note(paras[i].line, "guessed", f"a new article: {paras[i].text.strip()!r} after a blank line, "
                          f"{cue} (written to a file of its own)"))
        bounds.append(i)
    return list(zip(bounds, bounds[1:] + [len(paras)]))


def _take_kicker(previous: _Draft | None, line: int, notes: list[Note]) -> str | None:
    """A short line right before a title heading is its 引题 (taken back from the article before)."""
    if previous is None or not previous.body:
        return None
    last = previous.body[-1]
    if last.form == "subhead" and last.line >= line - 2 and len(previous.body) > 1:
        previous.body.pop()
        notes.append(Note(last.line, "guessed", "引题: a short line right above the title"))
        return last.text
    return None


def _headless(paras: list[SourcePara], kinds: list[str], notes: list[Note]) -> _Draft:
    """An article without headings: its headline is the short lines before the first paragraph."""
    head: list[int] = []
    for i, kind in enumerate(kinds):
        if kind == "editor-note" and not head:
            continue  # an 编者按 above the headline: the body's (below), not a headline line
        if kind not in ("short", "dash", "byline") or len(head) >= 5:
            break
        if i + 1 < len(paras) and _continues(paras[i + 1].text):  # a cut paragraph's start, not a headline
            break
        head.append(i)
    draft = _Draft(paras[0].line if paras else 1)
    names = [i for i in head if kinds[i] == "short"]
    for i in head:
        if kinds[i] == "dash":
            draft.subtitle = paras[i].text.strip()
        elif kinds[i] == "byline":
            draft.byline = paras[i].text.strip()
            notes.append(Note(paras[i].line, "guessed", "署名 (byline)"))
    sizes = [paras[i].size for i in names]
    bold = [i for i in names if paras[i].all_bold]
    if names and any(sizes) and len(set(sizes)) > 1:  # Word: the largest type is the 主题
        title_at = names[sizes.index(max(sizes))]
        before = [i for i in names if i < title_at]
        after = [i for i in names if i > title_at]
        why = "by type size"
    elif len(bold) == 1 and len(names) >= 2:  # one size, one bold line: the 主题
        title_at = bold[0]
        before = [i for i in names if i < title_at]
        after = [i for i in names if i > title_at]
        why = "by bold type"
    else:
        title_at = names[1] if len(names) >= 2 else (names[0] if names else -1)
        before = names[:1] if len(names) >= 2 else []
        after = names[2:]
        why = "by position"
    if title_at >= 0:
        draft.title = paras[title_at].text.strip()
        if before:
            draft.kicker = "".join(paras[i].text.strip() for i in before)
            notes.append(Note(paras[before[0]].line, "guessed", f"引题, {why} (a short line above the title)"))
        if after and draft.subtitle is None:
            draft.subtitle = paras[after[0]].text.strip()
            notes.append(Note(paras[after[0]].line, "guessed", f"副题, {why} (a short line under the title)"))
            after = after[1:]
        for i in after:
            notes.append(Note(paras[i].line, "not recognised", "a further headline line; kept as a 小标题"))
            draft.body.append(BodyPara(paras[i].line, paras[i].runs, "subhead"))
        if len(names) >= 2 or any(sizes) or bold:
            notes.append(Note(paras[title_at].line, "guessed", f"主题 (title), {why}"))
    taken = set(head)
    for i in range(len(paras)):
        if i not in taken:
            _body_item(draft, paras[i], kinds[i], notes)
    return draft


def _body_item(draft: _Draft, p: SourcePara, kind: str, notes: list[Note]) -> None:
    text = p.text.strip()
    for picture in p.pictures:
        if not picture.suffix:
            notes.append(Note(p.line, "not recognised", f"a picture in a format the engine does not place "
                              f"({picture.kind or 'unknown'}): save it as JPEG or PNG into content/photos/"))
    pictures = [(p.line, x) for x in p.pictures if x.suffix]
    if kind == "picture":
        # ▼ a caption above its photo: the photo without one just before takes it; else it waits
        waiting = [k for k, ph in enumerate(draft.photos) if ph.picture is None and ph.caption.startswith("▼")]
        if waiting and pictures and waiting[-1] == len(draft.photos) - 1:
            draft.photos[-1] = replace(draft.photos[-1], picture=pictures.pop(0)[1])
            notes.append(Note(p.line, "guessed", f"this picture is the photo of the ▼ caption of line "
                              f"{draft.photos[-1].line}"))
        draft.loose += pictures
        return
    if kind in ("tables", "clustered"):
        return
    if kind == "verse":  # a line of a poem (_verse): a line of its ::: noindent block, its step kept
        text = "".join(r.text for r in p.runs).rstrip().lstrip(" \t")
        draft.body.append(BodyPara(p.line, (Run(text),), "noindent"))
        return
    if isinstance(p, TablePara):
        draft.body.append(BodyPara(p.line, p.runs, "table", p.table))
        return
    if kind == "editor-note":
        draft.body.append(BodyPara(p.line, p.runs, "quote"))
        notes.append(Note(p.line, "guessed", "编者按: set as a quotation ('> ', the page's quote style)"))
        return
    if kind == "caption":
        photo = _photo(p)
        above = bool(draft.loose) and not photo.caption.startswith("▼") \
            and (not draft.body or draft.body[-1].line < draft.loose[-1][0])  # no text since the picture
        if pictures or above:  # in the caption's own paragraph, or just above it
            photo = replace(photo, picture=(pictures or draft.loose)[-1][1])
            (pictures or draft.loose).pop()
        draft.loose += pictures
        draft.photos.append(photo)
        if photo.picture is not None:
            notes.append(Note(p.line, "guessed", "the picture next to this caption is its photo"))
        return
    draft.loose += pictures  # a picture inside a paragraph of text: reported unless a caption takes it
    if kind == "dash" and not draft.body and draft.subtitle is None:
        draft.subtitle = text
        return
    if kind == "byline" and draft.byline is None and len(draft.body) <= 1:
        draft.byline = text
        notes.append(Note(p.line, "guessed", "署名 (byline)"))
        return
    if kind == "subhead":
        draft.body.append(BodyPara(p.line, p.runs, "subhead"))
        return
    guessed_subhead = [n for n in notes if n.line == (draft.body[-1].line if draft.body else -1)
                       and n.text.startswith("小标题")]
    if draft.body and _continues(text) and guessed_subhead:  # the short line was a cut paragraph's start
        notes.remove(guessed_subhead[0])
        last = draft.body[-1]
        draft.body[-1] = BodyPara(last.line, last.runs)
    if draft.body and draft.body[-1].form == "body" and (_cut(draft.body[-1].text) or _continues(text)):
        last = draft.body[-1]
        draft.body[-1] = BodyPara(last.line, last.runs + p.runs)
        why = (f"it ends '…{last.text[-4:]}' without end punctuation" if _cut(last.text)
               else f"line {p.line} starts '{text[:4]}…', which no paragraph starts with")
        notes.append(Note(last.line, "guessed", f"joined with line {p.line}: the paragraph was cut at a column "
                          f"break ({why})"))
        return
    if all(b.form == "quote" for b in draft.body) and DATELINE.match(text):  # (an 编者按 may stand before it)
        notes.append(Note(p.line, "guessed", "the dateline (电头) stays at the start of the first paragraph"))
    if kind == "short" or (p.all_bold and len(text) <= SUBHEAD_MAX and not _ends_sentence(text)):
        draft.body.append(BodyPara(p.line, tuple(Run(r.text) for r in p.runs), "subhead"))
        notes.append(Note(p.line, "guessed", f"小标题 (a short line without end punctuation): {text!r}"))
        return
    draft.body.append(BodyPara(p.line, p.runs))


# What no paragraph starts with: marks that close or follow (GB/T 15834 点号 and closing quotes and
# brackets; kinsoku's line-start prohibitions), and a lower-case Latin letter.
CONTINUING = frozenset("，。、；：？！,.;:?!）)》」』】”’…")


def _continues(text: str) -> bool:
    """A line that goes on with the line before it, cut at a column break."""
    return bool(text) and (text[0] in CONTINUING or ("a" <= text[0] <= "z"))


def _cut(text: str) -> bool:
    """A paragraph that stops mid-sentence: long, and ending without end punctuation."""
    return len(text) >= SHORT and not _ends_sentence(text)


def _finish_body(draft: _Draft, notes: list[Note]) -> None:
    """A last paragraph repeating the title, or the byline (a sign-off), is dropped; a sign-off with
    no byline above is the byline; a last short paragraph repeating the opening of an earlier one
    is an echo of the extraction (a pull quote or a running head): dropped. Each reported."""
    _finish_repeats(draft, notes)
    if len(draft.body) < 2:
        return
    last = draft.body[-1]
    if last.form != "body" or len(last.text) > 40:
        return
    for earlier in draft.body[:-1]:
        if earlier.text.startswith(last.text):
            draft.body.pop()
            notes.append(Note(last.line, "guessed", f"dropped: it repeats the start of line {earlier.line} "
                              "(an echo of the extraction or a pull quote); put it back if it belongs"))
            return


def _same(a: str, b: str) -> bool:
    """Two lines of copy alike but for spaces (本报记者 陈光 / 本报记者陈光)."""
    return "".join(a.split()) == "".join(b.split())


def _finish_repeats(draft: _Draft, notes: list[Note]) -> None:
    """The title again as the last paragraph (a Word file's running head, trial 16b #15: a 小标题
    ending the article), and a sign-off at the end (*本报记者 陈光*, （本报记者 陈光）: trial 16b #5)."""
    if not draft.body:
        return
    last = draft.body[-1]
    if draft.title and _same(last.text, draft.title):
        draft.body.pop()
        notes[:] = [n for n in notes if n.line != last.line or not n.text.startswith("小标题")]  # no longer one
        notes.append(Note(last.line, "guessed", f"dropped: it repeats the title {draft.title!r} (the copy's "
                          "running head or an echo); put it back if it belongs"))
        return
    text = last.text.strip()
    if text[:1] in "（(" and text[-1:] in "）)":
        text = text[1:-1].strip()
    if not _is_byline(text) or (len(draft.body) < 2 and draft.byline is None):
        return
    if draft.byline is not None and _same(text, draft.byline):
        draft.body.pop()
        notes.append(Note(last.line, "guessed", f"dropped: the byline again at the end (署名 {draft.byline!r}); "
                          "put it back as a '::: right' 落款 if the page signs off"))
    elif draft.byline is None:
        draft.body.pop()
        draft.byline = text
        notes.append(Note(last.line, "guessed", f"署名 (byline), at the article's end: {text!r}"))
    elif last.form == "subhead":  # a sign-off other than the byline: a paragraph, never a 小标题
        draft.body[-1] = BodyPara(last.line, tuple(Run(r.text) for r in last.runs))


def _mark_leads(draft: _Draft, paras: list[SourcePara], notes: list[Note]) -> None:
    """Plain text carries no bold: a lead sentence is taken only from a repeated shape."""
    if any(r.bold for p in draft.body for r in p.runs):
        return  # the copy marks its leads itself (Word bold, Markdown **)
    found = [(k, LEAD_SHAPE.match(p.text)) for k, p in enumerate(draft.body) if p.form == "body"]
    hits = [(k, m) for k, m in found if m]
    if len(hits) < LEAD_MIN_REPEATS:
        return
    for k, m in hits:
        p = draft.body[k]
        lead = m.group(1)
        rest = p.text[len(lead):]
        draft.body[k] = replace(p, runs=(Run(lead, True),) + ((Run(rest),) if rest else ()))
        notes.append(Note(p.line, "guessed", f"lead sentence (one of {counted(len(hits), 'paragraph')} opening alike): {lead!r}"))


# --- writing ------------------------------------------------------------------------------------

# CommonMark §2.4 escapes for what our reader would take as markup (content/reader.py
# BLOCK_SYNTAX, INLINE_UNSUPPORTED, '**' leads): anywhere, and at a line's start.
_ESCAPE_ANYWHERE = str.maketrans({c: "\\" + c for c in "\\*`[]<&~"})
_LINE_START = frozenset("#>-+=_:|")
_NUMBERED = re.compile(r"^([0-9]{1,9})([.)])")


def escape(text: str) -> str:
    """Copy as a body line the reader prints exactly as it is."""
    return _escape_start(text.translate(_ESCAPE_ANYWHERE))


def _escape_start(line: str) -> str:
    """What would start a Markdown block at a line's start (#, >, -, 1. …), escaped."""
    if line[:1] in _LINE_START:
        line = "\\" + line
    return _NUMBERED.sub(r"\1\\\2", line)


def _yaml_text(value: str) -> str:
    """A one-line YAML scalar, quoted when plain YAML would read it otherwise."""
    import json

    import yaml

    try:
        plain = yaml.safe_load(f"k: {value}") if value else None
    except yaml.YAMLError:  # '- x', '[', '"…' and the like: quoted
        plain = None
    if isinstance(plain, dict) and plain.get("k") == value and "#" not in value and ": " not in value:
        return value
    quoted = json.dumps(value, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars,
    # except that YAML reads these as line breaks (YAML 1.1 §5.4): written as escapes
    return quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\x85")


def to_markdown(article: Imported, files: dict[int, str] | None = None) -> str:
    """The article file: front matter, then the body with leads and subheads marked. ``files``:
    the picture file of a photo (by index), relative to the article."""
    lines = ["---"]
    for key in ("kicker", "title", "subtitle", "byline"):
        value = getattr(article, key)
        if value:
            lines.append(f"{key}: {_yaml_text(value)}")
    if not article.title:
        lines.append("title:  # not found in the copy: write the 主题 here")
    if article.photos:
        lines.append("photos:")
        for n, photo in enumerate(article.photos):
            if files and n in files:
                lines.append(f"  - file: {_yaml_text(files[n])}")
            else:
                lines.append("  - file:  # to fill: the picture's path, e.g. photos/name.jpg")
            lines.append(f"    caption: {_yaml_text(photo.caption)}")
            if photo.credit:
                lines.append(f"    credit: {_yaml_text(photo.credit)}")
    lines.append("---")
    body = article.body
    for k, para in enumerate(body):
        if para.form == "noindent":
            # a poem's verse (_verse): one ::: noindent block, a blank line between its stanzas
            # (README, Verse), as the copy parted them
            if k == 0 or body[k - 1].form != "noindent":
                lines += ["", "::: noindent"]
            elif para.line != body[k - 1].line + 1:
                lines.append("")
            lines.append(_escape_start(para.text.translate(_ESCAPE_ANYWHERE)))
            if k + 1 == len(body) or body[k + 1].form != "noindent":
                lines.append(":::")
            continue
        lines.append("")
        if para.form == "subhead":
            lines.append("## " + para.text.translate(_ESCAPE_ANYWHERE))
            continue
        if para.form == "table" and para.table is not None:
            lines += _table_lines(para.table)
            continue
        if para.form == "quote":
            lines.append("> " + para.text.translate(_ESCAPE_ANYWHERE))
            continue
        text = "".join(f"**{r.text.translate(_ESCAPE_ANYWHERE)}**" if r.bold and r.text.strip()
                       else r.text.translate(_ESCAPE_ANYWHERE) for r in para.runs)
        lines.append(_escape_start(text))
    return "\n".join(lines) + "\n"


def _table_lines(table: TableDraft) -> list[str]:
    """A pipe table (content/README.md): the 表： line, the header, the alignment row (every column
    '---': figures right, text left), the rows, the 来源： line; a bar in a cell escaped."""
    def row(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.translate(_ESCAPE_ANYWHERE).replace("|", "\\|") for c in cells) + " |"

    out = [table.title.translate(_ESCAPE_ANYWHERE)] if table.title else []
    out += [row(table.rows[0]), "| " + " | ".join("---" for _ in table.rows[0]) + " |"]
    out += [row(r) for r in table.rows[1:]]
    return out + ([table.source.translate(_ESCAPE_ANYWHERE)] if table.source else [])


def body_text(article: Imported) -> list[tuple[str, str]]:
    """(form, text) of each body paragraph as the reader should read it back."""
    return [(p.form, p.table.text() if p.table is not None else "".join(r.text for r in p.runs)) for p in article.body]


# --- files --------------------------------------------------------------------------------------

@record(frozen=True)
class Written:
    path: Path
    article: Imported
    pictures: tuple[tuple[int, Path], ...] = ()  # (photo index, file) of the pictures taken from Word

    def files(self) -> dict[int, str]:
        return {n: path.relative_to(self.path.parent).as_posix() for n, path in self.pictures}


def plan(sources: list[Path], out_dir: Path, root: Path, force: bool) -> tuple[list[Written], list[tuple[Path, Note]]]:
    """Read every file of copy and decide each article's file, before anything is written: a bad
    input, a name taken twice or an existing article without ``force`` stops it all."""
    from pagesetter.content.sources import read_source
    from pagesetter.errors import InputError, Loc, display_path
    from pagesetter.paths import inside

    if not inside(out_dir, root):
        raise InputError(Loc.of_file(out_dir), f"the articles go inside the project folder {display_path(root)}; "
                         "choose an -o folder in it (e.g. content)")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(Loc.of_file(out_dir), "is a file, where the folder for the articles was expected")
    planned: list[Written] = []
    notes: list[tuple[Path, Note]] = []
    for source in sources:
        suffix = source.suffix.lower()
        fmt = "docx" if suffix == ".docx" else "md" if suffix in (".md", ".markdown") else "text"
        articles, found = analyse(read_source(source), fmt)
        if not articles or all(not a.title and not a.body and not a.photos for a in articles):
            raise InputError(Loc.of_file(source), "no text in this file; nothing to import")
        stem = re.sub(r"[^\w.-]+", "-", source.stem).strip("-.") or "article"
        for n, article in enumerate(articles, 1):
            name = f"{stem}.md" if len(articles) == 1 else f"{stem}-{n}.md"
            pictures = tuple((k, out_dir / "photos" / f"{Path(name).stem}-{k + 1}{photo.picture.suffix}")
                             for k, photo in enumerate(article.photos) if photo.picture is not None)
            planned.append(Written(out_dir / name, article, pictures))
        notes += [(source, note) for note in found]
    seen: dict[Path, int] = {}
    for w in planned:
        for path in (w.path, *(p for _, p in w.pictures)):
            seen[path] = seen.get(path, 0) + 1
            if seen[path] == 2:
                raise InputError(Loc.of_file(path), "two files of copy would make this one file; "
                                 "import them one at a time, or rename one")
            what = "an article" if path == w.path else "a photo"
            if (path.exists() or path.is_symlink()) and not force:
                raise InputError(Loc.of_file(path), f"{what} of this name exists: not overwritten "
                                 "(add --force to replace it, or import into another -o folder)")
            if path.is_symlink() or (path.exists() and not path.is_file()):
                raise InputError(Loc.of_file(path), "exists and is not a plain file (a link or a folder); refused")
    return planned, notes


def write(planned: list[Written]) -> None:
    """Each article file, read back by the article reader before it is written: what the reader
    makes of it must be the copy's text, to the character."""
    from pagesetter.content.reader import _paragraphs, read_front_matter
    from pagesetter.paths import write_atomically

    texts = []
    for w in planned:
        text = to_markdown(w.article, w.files())
        lines = text.split("\n")
        front = read_front_matter(w.path, lines).node.value
        heads = {key: (str(front[key].value) if key in front and front[key].value is not None else None)
                 for key in ("kicker", "title", "subtitle", "byline")}
        back = [(p.form, p.text) for p in _paragraphs(lines, lines.index("---", 1) + 1, str(w.path))]
        if back != body_text(w.article) or heads != {k: getattr(w.article, k) or None for k in heads}:
            raise RuntimeError(f"the article written for {w.path.name} would not read back as the copy")
        texts.append(text)
    for w, text in zip(planned, texts):
        for n, path in w.pictures:
            picture = w.article.photos[n].picture
            assert picture is not None
            write_atomically(path, picture.data)
        write_atomically(w.path, text.encode("utf-8"))
