"""What emitters share while one stack is built: the constructs already made, by IR key.

This is the one mutable object of the emitter: CDK builds a construct tree by side effect,
and later rows (routes, queues, schedules) must reference earlier ones by object, not by ARN
string, so that CDK derives dependencies and grants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aws_cdk import Duration, Stack, aws_apigatewayv2 as apigw, aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam, aws_lambda as lambda_, aws_sns as sns, aws_sqs as sqs
from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration
from constructs import Construct

from compiler.emit.alarms import dead_letter_alarm
from compiler.emit.hardening import secure_queue
from compiler.emit.nesting import NestedSteps
from compiler.ir import Application, TableKind

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.:@+=-]")
FAILURE_RETENTION = Duration.days(14)  # SQS's longest: time to inspect a failed record


def construct_id(kind: str, name: str) -> str:
    """`Kind-name`: ids derive only from Motia names, so renaming a step touches only its own.

    CDK appends a hash of the full path to logical ids, so mapping rare characters to `_`
    cannot make two different names collide in the template.
    """
    return f"{kind}-{_UNSAFE_ID.sub('_', name)}"


@dataclass
class StackParts:
    """The stack being built and the constructs emitted so far (see module docstring)."""

    app: Application
    stack: Stack
    code: lambda_.Code
    tables: dict[TableKind, dynamodb.Table] = field(default_factory=dict)
    topics: dict[tuple[str, bool], sns.Topic] = field(default_factory=dict)  # (topic, fifo)
    functions: dict[str, lambda_.Function] = field(default_factory=dict)  # step name
    step_scopes: dict[str, Construct] = field(default_factory=dict)
    api: apigw.HttpApi | None = None
    integrations: dict[str, HttpLambdaIntegration] = field(default_factory=dict)
    routes: dict[str, list[apigw.HttpRoute]] = field(default_factory=dict)  # step name -> its HTTP routes
    authorizer: apigw.IHttpRouteAuthorizer | None = None  # the JWT authorizer of settings, shared by routes
    authorizer_id: str | None = None  # a nested project's: its id, for routes in nested stacks
    schedule_roles: dict[str, iam.Role] = field(default_factory=dict)
    schedule_dlqs: dict[str, sqs.Queue] = field(default_factory=dict)
    failure_queues: dict[tuple[str, TableKind], sqs.Queue] = field(default_factory=dict)  # (step, table)
    nesting: NestedSteps | None = None  # None: every resource in `stack` (compiler.emit.nesting)
    # Tokens read once: each read is a jsii round trip, and every function's config names them.
    topic_arns: dict[tuple[str, bool], str] = field(default_factory=dict)
    table_names: dict[TableKind, str] = field(default_factory=dict)

    def step_stack(self, step: str) -> Stack:
        """The stack holding `step`'s resources: the root, or its nested stack."""
        return self.stack if self.nesting is None else self.nesting.stack_for(step)

    def step_scope(self, step: str) -> Construct:
        """The construct holding every resource of one step (created on first use)."""
        if step not in self.step_scopes:
            self.step_scopes[step] = Construct(self.step_stack(step), construct_id("Step", step))
        return self.step_scopes[step]

    def step_code(self, step: str) -> lambda_.Code:
        """The code asset usable in `step`'s stack (one `Code` binds to one stack only)."""
        return self.code if self.nesting is None else self.nesting.code_for(step)

    def failure_queue(self, step: str, table: TableKind) -> sqs.Queue:
        """Where `step`'s failed state or stream trigger records go (created on first use).

        The shim sends a failed handler's record there itself (Motia does not retry it), and
        Lambda sends the metadata of records the shim could not process after its retries.
        """
        key = (step, table)
        if key not in self.failure_queues:
            kind = "State" if table == "state" else "Stream"
            queue = secure_queue(self.step_scope(step), f"{kind}TriggerFailures", retention_period=FAILURE_RETENTION)
            dead_letter_alarm(self.step_scope(step), f"{kind}TriggerFailuresAlarm", queue,
                              f"Motia step {step}: {table} trigger records that failed", self.app.settings.alarm_topic_arn)
            self.failure_queues[key] = queue
        return self.failure_queues[key]

    def function(self, step: str) -> lambda_.Function:
        return self.functions[step]

    def topic(self, name: str, fifo: bool) -> sns.Topic:
        return self.topics[(name, fifo)]

    def topic_arn(self, name: str, fifo: bool) -> str:
        if (name, fifo) not in self.topic_arns:
            self.topic_arns[(name, fifo)] = self.topic(name, fifo).topic_arn
        return self.topic_arns[(name, fifo)]

    def table_name(self, kind: TableKind) -> str:
        if kind not in self.table_names:
            self.table_names[kind] = self.tables[kind].table_name
        return self.table_names[kind]
