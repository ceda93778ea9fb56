"""Dependencies point down: an app imports only the floors below its own (see ARCHITECTURE.md).

Imports inside `if TYPE_CHECKING:` are for type hints only and do not count. An app on the top
floors reaches its peers through the registries in lib (figures, reminders) and documents
(references), which each app fills from its own AppConfig.ready().
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import danvan

PACKAGE = Path(danvan.__file__).parent
FLOORS = {
    "lib": 0,
    "formats": 0,  # Django FORMAT_MODULE_PATH: date and number formats per language
    "accounts": 1,
    "ops": 1,  # running the install: scheduler, heartbeats, backups
    "org": 2,
    "documents": 3,
    "programs": 4,
    "practices": 4,
    "oversight": 4,
    "reporting": 4,
    "situation": 5,  # links notes to programmes, oversights and documents
    "meetings": 5,  # conferences and bridge points; link programmes, report forms, documents
    "dialogue": 6,  # petitions use the situation topics and can file situation notes
    "public": 7,  # the citizens' pages over dialogue (and, later, others)
    "dashboard": 8,  # the home page: agenda, figures, notifications, search over all the apps
    "config": 9,
}


def imported_apps(source: str) -> set[str]:
    """The danvan apps a module imports at run time (not under TYPE_CHECKING)."""
    tree = ast.parse(source)
    hints_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hints_only.update(id(inner) for inner in ast.walk(node))
    apps: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hints_only:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        apps.update(name.split(".")[1] for name in names if name.startswith("danvan."))
    return apps


def violations(app: str, source: str) -> list[str]:
    """What a module of `app` imports from its own floor or above."""
    floor = FLOORS[app]
    return sorted(
        other for other in imported_apps(source) - {app} if FLOORS.get(other, 99) >= floor
    )


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) > 1 and "migrations" not in parts:
            found.append((parts[0], path))
    return found


def test_every_app_is_on_a_floor() -> None:
    apps = {app for app, _path in modules()}
    assert apps <= set(FLOORS), apps - set(FLOORS)


@pytest.mark.parametrize(("app", "path"), modules(), ids=lambda v: str(v).split("danvan/")[-1])
def test_imports_point_down(app: str, path: Path) -> None:
    assert violations(app, path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("app", "source", "expected"),
    [
        ("org", "from danvan.programs.models import Program", ["programs"]),
        ("org", "import danvan.reporting.selectors", ["reporting"]),
        ("reporting", "from danvan.oversight.selectors import oversight_figures", ["oversight"]),
        ("reporting", "def f():\n    from danvan.practices import selectors", ["practices"]),
        ("practices", "from danvan.programs.forms import OrganizationChoice", ["programs"]),
        ("accounts", "from danvan.org.models import Membership", ["org"]),
        ("lib", "from danvan.org.scopes import ReportingScope", ["org"]),
    ],
)
def test_the_check_catches_an_import_up_or_across(app: str, source: str, expected: list) -> None:
    assert violations(app, source) == expected


def test_type_hints_and_lower_floors_are_allowed() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from danvan.lib import periods\n"
        "from danvan.org.models import Organization\n"
        "if TYPE_CHECKING:\n"
        "    from danvan.reporting.models import Form\n"
    )
    assert violations("programs", source) == []
