"""The spec loader: the real seed spec, units, and bad specs that must fail with a located message."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.errors import InputError
from pagesetter.spec.loader import load_spec
from pagesetter.units import HAO_SIZES, PT_PER_MM, UnitError, parse_quantity, LENGTH, SIZE, LENGTH_OR_ZI

MM = PT_PER_MM


def test_seed_spec_is_a_broadsheet_with_the_classic_grid(root: Path) -> None:
    spec = load_spec(root / "layout" / "seed-page.yaml")
    assert spec.trim == pytest.approx((390 * MM, 545 * MM))
    assert spec.bleed == pytest.approx(3 * MM)
    g = spec.grid
    assert (g.columns, g.column_width, g.gutter, g.pitch) == (8, 117.0, 9.0, 13.5)
    assert g.width == pytest.approx(999.0)  # 8 × 13 + 7 = 111 字 of 9 pt
    assert g.lines == 103
    # auto margins centre the 版心 on the trim
    assert spec.margin_left * 2 + g.width == pytest.approx(spec.trim[0])
    assert spec.styles["body"].size == 9.0 and spec.styles["body"].font == "song"
    assert spec.styles["body"].indent == 18.0  # 2字
    assert spec.styles["lead"].font == "hei" and spec.styles["lead"].size == 9.0  # inherits from body
    assert [a.article for a in spec.articles][0] == "banner"
    assert len(spec.articles) == 6


@pytest.mark.parametrize("raw,allowed,pt", [
    ("12mm", LENGTH, 12 * MM), ("3 mm", LENGTH, 3 * MM), ("9pt", LENGTH, 9.0), ("40Q", LENGTH, 10 * MM),
    ("小五", SIZE, 9.0), ("五号", SIZE, 10.5), ("初号", SIZE, 42.0), ("1in", LENGTH, 72.0),
])
def test_absolute_units(raw: str, allowed: frozenset[str], pt: float) -> None:
    assert parse_quantity(raw, allowed).to_pt() == pytest.approx(pt)


def test_relative_units_need_their_reference() -> None:
    assert parse_quantity("2字", LENGTH_OR_ZI).to_pt(em=9) == 18
    assert parse_quantity("1.5em", LENGTH_OR_ZI).to_pt(em=10) == 15
    with pytest.raises(ValueError):
        parse_quantity("2字", LENGTH_OR_ZI).to_pt()


def test_size_table_matches_the_hao_system() -> None:
    assert HAO_SIZES["小五"] == 9 and HAO_SIZES["五号"] == 10.5 and HAO_SIZES["初号"] == 42
    assert list(HAO_SIZES.values()) == sorted(HAO_SIZES.values(), reverse=True)


@pytest.mark.parametrize("raw", [12, "12", "12 furlongs", "mm", "", None, True])
def test_lengths_without_a_known_unit_are_rejected(raw: object) -> None:
    with pytest.raises(UnitError):
        parse_quantity(raw, LENGTH)


def _write_spec(project: Path, old: str, new: str) -> Path:
    path = project / "layout" / "seed-page.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in the seed spec"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


@pytest.mark.parametrize("old,new,needle,message", [
    ("columns: 8", "colums: 8", "colums", "unknown key 'colums' in grid; did you mean 'columns'?"),
    ("bleed: 3mm", "bleed: 3", "bleed:", "has no unit"),
    ("bleed: 3mm", "bleed: -3mm", "bleed:", "must be zero or more"),
    ("pitch: 13.5pt", "pitch: 13.5 furlongs", "pitch:", "unit 'furlongs' is not allowed"),
    ("lines: 103", "lines: 1030", "lines: 1030", "does not fit the trim"),
    ("columns: 8", "columns: eight", "columns:", "must be a whole number"),
    ("date: 2022-06-30", "date: 30.6.2022", "date:", "YYYY-MM-DD"),
    ("block: {col: 1, cols: 4, line: 12, lines: 39}", "block: {col: 7, cols: 4, line: 12, lines: 39}",
     "col: 7, cols: 4", "runs past the last column"),
    ("block: {col: 1, cols: 4, line: 12, lines: 39}", "block: {col: 1, cols: 4, line: 11, lines: 39}",
     "line: 11, lines: 39", "overlaps the block of 'banner'"),
    ("headline: {cols: 3, lines: 8}", "headline: {cols: 3, lines: 8, title: titel}",
     "titel", "unknown style 'titel'; did you mean 'title'?"),
    ("stylesheets: [styles/city-daily.yaml]", "stylesheets: [../../etc/passwd]", "stylesheets",
     "outside the project folder"),
    ("stylesheets: [styles/city-daily.yaml]", "stylesheets: [styles/nope.yaml]", "stylesheets", "not found"),
])
def test_bad_specs_name_file_line_and_column(project: Path, old: str, new: str, needle: str, message: str) -> None:
    path = _write_spec(project, old, new)
    with pytest.raises(InputError) as err:
        load_spec(path)
    text = str(err.value)
    assert message in text
    assert err.value.loc is not None and err.value.loc.line == _line_of(path, needle), text
    assert err.value.loc.column > 0
    assert text.startswith(str(err.value.loc))


@pytest.mark.parametrize("content,message", [
    ("page: [\n", "invalid YAML"),
    ("page:\n\tname: x\n", "tab character"),
    ("", "file is empty"),
    ("- a\n- b\n", "must be a mapping"),
    ("page: {trim: {width: 1mm, height: 1mm}}\npage: {}\n", "duplicate key 'page'"),
    ("page: !!python/object/apply:os.system [ls]\n", "not allowed"),
])
def test_malformed_yaml(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "layout").mkdir()
    path = tmp_path / "layout" / "p.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_spec(path)
    assert message in str(err.value)


def test_gbk_file_gets_a_conversion_hint(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes("page:\n  name: 专版\n".encode("gbk"))
    with pytest.raises(InputError) as err:
        load_spec(path)
    assert "not valid UTF-8" in str(err.value) and "GB18030" in str(err.value)
    assert err.value.loc.line == 2
