from __future__ import annotations

from compiler.emulator.routing import match_route
from compiler.ir import Route

ROUTES = (
    Route("GET", "/orders/{id}", "/orders/:id", "GetOrder"),
    Route("GET", "/orders/latest", "/orders/latest", "Latest"),
    Route("POST", "/orders", "/orders", "CreateOrder"),
    Route("GET", "/files/{path+}", "/files/*", "Files"),
)


def test_literal_segment_beats_parameter() -> None:
    assert match_route(ROUTES, "GET", "/orders/latest").route.function == "Latest"  # type: ignore[union-attr]


def test_parameters_are_decoded() -> None:
    match = match_route(ROUTES, "GET", "/orders/a%20b")
    assert match is not None and match.path_parameters == {"id": "a b"} and match.route_key == "GET /orders/{id}"


def test_greedy_parameter_takes_the_rest() -> None:
    match = match_route(ROUTES, "get", "/files/a/b/c.txt")
    assert match is not None and match.path_parameters == {"path": "a/b/c.txt"}


def test_rejects_wrong_method_and_unknown_path() -> None:
    assert match_route(ROUTES, "DELETE", "/orders/1") is None
    assert match_route(ROUTES, "GET", "/orders/1/extra") is None
