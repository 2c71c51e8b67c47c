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
    from typing import Iterable

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


def top_level_names(relatives: Iterable[str]) -> set[str]:
    """The top-level package names step files live in (`steps` for `steps/a_step.py`)."""
    return {relative.split("/", 1)[0] for relative in relatives if "/" in relative}


def _lies_under(module: ModuleType | None, prefix: str) -> bool:
    """Whether a module was loaded from below `prefix` (a namespace package: any of its paths)."""
    file = getattr(module, "__file__", None)
    if isinstance(file, str):
        return file.startswith(prefix)
    paths = getattr(module, "__path__", None)
    return paths is not None and any(isinstance(p, str) and p.startswith(prefix) for p in list(paths))


class ProjectImports:
    """One project's modules in this process, between `enter()` and `exit()` (or `with`).

    Step modules are named by their path (`steps.orders.api_step`), so another project's
    `steps` package imported earlier in this process (tests, the emulator after the compiler)
    would resolve this project's relative imports against its own directories: `enter` sets
    modules of the same top-level names aside and puts the root on sys.path; `exit` forgets
    every module loaded from below the root since (checked by a string prefix: no file system
    call per module), takes the root off sys.path if it put it there, and puts back what it set
    aside. On Lambda there is one project per process and none of this is needed.
    """

    def __init__(self, root: str, top_names: set[str]) -> None:
        self.root = os.path.abspath(root)
        self.top_names = set(top_names)
        self._hidden: dict[str, ModuleType] = {}
        self._before: dict[str, ModuleType] = {}
        self._added_path = False

    def enter(self) -> ProjectImports:
        self._hidden = {n: m for n, m in sys.modules.items() if n.partition(".")[0] in self.top_names}
        for name in self._hidden:
            del sys.modules[name]
        self._before = dict(sys.modules)
        self._added_path = self.root not in sys.path
        if self._added_path:
            sys.path.insert(0, self.root)
        return self

    def exit(self) -> None:
        # Decide before deleting or unpathing anything: a namespace package recomputes its
        # path from its parent package and sys.path when read.
        prefix = os.path.join(self.root, "")
        before = self._before
        loaded = [n for n, m in list(sys.modules.items()) if before.get(n) is not m and _lies_under(m, prefix)]
        for name in loaded:
            del sys.modules[name]
        if self._added_path and self.root in sys.path:
            sys.path.remove(self.root)
        for name, module in self._hidden.items():
            sys.modules.setdefault(name, module)
        self._hidden, self._before, self._added_path = {}, {}, False

    def __enter__(self) -> ProjectImports:
        return self.enter()

    def __exit__(self, *exc: object) -> None:
        self.exit()
