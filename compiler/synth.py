"""IR -> cloud assembly (`cdk.out`): the code asset, the stack, the template on disk.

aws_cdk is imported inside functions, after `configure_jsii_environment`: importing this
module must stay cheap (`motia plan` loads every command module) and jsii reads its
environment when its Node process starts, at the first aws_cdk import.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from compiler import stack_layout
from compiler.code_asset import asset_build, asset_fingerprint, build_code_asset, cdk_asset_hash
from compiler.errors import ResourceLimitError
from compiler.ir import Application
from compiler.jsii_direct import hook_runtime_script, kernel_pid

if TYPE_CHECKING:
    from aws_cdk import App, Stack

    from compiler.assembly_entries import CachedAssembly
    from compiler.stack_layout import Layout

__all__ = [
    "MAX_RESOURCES_PER_STACK",
    "ResourceLimitError",
    "SynthResult",
    "check_resource_limit",
    "configure_jsii_environment",
    "count_resources",
    "preload_cdk",
    "resource_limit_message",
    "synthesize",
    "synthesize_cached",
    "synthesize_into",
]

MAX_RESOURCES_PER_STACK = 500  # CloudFormation quota, not adjustable
MAX_TEMPLATE_BYTES = 1_000_000  # CloudFormation's limit for a template read from S3
DEFAULT_OUT = "cdk.out"
# The code asset's hash while it is being built (`synthesize_into`), the empty directory
# standing for it, and where it is built. No dot in the placeholder's name: CDK would take
# what follows for a file extension of the staged asset.
CODE_PLACEHOLDER = "motia-aws: the code asset, being built"
CODE_PLACEHOLDER_DIR = "motia-code-asset-placeholder"
CODE_BUILD_DIR = "motia-code-asset-building"
# Our own bucket, never CDK's bootstrap bucket name (`cdk-hnb659fds-assets-...`): creating
# that one ourselves made a later `cdk bootstrap` in the account and region fail.
ASSET_BUCKET = "motia-aws-assets-${AWS::AccountId}-${AWS::Region}"
# Node 20 is past end-of-life; jsii prints a large box on every run unless silenced.
JSII_QUIET_ENV: dict[str, str] = {
    "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    # This one is a comma-separated list of Node majors, not a flag.
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": ",".join(str(v) for v in range(14, 40)),
    "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
}


@dataclass(frozen=True)
class SynthResult:
    """What was written: the assembly directory, the stack's template and what it declares."""

    out_dir: Path
    stack_name: str
    template_path: Path
    resource_counts: tuple[tuple[str, int], ...]  # (CloudFormation type, count), sorted by type
    reused: bool = False  # taken from the assembly cache: no synth ran
    code_only: bool = False  # a cached assembly with the changed code written in: no synth ran
    entry_key: str = ""  # the assembly cache entry restored at out_dir (`synthesize_cached`); "" for none
    # The nested templates' compact JSON by file name (`assembly_rewrite.rename_code_asset`),
    # kept with a cache entry so a code-only rewrite of it parses none.
    nested_compact: tuple[tuple[str, str], ...] = ()

    @property
    def total_resources(self) -> int:
        return sum(n for _, n in self.resource_counts)


def configure_jsii_environment(validate: bool = False) -> None:
    """Environment jsii and CDK read at Node start: quiet Node warnings, CDK's WASM validator,
    jsii's kernel without its relay process (`compiler.jsii_direct`)."""
    from compiler.code_asset import default_cache_root
    from compiler.jsii_direct import ENVIRONMENT as DIRECT_ENVIRONMENT, direct_runtime

    for key, value in JSII_QUIET_ENV.items():
        os.environ.setdefault(key, value)
    runtime = direct_runtime(default_cache_root())
    if runtime is not None:
        os.environ.update({"JSII_RUNTIME": str(runtime), **DIRECT_ENVIRONMENT})
    # 4-8 s per synth (DESIGN.md 5); we validate with our own rules and cfn-lint instead.
    os.environ["CDK_VALIDATION"] = "true" if validate else "false"


