"""Sending frames to connected clients: API Gateway's PostToConnection, or a host's own sockets.

Both the WebSocket function (a join's sync) and the fan-out (changes) send through a
`ConnectionPoster`; `motia dev` gives them one that writes to its open sockets.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    class ConnectionPoster(Protocol):
        def post(self, connection_id: str, data: bytes) -> bool:
            """Send one frame; False when the connection is gone (the caller forgets it)."""
            ...


class ApiGatewayPoster:
    """PostToConnection on one WebSocket API stage (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._client: Any = None

    def _api(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("apigatewaymanagementapi", endpoint_url=self.endpoint)
        return self._client

    def post(self, connection_id: str, data: bytes) -> bool:
        api = self._api()
        try:
            api.post_to_connection(ConnectionId=connection_id, Data=data)
        except api.exceptions.GoneException:
            return False
        return True
