from __future__ import annotations

import pytest

from lambda_runtime.publish import EnqueueNotAllowed, check_declared, deduplication_id, is_fifo, topic_arns


def test_deduplication_id_is_stable_per_message_and_distinguishes_repeats() -> None:
    first = deduplication_id("trace", "t", "g", '{"n": 1}', 0)
    assert first == deduplication_id("trace", "t", "g", '{"n": 1}', 0)
    assert first != deduplication_id("trace", "t", "g", '{"n": 1}', 1)
    assert first != deduplication_id("other-trace", "t", "g", '{"n": 1}', 0)
    assert len(first) <= 128


def test_rejects_undeclared_and_missing_topics() -> None:
    with pytest.raises(EnqueueNotAllowed, match="step 'S' enqueued to topic 'x'.*declared: 'a'"):
        check_declared("S", "x", ("a",))
    with pytest.raises(EnqueueNotAllowed, match="needs"):
        check_declared("S", None, ("a",))


def test_topic_arns_and_fifo_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTIA_TOPIC_ARNS", '{"a": ["arn:1", "arn:2.fifo"], "b": "arn:3"}')
    monkeypatch.setenv("MOTIA_FIFO_TOPIC_ARNS", '["arn:1"]')
    assert topic_arns("a") == ["arn:1", "arn:2.fifo"] and topic_arns("b") == ["arn:3"] and topic_arns("c") == []
    assert is_fifo("arn:1") and is_fifo("arn:2.fifo") and not is_fifo("arn:3")
