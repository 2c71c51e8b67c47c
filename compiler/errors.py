"""Every error a user can cause, as one hierarchy the CLI turns into one line and an exit status.

`MotiaError.exit_status` is the `motia` exit status: 1 when the project, its assembly or the
cloud has a problem, 2 for a usage error. The message is the whole line a user reads after
`motia <command>: ` (what was wrong, the value, the fix), never a traceback. The modules
that raise these keep their old names importable (`compiler.deploy.aws.DeployError`, ...).
"""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = [
    "AssemblyError",
    "AssetError",
    "DeployError",
    "MotiaError",
    "MotoMissing",
    "PortInUse",
    "ProjectError",
    "ProjectNotFound",
    "ResourceLimitError",
    "UsageError",
    "report",
]

PROJECT_OR_CLOUD = 1
USAGE = 2


class MotiaError(Exception):
    """A problem a user can fix; the message says what and how."""

    exit_status: int = PROJECT_OR_CLOUD


class UsageError(MotiaError):
    """The command was called wrongly: a missing folder, a taken port, no terminal to ask."""

    exit_status = USAGE


class ProjectNotFound(UsageError, ValueError):
    """The app directory does not exist (a usage error, not a project error)."""


class PortInUse(UsageError, RuntimeError):
    """The emulator's HTTP port is taken."""


class ProjectError(MotiaError, RuntimeError):
    """The project does not compile; the message says what did not happen (or lists the diagnostics)."""


class AssetError(MotiaError, RuntimeError):
    """The code asset cannot be built; the message names the file or command and the fix."""


class ResourceLimitError(MotiaError, RuntimeError):
    """The stack would exceed CloudFormation's resources-per-stack quota."""


class AssemblyError(MotiaError, ValueError):
    """The cloud assembly is missing, malformed, or asks for something we cannot publish."""


class DeployError(MotiaError, RuntimeError):
    """A deploy (to AWS or into the emulator's moto) cannot go on; the message is one line."""


class MotoMissing(MotiaError, RuntimeError):
    """moto (with its server extra) is not installed."""


def report(command: str, error: MotiaError, stream: TextIO | None = None) -> int:
    """Print `motia <command>: <message>` on one line; the error's exit status."""
    print(f"motia {command}: {error}", file=stream or sys.stderr)
    return error.exit_status
