"""cdk-nag AwsSolutions on every fixture project's stack: no finding left unacknowledged.

The packs validate the construct tree, so the stacks are built (one CDK app, one stack per
project) but never synthesized: the code asset is a placeholder directory.
"""

from __future__ import annotations

from typing import Any

import pytest

from compiler.emit import nag
from compiler.pipeline import compile_project
from compiler.code_asset import asset_fingerprint
from compiler.stack_layout import Layout
from compiler.synth import add_application_stack, new_app
from tests.compiler.test_template_golden import PROJECTS, STAGE

pytestmark = pytest.mark.slow


def findings(report: Any) -> list[str]:
    """`rule at construct path` for every unacknowledged violation of a validation report."""
    return sorted(f"{v.rule_name} ({v.severity}) at {r.construct_path or r.resource_logical_id}"
                  for v in report.violations for r in v.violating_resources)


def build_stacks(tmp_path_factory: pytest.TempPathFactory, layout: Layout) -> dict[str, Any]:
    """Project name -> its stack, all in one CDK app."""
    code = tmp_path_factory.mktemp("code")
    (code / "placeholder.py").write_text("")
    cdk_app = new_app(tmp_path_factory.mktemp("cdk.out"), validate=False)
    built = {}
    for name, path in sorted(PROJECTS.items()):
        app = compile_project(path, stage=STAGE)
        assert app.errors == ()
        built[name] = add_application_stack(cdk_app, app, code, asset_fingerprint(code), layout)
    return built


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Flat (built once for this module)."""
    return build_stacks(tmp_path_factory, "flat")


@pytest.fixture(scope="module")
def nested_stacks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Nested, every project's default (built once for this module)."""
    return build_stacks(tmp_path_factory, "nested")


@pytest.mark.parametrize("layout", ["flat", "nested"])
@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_aws_solutions_finds_nothing_unacknowledged(request: pytest.FixtureRequest, layout: str, name: str) -> None:
    from cdk_nag import AwsSolutionsChecks

    stack = request.getfixturevalue("stacks" if layout == "flat" else "nested_stacks")[name]
    report = AwsSolutionsChecks().validate_scope(stack)
    assert findings(report) == []
    assert report.success


def test_aws_solutions_reports_what_the_acknowledgments_do_not_cover(stacks: dict[str, Any]) -> None:
    """The check is live: a queue made without our hardening is reported (SQS3, SQS4)."""
    from aws_cdk import Stack, aws_sqs as sqs
    from cdk_nag import AwsSolutionsChecks

    stack = Stack(stacks["orders"].node.scope, "Unhardened")
    sqs.Queue(stack, "Queue", encryption=sqs.QueueEncryption.SQS_MANAGED)
    report = AwsSolutionsChecks().validate_scope(stack)
    assert {(v.rule_name, r.construct_path) for v in report.violations for r in v.violating_resources} == {
        ("AwsSolutions-SQS3", "Unhardened/Queue/Resource"),
        ("AwsSolutions-SQS4", "Unhardened/Queue/Resource"),
    }


def test_every_acknowledgment_gives_a_reason() -> None:
    reasons = [*nag.STACK_WIDE.values(), nag.FAILURE_DESTINATION, nag.STREAM_ARN_WILDCARD, nag.FUNCTION_VERSIONS]
    assert all(len(reason.split()) >= 10 for reason in reasons)
    assert all(rule.startswith("AwsSolutions-") for rule in nag.STACK_WIDE)


def test_finding_ids_name_the_resource_as_cdk_nag_does() -> None:
    assert nag.iam5("<TableX.Arn>/stream/*") == "AwsSolutions-IAM5[Resource::<TableX.Arn>/stream/*]"




def test_the_nested_layout_is_checked_inside_its_nested_stacks(tmp_path: Any) -> None:
    """The packs walk into nested stacks: a queue made there without our hardening is reported."""
    from aws_cdk import NestedStack, aws_sqs as sqs
    from cdk_nag import AwsSolutionsChecks

    code = tmp_path / "code"
    code.mkdir()
    (code / "placeholder.py").write_text("")
    app = compile_project(PROJECTS["orders"], stage=STAGE)
    stack = add_application_stack(new_app(tmp_path / "cdk.out", validate=False), app, code,
                                  asset_fingerprint(code), "nested")
    steps = next(c for c in stack.node.children if isinstance(c, NestedStack))
    sqs.Queue(steps, "Unhardened", encryption=sqs.QueueEncryption.SQS_MANAGED)
    report = AwsSolutionsChecks().validate_scope(stack)
    paths = {(v.rule_name, r.construct_path) for v in report.violations for r in v.violating_resources}
    assert ("AwsSolutions-SQS3", f"{steps.node.path}/Unhardened/Resource") in paths, paths
