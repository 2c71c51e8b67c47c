"""The stack emitted for `every_kind`: one row of DESIGN.md 3's mapping per test, one synth."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from compiler import ir
from compiler.emit.stack import EMIT_ORDER, EMITTERS, NOT_EMITTED
from compiler.stack_layout import Layout, record_layout
from compiler.synth import SynthResult, synthesize
from lambda_runtime.function_config import FunctionConfig
from tests.compiler.assembly_view import all_resources
from tests.compiler.emit.ir_fixtures import PREFIX, every_kind, write_project

from aws_cdk.assertions import Match, Template

pytestmark = pytest.mark.slow


def synthesized(tmp_path_factory: pytest.TempPathFactory, layout: Layout) -> SynthResult:
    root = tmp_path_factory.mktemp("project")
    app = every_kind(root)
    write_project(root, app)
    record_layout(root, layout)
    return synthesize(app, tmp_path_factory.mktemp("out") / "cdk.out")


@pytest.fixture(scope="module")
def template_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Flat: the tests below follow references between resources within one template. The
    nested layout, every project's default, declares the same resources (the last test)."""
    return json.loads(synthesized(tmp_path_factory, "flat").template_path.read_text())


@pytest.fixture(scope="module")
def template(template_json: dict[str, Any]) -> Template:
    return Template.from_json(template_json)


def resources(template_json: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template_json["Resources"].items() if r["Type"] == type_}


def logical_id(template_json: dict[str, Any], type_: str, fragment: str) -> str:
    [found] = [k for k in resources(template_json, type_) if fragment in k]
    return found


# -- the emitter table ---------------------------------------------------------------------

def test_emitters_cover_every_ir_dataclass() -> None:
    ir_types = {v for v in vars(ir).values()
                if isinstance(v, type) and dataclasses.is_dataclass(v) and v.__module__ == ir.__name__}
    assert ir_types == set(EMITTERS) | set(NOT_EMITTED)
    assert not set(EMITTERS) & set(NOT_EMITTED)


def test_emit_order_visits_every_application_collection_of_emitted_items() -> None:
    app = every_kind(Path("/nowhere"))
    visited = {type(item) for name in EMIT_ORDER for item in getattr(app, name)}
    assert visited == set(EMITTERS)


# -- functions -----------------------------------------------------------------------------

def test_one_function_per_step_with_runtime_memory_timeout_and_handler(template: Template) -> None:
    template.resource_count_is("AWS::Lambda::Function", 7)
    template.has_resource_properties("AWS::Lambda::Function", {
        "FunctionName": f"{PREFIX}-create-order",
        "Runtime": "python3.12",
        "Handler": "lambda_runtime.entry.handler",
        "MemorySize": 256,
        "Timeout": 10,
    })


