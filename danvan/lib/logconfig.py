"""The logging configuration, shared by the settings and gunicorn's own messages."""

from __future__ import annotations

from typing import Any


def logging_config(log_format: str, level: str, *, requests: bool = True) -> dict[str, Any]:
    """Logs on stdout: "json" (one object per line, production) or "text" (development).

    In JSON every request is one line (danvan.lib.requestlog) and every record carries the
    request id, so a 500's traceback can be found from the id its error page shows.
    `requests=False` (gunicorn's master, ops/gunicorn_conf.py): no request id, so no Django.
    """
    json_format = log_format == "json"
    request_id = "%(request_id)s " if requests else ""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": (
            {"request_id": {"()": "danvan.lib.requestlog.RequestIdFilter"}} if requests else {}
        ),
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "{levelname}{name}{message}{request_id}",
                "style": "{",
                # ISO 8601 in UTC, with its offset: gunicorn's master and the workers (whose
                # Django sets TZ to TIME_ZONE) write the same clock.
                "timestamp": "time",
                "rename_fields": {"levelname": "level", "name": "logger"},
            },
            "text": {"format": f"%(levelname)s %(name)s {request_id}%(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json_format else "text",
                "filters": ["request_id"] if requests else [],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "axes": {"level": "WARNING"},
            # runserver prints its own line per request; JSON logs need ours.
            "danvan.request": {"level": "INFO" if json_format else "WARNING"},
        },
    }
