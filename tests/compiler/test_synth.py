"""compiler/synth.py and `motia synth`: assemblies that lint clean, repeat byte for byte and
deploy into moto's CloudFormation. Two fixture apps, three synths in this process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from compiler import stack_layout
from compiler.code_asset import asset_fingerprint
from compiler.errors import AssetError
from compiler.pipeline import compile_project
from compiler.synth import (
    MAX_RESOURCES_PER_STACK,
    ResourceLimitError,
    SynthResult,
    add_application_stack,
    assembly_templates,
    check_resource_limit,
    new_app,
    synthesize,
)
from tests.compiler.emit.ir_fixtures import every_kind, write_project

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
ORDERS = REPO / "examples" / "orders"
REGION = "us-east-1"
ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    app = compile_project(ORDERS, stage="ci")
    assert not app.errors
    return synthesize(app, tmp_path_factory.mktemp("orders") / "cdk.out")


@pytest.fixture(scope="module")
def every(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    root = tmp_path_factory.mktemp("every")
    app = every_kind(root)
    write_project(root, app)
    return synthesize(app, tmp_path_factory.mktemp("every-out") / "cdk.out")


def test_writes_stack_named_app_stage_with_its_code_asset(orders: SynthResult) -> None:
    assert orders.stack_name == "orders-ci"
    assert orders.template_path == orders.out_dir / "orders-ci.template.json"
    [asset] = [p for p in orders.out_dir.iterdir() if p.name.startswith("asset.")]
    assert (asset / "lambda_runtime").is_dir() and (asset / "motia").is_dir() and (asset / "steps").is_dir()
    # One function per step, plus the WebSocket function and fan-out of its streams.
    assert dict(orders.resource_counts)["AWS::Lambda::Function"] == len(compile_project(ORDERS).functions) + 2


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("layout", ["flat", "nested"])
def test_the_code_asset_built_beside_the_synth_gives_the_assembly_a_synth_around_it_gives(
        layout: str, tmp_path: Path) -> None:
    """synthesize builds the code asset on a thread while Node synthesizes around a placeholder,
    then renames it in: byte for byte the assembly of a synth naming the built asset from the start."""
    root = tmp_path / "project"
    app = every_kind(root)
    write_project(root, app)
    (root / stack_layout.LAYOUT_FILE).write_text(json.dumps({"layout": layout}))
    result = synthesize(app, tmp_path / "parallel")
    [asset] = [p for p in result.out_dir.iterdir() if p.is_dir()]
    assert asset.name.startswith("asset.") and (asset / "lambda_runtime").is_dir()  # nothing else left there
    code = tmp_path / "code"
    shutil.copytree(asset, code)
    cdk_app = new_app(tmp_path / "around", validate=False)
    add_application_stack(cdk_app, app, code, asset_fingerprint(code), layout)  # type: ignore[arg-type]
    cdk_app.synth()
    parallel, around = tree_bytes(result.out_dir), tree_bytes(tmp_path / "around")
    assert sorted(parallel) == sorted(around)
    assert [name for name in parallel if parallel[name] != around[name]] == []
    assert (len([n for n in parallel if n.endswith(".nested.template.json")]) > 0) == (layout == "nested")


def test_a_code_asset_that_fails_to_build_fails_the_synth_and_leaves_no_placeholder(tmp_path: Path) -> None:
    root = tmp_path / "project"
    app = every_kind(root)
    write_project(root, app)
    missing = root / app.functions[0].file
    missing.unlink()  # compiled, then gone: the asset cannot take it
    with pytest.raises(AssetError, match=app.functions[0].file):
        synthesize(app, tmp_path / "cdk.out")
    assert [p.name for p in (tmp_path / "cdk.out").iterdir() if p.is_dir()] == []


def test_synthesizing_again_into_a_kept_folder_replaces_the_code_asset(tmp_path: Path) -> None:
    """`cdk synth` keeps its cdk.out between runs: the second synth's asset lands where the first's was."""
    from compiler.synth import synthesize_into

    root = tmp_path / "project"
    app = every_kind(root)
    write_project(root, app)
    out = tmp_path / "cdk.out"
    first = synthesize_into(new_app(out, validate=False), app)
    second = synthesize_into(new_app(out, validate=False), app)
    assert tree_bytes(first.out_dir) == tree_bytes(second.out_dir)
    [asset] = [p for p in out.iterdir() if p.is_dir()]
    assert (asset / "lambda_runtime").is_dir() and not [p for p in asset.iterdir() if p.name.startswith("motia-code")]


def test_synthesizing_twice_gives_byte_identical_templates(orders: SynthResult, tmp_path: Path) -> None:
    again = synthesize(compile_project(ORDERS, stage="ci"), tmp_path / "cdk.out")
    assert again.template_path.read_bytes() == orders.template_path.read_bytes()
    assert (again.out_dir / "orders-ci.assets.json").read_bytes() == (orders.out_dir / "orders-ci.assets.json").read_bytes()


@pytest.mark.parametrize("fixture_name", ["orders", "every"])
def test_templates_pass_cfn_lint_without_errors(fixture_name: str, request: pytest.FixtureRequest) -> None:
    from cfnlint.api import lint_file

    result: SynthResult = request.getfixturevalue(fixture_name)
    templates = assembly_templates(result.out_dir, result.template_path)
    assert len(templates) > 2  # the root and its nested stacks, each linted
    errors = [f"{path.name}: {m}" for path in templates for m in lint_file(path) if m.rule.id.startswith("E")]
    assert errors == []


def test_rejects_an_app_with_compile_errors(tmp_path: Path) -> None:
    from compiler.ir import Application, Diagnostic

    broken = Application("x", "dev", "x-dev", str(tmp_path),
                         diagnostics=(Diagnostic("error", "steps/a_step.py", "a", "bad"),))
    with pytest.raises(ValueError, match="1 compile errors"):
        synthesize(broken, tmp_path / "cdk.out")


def test_fails_over_the_resources_per_stack_limit() -> None:
    with pytest.raises(ResourceLimitError, match=r"declares 501 resources.*at most 500.*Fix:"):
        check_resource_limit("big-dev", (("AWS::SQS::Queue", 300), ("AWS::Lambda::Function", 201)))
    check_resource_limit("ok-dev", (("AWS::SQS::Queue", MAX_RESOURCES_PER_STACK),))


# -- moto ----------------------------------------------------------------------------------

def publish_file_assets(out_dir: Path, stack: str, s3: Any) -> None:
    """What `cdk deploy` does with the file assets: zip directories, upload to the asset bucket."""
    manifest = json.loads((out_dir / f"{stack}.assets.json").read_text())
    for asset in manifest["files"].values():
        source = out_dir / asset["source"]["path"]
        for dest in asset["destinations"].values():
            bucket = dest["bucketName"].replace("${AWS::AccountId}", ACCOUNT).replace("${AWS::Region}", REGION)
            buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
            if bucket not in buckets:
                s3.create_bucket(Bucket=bucket)
            body = source.read_bytes() if source.is_file() else zip_dir(source)
            s3.put_object(Bucket=bucket, Key=dest["objectKey"], Body=body)


def zip_dir(source: Path) -> bytes:
    target = source.parent / f"{source.name}.test.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(source).as_posix())
    return target.read_bytes()


@pytest.fixture(scope="module")
def every_flat(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """`every` in one stack: moto cannot pass the HTTP API's id into a nested stack (docs/scale.md)."""
    root = tmp_path_factory.mktemp("every-flat")
    app = every_kind(root)
    write_project(root, app)
    stack_layout.record_layout(root, "flat")
    return synthesize(app, tmp_path_factory.mktemp("every-flat-out") / "cdk.out")


