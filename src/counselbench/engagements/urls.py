from django.urls import path

from counselbench.engagements import views

app_name = "engagements"
urlpatterns = [
    path("", views.engagement_list, name="list"),
    path("new/", views.propose, name="propose"),
    path("how-we-work/", views.how_we_work, name="how_we_work"),
    path("agreement-template/", views.agreement_template, name="agreement_template"),
    path("<int:engagement_id>/", views.detail, name="detail"),
    path("<int:engagement_id>/classification/", views.classify, name="classify"),
    path("<int:engagement_id>/transition/", views.move, name="transition"),
    path("<int:engagement_id>/nda/", views.sign_nda, name="sign_nda"),
    path("<int:engagement_id>/agreement/", views.issue_agreement, name="issue_agreement"),
    path("<int:engagement_id>/agreement/accept/", views.accept_agreement, name="accept_agreement"),
    path("<int:engagement_id>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("<int:engagement_id>/onboarding/<int:item_id>/", views.tick_item, name="tick_item"),
    path("<int:engagement_id>/kickoff/", views.kickoff, name="kickoff"),
    path("<int:engagement_id>/rating/", views.rate, name="rate"),
    path("<int:engagement_id>/data-certificate/", views.certify, name="certify"),
    path(
        "<int:engagement_id>/checkins/<int:checkin_id>/",
        views.record_checkin,
        name="record_checkin",
    ),
    path(
        "<int:engagement_id>/checkins/<int:checkin_id>.ics", views.checkin_ics, name="checkin_ics"
    ),
    path("<int:engagement_id>/how-we-work/", views.acknowledge_guide, name="acknowledge_guide"),
]
