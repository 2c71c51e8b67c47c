"""`Worker`: the background thread every emulator poller runs on (one per event source).

A poller lives as long as the emulator: an error in one round (moto refusing a call, a
handler letting a BaseException out, a broken batch) is said on stderr in one line and the
next round runs after a pause, as Lambda's event source mappings keep polling. Only
KeyboardInterrupt, the operator stopping the process, ends the thread.
"""

from __future__ import annotations

import sys
import threading
from typing import Callable

from lambda_runtime.invocation import describe

ERROR_PAUSE_S = 1.0  # after a failed round: no busy loop when moto keeps refusing


class Worker:
    """Runs `_run` on a daemon thread; `join` is safe when `start` never happened."""

    def __init__(self, thread_name: str) -> None:
        self._thread = threading.Thread(target=self._run, name=thread_name, daemon=True)
        self.errors: list[str] = []  # one line per failed round, as printed

    def _run(self) -> None:
        raise NotImplementedError

    def _wake(self) -> None:
        """End a wait in `_run` now (the stop event is set); waits on the stop event need nothing."""

    def run_round(self, what: str, action: Callable[[], None], stop: threading.Event) -> bool:
        """`action()`; on any error but KeyboardInterrupt, say so and pause. True when it finished."""
        try:
            action()
            return True
        except KeyboardInterrupt:
            raise
        except BaseException as error:
            line = f"motia dev: {self._thread.name}: {what} failed ({type(error).__name__}: {describe(error)}); " \
                   f"trying again in {ERROR_PAUSE_S:g} s"
            self.errors.append(line)
            try:
                sys.stderr.write(line + "\n")
            except Exception:  # stderr closed: the line is still in `errors`
                pass
            stop.wait(ERROR_PAUSE_S)
            return False

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        if self._thread.ident is not None:  # never started when startup failed half-way
            self._wake()
            self._thread.join()
