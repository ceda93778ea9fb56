from django.urls import path

from . import views_dialogues, views_petitions, views_reports

urlpatterns = [
    path("dialogue/", views_petitions.petition_list, name="dialogue_petitions"),
    path(
        "dialogue/petitions/export.xlsx",
        views_petitions.petitions_export,
        name="dialogue_petitions_export",
    ),
    path("dialogue/petitions/new/", views_petitions.petition_create, name="dialogue_petition_new"),
    path("dialogue/petitions/<int:pk>/", views_petitions.petition_detail, name="dialogue_petition"),
    path(
        "dialogue/petitions/<int:pk>/identity/",
        views_petitions.petition_identity,
        name="dialogue_petition_identity",
    ),
    path(
        "dialogue/petitions/<int:pk>/attachments/<int:attachment_pk>/",
        views_petitions.petition_attachment,
        name="dialogue_petition_attachment",
    ),
    path(
        "dialogue/petitions/<int:pk>/<slug:action>/",
        views_petitions.petition_action,
        name="dialogue_petition_action",
    ),
    path("dialogue/receptions/", views_dialogues.reception_list, name="dialogue_receptions"),
    path(
        "dialogue/receptions/new/",
        views_dialogues.reception_create,
        name="dialogue_reception_new",
    ),
    path(
        "dialogue/receptions/<int:pk>/",
        views_dialogues.reception_detail,
        name="dialogue_reception",
    ),
    path(
        "dialogue/receptions/<int:pk>/edit/",
        views_dialogues.reception_edit,
        name="dialogue_reception_edit",
    ),
    path("dialogue/dialogues/", views_dialogues.dialogue_list, name="dialogue_dialogues"),
    path("dialogue/dialogues/new/", views_dialogues.dialogue_create, name="dialogue_dialogue_new"),
    path(
        "dialogue/dialogues/<int:pk>/edit/",
        views_dialogues.dialogue_edit,
        name="dialogue_dialogue_edit",
    ),
    path("dialogue/dialogues/<int:pk>/", views_dialogues.dialogue_detail, name="dialogue_dialogue"),
    path(
        "dialogue/dialogues/<int:pk>/<slug:action>/",
        views_dialogues.dialogue_action,
        name="dialogue_dialogue_action",
    ),
    path(
        "dialogue/commitments/<int:pk>/<slug:action>/",
        views_dialogues.commitment_action,
        name="dialogue_commitment_action",
    ),
    path("dialogue/schedule/", views_reports.schedule, name="dialogue_schedule"),
    path("dialogue/scorecard/", views_reports.scorecard_page, name="dialogue_scorecard"),
    path("dialogue/data-requests/", views_reports.data_requests, name="dialogue_data_requests"),
    path(
        "dialogue/data-requests/<int:pk>/<slug:action>/",
        views_reports.data_request_action,
        name="dialogue_data_request_action",
    ),
]
