"""Project settings: `[tool.motia-aws]` in pyproject.toml, stage overrides, every problem at once."""

from __future__ import annotations

import json
from pathlib import Path

from compiler.ir_json import application_to_dict
from compiler.pipeline import compile_project
from compiler.settings import load_settings, merge_stage, parse_settings
from compiler.settings_model import Cors, CustomDomain, JwtAuth, Settings, Throttling, Vpc
from tests.compiler.projects import step_source, write_project

CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc"
LAYER = "arn:aws:lambda:eu-west-1:123456789012:layer:powertools:3"
ALARM_TOPIC = "arn:aws:sns:eu-west-1:123456789012:ops-alerts"
FULL = {
    "app": "shop", "region": "eu-west-1", "architecture": "arm64", "python": "3.13",
    "log_retention_days": 90, "tags": {"team": "payments", "cost-center": "42"}, "tracing": True,
    "layers": [LAYER], "reserved_concurrency": {"CreateOrder": 5},
    "cors": {"allow_origins": ["https://shop.example.com"], "allow_methods": ["GET", "POST"],
             "allow_headers": ["content-type", "authorization"], "allow_credentials": True, "max_age": 600},
    "domain": {"name": "api.example.com", "certificate_arn": CERT},
    "jwt": {"issuer": "https://auth.example.com/", "audiences": ["shop"], "public_routes": ["get /health"]},
    "throttling": {"rate_limit": 50, "burst_limit": 100},
    "vpc": {"subnet_ids": ["subnet-0123456789abcdef0"], "security_group_ids": ["sg-0123456789abcdef0"]},
    "alarm_topic_arn": ALARM_TOPIC,
}


def test_reads_every_setting() -> None:
    settings, problems = parse_settings(FULL, "dev")
    assert problems == []
    assert settings == Settings(
        file="pyproject.toml", app_name="shop", region="eu-west-1", architecture="arm64", python="3.13",
        log_retention_days=90, tags=(("cost-center", "42"), ("team", "payments")), tracing=True,
        layers=(LAYER,), reserved_concurrency=(("CreateOrder", 5),),
        cors=Cors(("https://shop.example.com",), ("GET", "POST"), ("content-type", "authorization"), (), True, 600),
        domain=CustomDomain("api.example.com", CERT),
        jwt=JwtAuth("https://auth.example.com/", ("shop",), ("GET /health",)),
        throttling=Throttling(50.0, 100),
        vpc=Vpc(("subnet-0123456789abcdef0",), ("sg-0123456789abcdef0",)),
        alarm_topic_arn=ALARM_TOPIC,
    )


def test_a_stage_overrides_values_and_merges_tables_key_by_key() -> None:
    table = {"tracing": False, "tags": {"team": "a"}, "cors": {"allow_origins": ["*"], "max_age": 60},
             "stages": {"prod": {"tracing": True, "cors": {"allow_origins": ["https://x.example"]}}}}
    assert merge_stage(table, "prod") == {"tracing": True, "tags": {"team": "a"},
                                          "cors": {"allow_origins": ["https://x.example"], "max_age": 60}}
    prod, _ = parse_settings(table, "prod")
    dev, _ = parse_settings(table, "dev")
    assert (prod.tracing, prod.cors and prod.cors.allow_origins) == (True, ("https://x.example",))
    assert (dev.tracing, dev.cors and dev.cors.allow_origins) == (False, ("*",))


def test_rejects_every_problem_at_once_naming_key_value_and_fix() -> None:
    table = {
        "architecture": "arm65", "regin": "eu-west-1", "log_retention_days": 31,
        "cors": {"allow_origin": ["*"]}, "throttling": {"rate_limit": 0, "burst_limit": 10},
        "stages": {"prod": {"trcing": True}},
    }
    _, problems = parse_settings(table, "dev")
    found = {(p.message, p.hint) for p in problems}
    assert ("[tool.motia-aws] architecture = 'arm65': expected one of x86_64, arm64",
            "set architecture to one of x86_64, arm64") in found
    assert ("[tool.motia-aws] unknown key 'regin'", "did you mean 'region'?") in found
    assert ("[tool.motia-aws.cors] unknown key 'allow_origin'", "did you mean 'allow_origins'?") in found
    assert ("[tool.motia-aws.stages.prod] unknown key 'trcing'", "did you mean 'tracing'?") in found
    messages = " | ".join(p.message for p in problems)
    assert "log_retention_days = 31" in messages and "allow_origins is missing" in messages
    assert "rate_limit = 0: expected a number above 0" in messages
    assert len(problems) == 7 and all(p.file == "pyproject.toml" and p.severity == "error" for p in problems)


