"""The published JSON Schemas and the loader agree: an independent validator (jsonschema, reading
YAML as an editor's YAML 1.2 server does) accepts exactly what the loader accepts, on every shipped
page spec, edition, style sheet and article front matter, and on mutations of them (wrong types,
out-of-range numbers, unknown keys, bad dates, YAML 1.1 yes/no)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT, copy_project
from pagesetter.errors import PagesetterError
from pagesetter.spec.schema import ARTICLE_FRONT, EDITION, PAGE_SPEC, STYLE_SHEET

BOOL_TAG, TIME_TAG = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"


class Yaml12(yaml.SafeLoader):
    """YAML as the editors' servers read it (1.2 core schema): only true/false are booleans, and a
    date is text."""


Yaml12.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (BOOL_TAG, TIME_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Yaml12.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _schema_accepts(text: str, schema: dict) -> bool:
    data = json.loads(json.dumps(yaml.load(text, Loader=Yaml12), ensure_ascii=False))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return not list(validator.iter_errors(data))


def _loader_accepts(load) -> bool:  # type: ignore[no-untyped-def]
    try:
        load()
    except PagesetterError:
        return False
    return True


def _front(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n---", 1)[0].removeprefix("---\n")


SPECS = [p for p in sorted((ROOT / "layout").glob("*.yaml")) if "edition" not in p.name] + \
    [p for p in sorted((ROOT / "tests" / "pages" / "layout").glob("*.yaml")) if "edition" not in p.name]
ARTICLES = sorted(p for p in (ROOT / "content").glob("*.md") if p.name != "README.md")


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_shipped_specs_agree(path: Path) -> None:
    from pagesetter.spec.loader import load_spec

    text = path.read_text(encoding="utf-8")
    assert _schema_accepts(text, PAGE_SPEC) == _loader_accepts(lambda: load_spec(path))


def test_shipped_editions_and_style_sheets_are_accepted_by_both() -> None:
    from pagesetter.edition import load_edition
    from pagesetter.spec.loader import load_spec

    editions = sorted((ROOT / "layout").glob("*edition*.yaml"))
    assert editions
    for path in editions:
        assert _schema_accepts(path.read_text(encoding="utf-8"), EDITION), path
        assert _loader_accepts(lambda: load_edition(path)), path
    for path in sorted((ROOT / "layout" / "styles").glob("*.yaml")):
        assert _schema_accepts(path.read_text(encoding="utf-8"), STYLE_SHEET), path
    assert _loader_accepts(lambda: load_spec(ROOT / "layout" / "seed-page.yaml"))


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_shipped_front_matter_is_accepted_by_both(path: Path) -> None:
    from pagesetter.content.reader import read_article

    assert _schema_accepts(_front(path), ARTICLE_FRONT)
    assert _loader_accepts(lambda: read_article(path, ROOT))


# (file in the project, text replaced, replacement): each a mutation of a shipped file.
MUTATIONS = [
    ("layout/seed-page.yaml", "columns: 8", "columns: eight"),  # wrong type
    ("layout/seed-page.yaml", "columns: 8", "columns: 8.5"),
    ("layout/seed-page.yaml", "columns: 8", "columns: 0"),  # out of range
    ("layout/seed-page.yaml", "columns: 8", "columns: 41"),
    ("layout/seed-page.yaml", "columns: 8", "columns: 8\n  colour: red"),  # unknown key
    ("layout/seed-page.yaml", "  lines: 103", "  lines: 2001"),
    ("layout/seed-page.yaml", "bleed: 3mm", "bleed: -3mm"),  # a negative length
    ("layout/seed-page.yaml", "bleed: 3mm", "bleed: 3"),  # no unit
    ("layout/seed-page.yaml", "bleed: 3mm", "bleed: 3 mm"),  # fine
    ("layout/seed-page.yaml", "date: 2022-06-30", "date: 2022-02-30"),  # no such day
    ("layout/seed-page.yaml", "date: 2022-06-30", "date: 20220630"),  # not YYYY-MM-DD
    ("layout/seed-page.yaml", "date: 2022-06-30", "date: '2022-06-30'"),  # fine
    ("layout/seed-page.yaml", "rules: {column: 0.25pt,", "rules: {column: -0.25pt,"),
    ("layout/seed-page.yaml", "paper: 城市日报", "paper: no"),  # text in YAML 1.2
    ("layout/seed-page.yaml", "page: 第3版", "page: 3"),  # a number as text
    ("layout/seed-page.yaml", "articles:\n", "allow_overset: yes\narticles:\n"),  # YAML 1.1's yes: text
    ("layout/seed-page.yaml", "articles:\n", "allow_overset: true\narticles:\n"),
    ("layout/seed-page.yaml", "articles:\n", "photo_ppi: 100\narticles:\n"),  # under 150
    ("layout/seed-page.yaml", "articles:\n", "photo_ppi: 300\narticles:\n"),
    ("layout/seed-page.yaml", "articles:\n", "pdfx: x5\narticles:\n"),
    ("layout/seed-page.yaml", "block: {col: 1, cols: 8, line: 4, lines: 8}", "block: {col: 1, cols: 8, line: 4}"),
    ("layout/styles/city-daily.yaml", "latin_space: 0.25", "latin_space: 1.5"),  # out of range
    ("layout/styles/city-daily.yaml", "latin_space: 0.25", "latin_space: quarter"),
    ("layout/styles/city-daily.yaml", "align: justify", "align: justified"),
    ("layout/styles/city-daily.yaml", "indent: 2字", "indent: 2字\n    weight: bold"),
    ("layout/styles/city-daily.yaml", "word_space: 1.0", "word_space: 4"),
    ("layout/tabloid-edition.yaml", "date: 2022-06-30", "date: 2022-13-01"),
    ("layout/tabloid-edition.yaml", "pages: [tabloid-1.yaml, tabloid-2.yaml]", "pages: []"),
    ("layout/tabloid-edition.yaml", "pages: [tabloid-1.yaml, tabloid-2.yaml]", "pages: tabloid-1.yaml"),
    ("layout/tabloid-edition.yaml", "paper: 城市日报", "paper: 城市日报\n  issue: 3"),
    ("layout/tabloid-edition.yaml", "paper: 城市日报", "paper: yes"),
    ("content/dongfeng-media.md", "title: ", "author: 王岩\ntitle: "),
    ("content/dongfeng-media.md", "title: ", "title: [a, b]\nx: "),
    ("content/dongfeng-media.md", "title: 媒体战士在“疫”线 危难时刻见初心", "title: No"),
    ("content/dongfeng-media.md", "    caption: ", "    credit: 本报记者\n    caption: "),
    ("content/dongfeng-media.md", "    caption: ▲东丰县融媒体中心对防疫工作进行采访。", "    side: left"),
    ("content/dongfeng-media.md", "    caption: ", "    side: above\n    caption: "),
]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: f"{Path(m[0]).name}:{m[2][:30]}")
def test_mutations_agree(mutation: tuple[str, str, str], tmp_path: Path) -> None:
    from pagesetter.content.reader import read_article
    from pagesetter.edition import load_edition
    from pagesetter.spec.loader import load_spec

    name, old, new = mutation
    project = copy_project(tmp_path)
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    changed = path.read_text(encoding="utf-8")
    if name.endswith(".md"):
        schema_ok = _schema_accepts(_front(path), ARTICLE_FRONT)
        loader_ok = _loader_accepts(lambda: read_article(path, project))
    elif "edition" in name:
        schema_ok = _schema_accepts(changed, EDITION)
        loader_ok = _loader_accepts(lambda: load_edition(path))
    elif "styles" in name:
        schema_ok = _schema_accepts(changed, STYLE_SHEET)
        loader_ok = _loader_accepts(lambda: load_spec(project / "layout" / "seed-page.yaml"))
    else:
        schema_ok = _schema_accepts(changed, PAGE_SPEC)
        loader_ok = _loader_accepts(lambda: load_spec(path))
    assert schema_ok == loader_ok, f"{name}: {new!r}: schema {'accepts' if schema_ok else 'rejects'}, " \
                                   f"loader {'accepts' if loader_ok else 'rejects'}"


def _objects(schema: object) -> list[dict]:
    """Every object schema with properties inside ``schema``."""
    found = []
    if isinstance(schema, dict):
        if isinstance(schema.get("properties"), dict):
            found.append(schema)
        for value in schema.values():
            found += _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _objects(value)
    return found


def test_every_mapping_the_loader_checks_is_in_the_schema_with_its_keys() -> None:
    from pagesetter.content.reader import FRONT_KEYS, PHOTO_KEYS
    from pagesetter.spec import masthead
    from pagesetter.spec.loader import EDITION_KEYS, SPEC_KEYS

    shapes = [(frozenset(o["properties"]), frozenset(o.get("required", ())))
              for schema in (PAGE_SPEC, STYLE_SHEET, EDITION, ARTICLE_FRONT) for o in _objects(schema)]
    wanted = {**{kind: keys for kind, keys in SPEC_KEYS.items()},
              "masthead": (masthead.KEYS, masthead.REQUIRED), "masthead name": (masthead.NAME_KEYS, ()),
              "edition": (EDITION_KEYS, ("paper", "date", "pages")), "front matter": (FRONT_KEYS, ()),
              "photo entry": (PHOTO_KEYS, ("caption",))}
    for kind, (allowed, required) in wanted.items():
        if kind == "masthead":
            continue  # the ears' keys are checked with it below
        assert (frozenset(allowed), frozenset(required)) in shapes, kind
    ears = [o for o in _objects(PAGE_SPEC) if set(o["properties"]) == set(masthead.EAR_KEYS)]
    assert ears and set(ears[0]["required"]) == set(masthead.EAR_REQUIRED)


def test_a_schema_that_drifts_from_the_loader_is_refused() -> None:
    from pagesetter.spec.schema import _spec

    with pytest.raises(RuntimeError, match="loader only"):
        _spec("trim", {"width": {}})
    with pytest.raises(RuntimeError, match="schema only"):
        _spec("trim", {"width": {}, "height": {}, "depth": {}})


def test_the_schema_defaults_are_the_loader_s() -> None:
    """A spec that leaves pdfx, photo_ppi, missing_glyphs, allow_overset and marks out gets what
    the schema says it gets."""
    from pagesetter.spec.loader import load_spec

    path = ROOT / "layout" / "seed-page.yaml"
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"^(pdfx|photo_ppi|missing_glyphs|allow_overset|marks):", text, re.M)
    spec = load_spec(path)
    props = PAGE_SPEC["properties"]
    assert props["pdfx"]["default"] == spec.pdfx
    assert props["photo_ppi"]["default"] == spec.photo_ppi
    assert props["missing_glyphs"]["default"] == spec.missing_glyphs
    assert props["allow_overset"]["default"] == spec.allow_overset
    marks = props["marks"]["anyOf"][1]["properties"]
    assert {k: marks[k]["default"] for k in marks} == {"crop": spec.marks.crop, "registration": spec.marks.registration,
                                                      "slug": spec.marks.slug}
