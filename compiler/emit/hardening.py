"""Hardening every queue and topic of the stack: encryption at rest and TLS-only resource policies.

Queues are secured where they are made (`secure_queue`, used by every emitter): CDK's own
`enforce_ssl` writes the TLS-only statement inside the jsii process, where adding it from Python
cost four round trips per queue. Topics share TopicPolicy resources (`shared_topic_policies`).
Constructs the project's `motia_aws_stack.py` adds are found by walking the tree (`enforce_tls`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_cdk import Stack, aws_iam as iam, aws_sns as sns, aws_sqs as sqs
from constructs import Construct

if TYPE_CHECKING:
    from compiler.emit.parts import StackParts

# Denies any request made without TLS (cdk-nag AwsSolutions-SQS4 / SNS3). AWS services that
# deliver to our queues and topics (SNS, Lambda, Scheduler) always use TLS.
INSECURE_TRANSPORT = {"Bool": {"aws:SecureTransport": "false"}}
# Topics share TopicPolicy resources (one per topic would double the root stack's resources:
# a 300-topic project passed CloudFormation's 500). The document applies to each listed topic,
# so its Resource is `*` (as in CloudFormation's own TopicPolicy example).
TOPICS_PER_POLICY = 100
TOPIC_POLICY_ID = "TopicsTlsOnly"


def secure_queue(scope: Construct, queue_id: str, **props: Any) -> sqs.Queue:
    """A queue encrypted at rest (SSE-SQS) whose policy denies requests without TLS."""
    return sqs.Queue(scope, queue_id, encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True, **props)


def tls_only_statement(actions: list[str], resource: str, sid: str | None = None) -> iam.PolicyStatement:
    return iam.PolicyStatement(
        sid=sid,
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=actions,
        resources=[resource],
        conditions=INSECURE_TRANSPORT,
    )


def enforce_tls(parts: StackParts, *, walk_tree: bool) -> None:
    """TLS-only topic policies for the stack's topics; with `walk_tree` (the project's hook ran),
    also for the topics it made, and a TLS-only statement in each queue it made without one."""
    arns: dict[Stack, list[str]] = {parts.stack: [parts.topic_arn(name, fifo) for name, fifo in parts.topics]}
    if walk_tree:
        ours = {id(topic) for topic in parts.topics.values()}
        for construct in parts.stack.node.find_all():
            if isinstance(construct, sqs.Queue) and not denies_insecure_transport(construct):
                construct.add_to_resource_policy(tls_only_statement(["sqs:*"], construct.queue_arn))
            elif isinstance(construct, sns.Topic) and id(construct) not in ours:
                arns.setdefault(Stack.of(construct), []).append(construct.topic_arn)
    for home, listed in arns.items():
        shared_topic_policies(home, listed)


def denies_insecure_transport(queue: sqs.Queue) -> bool:
    """Whether `queue`'s policy already has a TLS-only statement (`secure_queue`'s, or the hook's own)."""
    policy = queue.node.try_find_child("Policy")  # where CDK puts a queue's QueuePolicy
    if not isinstance(policy, sqs.QueuePolicy):
        return False
    statements = policy.document.to_json().get("Statement", [])
    return any(s.get("Effect") == "Deny" and s.get("Condition") == INSECURE_TRANSPORT for s in statements)


def shared_topic_policies(scope: Construct, topic_arns: list[str]) -> None:
    """TLS-only topic policies, each covering up to TOPICS_PER_POLICY topics (in creation order)."""
    document = iam.PolicyDocument(statements=[tls_only_statement(["sns:Publish"], "*", sid="TlsOnly")])
    for number, start in enumerate(range(0, len(topic_arns), TOPICS_PER_POLICY)):
        sns.CfnTopicPolicy(
            scope, f"{TOPIC_POLICY_ID}{number}" if number else TOPIC_POLICY_ID,
            policy_document=document,
            topics=topic_arns[start:start + TOPICS_PER_POLICY],
        )
