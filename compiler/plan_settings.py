"""The `Settings` section of `motia plan`: what the project's settings change, and what
`motia dev` cannot reproduce locally."""

from __future__ import annotations

from compiler.settings_model import Settings

# What the local emulator honours; every other setting takes effect on AWS only.
EMULATED: frozenset[str] = frozenset({"app_name", "cors", "jwt"})


def setting_values(settings: Settings) -> list[tuple[str, str]]:
    """(setting, value as shown) for each setting the project changes from the default."""
    rows: list[tuple[str, str]] = []
    default = Settings()
    for name in ("app_name", "region", "architecture", "python", "log_retention_days", "tracing", "alarm_topic_arn"):
        value = getattr(settings, name)
        if value != getattr(default, name):
            rows.append((name, str(value)))
    if settings.tags:
        rows.append(("tags", ", ".join(f"{k}={v}" for k, v in settings.tags)))
    if settings.layers:
        rows.append(("layers", ", ".join(settings.layers)))
    if settings.reserved_concurrency:
        rows.append(("reserved_concurrency", ", ".join(f"{k}={v}" for k, v in settings.reserved_concurrency)))
    if settings.cors:
        rows.append(("cors", "origins " + ", ".join(settings.cors.allow_origins)))
    if settings.domain:
        rows.append(("domain", settings.domain.name))
    if settings.jwt:
        public = f"; public: {', '.join(settings.jwt.public_routes)}" if settings.jwt.public_routes else ""
        rows.append(("jwt", f"issuer {settings.jwt.issuer}{public}"))
    if settings.throttling:
        rows.append(("throttling", f"{settings.throttling.rate_limit:g}/s, burst {settings.throttling.burst_limit}"))
    if settings.vpc:
        rows.append(("vpc", f"{len(settings.vpc.subnet_ids)} subnets, {len(settings.vpc.security_group_ids)} security groups"))
    return rows


def settings_section(settings: Settings) -> list[str]:
    """Lines of the section; none for a project without settings."""
    rows = setting_values(settings)
    if not settings.file or not rows:
        return []
    width = max(len(name) for name, _ in rows)
    lines = [f"Settings ({settings.file})"]
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    aws_only = [name for name, _ in rows if name not in EMULATED]
    if aws_only:
        lines.append(f"  motia dev does not emulate: {', '.join(aws_only)} (AWS only)")
    return lines
