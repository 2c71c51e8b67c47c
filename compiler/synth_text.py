"""The summary `motia synth` prints: where the assembly is, resources by type, routes."""

from __future__ import annotations

from compiler import ir
from compiler.report import plural, table
from compiler.synth import SynthResult


def render_synth_summary(app: ir.Application, result: SynthResult) -> str:
    lines = [
        f"Synthesized stack {result.stack_name} ({plural(result.total_resources, 'resource')}) "
        f"into {result.out_dir}",
        f"  template: {result.template_path}",
        *nested_line(result),
        "",
        "Resources",
        *table(("type", "count"), result.resource_counts),
    ]
    if app.routes:
        routes = sorted(app.routes, key=lambda r: (r.path, r.method))
        lines += ["", "HTTP API routes (URL in the stack output ApiUrl after deploy)",
                  *table(("method", "path", "step"), ((r.method, r.path, r.function) for r in routes))]
    if app.warnings:
        lines += ["", plural(len(app.warnings), "warning") + " (see above)"]
    return "\n".join(lines) + "\n"


def nested_line(result: SynthResult) -> list[str]:
    """Where the steps are, when they are in nested stacks (compiler.stack_layout)."""
    nested = dict(result.resource_counts).get("AWS::CloudFormation::Stack", 0)
    if not nested:
        return []
    return [f"  steps in {plural(nested, 'nested stack')} (Steps00-Steps31, by step name; docs/scale.md), "
            "shared resources in the root"]
