from django.urls import path

from . import views, views_alerts, views_areas, views_note

urlpatterns = [
    path("situation/", views.board, name="situation_board"),
    path("situation/notes/", views.note_list, name="situation_notes"),
    path("situation/notes/new/", views.note_create, name="situation_note_new"),
    path("situation/notes/export.xlsx", views.notes_export, name="situation_notes_export"),
    path("situation/notes/import/", views.notes_import, name="situation_notes_import"),
    path(
        "situation/notes/import/template.xlsx",
        views.notes_template,
        name="situation_notes_template",
    ),
    path("situation/notes/<int:pk>/", views_note.note_detail, name="situation_note"),
    path("situation/notes/<int:pk>/edit/", views.note_edit, name="situation_note_edit"),
    path(
        "situation/notes/<int:pk>/resolve/", views_note.note_resolve, name="situation_note_resolve"
    ),
    path("situation/notes/<int:pk>/reopen/", views_note.note_reopen, name="situation_note_reopen"),
    path(
        "situation/notes/<int:pk>/follow-ups/",
        views_note.follow_up_add,
        name="situation_follow_up_add",
    ),
    path(
        "situation/notes/<int:pk>/attachments/",
        views_note.attachment_add,
        name="situation_attachment_add",
    ),
    path(
        "situation/attachments/<int:pk>/",
        views_note.attachment_download,
        name="situation_attachment",
    ),
    path(
        "situation/attachments/<int:pk>/remove/",
        views_note.attachment_remove,
        name="situation_attachment_remove",
    ),
    path(
        "situation/attachments/<int:pk>/restore/",
        views_note.attachment_restore,
        name="situation_attachment_restore",
    ),
    path("situation/alerts/", views_alerts.alert_list, name="situation_alerts"),
    path("situation/alerts/<int:pk>/", views_alerts.alert_detail, name="situation_alert"),
    path(
        "situation/alerts/<int:pk>/acknowledge/",
        views_alerts.alert_acknowledge,
        name="situation_alert_acknowledge",
    ),
    path(
        "situation/alerts/<int:pk>/assign/",
        views_alerts.alert_assign,
        name="situation_alert_assign",
    ),
    path(
        "situation/alerts/<int:pk>/close/", views_alerts.alert_close, name="situation_alert_close"
    ),
    path("situation/areas/<int:pk>/", views_areas.area_detail, name="situation_area"),
    path("situation/areas/<int:pk>/map/", views_areas.area_map_edit, name="situation_area_map"),
]
