"""compiler/data_access.py: which tables a step's code reads or writes, never less than it uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.data_access import EVERYTHING, READ, WRITE, Usage, file_usage, function_access
from compiler.pipeline import compile_project
from tests.conftest import EXAMPLES

HEADER = "from motia import Stream\n\n"


def usage_of(tmp_path: Path, source: str, **modules: str) -> Usage:
    """Usage of a step file `steps/a_step.py` holding `source`, with helper modules beside it."""
    steps = tmp_path / "steps"
    steps.mkdir(exist_ok=True)
    for name, text in modules.items():
        (steps / f"{name}.py").write_text(text)
    (steps / "a_step.py").write_text(HEADER + source)
    return file_usage(steps / "a_step.py", tmp_path)


@pytest.mark.parametrize(("source", "expected"), [
    ("async def handler(i, ctx):\n    ctx.logger.info('x')\n", Usage()),
    ("async def handler(i, ctx):\n    await ctx.state.get('g', 'k')\n", Usage(state=READ)),
    ("async def handler(i, ctx):\n    await ctx.state.list('g')\n    await ctx.state.get_group('g')\n", Usage(state=READ)),
    ("async def handler(i, ctx):\n    await ctx.state.get('g', 'k')\n    await ctx.state.set('g', 'k', 1)\n", Usage(state=WRITE)),
    ("async def handler(i, ctx):\n    await ctx.state.clear('g')\n", Usage(state=WRITE)),
    ("async def handler(i, ctx):\n    await ctx.state.some_new_method('g')\n", Usage(state=WRITE)),
    ("async def handler(i, ctx):\n    s = ctx.state\n    await s.get('g', 'k')\n", Usage(state=WRITE)),  # handed on
    ("async def handler(i, ctx):\n    await ctx.streams.orders.get('g', 'i')\n", Usage(streams=READ)),
    ("async def handler(i, ctx):\n    await ctx.streams.orders.delete('g', 'i')\n", Usage(streams=WRITE)),
    ("orders = Stream('orders')\nasync def handler(i, ctx):\n    await orders.list('g')\n", Usage(streams=READ)),
    ("orders: Stream = Stream('orders')\nasync def handler(i, ctx):\n    await orders.update('g', 'i', [])\n", Usage(streams=WRITE)),
    ("orders = Stream('orders')\nasync def handler(i, ctx):\n    await helper(orders)\n", Usage(streams=WRITE)),
    ("orders = Stream('orders')\n", Usage()),  # declared, never used
    ("from motia import Stream as S\norders = S('orders')\nasync def h(i, ctx):\n    await orders.set('g', 'i', 1)\n",
     Usage(streams=WRITE)),
    ("import motia\nasync def h(i, ctx):\n    await motia.stateManager.get('g', 'k')\n", Usage(state=WRITE)),
    ("async def h(i, ctx):\n    await Stream('orders').get('g', 'i')\n", Usage(streams=WRITE)),
    ("from motia import stateManager as sm\nasync def h(i, ctx):\n    await sm.get('g', 'k')\n", Usage(state=WRITE)),
    ("async def handler(i, ctx):\n    await getattr(ctx, 'sta' + 'te').get('g', 'k')\n", EVERYTHING),
])
def test_usage_of_a_step_file(tmp_path: Path, source: str, expected: Usage) -> None:
    assert usage_of(tmp_path, source) == expected


def test_helpers_the_step_imports_count_relative_or_absolute(tmp_path: Path) -> None:
    helper = "async def save(ctx):\n    await ctx.state.set('g', 'k', 1)\n"
    relative = usage_of(tmp_path, "from .helper import save\n", helper=helper)
    absolute = usage_of(tmp_path, "from steps.helper import save\n", helper=helper)
    assert relative == absolute == Usage(state=WRITE)


def test_a_relative_import_it_cannot_find_means_read_and_write(tmp_path: Path) -> None:
    assert usage_of(tmp_path, "from .missing import save\n") == EVERYTHING


def test_a_file_it_cannot_parse_means_read_and_write(tmp_path: Path) -> None:
    assert usage_of(tmp_path, "def broken(:\n") == EVERYTHING


@pytest.mark.parametrize(("declaration", "expected"), [
    ('{"state": "read"}', Usage(state=READ)),
    ('{"streams": "readwrite", "state": "none"}', Usage(streams=WRITE)),
    ('{"state": "write"}', EVERYTHING),  # not a level: assume the worst
    ('dict(state="read")', EVERYTHING),  # not a literal
])
def test_a_declaration_adds_what_the_analysis_cannot_see(tmp_path: Path, declaration: str, expected: Usage) -> None:
    assert usage_of(tmp_path, f"MOTIA_DATA_ACCESS = {declaration}\n") == expected


def test_ir_form_lists_used_tables_only() -> None:
    assert function_access(Usage()) == ()
    assert function_access(Usage(state=READ, streams=WRITE)) == (("state", "read"), ("streams", "readwrite"))


def test_orders_example_steps_get_what_they_use() -> None:
    access = {fn.name: fn.data_access for fn in compile_project(EXAMPLES / "orders").functions}
    assert access["GetOrder"] == (("state", "read"),)
    assert access["DailyReport"] == (("state", "read"),)
    assert access["FulfillOrder"] == (("state", "readwrite"),)
    assert access["CreateOrder"] == (("state", "readwrite"), ("streams", "readwrite"))
    assert access["SendConfirmation"] == access["AuditOrderState"] == ()
