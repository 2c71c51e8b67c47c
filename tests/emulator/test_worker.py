"""GIVEN a poller or reader whose round fails WHEN it runs THEN it says so and goes on."""

from __future__ import annotations

import os
import threading
from typing import Any, Callable, Iterator

import pytest

from compiler.emulator import worker
from compiler.emulator.testing import Client, running_app
from compiler.emulator.worker import Worker
from tests.emulator.conftest import FLOWS


class _Rounds(Worker):
    def __init__(self) -> None:
        super().__init__("motia-dev-test")


@pytest.mark.parametrize("error", [RuntimeError("moto said no"), SystemExit(3), RecursionError(), GeneratorExit()])
def test_fails_a_round_and_says_so_on_one_line(error: BaseException, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "ERROR_PAUSE_S", 0.0)

    def fail() -> None:
        raise error

    rounds = _Rounds()
    assert rounds.run_round("polling", fail, threading.Event()) is False
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"motia dev: motia-dev-test: polling failed ({type(error).__name__}") and "trying again" in line
    assert rounds.errors == [line]


def test_fails_the_thread_on_keyboard_interrupt() -> None:
    def interrupt() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _Rounds().run_round("polling", interrupt, threading.Event())


@pytest.fixture(scope="module")
def flows() -> Iterator[Client]:
    with running_app(FLOWS) as emulator:
        yield emulator


def _failing_once(original: Callable[..., Any], error: BaseException) -> Callable[..., Any]:
    calls = []

    def call(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise error
        return original(*args, **kwargs)

    return call


@pytest.mark.slow
@pytest.mark.parametrize("error", [RuntimeError("QueueDoesNotExist"), SystemExit(1)])
def test_fails_a_poll_and_the_poller_keeps_delivering(flows: Client, error: BaseException, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(worker, "ERROR_PAUSE_S", 0.05)
    [poller] = flows._pollers_of("FanoutA", None)
    monkeypatch.setattr(poller._sqs, "receive_message", _failing_once(poller._sqs.receive_message, error))
    job = f"job-{os.urandom(4).hex()}"
    flows.post_json("/jobs", {"id": job})
    assert flows.wait_until(lambda: any(v.get("id") == job for v in flows.state_list("handled-FanoutA")), timeout=15)
    # Waited for, not read once: a receive already in flight when the patch landed may have
    # delivered the job; the failing call is the poller's next one.
    assert flows.wait_until(lambda: any("polling failed" in e for e in poller.errors), timeout=15)


@pytest.mark.slow
def test_fails_a_stream_delivery_and_the_reader_delivers_the_same_records_again(
    flows: Client, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(worker, "ERROR_PAUSE_S", 0.05)
    [reader] = [r for r in flows.readers if flows.invoker is not None and flows.invoker.step_of(r.source.function_name) == "Watcher"]
    monkeypatch.setattr(reader, "deliver", _failing_once(reader.deliver, SystemExit("a bug of ours")))
    key = f"k-{os.urandom(4).hex()}"
    flows.request("PUT", f"/watched/{key}", {"v": 1})
    assert flows.wait_until(lambda: any(v.get("id") == key for v in flows.state_list("state-events")), timeout=15)
    assert [v["new"] for v in flows.state_list("state-events") if v.get("id") == key] == [{"v": 1}]
    assert any("reading the stream failed (SystemExit: a bug of ours)" in e for e in reader.errors)
