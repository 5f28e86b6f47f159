from django.urls import path

from counselbench.selfaudit import views

app_name = "selfaudit"
urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("<int:audit_id>/", views.audit_detail, name="audit_detail"),
]
