"""Topics and subscriptions (DESIGN.md 3): SNS topic per (topic, kind), encrypted at rest;
per-subscription SQS queue + DLQ of the same kind, raw delivery, redrive after max_retries,
batch item failures, a CloudWatch alarm on the DLQ's depth."""

from __future__ import annotations

from aws_cdk import Duration, aws_iam as iam, aws_lambda as lambda_
from aws_cdk import aws_sns as sns, aws_sqs as sqs

from constructs import Construct

from compiler import naming
from compiler.emit import values
from compiler.emit.alarms import dead_letter_alarm
from compiler.emit.hardening import secure_queue
from compiler.emit.parts import StackParts, construct_id
from compiler.ir import QueueSubscription, Topic

# A dead letter stays as long as SQS allows, so an operator has two weeks to look at it.
DLQ_RETENTION = Duration.days(14)
# Messages at rest in SNS are encrypted with the AWS managed key: its key policy lets every
# principal of the account use it through SNS, so publishers need no KMS grant, and SNS
# decrypts before delivering to the (SSE-SQS) subscription queues.
SNS_MANAGED_KEY = "alias/aws/sns"


def topic_id(name: str, fifo: bool) -> str:
    return construct_id("TopicFifo" if fifo else "Topic", name)


def emit_topic(parts: StackParts, topic: Topic) -> None:
    created = sns.Topic(
        parts.stack,
        topic_id(topic.name, topic.fifo),
        topic_name=topic.sns_name,
        display_name=naming.topic_display_name(topic.name),
        fifo=topic.fifo or None,
        # Publishers may omit a deduplication id; the message body then deduplicates.
        content_based_deduplication=True if topic.fifo else None,
    )
    cfn_topic = created.node.default_child
    assert isinstance(cfn_topic, sns.CfnTopic)
    # Set on the L1: `master_key` with an imported alias would add KMS grants the AWS
    # managed key does not need (see SNS_MANAGED_KEY).
    cfn_topic.kms_master_key_id = SNS_MANAGED_KEY
    parts.topics[(topic.name, topic.fifo)] = created


def subscribe_queue(scope: Construct, holder: str, topic: sns.Topic, topic_arn: str, queue: sqs.Queue,
                    queue_arn: str) -> None:
    """Topic -> queue with raw delivery, and the queue policy letting only that topic send.

    Declared directly rather than with SqsSubscription, whose ids embed the stack name (and so
    the stage): logical ids must derive from step and topic names only. The ARNs are the
    tokens the caller read once (each read is a jsii round trip).
    """
    added = queue.add_to_resource_policy(iam.PolicyStatement(
        principals=[values.service_principal("sns.amazonaws.com")],
        actions=["sqs:SendMessage"],
        resources=[queue_arn],
        conditions={"ArnEquals": {"aws:SourceArn": topic_arn}},
    ))
    subscription = sns.Subscription(
        scope, f"{holder}-Subscription",
        topic=topic,
        endpoint=queue_arn,
        protocol=sns.SubscriptionProtocol.SQS,
        # Raw delivery: the SQS body is the enqueued JSON; the trace id rides as an attribute.
        raw_message_delivery=True,
    )
    # SNS checks it may send when subscribing: create the queue policy first.
    if added.policy_dependable is not None:
        subscription.node.add_dependency(added.policy_dependable)


def emit_queue(parts: StackParts, sub: QueueSubscription) -> None:
    scope = parts.step_scope(sub.function)
    kind = "SubscriptionFifo" if sub.fifo else "Subscription"
    holder = construct_id(kind, sub.topic)
    fifo = sub.fifo or None
    dedup = True if sub.fifo else None
    dlq = secure_queue(
        scope, f"{holder}-Dlq",
        queue_name=sub.dlq_name, fifo=fifo, content_based_deduplication=dedup,
        retention_period=DLQ_RETENTION,
    )
    queue = secure_queue(
        scope, f"{holder}-Queue",
        queue_name=sub.queue_name, fifo=fifo, content_based_deduplication=dedup,
        visibility_timeout=values.seconds(sub.visibility_timeout_s),
        delivery_delay=values.seconds(sub.delay_s),
        retention_period=values.seconds(sub.retention_s),
        # max_receive_count counts deliveries, so max_retries = total attempts (DESIGN.md 1).
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=sub.max_receive_count),
    )
    dead_letter_alarm(scope, f"{holder}-DlqAlarm", dlq,
                      f"Motia step {sub.function}: messages of topic {sub.topic} dead-lettered",
                      parts.app.settings.alarm_topic_arn)
    queue_arn = queue.queue_arn
    subscribe_queue(scope, holder, parts.topic(sub.topic, sub.fifo), parts.topic_arn(sub.topic, sub.fifo), queue, queue_arn)
    function = parts.function(sub.function)
    # An explicit mapping id (not SqsEventSource's, which embeds the stack name) keeps logical
    # ids equal across stages; the grant covers this queue only.
    function.add_event_source_mapping(
        f"{holder}-EventSource",
        event_source_arn=queue_arn,
        batch_size=sub.batch_size,  # 1 for FIFO: each receive is an attempt (QueueSubscription.batch_size)
        report_batch_item_failures=True,
        max_concurrency=sub.max_concurrency,
    )
    if sub.reserved_concurrency is not None:
        # Motia's concurrency 1, below the mapping's minimum of 2 (compiler.sizing says why).
        cfn_function = function.node.default_child
        assert isinstance(cfn_function, lambda_.CfnFunction)
        cfn_function.reserved_concurrent_executions = sub.reserved_concurrency
    # Includes sqs:ChangeMessageVisibility, on this queue only: the shim sets Motia's retry delay.
    queue.grant_consume_messages(function)
