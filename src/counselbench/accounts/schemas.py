from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictInt

from counselbench.core.schemas import InputSchema


class CurrentOrganizationOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    role: str
    require_mfa: bool


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    two_factor_enabled: bool
    is_professional: bool
    organization: CurrentOrganizationOut | None = Field(
        description="The organization this request acts in (the token's, or the session's)."
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    organization: str = Field(description="Organization slug")
    status: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.slug


class TokenCreateIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    organization: str | None = Field(
        None, description="Organization slug; defaults to the organization this request acts in."
    )
    expires_in_days: StrictInt | None = Field(None, ge=1, le=365)


class TokenCreatedOut(Schema):
    token: TokenOut
    secret: str = Field(description="Shown once. Send as 'Authorization: Bearer <secret>'.")
