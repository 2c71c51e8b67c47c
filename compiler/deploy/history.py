"""A stage's deploy history, kept in the asset bucket, and the assembly of a past version.

Every asset `motia deploy` uploads is named by its content hash, so a past version is fully
described by its small manifests: each successful deploy that changed the stack writes one
record, `motia-history/<stack>/<version>.json` in the asset bucket, holding the assembly's
`manifest.json` and asset manifest, the template's key and when and how it was deployed.
`motia rollback` rebuilds that assembly (the template is read back from the bucket; the code
assets are already there) and deploys it as any assembly. The newest KEEP_VERSIONS records are
kept (`--keep-versions`); the assets themselves are never deleted by us, since the bucket is
shared by every stage and app of the account and region.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from compiler.deploy.assembly import StackArtifact, plan_uploads, read_stack_artifact, template_upload
from compiler.deploy.aws import Clients, DeployError, account_id, aws_errors

__all__ = ["KEEP_VERSIONS", "Version", "materialize", "missing_assets", "read_history", "record_version", "stage_bucket"]

KEEP_VERSIONS = 10
PREFIX = "motia-history"


@dataclass(frozen=True)
class Version:
    number: int
    deployed_at: str  # ISO 8601 UTC
    how: str  # "deploy", "rollback to 3"
    bucket: str
    template_key: str
    code_keys: tuple[str, ...]  # the zips the functions run from
    template_file: str
    manifest: str  # manifest.json's text
    asset_manifests: dict[str, str]  # asset manifest file name: text

    @property
    def code(self) -> str:
        """The code asset's hash head, as `motia status` shows code."""
        return ",".join(key.split(".", 1)[0][:12] for key in self.code_keys) or "-"


def _key(stack_name: str, number: int) -> str:
    return f"{PREFIX}/{stack_name}/{number:06d}.json"


def _bucket_of(clients: Clients, artifact: StackArtifact) -> tuple[str, str, tuple[str, ...]]:
    env = clients.env(account_id(clients))
    uploads = plan_uploads(artifact, env)
    template = template_upload(artifact, uploads, env)
    code = tuple(sorted(u.key for u in uploads if u.packaging == "zip"))
    return template.bucket, template.key, code


def read_history(clients: Clients, bucket: str, stack_name: str) -> tuple[Version, ...]:
    """The stage's recorded versions, oldest first; () when none was recorded."""
    versions: list[Version] = []
    with aws_errors(clients.target, clients.region):
        try:
            pages = clients.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{PREFIX}/{stack_name}/")
            keys = sorted(o["Key"] for page in pages for o in page.get("Contents") or [])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchBucket", "404"):
                return ()
            raise
        for key in keys:
            data = json.loads(clients.s3.get_object(Bucket=bucket, Key=key)["Body"].read())
            versions.append(Version(
                number=int(data["number"]), deployed_at=str(data["deployed_at"]), how=str(data["how"]),
                bucket=bucket, template_key=str(data["template_key"]), code_keys=tuple(data["code_keys"]),
                template_file=str(data["template_file"]), manifest=str(data["manifest"]),
                asset_manifests={str(k): str(v) for k, v in data["asset_manifests"].items()},
            ))
    return tuple(versions)


def stage_bucket(clients: Clients, stack_name: str) -> str | None:
    """The asset bucket the deployed stage's functions run from (None when it has no function);
    a nested project's are in its nested stacks."""
    from compiler.deploy.assembly import resolve_placeholders
    from compiler.deploy.stack import stack_templates

    # Lazily: the root's functions, when it has any, answer without reading the nested templates.
    resources = (r for _, template in stack_templates(clients, stack_name) for r in (template.get("Resources") or {}).values())
    for resource in resources:
        if resource.get("Type") != "AWS::Lambda::Function":
            continue
        bucket = ((resource.get("Properties") or {}).get("Code") or {}).get("S3Bucket")
        if isinstance(bucket, dict) and isinstance(bucket.get("Fn::Sub"), str):
            bucket = bucket["Fn::Sub"]
        if isinstance(bucket, str):
            return resolve_placeholders(bucket, clients.env(account_id(clients)))
    return None


def record_version(clients: Clients, artifact: StackArtifact, how: str, keep: int = KEEP_VERSIONS,
                   now: datetime | None = None) -> Version | None:
    """Record the deployed assembly as the stage's newest version (None when it is the newest already)."""
    bucket, template_key, code_keys = _bucket_of(clients, artifact)
    history = read_history(clients, bucket, artifact.stack_name)
    if history and (history[-1].template_key, history[-1].code_keys) == (template_key, code_keys):
        return None  # nothing changed since: no new version
    manifest_path = artifact.out_dir / "manifest.json"
    manifest = manifest_path.read_text()
    asset_files = [e["properties"]["file"] for e in json.loads(manifest).get("artifacts", {}).values()
                   if e.get("type") == "cdk:asset-manifest"]
    number = history[-1].number + 1 if history else 1
    record = {
        "number": number,
        "deployed_at": (now or datetime.now(timezone.utc)).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "how": how, "template_key": template_key, "code_keys": list(code_keys),
        "template_file": artifact.template_file, "manifest": manifest,
        "asset_manifests": {name: (artifact.out_dir / name).read_text() for name in asset_files},
    }
    with aws_errors(clients.target, clients.region):
        clients.s3.put_object(Bucket=bucket, Key=_key(artifact.stack_name, number), Body=json.dumps(record).encode(),
                              ContentType="application/json")
        for old in history[: max(0, len(history) + 1 - keep)]:
            clients.s3.delete_object(Bucket=bucket, Key=_key(artifact.stack_name, old.number))
    return read_history(clients, bucket, artifact.stack_name)[-1]


def materialize(clients: Clients, version: Version, stack_name: str, out_dir: Path) -> StackArtifact:
    """The assembly of `version` in `out_dir`: its manifests, and its template read back from S3."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "manifest.json").write_text(version.manifest)
    for name, text in version.asset_manifests.items():
        (out_dir / name).write_text(text)
    with aws_errors(clients.target, clients.region):
        try:
            body = clients.s3.get_object(Bucket=version.bucket, Key=version.template_key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise DeployError(f"version {version.number}'s template (s3://{version.bucket}/{version.template_key}) "
                                  "is no longer in the asset bucket; it cannot be restored") from None
            raise
    (out_dir / version.template_file).write_bytes(body)
    return read_stack_artifact(out_dir, stack_name)


def missing_assets(clients: Clients, artifact: StackArtifact) -> tuple[str, ...]:
    """The s3:// URLs of the version's assets that are no longer in their bucket."""
    env = clients.env(account_id(clients))
    missing = []
    with aws_errors(clients.target, clients.region):
        for upload in plan_uploads(artifact, env):
            try:
                clients.s3.head_object(Bucket=upload.bucket, Key=upload.key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
                    raise
                missing.append(f"s3://{upload.bucket}/{upload.key}")
    return tuple(missing)


def describe(version: Version, current: int | None) -> tuple[str, str, str, str, str]:
    """A row of the history table: version, when, how, code, and whether it runs now."""
    return (str(version.number), version.deployed_at, version.how, version.code,
            "current" if version.number == current else "")


def as_json(version: Version) -> dict[str, Any]:
    return {"version": version.number, "deployed_at": version.deployed_at, "how": version.how,
            "template": f"s3://{version.bucket}/{version.template_key}", "code": list(version.code_keys)}
