"""Every part of every trigger kind, in one table: what to write when Motia grows a kind.

A trigger kind (`http`, `queue`, `cron`, `state`, `stream`) is implemented in many layers:
the record users build (`motia.types`) and its constructor (`motia.triggers`), the strict
schema (`compiler.config_schema`), the IR type and its `Application` field (`compiler.ir`)
with the builder that fills it from a resolved step (`compiler.build_triggers`), the CDK
emitter (`compiler.emit`), the shim's adapter and the function config's trigger map
(`lambda_runtime`), the emulator's event builder and worker (`compiler.emulator`), and the
`motia plan` table (`compiler.plan_tables`). `KINDS` names each part once; the consumers that
can read it do (`compiler.build`, `compiler.emit.stack`, `compiler.plan_text`), and
`registry_problems` checks the lists that cannot (the pydantic union, the cold-path tables of
`motia.config` and `lambda_runtime.entry`, which must not import the compiler).

Parts layered above the compiler's core (aws_cdk emitters, the emulator, moto) are named by
`"module:attribute"` strings resolved on use, so importing this module stays cheap: `motia plan`
imports neither aws_cdk nor moto.

To add a kind: write its record and constructor in `motia/`, its spec in `config_schema.py`
(and the `TriggerSpec` union), its IR type and `Application` field in `ir.py`, its builder in
`build_triggers.py`, its emitter under `compiler/emit/`, its adapter under
`lambda_runtime/adapters/` (and its trigger map in `function_config.py`), its event builder
and worker under `compiler/emulator/`, its plan table; then add its row here.
`tests/compiler/test_trigger_kinds.py` fails, naming the part, until every one exists and
every static list agrees.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable, Sequence

from compiler import build_triggers, config_schema, ir, plan_tables
from motia import triggers as motia_triggers
from motia import types as motia_types

IrBuilder = Callable[[Any], Sequence[Any]]
PlanTable = Callable[[ir.Application], list[str]]


@dataclass(frozen=True)
class TriggerKind:
    """One trigger kind and where each of its parts lives."""

    name: str  # the `type` users write: trigger records, specs and IR all use it
    record: type  # motia.types record the step config holds
    constructor: Callable[..., Any]  # motia.triggers function users call
    spec: type  # compiler.config_schema model that validates the record
    ir_type: type  # compiler.ir dataclass
    ir_field: str  # Application field holding the kind's IR items
    build: IrBuilder  # resolved step -> its IR items of this kind
    emitter: str  # "module:function" of the CDK emitter of one IR item
    event_kind: str  # lambda_runtime.entry.ADAPTERS key: the AWS event that delivers it
    config_field: str | None  # FunctionConfig trigger map; None: the event itself names the trigger
    emulator_event: str  # "module:function" building the AWS event the emulator delivers
    emulator_worker: str  # "module:class" of the emulator thread that delivers it
    plan_title: str  # `motia plan` section title
    plan_table: PlanTable
    ir_order: Callable[[Any], Any] | None = None  # sort key of the Application field, if sorted


KINDS: tuple[TriggerKind, ...] = (
    TriggerKind(
        name="http",
        record=motia_types.ApiTrigger,
        constructor=motia_triggers.http,
        spec=config_schema.HttpTriggerSpec,
        ir_type=ir.Route,
        ir_field="routes",
        build=build_triggers.routes,
        ir_order=lambda r: (r.path, r.method, r.function),
        emitter="compiler.emit.http:emit_route",
        event_kind="http",
        config_field="routes",
        emulator_event="compiler.emulator.events:http_event",
        emulator_worker="compiler.emulator.http_server:HttpApi",
        plan_title="HTTP routes (one HTTP API, API Gateway v2)",
        plan_table=plan_tables.routes_table,
    ),
    TriggerKind(
        name="queue",
        record=motia_types.QueueTrigger,
        constructor=motia_triggers.queue,
        spec=config_schema.QueueTriggerSpec,
        ir_type=ir.QueueSubscription,
        ir_field="queues",
        build=build_triggers.queue_subscriptions,
        ir_order=lambda q: (q.topic, q.function),
        emitter="compiler.emit.messaging:emit_queue",
        event_kind="sqs",
        config_field="queues",
        emulator_event="compiler.emulator.events:sqs_event",
        emulator_worker="compiler.emulator.queues:QueuePoller",
        plan_title="Queue subscriptions (SQS, each with its dead-letter queue)",
        plan_table=plan_tables.queues_table,
    ),
    TriggerKind(
        name="cron",
        record=motia_types.CronTrigger,
        constructor=motia_triggers.cron,
        spec=config_schema.CronTriggerSpec,
        ir_type=ir.Schedule,
        ir_field="schedules",
        build=build_triggers.schedules,
        emitter="compiler.emit.schedules:emit_schedule",
        event_kind="cron",
        config_field=None,  # the schedule's input carries the trigger index
        emulator_event="compiler.emulator.events:cron_event",
        emulator_worker="compiler.emulator.scheduler:Scheduler",
        plan_title="Schedules (EventBridge Scheduler)",
        plan_table=plan_tables.schedules_table,
    ),
    TriggerKind(
        name="state",
        record=motia_types.StateTrigger,
        constructor=motia_triggers.state,
        spec=config_schema.StateTriggerSpec,
        ir_type=ir.StateTrigger,
        ir_field="state_triggers",
        build=build_triggers.state_triggers,
        emitter="compiler.emit.table_triggers:emit_state_trigger",
        event_kind="dynamodb",
        config_field="state_triggers",
        emulator_event="compiler.emulator.events:stream_event",
        emulator_worker="compiler.emulator.streams:StreamReader",
        plan_title="State triggers (the state table's DynamoDB stream)",
        plan_table=plan_tables.state_triggers_table,
    ),
    TriggerKind(
        name="stream",
        record=motia_types.StreamTrigger,
        constructor=motia_triggers.stream,
        spec=config_schema.StreamTriggerSpec,
        ir_type=ir.StreamTrigger,
        ir_field="stream_triggers",
        build=build_triggers.stream_triggers,
        ir_order=lambda t: (t.stream, t.function, t.group_id or "", t.item_id or ""),
        emitter="compiler.emit.table_triggers:emit_stream_trigger",
        event_kind="dynamodb",
        config_field="stream_triggers",
        emulator_event="compiler.emulator.events:stream_event",
        emulator_worker="compiler.emulator.streams:StreamReader",
        plan_title="Stream triggers (the streams table's DynamoDB stream)",
        plan_table=plan_tables.stream_triggers_table,
    ),
)

BY_NAME: dict[str, TriggerKind] = {kind.name: kind for kind in KINDS}

# Application fields of IR items that are not triggers (emitted before every trigger).
RESOURCE_FIELDS = ("tables", "topics", "functions")
# String-named parts, checked by `registry_problems(resolve_references=True)`.
REFERENCE_PARTS = ("emitter", "emulator_event", "emulator_worker")


def resolve_reference(reference: str) -> Any:
    """The object a `"module:attribute"` part names (imports the module)."""
    module, _, attribute = reference.partition(":")
    return getattr(import_module(module), attribute)


def _literal_of(model: type, field_name: str) -> tuple[Any, ...]:
    return typing.get_args(model.model_fields[field_name].annotation)  # type: ignore[attr-defined]


def _differ(what: str, registry: Any, other: Any) -> list[str]:
    return [] if registry == other else [f"{what}: {other!r}, but the registry has {registry!r}"]


def _kind_problems(kind: TriggerKind) -> list[str]:
    """Parts of one kind that disagree with each other."""
    problems = []
    if getattr(kind.record, "type", None) != kind.name:
        problems.append(f"{kind.name}: record {kind.record.__name__}'s default type is not {kind.name!r}")
    if _literal_of(kind.spec, "type") != (kind.name,):
        problems.append(f"{kind.name}: spec {kind.spec.__name__} does not accept type {kind.name!r} only")
    if kind.constructor.__module__ != motia_triggers.__name__:
        problems.append(f"{kind.name}: constructor {kind.constructor!r} is not in motia.triggers")
    for part in REFERENCE_PARTS:
        reference = getattr(kind, part)
        if not isinstance(reference, str) or ":" not in reference:
            problems.append(f"{kind.name}: {part} must name 'module:attribute', not {reference!r}")
    application_fields = {f.name: f for f in dataclasses.fields(ir.Application)}
    if kind.ir_field not in application_fields:
        problems.append(f"{kind.name}: ir.Application has no field {kind.ir_field!r}")
    elif typing.get_type_hints(ir.Application)[kind.ir_field] != tuple[kind.ir_type, ...]:  # type: ignore[name-defined]
        problems.append(f"{kind.name}: ir.Application.{kind.ir_field} does not hold {kind.ir_type.__name__} items")
    return problems


def _static_list_problems(kinds: Sequence[TriggerKind]) -> list[str]:
    """The lists kept outside the registry that must agree with it."""
    from lambda_runtime import entry, events, function_config
    from motia import config as motia_config
    from motia import definition as motia_definition

    names = tuple(kind.name for kind in kinds)
    union_members = typing.get_args(typing.get_args(config_schema.TriggerSpec)[0])
    tuple_fields = {
        f.name for f in dataclasses.fields(ir.Application)
        if typing.get_origin(typing.get_type_hints(ir.Application)[f.name]) is tuple
        and f.name not in ("streams", "diagnostics", "environment", "secrets")
    }
    return [
        *_differ("compiler.config_schema.TRIGGER_KINDS", names, config_schema.TRIGGER_KINDS),
        *_differ("compiler.config_schema.TriggerSpec members", {k.spec for k in kinds}, set(union_members)),
        *_differ("compiler.ir.TriggerKind", set(names), set(typing.get_args(ir.TriggerKind))),
        *_differ("ir.Application trigger fields", {k.ir_field for k in kinds}, tuple_fields - set(RESOURCE_FIELDS)),
        *_differ("motia.config._TRIGGER_CLASSES", {k.name: k.record for k in kinds}, motia_config._TRIGGER_CLASSES),
        *_differ("motia.definition._TRIGGER_KINDS", set(names), set(motia_definition._TRIGGER_KINDS)),
        *_differ("lambda_runtime.entry.TRIGGER_EVENTS", {k.name: k.event_kind for k in kinds}, entry.TRIGGER_EVENTS),
        *_differ("lambda_runtime.entry.ADAPTERS", {k.event_kind for k in kinds}, set(entry.ADAPTERS)),
        *_differ("lambda_runtime.events.EVENT_KINDS", {k.event_kind for k in kinds}, set(events.EVENT_KINDS)),
        *_differ(
            "lambda_runtime.function_config.TRIGGER_MAPS",
            {k.config_field for k in kinds if k.config_field}, set(function_config.TRIGGER_MAPS),
        ),
    ]


def _reference_problems(kind: TriggerKind) -> list[str]:
    problems = []
    for part in REFERENCE_PARTS:
        try:
            target = resolve_reference(getattr(kind, part))
        except (ImportError, AttributeError, TypeError) as error:
            problems.append(f"{kind.name}: {part} {getattr(kind, part)!r} does not resolve ({error})")
            continue
        if not callable(target):
            problems.append(f"{kind.name}: {part} {getattr(kind, part)!r} is not callable")
    return problems


def registry_problems(kinds: Sequence[TriggerKind] = KINDS, *, resolve_references: bool = False) -> list[str]:
    """Every disagreement between `kinds` and the code; empty when each part exists and agrees.

    `resolve_references` also imports every string-named part (aws_cdk and moto: seconds).
    """
    problems: list[str] = []
    for kind in kinds:
        problems += _kind_problems(kind)
        if resolve_references:
            problems += _reference_problems(kind)
    for part in ("name", "ir_type", "ir_field"):
        values = [getattr(kind, part) for kind in kinds]
        problems += [f"two kinds share {part} {v!r}" for v in {v for v in values if values.count(v) > 1}]
    return problems + _static_list_problems(kinds)
