"""GIVEN an API Gateway event WHEN the HTTP adapter runs THEN the handler sees an ApiRequest."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from lambda_runtime import contract
from lambda_runtime.adapters import http
from lambda_runtime.function_config import FunctionConfig, UnknownTrigger
from tests.lambda_runtime.conftest import STEPS_ROOT, event, hosted, step_module

API = "steps/orders/api_step.py"
REPO = Path(__file__).resolve().parents[3]


def body_of(result: dict[str, Any]) -> Any:
    return json.loads(result["body"])


def test_v2_request_reaches_handler_with_params_query_headers_and_json_body() -> None:
    result = http.handle(hosted(API, "CreateOrder"), event("apigw_v2_post.json"))
    assert result["statusCode"] == 201
    assert result["headers"]["x-step"] == "create-order"
    assert result["headers"]["content-type"] == "application/json"
    body = body_of(result)
    assert body["id"] == "order-42"
    assert body["total"] == 6.0
    assert body["query"] == {"tag": ["a", "b"], "page": "2"}
    assert body["method"] == "POST"
    assert body["trace_id"] == "trace-from-client"
    assert (body["trigger"], body["path"]) == ("http", "/orders/:id")
    assert body["headers"] == {"x-trace-id": "trace-from-client", "cookie": "session=abc; theme=dark"}


def test_v1_rest_event_with_multi_value_query_and_headers() -> None:
    result = http.handle(hosted(API, "CreateOrder"), event("apigw_v1.json"))
    body = body_of(result)
    assert body["id"] == "order-5"
    assert body["total"] == 3
    assert body["query"] == {"tag": ["a", "b"], "page": "1"}
    assert body["headers"]["x-multi"] == ["one", "two"]


def test_base64_json_body_is_decoded() -> None:
    result = http.handle(hosted(API, "CreateOrder"), event("apigw_v2_base64.json"))
    assert body_of(result)["total"] == 4


def test_a_binary_body_reaches_the_handler_as_raw_bytes_with_body_none() -> None:
    # Motia's engine parses JSON only: other bodies are on `request_body`, `body` is None.
    raw = event("apigw_v2_base64.json")
    raw["headers"] = {"content-type": "application/octet-stream"}
    raw["body"] = base64.b64encode(b"\x00\x01\xff").decode()
    reply = body_of(http.handle(hosted(API, "CreateOrder"), raw))
    assert (reply["body"], reply["raw"]) == (None, "0001ff")


@pytest.mark.parametrize("text", ["{not json", "[" * 100_000, "plain words"])
def test_a_body_that_does_not_parse_reaches_the_handler_as_raw_bytes(text: str) -> None:
    # The step answers, as under Motia: no 400 from the runtime.
    raw = event("apigw_v2_post.json")
    raw["body"] = text
    result = http.handle(hosted(API, "CreateOrder"), raw)
    assert result["statusCode"] == 201
    assert body_of(result)["body"] is None and bytes.fromhex(body_of(result)["raw"]) == text.encode()


def test_a_text_body_is_not_parsed_even_when_it_looks_like_json() -> None:
    raw = event("apigw_v2_post.json")
    raw["headers"] = {**raw["headers"], "content-type": "text/plain"}
    raw["body"] = '{"a": 1}'
    assert body_of(http.handle(hosted(API, "CreateOrder"), raw))["body"] is None


def test_rejects_request_when_condition_is_false_with_422() -> None:
    raw = event("apigw_v2_post.json")
    raw["body"] = json.dumps({"blocked": True})
    result = http.handle(hosted(API, "CreateOrder"), raw)
    assert (result["statusCode"], body_of(result)) == (422, {"error": "Request condition not met", "skipped": True})


def test_fails_with_500_and_error_id_when_handler_raises(capsys: pytest.CaptureFixture[str]) -> None:
    raw = event("apigw_v2_get.json")
    raw["routeKey"] = "GET /explode"
    result = http.handle(hosted(API, "Explode"), raw)
    body = body_of(result)
    assert result["statusCode"] == 500
    assert set(body) == {"error", "error_id"}
    assert "Traceback" not in body["error"]
    logged = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert logged["level"] == "error" and logged["error_id"] == body["error_id"]
    assert "Traceback" in logged["stack"] and logged["trace_id"] == "t-123"


def test_dict_reply_with_status_code_and_text_body() -> None:
    raw = event("apigw_v2_get.json")
    raw["routeKey"] = "GET /dict"
    result = http.handle(hosted(API, "DictReply"), raw)
    assert (result["statusCode"], result["body"], result["headers"]) == (202, "accepted", {"content-type": "text/plain"})


def test_zero_argument_handler_returning_none_answers_204() -> None:
    raw = event("apigw_v2_get.json")
    raw["routeKey"] = "DELETE /nothing"
    raw["requestContext"]["http"]["method"] = "DELETE"
    result = http.handle(hosted(API, "NoContent"), raw)
    assert (result["statusCode"], result["body"]) == (204, "")


def test_multi_trigger_step_gets_the_route_that_matched() -> None:
    step = hosted("steps/multi_step.py", "Multi")
    result = http.handle(step, event("apigw_v2_get.json"))
    assert body_of(result) == {"branch": "http", "index": 0}
    raw = event("apigw_v2_get.json")
    raw["routeKey"] = "POST /items"
    raw["requestContext"]["http"]["method"] = "POST"
    assert body_of(http.handle(step, raw))["index"] == 1
    assert step_module("steps/multi_step.py").SEEN[-2] == ("http", {"id": "7"})


def test_streaming_handler_gets_buffered_motia_http_args() -> None:
    raw = event("apigw_v2_get.json")
    raw["routeKey"] = "GET /download/{name}"
    raw["pathParameters"] = {"name": "ann"}
    result = http.handle(hosted("steps/stream_http_step.py", "Download"), raw)
    assert (result["statusCode"], result["body"]) == (200, "hello world ann")
    assert result["headers"] == {"content-type": "text/plain"}


def test_reply_encodes_bytes_as_base64() -> None:
    result = http.reply(200, b"\x89PNG")
    assert result["isBase64Encoded"] is True
    assert base64.b64decode(result["body"]) == b"\x89PNG"


def test_rejects_route_the_config_does_not_name() -> None:
    raw = event("apigw_v2_get.json")
    raw["routeKey"] = "GET /elsewhere"  # same method as the step's GET route: still no guess
    with pytest.raises(UnknownTrigger, match=r"no HTTP trigger for route 'GET /elsewhere' \(its routes: 'GET /items/\{id\}', 'POST /items'\)"):
        http.handle(hosted("steps/multi_step.py", "Multi"), raw)


def test_rejects_v1_resource_the_config_does_not_name() -> None:
    raw = event("apigw_v1.json")
    raw["resource"] = "/orders"
    with pytest.raises(UnknownTrigger, match="route 'POST /orders'"):
        http.handle(hosted(API, "CreateOrder"), raw)


def test_route_index_comes_from_the_config() -> None:
    fn = hosted("steps/multi_step.py", "Multi", routes={"GET /v2/items/{id}": 0})
    raw = event("apigw_v2_get.json")
    raw["routeKey"] = "GET /v2/items/{id}"
    assert body_of(http.handle(fn, raw)) == {"branch": "http", "index": 0}


# What a cold start must never load to serve a JSON request (each costs milliseconds on Lambda,
# or belongs to a path taken only on demand: failures, binary bodies, asyncio steps, AWS calls).
NEVER_ON_THE_COLD_PATH = (
    "asyncio", "base64", "boto3", "botocore", "dataclasses", "decimal", "hashlib", "inspect",
    "logging", "pydantic", "threading", "traceback", "typing", "uuid",
)


def test_a_cold_start_serving_a_json_request_loads_nothing_costly() -> None:
    """GIVEN Lambda's cold start (json preloaded) WHEN the shim loads and serves one POST THEN no costly import."""
    code = textwrap.dedent(f"""
        import json, sys
        from lambda_runtime import entry
        result = entry.handler(json.loads(sys.stdin.read()), None)
        loaded = sorted(m for m in {NEVER_ON_THE_COLD_PATH!r} if m in sys.modules)
        print(json.dumps([result["statusCode"], loaded]))
    """)
    config = FunctionConfig(app="t", step_file=API, step_name="CreateOrder", routes={"POST /orders/{id}": 0})
    env = {
        **os.environ, "PYTHONPATH": str(REPO), contract.ENV_CODE_ROOT: str(STEPS_ROOT),
        contract.ENV_FUNCTION: config.to_json(),
    }
    # -S: no site hooks (a virtualenv's may import typing); only the shim's own imports count.
    run = subprocess.run(
        [sys.executable, "-S", "-c", code], input=json.dumps(event("apigw_v2_post.json")),
        env=env, capture_output=True, text=True, check=True,
    )
    assert json.loads(run.stdout) == [201, []]


