"""Every project setting in the template: `every_kind` with all settings on, one synth."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from compiler.ir import Realtime
from compiler.settings import parse_settings
from compiler.stack_layout import Layout, record_layout
from compiler.synth import SynthResult, assembly_templates, synthesize
from tests.compiler.emit.ir_fixtures import PREFIX, every_kind, write_project
from tests.compiler.test_settings import ALARM_TOPIC, CERT, FULL, LAYER

from aws_cdk.assertions import Match, Template

pytestmark = pytest.mark.slow

SETTINGS_TABLE = {
    **FULL,
    "python": "3.13",
    "reserved_concurrency": {"get-order": 7},
    "jwt": {"issuer": "https://auth.example.com/", "audiences": ["shop"], "public_routes": ["GET /orders/:id"]},
}


def synthesize_every_setting(tmp_path_factory: pytest.TempPathFactory, layout: Layout) -> SynthResult:
    root = tmp_path_factory.mktemp("project")
    settings, problems = parse_settings(SETTINGS_TABLE, "test")
    assert problems == []
    # With the realtime functions: they run the project's bundle too, so the settings shape them.
    realtime = Realtime(connections_table=f"{PREFIX}-connections", socket_function=f"{PREFIX}-streams-ws",
                        fanout_function=f"{PREFIX}-streams-fanout")
    app = dataclasses.replace(every_kind(root), settings=settings, realtime=realtime)
    write_project(root, app)
    record_layout(root, layout)
    return synthesize(app, tmp_path_factory.mktemp("out") / "cdk.out", bytecode_python=())


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize_every_setting(tmp_path_factory, "flat").template_path


@pytest.fixture(scope="module")
def nested_resources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The project nested (`compiler.stack_layout`): every template's resources by logical id."""
    result = synthesize_every_setting(tmp_path_factory, "nested")
    return {logical_id: resource for path in assembly_templates(result.out_dir, result.template_path)
            for logical_id, resource in json.loads(path.read_text())["Resources"].items()}


@pytest.fixture(scope="module")
def template_json(synthesized: Path) -> dict[str, Any]:
    return json.loads(synthesized.read_text())


@pytest.fixture(scope="module")
def template(template_json: dict[str, Any]) -> Template:
    return Template.from_json(template_json)


