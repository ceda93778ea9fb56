"""Gunicorn's own messages (start, workers booting, a worker killed) in danvan's log format:
one JSON object per line in production, like the request lines. `danvan serve` loads it.

A graceful reload (SIGHUP, `systemctl reload danvan-web`) forks new workers from the master, and
a worker inherits every module the master has imported: what this file imports would stay the
old code after an upgrade. So the master imports no Django (the request-id filter, which needs
it, is left out of gunicorn's own lines: they belong to no request) and each new worker forgets
the few modules imported here (`post_fork`: danvan's, python-json-logger's), then loads the app
from the disk.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from danvan.lib.logconfig import logging_config

_config = logging_config(
    os.environ.get("LOG_FORMAT", "json"), os.environ.get("LOG_LEVEL", "INFO"), requests=False
)
logconfig_dict: dict[str, Any] = {
    **_config,
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    },
}


_FORGOTTEN = ("danvan", "pythonjsonlogger")  # what this file makes the master import


def post_fork(server: Any, worker: Any) -> None:
    """A new worker runs the code installed now, not the master's copy of this file's imports."""
    for name in [n for n in sys.modules if n.split(".")[0] in _FORGOTTEN]:
        del sys.modules[name]
    importlib.invalidate_caches()  # the finders look at the folders as they are now
