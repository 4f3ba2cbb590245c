"""Load a page spec (and its shared style sheets) into the frozen model."""

from __future__ import annotations

import re
from pathlib import Path

from pagesetter.errors import InputError, Loc, display_folder, display_path
from pagesetter.paths import OUTSIDE_HINT, inside
from pagesetter.records import record
from pagesetter.spec import validate as v
from pagesetter.spec.model import (
    AD_LABEL_CORNERS, ARRANGES, BLACK, CMYK, DEFAULT_PHOTO_PPI, FLOW_ORDERS, MAX_BASE_DEPTH, MISSING_GLYPHS, RANGES, NO_FIT, PDFX_VERSIONS, PHOTO_PPI_RANGE, ArticleSpec, AutoSpec, Box, FitSpec, Marks, Folio, Grid, HeadlineSpec, PageSpec, PhotoSpec, Rect, Rules, Style,
)
from pagesetter.units import LENGTH, LENGTH_OR_ZI, SIZE
from pagesetter.yamlsource import Node, load_yaml
from pagesetter.wording import counted

TOP_KEYS = ("page", "stylesheets", "styles", "content", "fonts", "grid", "rules", "folio", "masthead", "articles",
            "auto", "marks", "allow_overset", "pdfx", "allow_outside", "photo_ppi", "missing_glyphs", "white")
STYLE_KEYS = ("base", "font", "size", "leading", "tracking", "color", "align", "indent", "punctuation",
              "latin_space", "word_space", "inset", "min_size", "hyphenate_capitals")
RECT_KEYS = ("col", "cols", "line", "lines")
PHOTO_CELL_KEYS = ("col", "cols", "line", "lines", "caption", "credit", "fit", "standoff", "focus", "file", "arrange",
                   "frame")
# The keys of each mapping a page spec or style sheet holds, (allowed, required): the loader checks
# them (check below) and the JSON Schema is built from them (spec/schema.py), so they cannot drift.
SPEC_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "spec": (TOP_KEYS, ("page", "grid")),
    "page": (("name", "trim", "bleed", "margins"), ("trim",)),
    "trim": (("width", "height"), ("width", "height")),
    "margins": (("top", "left"), ()),
    "grid": (("columns", "column_width", "gutter", "body_size", "pitch", "lines"),
             ("columns", "column_width", "gutter", "body_size", "pitch", "lines")),
    "marks": (("crop", "registration", "slug"), ()),
    "auto": (("line", "articles", "photo", "fit", "min_cols"), ("line", "articles")),
    "auto photo": (("cols", "lines"), ()),
    "style sheet": (("styles",), ("styles",)),
    "style": (STYLE_KEYS, ()),
    "rules": (("column", "article", "table", "table_head", "color"), ()),
    "folio": (("paper", "date", "page", "section", "editor", "extra", "lines", "style", "paper_style", "rule",
               "color"),
              ("paper", "date", "page")),
    "rect": (RECT_KEYS, RECT_KEYS),
    "article": (("article", "block", "frames", "headline", "photo", "photos", "body", "lead", "subhead",
                 "column_rules", "balance", "fit", "jump_to", "continued_from", "jump_style", "box", "rules", "order",
                 "table", "span_tables", "ad_label", "ad_label_style", "ad_label_corner"),
                ("article", "block")),
    "fit": (("photo_lines", "headline_lines"), ()),
    "headline": (("lines", "cols", "kicker", "title", "subtitle", "byline", "align", "vertical"), ()),
    "photo": (PHOTO_CELL_KEYS, RECT_KEYS),
    "box": (("rule", "tint", "double", "color"), ()),
}
# The keys of an edition file's 'edition:' mapping (edition.py).
EDITION_KEYS = ("name", "paper", "date", "pages", "elsewhere")
EDITION_REQUIRED = ("paper", "date", "pages")
MAX_COLUMNS = 40  # columns of a grid
ALIGNS = ("justify", "left", "center", "right")
# Article entries on one page, and frames of one entry: every area is checked against every other
# (no two modules may overlap), so thousands would take minutes; a broadsheet page holds a few
# dozen modules, an L-shaped one two or three frames.
MAX_ENTRIES = 200
MAX_FRAMES = 16
# Fitting lays a module out once for every combination of its fit bounds (flow/fit.py): ±2,000
# lines each would be 16 million trials. The seed pages try 15 to 30.
MAX_FIT_TRIALS = 1_000
MAX_LINES = 2000  # grid lines of a type area; fit: may change a depth by no more
PUNCT_STYLES = ("quanjiao", "kaiming", "banjiao")


def project_root(spec_path: Path) -> Path:
    """The project folder: the nearest one above the spec with a pagesetter.toml (a project made
    by ``pagesetter init``), a pyproject.toml or .git (a clone of this repository, test pages
    included), else the folder that holds ``layout/``. The nearest wins: a project made inside a
    clone (as the Quick start's ``init`` does) or inside another project is its own (trial 14:
    serve watched the clone's content/, and diff named night/content/lead.md)."""
    folder = spec_path.resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).is_file() for marker in ("pagesetter.toml", "pyproject.toml")) \
                or (candidate / ".git").exists():
            return candidate
    return folder.parent if folder.name == "layout" else folder


def _check(node: Node, kind: str, what: str) -> None:
    """The keys of one mapping, against SPEC_KEYS[kind]."""
    allowed, required = SPEC_KEYS[kind]
    v.check_keys(node, allowed, what, required=required)


