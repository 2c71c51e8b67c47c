"""The one way a step file is imported: by the compiler, by the Lambda shim and by the emulator.

Module naming. A step file is imported under its dotted path from the project root, the name
Python itself would give it: `steps/orders/api_step.py` is `steps.orders.api_step`. So
`__package__` (`steps.orders`) is right and `from .util import x` / `from ..shared import y`
resolve as they do under Motia; and when another step file imports the same module
(`from steps.orders import api_step`, `from . import api_step`) it gets the same object, not a
second copy with its own module-level state. Directory names need not be identifiers (`my-dir`
works: only `import` statements require identifiers, relative imports do not). Two cases keep
a unique safe name instead:
- a file name that is not an identifier (`a.step.py`, `my-step_step.py`) keeps its directory's
  package but gets the leaf `a_step_<crc32 of the stem>`: no `import` statement can name such
  a file, and the checksum keeps `a.step.py` and `a-step.py` apart;
- a directory name containing a dot (`v1.2/`) cannot be a package segment: the file becomes the
  top-level `_motia_step_<path>_<crc32>`, importable, without relative imports.

The project root goes on `sys.path` once (`from steps.shared import x`, `import lib`).
Cold path: standard library (and `contract`) only, nothing costly imported at module level.
"""

from __future__ import annotations

import os
import sys
from importlib.util import module_from_spec, spec_from_file_location

from lambda_runtime import contract

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

FALLBACK_PREFIX = "_motia_step_"


class StepImportError(RuntimeError):
    """A step file cannot be imported for a reason of ours (it does not exist, no loader)."""


def code_root() -> str:
    """`MOTIA_CODE_ROOT`, else the directory that contains the `lambda_runtime` package."""
    configured = os.environ.get(contract.ENV_CODE_ROOT)
    if configured:
        return os.path.abspath(configured)
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _checksum(text: str) -> str:
    import zlib  # only for the rare non-identifier file name

    return format(zlib.crc32(text.encode()), "08x")


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)


def step_module_name(relative: str) -> str:
    """The module name of a step file given by its POSIX path relative to the project root."""
    stem = relative[:-3] if relative.endswith(".py") else relative
    *directories, leaf = stem.split("/")
    if not all(part and "." not in part for part in directories):
        return f"{FALLBACK_PREFIX}{_safe(stem)}_{_checksum(stem)}"
    if not leaf.isidentifier():
        leaf = f"{_safe(leaf)}_{_checksum(leaf)}"
    return ".".join([*directories, leaf])


def _same_file(module: ModuleType, path: str) -> bool:
    file = getattr(module, "__file__", None)
    return isinstance(file, str) and os.path.abspath(file) == path


def import_step_file(root: str, relative: str) -> ModuleType:
    """Import `root/relative` as `step_module_name(relative)`, with `root` on sys.path.

    A module already imported from the same file (another step imported it) is returned as is.
    """
    root = os.path.abspath(root)
    path = os.path.join(root, *relative.split("/"))
    if not os.path.isfile(path):
        raise StepImportError(
            f"step file {relative!r} does not exist under {root}: give its path relative to the "
            "project root, with '/' between directories"
        )
    if root not in sys.path:
        sys.path.insert(0, root)
    name = step_module_name(relative)
    existing = sys.modules.get(name)
    if existing is not None and _same_file(existing, path):
        return existing
    spec = spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise StepImportError(f"no Python loader for step file {path}: step files end in .py")
    module = module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if sys.modules.get(name) is module:
            del sys.modules[name]
        raise
    return module
