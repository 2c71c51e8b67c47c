"""The project's one HTTP API (API Gateway v2, payload 2.0) with a route per IR Route; its
`$default` stage writes access logs and throttles each route."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy, aws_apigatewayv2 as apigw, aws_logs as logs
from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration

from compiler.emit import values
from compiler.emit.api_settings import api_props, apply_api_settings, guard_nested_route, route_props
from compiler.emit.function_settings import log_retention
from compiler.emit.parts import StackParts, construct_id
from compiler.ir import Route

API_ID = "HttpApi"
# Per route, below the account's 10,000 requests/s (5,000 burst) that every API of the region
# shares: one hot or abused route cannot throttle the account's other APIs.
THROTTLE_RATE_PER_S = 1000
THROTTLE_BURST = 2000
# One JSON line per request; the request id matches the shim's log lines for the invocation.
ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "latencyMs": "$context.responseLatency",
    "integrationError": "$context.integrationErrorMessage",
}, sort_keys=True)


def configure_default_stage(parts: StackParts, api: apigw.HttpApi) -> None:
    """Access logs and default route throttling on the `$default` stage HttpApi creates."""
    stage = api.default_stage
    assert stage is not None  # HttpApi creates it unless told not to
    cfn_stage = stage.node.default_child
    assert isinstance(cfn_stage, apigw.CfnStage)
    log_group = logs.LogGroup(
        parts.stack, "HttpApiAccessLogs",
        retention=log_retention(parts.app.settings),  # as the functions' logs
        removal_policy=RemovalPolicy.DESTROY,  # like the functions' logs
    )
    cfn_stage.access_log_settings = apigw.CfnStage.AccessLogSettingsProperty(
        destination_arn=log_group.log_group_arn, format=ACCESS_LOG_FORMAT,
    )
    cfn_stage.default_route_settings = apigw.CfnStage.RouteSettingsProperty(
        throttling_rate_limit=THROTTLE_RATE_PER_S, throttling_burst_limit=THROTTLE_BURST,
    )


def http_api(parts: StackParts) -> apigw.HttpApi:
    """The stack's HTTP API, created with the first route (a project without routes has none)."""
    if parts.api is None:
        parts.api = apigw.HttpApi(parts.stack, API_ID, api_name=f"{parts.app.prefix}-http", **api_props(parts))
        configure_default_stage(parts, parts.api)
        apply_api_settings(parts, parts.api)  # after the defaults: the project's throttling wins
    return parts.api


def integration(parts: StackParts, step: str) -> HttpLambdaIntegration:
    """One integration per function, shared by all its routes."""
    if step not in parts.integrations:
        parts.integrations[step] = HttpLambdaIntegration(
            construct_id("Integration", step),
            parts.function(step),
            payload_format_version=values.payload_format_2(),
        )
    return parts.integrations[step]


def emit_route(parts: StackParts, route: Route) -> None:
    if parts.nesting is not None:
        # With the step's nested stack, so the root holds no per-step resource: the route, its
        # integration and the invoke permission all reference the step's function.
        http_route = apigw.HttpRoute(
            parts.step_scope(route.function), construct_id("Route", f"{route.method} {route.path}"),
            http_api=http_api(parts),
            route_key=apigw.HttpRouteKey.with_(route.path, apigw.HttpMethod[route.method]),
            integration=integration(parts, route.function),
        )
        guard_nested_route(parts, route, http_route)
        parts.routes.setdefault(route.function, []).append(http_route)  # motia_aws_stack.py's step.routes
        return
    # add_routes derives the route's id from method + path: stable while the route is.
    routes = http_api(parts).add_routes(
        path=route.path,
        methods=[apigw.HttpMethod[route.method]],
        integration=integration(parts, route.function),
        **route_props(parts, route),
    )
    parts.routes.setdefault(route.function, []).extend(routes)
