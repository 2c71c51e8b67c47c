"""The shim's shared names and rules."""

from __future__ import annotations

import pytest

from lambda_runtime.contract import TRACE_ID_MAX_LENGTH, well_formed_trace_id


@pytest.mark.parametrize("value", ["trace-from-client", "1-5f84c7a9-abc", "a.b_c:d", "x" * TRACE_ID_MAX_LENGTH])
def test_accepts_a_bounded_plain_trace_id(value: str) -> None:
    assert well_formed_trace_id(value)


@pytest.mark.parametrize("value", ["", "x" * (TRACE_ID_MAX_LENGTH + 1), "a b", "a\nb", "<script>", "é", "a/b", None, 5])
def test_rejects_a_trace_id_that_is_long_odd_or_not_text(value: object) -> None:
    assert not well_formed_trace_id(value)
