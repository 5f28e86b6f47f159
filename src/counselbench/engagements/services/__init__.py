"""The engagements' writers: proposals and terms, classification, the NDA, and the state
machine (PRODUCT §2.3–2.4)."""

from counselbench.engagements.services.classification import assess, current_assessment
from counselbench.engagements.services.engagements import create_engagement, update_terms
from counselbench.engagements.services.markup import markup_rule
from counselbench.engagements.services.nda import nda_signature, nda_text, offer, sign_nda
from counselbench.engagements.services.transitions import FLOW, moves_for, transition

__all__ = [
    "FLOW",
    "assess",
    "create_engagement",
    "current_assessment",
    "markup_rule",
    "moves_for",
    "nda_signature",
    "nda_text",
    "offer",
    "sign_nda",
    "transition",
    "update_terms",
]
