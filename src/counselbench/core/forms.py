"""Showing a service's refusal on the form that caused it."""

from django import forms

from counselbench.core.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Attach each field error to its form field (by path), the rest to the form as a whole."""
    placed = False
    for field_error in error.fields:
        name = field_error.path.split(".")[-1]
        if name in form.fields:
            form.add_error(name, field_error.message)
            placed = True
    if not placed:
        message = error.message + (f" {error.unblock}" if error.unblock else "")
        form.add_error(None, message)
