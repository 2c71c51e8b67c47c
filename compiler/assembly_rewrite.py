"""A cached assembly made over for a new code asset, without Node: when only step code changed,
the templates differ from the cached ones only by the code asset's name, and every template is
itself an asset named by its content hash. So each renamed hash is replaced wherever the
assembly names it (the code-only paths: `compiler.synth.synthesize_cached` after a compile,
`compiler.resynth.replay_code_only` without one)."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from compiler.assembly_entries import ASSEMBLY_DIR, CachedAssembly, Inode, commit, digests_by_inode, new_staging_dir
from compiler.code_asset import asset_fingerprint, cdk_asset_hash

__all__ = ["COMPACT_FILE", "Prepared", "code_asset_dir", "commit_code_only", "commit_prepared", "nested_template_hash",
           "prepare_code_only", "rename_code_asset", "rewrite_code_asset", "write_compact"]


@dataclass(frozen=True)
class Prepared:
    """A staging folder holding what `commit_code_only` commits, with `base`'s digests by inode
    (its files the new one links are not hashed again)."""

    staging: Path
    base: CachedAssembly
    known: Mapping[Inode, str]


def commit_code_only(root: Path, key: str, base: CachedAssembly, template_key: str,
                     build_code: Callable[[Path], Path]) -> CachedAssembly:
    """The entry `key` of the assemblies under `root`: `base`'s assembly with the code asset
    `build_code(dest)` fills (no Node: the templates differ only in the asset's name)."""
    return commit_prepared(root, key, prepare_code_only(root, base, build_code), template_key)


def prepare_code_only(root: Path, base: CachedAssembly, build_code: Callable[[Path], Path]) -> Prepared:
    """What `commit_code_only` commits, in a staging folder under `root`; the caller commits it
    (`commit_prepared`) or removes it."""
    staging = new_staging_dir(root)
    try:
        known = digests_by_inode(base)
        code_dir = build_code(staging / "code")
        code_hash = cdk_asset_hash(asset_fingerprint(code_dir, known))
        rewrite_code_asset(base, staging, code_dir, code_hash)  # moves code_dir in
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Prepared(staging, base, known)


def commit_prepared(root: Path, key: str, prepared: Prepared, template_key: str) -> CachedAssembly:
    """Commit a `prepare_code_only` staging folder as the entry `key`."""
    base = prepared.base
    try:
        return commit(root, key, prepared.staging, base.stack_name, base.template_file, base.resource_counts,
                      template_key, prepared.known)
    finally:
        shutil.rmtree(prepared.staging, ignore_errors=True)  # gone already when the commit renamed it


def rewrite_code_asset(base: CachedAssembly, staging: Path, code_dir: Path, code_hash: str) -> None:
    """`staging/cdk.out`: the assembly of `base` with `code_dir` as its code asset, named
    `code_hash` (`rename_code_asset`); beside it, the compact forms of its nested templates."""
    assembly = staging / ASSEMBLY_DIR
    # The nested templates are written below from the base's, not copied first.
    shutil.copytree(base.assembly_dir, assembly, ignore=shutil.ignore_patterns("asset.*", NESTED_TEMPLATES))
    compact = rename_code_asset(assembly, base.template_file, code_dir, code_hash, source=base.assembly_dir,
                                known_compact=_read_compact(base.assembly_dir.parent / COMPACT_FILE))
    write_compact(staging, compact)


def rename_code_asset(assembly: Path, template_file: str, code_dir: Path, code_hash: str, *,
                      source: Path | None = None, known_compact: dict[str, str] | None = None) -> dict[str, str]:
    """Make `code_dir` the code asset of `assembly`, named `code_hash`; the asset directory it
    named before is removed. The templates differ only in the asset's name; each template is
    itself an asset named by its content hash, so every renamed hash is replaced wherever the
    assembly names it: the code's in the templates, the nested templates' in the root template,
    all in the manifests. (A first synth names a placeholder, `compiler.synth`.)

    `source`: the assembly whose templates are read (default `assembly`: in place); its nested
    templates are written into `assembly`, the other files must be there already.
    `known_compact`: the nested templates' compact JSON by file name, as this returned it for
    `source` (each checked against its hash, else computed again). Returns the new ones."""
    source = source or assembly
    old_code_hash = _code_asset_hash(source)
    if old_code_hash is None:  # no function: the assembly names no code asset
        shutil.rmtree(code_dir)
        return {}
    renamed = {old_code_hash: code_hash}
    known, hashes = known_compact or {}, _file_asset_hashes(source)
    compact: dict[str, str] = {}
    # Nested templates first: the root template names them by their hashes.
    for nested in sorted(source.glob(NESTED_TEMPLATES)):
        text = nested.read_text()
        # The renamed hashes are hex text inside JSON strings: replaced in the compact form they
        # give the compact form of the replaced template, so a template is parsed once, if ever.
        old = known.get(nested.name)
        if old is None or _sha256(old) != hashes.get(nested.name):
            old = compact_json(text)
        (assembly / nested.name).write_text(_replace_all(text, renamed))
        compact[nested.name] = _replace_all(old, renamed)
        renamed[_sha256(old)] = _sha256(compact[nested.name])
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
    return compact


COMPACT_FILE = "compact-templates.json"  # beside an entry's assembly: `rename_code_asset`'s result


def write_compact(entry_dir: Path, compact: dict[str, str]) -> None:
    """Keep `rename_code_asset`'s result beside the entry's assembly (nothing when flat)."""
    if compact:
        (entry_dir / COMPACT_FILE).write_text(json.dumps(compact, ensure_ascii=False))


def _read_compact(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def _file_asset_hashes(assembly: Path) -> dict[str, str]:
    """Each file asset's hash (its id in the assets manifests), by its file name."""
    found = {}
    for manifest in assembly.glob("*.assets.json"):
        for asset_id, asset in json.loads(manifest.read_text()).get("files", {}).items():
            found[str(asset.get("source", {}).get("path", ""))] = asset_id
    return found


NESTED_TEMPLATES = "*.nested.template.json"


def nested_template_hash(text: str) -> str:
    """A nested stack template's asset hash as CDK computes it: sha256 of the template's
    compact JSON (JavaScript's `JSON.stringify`), not of the indented file."""
    return _sha256(compact_json(text))


def compact_json(text: str) -> str:
    """JSON text as JavaScript's `JSON.stringify` writes it: no spaces, non-ASCII kept."""
    return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


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


def code_asset_dir(assembly: Path) -> Path | None:
    """The code asset's directory in `assembly`; None when it names none."""
    code_hash = _code_asset_hash(assembly)
    return None if code_hash is None else assembly / f"asset.{code_hash}"


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
