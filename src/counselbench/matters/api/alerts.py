"""API: access alerts — unusual document access the anomaly job raised, for the firm's owners to
list (also per matter) and acknowledge. Everyone else gets an empty list and 404s."""

from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest
from counselbench.core.schemas import QueryId
from counselbench.matters.models import AccessAlert
from counselbench.matters.services import alerts as service

router = Router(tags=["alerts"])


class AccessAlertOut(Schema):
    id: int
    rule: str = Field(description="download_volume, off_hours or denied_burst")
    rule_label: str
    summary: str
    evidence: dict[str, Any] = Field(
        description="What the rule saw: counts, times and document ids (the access log has all)."
    )
    matter_id: int | None = Field(description="The matter most of the accesses were on")
    matter_number: str | None
    subject_id: int | None
    subject_name: str | None = Field(description="Whose access it was")
    subject_email: str | None
    window_start: datetime = Field(description="The hour (UTC) the unusual access happened in")
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None = Field(description="Name of the owner who acknowledged it")

    @staticmethod
    def resolve_rule_label(obj: AccessAlert) -> str:
        return service.rule_label(obj.rule)

    @staticmethod
    def resolve_matter_number(obj: AccessAlert) -> str | None:
        return obj.matter.number if obj.matter else None

    @staticmethod
    def resolve_subject_name(obj: AccessAlert) -> str | None:
        return obj.subject.display_name if obj.subject else None

    @staticmethod
    def resolve_subject_email(obj: AccessAlert) -> str | None:
        return obj.subject.email if obj.subject else None

    @staticmethod
    def resolve_acknowledged_by(obj: AccessAlert) -> str | None:
        return obj.acknowledged_by.display_name if obj.acknowledged_by else None


@router.get(
    "/access-alerts",
    response=list[AccessAlertOut],
    summary="Access alerts (owners), newest first: one matter's; open=true only those still "
    "open, open=false only those acknowledged",
)
@paginate
def list_alerts(request: ActorRequest, matter: QueryId | None = None, open: bool | None = None):
    return service.alerts_for(
        request.actor, matter_id=matter, open_only=open is True, acknowledged_only=open is False
    )


@router.post(
    "/access-alerts/{int:alert_id}/acknowledge",
    response=AccessAlertOut,
    summary="Acknowledge an alert (owners); acknowledging it again changes nothing",
)
def acknowledge_alert(request: ActorRequest, alert_id: int):
    return service.acknowledge_alert(request.actor, alert_id=alert_id, request=request)
