"""One log line per request, with an id that follows it to the 500 page and the traceback."""

from __future__ import annotations

import datetime
import json
import logging
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from pythonjsonlogger.json import JsonFormatter

from danvan.lib.logconfig import logging_config
from danvan.lib.requestlog import RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_log(caplog):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO, logger="danvan.request")
    return caplog


def lines(caplog) -> list[logging.LogRecord]:  # type: ignore[no-untyped-def]
    return [r for r in caplog.records if r.name == "danvan.request"]


def test_each_request_is_one_line_with_duration_user_and_status(request_log, tinh, as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user(tinh).get("/agenda/")
    assert response.status_code == 200
    (line,) = lines(request_log)
    assert (line.method, line.path, line.status) == ("GET", "/agenda/", 200)
    assert line.user_id == tinh.pk and line.duration_ms > 0
    assert line.request_id == response["X-Request-ID"] and len(line.request_id) == 32


def test_an_anonymous_request_has_no_user_and_keeps_the_proxys_id(request_log) -> None:  # type: ignore[no-untyped-def]
    response = Client(headers={"X-Request-ID": "nginx-4f2a9c1e77"}).get("/healthz")
    assert response["X-Request-ID"] == "nginx-4f2a9c1e77"
    (line,) = lines(request_log)
    assert (line.user_id, line.status, line.request_id) == (None, 200, "nginx-4f2a9c1e77")


def test_a_forged_id_is_replaced(request_log) -> None:  # type: ignore[no-untyped-def]
    response = Client(headers={"X-Request-ID": 'x" onload="y'}).get("/healthz")
    assert response["X-Request-ID"] != 'x" onload="y' and len(response["X-Request-ID"]) == 32


@override_settings(ROOT_URLCONF="tests.ops.urls_boom")
def test_a_500_shows_the_id_and_the_log_has_the_traceback_with_it(request_log) -> None:  # type: ignore[no-untyped-def]
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert request_id in response.content.decode()
    (error,) = [r for r in request_log.records if r.name == "django.request"]
    assert error.request_id == request_id
    assert error.exc_info and "the disk is full" in str(error.exc_info[1])
    (line,) = lines(request_log)
    assert (line.status, line.request_id) == (500, request_id)


def test_with_the_database_down_a_signed_in_user_still_gets_the_page_and_the_log_its_line(
    request_log, tinh, as_user
) -> None:  # type: ignore[no-untyped-def]
    """The user, the menu and the bell need the database: the error page is drawn without them
    (before, the error page itself failed and the server answered its bare 500, unlogged)."""
    client = as_user(tinh)
    client.raise_request_exception = False
    down = OperationalError("connection refused: is the server running on 127.0.0.1:5432?")
    with mock.patch("django.contrib.auth.get_user", side_effect=down):
        response = client.get("/agenda/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    page = response.content.decode()
    assert "Mã tham chiếu lỗi" in page and request_id in page and "danvan" in page
    (line,) = lines(request_log)
    assert (line.status, line.request_id, line.user_id) == (500, request_id, None)
    (error,) = [r for r in request_log.records if r.name == "django.request"]
    assert "connection refused" in str(error.exc_info[1])


@override_settings(ROOT_URLCONF="tests.ops.urls_boom_twice")
def test_what_escapes_django_is_logged_as_a_500(request_log) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match="the error page fails too"):
        Client().get("/boom/")  # the server (gunicorn) answers its own 500
    (line,) = lines(request_log)
    assert (line.method, line.path, line.status) == ("GET", "/boom/", 500) and line.request_id


def test_the_json_format_is_one_object_per_line_with_the_fields() -> None:
    config = logging_config("json", "INFO")
    spec = config["formatters"]["json"]
    formatter = JsonFormatter(
        spec["fmt"], style="{", rename_fields=spec["rename_fields"], timestamp=spec["timestamp"]
    )
    record = logging.LogRecord("danvan.request", logging.INFO, __file__, 1, "GET / 200", (), None)
    record.status, record.duration_ms, record.user_id = 200, 12.5, 7
    RequestIdFilter().filter(record)
    line = formatter.format(record)
    assert "\n" not in line
    body = json.loads(line)
    assert body["level"] == "INFO" and body["logger"] == "danvan.request"
    assert (body["message"], body["status"], body["duration_ms"], body["user_id"]) == (
        "GET / 200",
        200,
        12.5,
        7,
    )
    assert "request_id" in body
    assert datetime.datetime.fromisoformat(body["time"]).utcoffset() == datetime.timedelta(0)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        failed = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
    assert "ValueError: boom" in json.loads(formatter.format(failed))["exc_info"]


def test_production_logs_json_and_development_text() -> None:
    assert logging_config("json", "INFO")["handlers"]["console"]["formatter"] == "json"
    assert logging_config("json", "INFO")["loggers"]["danvan.request"]["level"] == "INFO"
    assert logging_config("text", "INFO")["handlers"]["console"]["formatter"] == "text"


def test_behind_the_proxy_the_visitor_is_its_x_real_ip() -> None:
    from django.test import RequestFactory

    from danvan.lib.requestlog import client_ip

    through_nginx = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="14.161.3.9")
    assert client_ip(through_nginx) == "14.161.3.9"
    forged = RequestFactory().get("/", REMOTE_ADDR="203.113.1.1", HTTP_X_REAL_IP="14.161.3.9")
    assert client_ip(forged) == "203.113.1.1"  # not from the proxy: the header is not trusted
    garbage = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="<script>")
    assert client_ip(garbage) == "127.0.0.1"
