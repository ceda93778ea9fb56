"""What every signed-in page's header needs: the unread count of the bell (one query)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Notification


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": Notification.objects.visible_to(user).unread().count()}