def preload_cdk(validate: bool) -> None:
    """Start Node and load aws_cdk and the emitters on a thread, beside the compile: Node loads
    aws-cdk-lib (about 0.3 s) while Python compiles. `new_app` waits for the thread (jsii takes
    one call at a time, and the emitters' modules make calls as they load); the synth's own
    imports raise again whatever failed here. Unused (the project has errors, its assembly is
    cached), it costs CPU on another core only: the process exits without waiting for Node."""
    configure_jsii_environment(validate)  # read once, when Node starts
    thread = threading.Thread(target=_load_cdk, name="motia-load-cdk", daemon=True)
    thread.start()
    _preloading.append(thread)


_preloading: list[threading.Thread] = []  # `preload_cdk`'s thread, until `new_app` waits for it


def _load_cdk() -> None:
    try:
        hook_runtime_script()
        import aws_cdk  # noqa: F401  (starts Node, loads aws-cdk-lib)

        import compiler.emit.stack  # noqa: F401  (the emitters' aws_cdk modules)
    except BaseException:  # noqa: BLE001  raised again by the synth's own import, where it is reported
        pass


def _wait_for_preload() -> None:
    while _preloading:
        _preloading.pop().join()


def count_resources(template: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    counts = Counter(r["Type"] for r in template.get("Resources", {}).values())
    return tuple(sorted(counts.items()))


def resource_limit_message(stack_name: str, total: int) -> str:
    return (
        f"stack {stack_name} declares {total} resources; CloudFormation allows at most "
        f"{MAX_RESOURCES_PER_STACK} per stack. Fix: split the project into several apps (one per "
        "flow, each with its own --app-dir), reduce per-step resources (fewer queue subscriptions, "
        f'HTTP routes sharing a step), or, if {stack_layout.LAYOUT_FILE} says {{"layout": "flat"}}, remove it '
        "to put each step in a nested stack (docs/scale.md: a deployed stack changes layout only "
        "after `motia destroy`)."
    )


def check_resource_limit(stack_name: str, counts: tuple[tuple[str, int], ...]) -> None:
    total = sum(n for _, n in counts)
    if total > MAX_RESOURCES_PER_STACK:
        raise ResourceLimitError(resource_limit_message(stack_name, total))


def new_app(out_dir: Path | None, validate: bool) -> App:
    """A CDK app with our settings; `out_dir` None lets the CDK CLI choose (CDK_OUTDIR)."""
    _wait_for_preload()
    configure_jsii_environment(validate)
    hook_runtime_script()
    from aws_cdk import App

    return App(
        outdir=str(out_dir) if out_dir is not None else None,
        builtin_cloud_formation_validation=validate,
        analytics_reporting=False,  # no AWS::CDK::Metadata: the template is the project only
        stack_traces=False,  # construct traces cost time and are not useful to Motia users
        tree_metadata=False,
        # CDK's own limit check throws a bare RuntimeError mid-synth; ours names the fix.
        context={
            "@aws-cdk/core:stackResourceLimit": 0,
            # Per-resource metadata nothing reads (cdk-nag's acknowledgments stay): a stack
            # trace captured for every resource, and its logical id, which the template has.
            # A 300-step synth took 8.0 s with them, 6.6 s without; its metadata 1.4 MB, 0.1 MB.
            "aws:cdk:disable-creation-stack-traces": True,
            "aws:cdk:disable-logicalId-metadata": True,
        },
    )


def add_application_stack(cdk_app: App, app: Application, code_dir: Path, code_hash: str,
                          layout: Layout = "flat") -> Stack:
    """The app's stack, named `<app>-<stage>`, deployable without a bootstrap version rule;
    `layout` nested puts each step's resources in a nested stack (`compiler.stack_layout`).
    `code_hash`: the code asset's `asset_fingerprint`, or `synthesize_into`'s placeholder."""
    from aws_cdk import AssetHashType, DefaultStackSynthesizer, aws_lambda as lambda_

    from compiler.emit.stack import emit_application

    # Our own content hash, not CDK's fingerprint: `synthesize_cached` can then rewrite a
    # cached assembly for a code-only change and name the asset as this synth would. Every
    # nested stack takes its own `Code` of the same directory.
    def new_code() -> lambda_.Code:
        return lambda_.Code.from_asset(str(code_dir), asset_hash=code_hash, asset_hash_type=AssetHashType.CUSTOM)

    nested = layout == "nested"
    return emit_application(
        cdk_app, app.prefix, app, new_code(), new_code=new_code if nested else None,
        stack_name=app.prefix,
        description=f"Motia app {app.name}, stage {app.stage} (motia-aws)",
        # The version rule makes moto fail on updates and `motia deploy` needs no bootstrap.
        synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False,
                                            file_assets_bucket_name=ASSET_BUCKET),
    )


