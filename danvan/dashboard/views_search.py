"""Search everywhere: the full page `/search/?q=` and the header's type-ahead (the same URL,
asked by htmx or with `?partial=1`). Thin: parse, ask the registry (`lib.search`), render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from danvan.lib import search
from danvan.lib.web import current_user

MAX_QUERY = 100
PAGE_LIMIT = 10  # hits per kind on the page
KIND_LIMIT = 50  # hits on the page of one kind
PARTIAL_LIMIT = 4  # hits per kind in the header's list

# The list page of each kind that searches its records word by word, as the sources do: the
# page's "more" link opens it with the query. Kinds without one get the search page of the kind.
LIST_PAGES = {
    "org.organization": "organization_list",
    "org.area": "area_list",
    "documents.document": "document_list",
    "programs.program": "program_list",
    "practices.practice": "practice_list",
    "oversight.oversight": "oversight_list",
    "situation.note": "situation_notes",
}


@dataclass(frozen=True)
class Shown:
    """A group of hits as the templates show it."""

    group: search.Group
    more_url: str

    @property
    def count(self) -> int:
        return len(self.group.hits)


def _more_url(name: str, q: str) -> str:
    if name in LIST_PAGES:
        return f"{reverse(LIST_PAGES[name])}?{urlencode({'q': q})}"
    return f"{reverse('search')}?{urlencode({'q': q, 'kind': name})}"


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    q = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    partial = bool(getattr(request, "htmx", False)) or request.GET.get("partial") == "1"
    known = dict(search.sources())
    kind = request.GET.get("kind", "")
    kind = kind if kind in known and not partial else ""
    limit = PARTIAL_LIMIT if partial else KIND_LIMIT if kind else PAGE_LIMIT
    groups = search.search(user, q, limit=limit, kinds={kind} if kind else None)
    context: dict[str, Any] = {
        "q": q,
        "search_query": q,
        "too_short": bool(q) and not search.words_of(q),
        "groups": [Shown(group, _more_url(group.name, q)) for group in groups],
        "kind": kind,
        "kind_label": known.get(kind, ""),
        "labels": [label for _name, label in search.sources()],
        "all_url": f"{reverse('search')}?{urlencode({'q': q})}",
    }
    if partial:
        return render(request, "dashboard/includes/search_results.html", context)
    return render(request, "dashboard/search.html", context)