def functions(template_json: dict[str, Any]) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template_json["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]


def test_every_function_gets_architecture_runtime_tracing_layers_and_vpc(template_json: dict[str, Any]) -> None:
    props = functions(template_json)
    assert len(props) == 9  # seven steps, the WebSocket function and the fan-out
    for fn in props:
        assert fn["Architectures"] == ["arm64"]
        assert fn["Runtime"] == "python3.13"
        assert fn["TracingConfig"] == {"Mode": "Active"}
        assert fn["Layers"] == [LAYER]
        assert fn["VpcConfig"] == {"SubnetIds": ["subnet-0123456789abcdef0"],
                                   "SecurityGroupIds": ["sg-0123456789abcdef0"]}


def test_reserved_concurrency_only_on_the_named_step(template_json: dict[str, Any]) -> None:
    reserved = {fn["FunctionName"]: fn.get("ReservedConcurrentExecutions") for fn in functions(template_json)}
    assert reserved[f"{PREFIX}-streams-ws"] is None
    assert reserved[f"{PREFIX}-get-order"] == 7
    assert reserved[f"{PREFIX}-create-order"] is None
    assert reserved[f"{PREFIX}-charge-payment"] == 1  # Motia's concurrency 1 still holds


def test_roles_may_manage_vpc_network_interfaces(template_json: dict[str, Any]) -> None:
    roles = [r["Properties"] for r in template_json["Resources"].values()
             if r["Type"] == "AWS::IAM::Role" and "lambda.amazonaws.com" in json.dumps(r)]
    assert roles and all("AWSLambdaVPCAccessExecutionRole" in json.dumps(r.get("ManagedPolicyArns")) for r in roles)


def test_log_groups_keep_the_set_retention(template: Template) -> None:
    template.all_resources_properties("AWS::Logs::LogGroup", {"RetentionInDays": 90})


def test_tags_reach_every_taggable_resource(template: Template) -> None:
    for type_ in ("AWS::Lambda::Function", "AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::IAM::Role"):
        template.all_resources_properties(type_, {"Tags": Match.array_with([{"Key": "team", "Value": "payments"}])})
    template.has_resource_properties("AWS::ApiGatewayV2::Api", {"Tags": Match.object_like({"team": "payments"})})


def test_http_api_answers_cors_preflight(template: Template) -> None:
    template.has_resource_properties("AWS::ApiGatewayV2::Api", {"CorsConfiguration": {
        "AllowOrigins": ["https://shop.example.com"], "AllowMethods": ["GET", "POST"],
        "AllowHeaders": ["content-type", "authorization"], "AllowCredentials": True, "MaxAge": 600,
    }})


def test_custom_domain_is_mapped_with_its_certificate(template: Template) -> None:
    template.has_resource_properties("AWS::ApiGatewayV2::DomainName", {
        "DomainName": "api.example.com",
        "DomainNameConfigurations": [Match.object_like({"CertificateArn": CERT, "EndpointType": "REGIONAL"})],
    })
    template.resource_count_is("AWS::ApiGatewayV2::ApiMapping", 1)
    assert "OutputApiDomainTarget" in template.to_json()["Outputs"]


def test_jwt_guards_every_route_but_the_public_one(template_json: dict[str, Any], template: Template) -> None:
    template.has_resource_properties("AWS::ApiGatewayV2::Authorizer", {
        "AuthorizerType": "JWT",
        "JwtConfiguration": {"Issuer": "https://auth.example.com/", "Audience": ["shop"]},
    })
    routes = {r["Properties"]["RouteKey"]: r["Properties"] for r in template_json["Resources"].values()
              if r["Type"] == "AWS::ApiGatewayV2::Route"}
    assert routes["POST /orders"]["AuthorizationType"] == "JWT"
    assert routes["GET /orders/{id}"].get("AuthorizationType", "NONE") == "NONE"


def test_jwt_guards_the_routes_of_nested_stacks_too(template_json: dict[str, Any],
                                                    nested_resources: dict[str, dict[str, Any]]) -> None:
    # They were public once: the nested routes were made without the authorizer.
    routes = {r["Properties"]["RouteKey"]: r["Properties"] for r in nested_resources.values()
              if r["Type"] == "AWS::ApiGatewayV2::Route"}
    authorizer_id = next(k for k, r in template_json["Resources"].items() if r["Type"] == "AWS::ApiGatewayV2::Authorizer")
    assert nested_resources[authorizer_id] == template_json["Resources"][authorizer_id]  # in the root, as when flat
    assert routes["POST /orders"]["AuthorizationType"] == "JWT"
    assert routes["POST /orders"]["AuthorizerId"]["Ref"].startswith("referenceto")  # the root's, as a parameter
    assert routes["GET /orders/{id}"].get("AuthorizationType", "NONE") == "NONE"


def test_default_stage_is_throttled(template: Template) -> None:
    template.has_resource_properties("AWS::ApiGatewayV2::Stage", {
        "StageName": "$default",
        "DefaultRouteSettings": {"ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100},
    })


def test_template_with_every_setting_passes_cfn_lint(synthesized: Path) -> None:
    from cfnlint.api import lint_file

    assert [str(m) for m in lint_file(synthesized) if m.rule.id.startswith("E")] == []


def test_every_dead_letter_alarm_notifies_the_alarm_topic(template_json: dict[str, Any]) -> None:
    alarms = [r["Properties"] for r in template_json["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert alarms and all(a["AlarmActions"] == [ALARM_TOPIC] for a in alarms)
