"""`ctx.enqueue` on SNS: declared topics only, FIFO group and deduplication ids, trace id attributes."""

from __future__ import annotations

import json
import os
from hashlib import sha256

from lambda_runtime import contract
from lambda_runtime.aws_clients import client

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class EnqueueNotAllowed(RuntimeError):
    """A step enqueued to a topic it did not declare in `enqueues`."""


def check_declared(step_name: str, topic: Any, declared: tuple[str, ...]) -> str:
    if not isinstance(topic, str) or not topic:
        raise EnqueueNotAllowed(f"step {step_name!r}: enqueue needs {{'topic': <name>, 'data': ...}}, got topic {topic!r}")
    if topic not in declared:
        raise EnqueueNotAllowed(
            f"step {step_name!r} enqueued to topic {topic!r}, which it does not declare in `enqueues` "
            f"(declared: {', '.join(map(repr, declared)) or 'none'}); add {topic!r} to the step's enqueues"
        )
    return topic


def _json_list(env_name: str) -> Any:
    raw = os.environ.get(env_name)
    return json.loads(raw) if raw else None


def topic_arns(topic: str) -> list[str]:
    """The SNS topic ARNs of a Motia topic (a FIFO and a standard one when it has both kinds)."""
    arns = (_json_list(contract.ENV_TOPIC_ARNS) or {}).get(topic) or []
    return [arns] if isinstance(arns, str) else list(arns)


def is_fifo(arn: str) -> bool:
    fifo = _json_list(contract.ENV_FIFO_TOPICS) or []
    return arn in fifo or arn.endswith(".fifo")


def deduplication_id(trace_id: str, topic: str, group_id: str, body: str, occurrence: int) -> str:
    """Stable for the same message of the same trace: a retried invocation publishes no duplicate.

    `occurrence` counts identical messages within one invocation, so deliberate repeats survive.
    moto does not derive ids from content, and SNS needs one per FIFO publish either way.
    """
    digest = sha256(f"{trace_id}\0{topic}\0{group_id}\0{occurrence}\0{body}".encode()).hexdigest()
    return digest[:128]


def encode_body(data: Any) -> str:
    from lambda_runtime.adapters.http import json_default  # models and Decimals as in HTTP replies

    return json.dumps(data, sort_keys=True, default=json_default)


def publish(
    step_name: str, trace_id: str, message: dict[str, Any], declared: tuple[str, ...], seen: dict[str, int]
) -> list[str]:
    """Publish one enqueue to every SNS topic of its Motia topic; returns the message ids.

    `seen` belongs to the invocation (kept on its FlowContext) and numbers repeated messages.
    """
    topic = check_declared(step_name, message.get("topic"), declared)
    body = encode_body(message.get("data"))
    attributes = {
        contract.ATTR_TRACE_ID: {"DataType": "String", "StringValue": trace_id or "-"},
        contract.ATTR_TOPIC: {"DataType": "String", "StringValue": topic},
    }
    arns = topic_arns(topic)
    if not arns:
        raise RuntimeError(
            f"step {step_name!r} declares topic {topic!r} but {contract.ENV_TOPIC_ARNS} has no SNS topic "
            "for it; redeploy the stack so the function's environment matches its step config"
        )
    group_id = str(message.get("messageGroupId") or message.get("message_group_id") or step_name)
    fingerprint = f"{topic}\0{group_id}\0{body}"
    occurrence = seen.get(fingerprint, 0)
    seen[fingerprint] = occurrence + 1
    sns = client("sns")
    ids = []
    for arn in arns:
        params: dict[str, Any] = {"TopicArn": arn, "Message": body, "MessageAttributes": attributes}
        if is_fifo(arn):
            params["MessageGroupId"] = group_id
            params["MessageDeduplicationId"] = deduplication_id(trace_id, topic, group_id, body, occurrence)
        ids.append(sns.publish(**params)["MessageId"])
    return ids
