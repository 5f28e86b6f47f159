"""Reads about users and their tokens, always through the access policy."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.db import connection
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware

from counselbench.access.policy import Actor, visible
from counselbench.accounts.models import ApiToken, User
from counselbench.organizations.models import Membership, Organization
from counselbench.talent.models import ProfessionalProfile


def has_two_factor(user: User) -> bool:
    return Actor(user=user).has_two_factor()


def tokens_for(actor: Actor) -> QuerySet[ApiToken]:
    return visible(actor, ApiToken).select_related("organization").order_by("-created_at")


@dataclass(frozen=True)
class TokenHolder:
    """Everything an API request authenticated by a token needs, from one lookup."""

    token: ApiToken
    role: str | None  # the user's role in the token's organization; None if no longer a member
    has_totp: bool
    is_professional: bool


def _columns(model, wanted: set[str]) -> list:
    """The wanted fields in the model's own field order (the order Model.from_db expects)."""
    return [f for f in model._meta.concrete_fields if f.attname in wanted]


_TOKEN_FIELDS = _columns(
    ApiToken,
    {
        "id",
        "user_id",
        "organization_id",
        "name",
        "prefix",
        "expires_at",
        "revoked_at",
        "last_used_at",
    },
)
_USER_FIELDS = _columns(User, {"id", "email", "full_name", "is_active"})
_ORG_FIELDS = _columns(Organization, {"id", "name", "slug", "kind", "time_zone", "require_mfa"})


def _token_sql() -> str:
    t, u, o = ApiToken._meta.db_table, User._meta.db_table, Organization._meta.db_table
    m, a = Membership._meta.db_table, Authenticator._meta.db_table
    p = ProfessionalProfile._meta.db_table
    columns = ", ".join(
        [
            *(f"t.{f.column}" for f in _TOKEN_FIELDS),
            *(f"u.{f.column}" for f in _USER_FIELDS),
            *(f"o.{f.column}" for f in _ORG_FIELDS),
        ]
    )
    # Table and column names come from the models; the only values are bound parameters.
    return (
        f"SELECT {columns},"  # noqa: S608
        f" (SELECT m.role FROM {m} m WHERE m.user_id = t.user_id"
        f"  AND m.organization_id = t.organization_id),"
        f" EXISTS (SELECT 1 FROM {a} a WHERE a.user_id = t.user_id AND a.type = %s),"
        f" EXISTS (SELECT 1 FROM {p} p WHERE p.user_id = t.user_id)"
        f" FROM {t} t JOIN {u} u ON u.id = t.user_id JOIN {o} o ON o.id = t.organization_id"
        f" WHERE t.secret_hash = %s"
    )


def _python_value(field, value):
    """What the ORM's converters would make of a raw column (SQLite returns text and 0/1)."""
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        value = parse_datetime(value) if isinstance(value, str) else value
        return make_aware(value) if is_naive(value) else value
    if kind == "BooleanField":
        return bool(value)
    return value


def _instance(model, fields: list, values):
    return model.from_db(
        connection.alias,
        [f.attname for f in fields],
        [_python_value(f, v) for f, v in zip(fields, values, strict=True)],
    )


def token_holder(secret_hash: str) -> TokenHolder | None:
    """The token with this hash, its user and organization, and the user's role there.

    Runs on every API request, so it is one hand-written statement: the equivalent ORM query
    (select_related plus three subqueries) spends over a millisecond compiling, the SQL itself
    microseconds. The instances are real models (built with Model.from_db); fields not selected
    here are deferred and load on access.
    """
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [Authenticator.Type.TOTP, secret_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    n_t, n_u, n_o = len(_TOKEN_FIELDS), len(_USER_FIELDS), len(_ORG_FIELDS)
    token = _instance(ApiToken, _TOKEN_FIELDS, row[:n_t])
    token.user = _instance(User, _USER_FIELDS, row[n_t : n_t + n_u])
    token.organization = _instance(Organization, _ORG_FIELDS, row[n_t + n_u : n_t + n_u + n_o])
    role, has_totp, is_professional = row[n_t + n_u + n_o :]
    return TokenHolder(
        token=token, role=role, has_totp=bool(has_totp), is_professional=bool(is_professional)
    )
