"""Project settings of the HTTP API: CORS, throttling, a custom domain, a JWT authorizer.

API Gateway answers CORS preflight itself (no OPTIONS route, no function call) and checks
the JWT before the function runs. Without settings none of this is emitted.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, aws_apigatewayv2 as apigw, aws_certificatemanager as acm
from aws_cdk.aws_apigatewayv2_authorizers import HttpJwtAuthorizer

from compiler.emit.parts import StackParts
from compiler.ir import Route
from compiler.settings_model import Cors, Settings

DOMAIN_ID = "ApiDomain"
AUTHORIZER_ID = "JwtAuthorizer"
JWT_IDENTITY_SOURCE = "$request.header.Authorization"  # HttpJwtAuthorizer's default


def cors_preflight(cors: Cors) -> apigw.CorsPreflightOptions:
    return apigw.CorsPreflightOptions(
        allow_origins=list(cors.allow_origins),
        allow_methods=[apigw.CorsHttpMethod.ANY if m == "*" else apigw.CorsHttpMethod[m] for m in cors.allow_methods],
        allow_headers=list(cors.allow_headers),
        expose_headers=list(cors.expose_headers) or None,
        allow_credentials=cors.allow_credentials or None,
        max_age=Duration.seconds(cors.max_age_s) if cors.max_age_s is not None else None,
    )


def api_props(parts: StackParts) -> dict[str, Any]:
    """Extra `HttpApi` props: CORS and the custom domain's mapping."""
    settings = parts.app.settings
    props: dict[str, Any] = {}
    if settings.cors:
        props["cors_preflight"] = cors_preflight(settings.cors)
    if settings.domain:
        domain = apigw.DomainName(
            parts.stack, DOMAIN_ID, domain_name=settings.domain.name,
            certificate=acm.Certificate.from_certificate_arn(parts.stack, "ApiCertificate",
                                                             settings.domain.certificate_arn))
        props["default_domain_mapping"] = apigw.DomainMappingOptions(domain_name=domain)
        # The DNS record the user creates: a CNAME (or alias) from the domain to this name.
        CfnOutput(parts.stack, "Output-ApiDomainTarget", value=domain.regional_domain_name,
                  description=f"point {settings.domain.name} (CNAME or alias) at this name")
    return props


def apply_api_settings(parts: StackParts, api: apigw.HttpApi) -> None:
    """Throttling of the default stage: one limit for every route (L1: the L2 has no prop for it)."""
    throttling = parts.app.settings.throttling
    if throttling is None or api.default_stage is None:
        return
    stage = api.default_stage.node.default_child
    assert isinstance(stage, apigw.CfnStage)
    stage.default_route_settings = apigw.CfnStage.RouteSettingsProperty(
        throttling_rate_limit=throttling.rate_limit, throttling_burst_limit=throttling.burst_limit)


def guards(settings: Settings, route: Route) -> bool:
    """The JWT authorizer guards every route except the public ones (as the step wrote them)."""
    if settings.jwt is None:
        return False
    public = settings.jwt.public_routes
    return f"{route.method} {route.source_path}" not in public and f"{route.method} {route.path}" not in public


def guard_nested_route(parts: StackParts, route: Route, http_route: apigw.HttpRoute) -> None:
    """The JWT authorizer on a guarded route of a nested stack, set on its L1 resource: an
    `HttpJwtAuthorizer` would make the authorizer inside the first guarded route's nested
    stack, where every other stack's routes would have to reach it."""
    if not guards(parts.app.settings, route):
        return
    cfn_route = http_route.node.default_child
    assert isinstance(cfn_route, apigw.CfnRoute)
    cfn_route.authorization_type = "JWT"
    cfn_route.authorizer_id = root_authorizer_id(parts, http_route.http_api)


def root_authorizer_id(parts: StackParts, api: apigw.IHttpApi) -> str:
    """The shared JWT authorizer of a nested project, in the root stack with the API, where
    `HttpJwtAuthorizer` puts it in a flat one: same logical id and properties either way."""
    jwt = parts.app.settings.jwt
    assert jwt is not None
    if parts.authorizer_id is None:
        authorizer = apigw.HttpAuthorizer(
            api, AUTHORIZER_ID, http_api=api, type=apigw.HttpAuthorizerType.JWT, authorizer_name=AUTHORIZER_ID,
            identity_source=[JWT_IDENTITY_SOURCE], jwt_issuer=jwt.issuer, jwt_audience=list(jwt.audiences))
        parts.authorizer_id = authorizer.authorizer_id
    return parts.authorizer_id


def route_props(parts: StackParts, route: Route) -> dict[str, Any]:
    """Extra `add_routes` props: the shared JWT authorizer on guarded routes."""
    settings = parts.app.settings
    if not guards(settings, route):
        return {}
    assert settings.jwt is not None
    if parts.authorizer is None:
        parts.authorizer = HttpJwtAuthorizer(AUTHORIZER_ID, settings.jwt.issuer, identity_source=[JWT_IDENTITY_SOURCE],
                                             jwt_audience=list(settings.jwt.audiences))
    return {"authorizer": parts.authorizer}
