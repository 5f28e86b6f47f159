from enum import StrEnum


class TalentErrorCode(StrEnum):
    VETTING_OUT_OF_ORDER = "vetting_out_of_order"
    POSTING_NOT_OPEN = "posting_not_open"
    CANDIDATE_NOT_MATCHED = "candidate_not_matched"
    CANDIDATE_STATE = "candidate_state"
    INTERVIEW_INCOMPLETE = "interview_incomplete"
