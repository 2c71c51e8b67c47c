"""State and streams tables (DESIGN.md 3): pk/sk strings, on-demand, NEW_AND_OLD_IMAGES stream,
point-in-time recovery.

No DynamoDB deletion protection: the DeletionPolicy already keeps the tables through `motia
destroy`, and a protected table cannot be deleted by CloudFormation when a failed first
create rolls back (issue 10 item 1 relies on that rollback to leave nothing behind).
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy, aws_dynamodb as dynamodb

from compiler.emit.parts import StackParts, construct_id
from compiler.ir import Table


def emit_table(parts: StackParts, table: Table) -> None:
    parts.tables[table.kind] = dynamodb.Table(
        parts.stack,
        construct_id("Table", table.kind),
        table_name=table.table_name,
        partition_key=dynamodb.Attribute(name=table.partition_key, type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name=table.sort_key, type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        # Both images: state triggers report old and new values; stream triggers filter on keys.
        stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        # Application data outlives a `motia destroy` unless the user deletes it on purpose; a
        # table made by a create that fails and rolls back holds nothing and goes with it
        # (DeletionPolicy RetainExceptOnCreate), so it cannot block the next deploy.
        removal_policy=RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        # Restores to any second of the last 35 days: a bad deploy or handler can be undone.
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True,
        ),
    )
