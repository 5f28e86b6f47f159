"""How a page action ends: success as a message, a domain refusal as a message carrying the rule
and what would unblock it; 403 and 404 stay errors (the error page says why)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from counselbench.core.errors import DomainError


def refusal_text(error: DomainError) -> str:
    details = "; ".join(f.message for f in error.fields if f.message != error.message)
    return " ".join(part for part in (error.message, details or error.unblock) if part)


def back(request: HttpRequest, to: str, act: Callable[[], str], **kwargs) -> HttpResponse:
    """Run a page action and go back to the page `to` (a URL name with `kwargs`)."""
    try:
        done = act()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, done)
    return redirect(to, **kwargs)
