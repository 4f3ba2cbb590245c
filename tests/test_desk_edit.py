"""The desk's write-back (desk_edit.py) without a browser: an edit changes the grid numbers in
place, keeps every other byte, is checked by the spec loader before it is written, and undo never
overwrites a later save."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.desk_edit import Cell, Edit, apply_edit, rewrite_cell, undo
from pagesetter.errors import InputError
from pagesetter.spec.loader import load_spec


def test_an_edit_changes_only_the_numbers(project: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    before = spec.read_text(encoding="utf-8")
    written = apply_edit(spec, Edit("xian-education", "photo", Cell(1, 2, 6, 13)))
    after = spec.read_text(encoding="utf-8")
    assert written.before == before and written.after == after
    diff = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert diff == [("    photo: {col: 3, cols: 2, line: 6, lines: 13}      # no marker: photo above its caption",
                     "    photo: {col: 1, cols: 2, line: 6, lines: 13}      # no marker: photo above its caption")]
    loaded = next(a for a in load_spec(spec).articles if a.article == "xian-education")
    assert loaded.photo is not None and loaded.photo.cell.col == loaded.block.col


def test_block_style_mappings_are_edited_in_place_too(project: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8").replace(
        "    block: {col: 1, cols: 8, line: 85, lines: 19}",
        "    block:\n      col: 1   # full width\n      cols: 8\n      line: 85\n      lines: 19")
    spec.write_text(text, encoding="utf-8")
    new = rewrite_cell(text, spec, Edit("baimei-property", "block", Cell(1, 8, 86, 18)))
    assert "      col: 1   # full width\n      cols: 8\n      line: 86\n      lines: 18" in new
    assert new.replace("line: 86\n      lines: 18", "line: 85\n      lines: 19") == text


def test_an_overlap_is_refused_and_nothing_is_written(project: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    before = spec.read_bytes()
    with pytest.raises(InputError, match=r"seed-page\.yaml:\d+:\d+: .*overlaps the block of 'dongfeng-media'"):
        apply_edit(spec, Edit("dongliao-police", "block", Cell(4, 5, 12, 34)))
    with pytest.raises(InputError, match="runs past the last column"):
        apply_edit(spec, Edit("banner", "block", Cell(2, 8, 4, 8)))
    assert spec.read_bytes() == before


def test_undo_restores_and_never_overwrites_a_later_save(project: Path, tmp_path: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    shipped = spec.read_text(encoding="utf-8")
    first = apply_edit(spec, Edit("banner", "block", Cell(1, 8, 4, 7)))
    undo(first)
    assert spec.read_text(encoding="utf-8") == shipped
    second = apply_edit(spec, Edit("banner", "block", Cell(1, 8, 4, 7)))
    spec.write_text(second.after + "# saved from an editor\n", encoding="utf-8")
    with pytest.raises(InputError, match="undo refused"):
        undo(second)
    assert spec.read_text(encoding="utf-8").endswith("# saved from an editor\n")
    # the edited spec builds a page whose banner is a line shallower
    page = build_page(spec, tmp_path, allow_overset=True).page
    banner = next(f for f in page.frames if f.article == "banner" and f.kind == "block")
    assert round(banner.height / load_spec(spec).grid.pitch) == 7


def test_a_value_that_is_not_a_plain_number_is_refused(project: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8").replace("block: {col: 1, cols: 8, line: 4, lines: 8}",
                                                    "block: {col: 1, cols: '8', line: 4, lines: 8}")
    with pytest.raises(InputError, match="not a plain number"):
        rewrite_cell(text, spec, Edit("banner", "block", Cell(1, 8, 4, 7)))


def test_a_headline_depth_is_written_in_every_form(project: Path) -> None:
    from pagesetter.desk_edit import set_headline_lines, swap_blocks

    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8")
    # no headline mapping: a line of its own before the block, in the entry's indentation
    added = set_headline_lines(text, spec, "dongfeng-media", 9)
    assert "  - article: dongfeng-media\n    headline: {lines: 9}\n    block:" in added
    # a flow mapping without lines: added inside its braces; with lines: the number replaced
    assert "headline: {title: banner-title, subtitle: banner-subtitle, lines: 6}" in set_headline_lines(
        text, spec, "banner", 6)
    assert "headline: {cols: 3, lines: 10}" in set_headline_lines(text, spec, "baimei-property", 10)
    # a block mapping: a key line of its own, first
    block_style = text.replace("    headline: {title: banner-title, subtitle: banner-subtitle}",
                               "    headline:\n      title: banner-title   # the big one\n      subtitle: banner-subtitle")
    assert "    headline:\n      lines: 7\n      title: banner-title   # the big one" in set_headline_lines(
        block_style, spec, "banner", 7)
    for changed in (added, set_headline_lines(block_style, spec, "banner", 7)):
        load_spec(spec, changed)  # every form is a spec the loader takes
    # a swap of two blocks of different depths: each takes the other's numbers
    swapped = swap_blocks(text, spec, "dongfeng-media", "xianglu-street")
    loaded = {a.article: a.block for a in load_spec(spec, swapped).articles}
    assert (loaded["dongfeng-media"].top, loaded["dongfeng-media"].lines) == (50, 34)
    assert (loaded["xianglu-street"].top, loaded["xianglu-street"].lines) == (11, 39)


def _l_page(project: Path) -> Path:
    """The seed page with dongliao-police made an L: its block two lines shallower, a leg of two
    columns under its right half (the space xian-education gives up at its top)."""
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8").replace(
        "    block: {col: 5, cols: 4, line: 12, lines: 34}\n",
        "    block: {col: 5, cols: 4, line: 12, lines: 30}\n    frames: [{col: 7, cols: 2, line: 42, lines: 6}]\n"
    ).replace("    block: {col: 5, cols: 4, line: 46, lines: 39}", "    block: {col: 5, cols: 4, line: 48, lines: 37}")
    spec.write_text(text, encoding="utf-8")
    load_spec(spec)
    return spec


def test_a_frame_is_edited_and_a_block_moved_whole_takes_its_frames(project: Path) -> None:
    from pagesetter.desk_edit import move_cell

    spec = _l_page(project)
    text = spec.read_text(encoding="utf-8")
    resized = move_cell(text, spec, Edit("dongliao-police", "frame", Cell(7, 2, 42, 4), 0))
    assert resized == text.replace("frames: [{col: 7, cols: 2, line: 42, lines: 6}]",
                                   "frames: [{col: 7, cols: 2, line: 42, lines: 4}]")
    # the block dragged one column left, spans unchanged: the leg goes with it
    moved = move_cell(text, spec, Edit("dongliao-police", "block", Cell(4, 4, 12, 30)))
    assert "block: {col: 4, cols: 4, line: 12, lines: 30}\n    frames: [{col: 6, cols: 2, line: 42, lines: 6}]" in moved
    # a resize leaves the leg where it is
    grown = move_cell(text, spec, Edit("dongliao-police", "block", Cell(5, 4, 12, 29)))
    assert "frames: [{col: 7, cols: 2, line: 42, lines: 6}]" in grown
    with pytest.raises(InputError, match=r"block of 'xian-education' overlaps the frame of 'dongliao-police'"):
        apply_edit(spec, Edit("dongliao-police", "frame", Cell(7, 2, 42, 7), 0))
    with pytest.raises(InputError, match="has no frame 2 mapping"):
        apply_edit(spec, Edit("dongliao-police", "frame", Cell(7, 2, 42, 4), 1))


def test_a_swap_moves_an_ls_frames_with_its_block(project: Path) -> None:
    """Issue 18: an L swapped with a plain module took the other's block and left its leg behind.
    The leg moves by the block's offset; if it then lands on a block, the swap is refused."""
    from pagesetter.desk_edit import apply_change, swap_blocks

    spec = _l_page(project)
    text = spec.read_text(encoding="utf-8")
    # the L's block is four columns by thirty lines: dongfeng-media made the same size, the two swap
    text = text.replace("    block: {col: 1, cols: 4, line: 12, lines: 39}", "    block: {col: 1, cols: 4, line: 12, lines: 30}")
    spec.write_text(text, encoding="utf-8")
    written = apply_change(spec, lambda t: swap_blocks(t, spec, "dongliao-police", "dongfeng-media")).after
    assert ("  - article: dongliao-police\n    block: {col: 1, cols: 4, line: 12, lines: 30}\n"
            "    frames: [{col: 3, cols: 2, line: 42, lines: 6}]") in written
    assert "  - article: dongfeng-media\n    block: {col: 5, cols: 4, line: 12, lines: 30}" in written
    moved = load_spec(spec).articles
    l_shape = next(a for a in moved if a.article == "dongliao-police")
    assert (l_shape.frames[0].col, l_shape.frames[0].top) == (2, 41)  # 0-based: column 3, line 42
    # the other way round gives the page back
    assert apply_change(spec, lambda t: swap_blocks(t, spec, "dongfeng-media", "dongliao-police")).after == text
    # swapped with xian-education (37 lines deep, so the leg lands inside the L's own new block): refused
    with pytest.raises(InputError, match=r"frame of 'dongliao-police' overlaps the block of 'dongliao-police'"):
        apply_change(spec, lambda t: swap_blocks(t, spec, "dongliao-police", "xian-education"))
    assert spec.read_text(encoding="utf-8") == text