def synthesize(
    app: Application,
    out_dir: Path,
    *,
    validate: bool = False,
    cache_root: Path | None = None,
    pip_command: Sequence[str] | None = None,
    bytecode_python: Sequence[str] | None = None,
    for_emulator: bool = False,
) -> SynthResult:
    """Write the cloud assembly of `app` (no errors allowed) into `out_dir`, replacing it;
    `for_emulator`: one flat stack, whatever its size (`stack_layout.synth_layout`)."""
    if app.errors:
        raise ValueError(f"{len(app.errors)} compile errors: synthesize only a compiled app")
    if out_dir.exists():
        # Stale assets of an earlier synth would be published by `motia deploy` otherwise.
        shutil.rmtree(out_dir)
    try:
        return synthesize_into(new_app(out_dir, validate), app, cache_root=cache_root,
                               pip_command=pip_command, bytecode_python=bytecode_python,
                               for_emulator=for_emulator)
    except ResourceLimitError:
        shutil.rmtree(out_dir, ignore_errors=True)  # never leave an assembly CloudFormation would reject
        raise


def synthesize_into(
    cdk_app: App,
    app: Application,
    *,
    cache_root: Path | None = None,
    pip_command: Sequence[str] | None = None,
    bytecode_python: Sequence[str] | None = None,
    for_emulator: bool = False,
) -> SynthResult:
    """Synthesize `app` into a CDK app made by `new_app` (`motia synth`'s, or `cdk synth`'s),
    with every check; over the resource limit the template is removed and the error raised.
    `for_emulator`: one flat stack and no CloudFormation limits (moto has none)."""
    if app.errors:
        raise ValueError(f"{len(app.errors)} compile errors: synthesize only a compiled app")
    from compiler import code_asset_worker
    from compiler.assembly_rewrite import rename_code_asset
    from compiler.cpu_affinity import sharing_one_cpu

    # The code asset is built in another process (compiler.code_asset_worker) while Node builds
    # the templates around an empty placeholder (CDK copies nothing then), then moved in under
    # its real hash: the assembly is the one a synth of the built asset gives (tests/compiler/test_synth.py).
    out_dir = Path(cdk_app.outdir)
    placeholder, building = out_dir / CODE_PLACEHOLDER_DIR, out_dir / CODE_BUILD_DIR
    for leftover in (placeholder, building):
        shutil.rmtree(leftover, ignore_errors=True)
    placeholder.mkdir(parents=True)
    try:
        build = asset_build(app, cache_root=cache_root, pip_command=pip_command, bytecode_python=bytecode_python)
        with code_asset_worker.start(build, building) as code:
            layout = stack_layout.synth_layout(app, for_emulator=for_emulator)
            with sharing_one_cpu(kernel_pid()):  # thousands of calls to Node (compiler.cpu_affinity)
                stack = add_application_stack(cdk_app, app, placeholder, CODE_PLACEHOLDER, layout)
                cdk_app.synth()
            code_dir = code.result()
        template_path = out_dir / stack.template_file
        compact = rename_code_asset(out_dir, stack.template_file, code_dir, cdk_asset_hash(asset_fingerprint(code_dir)))
    finally:  # the staged copy of the placeholder too: gone already unless something failed
        for leftover in (building, placeholder, out_dir / f"asset.{cdk_asset_hash(CODE_PLACEHOLDER)}"):
            shutil.rmtree(leftover, ignore_errors=True)
    templates = assembly_templates(out_dir, template_path)
    # Checked on the templates themselves: exact, whatever the emitters add per step.
    try:
        for path in templates if not for_emulator else ():
            check_template_limits(app.prefix, path)
    except ResourceLimitError:
        template_path.unlink()  # nothing left for `cdk deploy` to send CloudFormation
        raise
    counts = count_all_resources(templates)
    return SynthResult(out_dir, app.prefix, template_path, counts, nested_compact=tuple(sorted(compact.items())))


def assembly_templates(out_dir: Path, root_template: Path) -> tuple[Path, ...]:
    """The root template, then its nested stacks' templates (`*.nested.template.json`)."""
    return (root_template, *sorted(out_dir.glob("*.nested.template.json")))


