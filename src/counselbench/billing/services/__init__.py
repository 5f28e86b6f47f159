"""Billing services, one module per kind of thing: time entries (this issue's first part)."""
