"""Intake services: public submissions and scoring, leads, reception, the telephony webhook,
shifts and booking (one module each)."""
