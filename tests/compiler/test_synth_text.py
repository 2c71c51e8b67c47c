"""compiler/synth_text.py: what `motia synth` prints after a synth."""

from __future__ import annotations

from pathlib import Path

from compiler.ir import Application
from compiler.synth import SynthResult
from compiler.synth_text import render_synth_summary


def result(counts: tuple[tuple[str, int], ...]) -> SynthResult:
    out = Path("/work/out")
    return SynthResult(out, "shop-dev", out / "shop-dev.template.json", counts)


def test_a_nested_assembly_says_where_the_steps_are() -> None:
    text = render_synth_summary(Application("shop", "dev", "shop-dev", "/work"),
                                result((("AWS::CloudFormation::Stack", 3), ("AWS::Lambda::Function", 5))))
    assert text.splitlines()[:3] == [
        "Synthesized stack shop-dev (8 resources) into /work/out",
        "  template: /work/out/shop-dev.template.json",
        "  steps in 3 nested stacks (Steps00-Steps31, by step name; docs/scale.md), shared resources in the root",
    ]


def test_a_flat_assembly_says_nothing_of_nesting() -> None:
    text = render_synth_summary(Application("shop", "dev", "shop-dev", "/work"), result((("AWS::Lambda::Function", 5),)))
    assert "nested" not in text
