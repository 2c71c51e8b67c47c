"""A large nested project synthesized by two processes at once.

Building the constructs is a conversation between Python and Node (jsii), one call at a time,
so one process keeps about one core busy: at 300 steps, 3 s of it. When a nested project is
large and the machine has two cores, its buckets are shared out (`partition`): this process
and a helper (`python -m compiler.synth_helper`) each build the shared resources, every
nested stack, and the steps of their own buckets only; the other buckets' stacks stay empty
(`compiler.emit.nesting`). `compiler.assembly_merge` then takes the helper's buckets into this
process's assembly, which becomes the one a single process writes (tests compare them byte
for byte).

Never split: a flat project, `--validate` (CDK's validator checks each template as Node
writes it), a project with motia_aws_stack.py (its hook sees the whole stack), one core, or
fewer than `MIN_STEPS` steps (the helper's own start-up, about a second of CPU, would cost
more than it saves). `MOTIA_SYNTH_PROCESSES=1` never splits; `=2` splits whenever the layout
allows, whatever the size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Mapping

from compiler.assembly_cache import CUSTOMIZE_HOOK_FILE
from compiler.errors import MotiaError, SplitSynthError, UsageError
from compiler.ir import Application
from compiler.stack_layout import RESOURCES_PER_ROW, Layout, bucket_of, step_of

__all__ = ["ENV_PROCESSES", "Helper", "MIN_STEPS", "Running", "Split", "begin", "claim", "discard", "finish_helper", "partition",
           "prestarted", "send_request", "split_of", "start_helper", "stop_helper"]

ENV_PROCESSES = "MOTIA_SYNTH_PROCESSES"
MIN_STEPS = 60
HELPER_DIR = "motia-helper-assembly"  # inside the assembly being written, removed after the merge
REQUEST_FILE = "request.pickle"
HELPER_MODULE = "compiler.synth_helper"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # where `compiler` is imported from
# The fields holding one step's rows (`stack_layout.step_of`), weighed by RESOURCES_PER_ROW.
STEP_FIELDS = ("functions", "routes", "queues", "schedules", "state_triggers", "stream_triggers")
FIX = f"set {ENV_PROCESSES}=1 to synthesize in one process, and please report this"


@dataclass(frozen=True)
class Split:
    """The buckets whose steps each process builds."""

    main: frozenset[int]
    helper: frozenset[int]


@dataclass(frozen=True)
class Helper:
    """A helper process: started early, it loads aws_cdk, then waits for its request on stdin."""

    process: subprocess.Popen[bytes]
    stderr: IO[bytes]


@dataclass(frozen=True)
class Running:
    """A helper building its buckets into `out_dir`."""

    helper: Helper
    out_dir: Path
    split: Split


# The helper `prestarted` started for this process's synth, until `synthesize_into` claims it.
_prestarted: list[Helper] = []


def processes_setting(environ: Mapping[str, str]) -> int | None:
    """`MOTIA_SYNTH_PROCESSES` as 1 or 2; None when unset."""
    value = environ.get(ENV_PROCESSES, "").strip()
    if not value:
        return None
    if value not in ("1", "2"):
        raise UsageError(f"{ENV_PROCESSES} is {value!r}; set it to 1 (one process) or 2 (split a large "
                         "nested project between two processes), or unset it (decided by size)")
    return int(value)


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def split_of(app: Application, layout: Layout, *, validate: bool, processes: int | None, cpus: int) -> Split | None:
    """How the synth of `app` is shared out; None: one process (module docstring)."""
    if layout != "nested" or validate or processes == 1 or (Path(app.root) / CUSTOMIZE_HOOK_FILE).is_file():
        return None
    if processes is None and (cpus < 2 or len(app.functions) < MIN_STEPS):
        return None
    return partition(app)


def partition(app: Application) -> Split | None:
    """The used buckets in two groups of about the same estimated resources, this process's
    holding the first function's bucket (the code asset is named after the first function to
    use it). None when one bucket holds every step."""
    weights: Counter[int] = Counter()
    for field_name in STEP_FIELDS:
        for item in getattr(app, field_name):
            weights[bucket_of(step_of(item) or "")] += RESOURCES_PER_ROW[field_name]
    if len(weights) < 2:
        return None
    first = bucket_of(app.functions[0].name)
    groups: tuple[set[int], set[int]] = ({first}, set())  # (this process's, the helper's)
    loads = [weights[first], 0]
    for bucket in sorted(weights, key=lambda b: (-weights[b], b)):  # largest first, to the lighter group
        if bucket != first:
            lighter = 0 if loads[0] <= loads[1] else 1
            groups[lighter].add(bucket)
            loads[lighter] += weights[bucket]
    main, helper = groups
    return Split(frozenset(main), frozenset(helper))


@contextmanager
def prestarted(app_dir: Path, environ: Mapping[str, str] | None = None) -> Iterator[None]:
    """Within: a helper started now, before the compile, when the project will likely be split;
    its start-up (Python, Node, aws_cdk: about a second of CPU) then runs beside the compile.
    `synthesize_into` claims it; unclaimed (the project is small after all, or its assembly
    is cached), it is stopped on the way out."""
    if not _prestarted and _likely_split(app_dir, os.environ if environ is None else environ):
        _prestarted.append(start_helper())
    try:
        yield
    finally:
        while _prestarted:
            stop_helper(_prestarted.pop())


def _likely_split(app_dir: Path, environ: Mapping[str, str]) -> bool:
    """`split_of`'s rules, on what is known before the compile: the recorded layout and the
    number of step files."""
    from compiler.discover import discover_step_files
    from compiler.stack_layout import recorded_layout

    try:
        processes = processes_setting(environ)
        layout = recorded_layout(app_dir)
    except MotiaError:
        return False  # reported by the synth itself
    if processes == 1 or layout == "flat" or (app_dir / CUSTOMIZE_HOOK_FILE).is_file():
        return False
    return processes == 2 or (available_cpus() >= 2 and len(discover_step_files(app_dir)) >= MIN_STEPS)


def claim(split: Split | None) -> Helper | None:
    """The helper for `split`: the prestarted one, else a new one; None (the prestarted one
    stopped) when the synth is not split."""
    helper = _prestarted.pop() if _prestarted else None
    if split is None:
        if helper is not None:
            stop_helper(helper)
        return None
    return helper if helper is not None else start_helper()


def start_helper() -> Helper:
    """A helper process loading aws_cdk (`compiler.synth_helper`)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(PACKAGE_ROOT), env.get("PYTHONPATH"))))
    stderr = tempfile.TemporaryFile()  # not a pipe: nobody reads it while the helper runs
    process = subprocess.Popen([sys.executable, "-m", HELPER_MODULE], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=stderr, env=env)
    return Helper(process, stderr)


