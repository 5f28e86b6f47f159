from datetime import datetime

from ninja import Field, Schema


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


class OrganizationCreateIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(description="law_firm, legal_department or provider")
    time_zone: str = "America/New_York"


class OrganizationSettingsIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    time_zone: str | None = None
    require_mfa: bool | None = Field(None, description="Require two-factor for every member")


class UserOut(Schema):
    id: int
    email: str
    full_name: str


class MemberOut(Schema):
    id: int
    user: UserOut
    role: str
    created_at: datetime


class RoleIn(Schema):
    role: str


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


class InvitationIn(Schema):
    email: str = Field(max_length=254)
    role: str


class InvitationAcceptIn(Schema):
    token: str = Field(min_length=1, max_length=500, description="The token from the emailed link")
