"""compiler/assembly_restore.py: restoring into the user's folder hard-links the entry's files
that nothing else links and copies the rest, checked after the copy; an unchanged folder is left
as it is; an output folder that is or holds the project, or holds other files, is refused."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from compiler import folder_sync
from compiler.assembly_entries import lookup
from compiler.assembly_restore import RESTORED_FILE, check_out_dir, restore
from compiler.errors import UsageError
from tests.compiler.test_assembly_entries import ASSET_FILE, TEMPLATE, files_of, store


def test_restore_links_every_file_of_a_freshly_committed_entry(tmp_path: Path) -> None:
    # GIVEN an entry just committed WHEN restored into the user's folder
    entry = store(tmp_path / "assemblies", "k1")
    out = restore(entry, tmp_path / "cdk.out", link=False)
    # THEN the folder holds the entry's bytes, each file a hard link to the entry's (no copy)
    assert files_of(out) == files_of(entry.assembly_dir)
    for relative in (TEMPLATE, ASSET_FILE):
        assert (out / relative).samefile(entry.assembly_dir / relative)
        assert (out / relative).stat().st_nlink == 2


def test_restore_copies_what_another_folder_links_already(tmp_path: Path) -> None:
    # GIVEN an entry restored (linked) into one folder WHEN restored into a second one
    entry = store(tmp_path / "assemblies", "k1")
    first = restore(entry, tmp_path / "first", link=False)
    second = restore(entry, tmp_path / "second", link=False)
    # THEN the second gets copies: no two user folders ever share a file
    assert files_of(second) == files_of(entry.assembly_dir)
    assert (second / TEMPLATE).stat().st_nlink == 1 and (first / TEMPLATE).stat().st_nlink == 2


def test_restore_over_an_out_folder_holding_links_to_another_entry(tmp_path: Path) -> None:
    # GIVEN the user's folder holds links to a first entry
    root = tmp_path / "assemblies"
    first = store(root, "k1", template='{"v": 1}')
    out = restore(first, tmp_path / "cdk.out", link=False)
    # WHEN another entry (other template, same code) is restored over it
    second = store(root, "k2", template='{"v": 2}')
    restore(second, out, link=False)
    # THEN the folder holds the second; the first entry's files were not written through it
    assert files_of(out) == files_of(second.assembly_dir)
    assert (out / TEMPLATE).samefile(second.assembly_dir / TEMPLATE)
    assert (first.assembly_dir / TEMPLATE).read_text() == '{"v": 1}'
    assert lookup(root, "k1") == first and lookup(root, "k2") == second


def test_restores_afresh_an_entry_committed_again_under_the_same_key(tmp_path: Path) -> None:
    # GIVEN a folder holding copies of an entry that was then removed and committed again,
    # with other bytes (pip resolved newer wheels, say), under the same key
    root = tmp_path / "assemblies"
    entry = store(root, "k1", code="old\n")
    restore(entry, tmp_path / "linked", link=False)  # takes the only links
    out = restore(entry, tmp_path / "cdk.out", link=False)
    assert (out / ASSET_FILE).stat().st_nlink == 1
    shutil.rmtree(root / "k1")
    again = store(root, "k1", code="new\n")
    # WHEN restored THEN the folder is not taken for already restored: it gets the new bytes
    restore(again, out, link=False)
    assert (out / ASSET_FILE).read_text() == "new\n"


def test_fails_a_restore_whose_copy_took_a_write_made_meanwhile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN an entry linked into a first folder
    root = tmp_path / "assemblies"
    entry = store(root, "k1")
    first = restore(entry, tmp_path / "first", link=False)
    real_copy = shutil.copy2

    def copy_while_a_tool_writes(source: Path, target: Path) -> None:
        real_copy(source, target)
        with (first / Path(source).relative_to(entry.assembly_dir)).open("r+b") as tool:
            tool.write(b"#")

    monkeypatch.setattr(folder_sync.shutil, "copy2", copy_while_a_tool_writes)
    # WHEN a restore into a second folder copies a file a tool writes through the first
    # THEN it fails (callers synthesize afresh) and the entry is removed
    with pytest.raises(OSError, match="changed while it was copied"):
        restore(entry, tmp_path / "second", link=False)
    assert not (root / "k1").exists()


def test_restore_is_not_fooled_by_a_write_that_put_the_modification_time_back(tmp_path: Path) -> None:
    # GIVEN an entry copied into the user's folder (its files are linked into another already)
    entry = store(tmp_path / "assemblies", "k1")
    restore(entry, tmp_path / "linked", link=False)
    out = restore(entry, tmp_path / "cdk.out", link=False)
    before = (out / TEMPLATE).stat()
    # WHEN a tool wrote a file there in place, same size, and put its mtime back
    with (out / TEMPLATE).open("r+b") as tool:
        tool.write(b"[")
    os.utime(out / TEMPLATE, ns=(before.st_atime_ns, before.st_mtime_ns))
    # THEN the restore does not take the folder for already restored: the file is put back
    restore(entry, out, link=False)
    assert files_of(out) == files_of(entry.assembly_dir)


# -- the output folder: never a folder whose replacement deletes what is not an assembly ----------

@pytest.mark.parametrize("where", ["project", "its parent"])
def test_out_folder_may_not_be_or_hold_the_project(tmp_path: Path, where: str) -> None:
    project = tmp_path / "proj"
    (project / "steps").mkdir(parents=True)
    out = project if where == "project" else tmp_path
    with pytest.raises(UsageError, match=rf"--out {re.escape(str(out))} (is|holds) the project folder .*Fix: pass a folder"):
        check_out_dir(out, project)


def test_out_folder_of_other_files_is_refused_with_their_names(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (out / name).write_text("mine")
    with pytest.raises(UsageError, match=r"holds files that are not a cloud assembly \(a.txt, b.txt, c.txt and 1 more\)"):
        check_out_dir(out, tmp_path / "proj")
    (tmp_path / "file").write_text("mine")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        check_out_dir(tmp_path / "file", tmp_path / "proj")


@pytest.mark.parametrize("holding", [None, "manifest.json", "cdk.out", RESTORED_FILE])
def test_out_folder_new_empty_or_an_assembly_is_taken(tmp_path: Path, holding: str | None) -> None:
    out = tmp_path / "out"
    if holding is not None:
        out.mkdir()
        (out / holding).write_text("{}")
        (out / "other-assembly-file.json").write_text("{}")
    check_out_dir(out, tmp_path / "proj")  # no error
