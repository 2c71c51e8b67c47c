"""Stack-wide hardening applied after every row is emitted: TLS-only resource policies.

Applied by walking the construct tree rather than in each emitter, so that every queue and
topic gets the statement whichever emitter made it (subscriptions, trigger failures, schedules).
"""

from __future__ import annotations

from aws_cdk import Stack, aws_iam as iam, aws_sns as sns, aws_sqs as sqs

# Denies any request made without TLS (cdk-nag AwsSolutions-SQS4 / SNS3). AWS services that
# deliver to our queues and topics (SNS, Lambda, Scheduler) always use TLS.
INSECURE_TRANSPORT = {"Bool": {"aws:SecureTransport": "false"}}


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
    for construct in stack.node.find_all():
        if isinstance(construct, sqs.Queue):
            construct.add_to_resource_policy(tls_only_statement(["sqs:*"], construct.queue_arn))
        elif isinstance(construct, sns.Topic):
            construct.add_to_resource_policy(tls_only_statement(["sns:Publish"], construct.topic_arn))
