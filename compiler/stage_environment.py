"""A stage's environment: `.env` then `.env.<stage>` (the stage's file wins), split into plain
values (deployed as Lambda environment variables) and secret references (deployed as names
only; the shim reads the values at cold start, lambda_runtime/secrets.py).

A value written as a reference is a secret:
- `NAME=secret:` the stage's own parameter `/motia/<app>/<stage>/NAME` (`motia secrets set`);
- `NAME=ssm:/any/parameter` an existing SSM parameter (SecureString or String);
- `NAME=secretsmanager:<id or ARN>` an existing Secrets Manager secret's SecretString.
For AWS only the files count, never the deploying shell's environment: the same files give
the same template on every machine.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from compiler import dotenv, ir
from compiler.naming import stack_safe
from lambda_runtime.contract import ENV_SECRETS

LOCAL_SECRETS_FILE = ".env.secrets"  # local values for `motia dev`, never read for AWS
SECRET_PREFIX = "/motia"  # the stage's parameters: /motia/<app>/<stage>/<NAME>
STAGE_SECRET = "secret:"
SSM_REFERENCE = "ssm:"
SECRETS_MANAGER_REFERENCE = "secretsmanager:"
# Lambda's rule for variable names, and the names Lambda reserves for itself.
_VARIABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]+")  # Lambda's own pattern: two characters at least
_PARAMETER_NAME = re.compile(r"/?[A-Za-z0-9_.\-/]+")
RESERVED = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})


@dataclass(frozen=True)
class StageEnvironment:
    environment: tuple[tuple[str, str], ...]
    secrets: tuple[ir.SecretReference, ...]
    diagnostics: tuple[ir.Diagnostic, ...]


def env_files(stage: str) -> tuple[str, ...]:
    """The files read, in order: later ones win."""
    return (".env", f".env.{stage}")


def stage_folder(app_name: str, stage: str) -> str:
    """Where `motia secrets` keeps a stage's parameters: /motia/<app>/<stage>, names as in the stack's."""
    return f"{SECRET_PREFIX}/{stack_safe(app_name)}/{stack_safe(stage)}"


def stage_parameter(app_name: str, stage: str, variable: str) -> str:
    return f"{stage_folder(app_name, stage)}/{variable}"


def _reference(app_name: str, stage: str, variable: str, value: str) -> ir.SecretReference | str | None:
    """The secret a value refers to, None for a plain value, or what is wrong with it."""
    if value == STAGE_SECRET:
        return ir.SecretReference(variable, "ssm", stage_parameter(app_name, stage, variable))
    if value.startswith(SSM_REFERENCE):
        name = value[len(SSM_REFERENCE):]
        if not _PARAMETER_NAME.fullmatch(name):
            return f"{value!r} names no SSM parameter: write ssm:/path/to/parameter"
        return ir.SecretReference(variable, "ssm", name)
    if value.startswith(SECRETS_MANAGER_REFERENCE):
        name = value[len(SECRETS_MANAGER_REFERENCE):]
        if not name or any(c.isspace() for c in name):
            return f"{value!r} names no secret: write secretsmanager:<secret name or ARN>"
        return ir.SecretReference(variable, "secretsmanager", name)
    return None


def name_problem(variable: str) -> str | None:
    if not _VARIABLE_NAME.fullmatch(variable):
        return (f"variable {variable!r} is not a name Lambda accepts (two characters or more: letters, digits "
                "and _, starting with a letter)")
    if variable in RESERVED or variable.startswith("MOTIA_"):
        return f"variable {variable!r} is reserved by Lambda or by motia-aws"
    return None


def read_stage_environment(root: Path, app_name: str, stage: str) -> StageEnvironment:
    """The stage's plain values and secret references, with a diagnostic per problem."""
    diagnostics: list[ir.Diagnostic] = []
    merged: dict[str, tuple[str, str]] = {}  # variable -> (value, file it came from)
    for file in env_files(stage):
        path = root / file
        if not path.is_file():
            continue
        bindings, problems = dotenv.parse(path.read_text(encoding="utf-8"))
        diagnostics += [
            ir.Diagnostic("error", file, "", f"line {p.line} is not KEY=value: {p.text[:60]!r}",
                          "write KEY=value (quote values with spaces), or start the line with # for a comment",
                          line=p.line)
            for p in problems
        ]
        known = {name: value for name, (value, _) in merged.items()}
        for variable, value in dotenv.values(bindings, {}, known).items():
            if variable not in known or known[variable] != value:
                merged[variable] = (value, file)
    plain: list[tuple[str, str]] = []
    secrets: list[ir.SecretReference] = []
    for variable, (value, file) in sorted(merged.items()):
        problem = name_problem(variable)
        if problem:
            diagnostics.append(ir.Diagnostic("error", file, "", problem, "rename it in the file"))
            continue
        reference = _reference(app_name, stage, variable, value)
        if isinstance(reference, str):
            diagnostics.append(ir.Diagnostic("error", file, "", f"{variable}: {reference}", "fix the reference, or quote nothing else after the colon"))
        elif reference is None:
            plain.append((variable, value))
        else:
            secrets.append(reference)
    return StageEnvironment(tuple(plain), tuple(secrets), tuple(diagnostics))


