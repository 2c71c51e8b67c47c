"""`motia dev` honours the settings' CORS and JWT authorizer as API Gateway does."""

from __future__ import annotations

import base64
import json
import time
from typing import Any, Iterator

import pytest

from compiler.emulator.http_settings import preflight_reply, token_problem, unauthorized, with_cors
from compiler.emulator.events import HttpReply
from compiler.ir import Route
from compiler.emulator.testing import Client, running_app
from compiler.settings_model import Cors, JwtAuth
from tests.compiler.projects import step_source, write_project

CORS = Cors(("https://shop.example.com",), ("GET", "POST"), ("content-type",), ("x-request-id",), True, 600)
JWT = JwtAuth("https://auth.example.com/", ("shop",), ("GET /health",))
NOW = 1_800_000_000
ORDERS = Route("POST", "/orders", "/orders", "CreateOrder")
HEALTH = Route("GET", "/health", "/health", "Health")


def token(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


GOOD = {"iss": "https://auth.example.com/", "aud": "shop", "exp": NOW + 60}


def test_preflight_from_an_allowed_origin_gets_every_cors_header() -> None:
    reply = preflight_reply(CORS, (("Origin", "https://shop.example.com"), ("Access-Control-Request-Method", "POST")))
    assert reply.status == 204 and dict(reply.headers) == {
        "access-control-allow-origin": "https://shop.example.com",
        "access-control-allow-methods": "GET,POST", "access-control-allow-headers": "content-type",
        "access-control-allow-credentials": "true", "access-control-max-age": "600",
    }


def test_preflight_from_another_origin_gets_no_cors_header() -> None:
    reply = preflight_reply(CORS, (("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")))
    assert (reply.status, reply.headers) == (204, ())


def test_replies_to_an_allowed_origin_carry_the_cors_headers_instead_of_the_step_s() -> None:
    step_reply = HttpReply(200, (("Access-Control-Allow-Origin", "*"), ("content-type", "text/plain")), b"ok")
    reply = with_cors(CORS, (("origin", "https://shop.example.com"),), step_reply)
    assert dict(reply.headers) == {
        "content-type": "text/plain", "access-control-allow-origin": "https://shop.example.com",
        "access-control-allow-credentials": "true", "access-control-expose-headers": "x-request-id",
    }
    assert with_cors(CORS, (), step_reply) == step_reply


def test_rejects_a_guarded_route_without_a_token_with_api_gateway_s_401() -> None:
    reply = unauthorized(JWT, ORDERS, (), now=NOW)
    assert reply is not None and reply.status == 401 and json.loads(reply.body) == {"message": "Unauthorized"}
    assert 'error_description="no Authorization header"' in dict(reply.headers)["www-authenticate"]


def test_rejects_malformed_foreign_or_expired_tokens() -> None:
    assert token_problem(JWT, "Bearer abc", NOW) == "the token is not a JWT (header.payload.signature)"
    assert token_problem(JWT, "Bearer a.b.c", NOW) == "the token's header or payload is not base64url JSON"
    assert token_problem(JWT, token({**GOOD, "iss": "https://other/"}), NOW).startswith("issuer 'https://other/'")
    assert token_problem(JWT, token({**GOOD, "aud": ["web"]}), NOW).startswith("audience ['web']")
    assert token_problem(JWT, token({**GOOD, "exp": NOW - 1}), NOW) == "the token has expired (or has no exp claim)"


def test_a_valid_token_or_a_public_route_goes_through() -> None:
    assert unauthorized(JWT, ORDERS, (("Authorization", f"Bearer {token(GOOD)}"),), now=NOW) is None
    assert unauthorized(JWT, ORDERS, (("authorization", token({**GOOD, "aud": ["web", "shop"]})),), now=NOW) is None
    assert unauthorized(JWT, HEALTH, (), now=NOW) is None
    assert unauthorized(None, ORDERS, (), now=NOW) is None


# -- through `motia dev`'s server -------------------------------------------------------------

PROJECT = {
    "steps/orders_step.py": step_source(
        '{"name": "CreateOrder", "triggers": [http("POST", "/orders")]}',
        "async def handler(request, ctx):\n    return {'status': 201, 'body': {'ok': True}}\n"),
    "steps/health_step.py": step_source(
        '{"name": "Health", "triggers": [http("GET", "/health")]}',
        "async def handler(request, ctx):\n    return {'status': 200, 'body': {'up': True}}\n"),
    "pyproject.toml": (
        '[tool.motia-aws.cors]\nallow_origins = ["https://shop.example.com"]\n'
        '[tool.motia-aws.jwt]\nissuer = "https://auth.example.com/"\naudiences = ["shop"]\n'
        'public_routes = ["GET /health"]\n'),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    root = write_project(tmp_path_factory.mktemp("settings_app"), PROJECT)
    with running_app(root) as emulator:
        yield emulator


@pytest.mark.slow
def test_motia_dev_answers_preflight_and_guards_routes(server: Client) -> None:
    origin = {"Origin": "https://shop.example.com"}
    status, headers, _ = server.request("OPTIONS", "/orders", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert status == 204 and headers["access-control-allow-origin"] == "https://shop.example.com"
    status, headers, body = server.request("POST", "/orders", {"id": 1}, headers=origin)
    assert (status, json.loads(body)) == (401, {"message": "Unauthorized"})
    assert headers["access-control-allow-origin"] == "https://shop.example.com"
    good = token({**GOOD, "exp": time.time() + 600})
    status, _, body = server.request("POST", "/orders", {"id": 1}, headers={"Authorization": f"Bearer {good}"})
    assert (status, json.loads(body)) == (201, {"ok": True})
    assert server.get_json("/health") == (200, {"up": True})
