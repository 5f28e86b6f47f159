"""API: audits, their participants and task log, the hit list, and the firm's task categories."""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest, fetch
from counselbench.selfaudit import selectors, services
from counselbench.selfaudit.models import AuditPeriod
from counselbench.selfaudit.schemas import (
    AuditDetailOut,
    AuditIn,
    AuditOut,
    AuditPatch,
    ChoiceIn,
    EntriesIn,
    FitAnswerIn,
    FitAnswerOut,
    HitListWithFitOut,
    ImportIn,
    ImportOut,
    MarketRateOut,
    MarketRatePatch,
    ParticipantIn,
    ParticipantOut,
    RoiIn,
    RoiOut,
    SuggestionOut,
    TaskCategoryIn,
    TaskCategoryOut,
    TaskCategoryPatch,
    TaskEntryOut,
    TaskEntryPatch,
)

router = Router(tags=["self-audit"])


def _audit_out(request: ActorRequest, audit_id: int) -> dict:
    fetch(request.actor, AuditPeriod, pk=audit_id)  # 404 across tenants, before anything else
    audit = selectors.audits(request.actor).get(pk=audit_id)
    show_values = selectors.sees_hourly_values(request.actor, audit)
    return {
        "id": audit.pk,
        "name": audit.name,
        "starts_on": audit.starts_on,
        "ends_on": audit.ends_on,
        "entry_count": getattr(audit, "entry_count", 0) or 0,
        "logged_minutes": getattr(audit, "logged_minutes", 0) or 0,
        "chosen_category_id": audit.chosen_category_id,
        "participants": [
            {
                "user_id": p.user_id,
                "name": p.user.display_name,
                "level": p.level,
                "hourly_value_cents": p.hourly_value_cents if show_values else None,
            }
            for p in selectors.participants(request.actor, audit)
        ],
    }


def _participant(item: ParticipantIn) -> services.ParticipantInput:
    return services.ParticipantInput(
        user_id=item.user_id, level=item.level, hourly_value_cents=item.hourly_value_cents
    )


@router.get("/audits", response=list[AuditOut], summary="Audit periods of the firm")
@paginate
def list_audits(request: ActorRequest):
    return selectors.audits(request.actor)


@router.post("/audits", response={201: AuditDetailOut}, summary="Open an audit period (owners)")
def create_audit(request: ActorRequest, payload: AuditIn):
    audit = services.create_audit(
        request.actor,
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        participants=[_participant(p) for p in payload.participants],
        request=request,
    )
    return Status(201, _audit_out(request, audit.pk))


@router.get("/audits/{int:audit_id}", response=AuditDetailOut, summary="An audit period")
def get_audit(request: ActorRequest, audit_id: int):
    return _audit_out(request, audit_id)


@router.patch("/audits/{int:audit_id}", response=AuditDetailOut, summary="Rename or re-date")
def update_audit(request: ActorRequest, audit_id: int, payload: AuditPatch):
    services.update_audit(
        request.actor, audit_id=audit_id, request=request, **payload.dict(exclude_unset=True)
    )
    return _audit_out(request, audit_id)


@router.delete("/audits/{int:audit_id}", response={204: None}, summary="Delete an audit")
def delete_audit(request: ActorRequest, audit_id: int):
    services.delete_audit(request.actor, audit_id=audit_id, request=request)
    return Status(204, None)


@router.post(
    "/audits/{int:audit_id}/participants",
    response=ParticipantOut,
    summary="Add a participant or change their level and hourly value (owners)",
)
def set_participant(request: ActorRequest, audit_id: int, payload: ParticipantIn):
    participant = services.set_participant(
        request.actor, audit_id=audit_id, item=_participant(payload), request=request
    )
    return {
        "user_id": participant.user_id,
        "name": participant.user.display_name,
        "level": participant.level,
        "hourly_value_cents": participant.hourly_value_cents,
    }


@router.get(
    "/audits/{int:audit_id}/entries",
    response=list[TaskEntryOut],
    summary="The task log (staff see only their own entries)",
)
@paginate
def list_entries(
    request: ActorRequest,
    audit_id: int,
    user_id: Query[int | None] = None,
    category_id: Query[int | None] = None,
    uncategorized: bool = False,
):
    audit = fetch(request.actor, AuditPeriod, pk=audit_id)
    return selectors.entries(
        request.actor, audit, user_id=user_id, category_id=category_id, uncategorized=uncategorized
    )


