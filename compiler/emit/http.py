"""The project's one HTTP API (API Gateway v2, payload 2.0) with a route per IR Route."""

from __future__ import annotations

from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration

from compiler.emit.parts import StackParts, construct_id
from compiler.ir import Route

API_ID = "HttpApi"


def http_api(parts: StackParts) -> apigw.HttpApi:
    """The stack's HTTP API, created with the first route (a project without routes has none)."""
    if parts.api is None:
        parts.api = apigw.HttpApi(parts.stack, API_ID, api_name=f"{parts.app.prefix}-http")
    return parts.api


def integration(parts: StackParts, step: str) -> HttpLambdaIntegration:
    """One integration per function, shared by all its routes."""
    if step not in parts.integrations:
        parts.integrations[step] = HttpLambdaIntegration(
            construct_id("Integration", step),
            parts.function(step),
            payload_format_version=apigw.PayloadFormatVersion.VERSION_2_0,
        )
    return parts.integrations[step]


def emit_route(parts: StackParts, route: Route) -> None:
    if parts.nesting is not None:
        # With the step's nested stack, so the root holds no per-step resource: the route, its
        # integration and the invoke permission all reference the step's function.
        apigw.HttpRoute(
            parts.step_scope(route.function), construct_id("Route", f"{route.method} {route.path}"),
            http_api=http_api(parts),
            route_key=apigw.HttpRouteKey.with_(route.path, apigw.HttpMethod[route.method]),
            integration=integration(parts, route.function),
        )
        return
    # add_routes derives the route's id from method + path: stable while the route is.
    http_api(parts).add_routes(
        path=route.path,
        methods=[apigw.HttpMethod[route.method]],
        integration=integration(parts, route.function),
    )