def load_spec(path: Path, text: str | None = None) -> PageSpec:
    """``text``: the spec's text when it is not (yet) the file's, as the desk checks an edit
    before it writes it (serve_edit.py)."""
    root_node = v.expect_map(load_yaml(path, text), "a page spec")
    _check(root_node, "spec", "the page spec")
    if root_node.get("articles") is None and root_node.get("auto") is None:
        raise InputError(root_node.loc, "the page spec needs 'articles' (modules placed by hand) or 'auto' "
                         "(modules chosen by the engine), or both")
    root = project_root(path)
    base = path.resolve().parent
    allowed = _allowed_outside(root_node.get("allow_outside"), base)

    styles, sheets = _load_styles(root_node, base, root, allowed)
    page = v.expect_map(root_node.get("page"), "page")  # type: ignore[arg-type]
    _check(page, "page", "page")
    grid_node = v.expect_map(root_node.get("grid"), "grid")  # type: ignore[arg-type]
    grid = _grid(grid_node)
    trim = _trim(page)
    bleed = _pt(page.get("bleed"), "bleed", LENGTH, "bleed", zero_ok=True) if page.get("bleed") else 3 * 72 / 25.4
    margin_top, margin_left = _margins(page, trim, grid, grid_node)

    rules = _rules(root_node.get("rules"))
    entries = v.expect_list(root_node.get("articles"), "articles") if root_node.get("articles") is not None else []  # type: ignore[arg-type]
    if len(entries) > MAX_ENTRIES:
        raise InputError(entries[MAX_ENTRIES].loc, f"more than {MAX_ENTRIES} article entries on one page "
                         f"({len(entries)}); a page holds a few dozen modules")
    articles = tuple(_article(n, grid, styles, rules) for n in entries)
    if "quote" in styles:  # the style of every article's '> ' lines (flow/forms.py QUOTE_STYLE)
        _aligned_without_indent(styles["quote"], "the style of '> ' quotations")
    masthead, ears = None, ()
    if root_node.get("masthead") is not None:
        from pagesetter.spec.masthead import load_masthead  # only pages with a 报头

        masthead, ears = load_masthead(root_node.get("masthead"), grid, styles, base, root, allowed,  # type: ignore[arg-type]
                                       articles, rules)
        articles = ears + articles  # the ears are read first: they stand at the top of the page
    _check_overlaps(articles)
    _check_once(articles)
    _check_on_grid(articles, styles, grid)
    folio = _folio(root_node.get("folio"), grid, styles, (root_node.key_locs or {}).get("folio")) \
        if root_node.get("folio") else None
    if folio:
        for a in articles:
            if a.block.top < folio.lines:
                raise InputError(a.block.loc, f"block starts on line {a.block.top + 1}, inside the 报眉 "
                                 f"(lines 1–{folio.lines}); start it on line {folio.lines + 1} or later")
        if masthead is not None and masthead.block.top < folio.lines:
            raise InputError(masthead.block.loc, f"the masthead starts on line {masthead.block.top + 1}, inside the "
                             f"报眉 (lines 1–{folio.lines}); a front page has no 报眉, or start it lower")
    auto_node = root_node.get("auto")
    auto = _auto(auto_node, grid) if auto_node is not None else None
    if auto is not None and masthead is not None and auto.top < masthead.block.bottom:
        raise InputError(auto_node.get("line").loc, f"auto starts on line {auto.top + 1}, inside the masthead "  # type: ignore[union-attr]
                         f"(lines {masthead.block.top + 1}–{masthead.block.bottom}); start it on line "
                         f"{masthead.block.bottom + 1} or later")
    name_node = page.get("name")
    white = tuple(_rect(n, "white area", grid.columns, grid.lines)
                  for n in v.expect_list(root_node.get("white"), "white")) if root_node.get("white") is not None else ()  # type: ignore[arg-type]
    return PageSpec(
        name=v.file_name(name_node, "page name") if name_node else _stem_name(path),
        path=path,
        trim=trim,
        bleed=bleed,
        margin_top=margin_top,
        margin_left=margin_left,
        grid=grid,
        styles=styles,
        folio=folio,
        articles=articles,
        rules=rules,
        content_dir=_inside(root_node.get("content"), base, root, "content folder", default=root / "content",
                            allowed=allowed),
        fonts_manifest=_inside(root_node.get("fonts"), base, root, "font manifest",
                               default=root / "fonts" / "manifest.yaml", allowed=allowed),
        root=root,
        allow_overset=v.boolean(root_node.get("allow_overset"), "allow_overset")
        if root_node.get("allow_overset") is not None else False,
        auto=auto,
        marks=_marks(root_node.get("marks")) if root_node.get("marks") is not None else Marks(),
        pdfx=v.choice(root_node.get("pdfx"), "pdfx", PDFX_VERSIONS)  # type: ignore[arg-type]
        if root_node.get("pdfx") is not None else "x1a",
        photo_ppi=v.integer(root_node.get("photo_ppi"), "photo_ppi", *PHOTO_PPI_RANGE)  # type: ignore[arg-type]
        if root_node.get("photo_ppi") is not None else DEFAULT_PHOTO_PPI,
        allowed=allowed,
        sources=(path.resolve(), *sheets),
        missing_glyphs=v.choice(root_node.get("missing_glyphs"), "missing_glyphs", MISSING_GLYPHS)  # type: ignore[arg-type]
        if root_node.get("missing_glyphs") is not None else "error",
        masthead=masthead,
        white=white,
        articles_loc=(root_node.key_locs or {}).get("articles"),
    )


def _check_once(articles: tuple[ArticleSpec, ...]) -> None:
    """Each article has one entry: two naming it printed it twice, a page that built clean with
    its text doubled (a module of more than one block is one entry with ``frames:``)."""
    first: dict[str, Loc] = {}
    for a in articles:
        if a.article in first:
            raise InputError(a.loc, f"article {a.article!r} has a second entry (the first at line "
                             f"{first[a.article].line}); an article is placed once: give one entry "
                             "'frames:' for a module of more than one block")
        first[a.article] = a.loc


