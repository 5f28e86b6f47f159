"""Self-audit writes and rules (PRODUCT §2.1), one module per part of the audit:

- `categories`: the firm's taxonomy and market rates, and category suggestions;
- `audits`: audit periods and participants;
- `entries`: the task log and its rules;
- `imports`: CSV import of a time export;
- `planning`: the hit list, the fit test, the chosen process and its ROI.
"""

from counselbench.selfaudit.services.audits import (
    ParticipantInput,
    create_audit,
    delete_audit,
    edit_audit,
    set_participant,
    update_audit,
)
from counselbench.selfaudit.services.categories import (
    add_category,
    change_category,
    change_market_rate,
    ensure_firm_setup,
    suggester_for,
    suggestions,
)
from counselbench.selfaudit.services.entries import (
    EntryInput,
    add_entries,
    delete_entry,
    update_entry,
)
from counselbench.selfaudit.services.imports import (
    ImportPreview,
    ImportRowError,
    import_csv,
    preview_import,
)
from counselbench.selfaudit.services.planning import (
    FIT_FIELDS,
    HitList,
    RoiResult,
    answer_fit_test,
    choose_process,
    hit_list,
    roi,
)

__all__ = [
    "FIT_FIELDS",
    "EntryInput",
    "HitList",
    "ImportPreview",
    "ImportRowError",
    "ParticipantInput",
    "RoiResult",
    "add_category",
    "add_entries",
    "answer_fit_test",
    "change_category",
    "change_market_rate",
    "choose_process",
    "create_audit",
    "delete_audit",
    "delete_entry",
    "edit_audit",
    "ensure_firm_setup",
    "hit_list",
    "import_csv",
    "preview_import",
    "roi",
    "set_participant",
    "suggester_for",
    "suggestions",
    "update_audit",
    "update_entry",
]
