"""The matching index on each profile: its tags and its bar states as delimited text, so the
match query filters and scores with LIKE on one row instead of a subquery per row and factor.

Every writer of tags or bar admissions calls `refresh` (or, in bulk, builds the same strings
with `tag_index_of` / `bar_states_of`); the property tests compare the index with the rows."""

from __future__ import annotations

from collections.abc import Iterable

from counselbench.talent.models import BarStatus, ProfessionalProfile, TagKind


def tag_index_of(tags: Iterable[tuple[str, str]]) -> str:
    """Software is indexed as a skill: a posting's wanted skills match either."""
    keyed = {(TagKind.SKILL if kind == TagKind.SOFTWARE else kind, value) for kind, value in tags}
    return "|" + "".join(f"{kind}:{value}|" for kind, value in sorted(keyed))


def tag_needle(kind: str, value: str) -> str:
    return f"|{kind}:{value}|"


def bar_states_of(admissions: Iterable[tuple[str, str, bool]]) -> str:
    """From (state, status, verified) of each admission: the states where it counts."""
    states = sorted(
        {s for s, status, verified in admissions if status == BarStatus.ACTIVE and verified}
    )
    return "|" + "".join(f"{s}|" for s in states)


def refresh(profile: ProfessionalProfile) -> None:
    profile.tag_index = tag_index_of(profile.tags.values_list("kind", "value"))
    profile.bar_states = bar_states_of(
        (state, status, verified is not None)
        for state, status, verified in profile.bar_admissions.values_list(
            "state", "status", "verified_at"
        )
    )
    ProfessionalProfile.objects.filter(pk=profile.pk).update(
        tag_index=profile.tag_index, bar_states=profile.bar_states
    )