def test_deploys_into_moto_cloudformation(every_flat: SynthResult, monkeypatch: pytest.MonkeyPatch) -> None:
    every = every_flat
    import boto3
    from moto import mock_aws

    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION, "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        publish_file_assets(every.out_dir, every.stack_name, boto3.client("s3", region_name=REGION))
        cfn = boto3.client("cloudformation", region_name=REGION)
        cfn.create_stack(StackName=every.stack_name, TemplateBody=every.template_path.read_text(),
                         Capabilities=["CAPABILITY_IAM"])
        stack = cfn.describe_stacks(StackName=every.stack_name)["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")

        queues = {url.rsplit("/", 1)[1] for url in boto3.client("sqs", region_name=REGION).list_queues()["QueueUrls"]}
        assert {"shop-test-ship-order-order-created", "shop-test-ship-order-order-created-dlq",
                "shop-test-charge-payment-payment-requested.fifo",
                "shop-test-charge-payment-payment-requested-dlq.fifo"} <= queues
        topics = {t["TopicArn"].rsplit(":", 1)[1] for t in boto3.client("sns", region_name=REGION).list_topics()["Topics"]}
        assert topics == {"shop-test-order-created", "shop-test-payment-requested.fifo"}
        tables = set(boto3.client("dynamodb", region_name=REGION).list_tables()["TableNames"])
        assert tables == {"shop-test-state", "shop-test-streams"}
        functions = {f["FunctionName"] for f in boto3.client("lambda", region_name=REGION).list_functions()["Functions"]}
        assert functions == {f"shop-test-{n}" for n in ("audit-state", "charge-payment", "create-order",
                                                        "get-order", "nightly-report", "ship-order", "watch-orders")}


