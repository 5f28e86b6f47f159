"""The talent bench's writers: profiles, vetting, postings and candidates (PRODUCT §2.2)."""

from counselbench.talent.services.candidates import (
    comparison,
    ensure_questions,
    move,
    score_interview,
    shortlist,
)
from counselbench.talent.services.postings import (
    anonymized,
    create_posting,
    delete_posting,
    update_posting,
)
from counselbench.talent.services.profiles import (
    declare_bar_admission,
    my_profile,
    update_profile,
    verify_bar_admission,
)
from counselbench.talent.services.vetting import (
    SOFT_SKILL_RUBRIC,
    assess_soft_skills,
    is_vetted,
    pipeline,
    record_step,
)
from counselbench.talent.services.weights import reset_weights, set_weights

__all__ = [
    "SOFT_SKILL_RUBRIC",
    "anonymized",
    "assess_soft_skills",
    "comparison",
    "create_posting",
    "declare_bar_admission",
    "delete_posting",
    "ensure_questions",
    "is_vetted",
    "move",
    "my_profile",
    "pipeline",
    "record_step",
    "reset_weights",
    "score_interview",
    "set_weights",
    "shortlist",
    "update_posting",
    "update_profile",
    "verify_bar_admission",
]
