"""The nested stacks of a nested project, made on first use (placement: `compiler.stack_layout`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from aws_cdk import NestedStack, Stack, aws_lambda as lambda_

from compiler.stack_layout import bucket_of, nested_stack_id


@dataclass
class NestedSteps:
    """The nested stacks made so far (one per used bucket) and one code asset per stack.

    A `lambda_.Code` binds to the first stack that uses it, so each stack gets its own; they
    name the same asset (same custom hash), published once.
    """

    root: Stack
    new_code: Callable[[], lambda_.Code]
    stacks: dict[int, NestedStack] = field(default_factory=dict)
    codes: dict[int, lambda_.Code] = field(default_factory=dict)  # by bucket

    def stack_for(self, step: str) -> Stack:
        bucket = bucket_of(step)
        if bucket not in self.stacks:
            self.stacks[bucket] = NestedStack(
                self.root, nested_stack_id(bucket),
                description=f"Motia steps of bucket {bucket} (motia-aws; placement: docs/scale.md)",
            )
        return self.stacks[bucket]

    def code_for(self, step: str) -> lambda_.Code:
        """The `Code` of `step`'s nested stack."""
        bucket = bucket_of(step)
        if bucket not in self.codes:
            self.codes[bucket] = self.new_code()
        return self.codes[bucket]
