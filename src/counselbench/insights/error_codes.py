from enum import StrEnum


class InsightsErrorCode(StrEnum):
    BAD_RANGE = "bad_range"  # from after to, or a range longer than the dashboard allows
    SURVEY_ANSWERED = "survey_answered"  # a survey takes one answer
    SURVEY_EXPIRED = "survey_expired"
    MATTER_NOT_CLOSED = "matter_not_closed"  # a satisfaction survey follows a closed matter
    NO_CLIENT_EMAIL = "no_client_email"
