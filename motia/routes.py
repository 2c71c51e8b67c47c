"""HTTP paths: Motia's Express syntax (`/orders/:id`) and API Gateway's (`/orders/{id}`)."""

from __future__ import annotations


def _param_name(segment: str) -> str | None:
    """`:id` or `{id}` / `{proxy+}` -> the parameter's name; None for a literal segment."""
    if segment.startswith(":"):
        name = segment[1:]
    elif segment.startswith("{") and segment.endswith("}"):
        name = segment[1:-1].removesuffix("+")
    else:
        return None
    return name if name.isidentifier() else None


def aws_route_path(path: str) -> str:
    """`/orders/:id` -> `/orders/{id}`; a final `*` becomes the greedy `{proxy+}`."""
    segments = path.strip().split("/")
    out = []
    for index, segment in enumerate(segments):
        name = _param_name(segment) if segment.startswith(":") else None
        if name:
            out.append("{" + name + "}")
        elif segment == "*" and index == len(segments) - 1:
            out.append("{proxy+}")
        else:
            out.append(segment)
    aws = "/".join(out)
    return aws if len(aws) <= 1 else aws.rstrip("/") or "/"


def path_param_names(path: str) -> tuple[str, ...]:
    """Parameter names of an Express or API Gateway path, in order."""
    return tuple(name for name in map(_param_name, path.split("/")) if name)
