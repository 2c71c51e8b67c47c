"""The one code asset every step function shares: a directory CDK stages and zips.

Layout (what `lambda_runtime` expects, contract.ENV_STEP_FILE is relative to its root):
  <step files and include_files at their project-relative paths>
  motia/, lambda_runtime/          this repository's packages, copied without bytecode
  <vendored requirements>          the project's requirements.txt, installed as manylinux
                                   wheels for Lambda's Python, cached by requirements hash
No aws_cdk here: `motia deploy` and the emulator may build the same directory.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from compiler.errors import AssetError
from compiler.file_digest import IGNORED_IN_ASSET

if TYPE_CHECKING:  # only for hints: `motia synth`'s fast path imports this module before any model
    from compiler.ir import Application

__all__ = [
    "AssetError",
    "LAMBDA_PIP_PLATFORM_ARGS",
    "AssetBuild",
    "asset_build",
    "build_asset",
    "build_code_asset",
    "find_lambda_python",
    "pip_platform_args",
    "default_cache_root",
    "default_pip_command",
    "project_files",
    "requirement_lines",
    "requirements_key",
    "vendor_requirements",
]

# Lambda's Python runs on Amazon Linux 2023, x86_64 or arm64 (settings' architecture): wheels
# only, never an sdist build for the build machine's platform (DESIGN.md 4: works without Docker).
PIP_PLATFORMS: dict[str, str] = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}


def pip_platform_args(architecture: str = "x86_64", python: str = "3.12") -> tuple[str, ...]:
    """pip's options that fetch wheels for Lambda's platform, not the build machine's."""
    return ("--platform", PIP_PLATFORMS[architecture], "--implementation", "cp",
            "--python-version", python, "--only-binary=:all:")


LAMBDA_PIP_PLATFORM_ARGS: tuple[str, ...] = pip_platform_args()
RUNTIME_PACKAGES: tuple[str, ...] = ("lambda_runtime", "motia")
REQUIREMENTS_FILE = "requirements.txt"
ENV_PIP = "MOTIA_PIP"  # a command prefix replacing `python -m pip` (tests, offline mirrors)
ENV_CACHE_DIR = "MOTIA_CACHE_DIR"


@dataclass(frozen=True)
class AssetFile:
    """One file of the asset: where it lands (POSIX, relative) and where it comes from."""

    dest: str
    source: Path


# Folders of a project that never hold code a step imports at run time.
_NOT_PACKAGED_DIRS = frozenset({
    ".venv", "venv", "env", "node_modules", "cdk.out", "__pycache__", "tests", "test",
    "dist", "build", "site-packages",
})


def python_sources(root: Path) -> set[str]:
    """The project's own .py files, so step files can import helpers (`from lib.x import y`).

    Packaged like SAM packages a CodeUri: everything but virtualenvs, tests, build output
    and hidden folders; data files go through `include_files`.
    """
    found = set()
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if any(p in _NOT_PACKAGED_DIRS or p.startswith(".") for p in parts[:-1]):
            continue
        if parts[0] in RUNTIME_PACKAGES:  # ours are copied from this repository
            continue
        found.add(path.relative_to(root).as_posix())
    return found


def project_files(app: Application) -> tuple[AssetFile, ...]:
    """Step files, the project's Python modules and include files, sorted by destination."""
    root = Path(app.root)
    paths = (
        {fn.file for fn in app.functions}
        | {p for fn in app.functions for p in fn.include_files}
        | python_sources(root)
    )
    return tuple(AssetFile(p, root / p) for p in sorted(paths))


