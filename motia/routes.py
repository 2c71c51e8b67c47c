"""HTTP paths: Motia's Express syntax (`/orders/:id`) and API Gateway's (`/orders/{id}`)."""

from __future__ import annotations

import re

_PARAM = re.compile(r"^:([A-Za-z_][A-Za-z0-9_]*)$")
_BRACED = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\+?\}$")


def aws_route_path(path: str) -> str:
    """`/orders/:id` -> `/orders/{id}`; a final `*` becomes the greedy `{proxy+}`."""
    segments = path.strip().split("/")
    out = []
    for index, segment in enumerate(segments):
        match = _PARAM.match(segment)
        if match:
            out.append("{" + match.group(1) + "}")
        elif segment == "*" and index == len(segments) - 1:
            out.append("{proxy+}")
        else:
            out.append(segment)
    aws = "/".join(out)
    return aws if len(aws) <= 1 else aws.rstrip("/") or "/"


def path_param_names(path: str) -> tuple[str, ...]:
    """Parameter names of an Express or API Gateway path, in order."""
    names = []
    for segment in path.split("/"):
        match = _PARAM.match(segment) or _BRACED.match(segment)
        if match:
            names.append(match.group(1))
    return tuple(names)
