"""The JSON Schema of page specs and style sheets, for editors' autocompletion and checks.

The loader (spec/loader.py) is the authority and gives the located errors; this schema describes
the same keys, types and units so that an editor (e.g. VS Code with the YAML extension, through a
``# yaml-language-server: $schema=…`` line) can complete and underline as one types.
``pagesetter schema`` prints it; layout/pagesetter.schema.json is the published copy.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from typing import Any

from pagesetter.content.reader import FRONT_KEYS, PHOTO_KEYS, PHOTO_REQUIRED
from pagesetter.spec import masthead as mh
from pagesetter.spec.loader import EDITION_KEYS, EDITION_REQUIRED, MAX_COLUMNS, MAX_LINES, SPEC_KEYS
from pagesetter.spec.model import (
    AD_LABEL_CORNERS, ARRANGES, DEFAULT_PHOTO_PPI, FLOW_ORDERS, MISSING_GLYPHS, PHOTO_PPI_RANGE, RANGES, Marks, PageSpec,
)

# The defaults a spec gets for a key it leaves out: the model's own (spec/model.py).
SPEC_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(PageSpec) if f.default is not MISSING}
MARK_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Marks)}

LENGTH = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*(mm|cm|pt|in|q|Q)\s*$"
# Lengths whose range (spec/model.py RANGES) starts at 0: no sign but +.
LENGTH_NONNEG = r"^\s*\+?(\d+(\.\d*)?|\.\d+)\s*(mm|cm|pt|in|q|Q)\s*$"
LENGTH_OR_ZI = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*(mm|cm|pt|in|q|Q|字|em|zi)\s*$"
HAO = "初号|小初|一号|小一|二号|小二|三号|小三|四号|小四|五号|小五|六号|小六|七号|八号"
SIZE = rf"^\s*((\d+(\.\d*)?|\.\d+)\s*(mm|cm|pt|in|q|Q)|{HAO})\s*$"


def _s(pattern: str, what: str) -> dict[str, Any]:
    return {"type": "string", "pattern": pattern, "description": what}


def _obj(props: dict[str, Any], required: tuple[str, ...] = (), what: str = "",
         keys: tuple[tuple[str, ...], tuple[str, ...]] | None = None) -> dict[str, Any]:
    """An object of exactly the loader's keys (``keys``: allowed and required, as the loader checks
    them): a key the loader takes and the schema does not describe, or the other way, is an error
    here, at import, so ``pagesetter schema`` and the tests fail rather than publish a drifted schema."""
    if keys is not None:
        allowed, required = keys
        if set(props) != set(allowed):
            raise RuntimeError(f"schema and loader disagree on keys: schema only {sorted(set(props) - set(allowed))}, "
                               f"loader only {sorted(set(allowed) - set(props))}")
        props = {k: props[k] for k in allowed}  # the loader's order
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    if what:
        out["description"] = what
    return out


def _spec(kind: str, props: dict[str, Any], what: str = "") -> dict[str, Any]:
    """A mapping of a page spec or style sheet, with the keys the loader checks (loader.SPEC_KEYS)."""
    return _obj(props, SPEC_KEYS[kind][1], what, SPEC_KEYS[kind])


INT = {"type": "integer", "minimum": 1}
BOOL = {"type": "boolean", "description": "true or false (yes/no are text in YAML 1.2, and to the loader)"}
TEXT = {"type": ["string", "number"]}  # the loader takes a number as its text (validate.text)
# YYYY-MM-DD and a real day (spec/loader.py _check_date); "format" is checked by validators that
# check formats (jsonschema's FormatChecker).
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date",
        "description": "YYYY-MM-DD, a day of the calendar"}
CMYK = {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 100}, "minItems": 4, "maxItems": 4,
        "description": "[C, M, Y, K] in percent"}
# A rule's colour: a style's CMYK; not white, its inks within the plant's total (the loader says
# so at the line: spec/loader.py _rule_color)
RULE_CMYK = {**CMYK, "not": {"const": [0, 0, 0, 0]}}
RECT = _spec("rect", {"col": INT, "cols": INT, "line": INT, "lines": INT},
             "a grid cell: first column and line (from 1), columns and lines spanned")
BOUNDS = {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2,
          "description": "[least, most] change in grid lines"}
FIT = _spec("fit", {"photo_lines": BOUNDS, "headline_lines": BOUNDS}, "what fitting may change")

STYLE = _spec("style", {
    "base": TEXT, "font": TEXT, "size": _s(SIZE, "type size: 9pt or 小五"),
    "leading": _s(LENGTH_OR_ZI, "baseline to baseline"), "tracking": _s(LENGTH_OR_ZI, "letter-spacing"),
    "color": CMYK, "align": {"enum": ["justify", "left", "center", "right"]},
    "indent": _s(LENGTH_OR_ZI, "first-line indent, e.g. 2字"),
    "inset": _s(LENGTH_OR_ZI, "both sides of a body paragraph set in from the column's edges (编者按), e.g. 2字"),
    "min_size": _s(SIZE, "the smallest size a table in this style may shrink to, to fit its column (with a warning)"),
    "punctuation": {"enum": ["kaiming", "quanjiao", "banjiao"]},
    "latin_space": {"type": "number", "minimum": RANGES["latin_space"].low, "maximum": RANGES["latin_space"].high},
    "word_space": {"type": "number", "minimum": RANGES["word_space"].low, "maximum": RANGES["word_space"].high},
    "hyphenate_capitals": {**BOOL, "description": "hyphenate Latin words with a capital first letter (names: "
                           "Bar-rot); default false, as InDesign's Hyphenate Capitalized Words off"},
})

RULES = _spec("rules", {"column": _s(LENGTH_NONNEG, "column rule weight"), "article": _s(LENGTH_NONNEG, "article rule weight"),
                        "table": _s(LENGTH_NONNEG, "a table's top and bottom rules"),
                        "table_head": _s(LENGTH_NONNEG, "the rule under a table's header row"),
                        "color": {**RULE_CMYK, "description": "the column and article rules' colour, [C, M, Y, K] "
                                  "in percent (default 100 % K; a table's rules stay 100 % K)"}})
PHOTO_CELL = _spec("photo", {
    "col": INT, "cols": INT,
    "line": {"anyOf": [INT, _s(r"^\s*after\s*(\+\s*\d+)?\s*$", "after: the first line under the headline; "
                                                                "after+N: N lines below it")],
             "description": "first line of the cell in the block (from 1), or after / after+N (under the headline)"},
    "lines": INT, "caption": TEXT, "credit": TEXT,
    "fit": {"enum": ["fill", "fit"]}, "standoff": {"type": "integer", "minimum": 0},
    "frame": {"type": "integer", "minimum": 1,
              "description": "the cell stands in this frame of the entry's frames: (from 1), col and line counted in it"},
    "focus": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "minItems": 2, "maxItems": 2},
    "file": {"type": "string", "description": "the article's photo this cell takes (its file); else the next in order"},
    "arrange": {"enum": list(ARRANGES), "description": "a photo group's pictures side by side (row) or stacked"},
}, "a photo cell, caption included, relative to the block")

ARTICLE = _spec("article", {
    "article": TEXT, "block": RECT, "frames": {"type": "array", "items": RECT},
    "headline": _spec("headline", {"lines": INT, "cols": INT, "kicker": TEXT, "title": TEXT, "subtitle": TEXT, "byline": TEXT,
                      "align": {"enum": ["center", "left", "right", "justify"]}, "vertical": BOOL}),
    "photo": PHOTO_CELL,
    "photos": {"type": "array", "items": PHOTO_CELL, "description": "several photo cells (instead of photo:)"},
    "body": TEXT, "lead": TEXT, "subhead": {**TEXT, "description": "style of the ## subheads (小标题)"},
    "table": {**TEXT, "description": "style of the body's tables (| … | rows); the body style when the sheets have none"},
    "span_tables": {**BOOL, "description": "a table too wide for one column is set across the module's columns, "
                    "at the head of the body"},
    "column_rules": BOOL, "balance": BOOL, "fit": FIT,
    "jump_to": INT, "continued_from": INT, "jump_style": TEXT,
    "ad_label": {**BOOL, "description": "an advertisement's 广告 label (default true; false when the picture carries it)"},
    "ad_label_style": {**TEXT, "description": "style of an advertisement's 广告 label (default ad-label)"},
    "ad_label_corner": {"enum": list(AD_LABEL_CORNERS), "description": "the corner of the ad's picture its 广告 "
                        "label stands on (default top-right)"},
    "box": _spec("box", {"rule": _s(LENGTH_NONNEG, "frame weight"), "tint": CMYK, "double": BOOL,
                         "color": {**RULE_CMYK, "description": "the frame's colour, [C, M, Y, K] in percent "
                                   "(default 100 % K)"}}),
    "rules": RULES,
    "order": {"enum": list(FLOW_ORDERS), "description": "the body's reading order: columns (left to right, each "
              "down through block and frames) or areas (the block, then each frame as listed)"},
}, "a module: an article and where it goes")

_EAR = {k: v for k, v in ARTICLE["properties"].items() if k in mh.EAR_KEYS}
MASTHEAD = _obj({
    "lines": {**INT, "description": "the masthead takes the top N grid lines of the type area, full width"},
    "block": RECT,
    "name": _obj(keys=(mh.NAME_KEYS, ()), props={"logo": {"type": "string", "description": "logotype file: PDF (paths in CMYK or grey), PNG or JPEG"},
                  "text": {"type": "string", "minLength": 1, "description": "the paper's name set in type"},
                  "style": TEXT, "col": INT, "cols": INT},
                 what="报名: a logotype file or the name set in type; col/cols count the columns between the ears"),
    "date": {**DATE, "description": "YYYY-MM-DD, printed with its weekday and 农历"},
    "lunar": BOOL,
    "issue": {**INT, "description": "第N期"}, "total": {**INT, "description": "总第N期"},
    "pages": {**INT, "description": "今日N版"},
    "cn": _s(r"^(CN\s*)?\d{2}\s*-\s*\d{4}(/[A-Z]{1,2}\d?)?$", "国内统一连续出版物号, e.g. CN 42-0031"),
    "post_code": _s(r"^\d{1,2}\s*-\s*\d{1,4}$", "邮发代号, e.g. 37-1"),
    "publisher": TEXT, "style": TEXT,
    "rule": _s(LENGTH_NONNEG, "weight of the rule under the masthead"), "double": BOOL,
    "ears": {"type": "array", "maxItems": 2, "items": _obj({
        "side": {"enum": ["left", "right"]}, "cols": INT, **_EAR}, mh.EAR_REQUIRED,
        "报眼: an article entry at one side of the name plate, the masthead's full depth", (mh.EAR_KEYS, mh.EAR_REQUIRED))},
}, mh.REQUIRED, "报头: the front page's name plate, date line, numbers and ears", (mh.KEYS, mh.REQUIRED))

PAGE_SPEC: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://pagesetter.invalid/spec.schema.json",
    "title": "pagesetter page spec",
    **_spec("spec", {
        "page": _spec("page", {"name": TEXT, "trim": _spec("trim", {"width": _s(LENGTH_NONNEG, "trim width"),
                                                                   "height": _s(LENGTH_NONNEG, "trim height")}),
                      "bleed": _s(LENGTH_NONNEG, "bleed"),
                      "margins": _spec("margins", {"top": {"anyOf": [{"const": "auto"}, _s(LENGTH, "margin")]},
                                       "left": {"anyOf": [{"const": "auto"}, _s(LENGTH, "margin")]}})}),
        "stylesheets": {"type": "array", "items": TEXT},
        "styles": {"type": "object", "additionalProperties": STYLE},
        "content": TEXT, "fonts": TEXT,
        "grid": _spec("grid", {"columns": {"type": "integer", "minimum": 1, "maximum": MAX_COLUMNS},
                               "column_width": _s(LENGTH_OR_ZI, "column measure, e.g. 13字"),
                      "gutter": _s(LENGTH_OR_ZI, "gutter, e.g. 1字"), "body_size": _s(SIZE, "body size, e.g. 小五"),
                      "pitch": _s(LENGTH_OR_ZI, "line pitch"),
                      "lines": {"type": "integer", "minimum": 1, "maximum": MAX_LINES}}),
        "rules": RULES,
        "folio": _spec("folio", {"paper": TEXT, "date": DATE, "page": TEXT,
                       "section": TEXT, "editor": TEXT, "extra": {"type": "array", "items": TEXT}, "lines": INT,
                       "style": TEXT, "paper_style": TEXT, "rule": _s(LENGTH_NONNEG, "rule weight"),
                       "color": {**RULE_CMYK, "description": "the folio rule's colour, [C, M, Y, K] in percent "
                                 "(default 100 % K; the thin rule under it stays 100 % K)"}},
                      "报眉: the folio line at the top of the page"),
        "masthead": MASTHEAD,
        "articles": {"type": "array", "items": ARTICLE},
        "white": {"type": "array", "items": RECT,
                  "description": "areas of the type area meant to stay white: no module need cover them "
                                 "(else an area no module covers, three lines or more in a column, stops the build)"},
        "auto": _spec("auto", {"line": INT, "articles": {"type": "array", "items": TEXT, "minItems": 1},
                      "photo": _spec("auto photo", {"cols": INT, "lines": {"type": "integer", "minimum": 3}}), "fit": FIT, "min_cols": INT},
                      "automatic make-up: the articles set from this line down"),
        "marks": {"anyOf": [BOOL, _spec("marks", {k: {**BOOL, "default": MARK_DEFAULTS[k]}
                                                  for k in ("crop", "registration", "slug")})],
                  "description": "printer's marks outside the bleed: true/false for all, or each"},
        "allow_overset": {**BOOL, "default": False,
                          "description": "write the PDF even when text does not fit (it is marked and fails "
                                         "preflight)"},
        "allow_outside": {"type": "array", "items": {"type": "string"},
                          "description": "folders outside the project that photos, style sheets, content or fonts "
                                         "may come from (relative to this file, or absolute); anything else "
                                         "outside the project is refused"},
        "pdfx": {"enum": ["x1a", "x4"], "default": SPEC_DEFAULTS["pdfx"], "description": "PDF/X version of the print PDF: x1a (PDF/X-1a:2001, "
                 "the default) or x4 (PDF/X-4)"},
        "photo_ppi": {"type": "integer", "minimum": PHOTO_PPI_RANGE[0], "maximum": PHOTO_PPI_RANGE[1],
                      "default": SPEC_DEFAULTS["photo_ppi"],
                      "description": "photos are resampled to this resolution at their placed size (never up): "
                                     f"twice the plant's screen ruling (default {DEFAULT_PHOTO_PPI}, for newsprint's 100 lpi)"},
        "missing_glyphs": {"enum": list(MISSING_GLYPHS), "default": SPEC_DEFAULTS["missing_glyphs"],
                           "description": "a character no face of the fallback chain has: error (the default: "
                                          "the build stops and names each one) or substitute (〓 is printed in "
                                          "its place and a warning names it)"},
    }),
}

STYLE_SHEET: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "pagesetter style sheet",
    **_spec("style sheet", {"styles": {"type": "object", "additionalProperties": STYLE}}),
}


EDITION: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "pagesetter edition",
    **_obj({"edition": _obj(keys=(EDITION_KEYS, EDITION_REQUIRED), required=EDITION_REQUIRED, props={
        "name": {**TEXT, "description": "the combined PDF's name (default: the file's)"},
        "paper": {**TEXT, "description": "the paper's name, for every page's 报眉"},
        "date": DATE,
        "pages": {"type": "array", "items": {**TEXT, "description": "a page spec, relative to this file"},
                  "minItems": 1},
        "elsewhere": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 999},
                      "description": "the 版次 of the day's pages made elsewhere (a gap in the pages' 版次 "
                      "must be listed here; the masthead's 今日N版 counts them)"},
    })}, ("edition",)),
}

_PHOTO_ENTRY = {
    **_obj(keys=(PHOTO_KEYS, PHOTO_REQUIRED), required=PHOTO_REQUIRED, props={
        "file": {**TEXT, "description": "the image, relative to the article file"},
        "files": {"type": "array", "items": TEXT, "minItems": 1, "description": "a photo group (组图)"},
        "caption": {**TEXT, "minLength": 1, "description": "as printed, its marker (▲▼) included"},
        "credit": {"type": ["string", "number", "null"]},
        "side": {"enum": ["above", "below", None], "description": "the photo above or below its caption "
                 "(default: the marker's, else above)"},
    }),
    "oneOf": [{"required": ["file"]}, {"required": ["files"]}],
}

_FIELD = {"type": ["string", "number", "null"]}  # one line of text (reader._opt_text); empty is none
ARTICLE_FRONT: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "pagesetter article front matter",
    **_obj(keys=(FRONT_KEYS, ()), props={
        "kicker": {**_FIELD, "description": "引题"},
        "title": {**_FIELD, "description": "主题 (none in a 图片新闻)"},
        "subtitle": {**_FIELD, "description": "副题"},
        "byline": {**_FIELD, "description": "署名, e.g. 本报记者 …"},
        "photos": {"type": ["array", "null"], "items": _PHOTO_ENTRY},
        "ad": {"type": "string", "description": "an advertisement (广告): its picture file, printed alone "
               "filling the module, no caption; the only key of such an article, which has no body"},
    }),
}

SCHEMAS: dict[str, dict[str, Any]] = {"spec": PAGE_SPEC, "stylesheet": STYLE_SHEET, "edition": EDITION,
                                      "article": ARTICLE_FRONT}


def schema_json(which: str = "spec") -> str:
    return json.dumps(SCHEMAS[which], ensure_ascii=False, indent=2) + "\n"