def begin(app: Application, split: Split | None, assembly_dir: Path) -> Running | None:
    """The helper at work on `split.helper`; None (any prestarted helper stopped) when not split."""
    helper = claim(split)
    return None if helper is None or split is None else send_request(helper, app, split, assembly_dir)


def send_request(helper: Helper, app: Application, split: Split, assembly_dir: Path) -> Running:
    """Give the helper `split.helper` to build, into a folder inside `assembly_dir`."""
    import pickle

    out_dir = assembly_dir / HELPER_DIR
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    request = out_dir / REQUEST_FILE
    request.write_bytes(pickle.dumps((app, split.helper)))  # our own file for our own process
    assert helper.process.stdin is not None
    try:  # one short line: never blocks, whatever the helper is doing
        helper.process.stdin.write(str(request).encode() + b"\n")
        helper.process.stdin.close()
    except OSError:
        pass  # the helper died: `finish_helper` reports how
    return Running(helper, out_dir, split)


def finish_helper(running: Running, assembly_dir: Path, template_file: str) -> None:
    """Wait for the helper and take its buckets into the assembly (`compiler.assembly_merge`)."""
    from compiler.assembly_merge import MergeError, merge_helper_assembly

    helper = running.helper
    status = helper.process.wait()
    if status != 0:
        helper.stderr.seek(0)
        lines = helper.stderr.read().decode(errors="replace").strip().splitlines()[-15:]
        raise SplitSynthError(f"the helper process of the synth failed (exit status {status}):\n"
                              + "\n".join(lines) + f"\n{FIX}")
    try:
        merge_helper_assembly(assembly_dir, running.out_dir, template_file, running.split.helper)
    except (MergeError, OSError, KeyError, ValueError) as error:
        raise SplitSynthError(f"the two halves of the synth do not fit together ({error}); {FIX}") from None


def discard(running: Running) -> None:
    """The helper stopped and its folder removed."""
    stop_helper(running.helper)
    shutil.rmtree(running.out_dir, ignore_errors=True)


def stop_helper(helper: Helper) -> None:
    """The helper stopped (killed if still running)."""
    if helper.process.poll() is None:
        helper.process.kill()
    helper.process.wait()
    if helper.process.stdin is not None and not helper.process.stdin.closed:
        helper.process.stdin.close()
    helper.stderr.close()
