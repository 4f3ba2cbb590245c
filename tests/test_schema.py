"""The published JSON Schema describes the specs the loader accepts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from pagesetter.spec.schema import PAGE_SPEC, STYLE_SHEET, schema_json

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "layout").glob("*.yaml")) + [ROOT / "tests" / "pages" / "layout" / name for name in (
    "punctuation.yaml", "modules-shapes.yaml", "modules-photos.yaml")]


@pytest.mark.parametrize("path", [p for p in SPECS if "edition" not in p.name], ids=lambda p: p.name)
def test_every_shipped_spec_validates(path: Path) -> None:
    jsonschema.validate(_as_json(path), PAGE_SPEC)


def _as_json(path: Path) -> dict:
    """As an editor's YAML server sees it: dates are text."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str, ensure_ascii=False))


def test_the_style_sheet_validates() -> None:
    data = yaml.safe_load((ROOT / "layout" / "styles" / "city-daily.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(data, STYLE_SHEET)


def test_the_schema_catches_what_the_loader_refuses() -> None:
    spec = _as_json(ROOT / "layout" / "seed-page.yaml")
    spec["grid"]["colums"] = 8
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(spec, PAGE_SPEC)
    spec = _as_json(ROOT / "layout" / "seed-page.yaml")
    spec["page"]["bleed"] = "3"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(spec, PAGE_SPEC)


def test_the_published_copies_are_current() -> None:
    assert (ROOT / "layout" / "pagesetter.schema.json").read_text(encoding="utf-8") == schema_json("spec")
    assert (ROOT / "layout" / "styles" / "stylesheet.schema.json").read_text(encoding="utf-8") == schema_json("stylesheet")
    json.loads(schema_json())
