"""Which template changes are code-only: only the functions' code keys (the asset hash) differ."""

from __future__ import annotations

import copy
from typing import Any

from compiler.deploy.code_only import code_changes, code_keys, code_only_changes

OLD = "a" * 64
NEW = "b" * 64


def _template(key_hash: str, memory: int = 256) -> dict[str, Any]:
    def function(name: str) -> dict[str, Any]:
        return {"Type": "AWS::Lambda::Function", "Properties": {
            "FunctionName": name, "MemorySize": memory,
            "Code": {"S3Bucket": {"Fn::Sub": "assets-${AWS::AccountId}"}, "S3Key": f"{key_hash}.zip"}},
            "Metadata": {"aws:asset:path": f"asset.{key_hash}"}}

    return {"Resources": {"CreateFn": function("create"), "ChargeFn": function("charge"),
                          "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q"}}}}


def test_a_new_code_hash_alone_is_code_only() -> None:
    assert code_only_changes(_template(OLD), _template(NEW)) == {"CreateFn": f"{NEW}.zip", "ChargeFn": f"{NEW}.zip"}


def test_equal_templates_have_no_code_change() -> None:
    assert code_only_changes(_template(OLD), _template(OLD)) == {}


def test_any_other_change_is_not_code_only() -> None:
    assert code_only_changes(_template(OLD), _template(NEW, memory=512)) is None
    grown = _template(NEW)
    grown["Resources"]["Topic"] = {"Type": "AWS::SNS::Topic", "Properties": {}}
    assert code_only_changes(_template(OLD), grown) is None
    renamed = copy.deepcopy(_template(NEW))
    renamed["Resources"]["Queue"]["Properties"]["QueueName"] = "q2"
    assert code_only_changes(_template(OLD), renamed) is None


def test_a_function_added_or_removed_is_not_code_only() -> None:
    fewer = _template(NEW)
    del fewer["Resources"]["ChargeFn"]
    assert code_only_changes(_template(OLD), fewer) is None


def test_a_short_key_is_never_taken_for_a_content_hash() -> None:
    assert code_only_changes(_template("v1"), _template("v2")) is None


def test_reads_only_literal_s3_keys_of_functions() -> None:
    template = _template(OLD)
    template["Resources"]["Inline"] = {"Type": "AWS::Lambda::Function", "Properties": {"Code": {"ZipFile": "x"}}}
    assert code_keys(template) == {"CreateFn": f"{OLD}.zip", "ChargeFn": f"{OLD}.zip"}


# A nested project: the root names each nested template by its hash; the functions are inside.
NESTED_OLD, NESTED_NEW = "c" * 64, "d" * 64
STEPS = "Steps07NestedStackSteps07NestedStackResource5AC33B5C"


def _root(nested_hash: str, topic: str = "t") -> dict[str, Any]:
    url = {"Fn::Join": ["", ["https://s3.", {"Ref": "AWS::Region"}, ".amazonaws.com/bucket/", f"{nested_hash}.json"]]}
    return {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": topic}},
                          STEPS: {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": url}}}}


def _nested(deployed: dict[str, Any], published: dict[str, dict[str, Any]]) -> tuple[Any, Any]:
    return (lambda logical_id: deployed[logical_id]), (lambda key: published[key])


def test_a_nested_project_whose_functions_changed_code_only_is_code_only() -> None:
    deployed, published = _nested({STEPS: _template(OLD)}, {f"{NESTED_NEW}.json": _template(NEW)})
    assert code_changes(_root(NESTED_OLD), _root(NESTED_NEW), deployed, published) == {
        (STEPS, "CreateFn"): f"{NEW}.zip", (STEPS, "ChargeFn"): f"{NEW}.zip"}


def test_a_nested_template_changed_otherwise_is_not_code_only() -> None:
    deployed, published = _nested({STEPS: _template(OLD)}, {f"{NESTED_NEW}.json": _template(NEW, memory=512)})
    assert code_changes(_root(NESTED_OLD), _root(NESTED_NEW), deployed, published) is None


def test_a_root_changed_beside_its_nested_templates_is_not_code_only() -> None:
    deployed, published = _nested({STEPS: _template(OLD)}, {f"{NESTED_NEW}.json": _template(NEW)})
    assert code_changes(_root(NESTED_OLD), _root(NESTED_NEW, topic="u"), deployed, published) is None


def test_an_unchanged_nested_project_has_no_code_change() -> None:
    deployed, published = _nested({}, {})  # nothing is read: no nested template changed
    assert code_changes(_root(NESTED_OLD), _root(NESTED_OLD), deployed, published) == {}


def test_a_flat_project_s_changes_are_the_root_s() -> None:
    deployed, published = _nested({}, {})
    assert code_changes(_template(OLD), _template(NEW), deployed, published) == {
        ("", "CreateFn"): f"{NEW}.zip", ("", "ChargeFn"): f"{NEW}.zip"}
