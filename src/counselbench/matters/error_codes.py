from enum import StrEnum


class MatterErrorCode(StrEnum):
    # Unauthorized practice and supervision (PRODUCT §2.3).
    UPL_NOT_ATTORNEY = "upl_not_attorney"
    UPL_NOT_ADMITTED = "upl_not_admitted"
    UPL_LEVEL = "upl_level"
    FEE_SHARING = "fee_sharing"
    SUPERVISOR_REQUIRED = "supervisor_required"
    NOT_A_FIRM_ATTORNEY = "not_a_firm_attorney"
    REVIEW_REQUIRED = "attorney_review_required"
    ENGAGEMENT_NOT_LIVE = "engagement_not_live"
    GUIDE_NOT_ACKNOWLEDGED = "guide_not_acknowledged"
    # Consent and conflicts.
    CONSENT_MISSING = "consent_missing"
    CONSENT_ALREADY_RECORDED = "consent_already_recorded"
    CONFLICT_CHECK_MISSING = "conflict_check_missing"
    CONFLICT_UNCLEARED = "conflict_uncleared"
    NOTHING_TO_CLEAR = "nothing_to_clear"
    # Tasks.
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    TASK_CLOSED = "task_closed"
    MATTER_CLOSED = "matter_closed"
    SCREENED = "screened"
    NOT_ASSIGNED = "not_assigned"
    # Documents.
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_REFUSED = "file_type_refused"
    FILE_TYPE_MISMATCH = "file_type_mismatch"
    FILE_EMPTY = "file_empty"
    DOCUMENT_NOT_ON_MATTER = "document_not_on_matter"
    # Numbers and names.
    NUMBER_TAKEN = "matter_number_taken"
    ALREADY_SCREENED = "already_screened"
