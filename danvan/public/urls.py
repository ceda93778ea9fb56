"""The citizens' pages (no login) and the Open311 GeoReport v2 endpoint."""

from django.urls import path

from . import open311, views

urlpatterns = [
    path("kien-nghi/", views.petition_form, name="public_petition_form"),
    path("kien-nghi/da-gui/", views.petition_sent, name="public_petition_sent"),
    path("kien-nghi/tra-cuu/", views.track, name="public_track"),
    path("kien-nghi/tra-cuu/<str:code>/", views.track_code, name="public_track_code"),
    path("kien-nghi/tra-cuu/<str:code>/xac-nhan/", views.confirm, name="public_confirm"),
    path("kien-nghi/bang-xep-hang/", views.public_scorecard, name="public_scorecard"),
    path("kien-nghi/feed.atom", views.AnswersFeed(), name="public_feed"),
    path("open311/v2/services.json", open311.service_list, name="open311_services"),
    path("open311/v2/requests.json", open311.requests, name="open311_requests"),
    path("open311/v2/requests/<str:code>.json", open311.request_detail, name="open311_request"),
]
