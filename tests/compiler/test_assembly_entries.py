"""compiler/assembly_entries.py: a write through the user's folder into a file it shares with
an entry makes the entry broken, never served; removing an entry never changes the user's
folder; an entry's records follow its links. Small assemblies of their own (no synth):
`test_assembly_cache.py` runs the real one; restoring: `test_assembly_restore.py`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from compiler import assembly_entries, file_records
from compiler.assembly_entries import (
    ASSEMBLY_DIR,
    FILES_FILE,
    CachedAssembly,
    commit,
    lookup,
    new_staging_dir,
    prune,
)
from compiler.assembly_restore import RESTORED_FILE, restore

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
            if p.is_file() and p.name != RESTORED_FILE}


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


def test_a_file_record_moved_by_a_link_is_rewritten_whole(tmp_path: Path) -> None:
    root = tmp_path / "assemblies"
    entry = store(root, "k1")
    os.link(entry.assembly_dir / TEMPLATE, tmp_path / "elsewhere.json")  # its ctime moves
    before = (root / "k1" / FILES_FILE).read_text()
    assert lookup(root, "k1") == entry
    after = (root / "k1" / FILES_FILE).read_text()
    assert after != before and lookup(root, "k1") == entry


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
