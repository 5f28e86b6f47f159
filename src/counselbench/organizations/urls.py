from django.urls import path

from counselbench.organizations import views

app_name = "organizations"
urlpatterns = [
    path("org/new/", views.create, name="create"),
    path("org/switch/<int:organization_id>/", views.switch, name="switch"),
    path("org/members/", views.members, name="members"),
    path("org/members/<int:membership_id>/role/", views.change_role, name="change_role"),
    path("org/members/<int:membership_id>/remove/", views.remove_member, name="remove_member"),
    path(
        "org/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("org/settings/", views.organization_settings, name="settings"),
    path("org/activity/", views.activity, name="activity"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
