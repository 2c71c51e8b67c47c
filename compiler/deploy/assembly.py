"""Cloud assembly -> what to deploy: the stack artifact, its file assets and their S3 homes.

Reads the standard CDK layout (`manifest.json`, `<stack>.template.json`, `<stack>.assets.json`)
and resolves the `${AWS::AccountId}` / `${AWS::Region}` / `${AWS::Partition}` placeholders the
synthesizer leaves in destinations, so the bucket we publish to is exactly the one the template
references (never a name we guess).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from compiler.errors import AssemblyError

__all__ = [
    "AssemblyError",
    "Environment",
    "FileAsset",
    "StackArtifact",
    "Upload",
    "parse_asset_manifest",
    "parse_stack_artifact",
    "plan_uploads",
    "read_stack_artifact",
    "resolve_placeholders",
    "template_upload",
    "template_url",
]

STACK_ARTIFACT = "aws:cloudformation:stack"
ASSET_ARTIFACT = "cdk:asset-manifest"
Packaging = Literal["file", "zip"]
_PLACEHOLDER = re.compile(r"\$\{AWS::(AccountId|Region|Partition|URLSuffix)\}")


@dataclass(frozen=True)
class Environment:
    """Where the stack goes: resolves the synthesizer's placeholders."""

    account: str
    region: str
    partition: str = "aws"
    url_suffix: str = "amazonaws.com"


@dataclass(frozen=True)
class FileAsset:
    """One entry of the asset manifest's `files`, with one destination."""

    asset_id: str
    source: str  # relative to the assembly directory
    packaging: Packaging  # zip: a directory (or an archive) to publish as .zip; file: as is
    bucket: str  # may hold placeholders
    key: str


@dataclass(frozen=True)
class Upload:
    """A concrete S3 upload: the local path and the resolved bucket and key."""

    asset_id: str
    path: Path
    packaging: Packaging
    bucket: str
    key: str


@dataclass(frozen=True)
class StackArtifact:
    """The one stack of the assembly, with what deploying it needs."""

    out_dir: Path
    stack_name: str
    template_file: str  # relative to out_dir
    tags: tuple[tuple[str, str], ...]
    template_asset_url: str  # s3://bucket/key with placeholders, '' when the manifest has none
    assets: tuple[FileAsset, ...]

    @property
    def template_path(self) -> Path:
        return self.out_dir / self.template_file


def resolve_placeholders(text: str, env: Environment) -> str:
    values = {"AccountId": env.account, "Region": env.region, "Partition": env.partition,
              "URLSuffix": env.url_suffix}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def parse_asset_manifest(doc: dict[str, Any]) -> tuple[FileAsset, ...]:
    """The file assets (one per destination), sorted by id; container images are refused."""
    if doc.get("dockerImages"):
        raise AssemblyError("the assembly has container image assets; motia deploy publishes file assets only")
    assets: list[FileAsset] = []
    for asset_id, entry in sorted(doc.get("files", {}).items()):
        source = entry.get("source", {})
        if "path" not in source:
            # `executable` sources build the asset with a command: not something a Motia stack makes.
            raise AssemblyError(f"asset {asset_id} has no source path; only path assets are supported")
        packaging = source.get("packaging", "file")
        if packaging not in ("file", "zip"):
            raise AssemblyError(f"asset {asset_id}: unknown packaging {packaging!r}")
        for _, dest in sorted(entry.get("destinations", {}).items()):
            assets.append(FileAsset(asset_id, source["path"], packaging, dest["bucketName"], dest["objectKey"]))
    return tuple(assets)


