from enum import StrEnum


class SelfAuditErrorCode(StrEnum):
    PERIOD_INVALID = "period_invalid"
    ENTRIES_OUTSIDE_PERIOD = "entries_outside_period"
    IMPORT_UNREADABLE = "import_unreadable"
    IMPORT_UNMAPPED = "import_unmapped"
    IMPORT_ROWS_INVALID = "import_rows_invalid"
    ROI_NOTHING_TO_MODEL = "roi_nothing_to_model"
