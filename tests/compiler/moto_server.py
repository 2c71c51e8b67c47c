"""One moto server on 127.0.0.1 for a test module's deploys (fake credentials, no profile)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import pytest
from moto.server import ThreadedMotoServer

from tests.compiler.deploy.test_commands_moto import FAKE_AWS_ENV


@contextmanager
def moto_endpoint() -> Iterator[str]:
    """The server's URL while the block runs; the environment is restored after."""
    patch = pytest.MonkeyPatch()
    for name, value in FAKE_AWS_ENV.items():
        patch.setenv(name, value)
    patch.delenv("AWS_PROFILE", raising=False)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        patch.undo()
