"""An «Undo» beside the message that tells a person what they just deleted.

Deletes of what users made are soft (the record is hidden, kept with its history); the view
that deleted it calls `offer_undo` with the URL of the record's restore view, and base.html
shows the message with a small form posting there (`includes/undo.html`).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

UNDO_TAG = "undo:"  # includes/undo.html reads the same five characters


def offer_undo(request: HttpRequest, text: str, restore_url: str) -> None:
    """A success message carrying the restore URL its «Undo» button posts to."""
    messages.success(request, text, extra_tags=UNDO_TAG + restore_url)
