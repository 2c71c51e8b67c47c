"""Extra IAM permissions a step declares in its config, checked and turned into IR.

    "permissions": [{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::my-bucket/*"]}]

Each entry becomes one Allow statement on that step's role, exactly as written. An ARN may
use `${AWS::Partition}`, `${AWS::Region}` and `${AWS::AccountId}` (substituted at deploy
time). A resource of `*` is allowed only for actions AWS cannot restrict to a resource (the
table below, from the Service Authorization Reference), and even then it is a warning that
names them: anything else must name its resources.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from compiler import ir

# service:Action, the action part may end in or contain `*` (s3:Get*).
_ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9*]+")
# arn:partition:service:region:account:resource; region and account may be empty (S3, IAM).
_ARN = re.compile(
    r"arn:(?:aws|aws-cn|aws-us-gov|\$\{AWS::Partition\}):[a-z0-9-]+:"
    r"(?:[a-z0-9-]*|\$\{AWS::Region\}|\*):(?:\d{12}|\$\{AWS::AccountId\}|\*|aws)?:.+"
)
_SUBSTITUTION = re.compile(r"\$\{([^}]*)\}")
ALLOWED_SUBSTITUTIONS = frozenset({"AWS::Partition", "AWS::Region", "AWS::AccountId"})

# Actions with no resource-level permission: `*` is the only resource AWS accepts for them.
NO_RESOURCE_LEVEL: frozenset[str] = frozenset({
    "bedrock:ListFoundationModels", "bedrock:ListInferenceProfiles", "bedrock:ListCustomModels",
    "cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics",
    "comprehend:DetectSentiment", "comprehend:DetectEntities", "comprehend:DetectDominantLanguage",
    "dynamodb:ListTables", "ec2:DescribeInstances", "ec2:DescribeRegions",
    "kms:ListKeys", "kms:ListAliases", "lambda:ListFunctions",
    "polly:DescribeVoices", "rekognition:DetectLabels", "rekognition:DetectText",
    "s3:ListAllMyBuckets", "secretsmanager:ListSecrets", "ses:GetSendQuota", "ses:ListIdentities",
    "sns:ListTopics", "sqs:ListQueues", "ssm:DescribeParameters", "sts:GetCallerIdentity",
    "textract:AnalyzeDocument", "textract:DetectDocumentText", "translate:TranslateText",
    "xray:PutTraceSegments", "xray:PutTelemetryRecords",
})


def permissions_of(entries: Iterable[tuple[Iterable[str], Iterable[str]]]) -> tuple[ir.Permission, ...]:
    """Each (actions, resources) entry as written, its lists sorted and without repeats."""
    return tuple(ir.Permission(tuple(sorted(set(a))), tuple(sorted(set(r)))) for a, r in entries)


def _resource_problem(resource: str) -> str | None:
    if resource == "*":
        return None
    if not _ARN.fullmatch(resource):
        return f"resource {resource!r} is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)"
    unknown = set(_SUBSTITUTION.findall(resource)) - ALLOWED_SUBSTITUTIONS
    if unknown:
        return f"resource {resource!r} uses ${{{sorted(unknown)[0]}}}; only ${{AWS::Partition}}, ${{AWS::Region}} and ${{AWS::AccountId}} are substituted"
    return None


def permission_problems(file: str, step: str, permissions: tuple[ir.Permission, ...]) -> Iterator[ir.Diagnostic]:
    """Malformed actions and ARNs are errors; a `*` resource is an error unless every action of
    its entry has no resource-level permission, then a warning naming them."""
    for number, permission in enumerate(permissions, 1):
        where = f"permissions[{number - 1}]"
        for action in permission.actions:
            if not _ACTION.fullmatch(action):
                yield ir.Diagnostic("error", file, step, f"{where}: action {action!r} is not service:Action",
                                    "write it as IAM does, e.g. s3:GetObject or bedrock:InvokeModel")
        for resource in permission.resources:
            problem = _resource_problem(resource)
            if problem:
                yield ir.Diagnostic("error", file, step, f"{where}: {problem}",
                                    "e.g. arn:aws:s3:::my-bucket/* or arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/<id>")
        if "*" in permission.resources:
            restricted = [a for a in permission.actions if a not in NO_RESOURCE_LEVEL]
            if restricted:
                yield ir.Diagnostic(
                    "error", file, step, f"{where}: resource '*' for {', '.join(restricted)}, which AWS can restrict to named resources",
                    "name the ARNs the step needs (least privilege); '*' is accepted only for actions "
                    "without resource-level permissions, such as s3:ListAllMyBuckets",
                )
            else:
                yield ir.Diagnostic(
                    "warning", file, step, f"{where}: {', '.join(permission.actions)} on every resource ('*')",
                    "AWS offers no resource-level permission for these actions: '*' is the only choice",
                )


def permission_lines(app: ir.Application) -> list[str]:
    """`motia plan`'s section: each step's extra statements."""
    lines = [
        f"  {fn.name:<24} {', '.join(p.actions)} on {', '.join(p.resources)}"
        for fn in app.functions for p in fn.permissions
    ]
    return ["", "Extra permissions (added to the step's role)", *lines] if lines else []
