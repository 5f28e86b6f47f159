"""The shipped rule tables: states with an ABC test for employee status, and the default markup
rule. Both are editable (admin); every row cites its source."""

from django.db import migrations

ABC_STATES = [
    (
        "CA",
        "California Labor Code § 2775 (AB 5, 2019)",
        "Presumes employment unless all three prongs hold (Dynamex, 2018).",
    ),
    (
        "MA",
        "Massachusetts General Laws c. 149, § 148B",
        "Independent contractor only if all three prongs hold.",
    ),
    (
        "NJ",
        "N.J.S.A. 43:21-19(i)(6)(A)–(C)",
        "The ABC test of the unemployment compensation law, applied to wage-and-hour claims "
        "(Hargrove v. Sleepy's, 2015).",
    ),
]
MARKUP_DEFAULT = (
    "*",
    "disclosure_required",
    "ABA Formal Opinion 08-451 (2008); ABA Model Rules 1.5 and 1.6",
    "A firm may bill a contract lawyer's or paralegal's work as fees at a reasonable markup, or "
    "as a cost at actual cost plus a reasonable share of overhead. Tell the client when outside "
    "professionals do significant work and get informed consent before sharing confidential "
    "information. Add a row for a jurisdiction whose rules differ.",
)


def seed(apps, schema_editor):
    AbcTestState = apps.get_model("engagements", "AbcTestState")
    MarkupRule = apps.get_model("engagements", "MarkupRule")
    for state, law, note in ABC_STATES:
        AbcTestState.objects.get_or_create(state=state, defaults={"law": law, "note": note})
    jurisdiction, policy, source, note = MARKUP_DEFAULT
    MarkupRule.objects.get_or_create(
        jurisdiction=jurisdiction, defaults={"policy": policy, "source": source, "note": note}
    )


def unseed(apps, schema_editor):
    apps.get_model("engagements", "AbcTestState").objects.filter(
        state__in=[s for s, _, _ in ABC_STATES]
    ).delete()
    apps.get_model("engagements", "MarkupRule").objects.filter(jurisdiction="*").delete()


class Migration(migrations.Migration):
    dependencies = [("engagements", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
