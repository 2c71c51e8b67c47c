"""compiler/file_records.py: a record tells a file whose bytes changed from one whose links or
times only moved, whatever the writer did to its modification time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compiler.file_records import FileRecord, intact_record, record_of


def test_an_untouched_file_keeps_its_record(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("{}")
    recorded = record_of(path)
    assert intact_record(path, recorded) == recorded


def test_a_new_link_or_time_moves_the_stamp_not_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("{}")
    recorded = record_of(path)
    os.link(path, tmp_path / "other.json")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    now = intact_record(path, recorded)
    assert now is not None and now.sha256 == recorded.sha256 and now != recorded
    assert now == record_of(path)


def test_fails_a_file_written_in_place_with_its_mtime_put_back(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("{}")
    recorded = record_of(path)
    with path.open("r+b") as writer:
        writer.write(b"[]")
    os.utime(path, ns=(recorded.mtime_ns, recorded.mtime_ns))
    assert intact_record(path, recorded) is None


def test_fails_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("{}")
    recorded = record_of(path)
    path.unlink()
    assert intact_record(path, recorded) is None


@pytest.mark.parametrize("value", [[1, 2, 3], "x", [1, 2, 3, "h", 5]])
def test_rejects_a_record_of_another_format(value: object) -> None:
    with pytest.raises(ValueError):
        FileRecord.from_json(value)
