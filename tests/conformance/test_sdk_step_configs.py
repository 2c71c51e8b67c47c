"""Each conformance fixture's step and stream configs mean to us what they mean to Motia's own SDK.

The expectations, `step_configs` and `stream_configs` in tests/fixtures/conformance/
sdk_reference.json, were written once by `/work/ref-motia/bin/python
tests/fixtures/conformance/sdk_reference.py`: Motia 1.0.4's
`StepConfig.model_validate(config).model_dump(exclude_none=True)`, both as the user set it
(`set`) and with the SDK's defaults filled in (`full`), and each stream file's
`StreamConfig.model_dump(exclude_none=True)`. Rerun it when a fixture changes.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from compiler.discover import discover_step_files, discover_stream_files
from compiler.load import load_steps
from compiler.load_streams import load_stream_files
from motia._model import snake_case
from motia.config import plain_config

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "conformance"
SDK_REFERENCE = json.loads((FIXTURES / "sdk_reference.json").read_text())
GOLDEN = SDK_REFERENCE["step_configs"]
pytestmark = pytest.mark.slow
# Our AWS extension (1.0.0-rc's `infrastructure`); Motia's StepConfig ignores it as an extra key.
OURS_ONLY = frozenset({"infrastructure"})
# Values that are the user's own data: their keys are kept as written.
USER_DATA = frozenset({"input", "body_schema", "response_schema", "schema", "base_config"})


def _canonical(value: Any, rename: bool = True) -> Any:
    """As the golden file writes values: no None, functions and models by name, and the model
    fields' camelCase aliases in snake_case (never the keys of user data such as a schema)."""
    if isinstance(value, dict):
        return {(snake_case(str(k)) if rename else str(k)): _canonical(v, rename and snake_case(str(k)) not in USER_DATA)
                for k, v in value.items() if v is not None and k not in OURS_ONLY}
    if isinstance(value, (list, tuple)):
        return [_canonical(v, rename) for v in value]
    if inspect.isclass(value) and issubclass(value, BaseModel):
        return f"<model {value.__name__}>"
    if callable(value):
        return f"<callable {value.__name__}>"
    return value


def _within(small: Any, big: Any, where: str = "config") -> list[str]:
    """Where `small` says something `big` does not: missing keys, other values, other lengths."""
    if isinstance(small, dict) and isinstance(big, dict):
        return [p for k in small for p in (_within(small[k], big[k], f"{where}.{k}") if k in big else [f"{where}.{k}: not in the SDK's"])]
    if isinstance(small, list) and isinstance(big, list) and len(small) == len(big):
        return [p for i, (a, b) in enumerate(zip(small, big)) for p in _within(a, b, f"{where}[{i}]")]
    return [] if small == big else [f"{where}: {small!r} != {big!r}"]


def _our_configs(generation: str) -> dict[str, Any]:
    app_dir = FIXTURES / generation
    loaded = load_steps(app_dir, discover_step_files(app_dir))
    assert loaded.diagnostics == ()
    return {s.config["name"] if isinstance(s.config, dict) else s.config.name: _canonical(plain_config(s.config))
            for s in loaded.steps}


@pytest.mark.parametrize("generation", sorted(GOLDEN))
def test_every_step_config_reads_as_motia_1_0_4s_step_config_model_reads_it(generation: str) -> None:
    # Motia 1.0.4 StepConfig: what the user set is all there (set <= ours), and nothing we read,
    # defaults we fill in included, differs from what the SDK's model holds (ours <= full).
    ours = _our_configs(generation)
    assert sorted(ours) == sorted(GOLDEN[generation])
    for name, sdk in GOLDEN[generation].items():
        assert _within(sdk["set"], ours[name]) == [], f"{name}: a setting the SDK reads is lost or differs"
        assert _within(ours[name], sdk["full"]) == [], f"{name}: we read something the SDK does not"


@pytest.mark.parametrize("generation", sorted(GOLDEN))
def test_every_stream_file_reads_as_motia_1_0_4s_stream_config_model_reads_it(generation: str) -> None:
    # Motia 1.0.4 StreamConfig(name, description, schema, base_config, on_join, on_leave), from
    # `*_stream.py` (and the older `*.stream.py`) files: `stream_configs` in sdk_reference.json.
    app_dir = FIXTURES / generation
    loaded = load_stream_files(app_dir, discover_stream_files(app_dir))
    assert loaded.diagnostics == ()
    ours = {s.config.name: _canonical(s.config.model_dump()) for s in loaded.streams}
    assert ours == SDK_REFERENCE["stream_configs"][generation]
