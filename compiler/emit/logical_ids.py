"""CloudFormation logical ids as CDK allocates them, computed here from construct ids.

Reading one from CDK costs five jsii round trips (the stack, the L1, its id token, resolving
it); cdk-nag's acknowledgments name a logical id for every cron step. The rule is CDK's
`makeUniqueId` (aws-cdk-lib core/lib/private/uniqueid.ts), applied to the construct ids from
just below the resource's stack down to the resource itself; tests/compiler/emit/
test_logical_ids.py checks it against CDK for every resource of a synthesized stack.
"""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

HIDDEN_ID = "Default"  # left out of the id entirely
HIDDEN_FROM_HUMAN_ID = "Resource"  # left out of the readable part, kept in the hash
HASH_LENGTH = 8
MAX_HUMAN_LENGTH = 240
MAX_ID_LENGTH = 255
_NON_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")


def logical_id(path: Sequence[str]) -> str:
    """The logical id of the resource at `path` (construct ids below its stack)."""
    components = [c for c in path if c != HIDDEN_ID]
    if not components:
        raise ValueError("a logical id needs at least one construct id besides 'Default'")
    if len(components) == 1:
        candidate = _NON_ALPHANUMERIC.sub("", components[0])
        if len(candidate) <= MAX_ID_LENGTH:
            return candidate
    digest = hashlib.md5("/".join(components).encode(), usedforsecurity=False).hexdigest()
    human = "".join(_NON_ALPHANUMERIC.sub("", c) for c in _without_repeats(components) if c != HIDDEN_FROM_HUMAN_ID)
    return human[:MAX_HUMAN_LENGTH] + digest[:HASH_LENGTH].upper()


def _without_repeats(components: Sequence[str]) -> list[str]:
    """CDK's removeDupes: a component is dropped when the one before it ends with it."""
    kept: list[str] = []
    for component in components:
        if not kept or not kept[-1].endswith(component):
            kept.append(component)
    return kept
