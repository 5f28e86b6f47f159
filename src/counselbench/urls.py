from django.contrib import admin
from django.urls import include, path

from counselbench.api import api
from counselbench.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the API docs, PDFs).
    path("favicon.ico", core_views.favicon),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("counselbench.accounts.urls")),
    path("", include("counselbench.organizations.urls")),
    path("audits/", include("counselbench.selfaudit.urls")),
    path("talent/", include("counselbench.talent.urls")),
    path("engagements/", include("counselbench.engagements.urls")),
    path("matters/", include("counselbench.matters.urls")),
    # Time under /time/, money (statements, invoices, receivables, rates) under /billing/.
    path("", include("counselbench.billing.urls")),
    path("trust/", include("counselbench.trust.urls")),
    # Intake: public pages (/intake/<firm>/, /book/<firm>/, /calendar/…) and the firm's front desk.
    path("", include("counselbench.intake.urls")),
    # Insights: the dashboard under /insights/, the client's survey at /survey/<token>/.
    path("", include("counselbench.insights.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "counselbench.core.views.not_found"
