"""One moto server on 127.0.0.1 for a test module's AWS calls (fake credentials, no profile).

Servers in one process share moto's state: each test module names its stacks on its own."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import pytest
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true",
    "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
}


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
