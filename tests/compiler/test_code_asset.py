"""The shared Lambda code asset: layout, vendored requirements (pip stubbed, no network)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from compiler.code_asset import (
    AssetError,
    build_code_asset,
    project_files,
    requirement_lines,
    requirements_key,
    vendor_requirements,
)
from tests.compiler.emit.ir_fixtures import every_kind, write_project

# A stand-in for `python -m pip`: logs its argv, then fakes `install --target DIR` by
# writing one package into DIR; exits 3 when the requirements name `broken`.
PIP_STUB = '''
import pathlib, sys
args = sys.argv[1:]
log = pathlib.Path(__file__).with_name("calls.log")
log.write_text(log.read_text() + " ".join(args) + "\\n" if log.exists() else " ".join(args) + "\\n")
requirements = pathlib.Path(args[args.index("-r") + 1]).read_text()
if "broken" in requirements:
    print("ERROR: No matching distribution found for broken", file=sys.stderr)
    sys.exit(3)
target = pathlib.Path(args[args.index("--target") + 1])
(target / "vendored_pkg").mkdir(parents=True)
(target / "vendored_pkg" / "__init__.py").write_text("VERSION = 1\\n")
(target / "vendored_pkg" / "__pycache__").mkdir()
(target / "vendored_pkg" / "__pycache__" / "x.pyc").write_bytes(b"")
'''


@pytest.fixture()
def pip_stub(tmp_path: Path) -> tuple[list[str], Path]:
    stub = tmp_path / "pipstub" / "pip_stub.py"
    stub.parent.mkdir()
    stub.write_text(PIP_STUB)
    return [sys.executable, str(stub)], stub.with_name("calls.log")


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_requirement_lines_drop_blanks_and_comments() -> None:
    text = "# pinned\n\nrequests==2.32.3  # http\n  pydantic>=2\n"
    assert requirement_lines(text) == ("requests==2.32.3", "pydantic>=2")


def test_requirements_key_changes_with_requirements() -> None:
    assert requirements_key(("a==1",)) == requirements_key(("a==1",))
    assert requirements_key(("a==1",)) != requirements_key(("a==2",))


def test_project_files_are_step_files_and_include_files_sorted(tmp_path: Path) -> None:
    app = every_kind(tmp_path)
    dests = [f.dest for f in project_files(app)]
    assert dests == sorted(dests)
    assert "steps/data/prices.json" in dests
    assert {fn.file for fn in app.functions} <= set(dests)


def test_build_lays_out_steps_includes_and_runtime_without_bytecode(tmp_path: Path) -> None:
    app = every_kind(tmp_path / "project")
    write_project(Path(app.root), app)
    out = build_code_asset(app, tmp_path / "asset", pip_command=["false"], bytecode_python=())
    assert (out / "steps" / "create_order_step.py").is_file()
    assert (out / "steps" / "data" / "prices.json").read_text() == '{"widget": 3}\n'
    assert (out / "lambda_runtime" / "contract.py").is_file()
    assert (out / "motia" / "__init__.py").is_file()
    assert not list(out.rglob("__pycache__"))


def test_packages_the_project_modules_steps_import_but_not_tests_or_venvs(tmp_path: Path) -> None:
    from compiler.pipeline import compile_project
    from tests.compiler.projects import write_project as write_files

    root = write_files(tmp_path / "p", {
        "lib/__init__.py": "", "lib/pricing.py": "RATE = 2\n",
        "steps/helpers.py": "def double(x):\n    return x * 2\n",
        "steps/a_step.py": "from lib.pricing import RATE\nfrom motia import step\n"
                           "async def h(x, ctx):\n    return RATE\ns = step({'name': 'A', 'triggers': []}, h)\n",
        "tests/test_a.py": "", ".venv/lib/site.py": "", "cdk.out/x.py": "",
    })
    dests = {f.dest for f in project_files(compile_project(root))}
    assert dests == {"lib/__init__.py", "lib/pricing.py", "steps/a_step.py", "steps/helpers.py"}


def test_ships_bytecode_compiled_for_lambdas_python(tmp_path: Path, lambda_python: tuple[str, ...]) -> None:
    python = lambda_python
    app = every_kind(tmp_path / "project")
    write_project(Path(app.root), app)
    first = build_code_asset(app, tmp_path / "a1", pip_command=["false"], bytecode_python=python)
    second = build_code_asset(app, tmp_path / "a2", pip_command=["false"], bytecode_python=python)
    pycs = sorted(p.relative_to(first) for p in first.rglob("*.cpython-312.pyc"))
    assert Path("motia/__pycache__/__init__.cpython-312.pyc") in pycs
    assert Path("steps/__pycache__/create_order_step.cpython-312.pyc") in pycs
    assert all((first / p).read_bytes() == (second / p).read_bytes() for p in pycs)


def test_rejects_missing_include_file(tmp_path: Path) -> None:
    app = every_kind(tmp_path / "project")
    write_project(Path(app.root), app)
    (Path(app.root) / "steps" / "data" / "prices.json").unlink()
    with pytest.raises(AssetError, match="steps/data/prices.json"):
        build_code_asset(app, tmp_path / "asset")


def test_empty_requirements_never_call_pip(tmp_path: Path, pip_stub: tuple[list[str], Path]) -> None:
    pip, log = pip_stub
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# nothing yet\n\n")
    assert vendor_requirements(requirements, tmp_path / "cache", pip) is None
    assert calls(log) == []


def test_vendors_for_lambda_platform_once_per_requirements_hash(
    tmp_path: Path, pip_stub: tuple[list[str], Path]
) -> None:
    pip, log = pip_stub
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("requests==2.32.3\n")
    first = vendor_requirements(requirements, tmp_path / "cache", pip)
    second = vendor_requirements(requirements, tmp_path / "cache", pip)
    assert first == second and first is not None
    assert (first / "vendored_pkg" / "__init__.py").is_file()
    assert not (first / "vendored_pkg" / "__pycache__").exists()
    [call] = calls(log)
    assert "--platform manylinux2014_x86_64 --implementation cp --python-version 3.12" in call
    assert "--only-binary=:all:" in call


def test_fails_when_pip_fails_and_leaves_no_cache(tmp_path: Path, pip_stub: tuple[list[str], Path]) -> None:
    pip, _ = pip_stub
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("broken==1.0\n")
    with pytest.raises(AssetError, match="No matching distribution found for broken"):
        vendor_requirements(requirements, tmp_path / "cache", pip)
    assert list((tmp_path / "cache").iterdir()) == []


def test_build_copies_vendored_packages_under_our_runtime(
    tmp_path: Path, pip_stub: tuple[list[str], Path]
) -> None:
    pip, _ = pip_stub
    app = every_kind(tmp_path / "project")
    write_project(Path(app.root), app)
    (Path(app.root) / "requirements.txt").write_text("requests==2.32.3\n")
    out = build_code_asset(app, tmp_path / "asset", cache_root=tmp_path / "cache", pip_command=pip)
    assert (out / "vendored_pkg" / "__init__.py").is_file()
    assert (out / "lambda_runtime" / "contract.py").is_file()


def test_wheels_follow_the_settings_architecture_and_python() -> None:
    from compiler.code_asset import LAMBDA_PIP_PLATFORM_ARGS, pip_platform_args

    assert pip_platform_args() == LAMBDA_PIP_PLATFORM_ARGS
    arm = pip_platform_args("arm64", "3.13")
    assert arm[arm.index("--platform") + 1] == "manylinux2014_aarch64"
    assert arm[arm.index("--python-version") + 1] == "3.13"
    # A platform change must not reuse the other platform's installed wheels.
    assert requirements_key(("a==1",), arm) != requirements_key(("a==1",))
