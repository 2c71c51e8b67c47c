"""`motia invoke STEP` against a stage in a moto server: an HTTP request to the stage's API (a
recording server on 127.0.0.1 stands for API Gateway), a message through the step's SNS topic
(moto), a cron tick (moto has no Lambda runtime without Docker: the invoke is answered as
recorded and every other call goes to moto)."""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest

from compiler.cli import main
from compiler.commands import invoke as invoke_command
from compiler.deploy.aws import connect
from compiler.errors import UsageError
from compiler.operate.invoke import fill_path, schedule_input_now
from tests.compiler.operate_stage import REGION, create_stack, moto_server, step_function

pytestmark = pytest.mark.slow

APP = "shopinv"  # a name of its own: moto servers of one process share their state
STACK = f"{APP}-dev"
QUEUE = f"{STACK}-order-created-Charge"


class _Api(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode() if length else None
        _Api.seen.append({"method": self.command, "path": self.path, "body": body, "headers": dict(self.headers.items())})
        reply = json.dumps({"ok": True, "path": self.path}).encode()
        self.send_response(201 if self.command == "POST" else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def endpoint(api: str) -> Iterator[str]:
    with moto_server() as url:
        create_stack(url, STACK, {
            "CreateFunction": step_function(STACK, "Create", routes={"POST /orders": 0, "GET /orders/{id}": 1}),
            "ChargeFunction": step_function(STACK, "Charge", queues={QUEUE: 0}),
            "ReportFunction": step_function(STACK, "Report"),
        }, {"OutputApiUrl": {"Value": api, "Description": "HTTP API base URL"}})
        sqs = boto3.client("sqs", region_name=REGION, endpoint_url=url)
        sns = boto3.client("sns", region_name=REGION, endpoint_url=url)
        queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        topic = sns.create_topic(Name=f"{STACK}-order-created", Attributes={"DisplayName": "order-created"})["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
        boto3.client("scheduler", region_name=REGION, endpoint_url=url).create_schedule(
            Name=f"{STACK}-Report-cron0", ScheduleExpression="cron(0 8 * * ? *)", FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": f"arn:aws:lambda:{REGION}:123456789012:function:{STACK}-Report",
                    "RoleArn": "arn:aws:iam::123456789012:role/r",
                    "Input": json.dumps({"motia_trigger": 0, "motia_scheduled": "<aws.scheduler.scheduled-time>"})})
        yield url


def _run(capsys: pytest.CaptureFixture[str], endpoint: str, *args: str, app_dir: Path) -> tuple[int, str, str]:
    status = main(["invoke", *args, "--wait", "0", "--app-dir", str(app_dir), "--app-name", APP,
                   "--endpoint-url", endpoint, "--region", REGION])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_sends_an_http_request_on_the_steps_route_with_a_trace_id(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    _Api.seen.clear()
    status, out, _ = _run(capsys, endpoint, "Create", "--route", "POST /orders", "--data", '{"id": 7}',
                          "--header", "X-Tenant: a", app_dir=tmp_path)
    [request] = _Api.seen
    assert status == 0 and (request["method"], request["path"], json.loads(request["body"])) == ("POST", "/orders", {"id": 7})
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["x-tenant"] == "a" and headers["content-type"] == "application/json"
    assert out.startswith(f"POST /orders -> 201, trace {headers['x-trace-id']}") and '"ok": true' in out


def test_fills_a_routes_path_parameters_from_path(endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _Api.seen.clear()
    status, out, _ = _run(capsys, endpoint, "Create", "--route", "GET /orders/{id}", "--path", "/orders/42", app_dir=tmp_path)
    assert status == 0 and _Api.seen[0]["path"] == "/orders/42" and "-> 404" in out  # any answer is the step's, not ours
    with pytest.raises(UsageError, match=r"route /orders/\{id\} has path parameters: pass --path"):
        fill_path("/orders/{id}", None)


def test_publishes_a_message_to_the_topic_the_steps_queue_subscribes_to(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _run(capsys, endpoint, "Charge", "--data", '{"order": 1}', app_dir=tmp_path)
    assert status == 0 and out.startswith("published to topic order-created (message ")
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=endpoint)
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert json.loads(message["Body"]) == {"order": 1}
    trace = message["MessageAttributes"]["motia_trace_id"]["StringValue"]
    assert f"trace {trace}" in out and message["MessageAttributes"]["motia_topic"]["StringValue"] == "order-created"


class _RecordedLambda:
    def __init__(self, real: Any) -> None:
        self._real, self.payloads = real, []  # type: list[dict[str, Any]]

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.payloads.append(json.loads(kwargs["Payload"]))
        tail = json.dumps({"level": "info", "time": 1764316800000, "message": "report sent", "step": "Report", "trace_id": "t"})
        return {"StatusCode": 200, "Payload": io.BytesIO(b"null"), "LogResult": base64.b64encode(f"START RequestId: 1\n{tail}\n".encode()).decode()}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def test_runs_one_cron_tick_now_with_the_schedules_own_input(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorded: list[_RecordedLambda] = []

    def connect_recorded(target: Any) -> Any:
        clients = connect(target)
        recorded.append(_RecordedLambda(clients.lambda_))
        return replace(clients, lambda_=recorded[0])

    monkeypatch.setattr("compiler.deploy.aws.connect", connect_recorded)
    status, out, _ = _run(capsys, endpoint, "Report", app_dir=tmp_path)
    [payload] = recorded[0].payloads
    assert status == 0 and payload["motia_trigger"] == 0 and payload["motia_scheduled"].endswith("Z")
    assert "<aws.scheduler" not in json.dumps(payload)
    assert out.splitlines()[0] == f"{STACK}-Report-cron0: ran" and "report sent" in out and "START" not in out


def test_fills_every_scheduler_placeholder() -> None:
    from datetime import datetime, timezone

    text = schedule_input_now('{"a": "<aws.scheduler.scheduled-time>", "b": "<aws.scheduler.execution-id>"}', "arn:s",
                              datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc), "e-1")
    assert json.loads(text) == {"a": "2026-11-28T09:00:00Z", "b": "e-1"}


@pytest.mark.parametrize(("args", "message"), [
    (("Nope",), f"no step named 'Nope' in {STACK} (its steps: Charge, Create, Report)"),
    (("Create",), "the step has 2 routes (GET /orders/{id}, POST /orders): pass --route"),
    (("Charge", "--cron"), "step Charge has no cron trigger (it has: queue)"),
    (("Charge", "--data", "{oops"), "--data is not JSON"),
    (("Create", "--header", "novalue", "--route", "POST /orders"), "--header 'novalue' is not NAME:VALUE"),
])
def test_fails_with_a_usage_error_that_says_what_to_pass(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str,
) -> None:
    status, _, err = _run(capsys, endpoint, *args, app_dir=tmp_path)
    assert status == 2 and message in err and "Traceback" not in err


def test_kind_is_the_steps_own_when_it_has_one() -> None:
    from compiler.operate.invoke import StepTargets

    only_http = StepTargets("S", "f", ("POST /x",), (), ())
    assert invoke_command._kind(only_http, None) == "http"
    with pytest.raises(UsageError, match="pass one of --http / --queue"):
        invoke_command._kind(StepTargets("S", "f", ("POST /x",), ("q",), ()), None)
