"""API Gateway proxy events (HTTP API payload 2.0, and REST v1) <-> ApiRequest / ApiResponse.

Which http() trigger a request came through is looked up by its route key in the function's
config (the compiler wrote each route's trigger index there), never re-derived from paths.
"""

from __future__ import annotations

import json

from motia import runtime as motia_runtime
from motia.invoke import handler_args
from motia.types import ApiRequest, ApiResponse, MotiaHttpArgs, MotiaHttpRequest, MotiaHttpResponse, TriggerInfo

from lambda_runtime import contract
from lambda_runtime.invocation import log_failure, make_context, new_id, resolve

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.hosted import HostedFunction


class MalformedBody(ValueError):
    """A request body that says it is JSON but does not parse."""


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


def decode_body(event: dict[str, Any], content_type: str) -> Any:
    """JSON when the content type says so (or none is given and it parses); bytes for binary."""
    raw = event.get("body")
    if raw is None or raw == "":
        return None
    is_json = content_type == "application/json" or content_type.endswith("+json")
    if event.get("isBase64Encoded"):
        import base64  # only binary bodies pay for it, not every cold start

        data: str | bytes = base64.b64decode(raw)
    else:
        data = raw
    if is_json:
        try:
            return json.loads(data)
        except ValueError as error:
            raise MalformedBody(f"the request body is not valid JSON: {error}") from None
    if isinstance(data, bytes):
        if content_type.startswith("text/") or content_type == "application/x-www-form-urlencoded":
            return data.decode("utf-8", "replace")
        return data
    if not content_type:  # clients often omit it for JSON: Motia parses what parses
        try:
            return json.loads(data)
        except ValueError:
            return data
    return data


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


def wants_streaming_args(handler: Any) -> bool:
    """True when the handler's first parameter is annotated MotiaHttpArgs (no inspect import)."""
    code = getattr(handler, "__code__", None)
    annotations = getattr(handler, "__annotations__", None) or {}
    if code is None or code.co_argcount == 0:
        return False
    annotation = annotations.get(code.co_varnames[0])
    return annotation is MotiaHttpArgs or "MotiaHttpArgs" in str(annotation or "")


def build_request(event: dict[str, Any], headers: dict[str, str | list[str]] | None = None) -> ApiRequest[Any]:
    """The handler's ApiRequest; `headers`: the event's headers already lowered, if the caller has them."""
    if headers is None:
        headers = _lower_headers(event)
    return ApiRequest(
        path_params=dict(event.get("pathParameters") or {}),
        query_params=_query(event),
        body=decode_body(event, _content_type(headers)),
        headers=headers,
        method=method_of(event),
    )


class _BufferedWriter:
    """Collects what a streaming handler writes: API Gateway returns whole responses."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.stream = self  # Motia's writer exposes `.stream.write(...)`
        self.closed = False

    def write(self, chunk: Any) -> None:
        self.chunks.append(chunk if isinstance(chunk, bytes) else str(chunk).encode())

    def close(self) -> None:
        self.closed = True


def streaming_args(request: ApiRequest[Any]) -> MotiaHttpArgs[Any]:
    http_request: MotiaHttpRequest[Any] = MotiaHttpRequest(
        path_params=request.path_params,
        query_params=request.query_params,
        body=request.body,
        headers=request.headers,
        method=request.method,
        request_body=request.body,
    )
    return MotiaHttpArgs(request=http_request, response=MotiaHttpResponse(writer=_BufferedWriter()))


def json_default(value: Any) -> Any:
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


def to_proxy_result(value: Any, args: MotiaHttpArgs[Any] | None = None) -> dict[str, Any]:
    """ApiResponse, a dict `{status|status_code|statusCode, body, headers}`, or None."""
    if isinstance(value, ApiResponse):
        return reply(value.status, value.body, value.headers)
    if isinstance(value, dict) and ({"status", "status_code", "statusCode"} & value.keys() or "body" in value):
        status = int(next((value[k] for k in ("status", "status_code", "statusCode") if k in value), 200))
        return reply(status, value.get("body"), value.get("headers"))
    if value is None and args is not None:
        writer = args.response.writer
        body = b"".join(writer.chunks) if writer.chunks else None
        headers = args.response.header_values
        content_type = _content_type({k.lower(): v for k, v in headers.items()})
        if body is not None and ("json" in content_type or content_type.startswith("text/")):
            return reply(args.response.status_code, body.decode("utf-8", "replace"), headers)
        return reply(args.response.status_code, body, headers)
    if value is None:
        return reply(204, None)
    dump = getattr(value, "model_dump", None)
    if callable(dump) and {"status", "body"} <= set(dump()):
        dumped = dump()
        return reply(dumped["status"], dumped.get("body"), dumped.get("headers"))
    return reply(200, value)


def _trace_id(headers: dict[str, Any]) -> str:
    for name in contract.TRACE_HEADERS:
        value = headers.get(name)
        if value:
            return value[0] if isinstance(value, list) else str(value)
    return new_id()


def handle(fn: HostedFunction, event: dict[str, Any]) -> dict[str, Any]:
    """One request: 400 malformed JSON, 422 condition false, 500 handler error, else the reply.

    A route the config does not list raises UnknownTrigger: API Gateway answers 500 and the
    error is in the function's log (only a stale deployment sends one).
    """
    index, trigger = match_trigger(fn, event)
    step = fn.step
    headers = _lower_headers(event)
    trace_id = _trace_id(headers)
    try:
        request = build_request(event, headers)
    except MalformedBody as error:
        return reply(400, {"error": str(error)})
    input_value: Any = streaming_args(request) if wants_streaming_args(step.handler) else request
    info = TriggerInfo(type="http", index=index, path=trigger.path, method=str(trigger.method).upper())
    ctx = make_context(fn, info, trace_id, input_value)
    token = motia_runtime.set_current_context(ctx)
    try:
        condition = trigger.condition
        if condition is not None and not resolve(condition(input_value, ctx)):
            return reply(422, {"error": "Request condition not met"})
        result = resolve(step.handler(*handler_args(step.handler, input_value, ctx)))
        return to_proxy_result(result, input_value if input_value is not request else None)
    except Exception as error:
        error_id = new_id()
        log_failure(fn, trace_id, "HTTP handler failed", error, error_id=error_id)
        return reply(500, {"error": str(error) or type(error).__name__, "error_id": error_id})
    finally:
        motia_runtime.reset_current_context(token)