def _check_on_grid(articles: tuple[ArticleSpec, ...], styles: dict[str, Style], grid: Grid) -> None:
    """Body, lead, subhead, jump line and caption are set one line to a grid line: a style larger
    than the pitch would print each line into the next (a 20 pt body on a 13.5 pt grid)."""
    for a in articles:
        names = [a.body, a.lead, a.subhead, a.table]
        if a.jump_to is not None or a.continued_from is not None:
            names.append(a.jump_style)
        if a.photo is not None:
            names += [a.photo.caption, a.photo.credit]
        for name in names:
            style = styles.get(name)
            if style is not None and style.size > grid.pitch + 0.01:
                raise InputError(style.loc, f"style {name!r} is {style.size:g} pt, larger than the grid pitch "
                                 f"({grid.pitch:g} pt) its lines are set on in '{a.article}' ({a.loc}): its lines "
                                 "would print over each other; make it smaller or the pitch larger")


def _stem_name(path: Path) -> str:
    """A page named after its spec file: that name must make a plain output file name too."""
    return v.file_name(Node(path.stem, Loc.of_file(path)), "page name (the spec's file name)")


def _pt(node: Node, what: str, allowed: frozenset[str], key: str, em: float | None = None,
        positive: bool = True, zero_ok: bool = False) -> float:
    """A length in points, within the field's range (RANGES[key]); ``em`` for 字/em lengths."""
    value = v.quantity(node, what, allowed, positive=positive, zero_ok=zero_ok).to_pt(em=em)
    return v.in_range(node, what, value, RANGES[key])


def _em(node: Node, what: str, allowed: frozenset[str], key: str, em: float, positive: bool = True,
        zero_ok: bool = False) -> float:
    """A length in points whose range (RANGES[key]) is given in ems of ``em``."""
    value = v.quantity(node, what, allowed, positive=positive, zero_ok=zero_ok).to_pt(em=em)
    v.in_range(node, what, value / em, RANGES[key])
    return value


def _marks(node: Node) -> Marks:
    """marks: {crop: true, registration: true, slug: true}, or marks: false for none."""
    if isinstance(node.value, bool):
        return Marks(node.value, node.value, node.value)
    v.expect_map(node, "marks")
    _check(node, "marks", "marks")
    flags = {k: v.boolean(node.get(k), k) if node.get(k) is not None else True for k in ("crop", "registration", "slug")}
    return Marks(**flags)


def _auto(node: Node, grid: Grid) -> AutoSpec:
    """auto: {line: 12, articles: [...], photo: {cols: 2, lines: 13}, fit: {...}, min_cols: 2}"""
    v.expect_map(node, "auto")
    _check(node, "auto", "auto")
    names = tuple(v.text(n, "article") for n in v.expect_list(node.get("articles"), "articles"))  # type: ignore[arg-type]
    if not names:
        raise InputError(node.get("articles").loc, "auto needs at least one article")  # type: ignore[union-attr]
    photo = node.get("photo")
    cols, lines = 2, 13
    if photo is not None:
        v.expect_map(photo, "photo")
        _check(photo, "auto photo", "auto photo")
        cols = v.integer(photo.get("cols"), "cols", 1, grid.columns) if photo.get("cols") else cols
        lines = v.integer(photo.get("lines"), "lines", 3, grid.lines) if photo.get("lines") else lines
    return AutoSpec(
        top=v.integer(node.get("line"), "line", 1, grid.lines) - 1,  # type: ignore[arg-type]
        articles=names,
        photo_cols=cols,
        photo_lines=lines,
        fit=_fit(node.get("fit")) if node.get("fit") else FitSpec((-3, 6), (0, 2)),
        min_cols=v.integer(node.get("min_cols"), "min_cols", 1, grid.columns) if node.get("min_cols") else 2,
        loc=node.loc,
    )


def _allowed_outside(node: Node | None, base: Path) -> tuple[Path, ...]:
    """allow_outside: folders outside the project that inputs may come from (a newsroom's shared
    photo store, a type library), each written relative to the spec or absolute; it must exist."""
    if node is None:
        return ()
    folders = []
    for item in v.expect_list(node, "allow_outside"):
        raw = v.text(item, "allow_outside folder")
        folder = (base / raw).resolve()
        if not folder.is_dir():
            raise InputError(item.loc, f"allow_outside folder {raw!r} is not a folder (looked for {display_path(folder)})")
        folders.append(folder)
    return tuple(folders)


def _inside(node: Node | None, base: Path, root: Path, what: str, default: Path,
            allowed: tuple[Path, ...] = ()) -> Path:
    if node is None:
        return default
    raw = v.text(node, what)
    target = (base / raw).resolve()
    if not inside(target, root, allowed):
        raise InputError(node.loc, f"{what} {raw!r} is outside the project folder {display_folder(root)}; "
                         f"{OUTSIDE_HINT}")
    if not target.exists():
        raise InputError(node.loc, f"{what} {raw!r} not found (looked for {display_path(target)})")
    if target.is_dir() != what.endswith("folder"):
        # said here, at the spec's line: read later, a folder given for a file was named alone
        raise InputError(node.loc, f"{what} {raw!r} is {'a folder' if target.is_dir() else 'not a folder'}; "
                         f"expected a {'folder' if what.endswith('folder') else 'file'}")
    return target


def _trim(page: Node) -> tuple[float, float]:
    trim = v.expect_map(page.get("trim"), "trim")  # type: ignore[arg-type]
    _check(trim, "trim", "trim")
    return (_pt(trim.get("width"), "trim width", LENGTH, "trim"),
            _pt(trim.get("height"), "trim height", LENGTH, "trim"))


