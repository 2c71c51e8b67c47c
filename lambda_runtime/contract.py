"""What the CDK emitter and the Lambda shim agree on: environment variables and event markers.

The emitter (compiler/emit*) sets these on every function; the shim and the emulator read
them; a function's own settings all travel in ENV_FUNCTION. Keep this module free of imports
beyond the standard library: the shim imports it at every cold start.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeGuard

# Environment of every step function.
ENV_FUNCTION = "MOTIA_FUNCTION"  # the whole FunctionConfig as compact JSON (function_config.py)
ENV_LOG_LEVEL = "MOTIA_LOG_LEVEL"  # debug | info | warn | error (default info)
ENV_LOG_FORMAT = "MOTIA_LOG_FORMAT"  # json (default: CloudWatch reads it) | pretty (motia dev)
# {"VARIABLE": "ssm:/parameter" | "secretsmanager:<id>"}: read into os.environ at cold start.
# Set only on functions of a project with secrets; the values never reach the template.
ENV_SECRETS = "MOTIA_SECRETS"

# The code asset: step files keep their project-relative paths under the asset root.
HANDLER = "lambda_runtime.entry.handler"

# An EventBridge Scheduler target's Input (the whole event the function receives).
CRON_EVENT_MARKER = "motia_cron"  # {"motia_cron": "<motia expression>", "motia_trigger": <index>}
CRON_TRIGGER_MARKER = "motia_trigger"  # the cron trigger's position in the step's `triggers`
# The tick's scheduled time, filled in by EventBridge Scheduler from this context attribute.
CRON_SCHEDULED_TIME = "motia_scheduled"
SCHEDULER_SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
# {"weekday": [Motia days, Sunday = 0]} or {"monthday": [days]}: ticks on other days are skipped.
CRON_DAY_FILTER = "motia_days"
# [second offsets] of a cron with seconds (absent for second 0 alone): the minute's tick fans
# them out as delayed SQS messages to the step's tick queue (docs/cron.md).
CRON_SECONDS = "motia_seconds"
CRON_TICK_ATTRIBUTE = "motia_tick"  # SQS message attribute marking one tick of a cron
CRON_TICK_QUEUE = "motia_tick_queue"  # the step's tick queue name, next to CRON_SECONDS

# SNS message attributes (raw delivery copies them onto the SQS message).
ATTR_TRACE_ID = "motia_trace_id"
ATTR_TOPIC = "motia_topic"

# DynamoDB table layouts (DESIGN.md 3).
PARTITION_KEY = "pk"
SORT_KEY = "sk"
STREAM_KEY_SEPARATOR = "#"  # streams table pk = f"{stream}#{group}"

# Where step files are found: the code asset root (the directory holding `lambda_runtime/`)
# unless this is set; the emulator and tests point it at a project directory.
ENV_CODE_ROOT = "MOTIA_CODE_ROOT"

# Request headers that carry a trace id into an HTTP step (lower-case, as the shim sees them).
TRACE_HEADERS = ("x-motia-trace-id", "x-trace-id")
TRACE_ID_MAX_LENGTH = 128  # a client's trace id longer than this starts a new trace


def well_formed_trace_id(value: object) -> TypeGuard[str]:
    """Letters, digits, `-`, `_`, `.`, `:` and at most 128 of them: safe in logs, keys and
    attributes. A client's id that is not starts a new trace instead."""
    return (
        isinstance(value, str) and 0 < len(value) <= TRACE_ID_MAX_LENGTH
        and all(c.isascii() and (c.isalnum() or c in "-_.:") for c in value)
    )

# Item attributes besides the keys (DESIGN.md 3). State items: pk = group, sk = key, `value`.
# Stream items: pk = f"{stream}#{group}", sk = id, `value`, plus `stream_name` and `group_id`
# so filters and list_groups need no key parsing.
VALUE_ATTRIBUTE = "value"
STREAM_NAME_ATTRIBUTE = "stream_name"
GROUP_ID_ATTRIBUTE = "group_id"
TRACE_ATTRIBUTE = "trace_id"  # the writer's trace id, so state/stream triggers continue the trace
VERSION_ATTRIBUTE = "version"  # optimistic concurrency for update()
