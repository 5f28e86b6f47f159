"""Evergreen retainers: a matter's trust balance is kept near a target; when an entry takes it
below the floor, a replenishment request for the difference goes to the client (emailed after
commit, through the task queue). A deposit that brings it back to the floor settles it."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.core.errors import FieldError, Invalid
from counselbench.core.money import MAX_AMOUNT_CENTS, format_usd
from counselbench.matters.models import Matter
from counselbench.trust.models import Replenishment, Retainer, TrustAccount, TrustLedger
from counselbench.trust.services.accounts import matter_ledger


def after_posting(ledger: TrustLedger) -> Replenishment | None:
    """Called by the journal inside each posting, with the ledger's new balance."""
    retainer = Retainer.objects.filter(ledger=ledger, active=True).first()
    if retainer is None:
        return None
    open_request = retainer.requests.filter(satisfied_at__isnull=True).first()
    if ledger.balance_cents >= retainer.floor_cents:
        if open_request is not None:
            open_request.satisfied_at = timezone.now()
            open_request.save(update_fields=["satisfied_at"])
        return None
    if open_request is not None:
        return None  # already asked; one request at a time
    return _request(retainer, ledger.balance_cents)


def _request(retainer: Retainer, balance: int) -> Replenishment:
    from counselbench.trust.tasks import send_replenishment_request

    replenishment = Replenishment.objects.create(
        retainer=retainer, amount_cents=retainer.target_cents - balance, balance_cents=balance
    )
    transaction.on_commit(lambda: send_replenishment_request.enqueue(replenishment.pk))
    return replenishment


def deliver_replenishment(*, replenishment_id: int) -> bool:
    """Emails the client once; returns False when there was nothing to send."""
    replenishment = (
        Replenishment.objects.select_related("retainer__matter__client", "retainer__organization")
        .filter(pk=replenishment_id, sent_at__isnull=True)
        .first()
    )
    if replenishment is None:
        return False
    matter = replenishment.retainer.matter
    email = matter.client.email
    if not email:
        return False
    claimed = Replenishment.objects.filter(pk=replenishment.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), recipient=email
    )
    if not claimed:
        return False
    firm = replenishment.retainer.organization
    send_mail(
        subject=f"{firm.name}: please replenish your retainer for {matter.number}",
        message=(
            f"Dear {matter.client.name},\n\n"
            f"The retainer held in trust for {matter.title} ({matter.number}) is now "
            f"{format_usd(replenishment.balance_cents, exact=True)}, below the "
            f"{format_usd(replenishment.retainer.floor_cents, exact=True)} your engagement "
            f"letter keeps on hand. Please deposit "
            f"{format_usd(replenishment.amount_cents, exact=True)} to bring it back to "
            f"{format_usd(replenishment.retainer.target_cents, exact=True)}.\n\n"
            "The money stays in the firm's client trust account until it is earned.\n\n"
            f"{firm.name}"
        ),
        from_email=None,
        recipient_list=[email],
    )
    return True


def set_retainer(
    actor: Actor,
    *,
    matter_id: int,
    target_cents: int,
    floor_cents: int,
    account_id: int | None = None,
    active: bool = True,
    request: HttpRequest | None = None,
) -> Retainer:
    """Creates or changes the matter's evergreen retainer (on its own matter ledger); checks the
    floor at once, so a balance already below it asks the client straight away."""
    require(actor, Action.CREATE, Retainer, "Owners and billing staff set retainers.")
    matter = fetch(actor, Matter, pk=matter_id)
    errors = []
    for path, value in (("target_cents", target_cents), ("floor_cents", floor_cents)):
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not 0 <= value <= MAX_AMOUNT_CENTS
        ):
            errors.append(FieldError(path, "An amount in cents, up to $100,000,000."))
    if not errors and target_cents < 1:
        errors.append(FieldError("target_cents", "A target above zero."))
    if not errors and floor_cents >= target_cents:
        errors.append(FieldError("floor_cents", "The floor is below the target."))
    if errors:
        raise Invalid("The retainer's amounts are not valid.", fields=errors)
    if account_id is not None:
        account = fetch(actor, TrustAccount, Action.CHANGE, pk=account_id)
    else:
        first = TrustAccount.objects.filter(organization_id=matter.organization_id).first()
        if first is None:
            raise Invalid.field("account_id", "Open a trust account first.")
        account = first
    with transaction.atomic():
        ledger = matter_ledger(account, matter)
        retainer, _created = Retainer.objects.update_or_create(
            matter=matter,
            defaults={
                "organization_id": matter.organization_id,
                "ledger": ledger,
                "target_cents": target_cents,
                "floor_cents": floor_cents,
                "active": active,
            },
            create_defaults={
                "organization_id": matter.organization_id,
                "ledger": ledger,
                "target_cents": target_cents,
                "floor_cents": floor_cents,
                "active": active,
                "created_by": actor.authenticated_user,
            },
        )
        log.record(
            "trust.retainer_set",
            actor=actor,
            organization=matter.organization_id,
            obj=retainer,
            request=request,
            detail={"target_cents": target_cents, "floor_cents": floor_cents},
        )
        if active:
            after_posting(TrustLedger.objects.select_for_update().get(pk=ledger.pk))
    return retainer
