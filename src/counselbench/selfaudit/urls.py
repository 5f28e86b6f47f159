from django.urls import path

from counselbench.selfaudit import views

app_name = "selfaudit"
urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("new/", views.audit_create, name="audit_create"),
    path("<int:audit_id>/import/", views.audit_import, name="audit_import"),
    path("<int:audit_id>/categorize/", views.audit_categorize, name="audit_categorize"),
    path("<int:audit_id>/", views.audit_detail, name="audit_detail"),
    path("<int:audit_id>/fit/<int:category_id>/", views.answer_fit_test, name="answer_fit_test"),
    path("<int:audit_id>/choose/", views.choose_process, name="choose_process"),
    path("<int:audit_id>/roi/", views.audit_roi, name="audit_roi"),
    path("<int:audit_id>/summary/", views.audit_summary, name="audit_summary"),
]
