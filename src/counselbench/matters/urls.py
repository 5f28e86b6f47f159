from django.urls import path

from counselbench.matters.views import matters, tasks

app_name = "matters"
urlpatterns = [
    path("", matters.matter_list, name="list"),
    path("new/", matters.matter_new, name="new"),
    path("<int:matter_id>/", matters.matter_detail, name="detail"),
    path("<int:matter_id>/edit/", matters.matter_edit, name="edit"),
    path("<int:matter_id>/parties/", matters.add_parties, name="add_parties"),
    path(
        "<int:matter_id>/parties/<int:party_id>/remove/",
        matters.remove_party,
        name="remove_party",
    ),
    path("<int:matter_id>/consent/", matters.record_consent, name="record_consent"),
    path("<int:matter_id>/consent/withdraw/", matters.withdraw_consent, name="withdraw_consent"),
    path("<int:matter_id>/conflict-check/", matters.run_conflict_check, name="run_conflict_check"),
    path("conflict-checks/<int:check_id>/clear/", matters.clear_conflict, name="clear_conflict"),
    path("<int:matter_id>/screens/", matters.add_screen, name="add_screen"),
    path(
        "<int:matter_id>/screens/<int:screen_id>/remove/",
        matters.remove_screen,
        name="remove_screen",
    ),
    path("<int:matter_id>/documents/", matters.upload_document, name="upload_document"),
    path("documents/<int:document_id>/versions/", matters.upload_version, name="upload_version"),
    path("documents/<int:document_id>/download/", matters.download, name="download"),
    path("alerts/", matters.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/acknowledge/", matters.acknowledge_alert, name="acknowledge_alert"),
    path("tasks/", tasks.task_board, name="tasks"),
    path("tasks/new/", tasks.task_new, name="task_new"),
    path("tasks/<int:task_id>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/transition/", tasks.task_transition, name="task_transition"),
    path("tasks/<int:task_id>/assign/", tasks.task_assign, name="task_assign"),
    path("tasks/<int:task_id>/documents/", tasks.attach_document, name="attach_document"),
    path(
        "tasks/<int:task_id>/documents/<int:document_id>/detach/",
        tasks.detach_document,
        name="detach_document",
    ),
    path("tasks/<int:task_id>/work-product/", tasks.upload_work_product, name="work_product"),
    path("tasks/<int:task_id>/comments/", tasks.add_comment, name="add_comment"),
    path("grants/<int:grant_id>/revoke/", tasks.revoke_grant, name="revoke_grant"),
    path("my-tasks/", tasks.my_tasks, name="my_tasks"),
    path("prior-parties/", tasks.prior_parties, name="prior_parties"),
    path(
        "prior-parties/<int:prior_party_id>/remove/",
        tasks.remove_prior_party,
        name="remove_prior_party",
    ),
]
