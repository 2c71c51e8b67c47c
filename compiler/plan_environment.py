"""`motia plan`'s section on what every function's environment gets from `.env` files."""

from __future__ import annotations

from compiler import ir
from compiler.stage_environment import env_files, reference_text


def environment_lines(app: ir.Application) -> list[str]:
    """Names of the plain values, and each secret with where the shim reads it (no values)."""
    if not app.environment and not app.secrets:
        return []
    lines = ["", f"Environment (every function; from {' then '.join(env_files(app.stage))})"]
    if app.environment:
        lines.append(f"  plain:  {', '.join(name for name, _ in app.environment)}")
    for secret in app.secrets:
        lines.append(f"  secret: {secret.variable:<24} <- {reference_text(secret)} (read at cold start)")
    return lines
