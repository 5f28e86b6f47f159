"""The task taxonomy Counselbench ships (PRODUCT §2.1), copied into each firm on first use, and the
default market rates with their sources. Both are editable per firm afterwards."""

from counselbench.selfaudit.models import LicenseLevel

A, P, ADM = LicenseLevel.ATTORNEY, LicenseLevel.PARALEGAL, LicenseLevel.ADMINISTRATIVE

# key, name, level, description, examples
SHIPPED_CATEGORIES: list[tuple[str, str, str, str, list[str]]] = [
    (
        "legal-advice",
        "Legal advice and strategy",
        A,
        "Counselling clients and deciding case strategy: the attorney's core work.",
        ["Advise client on settlement options", "Strategy call on motion to dismiss"],
    ),
    (
        "court-appearances",
        "Court appearances",
        A,
        "Hearings, trials, depositions taken or defended.",
        ["Attend status conference", "Argue summary judgment motion"],
    ),
    (
        "negotiations",
        "Negotiations",
        A,
        "Negotiating with opposing counsel or parties on the client's behalf.",
        ["Negotiate lease terms with landlord's counsel", "Mediation session"],
    ),
    (
        "signing-filings",
        "Signing and final review of filings",
        A,
        "Final review and signature of pleadings and filings the attorney is responsible for.",
        ["Final review and sign answer", "Approve and sign discovery responses"],
    ),
    (
        "niche-expertise",
        "Niche legal expertise",
        A,
        "Specialist legal work outside the firm's usual practice (may go to a contract attorney).",
        ["Review ERISA implications of severance", "Patent claim analysis"],
    ),
    (
        "drafting",
        "Drafting (agreements, motions, memos, briefs)",
        P,
        "First drafts of documents an attorney then reviews and signs.",
        ["Draft motion to compel", "Draft NDA from template", "First draft of research memo"],
    ),
    (
        "litigation-support",
        "Litigation support",
        P,
        "Case preparation under attorney supervision: chronologies, witness files, subpoenas.",
        ["Prepare case chronology", "Organize witness files"],
    ),
    (
        "legal-research",
        "Legal research",
        P,
        "Finding and summarizing statutes, cases and secondary sources.",
        ["Research statute of limitations in Texas", "Shepardize cited cases"],
    ),
    (
        "document-review",
        "Document review",
        P,
        "Reviewing documents for relevance, privilege or key facts.",
        ["Review production for privilege", "Tag relevant emails"],
    ),
    (
        "ediscovery",
        "eDiscovery",
        P,
        "Collecting, processing and producing electronically stored information.",
        ["Run search terms in review platform", "Prepare production set"],
    ),
    (
        "due-diligence",
        "Due diligence",
        P,
        "Reviewing records for a transaction or investigation.",
        ["Review corporate minute book", "Lien and UCC searches"],
    ),
    (
        "contract-management",
        "Contract management and review",
        P,
        "Tracking, abstracting and first-pass review of contracts.",
        ["Abstract key terms of vendor contracts", "Redline against playbook"],
    ),
    (
        "deposition-summaries",
        "Deposition summaries",
        P,
        "Summarizing transcripts for the attorney.",
        ["Summarize deposition of plaintiff", "Page-line digest of expert depo"],
    ),
    (
        "trial-exhibits",
        "Trial exhibits and binders",
        P,
        "Preparing exhibit lists, binders and trial materials.",
        ["Assemble trial binders", "Prepare exhibit list and stickers"],
    ),
    (
        "client-communication",
        "Client communication",
        P,
        "Status updates, document requests and routine client contact "
        "(advice stays with attorneys).",
        ["Call client with case status update", "Email client for missing documents"],
    ),
    (
        "case-intake",
        "Case intake",
        ADM,
        "First contact with prospective clients: collecting facts and scheduling consultations.",
        ["Intake call with new prospect", "Enter intake form into CRM"],
    ),
    (
        "e-filing",
        "E-filing",
        ADM,
        "Filing logistics: formatting, uploading, serving and docketing confirmations.",
        ["E-file answer in county portal", "Serve filing on opposing counsel"],
    ),
    (
        "calendar-scheduling",
        "Calendar and scheduling",
        ADM,
        "Docketing deadlines, scheduling meetings, depositions and hearings.",
        ["Schedule deposition with court reporter", "Docket response deadline"],
    ),
    (
        "data-entry",
        "Data entry",
        ADM,
        "Entering information into practice management and other systems.",
        ["Enter new matter into Clio", "Update contact records"],
    ),
    (
        "billing-support",
        "Billing support",
        ADM,
        "Time entry clean-up, invoice preparation, collections follow-up.",
        ["Prepare monthly invoices", "Follow up on overdue invoices"],
    ),
    (
        "bookkeeping",
        "Bookkeeping",
        ADM,
        "Operating-account bookkeeping, payables and reconciliation.",
        ["Reconcile operating account", "Enter vendor bills"],
    ),
    (
        "trust-accounting",
        "Trust accounting",
        ADM,
        "Recording trust deposits and disbursements under attorney oversight.",
        ["Record retainer deposit to trust", "Prepare trust disbursement request"],
    ),
    (
        "crm-upkeep",
        "CRM upkeep",
        ADM,
        "Keeping client and referral-source records current.",
        ["Merge duplicate contacts", "Tag referral sources"],
    ),
    (
        "marketing",
        "Marketing and business development",
        ADM,
        "Newsletters, website updates, social posts, event logistics.",
        ["Schedule newsletter", "Update attorney bios on website"],
    ),
]

