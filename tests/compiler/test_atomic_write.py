"""compiler/atomic_write.py: a cache file written whole or not at all, never an error."""

from __future__ import annotations

from pathlib import Path

from compiler.atomic_write import write_atomically


def test_writes_the_file_in_a_new_folder_and_replaces_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "records" / "a.json"
    assert write_atomically(path, b"first")
    assert write_atomically(path, b"second")
    assert path.read_bytes() == b"second"
    assert [p.name for p in path.parent.iterdir()] == ["a.json"]  # no temporary left beside it


def test_returns_false_where_no_folder_can_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    assert not write_atomically(blocker / "a.json", b"data")
    assert blocker.read_text() == "a file where the folder should be"


def test_returns_false_and_leaves_nothing_when_the_rename_fails(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.mkdir()  # a folder in the way: the rename cannot replace it
    assert not write_atomically(target, b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"] and target.is_dir()
