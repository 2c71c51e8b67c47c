"""`ctx.enqueue` on SNS: declared topics only, FIFO group and deduplication ids, trace id attributes."""

from __future__ import annotations

import json
from hashlib import sha256

from lambda_runtime import contract
from lambda_runtime.aws_clients import client
from lambda_runtime.payload_limits import check_message

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping


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
    step_name: str,
    trace_id: str,
    message: dict[str, Any],
    topics: Mapping[str, tuple[tuple[str, bool], ...]],
    seen: dict[str, int],
) -> list[str]:
    """Publish one enqueue to every SNS topic of its Motia topic; returns the message ids.

    `topics` is the function's config ({declared topic: ((sns arn, is fifo), ...)}); `seen`
    belongs to the invocation (kept on its FlowContext) and numbers repeated messages.
    """
    topic = check_declared(step_name, message.get("topic"), tuple(sorted(topics)))
    try:
        body = encode_body(message.get("data"))
    except TypeError as error:  # UnawaitedValue: a coroutine in the data, never a message
        raise TypeError(f"step {step_name!r}: the data enqueued to {topic!r} cannot be sent: {error!r}; "
                        "an awaitable in it was never awaited (add `await`)") from None
    attributes = {
        contract.ATTR_TRACE_ID: {"DataType": "String", "StringValue": trace_id or "-"},
        contract.ATTR_TOPIC: {"DataType": "String", "StringValue": topic},
    }
    check_message(step_name, topic, body, attributes)
    arns = topics[topic]
    if not arns:
        raise RuntimeError(
            f"step {step_name!r} declares topic {topic!r} but its function config ({contract.ENV_FUNCTION}) "
            "has no SNS topic for it; redeploy the stack so the function's environment matches its step config"
        )
    group_id = str(message.get("messageGroupId") or message.get("message_group_id") or step_name)
    fingerprint = f"{topic}\0{group_id}\0{body}"
    occurrence = seen.get(fingerprint, 0)
    seen[fingerprint] = occurrence + 1
    sns = client("sns")
    ids = []
    for arn, fifo in arns:
        params: dict[str, Any] = {"TopicArn": arn, "Message": body, "MessageAttributes": attributes}
        if fifo:
            params["MessageGroupId"] = group_id
            params["MessageDeduplicationId"] = deduplication_id(trace_id, topic, group_id, body, occurrence)
        ids.append(sns.publish(**params)["MessageId"])
    return ids
