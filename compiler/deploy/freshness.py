"""Is the cloud assembly on disk what synthesizing now would write? A fingerprint of the inputs.

Inputs: the application model (names, settings, stage), the stack layout (compiler.stack_layout),
the project's `motia_aws_stack.py`, the bytes of every project file the code asset ships, the
project's requirements, and this repository's own packages (emitter and Lambda runtime changes
change the template or the asset). Synthesis costs seconds of Node, so
`motia deploy` reuses an assembly whose fingerprint matches.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from compiler.assembly_cache import CUSTOMIZE_HOOK_FILE
from compiler.code_asset import REQUIREMENTS_FILE, project_files
from compiler.ir import Application
from compiler.ir_json import application_to_json
from compiler.stack_layout import decide_layout

__all__ = ["FINGERPRINT_FILE", "assembly_is_current", "fingerprint", "record_fingerprint"]

FINGERPRINT_FILE = "motia-inputs.sha256"
TOOL_PACKAGES = ("compiler", "lambda_runtime", "motia")


def _package_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in TOOL_PACKAGES:
        files.extend(p for p in (root / name).rglob("*.py") if "__pycache__" not in p.parts)
    return sorted(files)


def fingerprint(app: Application, tool_root: Path | None = None) -> str:
    """SHA-256 over everything that decides the assembly's content."""
    tool_root = tool_root or Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        # Length-prefixed, so two inputs can never run together into the same stream.
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    add("ir", application_to_json(app).encode())
    add("layout", decide_layout(app).encode())
    root = Path(app.root)
    if (root / CUSTOMIZE_HOOK_FILE).is_file():
        add("customize", (root / CUSTOMIZE_HOOK_FILE).read_bytes())
    for item in project_files(app):
        add(f"project:{item.dest}", item.source.read_bytes() if item.source.is_file() else b"<missing>")
    requirements = root / REQUIREMENTS_FILE
    if requirements.is_file():
        add("requirements", requirements.read_bytes())
    for path in _package_files(tool_root):
        add(f"tool:{path.relative_to(tool_root).as_posix()}", path.read_bytes())
    return digest.hexdigest()


def assembly_is_current(out_dir: Path, expected: str) -> bool:
    marker = out_dir / FINGERPRINT_FILE
    return (out_dir / "manifest.json").is_file() and marker.is_file() and marker.read_text().strip() == expected


def record_fingerprint(out_dir: Path, value: str) -> None:
    (out_dir / FINGERPRINT_FILE).write_text(value + "\n")
