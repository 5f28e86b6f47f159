import time, cProfile, pstats
import pytest
from django.core import signing
from django.test import Client
from django.db import connection
from django.test.utils import CaptureQueriesContext

@pytest.mark.django_db
def test_profile(cast, settings):
    settings.INTAKE_MIN_FILL_SECONDS = 0
    settings.INTAKE_RATE_IP = "100000/h"
    from counselbench.intake.models import IntakeForm, IntakeProfile
    from counselbench.matters.models import Party
    from counselbench.matters.conflicts import normalize
    from tests.factories import MatterFactory
    IntakeProfile.objects.create(organization=cast.firm, submissions_per_hour=100000)
    IntakeForm.objects.create(organization=cast.firm, practice_area="family", title_en="F", title_es="F")
    m = MatterFactory(organization=cast.firm)
    Party.objects.bulk_create([Party(matter=m, name=f"Party {i} Name", role="adverse", normalized=normalize(f"Party {i} Name")) for i in range(30)])
    c = Client()
    tok = signing.dumps({"s": "our-firm", "t": time.time() - 60}, salt="counselbench.intake.form", compress=False)
    def post(i):
        return c.post("/intake/our-firm/start/", {"name": f"Bench Person {chr(65+i%26)}{chr(65+i//26%26)}{chr(65+i//676)}", "other_parties": "Lone Star Freight LLC\nAllied Mutual", "practice_area": "family", "ts": tok})
    post(9999)
    with CaptureQueriesContext(connection) as q:
        r = post(0)
    print(r.status_code, len(q.captured_queries))
    for x in q.captured_queries: print("  ", x["sql"][:150])
    t = time.perf_counter()
    pr = cProfile.Profile(); pr.enable()
    for i in range(1, 201): post(i)
    pr.disable()
    print("per request ms", (time.perf_counter() - t) / 200 * 1000)
    pstats.Stats(pr).sort_stats("cumulative").print_stats(35)
