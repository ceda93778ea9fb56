"""The public pages' guard against abuse: a rate limit per address, and a honeypot field.

No third-party captcha (it would send every citizen's visit to a foreign service). The form,
Open311 and the public API share one limit per address (`PETITION_GROUP`), so switching entry
point does not multiply it; the citizen's confirmation has its own.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from danvan.dialogue import services_intake

PETITION_GROUP = "public-petition"
CONFIRM_GROUP = "public-confirm"
# A name a form-filling robot fills in, hidden from people by CSS (`d-none`).
HONEYPOT = "website"


def _no_address(group: str, request: HttpRequest) -> str:
    return "no-address"


def limited(request: HttpRequest, group: str = PETITION_GROUP, *, count: bool = True) -> bool:
    """Count this POST against the address's limit; True once the limit is passed. With
    `count=False`, only whether one more would pass it, counting nothing (the form counts the
    petitions it saves, not a citizen's attempts to get a field right).

    A request that comes with no address (a local socket, a test harness) shares one count
    rather than failing in django-ratelimit's address parser.
    """
    usage = get_usage(
        request,
        group=group,
        key="ip" if request.META.get("REMOTE_ADDR") else _no_address,
        rate=settings.DANVAN_PUBLIC_PETITION_RATE,
        method="POST",
        increment=count,
    )
    if usage is None:  # the limit does not apply to this request
        return False
    return bool(usage["should_limit"] if count else usage["count"] >= usage["limit"])


def decoy_code() -> str:
    """A code of the right shape for a robot caught by the honeypot: nothing is saved."""
    return services_intake.new_code()
