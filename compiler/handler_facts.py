"""What the compile reads from a step's handler function itself (not from its config).

Light on purpose (standard library only): `motia synth`'s code-only fast path
(`compiler.code_only`) reads the same facts without importing the pipeline.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

__all__ = ["is_streaming_http"]


def is_streaming_http(handler: Callable[..., Any]) -> bool:
    """Does the handler write its response through the response writer (`args.response.writer`)?

    Every 1.0.4 handler takes MotiaHttpArgs; only one that names the writer streams. Read from
    the names its code uses (nested functions included), not from its annotation.
    """
    try:
        function = inspect.unwrap(handler)
    except ValueError:  # a `__wrapped__` chain that loops (a decorator's bug): its own code, then
        function = handler
    code = getattr(function, "__code__", None)
    return code is not None and "writer" in _names_used(code)


def _names_used(code: Any) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if hasattr(constant, "co_names"):
            names |= _names_used(constant)
    return names
