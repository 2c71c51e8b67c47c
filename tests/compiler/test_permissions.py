"""Extra permissions per step: checked at compile time, in the model, shown by `motia plan`."""

from __future__ import annotations

from pathlib import Path

from compiler import ir
from compiler.permissions import permission_problems, permissions_of
from compiler.pipeline import compile_project
from compiler.plan_text import render_plan
from tests.compiler.projects import step_source, write_project


def compiled(root: Path, permissions: str) -> ir.Application:
    config = f'{{"name": "Summarize", "triggers": [http("POST", "/s")], "permissions": {permissions}}}'
    return compile_project(write_project(root, {"steps/summarize_step.py": step_source(config)}))


def problems(*entries: tuple[list[str], list[str]]) -> list[tuple[str, str]]:
    found = permission_problems("f.py", "S", permissions_of(entries))
    return [(d.severity, d.message) for d in found]


def test_a_declared_statement_reaches_the_function_sorted_and_plan_shows_it(tmp_path: Path) -> None:
    app = compiled(tmp_path, '[{"actions": ["s3:PutObject", "s3:GetObject"], "resources": ["arn:aws:s3:::reports/*"]}]')
    assert not app.diagnostics
    assert app.function("Summarize").permissions == (
        ir.Permission(("s3:GetObject", "s3:PutObject"), ("arn:aws:s3:::reports/*",)),
    )
    assert "Summarize                s3:GetObject, s3:PutObject on arn:aws:s3:::reports/*" in render_plan(app)


def test_accepts_arns_with_deploy_time_substitutions() -> None:
    assert problems((["bedrock:InvokeModel"], ["arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/anthropic.*"]),
                    (["dynamodb:GetItem"], ["arn:aws:dynamodb:us-east-1:123456789012:table/users"])) == []


def test_rejects_malformed_actions_and_arns_naming_the_entry_and_value() -> None:
    assert problems((["GetObject", "s3:Get Object"], ["bucket/*", "arn:aws:s3:::ok", "arn:aws:s3:::${AWS::StackName}-x"])) == [
        ("error", "permissions[0]: action 'GetObject' is not service:Action"),
        ("error", "permissions[0]: action 's3:Get Object' is not service:Action"),
        ("error", "permissions[0]: resource 'arn:aws:s3:::${AWS::StackName}-x' uses ${AWS::StackName}; only "
                  "${AWS::Partition}, ${AWS::Region} and ${AWS::AccountId} are substituted"),
        ("error", "permissions[0]: resource 'bucket/*' is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)"),
    ]


def test_rejects_a_star_resource_for_actions_aws_can_restrict() -> None:
    assert problems((["s3:GetObject", "s3:ListAllMyBuckets"], ["*"])) == [
        ("error", "permissions[0]: resource '*' for s3:GetObject, which AWS can restrict to named resources"),
    ]


def test_warns_naming_the_actions_when_star_is_the_only_resource_aws_offers() -> None:
    assert problems((["bedrock:ListFoundationModels"], ["*"])) == [
        ("warning", "permissions[0]: bedrock:ListFoundationModels on every resource ('*')"),
    ]


def test_an_empty_or_misspelled_entry_is_reported_by_the_schema(tmp_path: Path) -> None:
    app = compiled(tmp_path, '[{"actions": [], "resource": ["*"]}]')
    messages = " | ".join(d.message for d in app.diagnostics)
    assert "unknown key 'resource'" in messages
    assert app.errors  # actions: at least one, resources: required