def _grid(node: Node) -> Grid:
    _check(node, "grid", "grid")
    body = _pt(node.get("body_size"), "body_size", SIZE, "body_size")
    return Grid(
        columns=v.integer(node.get("columns"), "columns", 1, MAX_COLUMNS),
        column_width=v.quantity(node.get("column_width"), "column_width", LENGTH_OR_ZI).to_pt(em=body),
        gutter=v.quantity(node.get("gutter"), "gutter", LENGTH_OR_ZI, zero_ok=True).to_pt(em=body),
        lines=v.integer(node.get("lines"), "lines", 1, MAX_LINES),
        pitch=_pt(node.get("pitch"), "pitch", LENGTH_OR_ZI, "pitch", em=body),
        body_size=body,
    )


def _margins(page: Node, trim: tuple[float, float], grid: Grid, grid_node: Node) -> tuple[float, float]:
    node = page.get("margins")
    top_q = left = None
    if node is not None:
        v.expect_map(node, "margins")
        _check(node, "margins", "margins")
        if node.get("top") is not None and node.get("top").value != "auto":
            top_q = v.quantity(node.get("top"), "top margin", LENGTH, zero_ok=True).to_pt()
        if node.get("left") is not None and node.get("left").value != "auto":
            left = v.quantity(node.get("left"), "left margin", LENGTH, zero_ok=True).to_pt()
    # "auto" centres the type area (版心) on the trim.
    left_given = left is not None
    top = top_q if top_q is not None else (trim[1] - grid.height) / 2
    left = left if left is not None else (trim[0] - grid.width) / 2
    if left < 0 or left + grid.width > trim[0] + 0.01:
        where = node.key_loc("left") if left_given else grid_node.value["column_width"].loc
        raise InputError(where, f"the type area ({grid.width / 72 * 25.4:.1f} mm wide) does not fit "
                         f"the trim ({trim[0] / 72 * 25.4:.1f} mm) with this left margin")
    if top < 0 or top + grid.height > trim[1] + 0.01:
        where = node.key_loc("top") if top_q is not None else grid_node.value["lines"].loc
        raise InputError(where, f"the type area ({grid.height / 72 * 25.4:.1f} mm deep: {counted(grid.lines, 'line')} "
                         f"of {grid.pitch:g} pt) does not fit the trim ({trim[1] / 72 * 25.4:.1f} mm)")
    return top, left


def _load_styles(root_node: Node, base: Path, root: Path,
                 allowed: tuple[Path, ...]) -> tuple[dict[str, Style], tuple[Path, ...]]:
    """The styles, and the style sheet files they were read from."""
    raw: dict[str, Node] = {}
    sheets = root_node.get("stylesheets")
    paths: list[Path] = []
    for sheet_node in (v.expect_list(sheets, "stylesheets") if sheets else []):
        sheet_path = _inside(sheet_node, base, root, "style sheet", default=base, allowed=allowed)
        paths.append(sheet_path)
        sheet = v.expect_map(load_yaml(sheet_path), "a style sheet")
        _check(sheet, "style sheet", "a style sheet")
        raw.update(v.expect_map(sheet.get("styles"), "styles").value)  # type: ignore[arg-type]
    if root_node.get("styles") is not None:
        raw.update(v.expect_map(root_node.get("styles"), "styles").value)  # type: ignore[arg-type]
    made: dict[str, tuple[Style, int]] = {}
    for name in raw:
        _style(name, raw, (), made)
    return {name: made[name][0] for name in raw}, tuple(paths)


def _style(name: str, raw: dict[str, Node], chain: tuple[str, ...],
           made: dict[str, tuple[Style, int]]) -> tuple[Style, int]:
    """The style ``name`` and how many bases it stands on; its bases made first, each once
    (``made``), so a long chain costs its length, not its square. ``chain``: the styles waiting on
    this one, to name a cycle."""
    if name in made:
        return made[name]
    node = v.expect_map(raw[name], f"style {name!r}")
    _check(node, "style", f"style {name!r}")
    parent: Style | None = None
    if node.get("base") is not None:
        base_name = v.text(node.get("base"), "base")
        if base_name not in raw:
            raise InputError(node.get("base").loc, f"style {name!r} is based on unknown style {base_name!r}")
        if base_name in chain or base_name == name:
            cycle = chain[chain.index(base_name):] if base_name in chain else ()
            path = " → ".join((*cycle, name, base_name))
            raise InputError(node.get("base").loc, f"style {name!r} is based on itself: {path}")
        if len(chain) >= MAX_BASE_DEPTH:  # bounded here too: the recursion must not reach Python's limit
            raise InputError(node.get("base").loc, f"style {name!r} is based on a chain of more than "
                             f"{MAX_BASE_DEPTH} styles ({chain[0]!r} → … → {name!r}); base it on fewer")
        parent, depth = _style(base_name, raw, chain + (name,), made)
        depth += 1
        if depth > MAX_BASE_DEPTH:
            raise InputError(node.get("base").loc, f"style {name!r} is based on a chain of more than "
                             f"{MAX_BASE_DEPTH} styles; base it on fewer")
    else:
        depth = 0
    if parent is None and node.get("font") is None:
        raise InputError(node.loc, f"style {name!r} needs a font (a face name from fonts/manifest.yaml)")
    if parent is None and node.get("size") is None:
        raise InputError(node.loc, f"style {name!r} needs a size (e.g. 小五 or 9pt)")

    def get(key: str) -> Node | None:
        return node.get(key)

    size = _pt(get("size"), "size", SIZE, "size") if get("size") else parent.size  # type: ignore[union-attr]
    em = size
    style = Style(
        name=name,
        font=v.text(get("font"), "font") if get("font") else parent.font,  # type: ignore[union-attr]
        size=size,
        leading=_pt(get("leading"), "leading", LENGTH_OR_ZI, "leading", em=em) if get("leading")
        else (parent.leading * size / parent.size if parent else 1.5 * size),
        tracking=_em(get("tracking"), "tracking", LENGTH_OR_ZI, "tracking", em, positive=False)
        if get("tracking") else (parent.tracking if parent else 0.0),
        color=_color(get("color")) if get("color") else (parent.color if parent else BLACK),
        align=v.choice(get("align"), "align", ALIGNS) if get("align") else (parent.align if parent else "justify"),  # type: ignore[arg-type]
        indent=_em(get("indent"), "indent", LENGTH_OR_ZI, "indent", em, zero_ok=True) if get("indent")
        else (parent.indent if parent else 0.0),
        punctuation=v.choice(get("punctuation"), "punctuation", PUNCT_STYLES) if get("punctuation")  # type: ignore[arg-type]
        else (parent.punctuation if parent else "kaiming"),
        latin_space=v.number(get("latin_space"), "latin_space", allowed=RANGES["latin_space"])
        if get("latin_space") is not None
        else (parent.latin_space if parent else 0.25),
        word_space=v.number(get("word_space"), "word_space", allowed=RANGES["word_space"])
        if get("word_space") is not None
        else (parent.word_space if parent else 1.0),
        loc=node.loc,
        inset=_em(get("inset"), "inset", LENGTH_OR_ZI, "inset", em, zero_ok=True) if get("inset")
        else (parent.inset if parent else 0.0),
        min_size=_min_size(get("min_size"), size) if get("min_size")
        else (min(parent.min_size, size) if parent else 0.0),
        hyphenate_capitals=v.boolean(get("hyphenate_capitals"), "hyphenate_capitals")
        if get("hyphenate_capitals") is not None else (parent.hyphenate_capitals if parent else False),
    )
    made[name] = (style, depth)
    return made[name]


