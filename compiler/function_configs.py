"""Each step function's `FunctionConfig`, built from the model: one builder for the emitter
(which passes CDK tokens for what AWS names at deploy time) and for `motia plan` (which passes
the longest values AWS can give, to check the config fits Lambda's environment limit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from compiler import ir
from lambda_runtime.contract import ENV_FUNCTION
from lambda_runtime.function_config import FunctionConfig
from compiler.stage_environment import function_variables

ENVIRONMENT_LIMIT_BYTES = 4096  # Lambda's limit on all of a function's environment variables


@dataclass(frozen=True)
class DeployNames:
    """What AWS names at deploy time: a topic's ARN, a table's name, a failure queue's URL."""

    topic_arn: Callable[[ir.Topic], str]
    table_name: Callable[[ir.Table], str]
    failure_queue_url: Callable[[str, ir.TableKind], str]  # (step, table kind)


def trigger_tables(app: ir.Application, fn: ir.Function) -> tuple[ir.TableKind, ...]:
    """The tables whose DynamoDB stream triggers `fn`."""
    tables: list[ir.TableKind] = []
    if any(t.function == fn.name for t in app.state_triggers):
        tables.append("state")
    if any(t.function == fn.name for t in app.stream_triggers):
        tables.append("streams")
    return tuple(tables)


def function_config(app: ir.Application, fn: ir.Function, names: DeployNames) -> FunctionConfig:
    """The function's whole contract with the shim."""
    tables = {t.kind: t for t in app.tables}
    state_triggers = [t for t in app.state_triggers if t.function == fn.name]
    return FunctionConfig(
        app=app.prefix,
        step_file=fn.file,
        step_name=fn.name,
        topics={name: tuple((names.topic_arn(t), t.fifo) for t in app.topics_named(name)) for name in fn.enqueues},
        state_table=names.table_name(tables["state"]) if "state" in tables else None,
        streams_table=names.table_name(tables["streams"]) if "streams" in tables else None,
        streams=app.streams,
        failure_queues={kind: names.failure_queue_url(fn.name, kind) for kind in trigger_tables(app, fn)},
        routes={f"{r.method} {r.path}": r.trigger_index for r in app.routes if r.function == fn.name},
        queues={q.queue_name: q.trigger_index for q in app.queues if q.function == fn.name},
        queue_retries={q.queue_name: (q.backoff_ms, q.max_receive_count) for q in app.queues if q.function == fn.name},
        state_triggers=tuple(i for t in state_triggers for i in t.trigger_indexes),
        stream_triggers=tuple(
            (t.stream, t.group_id, t.item_id, t.trigger_index) for t in app.stream_triggers if t.function == fn.name
        ),
        data_access=dict(fn.data_access),
    )


# The longest each can be: region names up to 14 characters, 12-digit accounts, SNS and SQS
# names up to 256 and 80 characters (a CloudFormation-named failure queue stays under 80).
LONGEST_NAMES = DeployNames(
    topic_arn=lambda topic: f"arn:aws-us-gov:sns:ap-southeast-4:123456789012:{topic.sns_name}",
    table_name=lambda table: table.table_name,
    failure_queue_url=lambda step, kind: "https://sqs.ap-southeast-4.amazonaws.com/123456789012/" + "q" * 80,
)


def environment_problems(app: ir.Application) -> tuple[ir.Diagnostic, ...]:
    """An error for each function whose config, with the longest names AWS can give, would not
    fit Lambda's 4 KB environment: CloudFormation would refuse the function at deploy time."""
    problems = []
    # `.env` values and secret names go to every function: they share its 4 KB.
    shared = sum(len(k.encode()) + len(v.encode()) for k, v in function_variables(app).items())
    for fn in app.functions:
        config = len(ENV_FUNCTION) + len(function_config(app, fn, LONGEST_NAMES).to_json().encode())
        size = config + shared
        if size > ENVIRONMENT_LIMIT_BYTES:
            problems.append(ir.Diagnostic(
                "error", fn.file, fn.name,
                f"the function's environment can reach {size} bytes ({ENV_FUNCTION} {config}, the .env "
                f"values and secret names {shared}), over Lambda's {ENVIRONMENT_LIMIT_BYTES}-byte environment limit",
                "the config lists every topic the step enqueues to, its routes and queues, and the project's "
                "streams: split the step, shorten the app, topic and stream names, or move large .env "
                "values to secrets (only their names are deployed)",
            ))
    return tuple(problems)
