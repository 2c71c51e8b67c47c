"""A project whose stage deploys as nested stacks runs on the emulator too: `motia dev` and
`running_app` synthesize it as one flat stack (compiler.stack_layout.synth_layout), since moto
cannot pass the HTTP API into a nested stack. The recorded layout is left as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.plan_bench import write_project
from compiler.emulator.testing import running_app
from compiler.stack_layout import LAYOUT_FILE, record_layout

pytestmark = pytest.mark.slow


def test_a_nested_project_serves_its_routes_and_queues_on_the_emulator(tmp_path: Path) -> None:
    root = tmp_path / "nestedapp"
    root.mkdir()
    write_project(root, 10)  # Step0 and Step5 are HTTP steps (handlers returning None: 204)
    record_layout(root, "nested")
    with running_app(root) as emu:
        status, _ = emu.post_json("/items0/abc", {})
        assert status == 204
        assert emu.wait_idle()
        ran = {(d.step, d.outcome) for d in emu.deliveries}
    assert ("Step0", "204") in ran, ran
    assert json.loads((root / LAYOUT_FILE).read_text())["layout"] == "nested"
