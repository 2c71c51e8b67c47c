"""`motia dev`: run the compiled application locally on an embedded moto (DESIGN.md 6)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from compiler import ir
from compiler.commands.common import add_project_options, compile_and_report, finish
from lambda_runtime.contract import ENV_LOG_FORMAT

DEFAULT_PORT = 3000
DEFAULT_WS_PORT = 3112  # Motia's own stream server port


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dev",
        help="run the app locally on an embedded AWS emulator (moto)",
        description=(
            "Compile and synthesize the project, deploy the template into an in-process moto "
            "(no AWS account, no Docker), and run it: HTTP routes on 127.0.0.1, queue "
            "subscriptions with their retries and dead-letter queues, state and stream "
            "triggers, and cron schedules, each handler running through the same Lambda shim "
            "as on AWS. Prints the routes, then one line per delivered event (step, trigger, "
            "duration, outcome); Ctrl-C stops it and reports messages still in flight or "
            "dead-lettered. Exit status: 0 stopped cleanly (or --smoke passed), 1 the project "
            "has errors or the smoke run failed, 2 usage error (e.g. the port is taken)."
        ),
    )
    add_project_options(parser)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N",
                        help=f"HTTP port on 127.0.0.1 (default: {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--ws-port", type=int, default=DEFAULT_WS_PORT, metavar="N",
                        help="WebSocket port on 127.0.0.1 for Motia's stream clients, when the project has "
                             f"streams (default: {DEFAULT_WS_PORT}; 0 picks a free one)")
    parser.add_argument("--smoke", action="store_true",
                        help="send a scripted request through the whole flow of examples/orders, "
                             "print what happened at each step, and exit")
    parser.add_argument("--no-cache", action="store_true",
                        help="synthesize afresh instead of reusing the cached assembly of an "
                             "unchanged project")
    parser.set_defaults(run=run, uses_jsii=True)  # see common.finish


def _print_routes(app: ir.Application, url: str, ws_url: str | None = None, page: str | None = None) -> None:
    print(f"motia dev: {app.prefix} on {url}")
    if page is not None:
        print(page)
    if ws_url is not None:
        print(f"  streams {ws_url:<30} -> {', '.join(app.streams)} (Motia's stream clients connect here)")
    for route in app.routes:
        print(f"  {route.method:<7} {url}{route.source_path:<30} -> {route.function}")
    for schedule in app.schedules:
        print(f"  cron    {schedule.source:<30} -> {schedule.function}")
    print("Ctrl-C to stop. Deliveries:", flush=True)


def _print_delivery(delivery: Any) -> None:
    # One write per line, as the handlers' loggers do (motia/log.py): print() writes the text
    # and the newline separately, so a log line of another thread could land between them.
    sys.stdout.write(delivery.line() + "\n")
    sys.stdout.flush()


def _wait_for_interrupt() -> None:
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def synthesize_with_cache(app: ir.Application, out: Path) -> None:
    """The assembly at `out`, reused when the project is unchanged, with a line saying which."""
    from compiler.synth import synthesize_cached

    result = synthesize_cached(app, out, link=True,  # the emulator only reads the assembly
                               on_synth=lambda: print("synthesizing...", flush=True),
                               for_emulator=True)
    if result.reused:
        print(f"assembly of {app.prefix} reused from the cache: the project is unchanged (no synth)",
              flush=True)
    elif result.code_only:
        print(f"assembly of {app.prefix} updated with the changed code (the model is unchanged: no synth)",
              flush=True)


def load_local_environment(app_dir: Path, stage: str) -> None:
    """`.env` and `.env.<stage>` plain values into this process, before any step file is
    imported (compiling imports them), as Motia's `load_dotenv()` does. Secrets come later,
    from the emulator's SSM through the shim (compiler/emulator/secrets.py), as on AWS."""
    from compiler.stage_environment import local_values

    if not app_dir.is_dir():
        return  # compile_and_report says what is wrong
    values = local_values(app_dir, "", stage, os.environ)
    os.environ.update(values)
    if values:
        print(f"environment: {len(values)} value(s) from .env files", flush=True)


def dev_command(args: argparse.Namespace) -> int:
    load_local_environment(Path(args.app_dir), args.stage)
    app = compile_and_report(args, "fix the errors above first")
    from compiler.emulator.app import Emulator, EmulatorOptions
    from compiler.synth import synthesize

    with tempfile.TemporaryDirectory(prefix="motia-dev-") as tmp:
        out = Path(tmp) / "cdk.out"
        if args.no_cache:
            print("synthesizing...", flush=True)
            synthesize(app, out, for_emulator=True)
        else:
            synthesize_with_cache(app, out)
        print("deploying into moto...", flush=True)
        port = 0 if args.smoke else args.port
        ws_port = 0 if args.smoke else args.ws_port
        emulator = Emulator(app, out, EmulatorOptions(port=port, run_schedules=not args.smoke, ws_port=ws_port),
                            on_delivery=_print_delivery)
        emulator.start()  # a taken port, a missing moto, a failed deploy: MotiaErrors for the CLI
        if args.smoke:
            from compiler.emulator.smoke import run_smoke

            try:
                status = run_smoke(emulator)
            finally:
                report = emulator.stop()
            print("\n".join(report.lines()))
            return status
        _print_routes(app, emulator.url, emulator.ws_url, emulator.static.startup_line(emulator.url) if emulator.static else None)
        _wait_for_interrupt()
        print("\nstopping...", flush=True)
        report = emulator.stop()
        print("\n".join(report.lines()))
        return 0


def run(args: argparse.Namespace) -> int:
    # Readable handler logs on a terminal; MOTIA_LOG_FORMAT=json keeps CloudWatch's format.
    os.environ.setdefault(ENV_LOG_FORMAT, "pretty")
    return finish(dev_command(args))
