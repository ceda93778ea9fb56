"""The failing view of urls_boom, and an error page that fails too: what escapes Django."""

from django.http import HttpRequest, HttpResponse

from tests.ops.urls_boom import urlpatterns

__all__ = ["handler500", "urlpatterns"]


def handler500(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the error page fails too")
