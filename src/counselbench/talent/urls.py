from django.urls import path

from counselbench.talent.views import postings, professionals, providers, weights

app_name = "talent"
urlpatterns = [
    path("postings/", postings.posting_list, name="postings"),
    path("postings/new/", postings.posting_edit, name="posting_new"),
    path("postings/<int:posting_id>/", postings.posting_detail, name="posting_detail"),
    path("postings/<int:posting_id>/edit/", postings.posting_edit, name="posting_edit"),
    path("postings/<int:posting_id>/shortlist/", postings.shortlist, name="shortlist"),
    path("postings/<int:posting_id>/interviews/", postings.interviews, name="interviews"),
    path("candidates/<int:candidate_id>/scores/", postings.score_interview, name="score_interview"),
    path("candidates/<int:candidate_id>/state/", postings.move_candidate, name="move_candidate"),
    path("match-weights/", weights.match_weights, name="match_weights"),
    path("rates/", postings.rate_suggestion, name="rate_suggestion"),
    path("network/", professionals.network, name="network"),
    path(
        "professionals/<int:professional_id>/",
        professionals.professional_detail,
        name="professional_detail",
    ),
    path(
        "professionals/<int:professional_id>/vetting/",
        professionals.record_step,
        name="record_step",
    ),
    path(
        "professionals/<int:professional_id>/soft-skills/",
        professionals.assess_soft_skills,
        name="assess_soft_skills",
    ),
    path("bar-admissions/<int:admission_id>/verify/", professionals.verify_bar, name="verify_bar"),
    path("providers/", providers.provider_list, name="providers"),
    path("providers/compare/", providers.provider_compare, name="provider_compare"),
    path("providers/<int:provider_id>/", providers.provider_scorecard, name="provider_scorecard"),
    path("me/", professionals.my_profile, name="my_profile"),
    path("jobs/", professionals.job_board, name="jobs"),
]
