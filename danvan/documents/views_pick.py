"""The lookup endpoint of the document pickers (lib/pickers.py): registry documents whose
number, title or issuer holds the words typed, diacritics ignored, the newest first, as
<li role="option"> fragments for htmx. Thin: parse, ask the selectors, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from danvan.lib import pickers
from danvan.lib.web import current_user

from . import selectors
from .models import DocumentStatus


@login_required
@require_GET
def document_pick(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    q = pickers.query_of(request)
    documents = selectors.documents_for_user(user, q=q)
    allowed = pickers.allowed_pks(request.GET.get(pickers.LIMIT_PARAM, ""), "documents.document")
    if allowed is not None:
        documents = documents.filter(pk__in=allowed)
    # Documents are told apart by number and date, not by name: the registry's order (the
    # newest first) is the useful one.
    rows = list(documents[: pickers.SHOWN + 1])
    shown = rows[: pickers.SHOWN]
    items = [
        pickers.PickItem(
            str(doc.pk),
            f"{doc.number} — {doc.title}",
            " · ".join(
                filter(
                    None,
                    [
                        pickers.document_detail(doc),
                        doc.get_status_display() if doc.status != DocumentStatus.IN_FORCE else "",
                    ],
                )
            ),
        )
        for doc in shown
    ]
    return pickers.pick_response(request, items, q=q, more=len(rows) > len(shown))
