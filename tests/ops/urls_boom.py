"""The site's URLs plus one view that fails, for the 500 page's test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from danvan.config.urls import urlpatterns as site

handler500 = "danvan.config.views.server_error"


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the disk is full")


urlpatterns = [path("boom/", boom), *site]