def _color(node: Node) -> CMYK:
    items = v.expect_list(node, "color (CMYK percentages, e.g. [0, 0, 0, 100])")
    if len(items) != 4:
        raise InputError(node.loc, f"color must list 4 ink percentages [C, M, Y, K], got {len(items)}")
    return CMYK(*(v.number(n, "ink percentage", allowed=RANGES["ink"]) for n in items))


def _within_tac(colour: CMYK, node: Node, what: str) -> None:
    """A tint is the spec's own number: one whose inks total more than the plant's limit (PRINT.md:
    no page over 240 %, render.photo.TAC_LIMIT, the number preflight holds the page to) is
    refused at its line, before anything is set, rather than failing the page's preflight with
    no place named (trial 17a: a box's 400 % tint)."""
    from pagesetter.render.photo import TAC_LIMIT

    total = colour.c + colour.m + colour.y + colour.k
    if total > TAC_LIMIT + 1e-9:
        raise InputError(node.loc, f"{what} totals {total:g} %, over the {TAC_LIMIT:g} % limit of total ink "
                         "on newsprint: lighten it")


def _rule_color(node: Node, what: str) -> CMYK:
    """A rule's ``color:``, read as a style's (_color), and refused at its line where it cannot
    print as asked: white (0/0/0/0) on the paper is no rule at all, and inks over the plant's
    total (_within_tac) fail preflight."""
    colour = _color(node)
    if max(colour.c, colour.m, colour.y, colour.k) <= 0:
        raise InputError(node.loc, f"{what} is white [0, 0, 0, 0]: a rule in no ink is invisible on the paper; "
                         "leave color out for 100 % K")
    _within_tac(colour, node, what)
    return colour


def _rules(node: Node | None, default: Rules = Rules(column=0.25, article=0.5)) -> Rules:
    """rules: {column, article, table, table_head, color}; a key not given keeps ``default`` (the
    page's, for a module's own)."""
    if node is None:
        return default
    v.expect_map(node, "rules")
    _check(node, "rules", "rules")
    col = node.get("column")
    art = node.get("article")
    table, head = node.get("table"), node.get("table_head")
    return Rules(
        column=_pt(col, "column rule", LENGTH, "rule", zero_ok=True) if col else default.column,
        article=_pt(art, "article rule", LENGTH, "rule", zero_ok=True) if art else default.article,
        table=_pt(table, "table rule", LENGTH, "rule", zero_ok=True) if table else default.table,
        table_head=_pt(head, "table head rule", LENGTH, "rule", zero_ok=True) if head else default.table_head,
        color=_rule_color(node.get("color"), "rules color") if node.get("color") else default.color,
        color_loc=node.get("color").loc if node.get("color") else default.color_loc,  # type: ignore[union-attr]
    )


def _min_size(node: Node, size: float) -> float:
    """A style's ``min_size``: the smallest size a table set in it may take to fit its column
    (flow/tables.py); no larger than the style's own size."""
    least = _pt(node, "min_size", SIZE, "size")
    if least > size + 1e-9:
        raise InputError(node.loc, f"min_size {least:g} pt is larger than the style's size ({size:g} pt); "
                         "it is the smallest size a table may shrink to")
    return least


