"""The moto the emulator runs on: in-process (`mock_aws`) or a ThreadedMotoServer on loopback.

Both are set up through the process environment, because that is what boto3 (ours and the
shim's) reads: a fixed fake account and region, never real credentials, and for server mode
`AWS_ENDPOINT_URL`. Everything set here is restored on stop.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from compiler.errors import MotoMissing

if TYPE_CHECKING:
    from compiler.deploy.aws import Clients

Mode = Literal["inprocess", "server"]
REGION = "us-east-1"

# Fake credentials even when the developer has real ones exported: nothing here may reach AWS.
BASE_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "motia-dev",
    "AWS_SECRET_ACCESS_KEY": "motia-dev",
    "AWS_SESSION_TOKEN": "motia-dev",
    # moto's DynamoDB Streams under mock_aws fail with account-id endpoints (DESIGN.md 6).
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}
CLEARED = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")


def _require_moto(mode: Mode) -> None:
    try:
        import moto  # noqa: F401
        if mode == "server":
            import flask  # noqa: F401
    except ImportError as error:
        raise MotoMissing(
            f"the local emulator needs moto ({error.name} is missing); install it with "
            "`pip install 'moto[server]==5.2.5'` (moto[all] does not bring the server)"
        ) from None


@dataclass
class MotoBackend:
    """Start/stop one moto; `endpoint_url` is set in server mode."""

    mode: Mode = "inprocess"
    endpoint_url: str | None = None
    _mock: Any = None
    _server: Any = None
    _saved: dict[str, str | None] | None = None

    def start(self) -> None:
        _require_moto(self.mode)
        environment = dict(BASE_ENVIRONMENT)
        if self.mode == "server":
            from moto.server import ThreadedMotoServer

            self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            self._server.start()
            host, port = self._server.get_host_and_port()
            self.endpoint_url = f"http://{host}:{port}"
        self._saved = {k: os.environ.get(k) for k in (*environment, *CLEARED)}
        for key in CLEARED:
            os.environ.pop(key, None)
        os.environ.update(environment)
        if self.endpoint_url:
            os.environ["AWS_ENDPOINT_URL"] = self.endpoint_url
        if self.mode == "inprocess":
            from moto import mock_aws

            import_moto_cloudformation()
            self._mock = mock_aws()
            self._mock.start()

    def stop(self) -> None:
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
        if self._server is not None:
            self._server.stop()
            # ThreadedMotoServer.stop shuts the loop down but leaves the socket open.
            inner = getattr(self._server, "_server", None)
            if inner is not None:
                inner.server_close()
            self._server = None
        if self._saved is not None:
            for key, value in self._saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            self._saved = None

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, region_name=REGION, endpoint_url=self.endpoint_url)

    def deploy_clients(self) -> Clients:
        """The deployer's clients (`compiler.deploy`), talking to this moto."""
        from compiler.deploy.aws import AwsTarget, Clients

        return Clients(AwsTarget(REGION, self.endpoint_url), REGION, self.client("cloudformation"),
                       self.client("s3"), self.client("sts"), self.client("sqs"), self.client("dynamodb"))


def import_moto_cloudformation() -> None:
    """Import moto's CloudFormation, which the emulator deploys through, a third faster.

    Importing it imports moto's EC2 models, which ask three new boto3 Sessions for EC2's
    regions: each loads botocore's endpoint data again (0.15 s each). One shared Session
    answers all three from one load. `boto3.Session` is restored right after; only that
    import sees the shared one (a Session is reusable: nothing moto keeps depends on it).
    """
    import sys

    if "moto.cloudformation.models" in sys.modules:
        return
    import boto3

    real = boto3.Session
    shared = real()
    boto3.Session = lambda *args, **kwargs: shared if not args and not kwargs else real(*args, **kwargs)
    try:
        import moto.cloudformation.models  # noqa: F401
    finally:
        boto3.Session = real
