"""Is the cloud assembly on disk what synthesizing now would write? A fingerprint of the inputs.

The fingerprint is the assembly cache's key (`compiler.assembly_cache.assembly_key`): the
model, the stack layout, `motia_aws_stack.py`, the compiler and CDK versions, the bytes of what
the code asset ships, the requirements and our runtime packages. Synthesis costs seconds of
Node, so `motia deploy` reuses an assembly whose fingerprint matches.
"""

from __future__ import annotations

from pathlib import Path

from compiler.assembly_cache import assembly_key
from compiler.ir import Application

__all__ = ["FINGERPRINT_FILE", "assembly_is_current", "fingerprint", "record_fingerprint"]

FINGERPRINT_FILE = "motia-inputs.sha256"


def fingerprint(app: Application) -> str:
    """What decides the assembly's content: the key `motia synth` caches it under."""
    return assembly_key(app)


def assembly_is_current(out_dir: Path, expected: str) -> bool:
    marker = out_dir / FINGERPRINT_FILE
    return (out_dir / "manifest.json").is_file() and marker.is_file() and marker.read_text().strip() == expected


def record_fingerprint(out_dir: Path, value: str) -> None:
    (out_dir / FINGERPRINT_FILE).write_text(value + "\n")
