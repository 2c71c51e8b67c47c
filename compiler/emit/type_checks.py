"""jsii's Python-side argument type checks, switched off while our emitters run.

Before sending a call to Node, jsii checks every argument against its type hints with
typeguard: about 0.5 s of a 300-step synth (8 %), for emitters whose calls the suite already
synthesizes with the checks on (tests/compiler/emit/test_type_checks.py). A wrong argument
still fails, in Node. The project's motia_aws_stack.py runs with the checks, where their
messages help. jsii's only switch is `python -O`, which would also strip the asserts of the
project's own step files, so the check jsii resolves once per process
(`jsii._type_checking._resolved_check`) is replaced for the duration; should a jsii release
drop that name, the checks simply stay on.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import jsii._type_checking as checking

RESOLVED_CHECK = "_resolved_check"
ENABLED = False  # True keeps the checks on (the test that runs the emitters with them sets it)


def _unchecked(argname: str, value: object, expected_type: Any) -> None:
    return None


@contextmanager
def argument_checks_off() -> Iterator[None]:
    """jsii's argument checks off inside the block (unless `ENABLED`), as they were after."""
    if ENABLED or not hasattr(checking, RESOLVED_CHECK):
        yield
        return
    saved = getattr(checking, RESOLVED_CHECK)
    setattr(checking, RESOLVED_CHECK, _unchecked)
    try:
        yield
    finally:
        setattr(checking, RESOLVED_CHECK, saved)


@contextmanager
def argument_checks_on() -> Iterator[None]:
    """jsii's argument checks back on inside an `argument_checks_off` block (the project's hook)."""
    if not hasattr(checking, RESOLVED_CHECK) or getattr(checking, RESOLVED_CHECK) is not _unchecked:
        yield
        return
    setattr(checking, RESOLVED_CHECK, None)  # jsii resolves its typeguard check again on first use
    try:
        yield
    finally:
        setattr(checking, RESOLVED_CHECK, _unchecked)
