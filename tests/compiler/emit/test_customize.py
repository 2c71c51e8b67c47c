"""The CDK escape hatch: the project's motia_aws_stack.py shapes the synthesized stack."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from compiler.assembly_cache import CUSTOMIZE_HOOK_FILE, assembly_key, template_key
from compiler.emit.customize import HOOK_FILE, CustomizeError
from compiler.synth import synthesize
from tests.compiler.assembly_view import all_resources
from tests.compiler.emit.ir_fixtures import every_kind, write_project


pytestmark = pytest.mark.slow

HOOK = '''
from aws_cdk import aws_s3 as s3


def customize(stack, app):
    bucket = s3.Bucket(stack, "Uploads")
    step = app["create-order"]
    bucket.grant_read(step.function)
    step.function.add_environment("UPLOADS", bucket.bucket_name)
    assert step.role is step.function.role and step.log_group is not None
    assert len(app["ship-order"].queues) == 2  # its queue and dead-letter queue
    assert len(step.routes) == 1 and app["ship-order"].routes == ()
'''


def synth_with(tmp_path: Path, hook: str) -> dict[str, Any]:
    root = tmp_path / "project"
    app = every_kind(root)
    write_project(root, app)
    (root / "motia_aws_stack.py").write_text(textwrap.dedent(hook))
    result = synthesize(app, tmp_path / "cdk.out", bytecode_python=())
    return {"Resources": all_resources(result)}


def test_customize_adds_resources_and_grants_to_step_constructs(tmp_path: Path) -> None:
    template = synth_with(tmp_path, HOOK)
    types = [r["Type"] for r in template["Resources"].values()]
    assert types.count("AWS::S3::Bucket") == 1
    [create] = [r["Properties"] for r in template["Resources"].values()
                if r["Type"] == "AWS::Lambda::Function" and r["Properties"]["FunctionName"].endswith("create-order")]
    assert "UPLOADS" in create["Environment"]["Variables"]
    assert "s3:GetObject*" in json.dumps(template)


def test_fails_with_the_user_s_lines_only(tmp_path: Path) -> None:
    hook = "def customize(stack, app):\n    helper(app)\n\n\ndef helper(app):\n    return app['no-such-step']\n"
    with pytest.raises(CustomizeError) as raised:
        synth_with(tmp_path, hook)
    assert str(raised.value) == (
        "motia_aws_stack.py failed:\n"
        "motia_aws_stack.py, line 2, in customize: helper(app)\n"
        "motia_aws_stack.py, line 6, in helper: return app['no-such-step']\n"
        "KeyError: 'no-such-step'\n"
        "fix motia_aws_stack.py and run again")


def test_fails_when_the_file_has_no_customize(tmp_path: Path) -> None:
    with pytest.raises(CustomizeError, match=r"defines no function customize\(stack, app\)"):
        synth_with(tmp_path, "x = 1\n")


def test_a_change_to_the_hook_invalidates_the_assembly_cache(tmp_path: Path) -> None:
    app = every_kind(tmp_path)
    write_project(tmp_path, app)
    hook = tmp_path / "motia_aws_stack.py"
    hook.write_text("def customize(stack, app):\n    pass\n")
    before = assembly_key(app, bytecode_python=())
    hook.write_text("def customize(stack, app):\n    stack.node.add_metadata('x', 1)\n")
    assert assembly_key(app, bytecode_python=()) != before


TLS_HOOK = '''
from aws_cdk import aws_sns as sns, aws_sqs as sqs


def customize(stack, app):
    sqs.Queue(stack, "UserQueue")
    sqs.Queue(stack, "UserSecuredQueue", enforce_ssl=True)
    sns.Topic(stack, "UserTopic")
'''


def tls_statements(template: dict[str, Any], queue_key: str) -> int:
    """How many TLS-only statements the queue policies of its template hold for the queue `queue_key`."""
    stack, _, queue_id = queue_key.rpartition("/")
    count = 0
    for key, resource in template["Resources"].items():
        if (key.rpartition("/")[0] != stack or resource["Type"] != "AWS::SQS::QueuePolicy"
                or resource["Properties"]["Queues"] != [{"Ref": queue_id}]):
            continue
        count += sum(s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
                     for s in resource["Properties"]["PolicyDocument"]["Statement"])
    return count


def test_the_hook_s_queues_and_topics_get_tls_only_policies_once(tmp_path: Path) -> None:
    template = synth_with(tmp_path, TLS_HOOK)
    queues = [logical for logical, r in template["Resources"].items() if r["Type"] == "AWS::SQS::Queue"]
    assert any(q.startswith("UserQueue") for q in queues) and any(q.startswith("UserSecuredQueue") for q in queues)
    assert {q: tls_statements(template, q) for q in queues} == {q: 1 for q in queues}
    [user_topic] = [logical for logical in template["Resources"] if logical.startswith("UserTopic")]
    covered = [t for r in template["Resources"].values() if r["Type"] == "AWS::SNS::TopicPolicy"
               for t in r["Properties"]["Topics"]]
    assert {"Ref": user_topic} in covered


def test_with_a_hook_any_project_change_reaches_the_template_key(tmp_path: Path) -> None:
    # GIVEN a project with a hook WHEN the hook, or a step file it may read, changes
    # THEN the template key changes too: no change is code-only, the cached template is not reused
    assert CUSTOMIZE_HOOK_FILE == HOOK_FILE
    app = every_kind(tmp_path)
    write_project(tmp_path, app)
    without_hook = template_key(app)
    hook = tmp_path / HOOK_FILE
    hook.write_text("def customize(stack, app):\n    pass\n")
    before = template_key(app)
    assert before != without_hook
    hook.write_text("def customize(stack, app):\n    stack.node.add_metadata('x', 1)\n")
    assert template_key(app) != before
    before = template_key(app)
    step = tmp_path / app.functions[0].file
    step.write_text(step.read_text() + "\n# a comment the hook could read\n")
    assert template_key(app) != before


def test_without_a_hook_a_step_code_change_keeps_the_template_key(tmp_path: Path) -> None:
    app = every_kind(tmp_path)
    write_project(tmp_path, app)
    before = template_key(app)
    step = tmp_path / app.functions[0].file
    step.write_text(step.read_text() + "\n# code only\n")
    assert template_key(app) == before
