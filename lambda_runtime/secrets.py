"""Secret values into `os.environ` at cold start, before the step file is imported.

The function's MOTIA_SECRETS names what to read ({"VARIABLE": "ssm:/parameter" |
"secretsmanager:<id>"}); a function without it returns at once and never imports boto3 or
json. SSM parameters are read with decryption, ten per GetParameters call (its limit);
each Secrets Manager secret with one GetSecretValue.
"""

from __future__ import annotations

from lambda_runtime.contract import ENV_SECRETS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import MutableMapping

SSM_BATCH = 10  # GetParameters takes at most 10 names


class SecretUnavailable(RuntimeError):
    """A referenced parameter or secret is missing or unreadable: the function cannot start."""


def parse_references(text: str) -> dict[str, tuple[str, str]]:
    """{variable: (store, name)} from MOTIA_SECRETS."""
    import json

    references = {}
    for variable, reference in json.loads(text).items():
        store, _, name = reference.partition(":")
        references[variable] = (store, name)
    return references


def read_parameters(names: list[str]) -> dict[str, str]:
    """{parameter name: decrypted value}, in batches; SecretUnavailable names the missing ones."""
    from lambda_runtime.aws_clients import client

    ssm = client("ssm")
    found: dict[str, str] = {}
    missing: list[str] = []
    for start in range(0, len(names), SSM_BATCH):
        answer = ssm.get_parameters(Names=names[start : start + SSM_BATCH], WithDecryption=True)
        found.update({p["Name"]: p["Value"] for p in answer.get("Parameters", [])})
        missing += answer.get("InvalidParameters", [])
    if missing:
        raise SecretUnavailable(
            f"SSM parameter(s) {', '.join(sorted(missing))} do not exist in this account and region; "
            "create them (`motia secrets set NAME --stage <stage>` for /motia/<app>/<stage>/NAME) and invoke again"
        )
    return found


def read_secret(secret_id: str) -> str:
    from lambda_runtime.aws_clients import client

    sm = client("secretsmanager")
    try:
        answer = sm.get_secret_value(SecretId=secret_id)
    except sm.exceptions.ResourceNotFoundException:
        raise SecretUnavailable(f"Secrets Manager secret {secret_id!r} does not exist in this account and region") from None
    if "SecretString" not in answer:
        raise SecretUnavailable(f"Secrets Manager secret {secret_id!r} holds binary data; store it as a string")
    return str(answer["SecretString"])


def load_secrets(environ: MutableMapping[str, str]) -> int:
    """Put every referenced secret's value into `environ`; returns how many (0: nothing read)."""
    text = environ.get(ENV_SECRETS)
    if not text:
        return 0
    references = parse_references(text)
    parameters = sorted({name for store, name in references.values() if store == "ssm"})
    values = read_parameters(parameters) if parameters else {}
    for variable, (store, name) in sorted(references.items()):
        environ[variable] = values[name] if store == "ssm" else read_secret(name)
    return len(references)
