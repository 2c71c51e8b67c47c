"""Stack-wide hardening applied after every row is emitted: TLS-only resource policies.

Applied by walking the construct tree rather than in each emitter, so that every queue and
topic gets the statement whichever emitter made it (subscriptions, trigger failures, schedules).
"""

from __future__ import annotations

from aws_cdk import Stack, aws_iam as iam, aws_sns as sns, aws_sqs as sqs
from constructs import Construct

# Denies any request made without TLS (cdk-nag AwsSolutions-SQS4 / SNS3). AWS services that
# deliver to our queues and topics (SNS, Lambda, Scheduler) always use TLS.
INSECURE_TRANSPORT = {"Bool": {"aws:SecureTransport": "false"}}
# Topics share TopicPolicy resources (one per topic would double the root stack's resources:
# a 300-topic project passed CloudFormation's 500). The document applies to each listed topic,
# so its Resource is `*` (as in CloudFormation's own TopicPolicy example).
TOPICS_PER_POLICY = 100
TOPIC_POLICY_ID = "TopicsTlsOnly"


def tls_only_statement(actions: list[str], resource: str) -> iam.PolicyStatement:
    return iam.PolicyStatement(
        sid="TlsOnly",
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=actions,
        resources=[resource],
        conditions=INSECURE_TRANSPORT,
    )


def enforce_tls(stack: Stack) -> None:
    """A TLS-only statement in the resource policy of every queue and topic of `stack`."""
    topics: dict[Stack, list[sns.Topic]] = {}
    for construct in stack.node.find_all():
        if isinstance(construct, sqs.Queue):
            construct.add_to_resource_policy(tls_only_statement(["sqs:*"], construct.queue_arn))
        elif isinstance(construct, sns.Topic):
            topics.setdefault(Stack.of(construct), []).append(construct)
    for home, members in topics.items():
        shared_topic_policies(home, members)


def shared_topic_policies(scope: Construct, topics: list[sns.Topic]) -> None:
    """TLS-only topic policies, each covering up to TOPICS_PER_POLICY topics (in tree order)."""
    document = iam.PolicyDocument(statements=[tls_only_statement(["sns:Publish"], "*")])
    for number, start in enumerate(range(0, len(topics), TOPICS_PER_POLICY)):
        sns.CfnTopicPolicy(
            scope, f"{TOPIC_POLICY_ID}{number}" if number else TOPIC_POLICY_ID,
            policy_document=document,
            topics=[topic.topic_arn for topic in topics[start:start + TOPICS_PER_POLICY]],
        )
