"""Project settings that shape every step's function: architecture, runtime, logs, tracing,
layers, reserved concurrency and VPC. Defaults add nothing, so a project without settings
emits the template it always had."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_iam as iam, aws_lambda as lambda_, aws_logs as logs
from constructs import Construct

from compiler.ir import Function
from compiler.settings import LOG_RETENTION_DAYS
from compiler.settings_model import Settings

RUNTIMES: dict[str, lambda_.Runtime] = {"3.12": lambda_.Runtime.PYTHON_3_12, "3.13": lambda_.Runtime.PYTHON_3_13}
# Lambda needs these to attach and remove the function's network interfaces in the VPC.
VPC_ACCESS_POLICY = "service-role/AWSLambdaVPCAccessExecutionRole"


def runtime(settings: Settings) -> lambda_.Runtime:
    return RUNTIMES[settings.python]


# CloudWatch's retention periods (settings' LOG_RETENTION_DAYS) by their CDK names.
RETENTION_NAMES: dict[int, str] = dict(zip(LOG_RETENTION_DAYS, (
    "ONE_DAY", "THREE_DAYS", "FIVE_DAYS", "ONE_WEEK", "TWO_WEEKS", "ONE_MONTH", "TWO_MONTHS", "THREE_MONTHS",
    "FOUR_MONTHS", "FIVE_MONTHS", "SIX_MONTHS", "ONE_YEAR", "THIRTEEN_MONTHS", "EIGHTEEN_MONTHS", "TWO_YEARS",
    "THREE_YEARS", "FIVE_YEARS", "SIX_YEARS", "SEVEN_YEARS", "EIGHT_YEARS", "NINE_YEARS", "TEN_YEARS",
), strict=True))


def log_retention(settings: Settings) -> logs.RetentionDays:
    return logs.RetentionDays[RETENTION_NAMES[settings.log_retention_days]]


def shared_props(scope: Construct, settings: Settings, layer_prefix: str = "") -> dict[str, Any]:
    """What every function of the stack takes from the settings (the steps', and the realtime
    ones, which run the project's stream hooks from the same bundle): architecture, tracing,
    layers. `layer_prefix` keeps layer ids apart when functions share a scope."""
    props: dict[str, Any] = {}
    if settings.architecture == "arm64":
        props["architecture"] = lambda_.Architecture.ARM_64
    if settings.tracing:
        props["tracing"] = lambda_.Tracing.ACTIVE
    if settings.layers:
        props["layers"] = [lambda_.LayerVersion.from_layer_version_arn(scope, f"{layer_prefix}Layer{i}", arn)
                           for i, arn in enumerate(settings.layers)]
    return props


def function_props(scope: Construct, settings: Settings, fn: Function) -> dict[str, Any]:
    """Extra `lambda_.Function` props; only what differs from the defaults, so ids stay stable."""
    props = shared_props(scope, settings)
    reserved = settings.reserved_for(fn.name)
    if reserved is not None:
        props["reserved_concurrent_executions"] = reserved
    return props


def apply_vpc(settings: Settings, function: lambda_.Function, role: iam.Role) -> None:
    """Existing subnets and security groups by id (L1: the L2 wants a whole Vpc object)."""
    if settings.vpc is None:
        return
    role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name(VPC_ACCESS_POLICY))
    cfn = function.node.default_child
    assert isinstance(cfn, lambda_.CfnFunction)
    cfn.vpc_config = lambda_.CfnFunction.VpcConfigProperty(
        subnet_ids=list(settings.vpc.subnet_ids), security_group_ids=list(settings.vpc.security_group_ids))
    # The role's ENI rights must exist before Lambda creates the function in the VPC.
    cfn.node.add_dependency(role)
