"""`Worker`: the background thread every emulator poller runs on (one per event source)."""

from __future__ import annotations

import threading


class Worker:
    """Runs `_run` on a daemon thread; `join` is safe when `start` never happened."""

    def __init__(self, thread_name: str) -> None:
        self._thread = threading.Thread(target=self._run, name=thread_name, daemon=True)

    def _run(self) -> None:
        raise NotImplementedError

    def _wake(self) -> None:
        """End a wait in `_run` now (the stop event is set); waits on the stop event need nothing."""

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        if self._thread.ident is not None:  # never started when startup failed half-way
            self._wake()
            self._thread.join()