def _folio(node: Node, grid: Grid, styles: dict[str, Style], key_loc: Loc | None = None) -> Folio:
    """``key_loc``: where ``folio:`` is written, which an error about the whole 报眉 names."""
    v.expect_map(node, "folio")
    _check(node, "folio", "folio")
    date = v.text(node.get("date"), "date")
    _check_date(node.get("date"), date)
    style = v.text(node.get("style"), "style") if node.get("style") else "folio"
    paper_style = v.text(node.get("paper_style"), "paper_style") if node.get("paper_style") else "folio-paper"
    for s, n in ((style, node.get("style")), (paper_style, node.get("paper_style"))):
        _need_style(s, styles, n.loc if n else node.loc)
    extra = node.get("extra")
    return Folio(
        paper=v.text(node.get("paper"), "paper"),
        date=date,
        page=v.text(node.get("page"), "page"),
        section=v.text(node.get("section"), "section") if node.get("section") else "",
        editor=v.text(node.get("editor"), "editor") if node.get("editor") else "",
        extra=tuple(v.text(n, "extra") for n in v.expect_list(extra, "extra")) if extra else (),
        lines=v.integer(node.get("lines"), "folio lines", 1, grid.lines) if node.get("lines") else 3,
        style=style,
        paper_style=paper_style,
        rule=_pt(node.get("rule"), "rule", LENGTH, "rule") if node.get("rule") else 1.0,
        rule_color=_rule_color(node.get("color"), "folio rule color") if node.get("color") else BLACK,
        rule_color_loc=node.get("color").loc if node.get("color") else None,  # type: ignore[union-attr]
        loc=key_loc or node.loc,
        locs=tuple((key, node.get(key).loc) for key in ("paper", "date", "page", "section", "editor", "extra")  # type: ignore[union-attr]
                   if node.get(key) is not None),
    )


def _check_date(node: Node, date: str) -> None:
    import datetime

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):  # fromisoformat also takes 20220630, 2022-W26-4
            raise ValueError(date)
        datetime.date.fromisoformat(date)
    except ValueError:
        raise InputError(node.loc, f"date must be written YYYY-MM-DD (e.g. 2022-06-30), got {date!r}") from None


def _aligned_without_indent(style: Style, use: str) -> None:
    """A body style set centred or flush right (a poem) cannot honour a first-line indent: such a
    line stands in the middle of the measure or against its right edge, wherever it would start."""
    if style.align in ("center", "right") and style.indent > 0:
        raise InputError(style.loc, f"style {style.name!r}, {use}, is set align: "
                         f"{style.align} with a first-line indent of {style.indent / style.size:g}字 (from the "
                         f"style or its base), which a line set so cannot have; give it indent: 0字")


