from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictBool

from counselbench.core.schemas import InputSchema
from counselbench.organizations.models import OrganizationKind, Role


class OrganizationOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    time_zone: str
    require_mfa: bool


class MyMembershipOut(Schema):
    organization: OrganizationOut
    role: str
    joined_at: datetime = Field(alias="created_at")


class OrganizationCreateIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    kind: OrganizationKind
    time_zone: str = "America/New_York"


class OrganizationSettingsIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    time_zone: str | None = None
    require_mfa: StrictBool | None = Field(None, description="Require two-factor for every member")


class UserOut(Schema):
    id: int
    email: str
    full_name: str


class MemberOut(Schema):
    id: int
    user: UserOut
    role: str
    billing: bool = Field(description="A staff member with the billing permission")
    created_at: datetime


class MemberPatchIn(InputSchema):
    role: Role | None = Field(
        None,
        description="Firm roles: owner, attorney, staff; provider roles: "
        "provider_admin, vetting_staff",
    )
    billing: bool | None = Field(
        None, description="Staff only: handles invoices, contractor statements and trust"
    )


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    status: str
    created_at: datetime
    expires_at: datetime
    invited_by: str | None

    @staticmethod
    def resolve_invited_by(obj) -> str | None:
        return obj.invited_by.email if obj.invited_by else None


class InvitationIn(InputSchema):
    email: str = Field(max_length=254)
    role: Role


class InvitationAcceptIn(InputSchema):
    token: str = Field(min_length=1, max_length=500, description="The token from the emailed link")