def shipped_secret_files(app: ir.Application) -> tuple[ir.Diagnostic, ...]:
    """An error for each `.env.secrets` a step's include_files would copy into the code asset."""
    return tuple(
        ir.Diagnostic("error", fn.file, fn.name, f"include_files would ship {path!r} in the code asset",
                      f"{LOCAL_SECRETS_FILE} holds local secret values: take it out of include_files "
                      "(deployed functions read their secrets from SSM)")
        for fn in app.functions for path in fn.include_files if Path(path).name == LOCAL_SECRETS_FILE
    )


def reference_text(reference: ir.SecretReference) -> str:
    return f"{reference.store}:{reference.name}"


def function_variables(app: ir.Application) -> dict[str, str]:
    """What every function's environment gets besides its config: plain values, and the secret
    references (names only) when there are any."""
    variables = dict(app.environment)
    if app.secrets:
        import json

        variables[ENV_SECRETS] = json.dumps(
            {s.variable: reference_text(s) for s in app.secrets}, separators=(",", ":"), sort_keys=True
        )
    return variables


def local_values(root: Path, app_name: str, stage: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The plain values `motia dev` adds to the process environment; the process's own
    environment wins, as under Motia's `load_dotenv()`. Secrets are not among them: the
    emulator stores their local values in moto's SSM and the shim reads them from there."""
    stage_env = read_stage_environment(root, app_name, stage)
    return {k: v for k, v in stage_env.environment if k not in environ}


def local_secret_values(root: Path, secrets: tuple[ir.SecretReference, ...],
                        environ: Mapping[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """({variable: local value}, variables without one) for the stage's secrets: the value from
    the process's environment, else from `.env.secrets` (git-ignored, never read for AWS)."""
    local: dict[str, str] = {}
    path = root / LOCAL_SECRETS_FILE
    if path.is_file():
        bindings, _ = dotenv.parse(path.read_text(encoding="utf-8"))
        local = dotenv.values(bindings, environ, {})
    found: dict[str, str] = {}
    for secret in secrets:
        value = environ.get(secret.variable, local.get(secret.variable))
        if value is not None:
            found[secret.variable] = value
    return found, tuple(s.variable for s in secrets if s.variable not in found)


def build_values(root: Path, stage: str, environ: Mapping[str, str]) -> dict[str, str]:
    """What step and stream files see while the compiler imports them (every command, as Motia
    loads `.env` for every command): the stage's plain values and each secret's local value, or
    a placeholder naming it where there is none (its value exists only in SSM or Secrets
    Manager), so a module-level `os.environ["KEY"]` imports. The process's own values win."""
    stage_env = read_stage_environment(root, "app", stage)  # the app name only shapes SSM names
    values = {k: v for k, v in stage_env.environment if k not in environ}
    local, missing = local_secret_values(root, stage_env.secrets, environ)
    values.update({k: v for k, v in local.items() if k not in environ})
    values.update({k: f"<secret {k}: read at cold start>" for k in missing})
    return values


@contextmanager
def build_environment(root: Path, stage: str) -> Iterator[None]:
    """`build_values` in `os.environ` for the duration; the variables added are taken out after."""
    added = build_values(root, stage, os.environ)
    os.environ.update(added)
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)