def _need_style(name: str, styles: dict[str, Style], loc: Loc) -> None:
    if name not in styles:
        import difflib

        near = difflib.get_close_matches(name, list(styles), n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise InputError(loc, f"unknown style {name!r}{hint}")


def _rect(node: Node, what: str, cols_max: int, lines_max: int) -> Rect:
    v.expect_map(node, what)
    _check(node, "rect", what)
    col = v.integer(node.get("col"), f"{what} col", 1, cols_max) - 1
    cols = v.integer(node.get("cols"), f"{what} cols", 1, cols_max)
    top = v.integer(node.get("line"), f"{what} line", 1, lines_max) - 1
    lines = v.integer(node.get("lines"), f"{what} lines", 1, lines_max)
    if col + cols > cols_max:
        raise InputError(node.get("cols").loc, f"{what} runs past the last column: columns {col + 1}–{col + cols} "
                         f"of {cols_max}")
    if top + lines > lines_max:
        raise InputError(node.get("lines").loc, f"{what} runs past the last line: lines {top + 1}–{top + lines} "
                         f"of {lines_max}")
    return Rect(col, cols, top, lines, node.loc)


@record(frozen=True)
class _Defaults:
    kicker: str = "kicker"
    title: str = "title"
    subtitle: str = "subtitle"
    byline: str = "byline"


JUMP_KEYS = ("jump_to", "continued_from")  # an entry's ends of a jump: 转第N版, 上接第N版 (README, jumps)


@record(frozen=True)
class EntryJump:
    """One jump key of an article entry as written: read here for the entry (_article, checked
    there: a 版次 1–999) and by an edition before any page loads (edition.py _jump_ends, which
    passes over a value that is not a whole number: the page's loading says what is wrong)."""

    key: str  # jump_to or continued_from
    node: Node  # its value
    number: int | None  # the value when it is a whole number, else None
    loc: Loc  # where the key is written


def entry_jumps(entry: Node) -> tuple[EntryJump, ...]:
    """The jump keys an article entry (a mapping) writes, in JUMP_KEYS order."""
    out = []
    for key in JUMP_KEYS:
        n = entry.get(key)
        if n is not None:
            whole = isinstance(n.value, int) and not isinstance(n.value, bool)
            out.append(EntryJump(key, n, n.value if whole else None, entry.key_loc(key)))
    return tuple(out)


def _article(node: Node, grid: Grid, styles: dict[str, Style], page_rules: Rules) -> ArticleSpec:
    v.expect_map(node, "an article entry")
    _check(node, "article", "an article entry")
    block = _rect(node.get("block"), "block", grid.columns, grid.lines)
    frame_nodes = v.expect_list(node.get("frames"), "frames") if node.get("frames") else []
    if len(frame_nodes) > MAX_FRAMES:
        raise InputError(frame_nodes[MAX_FRAMES].loc, f"more than {MAX_FRAMES} frames for one article")
    frames = tuple(_rect(n, "frame", grid.columns, grid.lines) for n in frame_nodes)
    headline = _headline(node.get("headline"), block, styles)
    photos = _photos(node, block, styles, frames)
    body = v.text(node.get("body"), "body") if node.get("body") else "body"
    lead = v.text(node.get("lead"), "lead") if node.get("lead") else "lead"
    subhead = v.text(node.get("subhead"), "subhead") if node.get("subhead") else "subhead"
    table = v.text(node.get("table"), "table") if node.get("table") else "table"
    if node.get("table"):  # the default is used when the sheets have it, else the body style (flow/tables.py)
        _need_style(table, styles, node.get("table").loc)
    for s, key in ((body, "body"), (lead, "lead")):
        _need_style(s, styles, node.get(key).loc if node.get(key) else node.loc)
    _aligned_without_indent(styles[body], f"the body of article {v.text(node.get('article'), 'article')!r}")
    if node.get("subhead"):  # the default is needed only by an article with a ## subhead (glyphs.py)
        _need_style(subhead, styles, node.get("subhead").loc)
    return ArticleSpec(
        article=v.text(node.get("article"), "article"),
        block=block,
        headline=headline,
        photos=photos,
        body=body,
        lead=lead,
        subhead=subhead,
        table=table,
        span_tables=v.boolean(node.get("span_tables"), "span_tables") if node.get("span_tables") is not None else False,
        column_rules=v.boolean(node.get("column_rules"), "column_rules") if node.get("column_rules") is not None else True,
        balance=v.boolean(node.get("balance"), "balance") if node.get("balance") is not None else True,
        loc=node.loc,
        frames=frames,
        fit=_fit(node.get("fit")) if node.get("fit") else NO_FIT,
        # checked here, after fit, as ever: which of two faults an entry has is said first
        jump_to=(jumps := {j.key: v.integer(j.node, j.key, 1, 999) for j in entry_jumps(node)}).get("jump_to"),
        continued_from=jumps.get("continued_from"),
        jump_style=_jump_style(node, styles, bool(jumps)),
        box=_box(node.get("box"), v.text(node.get("article"), "article")) if node.get("box") else None,
        rules=_rules(node.get("rules"), page_rules) if node.get("rules") is not None else None,
        order=v.choice(node.get("order"), "order", FLOW_ORDERS)  # type: ignore[arg-type]
        if node.get("order") is not None else "columns",
        given=tuple((key, node.key_loc(key)) for key in node.value),
        ad_label=v.boolean(node.get("ad_label"), "ad_label") if node.get("ad_label") is not None else True,
        ad_label_style=_ad_label_style(node, styles),
        ad_label_corner=v.choice(node.get("ad_label_corner"), "ad_label_corner", AD_LABEL_CORNERS)  # type: ignore[arg-type]
        if node.get("ad_label_corner") is not None else "top-right",
    )


def _photos(node: Node, block: Rect, styles: dict[str, Style], frames: tuple[Rect, ...] = ()) -> tuple[PhotoSpec, ...]:
    """photo: one cell, or photos: a list of cells (matched to the article's photos in order, or by file)."""
    one, many = node.get("photo"), node.get("photos")
    if one is not None and many is not None:
        raise InputError(node.key_loc("photos"), "give either 'photo:' (one cell) or 'photos:' (a list of cells), "
                         "not both")
    if one is not None:
        return (_photo(one, block, styles, frames),)
    if many is None:
        return ()
    cells = tuple(_photo(n, block, styles, frames) for n in v.expect_list(many, "photos"))
    named = [c.file for c in cells if c.file is not None]
    for c in cells:
        if c.file is not None and named.count(c.file) > 1:
            raise InputError(c.cell.loc, f"two photo cells take the photo {c.file!r}; give each photo one cell")
    for i, a in enumerate(cells):
        for b in cells[:i]:
            if a.cell.overlaps(b.cell):
                raise InputError(a.cell.loc, f"this photo cell overlaps the photo cell of line {b.cell.loc.line}")
    return cells


def _ad_label_style(node: Node, styles: dict[str, Style]) -> str:
    """The 广告 label's style: one the entry names must be in the style sheets; the default,
    ad-label, may be missing (flow/ads.py then sets the label in the folio style at its size)."""
    n = node.get("ad_label_style")
    if not n:
        return "ad-label"
    name = v.text(n, "ad_label_style")
    _need_style(name, styles, n.loc)
    return name


def _jump_style(node: Node, styles: dict[str, Style], jumps: bool) -> str:
    n = node.get("jump_style")
    name = v.text(n, "jump_style") if n else "jump"
    if jumps:  # the entry writes a jump_to or continued_from
        _need_style(name, styles, n.loc if n else node.loc)
    return name


def _fit(node: Node) -> FitSpec:
    """fit: {photo_lines: [-2, 2], headline_lines: [0, 1]}: how far the engine may change each."""
    v.expect_map(node, "fit")
    _check(node, "fit", "fit")

    def bounds(key: str) -> tuple[int, int]:
        n = node.get(key)
        if n is None:
            return (0, 0)
        items = v.expect_list(n, key)
        if len(items) != 2:
            raise InputError(n.loc, f"{key} takes [least, most] change in lines, e.g. [-2, 2]")
        lo, hi = (v.integer(i, key, -MAX_LINES, MAX_LINES) for i in items)
        if lo > hi:
            raise InputError(n.loc, f"{key}: the least change {lo} is more than the most {hi}")
        return (lo, hi)

    photo, headline = bounds("photo_lines"), bounds("headline_lines")
    trials = (photo[1] - photo[0] + 1) * (headline[1] - headline[0] + 1)
    if trials > MAX_FIT_TRIALS:
        raise InputError(node.loc, f"fit: {trials:,} combinations of photo and headline depth to try, more than "
                         f"{MAX_FIT_TRIALS:,}; a module is fitted by a few lines either way (e.g. photo_lines: [-3, 3])")
    return FitSpec(photo, headline)


def _headline(node: Node | None, block: Rect, styles: dict[str, Style]) -> HeadlineSpec:
    d = _Defaults()
    if node is None:
        node = Node({}, block.loc, {})
    v.expect_map(node, "headline")
    _check(node, "headline", "headline")
    names = {}
    for key in ("kicker", "title", "subtitle", "byline"):
        n = node.get(key)
        names[key] = v.text(n, key) if n else getattr(d, key)
        _need_style(names[key], styles, n.loc if n else node.loc)
    lines = v.integer(node.get("lines"), "headline lines", 1, block.lines) if node.get("lines") else None
    cols = v.integer(node.get("cols"), "headline cols", 1, block.cols) if node.get("cols") else None
    vertical = v.boolean(node.get("vertical"), "vertical") if node.get("vertical") is not None else False
    if vertical and cols is None:
        cols = 1  # a vertical headline stands in one column unless told otherwise
    return HeadlineSpec(lines=lines, cols=cols, align=v.choice(node.get("align"), "align", ALIGNS)  # type: ignore[arg-type]
                        if node.get("align") else "center", vertical=vertical, **names)


_AFTER = re.compile(r"^\s*after\s*(?:\+\s*(\d+))?\s*$")


def _photo(node: Node, block: Rect, styles: dict[str, Style], frames: tuple[Rect, ...] = ()) -> PhotoSpec:
    v.expect_map(node, "photo")
    _check(node, "photo", "photo")
    if node.get("frame") is not None:
        # A cell in a frame of an irregular module (an L's leg): its col and line count from that
        # frame's first column and line, as a block cell's count from the block's.
        if not frames:
            raise InputError(node.key_loc("frame"), "'frame:' places the cell in one of the entry's 'frames:', "
                             "and this entry has none; count the cell in the block (drop 'frame:')")
        n = v.integer(node.get("frame"), "frame", 1, len(frames))
        block = frames[n - 1]
        line_node = node.get("line")
        if line_node is not None and isinstance(line_node.value, str):
            raise InputError(line_node.loc, "a cell in a frame takes a line number of that frame (from 1): "
                             "'line: after' counts from the headline, which stands in the block")
    cell_keys = {k: node.get(k) for k in ("col", "cols", "line", "lines")}
    line_node = node.get("line")
    assert line_node is not None  # check_keys made sure
    after = _AFTER.match(line_node.value) if isinstance(line_node.value, str) else None
    if isinstance(line_node.value, str) and after is None:
        raise InputError(line_node.loc, f"photo line must be a line number of the block (from 1), 'after' "
                         f"(the first line under the headline) or 'after+N', got {line_node.value!r}")
    if after is not None:
        # Counted from the first line under the headline: checked against the block as if the
        # headline took no line (the flow checks the real depth).
        cell_keys["line"] = Node(int(after.group(1) or 0) + 1, line_node.loc, {})
        if cell_keys["line"].value > block.lines:  # said in the words written, not as the number counted
            raise InputError(line_node.loc, f"photo line {line_node.value!r} stands below the block's "
                             f"{block.lines} lines (it counts from the first line under the headline)")
    rel = _rect(Node(cell_keys, node.loc, {k: node.key_loc(k) for k in cell_keys}), "photo", block.cols, block.lines)
    caption = v.text(node.get("caption"), "caption") if node.get("caption") else "caption"
    credit = v.text(node.get("credit"), "credit") if node.get("credit") else "credit"
    for s, key in ((caption, "caption"), (credit, "credit")):
        _need_style(s, styles, node.get(key).loc if node.get(key) else node.loc)
    return PhotoSpec(
        cell=Rect(block.col + rel.col, rel.cols, block.top + rel.top, rel.lines, node.loc),
        caption=caption,
        credit=credit,
        fit=v.choice(node.get("fit"), "fit", ("fill", "fit")) if node.get("fit") else "fill",  # type: ignore[arg-type]
        standoff=v.integer(node.get("standoff"), "standoff", 0, 10) if node.get("standoff") is not None else 1,
        focus=_focus(node.get("focus")) if node.get("focus") is not None else (0.5, 0.5),
        file=v.text(node.get("file"), "file").strip() if node.get("file") is not None else None,
        after_headline=after is not None,
        arrange=v.choice(node.get("arrange"), "arrange", ARRANGES)  # type: ignore[arg-type]
        if node.get("arrange") is not None else "row",
    )


def _focus(node: Node) -> tuple[float, float]:
    items = v.expect_list(node, "focus ([x, y], 0–1 from the picture's top-left)")
    if len(items) != 2:
        raise InputError(node.loc, "focus takes [x, y], each 0–1 from the picture's top-left, e.g. [0.5, 0.3]")
    x, y = (v.number(i, "focus") for i in items)
    for i, value in zip(items, (x, y)):
        if not 0 <= value <= 1:
            raise InputError(i.loc, f"focus must be between 0 and 1, got {value:g}")
    return (x, y)


def _box(node: Node, article: str) -> Box:
    """box: {rule: 0.5pt, tint: [0, 0, 0, 10], double: true, color: [100, 60, 0, 0]}"""
    v.expect_map(node, "box")
    _check(node, "box", "box")
    rule = _pt(node.get("rule"), "box rule", LENGTH, "rule", zero_ok=True) if node.get("rule") else 0.5
    tint = _color(node.get("tint")) if node.get("tint") else None
    if tint is not None:
        _within_tac(tint, node.get("tint"), f"box tint of entry {article!r}")
    double = v.boolean(node.get("double"), "double") if node.get("double") is not None else False
    given = node.get("color")
    color = _rule_color(given, f"box color of entry {article!r}") if given else BLACK
    return Box(rule, tint, double, color, given.loc if given else None)


def _check_overlaps(articles: tuple[ArticleSpec, ...]) -> None:
    areas = [(a, r) for a in articles for r in a.areas]
    for i, (a, ra) in enumerate(areas):
        for b, rb in areas[:i]:
            if ra.overlaps(rb):
                what = "block" if ra is a.block else "frame"
                raise InputError(ra.loc, f"{what} of {a.article!r} overlaps the "
                                 f"{'block' if rb is b.block else 'frame'} of {b.article!r} (line {rb.loc.line})")
