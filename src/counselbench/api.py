"""The REST API under /api/v1/: mounts every app's router, authenticates, and maps every failure to
the one error shape (core.errors)."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.errors import Throttled as NinjaThrottled
from ninja.security import HttpBearer, SessionAuth

from counselbench.accounts.api import router as accounts_router
from counselbench.accounts.services import authenticate_token
from counselbench.billing.api import router as billing_router
from counselbench.core.errors import CoreErrorCode, DomainError, FieldError, error_payload
from counselbench.core.throttling import AnonymousThrottle, UserThrottle
from counselbench.engagements.api import router as engagements_router
from counselbench.insights.api import router as insights_router
from counselbench.intake.api import router as intake_router
from counselbench.matters.api import router as matters_router
from counselbench.organizations.api import router as organizations_router
from counselbench.selfaudit.api import router as selfaudit_router
from counselbench.talent.api import router as talent_router
from counselbench.trust.api import router as trust_router

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """`Authorization: Bearer cbt_...` — an API token acting in its organization."""

    def authenticate(self, request: HttpRequest, token: str):
        actor = authenticate_token(token, request=request)
        if actor is not None:
            request.actor = actor
        return actor


class BrowserSession(SessionAuth):
    """The signed-in browser session (CSRF-checked for unsafe methods)."""

    def authenticate(self, request: HttpRequest, key):
        actor = getattr(request, "actor", None)
        return actor if actor is not None and actor.is_authenticated else None


_ERROR_RESPONSES = {
    "400": "Malformed request",
    "401": "Not authenticated",
    "403": "Not allowed (role, or two-factor required)",
    "404": "Not found (or not visible to you)",
    "409": "Refused by a business rule in the current state",
    "422": "Invalid input; `fields` names each bad field by path",
    "429": "Too many requests",
}
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "unblock": {"type": "string"},
                "fields": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["path", "message"],
                        "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
            },
        }
    },
}


class CounselbenchAPI(NinjaAPI):
    """Declares the one error shape, and the statuses that carry it, on every operation."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, description in _ERROR_RESPONSES.items():
                    operation["responses"].setdefault(status, {"description": description, **ref})
        return schema


api = CounselbenchAPI(
    title="Counselbench API",
    version="1",
    description=(
        'Every failure answers `{"error": {"code", "message", "fields": [{"path", '
        '"message"}]}}`. Authenticate with `Authorization: Bearer <token>` (create tokens under '
        "Account → API tokens) or a signed-in browser session."
    ),
    urls_namespace="api",
    auth=[BearerToken(), BrowserSession()],
    throttle=[
        AnonymousThrottle(settings.API_RATE_ANONYMOUS),
        UserThrottle(settings.API_RATE_AUTHENTICATED),
    ],
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", accounts_router)
api.add_router("", organizations_router)
api.add_router("", selfaudit_router)
api.add_router("", talent_router)
api.add_router("", engagements_router)
api.add_router("", matters_router)
api.add_router("", billing_router)
api.add_router("", trust_router)
api.add_router("", intake_router)
api.add_router("", insights_router)


def _respond(request: HttpRequest, status: int, payload: dict) -> HttpResponse:
    return api.create_response(request, payload, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _respond(request, exc.status, exc.as_payload())


def _field_path(loc: list) -> str:
    parts = [str(p) for p in loc]
    # ninja prefixes body fields with the source and the parameter name: ["body", "payload", "x"].
    if parts and parts[0] == "body":
        parts = parts[2:] or parts[1:]
    elif parts and parts[0] in {"query", "path", "header", "cookie"}:
        parts = parts[1:]
        if len(parts) > 1:
            parts = parts[1:]  # drop the schema parameter name for grouped inputs
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    fields = [
        FieldError(_field_path(e.get("loc", [])), e.get("msg", "Invalid value."))
        for e in exc.errors
    ]
    return _respond(
        request, 422, error_payload(CoreErrorCode.INVALID, "Some fields are not valid.", fields)
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = _respond(
        request,
        401,
        error_payload(
            CoreErrorCode.NOT_AUTHENTICATED,
            "Authentication required: send 'Authorization: Bearer <token>' or sign in.",
        ),
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(NinjaThrottled)
def _throttled(request, exc: NinjaThrottled):
    response = _respond(
        request,
        429,
        error_payload(
            CoreErrorCode.RATE_LIMITED, "Too many requests; slow down and retry shortly."
        ),
    )
    if getattr(exc, "wait", None):
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


_STATUS_CODES = {
    400: CoreErrorCode.INVALID,
    401: CoreErrorCode.NOT_AUTHENTICATED,
    403: CoreErrorCode.PERMISSION_DENIED,
    404: CoreErrorCode.NOT_FOUND,
    405: CoreErrorCode.INVALID,
    409: CoreErrorCode.CONFLICT,
    422: CoreErrorCode.INVALID,
    429: CoreErrorCode.RATE_LIMITED,
}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = _STATUS_CODES.get(exc.status_code, CoreErrorCode.INVALID)
    return _respond(request, exc.status_code, error_payload(code, str(exc.message)))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _respond(request, 404, error_payload(CoreErrorCode.NOT_FOUND, "Not found."))


@api.exception_handler(DjangoPermissionDenied)
def _forbidden(request, exc):
    return _respond(
        request,
        403,
        error_payload(CoreErrorCode.PERMISSION_DENIED, "You do not have permission to do that."),
    )


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return _respond(
        request,
        413,
        error_payload(
            CoreErrorCode.TOO_LARGE,
            f"The request body is larger than {limit} MB; send less at once.",
            [FieldError("body", "Too large.")],
        ),
    )


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    logger.exception("unhandled API error", extra={"path": request.path})
    return _respond(
        request, 500, error_payload(CoreErrorCode.SERVER_ERROR, "Something went wrong on our side.")
    )