def test_a_line_after_cell_keeps_its_form(project: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8").replace(
        "    photo: {col: 3, cols: 2, line: 6, lines: 13}      # no marker", "    photo: {col: 3, cols: 2, line: after, lines: 13}      # no marker")
    spec.write_text(text, encoding="utf-8")
    down = rewrite_cell(text, spec, Edit("xian-education", "photo", Cell(3, 2, "after+2", 13)))
    assert "photo: {col: 3, cols: 2, line: after+2, lines: 13}      # no marker" in down
    back = rewrite_cell(down, spec, Edit("xian-education", "photo", Cell(1, 2, "after", 13)))
    assert "photo: {col: 1, cols: 2, line: after, lines: 13}      # no marker" in back
    fixed = rewrite_cell(down, spec, Edit("xian-education", "photo", Cell(3, 2, 4, 13)))
    assert "photo: {col: 3, cols: 2, line: 4, lines: 13}      # no marker" in fixed
    with pytest.raises(InputError, match="'after' or 'after\\+N'"):
        rewrite_cell(text, spec, Edit("xian-education", "photo", Cell(3, 2, "below", 13)))


def test_an_auto_page_written_out_builds_the_same_page(project: Path, tmp_path: Path) -> None:
    """The arrangement auto chose, written as placed entries, is the page auto made: every frame
    of the page (blocks, headlines, bodies, photos, captions) where it was."""
    from pagesetter.desk_edit import make_explicit
    from pagesetter.proof.record import layout_record
    import pikepdf

    spec = project / "layout" / "seed-page-auto.yaml"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    auto = build_page(spec, tmp_path / "a")
    placed = [a for a in auto.spec.articles if a.article in auto.spec.auto.articles]
    text = spec.read_text(encoding="utf-8")
    written = make_explicit(text, spec, placed)
    assert "\nauto:" not in written and written.count("  - article: ") == 6
    above = text[:text.index("# The engine chooses")]  # auto's own comment goes with it
    assert written.startswith(above + "  # placed by 'auto:'")  # everything above kept as it was
    spec.write_text(written, encoding="utf-8")
    assert load_spec(spec).auto is None
    explicit = build_page(spec, tmp_path / "b")
    with pikepdf.open(auto.pdf_path) as a, pikepdf.open(explicit.pdf_path) as b:
        frames_a, frames_b = (sorted(map(str, layout_record(p.pages[0])["frames"])) for p in (a, b))
    assert frames_a == frames_b and len(frames_a) > 20
