from django.urls import path

from counselbench.insights import views

app_name = "insights"
urlpatterns = [
    path("insights/", views.dashboard, name="dashboard"),
    path("insights/mine/", views.mine, name="mine"),
    path("insights/engagements/<int:engagement_id>/", views.scorecard, name="scorecard"),
    path("insights/export.csv", views.export_csv, name="export"),
    path("insights/report/", views.report, name="report"),
    path("insights/report.pdf", views.report_pdf, name="report_pdf"),
    # The client's satisfaction survey: public, through the signed link in the email.
    path("survey/<str:token>/", views.survey, name="survey"),
]
