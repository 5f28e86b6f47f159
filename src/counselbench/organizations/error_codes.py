from enum import StrEnum


class OrganizationsErrorCode(StrEnum):
    ROLE_NOT_FOR_KIND = "role_not_for_kind"
    LAST_ADMIN = "last_admin"
    ALREADY_MEMBER = "already_member"
    INVITATION_INVALID = "invitation_invalid"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_CLOSED = "invitation_closed"
    INVITATION_EMAIL_MISMATCH = "invitation_email_mismatch"
    MFA_REQUIRED_SELF = "mfa_required_self"
    SLUG_TAKEN = "slug_taken"
    TIME_ZONE_INVALID = "time_zone_invalid"
    BILLING_STAFF_ONLY = "billing_staff_only"