def rendered(value: Any) -> str:
    """A template string value with each `{"Ref": id}` shown as `<id>` (Fn::Join flattened)."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return f"<{value['Ref']}>"
    separator, parts = value["Fn::Join"]
    return str(separator).join(rendered(part) for part in parts)


def function_config(template_json: dict[str, Any], fragment: str) -> FunctionConfig:
    fn = template_json["Resources"][logical_id(template_json, "AWS::Lambda::Function", fragment)]
    env = fn["Properties"]["Environment"]["Variables"]
    assert set(env) == {"MOTIA_FUNCTION"}  # the whole contract in one variable
    return FunctionConfig.from_json(rendered(env["MOTIA_FUNCTION"]))


def test_function_environment_is_one_function_config(template_json: dict[str, Any]) -> None:
    config = function_config(template_json, "StepshiporderFunction")
    assert (config.step_file, config.step_name, config.app) == ("steps/ship_order_step.py", "ship-order", PREFIX)
    assert config.queues == {f"{PREFIX}-ship-order-order-created": 0}
    assert config.state_table == f"<{logical_id(template_json, 'AWS::DynamoDB::Table', 'Tablestate')}>"
    assert config.streams_table == f"<{logical_id(template_json, 'AWS::DynamoDB::Table', 'Tablestreams')}>"


def test_function_config_maps_each_trigger_to_its_index(template_json: dict[str, Any]) -> None:
    app = every_kind(Path("/nowhere"))
    for fn in app.functions:
        config = function_config(template_json, "Step" + "".join(c for c in fn.name if c.isalnum()) + "Function")
        assert config.routes == {f"{r.method} {r.path}": r.trigger_index for r in app.routes if r.function == fn.name}
        assert config.queues == {q.queue_name: q.trigger_index for q in app.queues if q.function == fn.name}
        assert config.state_triggers == tuple(i for t in app.state_triggers if t.function == fn.name for i in t.trigger_indexes)
        assert config.stream_triggers == tuple(
            (t.stream, t.group_id, t.item_id, t.trigger_index) for t in app.stream_triggers if t.function == fn.name)


def test_a_table_trigger_step_may_send_its_failed_records_to_its_failure_queue_only(template_json: dict[str, Any]) -> None:
    failures = logical_id(template_json, "AWS::SQS::Queue", "StepauditstateStateTriggerFailures")
    config = function_config(template_json, "StepauditstateFunction")
    assert config.failure_queues == {"state": f"<{failures}>"}
    policy = next(
        p for p in resources(template_json, "AWS::IAM::Policy").values()
        if any("StepauditstateRole" in r["Ref"] for r in p["Properties"]["Roles"])
    )
    sends = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if "sqs:SendMessage" in s["Action"]]
    assert sends and all(s["Resource"] == {"Fn::GetAtt": [failures, "Arn"]} for s in sends)
    assert function_config(template_json, "StepshiporderFunction").failure_queues == {}


def test_function_config_topic_arns_say_which_are_fifo(template_json: dict[str, Any]) -> None:
    config = function_config(template_json, "StepcreateorderFunction")
    fifo_ref = logical_id(template_json, "AWS::SNS::Topic", "TopicFifopaymentrequested")
    std_ref = logical_id(template_json, "AWS::SNS::Topic", "Topicordercreated")
    assert config.topics == {"order.created": ((f"<{std_ref}>", False),), "payment.requested": ((f"<{fifo_ref}>", True),)}


def test_every_function_environment_stays_far_below_lambdas_4_kb(template_json: dict[str, Any]) -> None:
    for fn in resources(template_json, "AWS::Lambda::Function").values():
        env = fn["Properties"]["Environment"]["Variables"]
        # Refs resolve to ARNs of at most ~100 characters: count each as 100.
        text = rendered(env["MOTIA_FUNCTION"])
        size = len(text) + text.count("<") * 100
        assert size < 1024, (fn["Properties"]["FunctionName"], size)


def test_all_functions_share_one_code_asset(template_json: dict[str, Any]) -> None:
    codes = {json.dumps(r["Properties"]["Code"], sort_keys=True)
             for r in resources(template_json, "AWS::Lambda::Function").values()}
    assert len(codes) == 1


def test_each_function_logs_to_its_own_group_with_retention(template_json: dict[str, Any], template: Template) -> None:
    names = [r["Properties"].get("LogGroupName") for r in resources(template_json, "AWS::Logs::LogGroup").values()]
    assert sum(isinstance(n, str) and n.startswith("/aws/lambda/") for n in names) == 7
    template.has_resource_properties("AWS::Logs::LogGroup", {
        "LogGroupName": f"/aws/lambda/{PREFIX}-get-order", "RetentionInDays": 30,
    })


# -- HTTP ----------------------------------------------------------------------------------

def test_one_http_api_with_a_route_per_ir_route(template: Template) -> None:
    template.resource_count_is("AWS::ApiGatewayV2::Api", 1)
    template.has_resource_properties("AWS::ApiGatewayV2::Api", {"ProtocolType": "HTTP"})
    for key in ("GET /orders/{id}", "POST /orders"):
        template.has_resource_properties("AWS::ApiGatewayV2::Route", {"RouteKey": key})
    template.resource_count_is("AWS::ApiGatewayV2::Route", 2)
    template.has_resource_properties("AWS::ApiGatewayV2::Integration", {
        "IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "2.0",
    })


def test_http_stage_writes_access_logs_and_throttles_routes(template_json: dict[str, Any]) -> None:
    [stage] = resources(template_json, "AWS::ApiGatewayV2::Stage").values()
    settings = stage["Properties"]
    log_group = settings["AccessLogSettings"]["DestinationArn"]["Fn::GetAtt"][0]
    assert template_json["Resources"][log_group]["Properties"]["RetentionInDays"] == 30
    assert json.loads(settings["AccessLogSettings"]["Format"])["requestId"] == "$context.requestId"
    assert settings["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 2000, "ThrottlingRateLimit": 1000}


# -- topics and queues ---------------------------------------------------------------------

def test_topics_fifo_with_content_based_dedup(template: Template) -> None:
    template.has_resource_properties("AWS::SNS::Topic", {
        "TopicName": f"{PREFIX}-payment-requested.fifo",
        "FifoTopic": True, "ContentBasedDeduplication": True,
    })
    template.has_resource_properties("AWS::SNS::Topic", {
        "TopicName": f"{PREFIX}-order-created", "FifoTopic": Match.absent(),
    })


def test_each_subscription_has_its_queue_and_dlq_with_redrive(template_json: dict[str, Any], template: Template) -> None:
    dlq = logical_id(template_json, "AWS::SQS::Queue", "StepshiporderSubscriptionordercreatedDlq")
    template.has_resource_properties("AWS::SQS::Queue", {
        "QueueName": f"{PREFIX}-ship-order-order-created",
        "VisibilityTimeout": 60,
        "DelaySeconds": 5,
        "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]}, "maxReceiveCount": 3},
    })
    template.has_resource_properties("AWS::SQS::Queue", {
        "QueueName": f"{PREFIX}-ship-order-order-created-dlq", "MessageRetentionPeriod": 1209600,
    })


def test_fifo_subscription_gets_fifo_queue_and_fifo_dlq(template: Template) -> None:
    for name in ("charge-payment-payment-requested.fifo", "charge-payment-payment-requested-dlq.fifo"):
        template.has_resource_properties("AWS::SQS::Queue", {
            "QueueName": f"{PREFIX}-{name}", "FifoQueue": True, "ContentBasedDeduplication": True,
        })


def test_subscriptions_use_raw_delivery(template: Template) -> None:
    template.resource_count_is("AWS::SNS::Subscription", 2)
    template.all_resources_properties("AWS::SNS::Subscription", {
        "Protocol": "sqs", "RawMessageDelivery": True,
    })


def test_queue_event_sources_report_batch_item_failures(template_json: dict[str, Any]) -> None:
    queue = logical_id(template_json, "AWS::SQS::Queue", "StepshiporderSubscriptionordercreatedQueue")
    [mapping] = [r["Properties"] for r in resources(template_json, "AWS::Lambda::EventSourceMapping").values()
                 if r["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [queue, "Arn"]}]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BatchSize"] == 10
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 5}


def test_concurrency_one_reserves_one_execution_and_the_mapping_takes_awss_minimum(template_json: dict[str, Any]) -> None:
    charge = template_json["Resources"][logical_id(template_json, "AWS::Lambda::Function", "StepchargepaymentFunction")]
    assert charge["Properties"]["ReservedConcurrentExecutions"] == 1
    ship = template_json["Resources"][logical_id(template_json, "AWS::Lambda::Function", "StepshiporderFunction")]
    assert "ReservedConcurrentExecutions" not in ship["Properties"]
    queue = logical_id(template_json, "AWS::SQS::Queue", "StepchargepaymentSubscriptionFifopaymentrequestedQueue")
    [mapping] = [r["Properties"] for r in resources(template_json, "AWS::Lambda::EventSourceMapping").values()
                 if r["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [queue, "Arn"]}]
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 2}
    assert mapping["BatchSize"] == 1  # FIFO: one message per invocation, so receives count attempts


def test_function_config_carries_each_queues_backoff_and_attempts(template_json: dict[str, Any]) -> None:
    assert function_config(template_json, "StepchargepaymentFunction").queue_retries == {
        f"{PREFIX}-charge-payment-payment-requested.fifo": (500, 5),
    }
    assert function_config(template_json, "StepshiporderFunction").queue_retries == {
        f"{PREFIX}-ship-order-order-created": (1000, 3),
    }


def test_consumers_may_change_visibility_of_their_own_queue_only(template_json: dict[str, Any]) -> None:
    queue = logical_id(template_json, "AWS::SQS::Queue", "StepshiporderSubscriptionordercreatedQueue")
    grants = [
        s for p in resources(template_json, "AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if "sqs:ChangeMessageVisibility" in s["Action"]
    ]
    assert {"Fn::GetAtt": [queue, "Arn"]} in [g["Resource"] for g in grants]
    assert all(isinstance(g["Resource"], dict) and "Fn::GetAtt" in g["Resource"] for g in grants)  # never "*"


def test_topics_are_encrypted_with_the_aws_managed_key(template_json: dict[str, Any]) -> None:
    topics = resources(template_json, "AWS::SNS::Topic").values()
    assert topics and all(t["Properties"]["KmsMasterKeyId"] == "alias/aws/sns" for t in topics)


def tls_only_targets(template_json: dict[str, Any], policy_type: str, key: str) -> set[str]:
    """Logical ids of the resources a policy of `policy_type` denies non-TLS requests on."""
    denied = set()
    for policy in resources(template_json, policy_type).values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        if any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in statements):
            denied |= {ref["Ref"] for ref in policy["Properties"][key]}
    return denied


def test_every_queue_and_topic_refuses_requests_without_tls(template_json: dict[str, Any]) -> None:
    assert tls_only_targets(template_json, "AWS::SQS::QueuePolicy", "Queues") == set(resources(template_json, "AWS::SQS::Queue"))
    assert tls_only_targets(template_json, "AWS::SNS::TopicPolicy", "Topics") == set(resources(template_json, "AWS::SNS::Topic"))


def test_each_dead_letter_queue_alarms_on_its_first_message(template_json: dict[str, Any]) -> None:
    """Subscription DLQs (redrive targets), schedule DLQs (Scheduler's dead-letter config) and
    the state and stream triggers' failure queues."""
    queues = resources(template_json, "AWS::SQS::Queue")
    redrive_targets = {q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
                       for q in queues.values() if "RedrivePolicy" in q["Properties"]}
    schedule_dlqs = {s["Properties"]["Target"]["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
                     for s in resources(template_json, "AWS::Scheduler::Schedule").values()}
    trigger_failures = {k for k in queues if "TriggerFailures" in k}
    assert redrive_targets and schedule_dlqs and trigger_failures
    alarms = resources(template_json, "AWS::CloudWatch::Alarm").values()
    assert {a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0] for a in alarms} == (
        redrive_targets | schedule_dlqs | trigger_failures)
    for alarm in alarms:
        props = alarm["Properties"]
        assert (props["MetricName"], props["Threshold"], props["ComparisonOperator"]) == (
            "ApproximateNumberOfMessagesVisible", 0, "GreaterThanThreshold")


# -- schedules -----------------------------------------------------------------------------

def test_cron_becomes_a_scheduler_schedule_that_never_retries_with_a_dlq(template_json: dict[str, Any], template: Template) -> None:
    dlq = logical_id(template_json, "AWS::SQS::Queue", "StepnightlyreportScheduleDlq")
    template.has_resource_properties("AWS::Scheduler::Schedule", {
        "Name": f"{PREFIX}-nightly-report-0",
        "ScheduleExpression": "cron(0 2 * * ? *)",
        "ScheduleExpressionTimezone": "UTC",
        "Target": {
            "Input": json.dumps({"motia_cron": "0 2 * * *", "motia_trigger": 0, "motia_scheduled": "<aws.scheduler.scheduled-time>"}, separators=(",", ":")),
            "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [dlq, "Arn"]}},
            "RetryPolicy": {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 3600},
        },
    })
    # Motia runs a failed tick's handler once: Lambda's asynchronous retries are off too.
    function = logical_id(template_json, "AWS::Lambda::Function", "StepnightlyreportFunction")
    template.has_resource_properties("AWS::Lambda::EventInvokeConfig", {
        "FunctionName": {"Ref": function}, "MaximumRetryAttempts": 0, "Qualifier": "$LATEST",
    })


# -- tables and their triggers -------------------------------------------------------------

def test_state_and_streams_tables(template: Template) -> None:
    for name in (f"{PREFIX}-state", f"{PREFIX}-streams"):
        template.has_resource_properties("AWS::DynamoDB::Table", {
            "TableName": name,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
        })


def test_state_trigger_bisects_retries_and_sends_failures_to_its_queue(template_json: dict[str, Any], template: Template) -> None:
    table = logical_id(template_json, "AWS::DynamoDB::Table", "Tablestate")
    failures = logical_id(template_json, "AWS::SQS::Queue", "StepauditstateStateTriggerFailures")
    template.has_resource_properties("AWS::Lambda::EventSourceMapping", {
        "EventSourceArn": {"Fn::GetAtt": [table, "StreamArn"]},
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "BisectBatchOnFunctionError": True,
        "MaximumRetryAttempts": 3,
        "StartingPosition": "LATEST",
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [failures, "Arn"]}}},
        "FilterCriteria": Match.absent(),
    })


