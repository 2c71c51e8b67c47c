"""What `motia dev` honours of the project settings on its HTTP API: CORS and the JWT authorizer.

As API Gateway does: a CORS preflight is answered without calling a step, allowed origins get
the CORS headers on every reply, and a guarded route without a well-formed, unexpired bearer
token for the configured issuer and audience gets 401 before its step runs. The token's
signature is not checked: that needs the issuer's keys, which `motia dev` does not fetch.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any

from compiler.emulator.events import HttpReply, error_reply
from compiler.ir import Route
from compiler.settings_model import Cors, JwtAuth

Headers = tuple[tuple[str, str], ...]


def header(headers: Headers, name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def allowed_origin(cors: Cors, origin: str | None) -> str | None:
    """The Access-Control-Allow-Origin value for `origin`, None when it is not allowed."""
    if origin is None:
        return None
    if "*" in cors.allow_origins:
        return "*"
    return origin if origin in cors.allow_origins else None


def is_preflight(method: str, headers: Headers) -> bool:
    return method == "OPTIONS" and header(headers, "origin") is not None \
        and header(headers, "access-control-request-method") is not None


def preflight_reply(cors: Cors, headers: Headers) -> HttpReply:
    """API Gateway answers a preflight itself: 204, with the CORS headers when the origin is allowed."""
    origin = allowed_origin(cors, header(headers, "origin"))
    if origin is None:
        return HttpReply(204, (), b"")
    reply: list[tuple[str, str]] = [
        ("access-control-allow-origin", origin),
        ("access-control-allow-methods", ",".join(cors.allow_methods)),
        ("access-control-allow-headers", ",".join(cors.allow_headers)),
    ]
    if cors.allow_credentials:
        reply.append(("access-control-allow-credentials", "true"))
    if cors.max_age_s is not None:
        reply.append(("access-control-max-age", str(cors.max_age_s)))
    return HttpReply(204, tuple(reply), b"")


def with_cors(cors: Cors, request_headers: Headers, reply: HttpReply) -> HttpReply:
    """The reply with API Gateway's CORS headers for an allowed origin (they replace the step's)."""
    origin = allowed_origin(cors, header(request_headers, "origin"))
    if origin is None:
        return reply
    added: list[tuple[str, str]] = [("access-control-allow-origin", origin)]
    if cors.allow_credentials:
        added.append(("access-control-allow-credentials", "true"))
    if cors.expose_headers:
        added.append(("access-control-expose-headers", ",".join(cors.expose_headers)))
    names = {name for name, _ in added}
    kept = tuple((k, v) for k, v in reply.headers if k.lower() not in names)
    return HttpReply(reply.status, kept + tuple(added), reply.body)


def _segment(text: str) -> dict[str, Any]:
    decoded = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    if not isinstance(decoded, dict):
        raise ValueError("not a JSON object")
    return decoded


def token_problem(jwt: JwtAuth, authorization: str | None, now: float) -> str | None:
    """Why API Gateway would refuse this Authorization header; None when it passes what can be checked."""
    if not authorization:
        return "no Authorization header"
    token = authorization.removeprefix("Bearer ").removeprefix("bearer ").strip()
    parts = token.split(".")
    if len(parts) != 3:
        return "the token is not a JWT (header.payload.signature)"
    try:
        _segment(parts[0])
        claims = _segment(parts[1])
    except (ValueError, binascii.Error):
        return "the token's header or payload is not base64url JSON"
    if claims.get("iss") != jwt.issuer:
        return f"issuer {claims.get('iss')!r} is not {jwt.issuer!r}"
    audiences = claims.get("aud", claims.get("client_id"))
    audiences = audiences if isinstance(audiences, list) else [audiences]
    if not set(audiences) & set(jwt.audiences):
        return f"audience {audiences!r} is none of {list(jwt.audiences)!r}"
    expires = claims.get("exp")
    if not isinstance(expires, (int, float)) or expires <= now:
        return "the token has expired (or has no exp claim)"
    return None


def guarded(jwt: JwtAuth | None, route: Route) -> bool:
    if jwt is None:
        return False
    return f"{route.method} {route.source_path}" not in jwt.public_routes \
        and f"{route.method} {route.path}" not in jwt.public_routes


def unauthorized(jwt: JwtAuth | None, route: Route, headers: Headers, now: float | None = None) -> HttpReply | None:
    """API Gateway's 401 for a guarded route without an acceptable token; None to let it through."""
    if jwt is None or not guarded(jwt, route):
        return None
    problem = token_problem(jwt, header(headers, "authorization"), time.time() if now is None else now)
    if problem is None:
        return None
    reply = error_reply(401, "Unauthorized")
    description = problem.replace('"', "'")
    return HttpReply(401, (*reply.headers, ("www-authenticate", f'Bearer error="invalid_token" error_description="{description}"')),
                     reply.body)
