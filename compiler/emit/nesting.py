"""The nested stacks of a nested project (placement: `compiler.stack_layout`).

Every used bucket's stack is made before the first function, in the order of the buckets'
first use: the root template lists them in creation order. A process may build only some of
the buckets' steps (`owned`, `compiler.synth_split`); the others' stacks are made all the
same, empty, so that every process's root template has the same resources in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from aws_cdk import NestedStack, Stack, aws_lambda as lambda_

from compiler.stack_layout import bucket_of, nested_stack_id


@dataclass
class NestedSteps:
    """The nested stacks (one per used bucket) and one code asset per stack.

    A `lambda_.Code` binds to the first stack that uses it, so each stack gets its own; they
    name the same asset (same custom hash), published once.
    """

    root: Stack
    new_code: Callable[[], lambda_.Code]
    owned: frozenset[int] | None = None  # the buckets whose steps this process builds; None: all
    stacks: dict[int, NestedStack] = field(default_factory=dict)
    codes: dict[int, lambda_.Code] = field(default_factory=dict)  # by bucket

    def create_stacks(self, steps: Iterable[str]) -> None:
        """The stack of every bucket `steps` use, in the order of first use."""
        for step in steps:
            bucket = bucket_of(step)
            if bucket not in self.stacks:
                self.stacks[bucket] = NestedStack(
                    self.root, nested_stack_id(bucket),
                    description=f"Motia steps of bucket {bucket} (motia-aws; placement: docs/scale.md)",
                )

    def builds(self, step: str) -> bool:
        """Whether this process builds `step`'s resources."""
        return self.owned is None or bucket_of(step) in self.owned

    def stack_for(self, step: str) -> Stack:
        bucket = bucket_of(step)
        if not self.builds(step):
            raise ValueError(f"step {step!r} (bucket {bucket}) is built by another process")
        if bucket not in self.stacks:
            raise ValueError(f"no nested stack for step {step!r}: create_stacks was not given it")
        return self.stacks[bucket]

    def code_for(self, step: str) -> lambda_.Code:
        """The `Code` of `step`'s nested stack."""
        bucket = bucket_of(step)
        if bucket not in self.codes:
            self.codes[bucket] = self.new_code()
        return self.codes[bucket]
