"""Write small step projects into a temporary folder for tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

HEADER = "from motia import *\n"


def write_files(root: Path, files: dict[str, str]) -> Path:
    """`files` (relative path -> text) written under `root`, as given; `root`."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def write_project(root: Path, files: dict[str, str]) -> Path:
    """`files` maps project-relative paths to source (dedented; step files get `from motia import *`)."""
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        body = textwrap.dedent(source).lstrip("\n")
        if relative.endswith(".py") and "import" not in body.split("\n", 1)[0]:
            body = HEADER + body
        path.write_text(body)
    return root


def step_source(config: str, handler: str = "async def handler(input, ctx):\n    return None\n") -> str:
    return f"config = {config}\n\n{handler}"
