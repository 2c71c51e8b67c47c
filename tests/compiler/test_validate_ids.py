"""Names that fold to one CDK construct id are refused before synthesis."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import ir
from compiler.naming import construct_id_part
from tests.compiler.test_validate import compile_steps, messages


def errors_of(app: ir.Application) -> list[tuple[str, str, str]]:
    return [(d.file, d.step, d.message) for d in app.errors]


def test_rejects_steps_whose_names_differ_only_in_folded_characters(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "a b", "triggers": []}', b='{"name": "a_b", "triggers": []}')
    message = "steps 'a b' (steps/a_step.py) and 'a_b' (steps/b_step.py) get the same construct id 'Step-a_b'"
    assert errors_of(app) == [("steps/a_step.py", "a b", message), ("steps/b_step.py", "a_b", message)]
    assert all("rename one" in d.hint for d in app.errors)
    assert app.functions == ()


def test_rejects_topics_whose_names_differ_only_in_folded_characters(tmp_path: Path) -> None:
    app = compile_steps(
        tmp_path,
        a='{"name": "A", "triggers": [queue("order created")], "enqueues": ["order/created"]}',
        b='{"name": "B", "triggers": [queue("order/created")], "enqueues": ["order created"]}',
    )
    assert "topics 'order created' and 'order/created' get the same construct id 'Topic-order_created'" in messages(app)


def test_rejects_one_step_subscribing_to_two_topics_that_fold_alike(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "A", "triggers": [queue("x y"), queue("x,y")], "enqueues": ["x y", "x,y"]}')
    assert "queue() triggers on topics 'x y' and 'x,y' get the same construct id in this step" in messages(app)


def test_rejects_stream_triggers_that_fold_alike(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "A", "triggers": [stream("s", group_id="a b"), stream("s", group_id="a_b")]}')
    assert "stream() triggers 's/a b/*' and 's/a_b/*' get the same construct id in this step" in messages(app)


def test_accepts_names_that_differ_in_characters_construct_ids_keep(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "a.b", "triggers": []}', b='{"name": "a_b", "triggers": []}')
    assert not [m for m in messages(app) if "construct id" in m]


@pytest.mark.slow
def test_folds_names_exactly_as_the_emitter_does() -> None:
    from compiler.emit.parts import construct_id  # loads aws_cdk: seconds

    for name in ("a b", "a_b", "a.b:c@d+e=f-g", "é/ü\t${x}", "order.created", ""):
        assert construct_id("Step", name) == f"Step-{construct_id_part(name)}"
