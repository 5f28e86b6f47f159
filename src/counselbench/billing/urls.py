from django.urls import path

from counselbench.billing.views import approvals, timesheet

app_name = "billing"
urlpatterns = [
    path("", timesheet.timesheet, name="timesheet"),
    path("entries/", timesheet.log_entry, name="log_entry"),
    path("entries/<int:entry_id>/edit/", timesheet.edit_entry, name="edit_entry"),
    path("entries/<int:entry_id>/delete/", timesheet.delete_entry, name="delete_entry"),
    path("entries/<int:entry_id>/correct/", timesheet.correct_entry, name="correct_entry"),
    path("submit/", timesheet.submit_week, name="submit_week"),
    path("timer/start/", timesheet.start_timer, name="start_timer"),
    path("timer/stop/", timesheet.stop_timer, name="stop_timer"),
    path("timer/discard/", timesheet.discard_timer, name="discard_timer"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("approvals/decide/", approvals.decide, name="decide"),
]
