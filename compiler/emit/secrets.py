"""What a function's role may do beyond its own wiring: read exactly the secrets its project
references (the values never reach the template; the function gets the names), and the
extra statements its step declares in `permissions`."""

from __future__ import annotations

from aws_cdk import ArnFormat, Fn, Stack, aws_iam as iam

from compiler import ir

def parameter_arn(stack: Stack, name: str) -> str:
    # A hierarchical name keeps its leading slash out of the ARN: parameter/motia/app/...
    return stack.format_arn(service="ssm", resource="parameter", resource_name=name.lstrip("/"))

def secret_arn(stack: Stack, secret_id: str) -> str:
    """A full ARN as given; a name matches its ARN, which Secrets Manager ends with `-` and 6 characters."""
    if secret_id.startswith("arn:"):
        return secret_id
    return stack.format_arn(service="secretsmanager", resource="secret", resource_name=f"{secret_id}-??????",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME)


def secret_statements(stack: Stack, secrets: tuple[ir.SecretReference, ...]) -> list[iam.PolicyStatement]:
    """One statement per store, naming each referenced parameter or secret (sorted, no wildcards
    beyond Secrets Manager's suffix). SecureStrings under the account's aws/ssm key need no KMS grant."""
    statements = []
    # Sorted by name: the ARNs are tokens, whose text says nothing about the order.
    parameters = [parameter_arn(stack, n) for n in sorted({s.name for s in secrets if s.store == "ssm"})]
    if parameters:
        statements.append(iam.PolicyStatement(actions=["ssm:GetParameters"], resources=parameters))
    stored = [secret_arn(stack, n) for n in sorted({s.name for s in secrets if s.store == "secretsmanager"})]
    if stored:
        statements.append(iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=stored))
    return statements


def permission_statements(permissions: tuple[ir.Permission, ...]) -> list[iam.PolicyStatement]:
    """One Allow statement per declared entry, ARNs with ${AWS::Region} and the like substituted."""
    return [
        iam.PolicyStatement(
            actions=list(p.actions),
            resources=[Fn.sub(r) if "${" in r else r for r in p.resources],
        )
        for p in permissions
    ]
