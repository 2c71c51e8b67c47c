"""Writing a file of the user cache so that a concurrent reader sees the old file or the new
one, whole, and never failing a command over it: the caches are an optimisation. Standard
library only (the unchanged fast path of `motia synth` writes before anything heavy loads)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: Path, data: bytes) -> bool:
    """Write `data` beside `path` and rename it into place; False (nothing left behind) when
    the folder cannot be made or written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return False
    return True