def test_rejects_credentials_with_a_wildcard_origin() -> None:
    _, problems = parse_settings({"cors": {"allow_origins": ["*"], "allow_credentials": True}}, "dev")
    assert [p.message for p in problems] == ["[tool.motia-aws.cors] allow_credentials = true with allow_origins = ['*']"]


def test_rejects_malformed_arns_ids_and_routes() -> None:
    table = {"layers": ["powertools"], "domain": {"name": "API", "certificate_arn": "cert"},
             "vpc": {"subnet_ids": ["subnet-1"], "security_group_ids": []},
             "jwt": {"issuer": "http://auth", "audiences": ["a"], "public_routes": ["/health"]},
             "tags": {"aws:x": "1"}, "reserved_concurrency": {"A": -1}, "alarm_topic_arn": "ops-alerts"}
    _, problems = parse_settings(table, "dev")
    keys = sorted(p.message.split("=")[0].strip() for p in problems)
    assert keys == ["[tool.motia-aws.domain] certificate_arn", "[tool.motia-aws.domain] name",
                    "[tool.motia-aws.jwt] issuer", "[tool.motia-aws.jwt] public_routes",
                    "[tool.motia-aws.vpc] security_group_ids", "[tool.motia-aws.vpc] subnet_ids",
                    "[tool.motia-aws] alarm_topic_arn", "[tool.motia-aws] layers",
                    "[tool.motia-aws] reserved_concurrency", "[tool.motia-aws] tags"]


def test_a_project_without_settings_gets_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path, "dev") == (Settings(), [])
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert load_settings(tmp_path, "dev") == (Settings(), [])


def test_rejects_a_pyproject_that_is_not_toml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.motia-aws\n")
    settings, problems = load_settings(tmp_path, "dev")
    assert settings == Settings() and len(problems) == 1
    assert problems[0].message.startswith("cannot read pyproject.toml")


PROJECT = {
    "steps/a_step.py": step_source('{"name": "Api", "triggers": [http("GET", "/orders/:id")]}'),
}


def test_settings_reach_the_ir_and_the_json(tmp_path: Path) -> None:
    write_project(tmp_path, {**PROJECT, "pyproject.toml": (
        '[tool.motia-aws]\napp = "shop"\ntracing = true\n'
        '[tool.motia-aws.jwt]\nissuer = "https://a.example"\naudiences = ["x"]\npublic_routes = ["GET /orders/:id"]\n'
        '[tool.motia-aws.stages.prod]\narchitecture = "arm64"\n')})
    app = compile_project(tmp_path, stage="prod")
    assert app.errors == ()
    assert (app.name, app.settings.tracing, app.settings.architecture) == ("shop", True, "arm64")
    data = json.loads(json.dumps(application_to_dict(app)))
    assert data["settings"]["jwt"]["public_routes"] == ["GET /orders/:id"]


def test_a_project_without_settings_keeps_its_json(tmp_path: Path) -> None:
    write_project(tmp_path, PROJECT)
    assert "settings" not in application_to_dict(compile_project(tmp_path))


def test_rejects_settings_naming_steps_or_routes_the_project_lacks(tmp_path: Path) -> None:
    write_project(tmp_path, {**PROJECT, "pyproject.toml": (
        '[tool.motia-aws.reserved_concurrency]\nApl = 3\n'
        '[tool.motia-aws.jwt]\nissuer = "https://a.example"\naudiences = ["x"]\npublic_routes = ["GET /order/:id"]\n')})
    problems = {(d.message, d.hint) for d in compile_project(tmp_path).errors}
    assert problems == {
        ("[tool.motia-aws.reserved_concurrency] names step 'Apl', which the project does not have",
         "did you mean 'Api'?"),
        ("[tool.motia-aws.jwt] public_routes names 'GET /order/:id', which no step serves",
         "did you mean 'GET /orders/:id'?"),
    }


def test_rejects_more_layers_than_lambda_allows() -> None:
    _, problems = parse_settings({"layers": [LAYER] * 6}, "dev")
    assert [p.message.split(": ", 1)[1] for p in problems] == ["expected at most 5 entries (AWS's limit per function)"]