@pytest.mark.parametrize("given", ["x" * 500, "has spaces", "line\nbreak"])
def test_an_ill_formed_client_trace_id_starts_a_new_trace(given: str) -> None:
    raw = event("apigw_v2_post.json")
    raw["headers"] = {**raw["headers"], "x-trace-id": given}
    trace_id = body_of(http.handle(hosted(API, "CreateOrder"), raw))["trace_id"]
    assert trace_id != given and len(trace_id) == 36


@pytest.mark.parametrize("text", ['{"total": NaN}', "Infinity", '[-Infinity]', '"\ud800"', "\ud800{", '{"a": "\udfff"}'])
def test_nan_infinity_and_lone_surrogates_reach_the_handler_as_raw_bytes(text: str) -> None:
    # serde_json (Motia's engine) refuses NaN and Infinity; a lone surrogate is not UTF-8.
    raw = event("apigw_v2_post.json")
    raw["body"] = text
    result = http.handle(hosted(API, "CreateOrder"), raw)
    assert result["statusCode"] == 201
    assert body_of(result)["body"] is None and bytes.fromhex(body_of(result)["raw"]) == text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("text", ['{"note": "\\ud800"}', '["ok", {"\\uDFFF": 1}]'])
def test_an_escaped_lone_surrogate_reaches_the_handler_as_raw_bytes(text: str) -> None:
    raw = event("apigw_v2_post.json")
    raw["body"] = text
    result = http.handle(hosted(API, "CreateOrder"), raw)
    assert result["statusCode"] == 201 and body_of(result)["body"] is None


