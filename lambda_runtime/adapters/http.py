"""API Gateway proxy events (HTTP API payload 2.0, and REST v1) <-> MotiaHttpArgs / ApiResponse.

Which http() trigger a request came through is looked up by its route key in the function's
config (the compiler wrote each route's trigger index there), never re-derived from paths.
"""

from __future__ import annotations

import json
import sys

from motia import runtime as motia_runtime
from motia.channels import ChannelReader, ChannelWriter
from motia.either_way import awaited_at
from motia.log import Logger
from motia.invoke import handler_args
from motia.types import ApiResponse, MotiaHttpArgs, MotiaHttpRequest, MotiaHttpResponse, TriggerInfo

from lambda_runtime import contract
from lambda_runtime.invocation import checked_result, describe, drive, log_failure, make_context, new_id, resolve, unawaited
from lambda_runtime.payload_limits import check_response

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.hosted import HostedFunction


def _lower_headers(event: dict[str, Any]) -> dict[str, str | list[str]]:
    multi = event.get("multiValueHeaders") or {}
    headers: dict[str, str | list[str]] = {}
    for name, value in (event.get("headers") or {}).items():
        values = multi.get(name)
        headers[name.lower()] = list(values) if values and len(values) > 1 else value
    cookies = event.get("cookies")
    if cookies and "cookie" not in headers:  # payload 2.0 moves cookies out of the headers
        headers["cookie"] = "; ".join(cookies)
    return headers


def _query(event: dict[str, Any]) -> dict[str, str | list[str]]:
    raw = event.get("rawQueryString")
    pairs: list[tuple[str, str]]
    if raw:  # v2 joins repeated parameters with commas in queryStringParameters: split the raw one
        from urllib.parse import parse_qsl

        pairs = parse_qsl(raw, keep_blank_values=True)
    elif event.get("multiValueQueryStringParameters"):
        pairs = [(k, v) for k, vs in event["multiValueQueryStringParameters"].items() for v in vs or ()]
    else:
        pairs = list((event.get("queryStringParameters") or {}).items())
    query: dict[str, str | list[str]] = {}
    for key, value in pairs:
        current = query.get(key)
        if current is None:
            query[key] = value
        elif isinstance(current, list):
            current.append(value)
        else:
            query[key] = [current, value]
    return query


def _content_type(headers: dict[str, Any]) -> str:
    value = headers.get("content-type") or ""
    return (value[0] if isinstance(value, list) else value).split(";")[0].strip().lower()


class BadRequest(ValueError):
    """The request itself is malformed (never the step's fault): answered 400 with this message."""


def raw_body(event: dict[str, Any]) -> bytes:
    """The request body's bytes, as the client sent them; BadRequest when they cannot be had."""
    raw = event.get("body")
    if not raw:
        return b""
    if event.get("isBase64Encoded"):
        import base64  # only binary bodies pay for it, not every cold start
        import binascii

        try:
            return base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise BadRequest("the request body is marked base64 but is not valid base64") from None
    if isinstance(raw, str):
        # A lone surrogate (from a JSON escape such as "\ud800" in the event) keeps its bytes:
        # the body then does not parse as JSON, and the step sees the raw bytes on request_body.
        return raw.encode("utf-8", "surrogatepass")
    if isinstance(raw, (bytes, bytearray)):
        return bytes(raw)
    raise BadRequest(f"the request body is a {type(raw).__name__}, not text")


def parsed_body(raw: bytes, content_type: str) -> Any:
    """`body` as Motia's engine gives it: parsed JSON, else None (the bytes are on `request_body`).

    JSON when the content type says so or none is given; a body that does not parse (or nests
    too deep to parse) is None too: the step answers, as under Motia. So is what Python's json
    accepts but JSON and Motia's engine (serde_json) refuse: `NaN`/`Infinity`, bytes that are
    not UTF-8, and lone surrogates, raw or escaped (`"\\ud800"`).
    """
    if not raw:
        return None
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        return None
    try:
        text = raw.decode("utf-8")  # strict: json.loads(bytes) would let lone surrogates through
        value = json.loads(text, parse_constant=_reject_constant)
        if ("\\ud" in text or "\\uD" in text) and _has_lone_surrogate(value):
            return None
        return value
    except (ValueError, RecursionError):
        return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def method_of(event: dict[str, Any]) -> str:
    http = (event.get("requestContext") or {}).get("http") or {}
    return str(http.get("method") or event.get("httpMethod") or "").upper()


def route_key(event: dict[str, Any]) -> str:
    """`METHOD /path/{param}` as API Gateway matched it (v2 `routeKey`, v1 method + `resource`)."""
    if event.get("version") == "2.0" or "routeKey" in event:
        return str(event.get("routeKey") or "")
    return f"{method_of(event)} {event.get('resource') or ''}"


def match_trigger(fn: HostedFunction, event: dict[str, Any]) -> tuple[int, Any]:
    """(index among the step's triggers, trigger) of the route this request came through."""
    index = fn.config.route_trigger(route_key(event))
    return index, fn.trigger_at(index, "http")


def build_args(event: dict[str, Any], headers: dict[str, str | list[str]] | None = None) -> MotiaHttpArgs[Any]:
    """What the handler gets: 1.0.4's MotiaHttpArgs, which also reads as the older ApiRequest."""
    if headers is None:
        headers = _lower_headers(event)
    raw = raw_body(event)
    request: MotiaHttpRequest[Any] = MotiaHttpRequest(
        path_params=dict(event.get("pathParameters") or {}),
        query_params=_query(event),
        body=parsed_body(raw, _content_type(headers)),
        headers=headers,
        method=method_of(event),
        request_body=ChannelReader(raw),
    )
    return MotiaHttpArgs(request=request, response=MotiaHttpResponse(writer=ChannelWriter()))


