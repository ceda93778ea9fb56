from django.urls import path

from . import views, views_calendar, views_points

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/calendar/", views_calendar.calendar_page, name="meetings_calendar"),
    path("meetings/calendar/<str:key>.ics", views_calendar.feed, name="meetings_feed"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>.ics", views_calendar.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/items/new/", views.agenda_item_add, name="agenda_item_add"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/edit/",
        views.agenda_item_edit,
        name="agenda_item_edit",
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/remove/",
        views.agenda_item_remove,
        name="agenda_item_remove",
    ),
    path("meetings/<int:pk>/totals/", views_points.meeting_totals, name="meeting_totals"),
    path("meetings/<int:pk>/points/", views_points.point_list, name="meeting_points"),
    path("meetings/<int:pk>/points/add/", views_points.point_add, name="point_add"),
    path("meetings/<int:pk>/points/invite/", views_points.points_invite, name="points_invite"),
    path(
        "meetings/<int:pk>/points/<int:point_pk>/confirm/",
        views_points.point_confirm,
        name="point_confirm",
    ),
    path(
        "meetings/<int:pk>/points/<int:point_pk>/check/",
        views_points.point_check,
        name="point_check",
    ),
    path(
        "meetings/<int:pk>/points/<int:point_pk>/edit/",
        views_points.point_edit,
        name="point_edit",
    ),
    path(
        "meetings/<int:pk>/points/<int:point_pk>/withdraw/",
        views_points.point_withdraw,
        name="point_withdraw",
    ),
    path(
        "meetings/<int:pk>/conclusions/new/",
        views.conclusion_add,
        name="conclusion_add",
    ),
    path(
        "meetings/<int:pk>/conclusions/<int:c_pk>/done/",
        views.conclusion_done,
        name="conclusion_done",
    ),
    path(
        "meetings/<int:pk>/conclusions/<int:c_pk>/reopen/",
        views.conclusion_reopen,
        name="conclusion_reopen",
    ),
    path(
        "meetings/<int:pk>/conclusions/<int:c_pk>/cancel/",
        views.conclusion_cancel,
        name="conclusion_cancel",
    ),
]
