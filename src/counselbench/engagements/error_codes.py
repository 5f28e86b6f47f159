from enum import StrEnum


class EngagementErrorCode(StrEnum):
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    CLASSIFICATION_MISSING = "classification_missing"
    CLASSIFICATION_HIGH_RISK = "classification_high_risk"
    MARKUP_NOT_ALLOWED = "markup_not_allowed"
    NDA_UNSIGNED = "nda_unsigned"
    NDA_ALREADY_SIGNED = "nda_already_signed"
    REASON_REQUIRED = "reason_required"
    CANDIDATE_NOT_SELECTED = "candidate_not_selected"
    ALREADY_ENGAGED = "already_engaged"
    NOT_A_FIRM_ATTORNEY = "not_a_firm_attorney"
    AGREEMENT_OUTDATED = "agreement_outdated"
    AGREEMENT_NOT_ACCEPTED = "agreement_not_accepted"
    FEE_SHARING = "fee_sharing"
    GUIDE_OUTDATED = "guide_outdated"
