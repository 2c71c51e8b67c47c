"""An assembly's templates seen as one: every step resource wherever its stack is.

Projects are nested from their first step (compiler.stack_layout), so a step's function,
queues and routes live in a nested template; tests that look for a resource by its type and
properties read them all. Nested resources are keyed `<nested template file>/<logical id>`.
"""

from __future__ import annotations

import json
from typing import Any

from compiler.synth import SynthResult, assembly_templates


def all_resources(result: SynthResult) -> dict[str, dict[str, Any]]:
    """The root template's resources, then each nested template's under its file's name."""
    resources: dict[str, dict[str, Any]] = {}
    for path in assembly_templates(result.out_dir, result.template_path):
        nested = path != result.template_path
        for logical_id, resource in json.loads(path.read_text()).get("Resources", {}).items():
            resources[f"{path.name}/{logical_id}" if nested else logical_id] = resource
    return resources


def assembly_text(result: SynthResult) -> str:
    """Every template's text, root first: for what a test only needs to find somewhere."""
    return "\n".join(p.read_text() for p in assembly_templates(result.out_dir, result.template_path))
