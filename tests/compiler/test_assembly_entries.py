"""compiler/assembly_entries.py: restoring into the user's folder hard-links the entry's files
that nothing else links; a write through the user's folder into a shared file makes the entry
broken, never served; removing an entry never changes the user's folder. Small assemblies of
their own (no synth): `test_assembly_cache.py` runs the real one."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from compiler import assembly_entries, file_records, folder_sync
from compiler.errors import UsageError
from compiler.assembly_entries import (
    ASSEMBLY_DIR,
    FILES_FILE,
    CachedAssembly,
    commit,
    lookup,
    new_staging_dir,
    prune,
    restore,
)

TEMPLATE = "app-dev.template.json"
ASSET_FILE = "asset.abc/steps/hello_step.py"


def store(root: Path, key: str, template: str = '{"Resources": {}}', code: str = "print('hi')\n") -> CachedAssembly:
    """A small committed entry: a template and one file of a code asset."""
    staging = new_staging_dir(root)
    assembly = staging / ASSEMBLY_DIR
    (assembly / "asset.abc" / "steps").mkdir(parents=True)
    (assembly / TEMPLATE).write_text(template)
    (assembly / ASSET_FILE).write_text(code)
    return commit(root, key, staging, "app-dev", TEMPLATE, (("AWS::SNS::Topic", 1),))


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != assembly_entries.RESTORED_FILE}


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


def test_fails_lookup_of_an_entry_written_in_place_through_the_out_folder(tmp_path: Path) -> None:
    # GIVEN an entry linked into the user's folder
    root = tmp_path / "assemblies"
    entry = store(root, "k1")
    out = restore(entry, tmp_path / "cdk.out", link=False)
    # WHEN a tool writes a file of the folder in place, same size (the entry's file changes too)
    with (out / TEMPLATE).open("r+b") as tool:
        tool.write(b"[")
    # THEN the entry is broken: removed, not served; the user's folder keeps what the tool wrote
    assert lookup(root, "k1") is None
    assert not (root / "k1").exists()
    assert (out / TEMPLATE).read_text() == '["Resources": {}}'


def test_fails_lookup_even_when_the_writer_put_the_modification_time_back(tmp_path: Path) -> None:
    root = tmp_path / "assemblies"
    entry = store(root, "k1")
    out = restore(entry, tmp_path / "cdk.out", link=False)
    before = (out / ASSET_FILE).stat()
    with (out / ASSET_FILE).open("r+b") as tool:  # as `cp -p` or `rsync --inplace -t` would
        tool.write(b"#")
    os.utime(out / ASSET_FILE, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (out / ASSET_FILE).stat().st_mtime_ns == before.st_mtime_ns
    assert lookup(root, "k1") is None


def test_an_entry_whose_links_changed_but_not_its_bytes_stays_whole_and_is_hashed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an entry linked into a folder the user then removed (each file's ctime moved twice)
    root = tmp_path / "assemblies"
    entry = store(root, "k1")
    shutil.rmtree(restore(entry, tmp_path / "cdk.out", link=False))
    hashed: list[Path] = []
    real_digest = file_records.file_digest
    monkeypatch.setattr(file_records, "file_digest", lambda path: hashed.append(path) or real_digest(path))
    # WHEN it is looked up THEN it is whole (its bytes are the recorded ones), hashed this once
    assert lookup(root, "k1") == entry
    assert len(hashed) == 2
    assert lookup(root, "k1") == entry
    assert len(hashed) == 2  # the records were brought up to date


def test_pruning_an_entry_leaves_the_out_folder_intact(tmp_path: Path) -> None:
    root = tmp_path / "assemblies"
    entry = store(root, "k1")
    out = restore(entry, tmp_path / "cdk.out", link=False)
    expected = files_of(out)
    prune(root, keep=0)
    assert not (root / "k1").exists()
    assert files_of(out) == expected


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


def test_a_file_record_moved_by_a_link_is_rewritten_whole(tmp_path: Path) -> None:
    root = tmp_path / "assemblies"
    entry = store(root, "k1")
    os.link(entry.assembly_dir / TEMPLATE, tmp_path / "elsewhere.json")  # its ctime moves
    before = (root / "k1" / FILES_FILE).read_text()
    assert lookup(root, "k1") == entry
    after = (root / "k1" / FILES_FILE).read_text()
    assert after != before and lookup(root, "k1") == entry


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


def test_an_entry_of_links_takes_the_digests_of_the_files_it_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN an entry, and a new one whose code is linked from it and whose template is new
    root = tmp_path / "assemblies"
    base = store(root, "k1")
    staging = new_staging_dir(root)
    (staging / ASSEMBLY_DIR / "asset.abc" / "steps").mkdir(parents=True)
    os.link(base.assembly_dir / ASSET_FILE, staging / ASSEMBLY_DIR / ASSET_FILE)
    (staging / ASSEMBLY_DIR / TEMPLATE).write_text('{"Resources": {"T": {}}}')
    hashed: list[str] = []
    real = assembly_entries.record_of
    monkeypatch.setattr(assembly_entries, "record_of", lambda path: (hashed.append(path.name), real(path))[1])
    # WHEN it is committed with the base's digests
    entry = commit(root, "k2", staging, "app-dev", TEMPLATE, (), known_digests=assembly_entries.digests_by_inode(base))
    # THEN only the new file was hashed, and every record holds its file's sha256
    assert hashed == [TEMPLATE]
    for relative, record in entry.files.items():
        assert record.sha256 == file_records.file_digest(entry.assembly_dir / relative), relative


def test_a_linked_file_whose_mtime_moved_is_hashed_again(tmp_path: Path) -> None:
    root = tmp_path / "assemblies"
    base = store(root, "k1")
    os.utime(base.assembly_dir / ASSET_FILE, ns=(1, 1))  # as a write that kept the size would leave it
    assert assembly_entries.digests_by_inode(base).keys() == {
        (s.st_dev, s.st_ino) for s in [(base.assembly_dir / TEMPLATE).stat()]}


# -- the output folder: never a folder whose replacement deletes what is not an assembly ----------

@pytest.mark.parametrize("where", ["project", "its parent"])
def test_out_folder_may_not_be_or_hold_the_project(tmp_path: Path, where: str) -> None:
    project = tmp_path / "proj"
    (project / "steps").mkdir(parents=True)
    out = project if where == "project" else tmp_path
    with pytest.raises(UsageError, match=rf"--out {re.escape(str(out))} (is|holds) the project folder .*Fix: pass a folder"):
        assembly_entries.check_out_dir(out, project)


def test_out_folder_of_other_files_is_refused_with_their_names(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (out / name).write_text("mine")
    with pytest.raises(UsageError, match=r"holds files that are not a cloud assembly \(a.txt, b.txt, c.txt and 1 more\)"):
        assembly_entries.check_out_dir(out, tmp_path / "proj")
    (tmp_path / "file").write_text("mine")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        assembly_entries.check_out_dir(tmp_path / "file", tmp_path / "proj")


@pytest.mark.parametrize("holding", [None, "manifest.json", "cdk.out", assembly_entries.RESTORED_FILE])
def test_out_folder_new_empty_or_an_assembly_is_taken(tmp_path: Path, holding: str | None) -> None:
    out = tmp_path / "out"
    if holding is not None:
        out.mkdir()
        (out / holding).write_text("{}")
        (out / "other-assembly-file.json").write_text("{}")
    assembly_entries.check_out_dir(out, tmp_path / "proj")  # no error
