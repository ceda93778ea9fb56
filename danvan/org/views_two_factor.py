"""A member's lost two-factor device, reset from the organisation's member list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.lib.web import current_user

from . import selectors, services


@login_required
@require_POST
def membership_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    membership = selectors.get_membership_for_user(user, pk)
    back = reverse("organization_detail", args=[membership.organization_id]) + "#members"
    try:
        services.member_two_factor_reset(
            actor=user, membership=membership, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Two-factor sign-in of %(name)s reset: they set it up again at their next "
                "sign-in, and were told by e-mail."
            )
            % {"name": membership.user.get_full_name()},
        )
    return redirect(back)
