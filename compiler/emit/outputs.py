"""Stack outputs: what a user needs after deploying (API URL, table names, topic ARNs)."""

from __future__ import annotations

from aws_cdk import CfnOutput

from compiler.emit.messaging import topic_id
from compiler.emit.parts import StackParts


MAX_OUTPUTS = 200  # CloudFormation's limit per template


def emit_outputs(parts: StackParts) -> None:
    stack = parts.stack
    if parts.api is not None and parts.api.url is not None:
        # The default stage's URL is built from Ref(api), not GetAtt ApiEndpoint, which moto's
        # CloudFormation cannot resolve (it skips AWS::ApiGatewayV2::*): the template must
        # deploy there for `motia dev`.
        CfnOutput(stack, "Output-ApiUrl", value=parts.api.url, description="HTTP API base URL")
    for kind, table in sorted(parts.tables.items()):
        CfnOutput(stack, f"Output-Table-{kind}", value=table.table_name, description=f"{kind} table name")
    if len(parts.topics) + len(parts.tables) + 1 > MAX_OUTPUTS:
        return  # too many topics to list: CloudFormation would refuse the template; ARNs are in the FunctionConfigs
    for name, fifo in sorted(parts.topics):
        CfnOutput(stack, f"Output-{topic_id(name, fifo)}", value=parts.topic_arn(name, fifo),
                  description=f"SNS topic of Motia topic {name}" + (" (FIFO)" if fifo else ""))