@router.post(
    "/audits/{int:audit_id}/entries",
    response={201: list[TaskEntryOut]},
    summary="Add entries in bulk: all or nothing, errors name entries.N.field",
)
def add_entries(request: ActorRequest, audit_id: int, payload: EntriesIn):
    created = services.add_entries(
        request.actor,
        audit_id=audit_id,
        request=request,
        entries=[services.EntryInput(**e.dict()) for e in payload.entries],
    )
    return Status(201, created)


@router.patch(
    "/audits/{int:audit_id}/entries/{int:entry_id}",
    response=TaskEntryOut,
    summary="Change an entry",
)
def update_entry(request: ActorRequest, audit_id: int, entry_id: int, payload: TaskEntryPatch):
    return services.update_entry(
        request.actor,
        audit_id=audit_id,
        entry_id=entry_id,
        changes=payload.dict(exclude_unset=True),
        request=request,
    )


@router.delete(
    "/audits/{int:audit_id}/entries/{int:entry_id}", response={204: None}, summary="Delete an entry"
)
def delete_entry(request: ActorRequest, audit_id: int, entry_id: int):
    services.delete_entry(request.actor, audit_id=audit_id, entry_id=entry_id, request=request)
    return Status(204, None)


def fit_payload(answer) -> dict:
    return {
        "category_id": answer.category_id,
        "verdict": answer.verdict,
        **{name: getattr(answer, name) for name in services.FIT_FIELDS},
    }


def hit_list_payload(result: services.HitList) -> dict:
    return {
        "audit_id": result.audit.pk,
        "period_weeks": float(result.weeks),
        "annualization": "annual = period × 52 ÷ period length in weeks",
        "total_annual_saving_cents": result.total_saving_cents,
        "recommendation": (
            {
                "category_id": result.recommendation.category_id,
                "category": result.recommendation.category_name,
                "reason": result.recommendation.reason,
            }
            if result.recommendation
            else None
        ),
        "chosen_category_id": result.audit.chosen_category_id,
        "fit": [fit_payload(a) for a in result.answers.values()],
        "uncategorized_minutes": result.uncategorized_minutes,
        "rows": [
            {
                "rank": rank,
                "category_id": r.category_id,
                "category": r.category_name,
                "level": r.level,
                "minutes_in_period": r.minutes,
                "annual_hours": float(round(r.annual_hours, 2)),
                "market_rate_cents": r.market_rate_cents,
                "annual_saving_cents": r.saving_cents,
                "no_saving": r.no_saving,
                "explanation": r.explanation(result.weeks),
                "people": [
                    {
                        "user_name": p.person_name,
                        "minutes": p.minutes,
                        "annual_hours": float(round(p.annual_hours, 2)),
                        "hourly_value_cents": p.hourly_value_cents,
                        "saving_cents": p.saving_cents,
                        "no_saving": p.no_saving,
                    }
                    for p in r.people
                ],
            }
            for rank, r in enumerate(result.rows, start=1)
        ],
    }


@router.get(
    "/audits/{int:audit_id}/hit-list",
    response=HitListWithFitOut,
    summary="Outsourceable work ranked by annual misused time (owners and attorneys)",
)
def get_hit_list(request: ActorRequest, audit_id: int):
    return hit_list_payload(services.hit_list(request.actor, audit_id=audit_id))


@router.post(
    "/audits/{int:audit_id}/import",
    response=ImportOut,
    summary="Import a CSV time export: preview by default, confirm to import",
)
def import_entries(request: ActorRequest, audit_id: int, payload: ImportIn):
    options = {"audit_id": audit_id, "csv_text": payload.csv, "mapping": payload.mapping}
    if payload.confirm:
        preview, imported = services.import_csv(
            request.actor, skip_invalid=payload.skip_invalid, request=request, **options
        )
    else:
        preview, imported = services.preview_import(request.actor, **options), 0
    return {
        "headers": preview.headers,
        "mapping": preview.mapping,
        "missing": preview.missing,
        "total_rows": preview.total_rows,
        "valid_rows": len(preview.valid),
        "uncategorized_rows": preview.uncategorized,
        "errors": [vars(e) for e in preview.errors[:500]],
        "sample": [vars(item) for _, item in preview.valid[:10]],
        "imported": imported,
    }


