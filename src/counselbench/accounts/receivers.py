"""Security events from Django auth and allauth, written to the access log.

Signals are the only hook these libraries offer; the receivers only record, they decide nothing.
"""

import time

from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from counselbench.access import log
from counselbench.access.middleware import SESSION_SEEN, SESSION_STARTED
from counselbench.accounts.throttling import username_from_request


@receiver(user_logged_in, dispatch_uid="cb_signed_in")
def signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now
    log.record("auth.signed_in", actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="cb_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    log.record(
        "auth.sign_in_failed",
        request=request,
        detail={"login": username_from_request(request, credentials) or ""},
    )


@receiver(user_logged_out, dispatch_uid="cb_signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        log.record("auth.signed_out", actor=user, request=request)


@receiver(authenticator_added, dispatch_uid="cb_mfa_added")
def mfa_added(sender, request, user, authenticator, **kwargs):
    log.record("mfa.added", actor=user, request=request, detail={"type": authenticator.type})


@receiver(authenticator_removed, dispatch_uid="cb_mfa_removed")
def mfa_removed(sender, request, user, authenticator, **kwargs):
    log.record("mfa.removed", actor=user, request=request, detail={"type": authenticator.type})