# Default market rates (US dollars per hour), cited from the source material in shared/seeds/.
# Firms should replace them with local figures: the table is editable.
DEFAULT_MARKET_RATES: list[tuple[str, int, str]] = [
    (
        P,
        2885,
        "$60,000 a year including benefits for a US-based paralegal ÷ 2,080 working hours "
        '("Legal Assistant Outsourcing: Pros and Cons", shared/seeds/003).',
    ),
    (
        ADM,
        2500,
        "Upper end of the $15–25 an hour quoted for outsourced legal assistants "
        '("Legal Assistant Outsourcing: Pros and Cons", shared/seeds/003).',
    ),
    (
        A,
        10000,
        "Placeholder for contract-attorney work: set your local rate. Attorney-level work is never "
        "counted as outsourceable misused time, so the hit list does not use this figure.",
    ),
]

# The words that usually mark each category in a firm's task log: general practice vocabulary that
# lets the suggester work for a new firm before it has corrected anything.
CATEGORY_VOCABULARY: dict[str, str] = {
    "legal-advice": "advise advice counsel recommend strategy options risks opinion decide "
    "evaluate merits exposure whether",
    "court-appearances": "court hearing appear appearance attend judge trial docket call "
    "conference arraignment argue argument deposition defend take "
    "cross-examine testimony zoom",
    "negotiations": "negotiate negotiation settlement mediation counteroffer terms opposing "
    "counsel offer demand release cap royalty",
    "signing-filings": "sign signature signed execute approve final review before filing sign-off "
    "certificate verified",
    "niche-expertise": "specialist regulatory regulation compliance erisa patent immigration tax "
    "securities hipaa environmental export medicaid fcc trademark maritime "
    "crypto implications analyze",
    "drafting": "draft drafting prepare first draft template agreement motion memo brief letter "
    "will trust petition complaint reply response interrogatories",
    "litigation-support": "chronology witness files subpoena index case file track discovery "
    "expert coordinate gather compile damages privilege log exhibits "
    "outline",
    "legal-research": "research case law statute statutes westlaw lexis shepardize keycite "
    "authorities precedent rules elements standard decisions survey",
    "document-review": "review documents production privilege relevant responsive tag code "
    "first-level second-level hot redact records emails custodian batch",
    "ediscovery": "esi ediscovery search terms relativity platform processing collection "
    "forensic load file bates native tiff metadata hold dedupe tar review workspace",
    "due-diligence": "diligence due target acquisition lien ucc title minute book data room "
    "good standing background search checklist findings",
    "contract-management": "contract contracts abstract redline playbook tracker renewal "
    "expiring repository obligations sow msa versions auto-renewal "
    "e-signature vendor",
    "deposition-summaries": "summarize summary deposition transcript digest page-line depo "
    "testimony admissions designations errata",
    "trial-exhibits": "exhibit exhibits binder binders trial notebook stickers demonstrative "
    "juror impeachment tab copies slideshow",
    "client-communication": "client update status call email send reply remind follow up "
    "questions voicemail copies explain",
    "case-intake": "intake prospect prospective lead inquiry consultation screen conflict "
    "check new client referral web form",
    "e-filing": "file filing e-file efile ecf portal serve service upload stamped fee pdf "
    "submit resubmit rejected bookmarks",
    "calendar-scheduling": "schedule reschedule calendar docket deadline deadlines date dates "
    "book meeting invites reminders availability court reporter",
    "data-entry": "enter entry input update record records contact contacts database "
    "spreadsheet type transcribe scan import fields clio",
    "billing-support": "invoice invoices billing pre-bill pre-bills bill payment payments "
    "collections overdue aging statement ledes write off",
    "bookkeeping": "bookkeeping quickbooks operating account reconcile vendor bills payroll "
    "expenses expense profit loss cpa 1099 payable credit card budget",
    "trust-accounting": "trust iolta retainer disbursement ledger three-way reconciliation "
    "earned fees settlement deposit refund unearned evergreen wire cleared",
    "crm-upkeep": "crm contacts leads pipeline duplicate merge tag referral segments archive "
    "assign lead sources",
    "marketing": "marketing newsletter website blog social media posts seminar reviews pitch "
    "sponsorship linkedin analytics brochures cards bios",
}
