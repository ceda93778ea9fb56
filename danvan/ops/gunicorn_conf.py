"""Gunicorn's own messages (start, workers booting, a worker killed) in danvan's log format:
one JSON object per line in production, like the request lines. `danvan serve` loads it."""

from __future__ import annotations

import os

from danvan.lib.logconfig import logging_config

_config = logging_config(os.environ.get("LOG_FORMAT", "json"), os.environ.get("LOG_LEVEL", "INFO"))
logconfig_dict = {
    **_config,
    "loggers": {
        **_config["loggers"],
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    },
}
