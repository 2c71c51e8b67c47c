"""The project settings as frozen data (read by `compiler.settings`, carried by the IR).

No imports from the rest of the compiler: `compiler.ir` holds a `Settings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Architecture = Literal["x86_64", "arm64"]
ARCHITECTURES: tuple[str, ...] = ("x86_64", "arm64")
PYTHON_RUNTIMES: tuple[str, ...] = ("3.12", "3.13")


@dataclass(frozen=True)
class Cors:
    """CORS of the HTTP API (API Gateway answers preflight itself)."""

    allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...] = ("*",)
    allow_headers: tuple[str, ...] = ("*",)
    expose_headers: tuple[str, ...] = ()
    allow_credentials: bool = False
    max_age_s: int | None = None


@dataclass(frozen=True)
class CustomDomain:
    name: str  # api.example.com
    certificate_arn: str  # ACM certificate in the stack's region


@dataclass(frozen=True)
class JwtAuth:
    """A JWT authorizer on the HTTP API: every route is guarded unless listed in `public_routes`."""

    issuer: str
    audiences: tuple[str, ...]
    public_routes: tuple[str, ...] = ()  # "METHOD /path" as the step declares it


@dataclass(frozen=True)
class Throttling:
    rate_limit: float  # steady requests per second
    burst_limit: int


@dataclass(frozen=True)
class Vpc:
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    """Everything a project can set; the defaults are the compiler's behaviour without settings."""

    file: str = ""  # where the settings came from, '' when the project has none
    app_name: str | None = None
    region: str | None = None
    architecture: Architecture = "x86_64"
    python: str = "3.12"
    log_retention_days: int = 30
    tags: tuple[tuple[str, str], ...] = ()
    tracing: bool = False
    layers: tuple[str, ...] = ()
    reserved_concurrency: tuple[tuple[str, int], ...] = ()  # (step name, functions)
    cors: Cors | None = None
    domain: CustomDomain | None = None
    jwt: JwtAuth | None = None
    throttling: Throttling | None = None
    vpc: Vpc | None = None
    alarm_topic_arn: str | None = None  # every dead-letter alarm notifies this SNS topic

    def reserved_for(self, step: str) -> int | None:
        return dict(self.reserved_concurrency).get(step)
