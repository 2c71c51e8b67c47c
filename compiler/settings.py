"""Project settings: `[tool.motia-aws]` in the project's pyproject.toml, per-stage overrides.

pyproject.toml is the file a Python project already has and already tools (`[tool.ruff]`,
`[tool.pytest]`): no new file to discover, read with the stdlib's tomllib. A stage overrides
the base under `[tool.motia-aws.stages.<stage>]`; tables merge key by key, lists replace.
Every problem is reported at once (file, key, value, fix); a project without settings gets
`Settings()`, whose defaults are exactly what the compiler emitted before settings existed.
Room is left for `permissions` and `secrets` tables (not read here yet).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any, Callable

from compiler.ir import Application, Diagnostic
from compiler.settings_model import ARCHITECTURES, PYTHON_RUNTIMES, Cors, CustomDomain, JwtAuth, Settings, Throttling, Vpc

__all__ = [
    "Cors", "CustomDomain", "JwtAuth", "Settings", "SETTINGS_FILE", "Throttling", "Vpc",
    "load_settings", "merge_stage", "parse_settings",
]

SETTINGS_FILE = "pyproject.toml"
TABLE = "tool.motia-aws"
# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)
HTTP_METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "*")
_LAYER_ARN = re.compile(r"arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:layer:[\w-]+:\d+")
_SNS_ARN = re.compile(r"arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+(\.fifo)?")
_CERT_ARN = re.compile(r"arn:aws[\w-]*:acm:[a-z0-9-]+:\d{12}:certificate/[\w-]+")
_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d")
_SUBNET = re.compile(r"subnet-[0-9a-f]{8,17}")
_SECURITY_GROUP = re.compile(r"sg-[0-9a-f]{8,17}")
_TAG_KEY = re.compile(r"[\w .:/=+\-@]{1,128}")
_APP_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,39}")


# --- validation: each reader returns the value, or raises _Invalid with what to do -------

class _Invalid(Exception):
    def __init__(self, expected: str, fix: str = "") -> None:
        super().__init__(expected)
        self.expected = expected
        self.fix = fix


def _string(pattern: re.Pattern[str] | None = None, what: str = "a string", fix: str = "") -> Callable[[Any], str]:
    def read(value: Any) -> str:
        if not isinstance(value, str) or not value or (pattern and not pattern.fullmatch(value)):
            raise _Invalid(what, fix)
        return value
    return read


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        if value not in options:
            raise _Invalid(f"one of {', '.join(options)}")
        return str(value)
    return read


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("true or false")
    return value


def _integer(low: int, high: int) -> Callable[[Any], int]:
    def read(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _Invalid(f"a whole number from {low} to {high}")
        return value
    return read


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise _Invalid("a number above 0")
    return float(value)


def _retention(value: Any) -> int:
    if value not in LOG_RETENTION_DAYS or isinstance(value, bool):
        raise _Invalid("a retention CloudWatch Logs offers", f"use one of {', '.join(map(str, LOG_RETENTION_DAYS))}")
    return int(value)


def _strings(item: Callable[[Any], str], *, empty: bool = False) -> Callable[[Any], tuple[str, ...]]:
    def read(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or (not value and not empty):
            raise _Invalid("a non-empty list of strings" if not empty else "a list of strings")
        return tuple(item(v) for v in value)
    return read


def _route(value: Any) -> str:
    method, _, path = str(value).partition(" ")
    if not isinstance(value, str) or method.upper() not in HTTP_METHODS or not path.startswith("/"):
        raise _Invalid('a route "METHOD /path"', 'write it as the step declares it, e.g. "GET /health"')
    return f"{method.upper()} {path}"


def _tags(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) and len(v) <= 256 for v in value.values()):
        raise _Invalid("a table of tag = \"value\" (values of at most 256 characters)")
    for key in value:
        if not _TAG_KEY.fullmatch(key) or key.lower().startswith("aws:"):
            raise _Invalid(f"tag keys of 1-128 letters, digits, spaces or _.:/=+-@, not starting with aws: (got {key!r})")
    return tuple(sorted(value.items()))


def _concurrency(value: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, dict) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 1000 for n in value.values()):
        raise _Invalid('a table of "step name" = functions (0 to 1000)')
    return tuple(sorted(value.items()))


Reader = Callable[[Any], Any]


def _at_most(limit: int, read: Callable[[Any], tuple[str, ...]]) -> Callable[[Any], tuple[str, ...]]:
    def checked(value: Any) -> tuple[str, ...]:
        items = read(value)
        if len(items) > limit:
            raise _Invalid(f"at most {limit} entries (AWS's limit per function)")
        return items
    return checked


_STRING = _string()
_URL = _string(re.compile(r"https://\S+"), "an https:// URL")

TOP_LEVEL: dict[str, Reader] = {
    "app": _string(_APP_NAME, "a name of letters, digits and -, starting with a letter (at most 40)"),
    "region": _string(_REGION, "an AWS region such as eu-west-1"),
    "architecture": _choice(ARCHITECTURES),
    "python": _choice(PYTHON_RUNTIMES),
    "log_retention_days": _retention,
    "tags": _tags,
    "tracing": _boolean,
    "layers": _at_most(5, _strings(_string(
        _LAYER_ARN, "a layer version ARN arn:aws:lambda:<region>:<account>:layer:<name>:<version>"), empty=True)),
    "reserved_concurrency": _concurrency,
    "alarm_topic_arn": _string(_SNS_ARN, "an SNS topic ARN arn:aws:sns:<region>:<account>:<name>"),
}
SECTIONS: dict[str, dict[str, Reader]] = {
    "cors": {
        "allow_origins": _strings(_STRING), "allow_methods": _strings(_choice(HTTP_METHODS)),
        "allow_headers": _strings(_STRING), "expose_headers": _strings(_STRING, empty=True),
        "allow_credentials": _boolean, "max_age": _integer(0, 86400),
    },
    "domain": {
        "name": _string(_DOMAIN, "a lower-case domain name such as api.example.com"),
        "certificate_arn": _string(_CERT_ARN, "an ACM certificate ARN arn:aws:acm:<region>:<account>:certificate/<id>"),
    },
    "jwt": {"issuer": _URL, "audiences": _strings(_STRING), "public_routes": _strings(_route, empty=True)},
    "throttling": {"rate_limit": _number, "burst_limit": _integer(1, 5000)},
    "vpc": {
        "subnet_ids": _strings(_string(_SUBNET, "a subnet id subnet-...")),
        "security_group_ids": _strings(_string(_SECURITY_GROUP, "a security group id sg-...")),
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "cors": ("allow_origins",), "domain": ("name", "certificate_arn"), "jwt": ("issuer", "audiences"),
    "throttling": ("rate_limit", "burst_limit"), "vpc": ("subnet_ids", "security_group_ids"),
}
KNOWN_KEYS: tuple[str, ...] = (*TOP_LEVEL, *SECTIONS, "stages")


def _unknown(file: str, where: str, key: str, known: tuple[str, ...]) -> Diagnostic:
    close = difflib.get_close_matches(key, known, n=1)
    fix = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(sorted(known))}"
    return Diagnostic("error", file, "", f"[{where}] unknown key {key!r}", fix)


def _read(file: str, where: str, readers: dict[str, Reader], table: dict[str, Any],
          skip: tuple[str, ...] = ()) -> tuple[dict[str, Any], list[Diagnostic]]:
    values: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for key, value in sorted(table.items()):
        if key in skip:
            continue
        if key not in readers:
            problems.append(_unknown(file, where, key, (*readers, *skip)))
            continue
        try:
            values[key] = readers[key](value)
        except _Invalid as error:
            problems.append(Diagnostic("error", file, "", f"[{where}] {key} = {value!r}: expected {error.expected}",
                                       error.fix or f"set {key} to {error.expected}"))
    return values, problems


def merge_stage(base: dict[str, Any], stage: str) -> dict[str, Any]:
    """The base table with `stages.<stage>` laid over it: sub-tables merge, other values replace."""
    override = base.get("stages", {}).get(stage, {}) if isinstance(base.get("stages"), dict) else {}
    merged = {k: v for k, v in base.items() if k != "stages"}
    for key, value in (override.items() if isinstance(override, dict) else ()):
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _section(file: str, where: str, name: str, table: Any) -> tuple[Any, list[Diagnostic]]:
    if not isinstance(table, dict):
        return None, [Diagnostic("error", file, "", f"[{where}] {name} = {table!r}: expected a table",
                                 f"write it as [{where}.{name}]")]
    values, problems = _read(file, f"{where}.{name}", SECTIONS[name], table)
    missing = [k for k in REQUIRED[name] if k not in table]
    problems += [Diagnostic("error", file, "", f"[{where}.{name}] {k} is missing", f"add {k} = ... to [{where}.{name}]")
                 for k in missing]
    if problems:
        return None, problems
    return _BUILDERS[name](values), []


_BUILDERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "cors": lambda v: Cors(v["allow_origins"], v.get("allow_methods", ("*",)), v.get("allow_headers", ("*",)),
                           v.get("expose_headers", ()), v.get("allow_credentials", False), v.get("max_age")),
    "domain": lambda v: CustomDomain(v["name"], v["certificate_arn"]),
    "jwt": lambda v: JwtAuth(v["issuer"], v["audiences"], tuple(sorted(v.get("public_routes", ())))),
    "throttling": lambda v: Throttling(v["rate_limit"], v["burst_limit"]),
    "vpc": lambda v: Vpc(v["subnet_ids"], v["security_group_ids"]),
}
_FIELD_OF = {"app": "app_name"}


def _cross_checks(file: str, settings: Settings) -> list[Diagnostic]:
    problems = []
    if settings.cors and settings.cors.allow_credentials and "*" in settings.cors.allow_origins:
        problems.append(Diagnostic("error", file, "", f"[{TABLE}.cors] allow_credentials = true with allow_origins = ['*']",
                                   "browsers refuse credentials from a wildcard origin: list the origins"))
    return problems


def parse_settings(table: dict[str, Any], stage: str, file: str = SETTINGS_FILE) -> tuple[Settings, list[Diagnostic]]:
    """`[tool.motia-aws]` as parsed TOML -> the settings of `stage`, and every problem found."""
    problems: list[Diagnostic] = []
    stages = table.get("stages", {})
    if not isinstance(stages, dict):
        problems.append(Diagnostic("error", file, "", f"[{TABLE}] stages = {stages!r}: expected a table",
                                   f"write overrides as [{TABLE}.stages.<stage>]"))
    else:
        for name, override in sorted(stages.items()):
            # Unknown keys of the other stages too: a typo should not wait for that stage's deploy.
            if isinstance(override, dict) and name != stage:
                problems += [_unknown(file, f"{TABLE}.stages.{name}", k, KNOWN_KEYS[:-1])
                             for k in sorted(override) if k not in KNOWN_KEYS]
    merged = merge_stage(table, stage) if isinstance(stages, dict) else table
    where = TABLE
    values, found = _read(file, where, TOP_LEVEL, merged, skip=(*SECTIONS, "stages"))
    problems += found
    fields: dict[str, Any] = {_FIELD_OF.get(k, k): v for k, v in values.items()}
    for name in SECTIONS:
        if name in merged:
            value, found = _section(file, where, name, merged[name])
            problems += found
            fields[name] = value
    settings = Settings(file=file, **fields)
    problems += _cross_checks(file, settings)
    return settings, problems


def load_settings(app_dir: Path, stage: str) -> tuple[Settings, list[Diagnostic]]:
    """The settings of `stage` from `app_dir/pyproject.toml`; `Settings()` when there are none."""
    path = app_dir / SETTINGS_FILE
    if not path.is_file():
        return Settings(), []
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        return Settings(), [Diagnostic("error", SETTINGS_FILE, "", f"cannot read {SETTINGS_FILE}: {error}",
                                       "fix the TOML syntax at the position named")]
    table = document.get("tool", {}).get("motia-aws")
    if table is None:
        return Settings(), []
    if not isinstance(table, dict):
        return Settings(), [Diagnostic("error", SETTINGS_FILE, "", f"[tool] motia-aws = {table!r}: expected a table",
                                       f"write settings under [{TABLE}]")]
    return parse_settings(table, stage)


def settings_problems(app: Application, settings: Settings) -> list[Diagnostic]:
    """Settings that name steps or routes the project does not have."""
    steps = {fn.name for fn in app.functions}
    routes = {f"{r.method} {r.source_path}" for r in app.routes} | {f"{r.method} {r.path}" for r in app.routes}
    problems = [
        Diagnostic("error", settings.file, step, f"[{TABLE}.reserved_concurrency] names step {step!r}, "
                   "which the project does not have", _closest(step, steps, "step names"))
        for step, _ in settings.reserved_concurrency if step not in steps
    ]
    if settings.jwt:
        problems += [
            Diagnostic("error", settings.file, "", f"[{TABLE}.jwt] public_routes names {route!r}, which no step serves",
                       _closest(route, routes, "routes"))
            for route in settings.jwt.public_routes if route not in routes
        ]
    return problems


def _closest(value: str, known: set[str], what: str) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else f"the project's {what}: {', '.join(sorted(known)) or 'none'}"
