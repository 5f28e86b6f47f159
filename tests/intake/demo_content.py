"""What the demo shows of intake (issue 8, "Demo data"), checked by the test that builds the demo
already (tests/test_cli.py), so the suite builds it no extra time."""

from __future__ import annotations

from datetime import timedelta


def assert_the_intake_demo_is_complete(firm) -> None:
    """Intake forms for two practice areas, 60 leads from the intake page across the pipeline
    (some in Spanish), every retained lead converted into its client and matter, a week of
    reception log, booked appointments, and this week's shifts with exactly one coverage gap."""
    from counselbench.intake.models import (
        Appointment,
        IntakeForm,
        Lead,
        ReceptionEntry,
    )
    from counselbench.intake.services import reception, shifts
    from counselbench.matters.models import PartyRole

    areas = set(
        IntakeForm.objects.filter(organization=firm, active=True).values_list(
            "practice_area", flat=True
        )
    )
    assert areas == {"personal_injury", "family"}, areas
    assert all(form.questions.exists() for form in IntakeForm.objects.filter(organization=firm)), (
        "every form asks questions"
    )

    every = list(Lead.objects.filter(organization=firm).select_related("client", "matter"))
    # The intake page's 60 (other demo parts add their own leads, taken by phone).
    leads = [lead for lead in every if lead.source == "web"]
    assert len(leads) == 60, len(leads)
    stages = {
        stage: sum(lead.stage == stage for lead in leads)
        for stage in ("new", "contacted", "consult_booked", "retained", "not_retained")
    }
    assert all(stages.values()), f"every column of the board has leads: {stages}"
    spanish = sum(lead.language == "es" for lead in leads)
    assert 0 < spanish < 60, spanish
    assert sum(lead.stage == "retained" for lead in leads) == 8, stages
    retained = [lead for lead in every if lead.stage == "retained"]
    for lead in retained:
        assert lead.client is not None and lead.matter is not None, lead
        assert lead.converted_at is not None, lead
        assert lead.matter.client_id == lead.client_id, lead
        assert lead.matter.parties.filter(role=PartyRole.CLIENT, name=lead.name).exists(), lead
        assert lead.events.filter(kind="converted").count() == 1, lead
    assert all(lead.matter_id is None for lead in every if lead.stage != "retained")
    assert any(lead.conflict_flagged for lead in leads), "a flagged conflict"
    assert any(lead.suspected_spam for lead in leads), "a suspected spam"

    today = reception.firm_today(firm)
    start, _ = reception.day_bounds(firm, today - timedelta(days=6))
    _, end = reception.day_bounds(firm, today)
    zone = reception.firm_zone(firm)
    days = {
        entry.started_at.astimezone(zone).date()
        for entry in ReceptionEntry.objects.filter(
            organization=firm, started_at__gte=start, started_at__lt=end
        )
    }
    assert len(days) == 7, f"a week of reception log: {sorted(days)}"

    booked = Appointment.objects.filter(organization=firm, state="booked")
    assert booked.exists() and booked.filter(lead__isnull=False).exists()

    week = shifts.week_view(firm, shifts.week_start(today))
    assert len(week.gaps) == 1, [shifts.describe_gap(s, e) for s, e in week.gaps]
