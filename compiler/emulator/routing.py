"""Which route of the HTTP API a request matches, the way API Gateway v2 picks one (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from compiler.ir import Route


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    path_parameters: dict[str, str]

    @property
    def route_key(self) -> str:
        return f"{self.route.method} {self.route.path}"


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _match_path(pattern: str, path: str) -> dict[str, str] | None:
    """`/orders/{id}` against `/orders/42` -> {"id": "42"}; `{name+}` takes the rest."""
    wanted, actual = _segments(pattern), _segments(path)
    params: dict[str, str] = {}
    for index, segment in enumerate(wanted):
        if segment.startswith("{") and segment.endswith("+}"):
            rest = actual[index:]
            if not rest:
                return None
            params[segment[1:-2]] = "/".join(unquote(s) for s in rest)
            return params
        if index >= len(actual):
            return None
        if segment.startswith("{") and segment.endswith("}"):
            params[segment[1:-1]] = unquote(actual[index])
        elif segment != actual[index]:
            return None
    return params if len(actual) == len(wanted) else None


def _specificity(route: Route) -> tuple[int, int, int]:
    # API Gateway prefers literal segments over parameters, and greedy paths last.
    segments = _segments(route.path)
    literal = sum(1 for s in segments if not s.startswith("{"))
    greedy = 1 if any(s.endswith("+}") for s in segments) else 0
    return (-greedy, literal, len(segments))


def match_route(routes: tuple[Route, ...], method: str, path: str) -> RouteMatch | None:
    """The most specific route for `METHOD path`, or None (API Gateway answers 404)."""
    candidates = []
    for route in routes:
        if route.method != method.upper() and route.method != "ANY":
            continue
        params = _match_path(route.path, path)
        if params is not None:
            candidates.append((_specificity(route), route, params))
    if not candidates:
        return None
    _, route, params = max(candidates, key=lambda c: c[0])
    return RouteMatch(route, params)

