"""compiler/folder_sync.py: the target ends holding exactly the source's files (bytes and
permission bits), and files that were already right are not written again."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path

from compiler.folder_sync import sync_folder
from tests.compiler.projects import write_files


def tree(root: Path) -> dict[str, bytes | None]:
    """Relative path -> bytes (None for a folder): what a copy must equal."""
    found: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        found[path.relative_to(root).as_posix()] = None if path.is_dir() else path.read_bytes()
    return found


def test_target_ends_equal_to_the_source(tmp_path: Path) -> None:
    source = write_files(tmp_path / "source", {"a.json": "new", "asset.2/x.py": "x", "asset.2/y/z.py": "z",
                                         "same.json": "same", "dir-now/f": "f"})
    target = write_files(tmp_path / "target", {"a.json": "old", "asset.1/x.py": "x", "asset.1/gone.py": "g",
                                         "same.json": "same", "extra/e": "e", "dir-now": "was a file"})
    (target / "link").symlink_to(source / "same.json")
    sync_folder(source, target)
    assert tree(target) == tree(source)


def test_keeps_files_that_are_already_right_and_renames_the_code_asset(tmp_path: Path) -> None:
    # GIVEN a target holding the previous assembly, whose code asset had another hash
    source = write_files(tmp_path / "source", {"t.json": "template v2", "asset.new/steps/a.py": "changed",
                                         "asset.new/motia/big.py": "unchanged" * 1000})
    target = write_files(tmp_path / "target", {"t.json": "template v1", "asset.old/steps/a.py": "before",
                                         "asset.old/motia/big.py": "unchanged" * 1000})
    unchanged = target / "asset.old" / "motia" / "big.py"
    inode = unchanged.stat().st_ino
    # WHEN synced THEN the unchanged file is the same file, renamed with its folder, not a new copy
    sync_folder(source, target)
    assert tree(target) == tree(source)
    assert (target / "asset.new" / "motia" / "big.py").stat().st_ino == inode


def test_rewrites_a_file_whose_permissions_differ(tmp_path: Path) -> None:
    source = write_files(tmp_path / "source", {"run.sh": "echo"})
    os.chmod(source / "run.sh", 0o755)
    target = write_files(tmp_path / "target", {"run.sh": "echo"})
    os.chmod(target / "run.sh", 0o644)
    sync_folder(source, target)
    assert (target / "run.sh").stat().st_mode & 0o777 == 0o755
    assert filecmp.cmp(source / "run.sh", target / "run.sh", shallow=False)


def test_links_files_nothing_else_links_and_copies_the_others(tmp_path: Path) -> None:
    source = write_files(tmp_path / "source", {"alone.json": "a", "shared.json": "s"})
    os.link(source / "shared.json", tmp_path / "elsewhere.json")
    (tmp_path / "target").mkdir()
    copied = sync_folder(source, tmp_path / "target", link_unshared=True)
    assert tree(tmp_path / "target") == tree(source)
    assert (tmp_path / "target" / "alone.json").samefile(source / "alone.json")
    assert (tmp_path / "target" / "shared.json").stat().st_nlink == 1
    assert sorted(copied) == ["shared.json"]


def test_never_writes_a_target_file_in_place(tmp_path: Path) -> None:
    # GIVEN a target file that is a hard link to a file elsewhere (an entry of the cache)
    source = write_files(tmp_path / "source", {"t.json": "new"})
    target = write_files(tmp_path / "target", {"t.json": "old"})
    os.link(target / "t.json", tmp_path / "entry.json")
    # WHEN synced THEN the target has the new bytes and the other name kept the old ones
    sync_folder(source, target)
    assert (target / "t.json").read_text() == "new" and (tmp_path / "entry.json").read_text() == "old"


def test_keeps_a_target_file_that_is_the_source_file(tmp_path: Path) -> None:
    source = write_files(tmp_path / "source", {"t.json": "x"})
    target = tmp_path / "target"
    target.mkdir()
    os.link(source / "t.json", target / "t.json")
    assert sync_folder(source, target, link_unshared=True) == {}
    assert (target / "t.json").samefile(source / "t.json")
