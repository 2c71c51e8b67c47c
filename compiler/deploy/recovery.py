"""What a failed stack creation leaves behind, and clearing it before the next attempt.

Tables carry `DeletionPolicy: RetainExceptOnCreate`, so CloudFormation deletes them when the
creation that made them rolls back. Two cases still leave tables: stacks emitted before that
policy (plain `Retain`), and emulators that do not roll back at all (moto stops where the
failure happened). A table the template names that was created after the failed stack itself
and holds no item can only be that attempt's: the next deploy deletes it. Any other table is
user data and is never touched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from botocore.exceptions import ClientError

from compiler.deploy.aws import Clients, DeployError, aws_errors
from compiler.deploy.stack import existing_tables

__all__ = [
    "TableFact",
    "discard_change_set",
    "failed_create_lines",
    "left_by_failed_create",
    "remove_tables",
    "table_facts",
]

Sleep = Callable[[float], None]
POLL_SECONDS = 1.0
# DeleteTable returns at once; the name is free only when DescribeTable stops finding it.
DELETE_WAIT_SECONDS = 300.0


@dataclass(frozen=True)
class TableFact:
    """An existing table as the recovery sees it."""

    name: str
    created: datetime
    empty: bool


def left_by_failed_create(tables: tuple[TableFact, ...], stack_created: datetime) -> tuple[tuple[str, ...],
                                                                                          tuple[str, ...]]:
    """(removable, kept): empty tables created since the failed stack was, and every other table."""
    removable = tuple(t.name for t in tables if t.empty and t.created >= stack_created)
    kept = tuple(t.name for t in tables if t.name not in removable)
    return removable, kept


def failed_create_lines(stack_name: str, status: str | None, left_tables: tuple[str, ...]) -> list[str]:
    """What a failed first deploy left in the account, and what the next `motia deploy` does with it."""
    where = (f"the empty stack {stack_name} ({status}), which the next motia deploy deletes and creates again"
             if status else f"no stack {stack_name}")
    if not left_tables:
        return [f"nothing else is left behind: {where}; fix the cause and run motia deploy again"]
    names = ", ".join(left_tables)
    return [f"left behind: {where}, and the empty table(s) {names} this attempt created "
            "(the next motia deploy deletes them before creating the stack); fix the cause and run "
            "motia deploy again"]


def _is_missing(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    message = error.response.get("Error", {}).get("Message", "")
    return code in ("ResourceNotFoundException", "ChangeSetNotFound", "ChangeSetNotFoundException") or (
        "does not exist" in message or "not found" in message.lower())


def table_facts(clients: Clients, names: tuple[str, ...]) -> tuple[TableFact, ...]:
    """Creation time and emptiness of each named table that exists (a one-item scan: ItemCount lags hours)."""
    if clients.dynamodb is None:
        return ()
    facts = []
    with aws_errors(clients.target, clients.region):
        for name in names:
            try:
                table: dict[str, Any] = clients.dynamodb.describe_table(TableName=name)["Table"]
                page = clients.dynamodb.scan(TableName=name, Limit=1, Select="COUNT")
            except ClientError as error:
                if _is_missing(error):
                    continue
                raise
            facts.append(TableFact(name, table["CreationDateTime"], not page.get("Count")
                                   and not page.get("LastEvaluatedKey")))
    return tuple(facts)


def remove_tables(clients: Clients, names: tuple[str, ...], sleep: Sleep = time.sleep) -> None:
    """Delete the tables and wait until their names are free."""
    with aws_errors(clients.target, clients.region):
        for name in names:
            try:
                clients.dynamodb.delete_table(TableName=name)
            except ClientError as error:
                if not _is_missing(error):
                    raise
        waited = 0.0
        while existing_tables(clients, names):
            if waited >= DELETE_WAIT_SECONDS:
                raise DeployError(f"table(s) {', '.join(names)} are still being deleted after "
                                  f"{DELETE_WAIT_SECONDS:.0f} s; run motia deploy again in a few minutes")
            sleep(POLL_SECONDS)
            waited += POLL_SECONDS


def discard_change_set(clients: Clients, change_set_id: str) -> bool:
    """Delete a change set that was not executed; False when it is already gone."""
    with aws_errors(clients.target, clients.region):
        try:
            clients.cloudformation.delete_change_set(ChangeSetName=change_set_id)
        except ClientError as error:
            if _is_missing(error):
                return False
            raise
    return True
