"""Half-width punctuation in Chinese context becomes full-width, and the editor is told.

Copy reaches the desk from everywhere (agencies, Word, WeChat), and ASCII commas in
Chinese text are the commonest artefact. GB/T 15834-2011 §4 prescribes the
full-width marks for Chinese text; W3C clreq §3.1 describes them as occupying the
character grid. Latin words and numbers keep their own characters (APP, 12123, 1,000).
The files are never rewritten: the change happens at build time and is reported.
"""

from __future__ import annotations

from dataclasses import replace

from pagesetter.compose.chars import is_cjk
from pagesetter.content.model import Article, Change, Paragraph, Span
from pagesetter.errors import Loc

# GB/T 15834-2011 §4: the full-width form of each mark used in Chinese text.
HALF_TO_FULL: dict[str, str] = {
    ",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）",
}
# Characters that make a neighbouring mark "Chinese": CJK (compose/chars.py ranges) and the
# curly quotes that Chinese text shares with English.
CHINESE_QUOTES = frozenset("“”‘’")


def _chinese(ch: str | None) -> bool:
    return ch is not None and (is_cjk(ch) or ch in CHINESE_QUOTES)


def _neighbours(text: str, i: int) -> tuple[str | None, str | None]:
    before = next((text[j] for j in range(i - 1, -1, -1) if not text[j].isspace()), None)
    after = next((text[j] for j in range(i + 1, len(text)) if not text[j].isspace()), None)
    return before, after


def _replacement(text: str, i: int) -> str | None:
    ch = text[i]
    full = HALF_TO_FULL.get(ch)
    if full is None:
        return None
    before, after = _neighbours(text, i)
    if ch in ",:" and before is not None and after is not None and before.isdigit() and after.isdigit():
        return None  # 1,000 and 10:30 are numbers
    if _chinese(before) or _chinese(after):
        return full
    return None


def normalise_text(text: str, *, drop_spaces: bool) -> tuple[str, list[tuple[int, str, str, str]]]:
    """Returns the new text and the edits as (offset, before, after, reason).

    Marks first, then spaces, so a space after a mark that became full-width counts as
    standing between Chinese characters.
    """
    edits: list[tuple[int, str, str, str]] = []
    marked = list(text)
    for i in range(len(text)):
        full = _replacement(text, i)
        if full:
            marked[i] = full
            edits.append((i, text[i], full, "half-width mark in Chinese text"))
    joined = "".join(marked)
    out: list[str] = []
    for i, ch in enumerate(joined):
        if drop_spaces and ch in " \t\u3000" and _between_han(joined, i):
            edits.append((i, ch, "", "space between Chinese characters"))
            continue
        out.append(ch)
    edits.sort()
    return "".join(out), edits


def _between_han(text: str, i: int) -> bool:
    before, after = _neighbours(text, i)
    return _chinese(before) and _chinese(after)


def normalise_article(article: Article) -> tuple[Article, list[Change]]:
    changes: list[Change] = []
    fields = {}
    for key in ("kicker", "title", "subtitle", "byline"):
        value = getattr(article, key)
        if value:
            # A space in a headline is meaningful (the break of a two-clause title): keep it.
            new, edits = normalise_text(value, drop_spaces=False)
            changes += [Change(Loc(article.loc.path, 0, 0), b, a, f"{r} in the {key}") for _, b, a, r in edits]
            fields[key] = new
    paragraphs = tuple(_paragraph(p, changes) for p in article.paragraphs)
    photos = []
    for photo in article.photos:
        caption, edits = normalise_text(photo.caption, drop_spaces=True)
        changes += [Change(photo.loc, b, a, f"{r} in a caption") for _, b, a, r in edits]
        photos.append(replace(photo, caption=caption))
    return replace(article, paragraphs=paragraphs, photos=tuple(photos), **fields), changes


def _paragraph(para: Paragraph, changes: list[Change]) -> Paragraph:
    """Normalise across span boundaries (a lead's last mark looks at the next span) and map
    each edit back to its line and column in the file."""
    whole = para.text
    new, edits = normalise_text(whole, drop_spaces=True)
    if not edits:
        return para
    raw_offset = _raw_offsets(para)
    for i, before, after, reason in edits:
        changes.append(Change(para.source_loc(raw_offset[i]), before, after, reason))
    spans: list[Span] = []
    dropped = {i for i, _, a, _ in edits if a == ""}
    replaced = {i: a for i, _, a, _ in edits if a}
    pos = 0
    for span in para.spans:
        chars = []
        for k in range(pos, pos + len(span.text)):
            if k in dropped:
                continue
            chars.append(replaced.get(k, whole[k]))
        pos += len(span.text)
        if chars:
            spans.append(Span("".join(chars), span.lead))
    return Paragraph(tuple(spans), para.loc, para.line_starts, para.subhead)


def _raw_offsets(para: Paragraph) -> list[int]:
    """Offset in the source text (with its ** markers) of each character of the plain text."""
    out: list[int] = []
    raw = 0
    for span in para.spans:
        if span.lead:
            raw += 2
        for _ in span.text:
            out.append(raw)
            raw += 1
        if span.lead:
            raw += 2
    return out


def summarise(changes: list[Change]) -> str:
    """'266 ， 14 ； 2 （） 1 ！' style counts for the build report."""
    counts: dict[str, int] = {}
    for c in changes:
        key = c.after or "space removed"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{n}× {k}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
