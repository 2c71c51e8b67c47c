"""One emulator per test module for the fixture project (startup costs seconds, not the tests)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Iterator

import pytest

from compiler.emulator.testing import Client, running_app

FLOWS = Path(__file__).resolve().parents[1] / "fixtures" / "emulator" / "flows"
ORDERS = Path(__file__).resolve().parents[2] / "examples" / "orders"


def port_is_free(port: int) -> bool:
    """Nobody listens on the port and a new server could bind it (connections the server
    closed sit in TIME_WAIT, which SO_REUSEADDR servers, ours included, bind through)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(scope="module")
def flows() -> Iterator[Client]:
    with running_app(FLOWS) as emulator:
        yield emulator
