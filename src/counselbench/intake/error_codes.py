from enum import StrEnum


class IntakeErrorCode(StrEnum):
    INTAKE_CLOSED = "intake_closed"  # the firm's intake page is switched off
    RATE_LIMITED = "intake_rate_limited"
    REFUSED = "intake_refused"  # honeypot, too fast, too large: the visitor sees a neutral message
    BAD_TRANSITION = "lead_bad_transition"
    ALREADY_CONVERTED = "lead_already_converted"
    CONFLICT_UNCLEARED = "lead_conflict_uncleared"
    NOT_FLAGGED = "lead_not_flagged"
    BAD_SIGNATURE = "call_event_bad_signature"
    REPLAYED = "call_event_replayed"
    STALE = "call_event_stale"
    SLOT_TAKEN = "slot_taken"
    SLOT_UNAVAILABLE = "slot_unavailable"
    ALREADY_CANCELLED = "appointment_cancelled"
    APPOINTMENT_PAST = "appointment_past"  # it has started: too late to cancel
    OVERLAPPING_SHIFT = "shift_overlaps"
    NOT_RECEPTION = "not_reception"  # the person is not a receptionist of that firm
    ENTRY_CLOSED = "reception_entry_closed"  # a log entry is edited only on its own day
    BAD_PHONE = "phone_invalid"
