"""Two assemblies of one nested project, each with some buckets' steps built, made into the
assembly one process would have written (`compiler.synth_split`).

Both processes build the same root stack: the shared resources, and every used bucket's
nested stack, in the same order, the other process's left empty (`compiler.emit.nesting`).
So the assemblies differ only where a bucket's steps are: its nested template, the
`AWS::CloudFormation::Stack` resource naming it in the root template (its template's hash,
the parameters its steps take from the root), the metadata of its steps' constructs, and the
hashes naming those templates in the manifests. This takes the helper's buckets from its
assembly into the main one and checks that nothing else differs; tests compare the result
with a one-process synth byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from compiler.assembly_rewrite import file_asset_hashes, rename_in_manifests
from compiler.stack_layout import BUCKETS, nested_stack_id

__all__ = ["MergeError", "merge_helper_assembly", "merged_metadata", "merged_root", "nested_resource_id", "nested_resource_ids"]

METADATA_SUFFIX = ".metadata.json"


class MergeError(Exception):
    """The two assemblies differ outside the helper's buckets: a bug of ours, never the user's."""


def merge_helper_assembly(main: Path, helper: Path, template_file: str, helper_buckets: frozenset[int]) -> None:
    """Bring `helper_buckets` from the `helper` assembly into `main`, in place."""
    main_root, helper_root = _read_json(main / template_file), _read_json(helper / template_file)
    taken = {nested_resource_id(helper_root, bucket) for bucket in helper_buckets}
    root = merged_root(main_root, helper_root, taken, nested_resource_ids(main_root))
    main_hashes, helper_hashes = file_asset_hashes(main), file_asset_hashes(helper)
    renamed: dict[str, str] = {}
    for name in _nested_template_files(helper, helper_buckets):
        renamed[main_hashes[name]] = helper_hashes[name]
        os.replace(helper / name, main / name)
    template = main / template_file
    old_root_hash = hashlib.sha256(template.read_bytes()).hexdigest()
    template.write_text(_cdk_json(root, indent=1))  # as CDK writes templates
    renamed[old_root_hash] = hashlib.sha256(template.read_bytes()).hexdigest()
    metadata_file = template_file.removesuffix(".template.json") + METADATA_SUFFIX
    if (main / metadata_file).is_file():
        metadata = merged_metadata(_read_json(main / metadata_file), _read_json(helper / metadata_file), helper_buckets)
        (main / metadata_file).write_text(_cdk_json(metadata, indent=2))
    rename_in_manifests(main, renamed, skip={template_file})


def nested_resource_ids(root: dict[str, Any]) -> set[str]:
    """The logical ids of every nested stack's `AWS::CloudFormation::Stack` in the root template."""
    return {nested_resource_id(root, bucket) for bucket in range(BUCKETS) if _nested_resource(root, bucket)}


def nested_resource_id(root: dict[str, Any], bucket: int) -> str:
    """The logical id of `bucket`'s `AWS::CloudFormation::Stack` in the root template."""
    found = _nested_resource(root, bucket)
    if found is None:
        raise MergeError(f"the root template has no nested stack {nested_stack_id(bucket)}")
    return found


def _nested_resource(root: dict[str, Any], bucket: int) -> str | None:
    # Below the root at `<id>.NestedStack/<id>.NestedStackResource`, its id as CDK derives it.
    stack_id = nested_stack_id(bucket)
    prefix = f"{stack_id}NestedStack{stack_id}NestedStackResource"
    for logical_id, resource in root.get("Resources", {}).items():
        if logical_id.startswith(prefix) and resource.get("Type") == "AWS::CloudFormation::Stack":
            return str(logical_id)
    return None


def merged_root(main: dict[str, Any], helper: dict[str, Any], taken: set[str], nested: set[str]) -> dict[str, Any]:
    """`main`'s root template with the `taken` resources as `helper` has them. Only the
    `nested` stacks' resources (each process fills some) may differ; everything else must be
    the same in both, in the same order."""
    if list(main) != list(helper):
        raise MergeError(f"root template sections differ: {list(main)} and {list(helper)}")
    merged = dict(main)
    for section, value in main.items():
        if section != "Resources":
            if value != helper[section]:
                raise MergeError(f"root template section {section} differs")
            continue
        if list(value) != list(helper[section]):
            raise MergeError("root template resources differ in names or order")
        differing = [k for k in value if k not in nested and value[k] != helper[section][k]]
        if differing:
            raise MergeError(f"root template resources differ: {', '.join(differing[:5])}")
        merged[section] = {k: helper[section][k] if k in taken else v for k, v in value.items()}
    return merged


def merged_metadata(main: dict[str, Any], helper: dict[str, Any], helper_buckets: frozenset[int]) -> dict[str, Any]:
    """Construct metadata by path: the root stack's own (the same in both), then each nested
    stack's, in the root's order of nested stacks, as one process writes it."""
    def split(metadata: dict[str, Any]) -> tuple[list[str], dict[str, list[str]]]:
        own: list[str] = []
        inner: dict[str, list[str]] = {}
        for path in metadata:
            names = path.split("/")  # "", root stack, nested stack, construct...
            if len(names) > 3 and names[2] in stack_ids:
                inner.setdefault(names[2], []).append(path)
            else:
                own.append(path)
        return own, inner

    stack_ids = {nested_stack_id(bucket) for bucket in range(BUCKETS)}
    helper_ids = {nested_stack_id(bucket) for bucket in helper_buckets}
    main_own, main_inner = split(main)
    helper_own, helper_inner = split(helper)
    if main_own != helper_own or any(main[p] != helper[p] for p in main_own):
        raise MergeError("the root stack's own metadata differs")
    if set(main_inner) & helper_ids or set(helper_inner) - helper_ids:
        raise MergeError("a nested stack's metadata came from the process that did not build it")
    merged = {path: main[path] for path in main_own}
    # The nested stacks' own paths (`/<root>/Steps07`), in the root's order.
    order = [names[2] for names in (path.split("/") for path in main_own) if len(names) == 3 and names[2] in stack_ids]
    for stack_id in order:
        source, paths = (helper, helper_inner) if stack_id in helper_ids else (main, main_inner)
        merged.update((path, source[path]) for path in paths.get(stack_id, ()))
    return merged


def _nested_template_files(assembly: Path, buckets: frozenset[int]) -> list[str]:
    """The nested template file of each of `buckets`, from the assets manifest's display names."""
    wanted = {f"{nested_stack_id(bucket)} Nested Stack Template": bucket for bucket in buckets}
    found: dict[int, str] = {}
    for manifest in assembly.glob("*.assets.json"):
        for asset in _read_json(manifest).get("files", {}).values():
            bucket = wanted.get(str(asset.get("displayName", "")))
            if bucket is not None:
                found[bucket] = str(asset["source"]["path"])
    missing = sorted(set(buckets) - set(found))
    if missing:
        raise MergeError(f"no nested template for buckets {missing}")
    return [found[bucket] for bucket in sorted(found)]


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def _cdk_json(value: Any, *, indent: int) -> str:
    """As JavaScript's `JSON.stringify(value, undefined, indent)`: no final newline."""
    return json.dumps(value, indent=indent, ensure_ascii=False)
