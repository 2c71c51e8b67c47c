"""Secrets in the emulator as on AWS: local values stored in moto, read back by the shim.

`motia dev` never hands a secret to the process directly. Each secret's local value (the
shell's environment, else `.env.secrets`) is stored in the emulator's moto under the name
the stage reads on AWS: SSM SecureString `/motia/<app>/<stage>/NAME` for `NAME=secret:`, the
referenced parameter for `ssm:`, a Secrets Manager secret for `secretsmanager:`. Then the
shim's own `load_secrets` reads them with the deployed MOTIA_SECRETS, as a cold start on AWS
does, before any step file is imported. A secret without a local value stops the start: on
AWS the same gap makes every function fail at cold start (SecretUnavailable), and the
reference in `.env*` says the app needs it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from compiler import ir
from compiler.errors import ProjectError
from compiler.stage_environment import LOCAL_SECRETS_FILE, env_files, local_secret_values, reference_text
from lambda_runtime.contract import ENV_SECRETS
from lambda_runtime.secrets import load_secrets


class MissingLocalSecret(ProjectError):
    """A secret the stage references has no local value for `motia dev`."""


@dataclass(frozen=True)
class LoadedVariables:
    """The variables put into the process, with what they held before (to restore)."""

    previous: tuple[tuple[str, str | None], ...]

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.previous)

    def restore(self, environ: Any = os.environ) -> None:
        for name, value in self.previous:
            if value is None:
                environ.pop(name, None)
            else:
                environ[name] = value


def missing_message(app: ir.Application, missing: tuple[str, ...]) -> str:
    by_variable = {s.variable: s for s in app.secrets}
    refs = ", ".join(f"{v} ({reference_text(by_variable[v])})" for v in missing)
    example = "\n".join(f"    {v}=<local value>" for v in missing)
    return (
        f"secret(s) without a local value: {refs}, referenced in "
        f"{' or '.join(env_files(app.stage))} of {app.root}. On AWS a function whose secret is missing "
        f"cannot start. Add them to {Path(app.root) / LOCAL_SECRETS_FILE} (git-ignored, never deployed):\n"
        f"{example}\nor export them in this shell"
    )


def _is_arn(secret_id: str) -> bool:
    return secret_id.startswith("arn:")


def _secret_name(secret_id: str) -> str:
    """The name in a Secrets Manager ARN, without the 6-character suffix AWS appends."""
    name = secret_id.split(":secret:", 1)[-1]
    stem, dash, suffix = name.rpartition("-")
    return stem if dash and len(suffix) == 6 and suffix.isalnum() else name


def store_local_values(ssm: Any, secretsmanager: Any, secrets: tuple[ir.SecretReference, ...],
                       values: Mapping[str, str]) -> dict[str, str]:
    """Each secret's local value into moto; {variable: moto's ARN} for references by ARN,
    which moto cannot create in the user's account: the shim reads those by moto's ARN."""
    rewritten: dict[str, str] = {}
    for secret in secrets:
        value = values[secret.variable]
        if secret.store == "ssm":
            ssm.put_parameter(Name=secret.name, Value=value, Type="SecureString", Overwrite=True)
            continue
        name = _secret_name(secret.name) if _is_arn(secret.name) else secret.name
        try:
            arn = secretsmanager.create_secret(Name=name, SecretString=value)["ARN"]
        except secretsmanager.exceptions.ResourceExistsException:
            arn = secretsmanager.put_secret_value(SecretId=name, SecretString=value)["ARN"]
        if _is_arn(secret.name):
            rewritten[secret.variable] = f"secretsmanager:{arn}"
    return rewritten


def shim_load(references: Mapping[str, str], environ: Any = os.environ) -> LoadedVariables:
    """The shim's cold-start read of `references` (as in MOTIA_SECRETS) into `environ`."""
    scratch = {ENV_SECRETS: json.dumps(dict(references), separators=(",", ":"), sort_keys=True)}
    load_secrets(scratch)
    del scratch[ENV_SECRETS]
    loaded = LoadedVariables(tuple((name, environ.get(name)) for name in sorted(scratch)))
    environ.update(scratch)
    return loaded


def deployed_references(app: ir.Application, environments: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """MOTIA_SECRETS as moto deployed it (every function gets the same), else as the IR says."""
    for environment in environments.values():
        if ENV_SECRETS in environment:
            return dict(json.loads(environment[ENV_SECRETS]))
    return {s.variable: reference_text(s) for s in app.secrets}


def provide_environment(app: ir.Application, environments: Mapping[str, Mapping[str, str]], client: Any,
                        environ: Any = os.environ) -> LoadedVariables:
    """The `.env` plain values (the process's own win, as under `load_dotenv()`) and the
    secrets into `environ`, for step files to read as on AWS."""
    plain = {k: v for k, v in app.environment if k not in environ}
    loaded = LoadedVariables(tuple((k, None) for k in sorted(plain)))
    environ.update(plain)
    try:
        secrets = provide_secrets(app, environments, client, environ)
    except BaseException:
        loaded.restore(environ)
        raise
    return LoadedVariables(loaded.previous + secrets.previous)


def provide_secrets(app: ir.Application, environments: Mapping[str, Mapping[str, str]], client: Any,
                    environ: Any = os.environ) -> LoadedVariables:
    """Store the app's local secret values in moto, then let the shim read them with the
    deployed functions' MOTIA_SECRETS; MissingLocalSecret names every secret without a value."""
    if not app.secrets:
        return LoadedVariables(())
    values, missing = local_secret_values(Path(app.root), app.secrets, environ)
    if missing:
        raise MissingLocalSecret(missing_message(app, missing))
    rewritten = store_local_values(client("ssm"), client("secretsmanager"), app.secrets, values)
    return shim_load({**deployed_references(app, environments), **rewritten}, environ)
