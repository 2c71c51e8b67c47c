"""The Settings section of `motia plan`."""

from __future__ import annotations

from compiler.plan_settings import settings_section
from compiler.settings import parse_settings
from compiler.settings_model import Settings


def test_a_project_without_settings_has_no_section() -> None:
    assert settings_section(Settings()) == []


def test_shows_what_changes_and_names_what_motia_dev_cannot_emulate() -> None:
    settings, _ = parse_settings({"architecture": "arm64", "tags": {"team": "a"},
                                  "cors": {"allow_origins": ["https://x.example"]}}, "dev")
    assert settings_section(settings) == [
        "Settings (pyproject.toml)",
        "  architecture  arm64",
        "  tags          team=a",
        "  cors          origins https://x.example",
        "  motia dev does not emulate: architecture, tags (AWS only)",
    ]
