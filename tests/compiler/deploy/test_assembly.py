from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler.deploy.assembly import (
    AssemblyError,
    Environment,
    parse_asset_manifest,
    plan_uploads,
    read_stack_artifact,
    resolve_placeholders,
    template_upload,
    template_url,
)
from tests.compiler.deploy.assembly_fixtures import ASSET_ID, template_asset_id, write_assembly


def template_id(out: Path) -> str:
    return template_asset_id((out / "shop-dev.template.json").read_text())

ENV = Environment(account="111122223333", region="eu-west-1")


def test_resolves_account_region_and_partition_placeholders() -> None:
    text = "arn:${AWS::Partition}:s3:::cdk-assets-${AWS::AccountId}-${AWS::Region}"
    assert resolve_placeholders(text, ENV) == "arn:aws:s3:::cdk-assets-111122223333-eu-west-1"


def test_reads_the_stack_its_tags_and_both_assets(tmp_path: Path) -> None:
    write_assembly(tmp_path, "shop-dev", {})
    artifact = read_stack_artifact(tmp_path)
    assert artifact.stack_name == "shop-dev"
    assert artifact.template_path == tmp_path / "shop-dev.template.json"
    assert artifact.tags == (("motia:stage", "test"),)
    assert sorted(a.asset_id for a in artifact.assets) == [ASSET_ID, template_id(tmp_path)]


def test_plans_uploads_to_the_bucket_the_synthesizer_named(tmp_path: Path) -> None:
    write_assembly(tmp_path, "shop-dev", {})
    uploads = plan_uploads(read_stack_artifact(tmp_path), ENV)
    by_id = {u.asset_id: u for u in uploads}
    assert by_id[ASSET_ID].bucket == "cdk-hnb659fds-assets-111122223333-eu-west-1"
    assert by_id[ASSET_ID].key == f"{ASSET_ID}.zip"
    assert by_id[ASSET_ID].packaging == "zip"
    assert by_id[ASSET_ID].path == tmp_path / f"asset.{ASSET_ID}"
    assert by_id[template_id(tmp_path)].packaging == "file"


def test_template_is_published_through_s3_at_a_regional_https_url(tmp_path: Path) -> None:
    write_assembly(tmp_path, "shop-dev", {})
    artifact = read_stack_artifact(tmp_path)
    upload = template_upload(artifact, plan_uploads(artifact, ENV), ENV)
    assert upload.key == f"{template_id(tmp_path)}.json"
    assert template_url(upload, ENV) == (
        f"https://cdk-hnb659fds-assets-111122223333-eu-west-1.s3.eu-west-1.amazonaws.com/{template_id(tmp_path)}.json")


def test_selects_the_named_stack(tmp_path: Path) -> None:
    write_assembly(tmp_path, "shop-dev", {})
    assert read_stack_artifact(tmp_path, "shop-dev").stack_name == "shop-dev"


def test_rejects_a_stack_name_the_assembly_does_not_have(tmp_path: Path) -> None:
    write_assembly(tmp_path, "shop-dev", {})
    with pytest.raises(AssemblyError, match="expected stack shop-prod; the assembly has: shop-dev"):
        read_stack_artifact(tmp_path, "shop-prod")


def test_rejects_a_folder_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(AssemblyError, match="not a cloud assembly"):
        read_stack_artifact(tmp_path)


def test_rejects_container_image_assets() -> None:
    with pytest.raises(AssemblyError, match="container image"):
        parse_asset_manifest({"files": {}, "dockerImages": {"x": {}}})


def test_rejects_assets_built_by_a_command() -> None:
    doc = {"files": {"x": {"source": {"executable": ["make"]}, "destinations": {}}}}
    with pytest.raises(AssemblyError, match="no source path"):
        parse_asset_manifest(doc)


def test_rejects_a_template_url_no_asset_publishes(tmp_path: Path) -> None:
    write_assembly(tmp_path, "shop-dev", {})
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["artifacts"]["shop-dev"]["properties"]["stackTemplateAssetObjectUrl"] = "s3://elsewhere/t.json"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    artifact = read_stack_artifact(tmp_path)
    with pytest.raises(AssemblyError, match="does not publish the stack template"):
        template_upload(artifact, plan_uploads(artifact, ENV), ENV)
