"""The WebSocket API of a project with streams: routes, tables, fan-out, least privilege, output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compiler.pipeline import compile_project
from compiler.synth import synthesize
from lambda_runtime.websocket import WebSocketConfig

from aws_cdk.assertions import Match, Template

pytestmark = pytest.mark.slow

REALTIME = Path(__file__).resolve().parents[2] / "fixtures" / "emulator" / "realtime"
SLOW = Path(__file__).resolve().parents[2] / "fixtures" / "emulator" / "slow"
GOLDEN = Path(__file__).resolve().parents[2] / "golden"


@pytest.fixture(scope="module")
def template_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    app = compile_project(REALTIME, stage="ci")
    result = synthesize(app, tmp_path_factory.mktemp("out") / "cdk.out")
    return json.loads(result.template_path.read_text())


@pytest.fixture(scope="module")
def template(template_json: dict[str, Any]) -> Template:
    return Template.from_json(template_json)


def _of_type(template_json: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template_json["Resources"].items() if r["Type"] == type_}


def test_websocket_api_with_three_routes_to_the_socket_function(template: Template, template_json: dict[str, Any]) -> None:
    template.has_resource_properties("AWS::ApiGatewayV2::Api", {
        "Name": "realtime-ci-streams", "ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.type",
    })
    socket_routes = [r["Properties"]["RouteKey"] for r in _of_type(template_json, "AWS::ApiGatewayV2::Route").values()
                     if r["Properties"]["ApiId"]["Ref"].startswith("RealtimeApi")]
    assert sorted(socket_routes) == ["$connect", "$default", "$disconnect"]
    for route in ("$connect", "$disconnect", "$default"):
        template.has_resource_properties("AWS::ApiGatewayV2::Route", {"RouteKey": route})
    template.has_resource_properties("AWS::ApiGatewayV2::Stage", {"StageName": "live", "AutoDeploy": True})
    template.has_resource_properties("AWS::Lambda::Function", {
        "FunctionName": "realtime-ci-streams-ws", "Handler": "lambda_runtime.websocket.handler",
    })


def test_socket_function_config_names_stream_files_and_tables(template_json: dict[str, Any]) -> None:
    [socket] = [r for r in _of_type(template_json, "AWS::Lambda::Function").values()
                if r["Properties"]["FunctionName"] == "realtime-ci-streams-ws"]
    joined = socket["Properties"]["Environment"]["Variables"]["MOTIA_WEBSOCKET"]["Fn::Join"][1]
    text = "".join(part if isinstance(part, str) else "X" for part in joined)
    config = WebSocketConfig.from_json(text)
    assert (config.stream_files, config.streams, config.app) == (("steps/todos_stream.py",), ("todos",), "realtime-ci")


def test_connections_table_expires_rows(template: Template) -> None:
    template.has_resource_properties("AWS::DynamoDB::Table", {
        "TableName": "realtime-ci-connections",
        "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": True},
    })


def test_fanout_reads_the_streams_table_stream_in_batches(template: Template) -> None:
    template.has_resource_properties("AWS::Lambda::EventSourceMapping", {
        "FunctionName": Match.any_value(), "BatchSize": 100, "StartingPosition": "LATEST",
        "ParallelizationFactor": 4, "MaximumRetryAttempts": 2,
        "EventSourceArn": {"Fn::GetAtt": [Match.string_like_regexp("Tablestreams"), "StreamArn"]},
    })


def test_manage_connections_only_on_this_apis_stage(template_json: dict[str, Any]) -> None:
    statements = [s for p in _of_type(template_json, "AWS::IAM::Policy").values()
                  for s in p["Properties"]["PolicyDocument"]["Statement"]
                  if "execute-api:ManageConnections" in json.dumps(s["Action"])]
    assert len(statements) == 2  # the socket function (syncs) and the fan-out
    for statement in statements:
        resource = json.dumps(statement["Resource"])
        assert '"Ref": "RealtimeApi' in resource and resource.endswith('"/live/*/@connections/*"]]}')
        assert statement["Resource"] != "*"


def test_outputs_the_wss_url(template_json: dict[str, Any]) -> None:
    output = template_json["Outputs"]["OutputWebSocketUrl"]
    assert "wss://" in json.dumps(output["Value"])


def test_no_websocket_api_without_streams() -> None:
    golden = (GOLDEN / "emulator_slow.template.json").read_text()  # a project with no stream
    assert compile_project(SLOW).realtime is None
    assert "WEBSOCKET" not in golden and "streams-fanout" not in golden
