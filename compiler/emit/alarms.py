"""The alarm every dead-letter queue of the stack gets: in alarm at its first message.

A dead letter is a lost Motia event, a missed cron tick or a failed trigger record; the alarm
notifies the settings' `alarm_topic_arn` when the project sets one.
"""

from __future__ import annotations

from aws_cdk import Duration, aws_cloudwatch as cloudwatch, aws_sqs as sqs
from constructs import Construct

# One dead letter is already a lost Motia event: alarm on the first, checked every minute.
DLQ_ALARM_PERIOD = Duration.minutes(1)
DLQ_ALARM_STATISTIC = cloudwatch.Stats.MAXIMUM  # read once: each read is a jsii round trip
ALARM_DESCRIPTION_LIMIT = 1024  # CloudWatch's limit on an alarm's description


def dead_letter_alarm(scope: Construct, alarm_id: str, dlq: sqs.Queue, description: str,
                      action_topic_arn: str | None = None) -> cloudwatch.Alarm:
    """In alarm while `dlq` holds a message; it notifies the settings' `alarm_topic_arn` when
    there is one. Every dead-letter queue of the stack gets one: a dead letter is a lost event
    or a missed tick."""
    alarm = cloudwatch.Alarm(
        scope, alarm_id,
        alarm_description=description[:ALARM_DESCRIPTION_LIMIT],
        metric=dlq.metric_approximate_number_of_messages_visible(
            period=DLQ_ALARM_PERIOD, statistic=DLQ_ALARM_STATISTIC,
        ),
        threshold=0,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluation_periods=1,
        # No datapoint means an idle, empty queue.
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    if action_topic_arn is not None:
        # On the L1: the L2's SnsAction would import the topic as a construct per alarm.
        cfn_alarm = alarm.node.default_child
        assert isinstance(cfn_alarm, cloudwatch.CfnAlarm)
        cfn_alarm.alarm_actions = [action_topic_arn]
    return alarm
