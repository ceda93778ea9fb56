"""The main navigation: each module adds one entry here when it exists."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, the path prefix that marks it active)
NAVIGATION = [
    ("home", _("Home"), "/$"),
    ("organization_list", _("Organisations"), "/orgs/"),
    ("area_list", _("Areas"), "/areas/"),
    ("program_list", _("Programmes"), "/programs/"),
    ("practice_list", _("Dân vận khéo"), "/practices/"),
    ("oversight_list", _("Oversight"), "/oversight/"),
    ("document_list", _("Documents"), "/documents/"),
    ("situation_board", _("Situation"), "/situation/"),
    ("dialogue_petitions", _("Petitions"), "/dialogue/"),
    ("report_home", _("Reports"), "/reports/"),
    ("meeting_list", _("Meetings"), "/meetings/"),
    ("agenda", _("My work"), "/agenda/"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, prefix in NAVIGATION:
        url = reverse(name)
        active = request.path == "/" if prefix == "/$" else request.path.startswith(prefix)
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items}