def test_an_escaped_surrogate_pair_is_json() -> None:
    raw = event("apigw_v2_post.json")
    raw["body"] = '{"note": "\\ud83d\\ude00"}'
    assert body_of(http.handle(hosted(API, "CreateOrder"), raw))["body"] == {"note": "\U0001f600"}


@pytest.mark.parametrize("body", ["not base64!", "YWJ", "YW Jj"])
def test_rejects_a_body_that_is_not_valid_base64_with_400(body: str) -> None:
    raw = event("apigw_v2_base64.json")
    raw["body"] = body
    result = http.handle(hosted(API, "CreateOrder"), raw)
    assert (result["statusCode"], body_of(result)) == (400, {"error": "the request body is marked base64 but is not valid base64"})


def test_rejects_a_body_that_is_not_text_with_400() -> None:
    raw = event("apigw_v2_post.json")
    raw["body"] = {"already": "parsed"}
    assert http.handle(hosted(API, "CreateOrder"), raw)["statusCode"] == 400


@pytest.mark.parametrize("error", [SystemExit(2), GeneratorExit(), RecursionError("deep")])
def test_fails_with_500_when_the_handler_raises_a_base_exception(error: BaseException, monkeypatch: pytest.MonkeyPatch) -> None:
    fn = hosted(API, "Explode")

    def explode(request: Any, ctx: Any) -> None:
        raise error

    monkeypatch.setattr(fn.step, "handler", explode)
    raw = event("apigw_v2_get.json")
    raw["routeKey"] = "GET /explode"
    result = http.handle(fn, raw)
    assert result["statusCode"] == 500 and body_of(result)["error"] == (str(error) or type(error).__name__)