def _stack_entries(manifest: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return sorted((k, v) for k, v in manifest.get("artifacts", {}).items() if v.get("type") == STACK_ARTIFACT)


def parse_stack_artifact(out_dir: Path, manifest: dict[str, Any], asset_docs: dict[str, dict[str, Any]],
                         stack_name: str | None = None) -> StackArtifact:
    """The stack named `stack_name` (or the only stack) of `manifest`; `asset_docs` by file name."""
    stacks = _stack_entries(manifest)
    if stack_name is not None:
        stacks = [(k, v) for k, v in stacks if v.get("properties", {}).get("stackName", k) == stack_name]
    if len(stacks) != 1:
        names = ", ".join(k for k, _ in _stack_entries(manifest)) or "none"
        wanted = f"stack {stack_name}" if stack_name else "exactly one stack"
        raise AssemblyError(f"{out_dir}: expected {wanted}; the assembly has: {names}")
    artifact_id, entry = stacks[0]
    props = entry.get("properties", {})
    assets: list[FileAsset] = []
    for dep in entry.get("dependencies", []):
        dep_entry = manifest["artifacts"].get(dep, {})
        if dep_entry.get("type") == ASSET_ARTIFACT:
            file_name = dep_entry["properties"]["file"]
            if file_name not in asset_docs:
                raise AssemblyError(f"{out_dir}: asset manifest {file_name} is missing")
            assets.extend(parse_asset_manifest(asset_docs[file_name]))
    return StackArtifact(
        out_dir=out_dir,
        stack_name=props.get("stackName", artifact_id),
        template_file=props["templateFile"],
        tags=tuple(sorted(props.get("tags", {}).items())),
        template_asset_url=props.get("stackTemplateAssetObjectUrl", ""),
        assets=tuple(assets),
    )


def read_stack_artifact(out_dir: Path, stack_name: str | None = None) -> StackArtifact:
    """Read `manifest.json` and the asset manifests it names from `out_dir`."""
    manifest_path = out_dir / "manifest.json"
    if not manifest_path.is_file():
        raise AssemblyError(f"{out_dir} is not a cloud assembly (no manifest.json); run motia synth first")
    manifest = json.loads(manifest_path.read_text())
    asset_docs = {}
    for entry in manifest.get("artifacts", {}).values():
        if entry.get("type") == ASSET_ARTIFACT:
            name = entry["properties"]["file"]
            path = out_dir / name
            if path.is_file():
                asset_docs[name] = json.loads(path.read_text())
    return parse_stack_artifact(out_dir, manifest, asset_docs, stack_name)


def plan_uploads(artifact: StackArtifact, env: Environment) -> tuple[Upload, ...]:
    """Every asset with its bucket and key resolved for `env`, in a stable order."""
    return tuple(
        Upload(a.asset_id, artifact.out_dir / a.source, a.packaging,
               resolve_placeholders(a.bucket, env), resolve_placeholders(a.key, env))
        for a in artifact.assets
    )


def template_upload(artifact: StackArtifact, uploads: tuple[Upload, ...], env: Environment) -> Upload:
    """Where the template itself is published: CloudFormation takes at most 51,200 bytes inline,
    and a stack of a few steps is already larger, so the template always goes through S3."""
    if artifact.template_asset_url:
        url = resolve_placeholders(artifact.template_asset_url, env)
        match = re.fullmatch(r"s3://([^/]+)/(.+)", url)
        if not match:
            raise AssemblyError(f"stack template URL {url!r} is not an s3:// URL")
        for upload in uploads:
            if (upload.bucket, upload.key) == match.groups():
                return upload
        raise AssemblyError(f"the asset manifest does not publish the stack template to {url}")
    for upload in uploads:
        if upload.path.name == artifact.template_file and upload.packaging == "file":
            return upload
    raise AssemblyError(f"the asset manifest does not publish the template {artifact.template_file}; "
                        "synthesize with DefaultStackSynthesizer")


def template_url(upload: Upload, env: Environment) -> str:
    """The HTTPS URL CloudFormation reads the template from (virtual-hosted style)."""
    return f"https://{upload.bucket}.s3.{env.region}.{env.url_suffix}/{upload.key}"
