"""masthead: (报头) in a page spec -> the frozen Masthead and the article entries of its ears.

```yaml
masthead:
  lines: 12                      # the top 12 grid lines of the type area (or block: {col, cols, line, lines})
  name: {logo: ../content/photos/logo.pdf}   # or {text: 江城日报, style: masthead-name}
  date: 2022-06-30               # printed with its weekday and 农历
  issue: 178                     # 第178期;  total: 总第N期;  pages: 今日N版
  cn: CN 42-0031                 # 国内统一连续出版物号
  post_code: 37-1                # 邮发代号
  publisher: 江城日报社出版
  rule: 2.5pt                    # the heavy rule under it; double: a thin one under that
  ears:                          # 报眼: article entries without a block, at either side
    - {side: left, cols: 2, article: daodu}
```
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

from pagesetter.errors import InputError, Loc, display_folder, display_path
from pagesetter.paths import OUTSIDE_HINT, NotRegularFile, inside, open_regular
from pagesetter.spec import validate as v
from pagesetter.spec.model import ArticleSpec, Grid, Masthead, NamePlate, Rect, Rules, Style, VectorArt
from pagesetter.units import LENGTH
from pagesetter.yamlsource import Node
from pagesetter.wording import counted

KEYS = ("lines", "block", "name", "date", "lunar", "issue", "total", "pages", "cn", "post_code", "publisher",
        "style", "rule", "double", "ears")
REQUIRED = ("name", "date")
NAME_KEYS = ("logo", "text", "style", "col", "cols")
# An ear is an article entry whose block the masthead gives: its side and width, nothing of where.
EAR_KEYS = ("side", "cols", "article", "headline", "photo", "body", "lead", "subhead", "column_rules", "balance", "box")
EAR_REQUIRED = ("side", "cols", "article")
# The longest names of Chinese dailies run to a dozen characters (中国城乡金融报); a name plate of
# more is a slip (a paragraph pasted in), not a name.
MAX_NAME_CHARS = 24
MAX_INFO_CHARS = 60  # the publisher line and the like: one line under the name plate
MAX_NUMBER = 9_999_999  # 总第N期: a daily of 300 years has some 110,000
# 国内统一连续出版物号 (GB/T 9999.1-2018): CN, a two-digit region code, a hyphen, a four-digit serial
# number, and for periodicals a slash and the 中图法 class (/G, /TP); newspapers carry none.
CN_FORM = re.compile(r"^(?:CN\s*)?(\d{2})\s*-\s*(\d{4})(/[A-Z]{1,2}\d?)?$")
# 邮发代号 (China Post's distribution code): the province's number, a hyphen, the title's number.
POST_FORM = re.compile(r"^(\d{1,2})\s*-\s*(\d{1,4})$")
SIDES = ("left", "right")
# What each kind of logotype file starts with (its content decides, never its name).
MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"))
MAX_LOGO_BYTES = 20 * 2**20  # a name plate of paths is kilobytes, a 1600-pixel PNG some hundred
LOGO_FORMATS = "a PDF (vector paths, the form a plant wants), PNG or JPEG file"


def load_masthead(node: Node, grid: Grid, styles: dict[str, Style], base: Path, root: Path,
                  allowed: tuple[Path, ...], articles: tuple[ArticleSpec, ...], rules: Rules
                  ) -> tuple[Masthead, tuple[ArticleSpec, ...]]:
    from pagesetter.spec.loader import _check_date, _need_style, _pt, _rect

    v.expect_map(node, "masthead")
    v.check_keys(node, KEYS, "masthead", required=REQUIRED)
    block = _block(node, grid, _rect)
    date = v.text(node.get("date"), "date")  # type: ignore[arg-type]
    _check_date(node.get("date"), date)  # type: ignore[arg-type]
    lunar = v.boolean(node.get("lunar"), "lunar") if node.get("lunar") is not None else True
    if lunar:
        check_lunar(node.get("date").loc, date)  # type: ignore[union-attr]
    style = v.text(node.get("style"), "style") if node.get("style") is not None else "masthead"
    _need_style(style, styles, node.get("style").loc if node.get("style") is not None else node.loc)  # type: ignore[union-attr]
    ears, ear_cols = _ears(node.get("ears"), block, grid, styles, rules)
    name = _name(node.get("name"), block, ear_cols, styles, base, root, allowed)  # type: ignore[arg-type]
    info_locs = tuple((where, node.get(key).loc) for where, key in  # type: ignore[union-attr]
                      (("date line", "date"), ("numbers", "issue"), ("numbers", "total"), ("numbers", "pages"),
                       ("codes", "cn"), ("codes", "post_code"), ("publisher", "publisher")) if node.get(key) is not None)
    masthead = Masthead(
        block=block,
        name=name,
        date=date,
        lunar=lunar,
        issue=_number(node.get("issue"), "issue"),
        total=_number(node.get("total"), "total"),
        pages=_number(node.get("pages"), "pages", 999),
        cn=_coded(node.get("cn"), "cn", CN_FORM, "CN {0}-{1}{2}", "CN 42-0031"),
        post_code=_coded(node.get("post_code"), "post_code", POST_FORM, "{0}-{1}", "37-1"),
        publisher=_info_text(node.get("publisher"), "publisher"),
        style=style,
        rule=_pt(node.get("rule"), "masthead rule", LENGTH, "rule") if node.get("rule") is not None else 2.0,
        double=v.boolean(node.get("double"), "double") if node.get("double") is not None else True,
        ears=tuple(e.article for e in ears),
        loc=node.loc,
        info_locs=info_locs,
        pages_loc=node.get("pages").loc if node.get("pages") is not None else None,  # type: ignore[union-attr]
    )
    need = len(masthead.info_lines()) + 3  # two lines of name at least, the info lines, the rule's line
    if block.lines < need:
        raise InputError(block.loc, f"the masthead is {counted(block.lines, 'line')} deep; its name plate, "
                         f"{counted(len(masthead.info_lines()), 'info line')} and the rule under it need {need} or more")
    _check_clear(block, articles, node)
    for entry in (*ears, *articles):
        if entry.article == "masthead":  # the masthead's own parts carry that name (flow/masthead.py)
            raise InputError(entry.loc, "an article named 'masthead' cannot stand on a page with a masthead; "
                             "rename its file")
    for ear in ears:
        if any(ear.article == a.article for a in articles):
            raise InputError(ear.loc, f"the ear {ear.article!r} is placed again in articles; an article "
                             "stands once on a page")
    return masthead, ears


def _block(node: Node, grid: Grid, rect) -> Rect:  # type: ignore[no-untyped-def]
    if (node.get("lines") is None) == (node.get("block") is None):
        raise InputError(node.loc, "the masthead needs 'lines' (the top N lines of the type area) or "
                         "'block' ({col, cols, line, lines}), one of the two")
    if node.get("block") is not None:
        return rect(node.get("block"), "masthead block", grid.columns, grid.lines)  # type: ignore[no-any-return]
    lines = v.integer(node.get("lines"), "masthead lines", 1, grid.lines)  # type: ignore[arg-type]
    return Rect(0, grid.columns, 0, lines, node.get("lines").loc)  # type: ignore[union-attr]


def check_lunar(loc: Loc, date: str) -> None:
    """The 农历 of ``date`` is known (lunar.py's table), else a located error."""
    from pagesetter.lunar import covered

    first, last = covered()
    if not first <= datetime.date.fromisoformat(date) <= last:
        raise InputError(loc, f"the 农历 of {date} is not known (the table runs {first.isoformat()} to "
                         f"{last.isoformat()}); write lunar: false to print no 农历")


def _number(node: Node | None, what: str, most: int = MAX_NUMBER) -> int | None:
    return v.integer(node, what, 1, most) if node is not None else None


def _info_text(node: Node | None, what: str) -> str:
    if node is None:
        return ""
    value = v.text(node, what).strip()
    if not value:
        raise InputError(node.loc, f"masthead {what} is empty; write it or leave the key out")
    if len(value) > MAX_INFO_CHARS or "\n" in value:
        raise InputError(node.loc, f"masthead {what} must be one line of at most {MAX_INFO_CHARS} characters")
    return value


def _coded(node: Node | None, what: str, form: re.Pattern[str], out: str, example: str) -> str:
    if node is None:
        return ""
    value = v.text(node, what).strip()
    found = form.match(value)
    if found is None:
        raise InputError(node.loc, f"masthead {what} {value!r} is not of the form {example}")
    return out.format(*(g or "" for g in found.groups()))


def _ears(node: Node | None, block: Rect, grid: Grid, styles: dict[str, Style], rules: Rules
          ) -> tuple[tuple[ArticleSpec, ...], dict[str, int]]:
    """The ears as article entries whose blocks stand at the masthead's sides, its full depth;
    and the columns each side takes."""
    from pagesetter.spec.loader import _article

    if node is None:
        return (), {"left": 0, "right": 0}
    taken = {"left": 0, "right": 0}
    out = []
    for item in v.expect_list(node, "ears"):
        v.expect_map(item, "an ear")
        v.check_keys(item, EAR_KEYS, "an ear", required=EAR_REQUIRED)
        side = v.choice(item.get("side"), "side", SIDES)  # type: ignore[arg-type]
        if taken[side]:
            raise InputError(item.get("side").loc, f"the masthead has a {side} ear already; one a side")  # type: ignore[union-attr]
        cols = v.integer(item.get("cols"), "ear cols", 1, block.cols)  # type: ignore[arg-type]
        taken[side] = cols
        col = block.col if side == "left" else block.right - cols
        made = {"col": col + 1, "cols": cols, "line": block.top + 1, "lines": block.lines}
        where = item.get("cols").loc  # type: ignore[union-attr]
        rect = Node({k: Node(n, where) for k, n in made.items()}, where, {k: where for k in made})
        values = {k: n for k, n in item.value.items() if k not in ("side", "cols")}
        values["block"] = rect
        keys = {k: item.key_loc(k) for k in values}
        out.append(_article(Node(values, item.loc, keys), grid, styles, rules))
    if taken["left"] + taken["right"] >= block.cols:
        raise InputError(node.loc, f"the ears take {taken['left'] + taken['right']} of the masthead's {block.cols} "
                         "columns; leave the name plate one or more")
    return tuple(out), taken


def _name(node: Node, block: Rect, ears: dict[str, int], styles: dict[str, Style], base: Path, root: Path,
          allowed: tuple[Path, ...]) -> NamePlate:
    from pagesetter.spec.loader import _need_style

    v.expect_map(node, "masthead name")
    v.check_keys(node, NAME_KEYS, "masthead name")
    if (node.get("logo") is None) == (node.get("text") is None):
        raise InputError(node.loc, "the masthead name needs 'logo' (a logotype file) or 'text' (the name set in "
                         "type, with a style), one of the two")
    free_col, free_cols = block.col + ears["left"], block.cols - ears["left"] - ears["right"]
    col = free_col + v.integer(node.get("col"), "name col", 1, free_cols) - 1 if node.get("col") is not None \
        else free_col  # type: ignore[arg-type]
    cols = v.integer(node.get("cols"), "name cols", 1, free_cols) if node.get("cols") is not None \
        else free_col + free_cols - col  # type: ignore[arg-type]
    if col + cols > free_col + free_cols:
        raise InputError(node.get("cols").loc, f"the name plate runs into an ear: columns {col + 1}–{col + cols}, "  # type: ignore[union-attr]
                         f"between the ears {free_col + 1}–{free_col + free_cols}")
    style = v.text(node.get("style"), "style") if node.get("style") is not None else "masthead-name"
    if node.get("logo") is not None:
        logo, vector = _logo(node.get("logo"), base, root, allowed)  # type: ignore[arg-type]
        return NamePlate(col, cols, "", style, logo, vector, node.get("logo").loc)  # type: ignore[union-attr]
    _need_style(style, styles, node.get("style").loc if node.get("style") is not None else node.loc)  # type: ignore[union-attr]
    text_node = node.get("text")
    text = v.text(text_node, "name text").strip()  # type: ignore[arg-type]
    if not text:
        raise InputError(text_node.loc, "the masthead name is empty; write the paper's name")  # type: ignore[union-attr]
    if len(text) > MAX_NAME_CHARS or "\n" in text:
        raise InputError(text_node.loc, f"the masthead name is {len(text)} characters long; a name plate "  # type: ignore[union-attr]
                         f"takes at most {MAX_NAME_CHARS} on one line")
    return NamePlate(col, cols, text, style, None, None, text_node.loc)  # type: ignore[union-attr]


def _logo(node: Node, base: Path, root: Path, allowed: tuple[Path, ...]) -> tuple[Path, VectorArt | None]:
    """The logotype file, inside the project, a regular file, a PDF, PNG or JPEG by its content;
    a PDF's paths read and checked here, so that every fault names this line."""
    from pagesetter.render.vector import LogoError, read_pdf_logo

    raw = v.text(node, "logo").strip()
    if not raw:
        raise InputError(node.loc, f"the masthead logo is empty; name {LOGO_FORMATS}")
    target = (base / raw).resolve()
    if not inside(target, root, allowed):
        raise InputError(node.loc, f"logo {raw!r} is outside the project folder {display_folder(root)}; {OUTSIDE_HINT}")
    if not target.exists():
        raise InputError(node.loc, f"logo {raw!r} not found (looked for {display_path(target)})")
    try:
        with open_regular(target) as fh:
            head = fh.read(512)
            size = os.fstat(fh.fileno()).st_size
    except IsADirectoryError:
        raise InputError(node.loc, f"logo {raw!r} is a folder, not a logotype file") from None
    except NotRegularFile as exc:
        raise InputError(node.loc, f"logo {raw!r}: {exc.strerror}") from None
    except OSError as exc:
        raise InputError(node.loc, f"logo {raw!r} cannot be read ({exc.strerror})") from None
    kind = next((k for magic, k in MAGIC if head.startswith(magic)), None)
    if kind is None and (b"<svg" in head.lower() or head.lstrip().startswith(b"<?xml")):
        raise InputError(node.loc, f"logo {raw!r} is SVG, which is not read (a converter would be one more "
                         "dependency and SVG's colour is RGB): export the logotype as PDF with CMYK paths")
    if kind is None:
        raise InputError(node.loc, f"logo {raw!r} is not a picture we read; give {LOGO_FORMATS}")
    if size > MAX_LOGO_BYTES:
        raise InputError(node.loc, f"logo {raw!r} is {size / 2**20:.0f} MB; a logotype is far smaller (at most "
                         f"{MAX_LOGO_BYTES // 2**20} MB): simplify or export it again")
    if kind != "pdf":
        _check_picture(node, raw, target)
        return target, None
    try:
        return target, read_pdf_logo(target)
    except LogoError as exc:
        raise InputError(node.loc, f"logo {raw!r}: {exc}") from None


def _check_picture(node: Node, raw: str, target: Path) -> None:
    """A PNG or JPEG logotype must open as one (render/images.py reads it the same way)."""
    from pagesetter.render.images import _open

    try:
        _open(target)
    except InputError as exc:
        raise InputError(node.loc, f"logo {raw!r}: {exc.message}") from None


def _check_clear(block: Rect, articles: tuple[ArticleSpec, ...], node: Node) -> None:
    """No article's block or frame may stand in the masthead (its ears are its own)."""
    for a in articles:
        for area in a.areas:
            if area.overlaps(block):
                what = "block" if area is a.block else "frame"
                raise InputError(area.loc, f"{what} of {a.article!r} overlaps the masthead (lines "
                                 f"{block.top + 1}–{block.bottom}, columns {block.col + 1}–{block.right}, "
                                 f"{node.loc}); start it on line {block.bottom + 1} or beside it")
