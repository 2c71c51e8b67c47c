"""Keys of the content-addressed cache of synthesized cloud assemblies, so an unchanged project
starts `motia dev` and `running_app` without Node or aws_cdk (DESIGN.md 5: seconds a synth).

The key hashes everything that reaches the assembly: the model (IR JSON: stage, names,
every setting), the bytes of every file the code asset takes from the project and from our
runtime packages, the compiler's own sources with the aws-cdk-lib version, and the synth
options. Contents, never mtimes. The entries themselves (layout on disk, commit, restore)
are `compiler.assembly_entries`. No aws_cdk here: a hit must not start Node.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Sequence

from compiler.assembly_entries import CACHE_FORMAT
from compiler.code_asset import REQUIREMENTS_FILE, RUNTIME_PACKAGES, package_dir, project_files, python_candidates
from compiler.file_digest import add_file, sources_fingerprint, tree_files
from compiler.ir import Application
from compiler.ir_json import application_to_json
from compiler.stack_layout import synth_layout

__all__ = [
    "assembly_key",
    "bytecode_option",
    "code_assembly_key",
    "compiler_fingerprint",
    "template_key",
]

# compiler.emit.customize.HOOK_FILE (not imported: it loads aws_cdk); tests keep the two equal.
CUSTOMIZE_HOOK_FILE = "motia_aws_stack.py"
# Versions of what turns constructs into a template: an upgrade must miss the cache.
CDK_DISTRIBUTIONS: tuple[str, ...] = ("aws-cdk-lib", "constructs")


@functools.lru_cache(maxsize=None)
def compiler_fingerprint() -> str:
    """The compiler's sources (emitters, naming, synth settings) and the CDK versions.

    All of `compiler/`, not only what emits: a file that turns out to matter cannot be forgotten.
    Computed once a process: the compiler running is the one loaded at start, edits or not.
    """
    import importlib.metadata  # 12 ms: not for the code-only fast path, which never asks

    digest = hashlib.sha256(sources_fingerprint(Path(__file__).resolve().parent).encode())
    for name in CDK_DISTRIBUTIONS:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}=={version}\n".encode())
    return digest.hexdigest()


def bytecode_option(bytecode_python: Sequence[str] | None) -> str:
    """The bytecode interpreter as the key sees it. None (find one) is keyed by the
    candidates `find_lambda_python` would probe: probing runs each, ~0.2 s a key."""
    if bytecode_python is not None:
        return "given:" + json.dumps(list(bytecode_python))
    return "auto:" + json.dumps([os.path.realpath(c) for c in python_candidates()])


def assembly_key(
    app: Application, *, validate: bool = False, bytecode_python: Sequence[str] | None = None,
    model: str | None = None, for_emulator: bool = False,
) -> str:
    """The hash of everything that reaches the assembly of `app` (see the module docstring);
    `model` is `application_to_json(app)` when the caller has it (0.1 s for 300 steps)."""
    template = template_key(app, validate=validate, model=model, for_emulator=for_emulator)
    return code_assembly_key(template, bytecode_option(bytecode_python), Path(app.root),
                             tuple(item.dest for item in project_files(app)))


def code_assembly_key(template: str, bytecode: str, root: Path, project_dests: Sequence[str]) -> str:
    """`assembly_key` from its parts: the template's key (the model, the compiler, the options),
    the bytecode interpreter, and the bytes of what the code asset takes (the project's files
    at `project_dests`, requirements.txt, our runtime packages). The code-only fast path
    (`compiler.code_only`) computes it without a model."""
    digest = hashlib.sha256()
    digest.update(f"format {CACHE_FORMAT}\ntemplate {template}\nbytecode {bytecode}\n".encode())
    for dest in project_dests:
        add_file(digest, "project/" + dest, root / dest)
    if (root / REQUIREMENTS_FILE).is_file():
        add_file(digest, "requirements", root / REQUIREMENTS_FILE)
    for name in RUNTIME_PACKAGES:
        for relative, path in tree_files(package_dir(name)):
            add_file(digest, f"{name}/{relative}", path)
    return digest.hexdigest()[:32]


def template_key(app: Application, *, validate: bool = False, model: str | None = None,
                 for_emulator: bool = False) -> str:
    """The hash of what reaches the template (the model, the compiler, the options), not the
    code asset's contents: entries that share it differ only in the code asset."""
    digest = hashlib.sha256()
    digest.update(f"format {CACHE_FORMAT}\ncompiler {compiler_fingerprint()}\nvalidate {validate}\n".encode())
    digest.update((model if model is not None else application_to_json(app)).encode())
    digest.update(f"layout {synth_layout(app, for_emulator=for_emulator)}\n".encode())  # compiler.stack_layout
    root = Path(app.root)
    if (root / CUSTOMIZE_HOOK_FILE).is_file():
        # The hook is the user's CDK code run at synth: it may read any project file (a helper
        # module, a step's source), so with one every project file reaches the template and
        # no change is code-only.
        for item in project_files(app):
            add_file(digest, "project/" + item.dest, item.source)
    return digest.hexdigest()[:32]
