"""Hand-written cloud assemblies in the layout CDK writes (no Node): a template, a directory asset."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

ASSET_ID = "a" * 64
BUCKET = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"


def template_asset_id(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def write_assembly(out: Path, stack_name: str, resources: dict[str, Any],
                   outputs: dict[str, Any] | None = None) -> Path:
    """An assembly of one stack with `resources`, one zip-packaged directory asset and the template asset."""
    out.mkdir(parents=True, exist_ok=True)
    template = {"Resources": resources, **({"Outputs": outputs} if outputs else {})}
    template_file = f"{stack_name}.template.json"
    body = json.dumps(template, indent=1)
    (out / template_file).write_text(body)
    # Keys are content hashes, as CDK writes them: a different template is a different object.
    template_id = template_asset_id(body)
    asset_dir = out / f"asset.{ASSET_ID}"
    (asset_dir / "pkg").mkdir(parents=True, exist_ok=True)
    (asset_dir / "handler.py").write_text("def handler(event, context):\n    return event\n")
    (asset_dir / "pkg" / "__init__.py").write_text("")
    assets = {
        "version": "55.0.0",
        "files": {
            ASSET_ID: {
                "displayName": "code",
                "source": {"path": asset_dir.name, "packaging": "zip"},
                "destinations": {"current_account-current_region": {
                    "bucketName": BUCKET, "objectKey": f"{ASSET_ID}.zip"}},
            },
            template_id: {
                "displayName": f"{stack_name} Template",
                "source": {"path": template_file, "packaging": "file"},
                "destinations": {"current_account-current_region": {
                    "bucketName": BUCKET, "objectKey": f"{template_id}.json"}},
            },
        },
        "dockerImages": {},
    }
    (out / f"{stack_name}.assets.json").write_text(json.dumps(assets))
    manifest = {
        "version": "55.0.0",
        "artifacts": {
            f"{stack_name}.assets": {"type": "cdk:asset-manifest",
                                     "properties": {"file": f"{stack_name}.assets.json"}},
            stack_name: {
                "type": "aws:cloudformation:stack",
                "environment": "aws://unknown-account/unknown-region",
                "properties": {
                    "templateFile": template_file,
                    "tags": {"motia:stage": "test"},
                    "stackTemplateAssetObjectUrl": f"s3://{BUCKET}/{template_id}.json",
                },
                "dependencies": [f"{stack_name}.assets"],
            },
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out
