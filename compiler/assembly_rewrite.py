"""A cached assembly made over for a new code asset, without Node: when only step code changed,
the templates differ from the cached ones only by the code asset's name, and every template is
itself an asset named by its content hash. So each renamed hash is replaced wherever the
assembly names it (compiler.synth.synthesize_cached's code-only path)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from compiler.assembly_entries import ASSEMBLY_DIR, CachedAssembly

__all__ = ["nested_template_hash", "rename_code_asset", "rewrite_code_asset"]


def rewrite_code_asset(base: CachedAssembly, staging: Path, code_dir: Path, code_hash: str) -> None:
    """`staging/cdk.out`: the assembly of `base` with `code_dir` as its code asset, named
    `code_hash` (`rename_code_asset`)."""
    assembly = staging / ASSEMBLY_DIR
    shutil.copytree(base.assembly_dir, assembly, ignore=shutil.ignore_patterns("asset.*"))
    rename_code_asset(assembly, base.template_file, code_dir, code_hash)


def rename_code_asset(assembly: Path, template_file: str, code_dir: Path, code_hash: str) -> None:
    """Make `code_dir` the code asset of `assembly` (in place), named `code_hash`; the asset
    directory it named before is removed. The templates differ only in the asset's name; each
    template is itself an asset named by its content hash, so every renamed hash is replaced
    wherever the assembly names it: the code's in the templates, the nested templates' in the
    root template, all in the manifests. (A first synth names a placeholder, `compiler.synth`.)"""
    old_code_hash = _code_asset_hash(assembly)
    if old_code_hash is None:  # no function: the assembly names no code asset
        shutil.rmtree(code_dir)
        return
    renamed = {old_code_hash: code_hash}
    # Nested templates first: the root template names them by their hashes.
    for nested in sorted(assembly.glob(NESTED_TEMPLATES)):
        text = nested.read_text()
        old_hash = nested_template_hash(text)
        text = _replace_all(text, renamed)
        nested.write_text(text)
        renamed[old_hash] = nested_template_hash(text)
    template = assembly / template_file
    old_template_hash = hashlib.sha256(template.read_bytes()).hexdigest()
    text = _replace_all(template.read_text(), renamed)
    template.write_text(text)
    renamed[old_template_hash] = hashlib.sha256(text.encode()).hexdigest()
    for manifest in assembly.glob("*.json"):
        if manifest != template and not manifest.name.endswith(NESTED_TEMPLATES[1:]):
            replaced = _replace_all(manifest.read_text(), renamed)
            if manifest.name.endswith(".assets.json"):
                replaced = _renamed_destinations(replaced)
            manifest.write_text(replaced)
    shutil.rmtree(assembly / f"asset.{old_code_hash}", ignore_errors=True)
    # An earlier synth into the same folder may have left this asset (`cdk synth` keeps its
    # cdk.out): replaced, since a move onto a folder would go inside it.
    target = assembly / f"asset.{code_hash}"
    shutil.rmtree(target, ignore_errors=True)
    shutil.move(str(code_dir), target)


NESTED_TEMPLATES = "*.nested.template.json"


def nested_template_hash(text: str) -> str:
    """A nested stack template's asset hash as CDK computes it: sha256 of the template's
    compact JSON (JavaScript's `JSON.stringify`), not of the indented file."""
    compact = json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(compact.encode()).hexdigest()


def _replace_all(text: str, renamed: dict[str, str]) -> str:
    for old, new in renamed.items():
        text = text.replace(old, new)
    return text


def _renamed_destinations(assets_manifest: str) -> str:
    """CDK names each asset destination `<account>-<region>-<hash>`, the hash being sha256 of
    the destination's compact JSON (8 hex digits): renamed after the object keys changed."""
    data = json.loads(assets_manifest)
    for kind in ("files", "dockerImages"):
        for asset in data.get(kind, {}).values():
            renamed = {}
            for name, destination in asset.get("destinations", {}).items():
                digest = hashlib.sha256(json.dumps(destination, separators=(",", ":"), ensure_ascii=False).encode())
                renamed[f"{name.rsplit('-', 1)[0]}-{digest.hexdigest()[:8]}"] = destination
            asset["destinations"] = renamed
    ending = "\n" if assets_manifest.endswith("\n") else ""
    return json.dumps(data, indent=2, ensure_ascii=False) + ending


def _code_asset_hash(assembly: Path) -> str | None:
    """The hash of the assembly's one zip asset (the code), from its assets manifest; None
    when it has no zip asset (a project without functions)."""
    zipped: set[str] = set()
    for manifest in assembly.glob("*.assets.json"):
        files = json.loads(manifest.read_text()).get("files", {})
        zipped |= {asset_id for asset_id, asset in files.items() if asset.get("source", {}).get("packaging") == "zip"}
    if len(zipped) > 1:
        raise ValueError(f"{assembly}: {len(zipped)} zip assets in its assets manifests, expected the code only")
    return zipped.pop() if zipped else None
