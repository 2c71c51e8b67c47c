"""Motia's own SDK installed beside motia-aws: both install the import name `motia`.

Python would then import whichever `motia` comes first on the path, or a mix of both packages'
files when pip installed them into one folder: step files fail far from the cause. Every
command checks first (a directory listing per path entry: no importlib.metadata, which costs
~30 ms at each start) and says how to fix it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Sequence

from compiler.errors import UsageError

SDK_DISTRIBUTION_PREFIX = "motia-"  # `motia-1.0.4rc1.dist-info`; ours is `motia_aws-*.dist-info`
FIX = "run `pip uninstall motia`, then `pip install --force-reinstall motia-aws`"


def installed_sdk(path: Sequence[str]) -> tuple[str, str] | None:
    """(version, folder) of Motia's SDK distribution on `path`, if one is installed."""
    for entry in path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith(SDK_DISTRIBUTION_PREFIX) and name.endswith((".dist-info", ".egg-info")):
                version = name[len(SDK_DISTRIBUTION_PREFIX):].rsplit(".", 1)[0]
                return version, entry
    return None


def motia_is_ours(motia_file: str, compiler_file: str) -> bool:
    """Whether the `motia` package Python imports is the one installed with this compiler."""
    return Path(motia_file).resolve().parent.parent == Path(compiler_file).resolve().parent.parent


def search_path() -> Sequence[str]:
    return sys.path


def check_no_sdk(path: Sequence[str] | None = None) -> None:
    """UsageError naming the SDK and the fix when Motia's SDK shares the `motia` import name."""
    found = installed_sdk(search_path() if path is None else path)
    if found is not None:
        version, folder = found
        raise UsageError(
            f"Motia's own SDK (motia {version}, in {folder}) is installed beside motia-aws; both install the "
            f"import name `motia`, so step files would get a mix of the two: {FIX}"
        )
    import compiler
    import motia

    if not motia_is_ours(str(motia.__file__), str(compiler.__file__)):
        raise UsageError(f"`import motia` finds {Path(str(motia.__file__)).parent}, not motia-aws's package: {FIX}")
