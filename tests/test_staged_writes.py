"""paths.StagedWrites: an edition's files written by a thread while its pages come in, renamed
together at the end; a write's error still comes out first, and nothing is left half done."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.paths import StagedWrites


def test_files_appear_only_at_commit_with_their_bytes(tmp_path: Path) -> None:
    (tmp_path / "b.pdf").write_bytes(b"old")
    with StagedWrites() as staged:
        staged.write(tmp_path / "a.pdf", b"first")
        staged.write(tmp_path / "sub" / "b.pdf", b"second")
        staged.write(tmp_path / "b.pdf", b"new" * 100_000)
        assert (tmp_path / "b.pdf").read_bytes() == b"old"  # not before commit
        assert not (tmp_path / "a.pdf").exists()
        staged.commit()
    assert (tmp_path / "a.pdf").read_bytes() == b"first"
    assert (tmp_path / "sub" / "b.pdf").read_bytes() == b"second"
    assert (tmp_path / "b.pdf").read_bytes() == b"new" * 100_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf", "sub"]  # no temporary left


def test_a_failed_write_stops_the_commit_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "taken.pdf").mkdir()  # a folder where an output goes: refused by the writing thread
    with pytest.raises(IsADirectoryError) as raised:
        with StagedWrites() as staged:
            staged.write(tmp_path / "a.pdf", b"first")
            staged.write(tmp_path / "taken.pdf", b"second")
            staged.write(tmp_path / "c.pdf", b"third")
            staged.commit()
    assert raised.value.filename == str(tmp_path / "taken.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.pdf"]  # none renamed, no temporary left


def test_a_write_error_comes_out_before_a_later_error(tmp_path: Path) -> None:
    """Written at once, the failed write would have stopped the build before the later error was
    met: that is the error the build reports."""
    (tmp_path / "taken.pdf").mkdir()
    with pytest.raises(IsADirectoryError):
        with StagedWrites() as staged:
            staged.write(tmp_path / "taken.pdf", b"page")
            staged.write(tmp_path / "b.pdf", b"page")
            raise ValueError("met after the write")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.pdf"]


def test_an_error_with_every_write_done_is_the_callers(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="the caller's"):
        with StagedWrites() as staged:
            staged.write(tmp_path / "a.pdf", b"page")
            raise ValueError("the caller's")
    assert list(tmp_path.iterdir()) == []  # the written temporary removed


def test_a_commit_of_some_files_leaves_the_rest_unwritten(tmp_path: Path) -> None:
    """An edition stopped by overset commits its proofs only (edition.build_edition): the pages'
    files are removed with the block, their older versions left as they were."""
    (tmp_path / "p1.pdf").write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with StagedWrites() as staged:
            staged.write(tmp_path / "p1.pdf", b"page")
            staged.write(tmp_path / "p1.proof.pdf", b"proof")
            staged.commit(only={tmp_path / "p1.proof.pdf"})
            raise RuntimeError("overset")
    assert (tmp_path / "p1.proof.pdf").read_bytes() == b"proof"
    assert (tmp_path / "p1.pdf").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p1.pdf", "p1.proof.pdf"]  # no temporary left


def test_a_file_written_by_a_function_is_staged_as_the_others(tmp_path: Path) -> None:
    """write_with (an edition's combined PDF, saved by qpdf into its temporary, then its /ID put in
    by seeking back: edition._Combined.finish): the file is open for reading and writing, renamed
    at commit with the rest, readable by all, and an error met while it is written names the
    output and leaves no temporary."""
    (tmp_path / "e.pdf").write_bytes(b"old")

    def fill(fh) -> None:  # type: ignore[no-untyped-def]
        fh.write(b"%PDF placeholder %%EOF")
        fh.seek(5)
        assert fh.read(11) == b"placeholder"
        fh.seek(5)
        fh.write(b"PLACEHOLDER")

    with StagedWrites() as staged:
        staged.write(tmp_path / "p.pdf", b"page")
        staged.write_with(tmp_path / "e.pdf", fill)
        assert (tmp_path / "e.pdf").read_bytes() == b"old"  # not before commit
        staged.commit()
    assert (tmp_path / "e.pdf").read_bytes() == b"%PDF PLACEHOLDER %%EOF"
    assert (tmp_path / "e.pdf").stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.pdf", "p.pdf"]

    def fails(fh) -> None:  # type: ignore[no-untyped-def]
        fh.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError) as raised:
        with StagedWrites() as staged:
            staged.write(tmp_path / "q.pdf", b"page")
            staged.write_with(tmp_path / "f.pdf", fails)
            staged.commit()
    assert raised.value.filename == str(tmp_path / "f.pdf") and "No space left" in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.pdf", "p.pdf"]  # nothing of the stopped block
