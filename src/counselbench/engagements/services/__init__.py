"""The engagements' writers: proposals and terms, classification, the NDA, and the state
machine (PRODUCT §2.3–2.4)."""

from counselbench.engagements.services.agreement import (
    accept_agreement,
    acceptances,
    both_accepted,
    issue_agreement,
    latest_agreement,
    template_body,
    update_template,
)
from counselbench.engagements.services.classification import assess, current_assessment
from counselbench.engagements.services.engagements import (
    create_engagement,
    refuse_attorney_work,
    update_terms,
)
from counselbench.engagements.services.markup import markup_rule
from counselbench.engagements.services.nda import nda_signature, nda_text, offer, sign_nda
from counselbench.engagements.services.transitions import FLOW, moves_for, transition

__all__ = [
    "FLOW",
    "accept_agreement",
    "acceptances",
    "assess",
    "both_accepted",
    "create_engagement",
    "current_assessment",
    "issue_agreement",
    "latest_agreement",
    "markup_rule",
    "moves_for",
    "nda_signature",
    "nda_text",
    "offer",
    "refuse_attorney_work",
    "sign_nda",
    "template_body",
    "transition",
    "update_template",
    "update_terms",
]
