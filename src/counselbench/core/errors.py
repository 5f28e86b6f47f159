"""Domain errors: how a service says no, mapped once to the API error shape and to UI messages.

Every failure the API returns has one shape:
    {"error": {"code": "...", "message": "...", "fields": [{"path": "...", "message": "..."}]}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class CoreErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID = "invalid"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    TOO_LARGE = "too_large"
    MFA_REQUIRED = "mfa_required"
    SERVER_ERROR = "server_error"


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str


@dataclass
class DomainError(Exception):
    """Base of every refusal a service raises. `status` is the HTTP status the API answers with."""

    code: str
    message: str
    fields: list[FieldError] = field(default_factory=list)
    status: int = 400
    # What would unblock the action, shown to the user next to the message (PRODUCT §2.3).
    unblock: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def as_payload(self) -> dict[str, Any]:
        return error_payload(self.code, self.message, self.fields, unblock=self.unblock)


def error_payload(
    code: str, message: str, fields: list[FieldError] | None = None, *, unblock: str = ""
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": str(code),
        "message": message,
        "fields": [{"path": f.path, "message": f.message} for f in fields or []],
    }
    if unblock:
        body["unblock"] = unblock
    return {"error": body}


class NotFound(DomainError):
    def __init__(self, message: str = "Not found.", code: str = CoreErrorCode.NOT_FOUND):
        super().__init__(code=code, message=message, status=404)


class PermissionDenied(DomainError):
    def __init__(
        self,
        message: str = "You do not have permission to do that.",
        code: str = CoreErrorCode.PERMISSION_DENIED,
        unblock: str = "",
    ):
        super().__init__(code=code, message=message, status=403, unblock=unblock)


class Invalid(DomainError):
    """Input that parsed but breaks a rule; `fields` point at the offending inputs."""

    def __init__(
        self,
        message: str,
        *,
        fields: list[FieldError] | None = None,
        code: str = CoreErrorCode.INVALID,
    ):
        super().__init__(code=code, message=message, fields=fields or [], status=422)

    @classmethod
    def field(cls, path: str, message: str, code: str = CoreErrorCode.INVALID) -> Invalid:
        return cls(message, fields=[FieldError(path, message)], code=code)


class RuleViolation(DomainError):
    """The action is well-formed but a business rule forbids it in the current state."""

    def __init__(self, code: str, message: str, *, unblock: str = ""):
        super().__init__(code=code, message=message, status=409, unblock=unblock)