def requirement_lines(text: str) -> tuple[str, ...]:
    """The lines of a requirements file that ask pip for something (no blanks, no comments)."""
    lines = (line.split(" #", 1)[0].strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def requirements_key(lines: Sequence[str], platform_args: Sequence[str] = LAMBDA_PIP_PLATFORM_ARGS) -> str:
    """Cache key: the requirements and the target platform, so a platform change re-installs."""
    blob = "\n".join((*platform_args, *lines)).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def default_pip_command() -> tuple[str, ...]:
    override = os.environ.get(ENV_PIP)
    return tuple(shlex.split(override)) if override else (sys.executable, "-m", "pip")


def default_cache_root() -> Path:
    if os.environ.get(ENV_CACHE_DIR):
        return Path(os.environ[ENV_CACHE_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "motia-aws"


def vendor_requirements(
    requirements: Path, cache_root: Path, pip_command: Sequence[str],
    platform_args: Sequence[str] = LAMBDA_PIP_PLATFORM_ARGS,
) -> Path | None:
    """Install `requirements` for Lambda into a cache dir keyed by its hash; None when empty."""
    lines = requirement_lines(requirements.read_text())
    if not lines:
        return None
    target = cache_root / f"requirements-{requirements_key(lines, platform_args)}"
    if target.is_dir():
        return target
    cache_root.mkdir(parents=True, exist_ok=True)
    # Install beside the target and rename, so an interrupted install never poisons the cache.
    staging = Path(tempfile.mkdtemp(prefix="requirements-", dir=cache_root))
    command = [*pip_command, "install", "--quiet", "--disable-pip-version-check",
               *platform_args, "--target", str(staging), "-r", str(requirements)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise AssetError(
            f"installing {requirements} for Lambda ({' '.join(platform_args)}) failed:\n"
            f"{(result.stderr or result.stdout).strip()}\n"
            "fix: pin versions that publish manylinux wheels for that platform and Python "
            "(source-only packages cannot be built for Lambda without Docker)"
        )
    for pycache in sorted(staging.rglob("__pycache__"), reverse=True):
        # pip compiled bytecode for the building interpreter, which Lambda's 3.12 ignores.
        shutil.rmtree(pycache, ignore_errors=True)
    try:
        staging.rename(target)
    except OSError:  # a concurrent build won the race: its result is the same
        shutil.rmtree(staging, ignore_errors=True)
    return target


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise AssetError(f"package {name!r} not found next to the compiler; reinstall motia-aws")
    return Path(next(iter(spec.submodule_search_locations)))


LAMBDA_PYTHON_VERSION = (3, 12)
ENV_LAMBDA_PYTHON = "MOTIA_LAMBDA_PYTHON"  # an interpreter of Lambda's Python version


def python_candidates(version: str = "%d.%d" % LAMBDA_PYTHON_VERSION) -> list[str]:
    found = [os.environ.get(ENV_LAMBDA_PYTHON, ""), shutil.which(f"python{version}") or ""]
    # pyenv installs versions it does not put on PATH (its shim then refuses to run them).
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found += sorted(str(p) for p in pyenv_root.glob(f"versions/{version}*/bin/python{version}"))
    return [c for c in found if c]


def find_lambda_python(wanted: str = "%d.%d" % LAMBDA_PYTHON_VERSION, cache_root: Path | None = None) -> tuple[str, ...]:
    """A Python of version `wanted` on this machine (env MOTIA_LAMBDA_PYTHON, PATH, or pyenv), or ().

    A candidate an earlier synth found right is taken without running anything: a pyenv shim
    that refuses to run costs a failed probe on every synth otherwise.
    """
    from compiler.bytecode_cache import describe_interpreter, remembered_interpreter

    cache = cache_root or default_cache_root()
    candidates = python_candidates(wanted)
    for candidate in candidates:
        known = remembered_interpreter((candidate,), cache)
        if known is not None and known.version == wanted:
            return (candidate,)
    for candidate in candidates:
        found = describe_interpreter((candidate,), cache)
        if found is not None and found.version == wanted:
            return (candidate,)
    return ()


def asset_fingerprint(code_dir: Path, known: Mapping[tuple[int, int], str] | None = None) -> str:
    """The code asset's content hash: every file's path, size and sha256, in path order.

    Given to CDK as the asset's hash (CDK stores sha256 of it), so the asset's name in the
    template is ours to compute: a code-only change can be written into a cached assembly
    without a synth (`compiler.synth`), and gives the same name a synth would. `known`: the
    sha256 of files already hashed, by inode (st_dev, st_ino): a code-only re-synth's asset
    is mostly links to the last one, whose cache entry records them
    (`assembly_entries.digests_by_inode`).
    """
    found = []
    for folder, _, names in os.walk(code_dir):
        for name in names:
            path = Path(folder, name)
            found.append((path.relative_to(code_dir).as_posix(), path))
    digest = hashlib.sha256()
    for relative, path in sorted(found):
        status = path.stat()
        sha256 = (known or {}).get((status.st_dev, status.st_ino)) or hashlib.sha256(path.read_bytes()).hexdigest()
        digest.update(f"{relative}\0{status.st_size}\0{sha256}\n".encode())
    return digest.hexdigest()


def cdk_asset_hash(fingerprint: str) -> str:
    """The asset hash CDK derives from a custom one (`AssetHashType.CUSTOM`): its sha256."""
    return hashlib.sha256(fingerprint.encode()).hexdigest()


@dataclass(frozen=True)
class AssetBuild:
    """What the code asset of an app is built from, as plain data: another process may build it
    (compiler.code_asset_worker). `bytecode_python` None: find a Python of `python`."""

    root: str
    files: tuple[tuple[str, str], ...]  # (dest, source) of each project file, `project_files`
    architecture: str
    python: str
    cache_root: str
    pip_command: tuple[str, ...]
    bytecode_python: tuple[str, ...] | None


def asset_build(app: Application, *, cache_root: Path | None = None, pip_command: Sequence[str] | None = None,
                bytecode_python: Sequence[str] | None = None) -> AssetBuild:
    return AssetBuild(
        root=app.root, files=tuple((item.dest, str(item.source)) for item in project_files(app)),
        architecture=app.settings.architecture, python=app.settings.python,
        cache_root=str(cache_root or default_cache_root()), pip_command=tuple(pip_command or default_pip_command()),
        bytecode_python=None if bytecode_python is None else tuple(bytecode_python),
    )


def build_code_asset(
    app: Application,
    dest: Path,
    *,
    cache_root: Path | None = None,
    pip_command: Sequence[str] | None = None,
    bytecode_python: Sequence[str] | None = None,
) -> Path:
    """Fill `dest` (created, must not exist) with the shared code asset of `app`; return it.

    `bytecode_python`: the interpreter that compiles bytecode for Lambda (None: find a
    Python 3.12; empty: ship sources only, Lambda then compiles at each cold start).
    """
    return build_asset(asset_build(app, cache_root=cache_root, pip_command=pip_command,
                                   bytecode_python=bytecode_python), dest)


def build_asset(build: AssetBuild, dest: Path) -> Path:
    """`build_code_asset` from its description."""
    from compiler.bytecode_cache import compile_asset_bytecode

    root = Path(build.root)
    requirements = root / REQUIREMENTS_FILE
    cache = Path(build.cache_root)
    dest.mkdir(parents=True)
    if requirements.is_file():
        vendored = vendor_requirements(requirements, cache, build.pip_command,
                                       pip_platform_args(build.architecture, build.python))
        if vendored is not None:
            shutil.copytree(vendored, dest, dirs_exist_ok=True)
    # Our packages last: a project pinning the upstream `motia` package must still run ours.
    for name in RUNTIME_PACKAGES:
        shutil.rmtree(dest / name, ignore_errors=True)
        shutil.copytree(package_dir(name), dest / name, ignore=IGNORED_IN_ASSET)
    for relative, source in build.files:
        if not Path(source).is_file():
            raise AssetError(f"{relative}: file not found under {root}; "
                             "fix the step's include_files or re-run from the project directory")
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    python = find_lambda_python(build.python, cache) if build.bytecode_python is None else build.bytecode_python
    if python:
        compile_asset_bytecode(dest, python, cache)  # only files not compiled before
    return dest
