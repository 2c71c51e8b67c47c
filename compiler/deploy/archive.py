"""Deterministic zip of a directory asset: same files in, same bytes out.

The object key is the asset's content hash, so the bytes must not depend on when or where the
directory was built: entries sorted, fixed timestamps, normalized permissions.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

# The earliest date a zip entry can hold; CDK uses the same so hashes agree across machines.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
EXECUTABLE_MODE = 0o755


def directory_entries(root: Path) -> list[tuple[str, Path]]:
    """(archive name, path) of every file under `root`, sorted by archive name."""
    return sorted((p.relative_to(root).as_posix(), p) for p in root.rglob("*") if p.is_file())


def zip_directory(root: Path) -> bytes:
    """The files under `root` as a zip (deflated), independent of mtimes and umask."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in directory_entries(root):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            # Lambda runs the code as another user: every file readable, executables kept.
            mode = EXECUTABLE_MODE if path.stat().st_mode & 0o111 else FILE_MODE
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def asset_bytes(path: Path, packaging: str) -> bytes:
    """What to upload for an asset: a directory zipped, an existing file as it is."""
    if packaging == "zip" and path.is_dir():
        return zip_directory(path)
    return path.read_bytes()
