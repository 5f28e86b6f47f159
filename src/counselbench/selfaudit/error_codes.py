from enum import StrEnum


class SelfAuditErrorCode(StrEnum):
    PERIOD_INVALID = "period_invalid"
    ENTRIES_OUTSIDE_PERIOD = "entries_outside_period"