def json_default(value: Any) -> Any:
    if hasattr(value, "__await__"):  # the handler's mistake: named with its step by `handle`
        raise UnawaitedValue(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump()
    if type(value).__name__ == "Decimal":
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


# One encoder for every response: `json.dumps(default=...)` builds a new one per call (~2 us).
_JSON_ENCODER = json.JSONEncoder(default=json_default)


def reply(status: int, body: Any, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    """An API Gateway proxy result: JSON bodies serialized, bytes base64-encoded."""
    out_headers = {str(k): str(v) for k, v in (headers or {}).items()}
    has_type = any(k.lower() == "content-type" for k in out_headers)
    result: dict[str, Any] = {"statusCode": int(status), "headers": out_headers}
    if body is None:
        result["body"] = ""
    elif isinstance(body, (bytes, bytearray)):
        import base64

        result["body"] = base64.b64encode(bytes(body)).decode()
        result["isBase64Encoded"] = True
        if not has_type:
            out_headers["content-type"] = "application/octet-stream"
    elif isinstance(body, str):
        result["body"] = body
        if not has_type:
            out_headers["content-type"] = "text/plain; charset=utf-8"
    else:
        result["body"] = _JSON_ENCODER.encode(body)
        if not has_type:
            out_headers["content-type"] = "application/json"
    return result


def to_proxy_result(value: Any, args: MotiaHttpArgs[Any]) -> dict[str, Any]:
    """ApiResponse, a dict `{status|status_code|statusCode, body, headers}`, a model, or None
    (the response written through `args.response`; 204 when nothing was written)."""
    if isinstance(value, ApiResponse):
        return reply(value.status, value.body, value.headers)
    if isinstance(value, dict) and ({"status", "status_code", "statusCode"} & value.keys() or "body" in value):
        status = int(next((value[k] for k in ("status_code", "status", "statusCode") if k in value), 200))
        return reply(status, value.get("body"), value.get("headers"))
    if value is None:
        response = args.response
        body = response.writer.body
        if body is None and not response.status_set and not response.header_values:
            return reply(204, None)
        headers = response.header_values
        content_type = _content_type({k.lower(): v for k, v in headers.items()})
        if body is not None and ("json" in content_type or content_type.startswith("text/")):
            return reply(response.status_code, body.decode("utf-8", "replace"), headers)
        return reply(response.status_code, body, headers)
    dump = getattr(value, "model_dump", None)
    if callable(dump) and {"status", "body"} <= set(dump()):
        dumped = dump()
        return reply(dumped["status"], dumped.get("body"), dumped.get("headers"))
    return reply(200, value)


def run_chain(handler: Any, middleware: list[Any], args: MotiaHttpArgs[Any], ctx: Any) -> Any:
    """The handler behind the route's middleware, composed as Motia composes it: each
    `middleware(args, ctx, next_fn)`, sync or async; one that answers without calling
    `next_fn` stops the chain and the handler never runs.

    The chain is one coroutine, so an async middleware awaits the rest inside the same run;
    a sync middleware's `next_fn()` finishes the rest before it returns.
    """

    async def call(position: int) -> Any:
        if position == len(middleware):
            result = handler(*handler_args(handler, args, ctx))
        else:
            def next_fn() -> Any:
                rest = call(position + 1)
                return rest if awaited_at(sys._getframe(1)) else drive(rest)

            result = middleware[position](args, ctx, next_fn)
        return (await result) if hasattr(result, "__await__") else result

    return resolve(call(0))


def _trace_id(headers: dict[str, Any]) -> str:
    """The client's trace id when well formed (bounded, plain characters), else a new one."""
    for name in contract.TRACE_HEADERS:
        value = headers.get(name)
        if value:
            given = value[0] if isinstance(value, list) else value
            return given if contract.well_formed_trace_id(given) else new_id()
    return new_id()


class UnawaitedValue(TypeError):
    """An awaitable met while serializing a response (`args[0]`)."""


def handle(fn: HostedFunction, event: dict[str, Any]) -> dict[str, Any]:
    """One request: 400 when it is malformed, 422 when the condition is false, 500 when the
    handler fails (any exception of the step's code, BaseExceptions too), else its reply.

    A route the config does not list raises UnknownTrigger: API Gateway answers 500 and the
    error is in the function's log (only a stale deployment sends one).
    """
    index, trigger = match_trigger(fn, event)
    headers = _lower_headers(event)
    trace_id = _trace_id(headers)
    try:
        args = build_args(event, headers)
    except BadRequest as error:
        Logger(step=fn.name, trace_id=trace_id).warn(f"bad request: {error}")
        return reply(400, {"error": str(error)})
    info = TriggerInfo(type="http", index=index, path=trigger.path, method=str(trigger.method).upper())
    ctx = make_context(fn, info, trace_id, args)
    token = motia_runtime.set_current_context(ctx)
    try:
        condition = trigger.condition
        if condition is not None and not resolve(condition(args, ctx)):
            return reply(422, {"error": "Request condition not met", "skipped": True})
        result = checked_result(fn, run_chain(fn.step.handler, list(trigger.middleware or ()), args, ctx))
        try:
            proxy_result = to_proxy_result(result, args)
        except UnawaitedValue as forgotten:
            raise unawaited(fn, forgotten.args[0]) from None
        check_response(fn.name, proxy_result)
        return proxy_result
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        error_id = new_id()
        log_failure(fn, trace_id, "HTTP handler failed", error, error_id=error_id)
        return reply(500, {"error": describe(error), "error_id": error_id})
    finally:
        motia_runtime.reset_current_context(token)
