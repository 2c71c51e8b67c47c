"""End to end over real HTTP on localhost: fan-out, retries, DLQs, FIFO order, cron, triggers."""

from __future__ import annotations

import json
import os

import pytest

from compiler.emulator.testing import Client

pytestmark = pytest.mark.slow


def _count(emu: Client, group: str, job_id: str) -> int:
    return sum(1 for v in emu.state_list(group) if isinstance(v, dict) and v.get("id") == job_id)


def _job() -> str:
    return f"job-{os.urandom(4).hex()}"


def test_fanout_runs_each_subscriber_once(flows: Client) -> None:
    job = _job()
    status, body = flows.post_json("/jobs", {"id": job})
    assert status == 202 and body["enqueued"] == 1
    assert flows.wait_idle()
    assert _count(flows, "handled-FanoutA", job) == 1
    assert _count(flows, "handled-FanoutB", job) == 1


def test_fails_twice_then_succeeds_is_retried_not_lost(flows: Client) -> None:
    job = _job()
    flows.post_json("/jobs", {"id": job, "topic": "flaky"})
    assert flows.wait_until(lambda: _count(flows, "handled-Flaky", job) == 1, timeout=15)
    assert _count(flows, "attempts-Flaky", job) == 3
    assert flows.dead_letters("Flaky") == []


def test_failed_message_is_retried_after_motias_growing_backoff(flows: Client) -> None:
    job = _job()
    flows.post_json("/jobs", {"id": job, "topic": "flaky"})
    assert flows.wait_until(lambda: _count(flows, "handled-Flaky", job) == 1, timeout=15)
    times = sorted(v["at"] for v in flows.state_list("attempts-Flaky") if isinstance(v, dict) and v.get("id") == job)
    first_gap, second_gap = times[1] - times[0], times[2] - times[1]
    # Motia's default backoff: 1 s after the first failure, 2 s after the second (long polls add up to 1 s).
    assert 0.9 <= first_gap < 2.5 and 1.9 <= second_gap < 3.5 and second_gap > first_gap


def test_queue_input_model_gives_the_handler_an_instance(flows: Client) -> None:
    job = _job()
    flows.post_json("/jobs", {"id": job, "topic": "validated", "quantity": "3"})
    assert flows.wait_until(lambda: _count(flows, "handled-Validated", job) == 1, timeout=10)
    [handled] = [v for v in flows.state_list("handled-Validated") if v.get("id") == job]
    assert (handled["model"], handled["quantity"]) == ("Job", 3)


def test_fails_invalid_queue_input_into_the_dlq_after_the_configured_attempts(flows: Client) -> None:
    job = _job()
    _, body = flows.post_json("/jobs", {"id": job, "topic": "validated", "quantity": "many"})
    assert flows.wait_until(lambda: any(m.get("id") == job for m in flows.dead_letters("Validated")), timeout=15)
    assert [m for m in flows.dead_letters("Validated") if m.get("id") == job] == [{"id": job, "topic": "validated", "quantity": "many"}]
    attempts = [d for d in flows.deliveries if d.step == "Validated" and body["trace_id"] in d.trace_ids]
    assert len(attempts) == 2 and not any(d.ok for d in attempts)  # max_retries 2: two attempts, then the DLQ
    assert _count(flows, "handled-Validated", job) == 0


def test_fails_always_lands_in_that_subscriptions_dlq_while_batch_mates_succeed(flows: Client) -> None:
    poison, good = _job(), _job()
    flows.post_json("/jobs", {"id": poison, "mode": "poison"})
    flows.post_json("/jobs", {"id": good})
    assert flows.wait_until(lambda: any(m.get("id") == poison for m in flows.dead_letters("FanoutB")), timeout=15)
    assert _count(flows, "attempts-FanoutB", poison) == 2  # max_retries = total attempts
    assert _count(flows, "handled-FanoutB", good) == 1
    # The other subscriber of the same topic handled the poison message normally.
    assert _count(flows, "handled-FanoutA", poison) == 1
    assert flows.dead_letters("FanoutA") == []


def test_fifo_order_per_group_holds_under_failures(flows: Client) -> None:
    run = _job()
    for seq in range(1, 6):
        for group in ("g1", "g2"):
            flows.post_json("/jobs", {"id": f"{run}-{group}-{seq}", "topic": "ordered", "group": f"{run}-{group}",
                                      "seq": seq, "fail_once": group == "g1" and seq == 2})
    assert flows.wait_until(lambda: len(flows.state("ordered", f"{run}-g1") or []) == 5, timeout=20)
    assert flows.state("ordered", f"{run}-g1") == [1, 2, 3, 4, 5]
    assert flows.wait_until(lambda: flows.state("ordered", f"{run}-g2") == [1, 2, 3, 4, 5], timeout=10)


