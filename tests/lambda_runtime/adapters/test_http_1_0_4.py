"""HTTP handlers written for Motia 1.0.4 run as under Motia: MotiaHttpArgs, middleware, the
response writer, the request body reader, sync streams; a forgotten await is an error."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from lambda_runtime.adapters import http
from tests.lambda_runtime.conftest import event, hosted, step_module

STEPS = "steps/http_1_0_4_step.py"


def request(method: str, route: str, path: str, *, headers: dict[str, str] | None = None,
            body: bytes | None = None, path_parameters: dict[str, str] | None = None, query: str = "") -> dict[str, Any]:
    raw = event("apigw_v2_get.json")
    raw.update(routeKey=f"{method} {route}", rawPath=path, rawQueryString=query, headers=headers or {})
    raw["requestContext"]["http"].update(method=method, path=path)
    raw.pop("queryStringParameters", None)
    raw["pathParameters"] = path_parameters or {}
    if body is not None:
        raw.update(body=base64.b64encode(body).decode(), isBase64Encoded=True)
    return raw


def body_of(result: dict[str, Any]) -> Any:
    return json.loads(result["body"])


@pytest.fixture
def calls() -> list[str]:
    log: list[str] = step_module(STEPS).CALLS
    log.clear()
    return log


def test_a_middleware_that_answers_stops_the_chain_before_the_handler(calls: list[str]) -> None:
    result = http.handle(hosted(STEPS, "Guarded"), request("GET", "/guarded/{id}", "/guarded/7", path_parameters={"id": "7"}))
    assert (result["statusCode"], body_of(result)) == (401, {"error": "unauthorized"})
    assert calls == ["auth"]  # the handler never ran: no token, no data


def test_middleware_runs_in_order_around_the_handler_sync_or_async(calls: list[str]) -> None:
    raw = request("GET", "/guarded/{id}", "/guarded/7", headers={"authorization": "Bearer good"},
                  path_parameters={"id": "7"}, query="tag=a&tag=b&one=1")
    result = http.handle(hosted(STEPS, "Guarded"), raw)
    assert result["statusCode"] == 200 and result["headers"]["x-seen"] == "yes"
    assert body_of(result) == {"id": "7", "query": {"tag": ["a", "b"], "one": "1"}}
    assert calls == ["auth", "header", "handler"]


def test_a_handler_streams_its_response_and_reads_the_raw_request_body() -> None:
    raw = request("POST", "/streamed", "/streamed", headers={"content-type": "application/octet-stream"}, body=b"\x00bytes")
    result = http.handle(hosted(STEPS, "Streamed"), raw)
    assert (result["statusCode"], result["headers"]["content-type"], result["body"]) == (207, "text/plain", "got \x00bytes")


def test_fails_with_500_naming_the_step_when_a_response_holds_an_unawaited_coroutine(capsys: pytest.CaptureFixture[str]) -> None:
    result = http.handle(hosted(STEPS, "Forgetful"), request("GET", "/forgetful", "/forgetful"))
    assert result["statusCode"] == 500
    error = body_of(result)["error"]
    assert "'Forgetful'" in error and "never awaited" in error and "coroutine object" in error
    assert "coroutine object" not in json.dumps(body_of(result).get("item"))
    assert "never awaited" in capsys.readouterr().out


def test_sync_1_0_4_stream_calls_write_and_answer_values(aws: Any) -> None:
    result = http.handle(hosted(STEPS, "SyncStreams"), request("PUT", "/sync/{id}", "/sync/9", path_parameters={"id": "9"}))
    assert body_of(result) == {"written": {"old_value": None, "new_value": {"total": 3}}, "read": {"total": 3}}
