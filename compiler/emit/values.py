"""CDK value objects made once per process: durations, principals, time zones, schedules.

Each `Duration.seconds(n)` or `iam.ServicePrincipal(...)` is a round trip to the jsii Node
process (about 0.3 ms), and a 300-step project asks for the same few values thousands of
times. They are immutable, so every construct of every stack may share one.
"""

from __future__ import annotations

import functools

from aws_cdk import Duration, TimeZone, aws_apigatewayv2 as apigw, aws_iam as iam, aws_scheduler as scheduler


@functools.cache
def seconds(count: int) -> Duration:
    return Duration.seconds(count)


@functools.cache
def service_principal(service: str) -> iam.ServicePrincipal:
    """`lambda.amazonaws.com`, `scheduler.amazonaws.com`, ... as a principal."""
    return iam.ServicePrincipal(service)


@functools.cache
def time_zone(name: str) -> TimeZone:
    return TimeZone.of(name)


@functools.cache
def payload_format_2() -> apigw.PayloadFormatVersion:
    """HTTP API integrations' payload format 2.0 (reading the constant is a round trip too)."""
    return apigw.PayloadFormatVersion.VERSION_2_0


@functools.cache
def schedule_expression(expression: str, zone: str) -> scheduler.ScheduleExpression:
    """`cron(...)` or `rate(...)` in `zone`: many steps share one (hourly, nightly)."""
    return scheduler.ScheduleExpression.expression(expression, time_zone(zone))