def test_stream_trigger_filters_on_its_stream_and_group(template_json: dict[str, Any], template: Template) -> None:
    table = logical_id(template_json, "AWS::DynamoDB::Table", "Tablestreams")
    pattern = {"dynamodb": {"Keys": {"pk": {"S": ["orders#open"]}}}}
    template.has_resource_properties("AWS::Lambda::EventSourceMapping", {
        "EventSourceArn": {"Fn::GetAtt": [table, "StreamArn"]},
        "FilterCriteria": {"Filters": [{"Pattern": json.dumps(pattern, separators=(",", ":"))}]},
        "BisectBatchOnFunctionError": True,
    })


def test_stream_trigger_without_group_filters_on_the_stream_prefix() -> None:
    from compiler.emit.table_triggers import stream_key_filter

    pattern = stream_key_filter(ir.StreamTrigger("watch", "feed", None, "item-1"))
    # one list level only: AWS rejects nested lists in filter patterns
    assert json.loads(json.dumps(pattern)) == {
        "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "feed#"}]}, "sk": {"S": ["item-1"]}}}}


def test_tables_keep_point_in_time_recovery(template_json: dict[str, Any]) -> None:
    tables = resources(template_json, "AWS::DynamoDB::Table").values()
    assert [t["Properties"]["PointInTimeRecoverySpecification"] for t in tables] == [
        {"PointInTimeRecoveryEnabled": True}] * 2


# -- IAM -----------------------------------------------------------------------------------

def policy_statements(template_json: dict[str, Any], fragment: str) -> list[dict[str, Any]]:
    [policy] = [r for k, r in resources(template_json, "AWS::IAM::Policy").items()
                if k.startswith(fragment)]
    return policy["Properties"]["PolicyDocument"]["Statement"]


def test_no_policy_grants_on_star_resources(template_json: dict[str, Any]) -> None:
    for key, policy in resources(template_json, "AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            assert "*" not in targets, (key, statement)


def test_functions_publish_only_to_declared_topics(template_json: dict[str, Any]) -> None:
    def published(step: str) -> list[Any]:
        return [s["Resource"] for s in policy_statements(template_json, f"Step{step}RoleDefaultPolicy")
                if s["Action"] == "sns:Publish"]

    assert published("nightlyreport") == [{"Ref": logical_id(template_json, "AWS::SNS::Topic", "Topicordercreated")}]
    assert published("shiporder") == []
    assert len(published("createorder")) == 2


def test_functions_consume_only_their_own_queues(template_json: dict[str, Any]) -> None:
    def consumed(step: str) -> list[Any]:
        return [s["Resource"] for s in policy_statements(template_json, f"Step{step}RoleDefaultPolicy")
                if "sqs:ReceiveMessage" in s["Action"]]

    own = logical_id(template_json, "AWS::SQS::Queue", "StepshiporderSubscriptionordercreatedQueue")
    assert consumed("shiporder") == [{"Fn::GetAtt": [own, "Arn"]}]
    assert consumed("createorder") == []


def test_functions_read_and_write_both_tables(template_json: dict[str, Any]) -> None:
    tables = {logical_id(template_json, "AWS::DynamoDB::Table", t) for t in ("Tablestate", "Tablestreams")}
    written = {r[0]["Fn::GetAtt"][0] for s in policy_statements(template_json, "StepgetorderRoleDefaultPolicy")
               if "dynamodb:PutItem" in s["Action"] for r in [s["Resource"]]}
    assert written == tables


# -- tags and outputs ----------------------------------------------------------------------

def test_flows_become_tags_on_the_steps_resources(template: Template) -> None:
    template.has_resource_properties("AWS::Lambda::Function", {
        "FunctionName": f"{PREFIX}-ship-order",
        "Tags": Match.array_with([{"Key": "motia:flows", "Value": "orders shipping"}]),
    })
    template.has_resource_properties("AWS::SQS::Queue", {
        "QueueName": f"{PREFIX}-ship-order-order-created",
        "Tags": Match.array_with([{"Key": "motia:flows", "Value": "orders shipping"}]),
    })


def test_outputs_api_url_tables_and_topics(template_json: dict[str, Any]) -> None:
    descriptions = sorted(o["Description"] for o in template_json["Outputs"].values())
    assert descriptions == [
        "HTTP API base URL",
        "SNS topic of Motia topic order.created",
        "SNS topic of Motia topic payment.requested (FIFO)",
        "state table name",
        "streams table name",
    ]


def test_no_bootstrap_version_rule(template_json: dict[str, Any]) -> None:
    assert "Rules" not in template_json and "BootstrapVersion" not in template_json.get("Parameters", {})


def test_a_schedule_description_fits_schedulers_512_characters() -> None:
    from compiler.emit.schedules import DESCRIPTION_LIMIT, schedule_description

    long = ir.Schedule("S" * 600, "0 9 * * *", "cron(0 9 * * ? *)", "x")
    assert len(schedule_description(long)) == DESCRIPTION_LIMIT
    short = ir.Schedule("Report", "0 9 * * *", "cron(0 9 * * ? *)", "x")
    assert schedule_description(short) == "Motia cron '0 9 * * *' of step Report"


def test_the_nested_layout_declares_the_same_resources_under_the_same_logical_ids(
    template_json: dict[str, Any], tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # GIVEN the same project nested, as every project is by default
    nested = all_resources(synthesized(tmp_path_factory, "nested"))
    # THEN apart from the nested stacks themselves, the same resources by type; and by logical id
    # too, but for the HTTP routes, made under their step's scope there (compiler.emit.http)
    flat = {logical_id: r["Type"] for logical_id, r in template_json["Resources"].items()}
    moved = {key.rpartition("/")[2]: r["Type"] for key, r in nested.items()
             if r["Type"] != "AWS::CloudFormation::Stack"}
    assert Counter(moved.values()) == Counter(flat.values())

    def by_id(resources: dict[str, str]) -> dict[str, str]:
        return {i: t for i, t in resources.items() if t not in ("AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Integration")
                and not (t == "AWS::Lambda::Permission" and "Integration" in i)}
    assert by_id(moved) == by_id(flat) and len(by_id(flat)) == len(flat) - 6  # 2 routes, 3 rows each
    assert any("/" in key for key in nested)  # the steps' resources did go to nested stacks