def test_the_emulator_runs_the_worker_of_every_trigger_kind(flows: Client) -> None:
    from compiler.trigger_kinds import KINDS, resolve_reference

    kinds_in_fixture = {kind for fn in flows.app.functions for kind in fn.triggers}
    assert kinds_in_fixture == {kind.name for kind in KINDS}  # the fixture exercises every kind
    assert {type(w) for w in flows.workers} == {resolve_reference(kind.emulator_worker) for kind in KINDS}


def test_cron_step_fires_on_demand(flows: Client) -> None:
    before = _count(flows, "ticks", "tick")
    delivery = flows.fire_cron("Tick")
    assert delivery.ok and delivery.trigger == "cron * * * * *"
    assert _count(flows, "ticks", "tick") == before + 1
    assert [v["expression"] for v in flows.state_list("ticks")][-1] == "* * * * *"


def test_state_change_fires_state_trigger_with_old_and_new(flows: Client) -> None:
    key = _job()
    flows.request("PUT", f"/watched/{key}", {"v": 1})
    flows.request("PUT", f"/watched/{key}", {"v": 2})
    assert flows.wait_until(lambda: _count(flows, "state-events", key) == 2)
    events = sorted((e for e in flows.state_list("state-events") if e["id"] == key), key=lambda e: e["event"])
    assert events == [
        {"id": key, "event": "created", "old": None, "new": {"v": 1}},
        {"id": key, "event": "updated", "old": {"v": 1}, "new": {"v": 2}},
    ]


def test_a_failing_state_handler_runs_once_and_its_record_is_kept(flows: Client) -> None:
    key = _job()
    flows.request("PUT", f"/watched/{key}", {"explode": True})
    assert flows.wait_idle()
    assert _count(flows, "explosions", key) == 1  # not retried, as under Motia
    [failure] = [f for f in flows.trigger_failures("Watcher") if key in json.dumps(f["record"])]
    assert failure["step"] == "Watcher" and failure["error"]["message"] == f"watched item {key} exploded"
    assert failure["record"]["eventName"] == "INSERT"


def test_stream_change_fires_only_matching_stream_triggers(flows: Client) -> None:
    red, blue, square = _job(), _job(), _job()
    flows.post_json(f"/items/colors/red/{red}", {"c": "red"})
    flows.post_json(f"/items/colors/blue/{blue}", {"c": "blue"})
    flows.post_json(f"/items/shapes/square/{square}", {"s": 4})
    assert flows.wait_idle()
    assert (_count(flows, "stream-RedColors", red), _count(flows, "stream-RedColors", blue)) == (1, 0)
    assert (_count(flows, "stream-BlueColors", blue), _count(flows, "stream-BlueColors", red)) == (1, 0)
    assert _count(flows, "stream-BlueColors", square) == 0
    assert (_count(flows, "stream-SquareShapes", square), _count(flows, "stream-SquareShapes", red)) == (1, 0)


def test_trace_id_is_the_same_across_the_whole_flow(flows: Client) -> None:
    job = _job()
    trace = f"trace-{job}"
    flows.post_json("/jobs", {"id": job}, headers={"x-motia-trace-id": trace})
    flows.post_json("/jobs", {"id": f"{job}-o", "topic": "ordered", "group": job, "seq": 1},
                    headers={"x-motia-trace-id": trace})
    assert flows.wait_idle()
    assert flows.state("traces", f"{job}:Submit") == trace
    assert flows.state("traces", f"{job}:FanoutA") == trace
    assert flows.state("traces", f"{job}-o:Ordered") == trace


def test_rejects_unknown_route_with_api_gateways_404(flows: Client) -> None:
    status, headers, body = flows.request("GET", "/nope")
    assert status == 404 and body == b'{"message": "Not Found"}'


def test_malformed_json_reaches_the_step_which_answers_it(flows: Client) -> None:
    # As under Motia: the body is None, the raw bytes are on request_body, the step decides.
    status, _, body = flows.request("POST", "/jobs", b"{not json", {"content-type": "application/json"})
    assert status == 400 and json.loads(body) == {"error": "a JSON object with an id is required"}


def test_http_delivery_is_recorded_before_the_reply(flows: Client) -> None:
    # A client that reads its response and then looks at the deliveries must find it there.
    for _ in range(5):
        before = sum(d.trigger == "http POST /jobs" for d in flows.deliveries)
        status, _ = flows.post_json("/jobs", {"id": _job()})
        assert status < 500
        assert sum(d.trigger == "http POST /jobs" for d in flows.deliveries) == before + 1
    assert flows.wait_idle()



def test_a_failing_cron_handler_runs_once_per_tick(flows: Client) -> None:
    # Motia logs a failed cron handler and waits for the next tick: no retry on AWS or here.
    before = _count(flows, "failing-ticks", "attempt")
    delivery = flows.fire_cron("FailingTick")
    assert not delivery.ok and "this tick fails" in delivery.outcome
    assert flows.wait_idle()
    assert _count(flows, "failing-ticks", "attempt") == before + 1