@router.put(
    "/audits/{int:audit_id}/fit-test/{int:category_id}",
    response=FitAnswerOut,
    summary="Answer the four-question fit test for a category (owners)",
)
def answer_fit_test(request: ActorRequest, audit_id: int, category_id: int, payload: FitAnswerIn):
    answer = services.answer_fit_test(
        request.actor,
        audit_id=audit_id,
        category_id=category_id,
        answers=payload.dict(exclude_unset=True),
        request=request,
    )
    return fit_payload(answer)


@router.post(
    "/audits/{int:audit_id}/choice",
    response=AuditDetailOut,
    summary="Choose the process to outsource first (owners)",
)
def choose_process(request: ActorRequest, audit_id: int, payload: ChoiceIn):
    services.choose_process(
        request.actor, audit_id=audit_id, category_id=payload.category_id, request=request
    )
    return _audit_out(request, audit_id)


@router.post(
    "/audits/{int:audit_id}/roi",
    response=RoiOut,
    summary="ROI of outsourcing a process: assumptions in (all optional), figures out",
)
def audit_roi(request: ActorRequest, audit_id: int, payload: RoiIn):
    from counselbench.selfaudit.roi import SOURCES

    overrides = payload.dict(exclude_unset=True)
    category_id = overrides.pop("category_id", None)
    result = services.roi(
        request.actor, audit_id=audit_id, category_id=category_id, overrides=overrides
    )
    return {
        "category_id": result.category_id,
        "category": result.category_name,
        "assumptions": result.assumptions.as_dict(),
        "sources": SOURCES,
        "figures": result.figures.as_dict(),
    }


@router.get(
    "/audits/{int:audit_id}/suggestions",
    response=list[SuggestionOut],
    summary="Suggested categories for uncategorized entries, with the words that decided",
)
def audit_suggestions(request: ActorRequest, audit_id: int):
    pairs = services.suggestions(request.actor, audit_id=audit_id)
    names = dict(selectors.task_categories(request.actor).values_list("id", "name"))
    return [
        {
            "entry_id": entry.pk,
            "description": entry.description,
            "category_id": s.category if s else None,
            "category": names.get(s.category) if s else None,
            "confidence": s.confidence if s else None,
            "because": s.because if s else [],
            "similar_example": s.similar_example if s else None,
        }
        for entry, s in pairs
    ]


@router.get(
    "/task-categories",
    response=list[TaskCategoryOut],
    summary="The firm's task taxonomy with license levels",
)
@paginate
def list_task_categories(request: ActorRequest, include_retired: bool = False):
    return selectors.task_categories(request.actor, include_retired=include_retired)


@router.post(
    "/task-categories",
    response={201: TaskCategoryOut},
    summary="Add a category to the firm's taxonomy (owners)",
)
def add_task_category(request: ActorRequest, payload: TaskCategoryIn):
    return Status(201, services.add_category(request.actor, request=request, **payload.dict()))


@router.patch(
    "/task-categories/{int:category_id}",
    response=TaskCategoryOut,
    summary="Rename, re-level, re-describe or retire a category (owners)",
)
def change_task_category(request: ActorRequest, category_id: int, payload: TaskCategoryPatch):
    return services.change_category(
        request.actor,
        category_id=category_id,
        request=request,
        changes=payload.dict(exclude_unset=True),
    )


@router.get(
    "/market-rates",
    response=list[MarketRateOut],
    summary="The firm's market rates per license level, with their sources",
)
@paginate
def list_market_rates(request: ActorRequest):
    return selectors.market_rates(request.actor)


@router.patch(
    "/market-rates/{int:rate_id}",
    response=MarketRateOut,
    summary="Change a market rate or its source (owners)",
)
def change_market_rate(request: ActorRequest, rate_id: int, payload: MarketRatePatch):
    return services.change_market_rate(
        request.actor, rate_id=rate_id, request=request, **payload.dict(exclude_unset=True)
    )
