"""Names of Motia's SDK that belong to its engine (iii): importable paths, a clear error on use.

A step file written for Motia may import them (`from motia.iii import get_instance`); on AWS
there is no engine to talk to, so the import itself fails with what to use instead.
"""

from __future__ import annotations

INSTEAD = {
    "get_instance": "state, streams and enqueue work through stateManager, Stream(...) and enqueue(...)",
    "init_iii": "there is no engine to connect to: the Lambda shim and `motia dev` run the steps",
    "Motia": "steps are registered by the compiler from your step files: `motia plan` shows them",
    "setup_step_endpoint": "HTTP routes come from http() triggers: `motia plan` lists them",
    "tracing": "every log line of a step carries its trace id (ctx.trace_id), on AWS and on `motia dev`",
    "validate_step": "`motia plan` validates every step config and reports each problem",
    "StreamClient": "clients subscribe to streams over the WebSocket API of the deployed stage",
}
DEFAULT_INSTEAD = "it talks to Motia's engine, which a Lambda deployment does not run"


class EngineOnly(ImportError):
    """A name of Motia's engine, with no meaning on AWS."""


def engine_only(module: str, name: str) -> EngineOnly:
    """The error for importing `module.name`; ImportError, so `from ... import` reports it as is."""
    instead = INSTEAD.get(name, DEFAULT_INSTEAD)
    return EngineOnly(
        f"{module}.{name} belongs to Motia's engine (iii) and has no meaning on AWS: {instead}",
        name=name,
    )
