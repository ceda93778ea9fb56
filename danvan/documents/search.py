"""The documents app's search source (registered from `apps.py`): the document registry.

Read through the list page's selector, word by word on the folded number, title and issuer;
the registry is shared by everyone who signs in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import search
from danvan.lib.search import Hit
from danvan.org.search import matching_first

from .models import DocumentStatus
from .selectors import documents_for_user

if TYPE_CHECKING:
    from danvan.accounts.models import User


def find_documents(user: User, words: list[str], limit: int) -> list[Hit]:
    documents = matching_first(
        documents_for_user(user, q=" ".join(words)), "search_text", words
    ).order_by("search_rank", "-issued_on", "number")
    hits = []
    for document in documents[:limit]:
        parts = [document.get_kind_display(), document.issuer]
        if document.issued_on:
            parts.append(f"{document.issued_on:%d/%m/%Y}")
        if document.status == DocumentStatus.REPLACED:
            parts.append(document.get_status_display())
        hits.append(
            Hit(
                title=f"{document.number} — {document.title}",
                url=reverse("document_detail", args=[document.pk]),
                subtitle=" · ".join(str(part) for part in parts if part),
            )
        )
    return hits


def register() -> None:
    search.register("documents.document", _("Documents"), find_documents)
