from django.urls import path

from counselbench.billing.views import approvals, timesheet

app_name = "billing"
urlpatterns = [
    path("time/", timesheet.timesheet, name="timesheet"),
    path("time/entries/", timesheet.log_entry, name="log_entry"),
    path("time/entries/<int:entry_id>/edit/", timesheet.edit_entry, name="edit_entry"),
    path("time/entries/<int:entry_id>/delete/", timesheet.delete_entry, name="delete_entry"),
    path("time/entries/<int:entry_id>/correct/", timesheet.correct_entry, name="correct_entry"),
    path("time/submit/", timesheet.submit_week, name="submit_week"),
    path("time/timer/start/", timesheet.start_timer, name="start_timer"),
    path("time/timer/stop/", timesheet.stop_timer, name="stop_timer"),
    path("time/timer/discard/", timesheet.discard_timer, name="discard_timer"),
    path("time/approvals/", approvals.approvals, name="approvals"),
    path("time/approvals/decide/", approvals.decide, name="decide"),
]
