from django.urls import path

from counselbench.selfaudit.views import audits, categories, imports, log, planning

app_name = "selfaudit"
urlpatterns = [
    path("", audits.audit_list, name="audit_list"),
    path("new/", audits.audit_create, name="audit_create"),
    path("taxonomy/", categories.taxonomy, name="taxonomy"),
    path("taxonomy/<int:category_id>/", categories.category_edit, name="category_edit"),
    path("taxonomy/<int:category_id>/retire/", categories.category_retire, name="category_retire"),
    path("taxonomy/rates/<int:rate_id>/", categories.market_rate_edit, name="market_rate_edit"),
    path("<int:audit_id>/import/", imports.audit_import, name="audit_import"),
    path("<int:audit_id>/categorize/", imports.audit_categorize, name="audit_categorize"),
    path("<int:audit_id>/log/", log.audit_log, name="audit_log"),
    path("<int:audit_id>/week/", log.audit_week, name="audit_week"),
    path("<int:audit_id>/entries/<int:entry_id>/", log.entry_update, name="entry_update"),
    path("<int:audit_id>/entries/<int:entry_id>/delete/", log.entry_delete, name="entry_delete"),
    path("<int:audit_id>/", audits.audit_detail, name="audit_detail"),
    path("<int:audit_id>/edit/", audits.audit_edit, name="audit_edit"),
    path("<int:audit_id>/fit/<int:category_id>/", audits.answer_fit_test, name="answer_fit_test"),
    path("<int:audit_id>/choose/", audits.choose_process, name="choose_process"),
    path("<int:audit_id>/roi/", planning.audit_roi, name="audit_roi"),
    path("<int:audit_id>/summary/", planning.audit_summary, name="audit_summary"),
    path("<int:audit_id>/summary.pdf", planning.audit_summary_pdf, name="audit_summary_pdf"),
]