# -- the command ---------------------------------------------------------------------------

def run_motia(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSII_SILENCE")}
    return subprocess.run([sys.executable, "-m", "compiler", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_motia_synth_writes_assembly_and_prints_summary_without_node_noise(tmp_path: Path) -> None:
    done = run_motia("synth", "--app-dir", str(ORDERS), "--out", str(tmp_path / "out"), "--stage", "qa")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "orders-qa.template.json").is_file()
    assert "Synthesized stack orders-qa" in done.stdout
    assert "AWS::Lambda::Function" in done.stdout and "POST" in done.stdout
    assert "end-of-life" not in done.stdout + done.stderr


def test_fails_with_exit_1_and_writes_nothing_on_compile_errors(tmp_path: Path) -> None:
    steps = tmp_path / "broken" / "steps"
    steps.mkdir(parents=True)
    (steps / "bad_step.py").write_text("config = {'name': 'bad', 'triggers': [], 'nope': 1}\n"
                                       "def handler(input, ctx):\n    return None\n")
    (steps / "worse_step.py").write_text("this is not python\n")
    done = run_motia("synth", "--app-dir", str(tmp_path / "broken"), "--out", str(tmp_path / "out"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "error" in done.stderr
    assert not (tmp_path / "out").exists()


def test_command_modules_do_not_load_aws_cdk() -> None:
    code = "import sys, compiler.cli; compiler.cli.build_parser(); print('aws_cdk' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_synth_help_explains_each_option() -> None:
    done = run_motia("synth", "--help")
    for option in ("--app-dir", "--out", "--stage", "--validate"):
        assert option in done.stdout


PRELOAD_THEN_APP = """
import sys
from pathlib import Path
from compiler.synth import new_app, preload_cdk
preload_cdk(validate=False)
assert "compiler.emit.stack" not in sys.modules  # still loading on its thread
app = new_app(Path(sys.argv[1]), validate=False)
# new_app waited for the thread: the emitters' modules make jsii calls as they load, and two
# threads talking to jsii at once get each other's answers.
print("compiler.emit.stack" in sys.modules, app.outdir)
"""


def test_new_app_waits_for_the_preloaded_cdk(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-c", PRELOAD_THEN_APP, str(out)], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", str(out)]
