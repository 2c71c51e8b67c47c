"""The emulator as a whole: start everything in order, stop everything, report what is left."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from compiler.emulator.backend import REGION, Mode, MotoBackend
from compiler.emulator.events import ACCOUNT_ID
from compiler.emulator.deploy import Deployment, deploy
from compiler.emulator.http_server import HttpApi
from compiler.emulator.invoker import Delivery, Invoker
from compiler.emulator.moto_direct import is_direct
from compiler.emulator.moto_runtime import runtime_clients
from compiler.emulator.peek import peek_messages
from compiler.emulator.queues import QueueDepth, QueuePoller
from compiler.emulator.scheduler import Scheduler
from compiler.emulator.secrets import LoadedVariables, provide_environment
from compiler.emulator.static_files import StaticFiles
from compiler.emulator.streams import StreamReader
from compiler.emulator.ws_server import WebSocketServer
from compiler.ir import Application
from compiler.report import plural
from lambda_runtime import aws_clients, local
from lambda_runtime.function_config import FunctionConfig
from lambda_runtime.step_import import ProjectImports, top_level_names


@dataclass(frozen=True)
class EmulatorOptions:
    host: str = "127.0.0.1"
    port: int = 3000  # 0: any free port (tests)
    mode: Mode = "inprocess"
    run_schedules: bool = True  # tests fire cron steps on demand instead
    ws_port: int = 3112  # the stream server's port (Motia's own default); 0: any free port


@dataclass(frozen=True)
class ShutdownReport:
    """What was still in flight and what sits in dead-letter queues when the emulator stopped."""

    queues: tuple[QueueDepth, ...]
    dead_letters: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # queue -> message bodies
    deliveries: int = 0

    @property
    def in_flight(self) -> int:
        return sum(q.pending for q in self.queues)

    def lines(self) -> list[str]:
        out = [f"{plural(self.deliveries, 'delivery', 'deliveries')}; "
               f"{plural(self.in_flight, 'message')} still queued or in flight"]
        for depth in self.queues:
            if depth.pending:
                out.append(f"  in flight  {depth.queue_name}: {depth.pending}")
        for queue, bodies in sorted(self.dead_letters.items()):
            out.append(f"  dead-lettered  {queue}: {len(bodies)}")
            out.extend(f"    {json.dumps(body)[:200]}" for body in bodies[:5])
        return out


def _body(message: dict[str, Any]) -> Any:
    try:
        return json.loads(message.get("Body", ""))
    except ValueError:
        return message.get("Body")


class Emulator:
    """The compiled application running on moto; `start()` then `stop()` (or use `with`)."""

    def __init__(self, app: Application, assembly_dir: Path, options: EmulatorOptions = EmulatorOptions(),
                 on_delivery: Callable[[Delivery], None] | None = None) -> None:
        self.app = app
        self.assembly_dir = assembly_dir
        self.options = options
        self._on_delivery = on_delivery
        self.backend = MotoBackend(options.mode)
        self._stop = threading.Event()
        self.deployment: Deployment | None = None
        self.invoker: Invoker | None = None
        self.http: HttpApi | None = None
        self.pollers: list[QueuePoller] = []
        self.readers: list[StreamReader] = []
        self.scheduler: Scheduler | None = None
        self.ws: WebSocketServer | None = None  # only when the project has streams
        self.static: StaticFiles | None = None  # the project's public/ pages (static_files)
        self._started = False
        self._imports: ProjectImports | None = None
        self._secrets = LoadedVariables(())

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Emulator:
        self.backend.start()
        self._started = True
        try:
            self._start_parts()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_parts(self) -> None:
        self.deployment = deploy(self.backend, self.app, self.assembly_dir, self.app.prefix)
        environments = {site.function_name: site.env for site in self.deployment.functions}
        # Step files run from the project itself, with the developer's installed packages: the
        # code asset holds Linux wheels for Lambda's Python. The asset is uploaded regardless.
        # This project's `steps` package, not one another emulator or compile left in this process.
        self._imports = ProjectImports(self.app.root, top_level_names(fn.file for fn in self.app.functions)).enter()
        local.start_session()
        # .env values, and secrets through the shim from moto, into the process before any step import.
        self._secrets = provide_environment(self.app, environments, self.backend.client)
        functions = local.load_functions(environments, self.app.root)
        if is_direct(self.backend):  # the runtime's stores and publisher skip botocore too
            aws_clients.use_hosted(runtime_clients(ACCOUNT_ID, REGION))
        self.invoker = Invoker(self.deployment, functions, self._on_delivery)
        tables = {t.table_name: t.kind for t in self.app.tables}
        for source in self.deployment.event_sources:
            if source.function_name not in functions:
                continue  # the stream fan-out: the stream server (ws_server) runs it in-process
            if source.kind == "sqs":
                self.pollers.append(QueuePoller(self.backend, source, self.invoker, self._stop))
            else:
                table = source.source_arn.split(":table/", 1)[-1].split("/", 1)[0]
                self.readers.append(StreamReader(self.backend, source, self.invoker, self._stop, tables.get(table, "state")))
        self.scheduler = Scheduler(self.app, self.invoker, self._stop)
        self.static = StaticFiles(Path(self.app.root), lambda: self.ws_url)
        self.http = HttpApi(self.app, self.invoker, self.options.host, self.options.port, static=self.static)
        parts: list[QueuePoller | StreamReader] = [*self.readers, *self.pollers]
        for part in parts:
            part.start()
        if self.options.run_schedules:
            self.scheduler.start()
        self.http.start()
        if self.app.realtime is not None:
            self.ws = WebSocketServer(self.app, self.backend, self.invoker, self.options.host, self.options.ws_port)
            self.ws.start()

    def stop(self) -> ShutdownReport:
        """Stop taking requests, let in-progress invocations end, join every thread, stop moto."""
        if not self._started:
            return ShutdownReport(())
        self._started = False
        report = ShutdownReport(())
        try:
            if self.http is not None:
                self.http.stop()
            if self.ws is not None:
                self.ws.stop()
            self._stop.set()
            parts: list[QueuePoller | StreamReader] = [*self.pollers, *self.readers]
            for part in parts:
                part.join()
            if self.scheduler is not None:
                self.scheduler.join()
            report = self.report()
        finally:
            aws_clients.use_hosted({})
            self._secrets.restore()
            local.end_session()
            if self._imports is not None:
                self._imports.exit()
                self._imports = None
            self.backend.stop()
        return report

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- what tests and `motia dev` ask ------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.http is not None, "start() the emulator first"
        return self.http.url

    @property
    def ws_url(self) -> str | None:
        """`ws://127.0.0.1:<port>`: where Motia's stream clients connect; None without streams."""
        return self.ws.url if self.ws is not None else None

    @property
    def deliveries(self) -> tuple[Delivery, ...]:
        return self.invoker.deliveries if self.invoker else ()

    @property
    def workers(self) -> tuple[object, ...]:
        """Every thread that delivers events: the HTTP API, scheduler, queue pollers, stream readers."""
        return tuple(w for w in (self.http, self.scheduler, *self.pollers, *self.readers) if w is not None)

    def report(self) -> ShutdownReport:
        depths = tuple(p.depth() for p in self.pollers)
        dead = {p.source.queue_name: tuple(_body(m) for m in p.dead_letters()) for p in self.pollers if p.depth().dead_lettered}
        return ShutdownReport(depths, dead, len(self.deliveries))

    def fire_cron(self, step: str) -> Delivery:
        assert self.scheduler is not None, "start() the emulator first"
        return self.scheduler.fire_step(step)

    def dead_letters(self, step: str, topic: str | None = None) -> list[Any]:
        """Bodies in the DLQ of `step`'s subscription (to `topic`, when it has several)."""
        return [_body(m) for p in self._pollers_of(step, topic) for m in p.dead_letters()]

    def trigger_failures(self, step: str) -> list[dict[str, Any]]:
        """Records `step`'s state and stream handlers failed on (not retried, as in Motia)."""
        assert self.deployment is not None, "start() the emulator first"
        site = self.deployment.function(self.app.function(step).function_name)
        config = FunctionConfig.from_environment(site.env, site.function_name)
        sqs = self.backend.client("sqs")
        return [json.loads(m["Body"]) for url in config.failure_queues.values() for m in peek_messages(sqs, url)]

    def _pollers_of(self, step: str, topic: str | None) -> list[QueuePoller]:
        names = {q.queue_name for q in self.app.queues if q.function == step and (topic is None or q.topic == topic)}
        return [p for p in self.pollers if p.source.queue_name in names]

    def idle(self) -> bool:
        """No message queued or in flight (DLQs aside), streams read, no invocation running."""
        if self.invoker is None or self.invoker.busy:
            return False
        if any(not r.caught_up.is_set() for r in self.readers):
            return False
        if self.ws is not None and not self.ws.idle():
            return False
        return all(p.depth().pending == 0 for p in self.pollers) and not self.invoker.busy

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 20.0, interval: float = 0.05) -> bool:
        """Poll `predicate` until it holds; False on timeout (the caller's assertion says what)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return predicate()

    def wait_idle(self, timeout: float = 20.0) -> bool:
        """Until idle twice in a row (a handler may enqueue just as its batch is deleted)."""
        def settled() -> bool:
            if not self.idle():
                return False
            time.sleep(0.1)
            return self.idle()

        return self.wait_until(settled, timeout)
