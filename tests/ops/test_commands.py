"""`danvan serve` and `danvan worker`: what they start (the drill in test_production runs them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from danvan.ops.management.commands.serve import default_workers


def test_serve_runs_gunicorn_with_workers_from_the_cores(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("serve", "--print")
    command = capsys.readouterr().out
    assert "-m gunicorn danvan.config.wsgi:application" in command
    assert f"--workers={2 * len(os.sched_getaffinity(0)) + 1}" in command
    assert "--bind=127.0.0.1:8000" in command and "--graceful-timeout=30" in command
    assert "--config=python:danvan.ops.gunicorn_conf" in command
    assert default_workers() == 2 * len(os.sched_getaffinity(0)) + 1


@override_settings(DANVAN_WEB_WORKERS=9, DANVAN_BIND="unix:/run/danvan/web.sock")
def test_serve_takes_the_settings_and_the_options(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("serve", "--print")
    assert "--workers=9" in capsys.readouterr().out
    call_command("serve", "--print", "--workers", "3", "--bind", "0.0.0.0:8000")
    command = capsys.readouterr().out
    assert "--workers=3" in command and "--bind=0.0.0.0:8000" in command


def test_gunicorns_own_lines_are_json_like_the_requests() -> None:
    from danvan.ops import gunicorn_conf

    loggers = gunicorn_conf.logconfig_dict["loggers"]
    assert loggers["gunicorn.error"]["handlers"] == ["console"]
    assert gunicorn_conf.logconfig_dict["handlers"]["console"]["formatter"] == "json"


# In a fresh interpreter, as gunicorn's master: it loads this config (and applies its logging),
# then forks the workers, which call post_fork.
_MASTER = """
import logging.config, sys
from danvan.ops import gunicorn_conf
logging.config.dictConfig(gunicorn_conf.logconfig_dict)
logging.getLogger("gunicorn.error").info("Booting worker with pid: 1")
def handed_down():
    return sorted(n for n in sys.modules if n.split(".")[0] in ("danvan", "pythonjsonlogger"))
print("django" in sys.modules)
print(len(handed_down()) > 0, "danvan.lib.logconfig" in handed_down())
gunicorn_conf.post_fork(None, None)
print(handed_down())
"""


def test_a_reloaded_worker_runs_the_code_on_disk_not_the_masters_copy() -> None:
    """`systemctl reload` (SIGHUP) forks new workers from the old master: the master imports no
    Django, and a new worker forgets the danvan modules the config imported, so an upgrade's
    code (and its version on /healthz) is what the new workers load."""
    env = {**os.environ, "LOG_FORMAT": "json"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _MASTER], capture_output=True, text=True, env=env, check=True
    )
    # no Django in the master; danvan's and the JSON formatter's modules there, none after
    assert done.stdout.splitlines() == ["False", "True True", "[]"]
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert (line["logger"], line["message"]) == ("gunicorn.error", "Booting worker with pid: 1")


def test_the_worker_needs_jobs_in_the_database() -> None:
    with pytest.raises(CommandError, match="DANVAN_TASKS_BACKEND"):
        call_command("worker", "--batch")
