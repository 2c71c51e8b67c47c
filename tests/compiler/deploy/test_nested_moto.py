"""`motia deploy` / `motia destroy` of a nested project against a moto server on 127.0.0.1.

moto creates nested stacks from their S3 TemplateURL (so this checks that `motia deploy`
publishes the nested templates), but computes no nested change sets (docs/scale.md).
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.plan_bench import write_project
from compiler.cli import main
from compiler.pipeline import compile_project
from compiler.stack_layout import bucket_of
from tests.compiler.deploy.test_commands_moto import REGION, Resources, run, snapshot
from tests.compiler.moto_server import aws_client, endpoint

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Tried to parse AWS:UserWarning")]
__all__ = ["endpoint"]  # the module's moto server (a fixture, used by name)

STEPS = 12


@dataclass(frozen=True)
class Lifecycle:
    root: Path
    status: int
    output: list[str]
    deployed: Resources
    code_only: tuple[int, list[str]]  # a deploy after a change of one step's code only
    code_sha: tuple[str, str]  # that step's function's code, before and after
    status_json: str  # `motia status --json` of the deployed stage
    refused_destroy: tuple[int, list[str]]  # destroy while a nested dead-letter queue holds a message
    destroyed: Resources


@pytest.fixture(scope="module")
def lifecycle(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Lifecycle:
    root = tmp_path_factory.mktemp("nested") / "big"
    root.mkdir()
    write_project(root, STEPS)
    for http_step in root.glob("steps/*/step*_step.py"):
        if 'http("' in http_step.read_text():
            # moto skips AWS::ApiGatewayV2::Api, so the API id a nested stack receives as a
            # parameter is missing there (docs/scale.md); HTTP nesting is checked on the assembly.
            http_step.unlink()
    common = ["--app-dir", str(root), "--endpoint-url", endpoint, "--region", REGION, "--yes"]
    status, output = run("deploy", [*common, "--out", str(root.parent / "cdk.out")])
    deployed = snapshot(endpoint, "big-dev")
    # A change of step code only: the functions get it directly, as in a flat stack.
    lambdas = aws_client(endpoint, "lambda")
    step = compile_project(root).functions[0]
    code_before = lambdas.get_function(FunctionName=step.function_name)["Configuration"]["CodeSha256"]
    step_file = root / step.file
    step_file.write_text(step_file.read_text().replace("return None", "return 1"))
    code_only = run("deploy", [*common, "--out", str(root.parent / "cdk.out")])
    code_after = lambdas.get_function(FunctionName=step.function_name)["Configuration"]["CodeSha256"]
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        main(["status", "--json", *[a for a in common if a != "--yes"]])
    # A dead letter in a queue of a nested stack: destroy refuses, as for a flat stack.
    dlq = next(q.dlq_name for q in compile_project(root).queues if not q.dlq_name.endswith(".fifo"))
    sqs = aws_client(endpoint, "sqs")
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=dlq)["QueueUrl"], MessageBody='{"lost": true}')
    refused = run("destroy", common)
    run("destroy", [*common, "--discard-dead-letters"])
    return Lifecycle(root, status, output, deployed, code_only, (code_before, code_after), report.getvalue(), refused,
                     snapshot(endpoint, "big-dev"))


def test_deploy_creates_the_root_and_one_nested_stack_per_used_bucket(lifecycle: Lifecycle) -> None:
    assert lifecycle.status == 0, "\n".join(lifecycle.output)
    app = compile_project(lifecycle.root)
    buckets = {bucket_of(fn.name) for fn in app.functions}
    moto = lifecycle.deployed
    assert moto.stacks["big-dev"] == "CREATE_COMPLETE"
    assert len([name for name in moto.stacks if name.startswith("big-dev-Steps")]) == len(buckets), moto.stacks
    assert app.realtime is not None  # the project has streams: the root holds their two functions
    assert moto.functions == {f.function_name for f in app.functions} | {
        app.realtime.socket_function, app.realtime.fanout_function}
    assert {q.queue_name for q in app.queues} <= set(moto.queues)


def test_a_code_only_change_updates_the_nested_functions_directly(lifecycle: Lifecycle) -> None:
    status, output = lifecycle.code_only
    text = "\n".join(output)
    assert status == 0, text
    assert "only step code changed in big-dev: wrote the new code asset into the cached assembly (no synth)" in text
    assert "only step code changed: updating" in text and "directly, no change set" in text
    assert "change set motia-" not in text
    before, after = lifecycle.code_sha
    assert before != after


def test_status_finds_the_step_functions_inside_the_nested_stacks(lifecycle: Lifecycle) -> None:
    app = compile_project(lifecycle.root)
    reported = {f["function_name"]: f["step"] for f in json.loads(lifecycle.status_json)["functions"]}
    assert {fn.function_name: fn.name for fn in app.functions}.items() <= reported.items(), reported


def test_destroy_refuses_while_a_nested_dead_letter_queue_holds_messages(lifecycle: Lifecycle) -> None:
    status, output = lifecycle.refused_destroy
    dlq = next(q.dlq_name for q in compile_project(lifecycle.root).queues if not q.dlq_name.endswith(".fifo"))
    assert status == 1, output
    assert f"dead-letter queue {dlq} holds 1 message(s)" in output
    assert lifecycle.deployed.stacks["big-dev"] == "CREATE_COMPLETE"


def test_destroy_removes_the_nested_stacks_with_the_root(lifecycle: Lifecycle) -> None:
    assert lifecycle.destroyed.stacks == {}
    assert lifecycle.destroyed.functions == frozenset()
