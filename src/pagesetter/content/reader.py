"""Read an article file: YAML front matter between ``---`` lines, then Markdown-ish body.

Body paragraphs are separated by blank lines; lines of one paragraph join without
a space (Chinese has none between lines). ``**…**`` marks a run-in lead sentence;
a line starting with ``## `` is a subhead (小标题).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pagesetter.content.model import Article, Paragraph, Photo, PhotoSide, Span
from pagesetter.errors import InputError, Loc, display_path
from pagesetter.spec import validate as v
from pagesetter.yamlsource import Node, load_yaml, read_text

FRONT_KEYS = ("kicker", "title", "subtitle", "byline", "photos")
PHOTO_KEYS = ("file", "caption", "credit", "side")
# Caption markers (../shared/TYPOGRAPHY.md): ▲ points up at the photo above, ▼ down at the photo below.
MARKER_SIDE: dict[str, PhotoSide] = {"▲": "above", "▼": "below"}
DEFAULT_SIDE: PhotoSide = "above"
_FENCE = re.compile(r"^---\s*$")


def read_articles(paths: list[Path], root: Path) -> dict[str, Article]:
    articles = [read_article(p, root) for p in paths]
    return {a.id: a for a in articles}


def read_article(path: Path, root: Path) -> Article:
    shown = display_path(path)
    text = read_text(path)
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        raise InputError(Loc(shown, 1, 1), "an article starts with a '---' line, then its front matter "
                         "(title: …), then another '---' line")
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        raise InputError(Loc(shown, 1, 1), "the front matter opened on line 1 is never closed with a '---' line")
    front_text = "\n".join(lines[1:end])
    if not front_text.strip():
        raise InputError(Loc(shown, 2, 1), "empty front matter; an article needs at least a title")
    front = v.expect_map(load_yaml(path, front_text + "\n", first_line=2), "the front matter")
    v.check_keys(front, FRONT_KEYS, "the front matter")

    def opt_text(key: str) -> str | None:
        node = front.get(key)
        if node is None or node.value is None:
            return None
        value = v.text(node, key).strip()
        return value or None

    title = opt_text("title")
    paragraphs = _paragraphs(lines, end + 1, shown)
    if title is None:
        raise InputError(front.loc, "the front matter needs a title (主题)")
    photos_node = front.get("photos")
    photos = tuple(_photo(n, path, root) for n in v.expect_list(photos_node, "photos")) if photos_node and \
        photos_node.value is not None else ()
    return Article(
        id=path.stem,
        source=path,
        kicker=opt_text("kicker"),
        title=title,
        subtitle=opt_text("subtitle"),
        byline=opt_text("byline"),
        paragraphs=paragraphs,
        photos=photos,
        loc=Loc(shown),
    )


def _photo(node: Node, article_path: Path, root: Path) -> Photo:
    v.expect_map(node, "a photo")
    v.check_keys(node, PHOTO_KEYS, "a photo", required=("file", "caption"))
    file_node = node.get("file")
    raw = v.text(file_node, "file")  # type: ignore[arg-type]
    target = (article_path.parent / raw).resolve()
    if not target.is_relative_to(root.resolve()):
        raise InputError(file_node.loc, f"photo {raw!r} is outside the project folder "  # type: ignore[union-attr]
                         f"{display_path(root)}; copy it into content/photos/")
    if not target.is_file():
        raise InputError(file_node.loc, f"photo file {raw!r} not found "  # type: ignore[union-attr]
                         f"(looked for {display_path(target)})")
    caption = v.text(node.get("caption"), "caption").strip()  # type: ignore[arg-type]
    credit_node = node.get("credit")
    credit = v.text(credit_node, "credit").strip() if credit_node and credit_node.value is not None else None
    marker_side = MARKER_SIDE.get(caption[:1])
    side_node = node.get("side")
    side: PhotoSide = marker_side or DEFAULT_SIDE
    if side_node is not None:
        asked = v.choice(side_node, "side", ("above", "below"))
        if marker_side and asked != marker_side:
            raise InputError(side_node.loc, f"side: {asked} contradicts the caption's marker {caption[0]} "
                             f"(photo {marker_side} the caption)")
        side = asked  # type: ignore[assignment]
    return Photo(target, caption, side, credit or None, node.loc)


def _paragraphs(lines: list[str], first: int, shown: str) -> tuple[Paragraph, ...]:
    out: list[Paragraph] = []
    block: list[tuple[int, str]] = []
    for i in range(first, len(lines) + 1):
        line = lines[i].rstrip() if i < len(lines) else ""
        if line.startswith("## ") or line == "##":  # a 小标题 is a paragraph of its own, one line in the file
            if block:
                out.append(_paragraph(block, shown))
                block = []
            if not line[3:].strip():
                raise InputError(Loc(shown, i + 1, 1), "empty subhead: write the 小标题 after '## '")
            out.append(replace(_paragraph([(i + 1, line[3:].strip())], shown), subhead=True))
            continue
        if line.strip():
            block.append((i + 1, line.strip()))
            continue
        if block:
            out.append(_paragraph(block, shown))
            block = []
    return tuple(out)


def _paragraph(block: list[tuple[int, str]], shown: str) -> Paragraph:
    raw = "".join(text for _, text in block)
    starts: list[int] = []
    offset = 0
    for _, text in block[:-1]:
        offset += len(text)
        starts.append(offset)
    para = Paragraph((), Loc(shown, block[0][0], 1), tuple(starts))
    parts = raw.split("**")
    if len(parts) % 2 == 0:
        last = raw.rfind("**")
        raise InputError(para.source_loc(last), "'**' opens a lead sentence that is never closed with '**'")
    spans: list[Span] = []
    pos = 0
    for k, part in enumerate(parts):
        lead = k % 2 == 1
        if lead and not part.strip():
            raise InputError(para.source_loc(pos - 2), "empty lead sentence '****'")
        if part:
            spans.append(Span(part, lead))
        pos += len(part) + 2
    return Paragraph(tuple(spans), para.loc, para.line_starts)