def count_all_resources(templates: Sequence[Path]) -> tuple[tuple[str, int], ...]:
    """Resources by type over every template of the assembly."""
    total: Counter[str] = Counter()
    for path in templates:
        total.update(dict(count_resources(json.loads(path.read_text()))))
    return tuple(sorted(total.items()))


def check_template_limits(stack_name: str, path: Path) -> None:
    """Every template within CloudFormation's resource count and (S3-read) size limits."""
    name = stack_name if not path.name.endswith(".nested.template.json") else f"{stack_name} ({path.name})"
    check_resource_limit(name, count_resources(json.loads(path.read_text())))
    size = path.stat().st_size
    if size > MAX_TEMPLATE_BYTES:
        raise ResourceLimitError(
            f"stack {name}'s template is {size:,} bytes; CloudFormation reads at most "
            f"{MAX_TEMPLATE_BYTES:,}. Fix: if {stack_layout.LAYOUT_FILE} says {{\"layout\": \"flat\"}}, remove it "
            "to put each step in a nested stack (docs/scale.md), or split the project into several apps.")


def synthesize_cached(
    app: Application,
    out_dir: Path,
    *,
    validate: bool = False,
    cache_root: Path | None = None,
    pip_command: Sequence[str] | None = None,
    bytecode_python: Sequence[str] | None = None,
    link: bool = False,
    on_synth: Callable[[], None] | None = None,
    for_emulator: bool = False,
) -> SynthResult:
    """`synthesize`, reusing the assembly of an identical earlier synth (`compiler.assembly_cache`).

    On a hit the cached assembly is put at `out_dir` without starting Node or importing
    aws_cdk (`reused` is True); on a miss it is synthesized, stored, then put there. `link`
    hard-links the files instead of copying them: for readers only, such as the emulator.
    `cache_root` holds both the requirements cache and the assemblies; `on_synth` is called
    before a fresh synth starts (a progress line: it takes seconds).
    """
    from compiler import assembly_entries as entries
    from compiler.assembly_cache import assembly_key, template_key
    from compiler.assembly_restore import restore
    from compiler.assembly_rewrite import commit_code_only, write_compact
    from compiler.ir_json import application_to_json

    if app.errors:
        raise ValueError(f"{len(app.errors)} compile errors: synthesize only a compiled app")
    root = entries.assemblies_root(cache_root)
    model = application_to_json(app)  # both keys hash it
    key = assembly_key(app, validate=validate, bytecode_python=bytecode_python, model=model, for_emulator=for_emulator)
    entry = entries.lookup(root, key)
    if entry is not None:
        try:
            return _result_at(entry, restore(entry, out_dir, link=link), reused=True)
        except OSError:
            pass  # pruned by another process while we copied: synthesize afresh below
    model_key = template_key(app, validate=validate, model=model, for_emulator=for_emulator)
    base = entries.lookup_template(root, model_key)
    if base is not None:
        # Only the code changed: write it into the cached assembly (nested stacks too).
        entry = commit_code_only(root, key, base, model_key, lambda dest: build_code_asset(
            app, dest, cache_root=cache_root, pip_command=pip_command, bytecode_python=bytecode_python))
        return _result_at(entry, restore(entry, out_dir, link=link), reused=False, code_only=True)
    staging = entries.new_staging_dir(root)
    try:
        if on_synth is not None:
            on_synth()
        fresh = synthesize(app, staging / entries.ASSEMBLY_DIR, validate=validate,
                           cache_root=cache_root, pip_command=pip_command, bytecode_python=bytecode_python,
                           for_emulator=for_emulator)
        write_compact(staging, dict(fresh.nested_compact))
        entry = entries.commit(root, key, staging, fresh.stack_name,
                               fresh.template_path.relative_to(fresh.out_dir).as_posix(), fresh.resource_counts, model_key)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already when the commit renamed it
    return _result_at(entry, restore(entry, out_dir, link=link), reused=False)


def _result_at(entry: CachedAssembly, out_dir: Path, *, reused: bool, code_only: bool = False) -> SynthResult:
    return SynthResult(out_dir, entry.stack_name, out_dir / entry.template_file, entry.resource_counts, reused,
                       code_only, entry.assembly_dir.parent.name)
