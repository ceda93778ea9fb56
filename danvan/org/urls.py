from django.urls import path

from . import views, views_pick, views_two_factor

urlpatterns = [
    path("areas/", views.area_list, name="area_list"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/import/", views.area_import, name="area_import"),
    path("areas/pick/", views_pick.area_pick, name="area_pick"),
    path("areas/<int:pk>/", views.area_detail, name="area_detail"),
    path("areas/<int:pk>/children/", views.area_children, name="area_children"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("orgs/", views.organization_list, name="organization_list"),
    path("orgs/new/", views.organization_create, name="organization_create"),
    path("orgs/pick/", views_pick.organization_pick, name="organization_pick"),
    path("orgs/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("orgs/<int:pk>/children/", views.organization_children, name="organization_children"),
    path("orgs/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("orgs/<int:pk>/move/", views.organization_move, name="organization_move"),
    path("orgs/<int:pk>/dissolve/", views.organization_dissolve, name="organization_dissolve"),
    path("orgs/<int:pk>/successor/", views.organization_successor, name="organization_successor"),
    path("orgs/<int:pk>/invite/", views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("memberships/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path(
        "memberships/<int:pk>/reset-two-factor/",
        views_two_factor.membership_reset_two_factor,
        name="membership_reset_two_factor",
    ),
]
