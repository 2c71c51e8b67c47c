"""Hand-built applications covering every IR type, for emitter and synth tests.

The step files they name are written by `write_project`, so the code asset can be built
from a real directory without going through the compile pipeline.
"""

from __future__ import annotations

from pathlib import Path

from compiler.ir import (
    Application,
    Function,
    QueueSubscription,
    Route,
    Schedule,
    StateTrigger,
    StreamTrigger,
    Table,
    Topic,
)

PREFIX = "shop-test"

STEP_SOURCE = '''from motia import step

config = {"name": "%s"}


async def handler(*args):
    return None
'''


def _fn(name: str, triggers: tuple, enqueues: tuple[str, ...] = (), **extra: object) -> Function:
    return Function(
        name=name,
        function_name=f"{PREFIX}-{name}",
        file=f"steps/{name.replace('-', '_')}_step.py",
        memory_mb=256,
        timeout_s=10,
        triggers=triggers,
        enqueues=enqueues,
        **extra,  # type: ignore[arg-type]
    )


def every_kind(root: Path) -> Application:
    """One of everything: HTTP, standard + FIFO topics and queues, cron, state, stream."""
    functions = (
        _fn("create-order", ("http",), ("order.created", "payment.requested"),
            flows=("orders",), include_files=("steps/data/prices.json",)),
        _fn("ship-order", ("queue",), (), flows=("orders", "shipping")),
        _fn("charge-payment", ("queue",), ()),
        _fn("nightly-report", ("cron",), ("order.created",)),
        _fn("audit-state", ("state",)),
        _fn("watch-orders", ("stream",)),
        _fn("get-order", ("http",)),
    )
    return Application(
        name="shop",
        stage="test",
        prefix=PREFIX,
        root=str(root),
        functions=tuple(sorted(functions, key=lambda f: f.name)),
        routes=(
            Route("GET", "/orders/{id}", "/orders/:id", "get-order"),
            Route("POST", "/orders", "/orders", "create-order"),
        ),
        topics=(
            Topic("order.created", False, f"{PREFIX}-order-created",
                  ("create-order", "nightly-report"), ("ship-order",)),
            Topic("payment.requested", True, f"{PREFIX}-payment-requested.fifo",
                  ("create-order",), ("charge-payment",)),
        ),
        queues=(
            QueueSubscription("payment.requested", "charge-payment",
                              f"{PREFIX}-charge-payment-payment-requested.fifo", True,
                              f"{PREFIX}-charge-payment-payment-requested-dlq.fifo", 5, 60, 0,
                              backoff_ms=500, max_concurrency=2, reserved_concurrency=1),
            QueueSubscription("order.created", "ship-order", f"{PREFIX}-ship-order-order-created",
                              False, f"{PREFIX}-ship-order-order-created-dlq", 3, 60, 5, max_concurrency=5),
        ),
        schedules=(
            Schedule("nightly-report", "0 2 * * *", "cron(0 2 * * ? *)",
                     f"{PREFIX}-nightly-report-0"),
        ),
        state_triggers=(StateTrigger("audit-state"),),
        stream_triggers=(StreamTrigger("watch-orders", "orders", "open", None),),
        tables=(Table("state", f"{PREFIX}-state"), Table("streams", f"{PREFIX}-streams")),
        streams=("orders",),
    )


def write_project(root: Path, app: Application) -> Path:
    """Write the step files and include files `app` names under `root`; return `root`."""
    for fn in app.functions:
        path = root / fn.file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(STEP_SOURCE % fn.name)
        for include in fn.include_files:
            (root / include).parent.mkdir(parents=True, exist_ok=True)
            (root / include).write_text('{"widget": 3}\n')
    return root
