from django.contrib import admin
from django.urls import include, path

from . import views
from .api import api

admin.site.site_header = "danvan"
admin.site.site_title = "danvan"
admin.site.index_title = "danvan"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("danvan.accounts.urls")),
    path("", include("danvan.documents.urls")),
    path("", include("danvan.programs.urls")),
    path("", include("danvan.oversight.urls")),
    path("", include("danvan.reporting.urls")),
    path("", include("danvan.situation.urls")),
    path("", include("danvan.meetings.urls")),
    path("", include("danvan.dialogue.urls")),
    path("", include("danvan.public.urls")),
    path("", include("danvan.dashboard.urls")),
    path("", include("danvan.practices.urls")),
    path("", include("danvan.org.urls")),
]

handler400 = "danvan.config.views.bad_request"
handler404 = "danvan.config.views.not_found"
handler403 = "danvan.config.views.forbidden"
handler500 = "danvan.config.views.server_error"
