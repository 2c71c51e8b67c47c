from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from compiler.deploy.archive import asset_bytes, zip_directory


def _tree(root: Path) -> Path:
    (root / "b").mkdir(parents=True)
    (root / "z.py").write_text("z = 1\n")
    (root / "b" / "a.py").write_text("a = 1\n")
    run = root / "run.sh"
    run.write_text("#!/bin/sh\n")
    run.chmod(0o700)
    return root


def test_same_files_give_the_same_bytes_whatever_the_mtimes(tmp_path: Path) -> None:
    first = zip_directory(_tree(tmp_path / "one"))
    second_root = _tree(tmp_path / "two")
    os.utime(second_root / "z.py", (1_000_000_000, 1_000_000_000))
    assert zip_directory(second_root) == first


def test_entries_are_sorted_relative_posix_paths(tmp_path: Path) -> None:
    data = zip_directory(_tree(tmp_path))
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["b/a.py", "run.sh", "z.py"]


def test_files_are_readable_by_all_and_executables_stay_executable(tmp_path: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(zip_directory(_tree(tmp_path))))
    modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
    assert modes == {"b/a.py": 0o644, "run.sh": 0o755, "z.py": 0o644}


def test_file_assets_are_uploaded_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"Resources": {}}')
    assert asset_bytes(path, "file") == b'{"Resources": {}}'


def test_a_zip_packaged_directory_is_zipped(tmp_path: Path) -> None:
    root = _tree(tmp_path / "code")
    assert asset_bytes(root, "zip") == zip_directory(root)
