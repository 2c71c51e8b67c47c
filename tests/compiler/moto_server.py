"""One moto server on 127.0.0.1 for a test module's AWS calls (fake credentials, no profile).

moto's state is one per process, shared by its servers and `mock_aws`: each server starts by
resetting it, so a module sees nothing an earlier module of the same worker left (a bucket,
another stack's change sets). Module-scoped, two modules' servers never run at once."""

from __future__ import annotations

import urllib.request
from contextlib import contextmanager
from typing import Any, Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true",
    "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
}


@contextmanager
def fake_aws_environment() -> Iterator[None]:
    """Fake credentials and the region, no profile, while the block runs; restored after."""
    patch = pytest.MonkeyPatch()
    for name, value in FAKE_AWS_ENV.items():
        patch.setenv(name, value)
    patch.delenv("AWS_PROFILE", raising=False)
    try:
        yield
    finally:
        patch.undo()


@contextmanager
def moto_endpoint() -> Iterator[str]:
    """The server's URL while the block runs, in the fake environment."""
    with fake_aws_environment():
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            url = f"http://{host}:{port}"
            reset_moto(url)
            yield url
        finally:
            server.stop()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """The module's moto server (import the fixture into a test module to use it)."""
    with moto_endpoint() as url:
        yield url


def aws_client(endpoint: str, service: str) -> Any:
    """A boto3 client of `service` on the server at `endpoint`."""
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION)


def reset_moto(endpoint: str) -> None:
    """Empty moto's state in this process (every service, every account), through the server."""
    with urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10):
        pass
