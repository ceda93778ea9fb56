"""Sign-in, two-factor, and the user's own profile and API tokens."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.lib.web import current_user

from . import services
from .forms import CodeForm, ProfileForm, RecoveryCodeForm, TokenForm
from .models import ApiToken
from .selectors import (
    confirmed_device,
    recovery_codes_left,
    requires_two_factor,
    security_events_of,
    tokens_of,
)

# New recovery codes wait in the (server-side) session until their owner says they are saved.
RECOVERY_SESSION_KEY = "danvan_recovery_codes"
FEW_CODES_LEFT = 3


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    device = confirmed_device(user)
    if device is None:
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", _("The code is wrong or has expired; try the next one."))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if confirmed_device(user) is not None and not request.user.is_verified():  # type: ignore[union-attr]
        # Replacing a device needs the current one first: a password alone is not enough.
        return redirect(f"{reverse('two_factor_verify')}?next={request.get_full_path()}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or (request.method == "GET" and "restart" in request.GET):
        device = services.totp_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_turn_on(device=device, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            target = _safe_next(request) if "next" in request.GET else reverse("profile")
            return _show_recovery_codes(request, codes, target)
    qr_svg = segno.make(device.config_url, micro=False).svg_inline(scale=4, dark="#212529")
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": secret_b32,
            "required": requires_two_factor(user),
        },
    )


def _show_recovery_codes(request: HttpRequest, codes: list[str], target: str) -> HttpResponse:
    request.session[RECOVERY_SESSION_KEY] = codes
    return redirect(f"{reverse('recovery_codes')}?{urlencode({'next': target})}")


@login_required
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    """Sign in with a recovery code instead of the authenticator's code (a lost phone)."""
    user = current_user(request)
    if confirmed_device(user) is None:
        return redirect("two_factor_setup")
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.recovery_code_use(user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            otp_login(request, device)
            left = recovery_codes_left(user)
            note = ngettext(
                "You signed in with a recovery code; %(n)d code is left.",
                "You signed in with a recovery code; %(n)d codes are left.",
                left,
            ) % {"n": left}
            if left <= FEW_CODES_LEFT:
                note = f"{note} {_('Make new ones on your profile before they run out.')}"
            messages.warning(request, note)
            return redirect(_safe_next(request))
    return render(request, "accounts/two_factor_recovery.html", {"form": form})


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: to print or download, then gone from the server's
    hands (only the device that checks them keeps them)."""
    codes: list[str] | None = request.session.get(RECOVERY_SESSION_KEY)
    asked = request.GET.get("next") or request.POST.get("next")
    target = _safe_next(request) if asked else reverse("profile")
    if not codes:
        return HttpResponseRedirect(target)
    if request.method == "POST":
        del request.session[RECOVERY_SESSION_KEY]
        return HttpResponseRedirect(target)
    if request.GET.get("download"):
        email = current_user(request).email
        heading = _("danvan recovery codes for %(email)s") % {"email": email}
        text = "\r\n".join([heading, "", *codes, "", _("Each code works once.")])
        response = HttpResponse(text + "\r\n", content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="danvan-recovery-codes.txt"'
        return response
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": target})


@login_required
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """New recovery codes from the profile; the earlier ones stop working."""
    user = current_user(request)
    if not request.user.is_verified():  # type: ignore[union-attr]
        # As for a new phone: the second factor first, a password alone is not enough.
        return redirect_to_login(reverse("profile"), reverse("two_factor_verify"))
    try:
        codes = services.recovery_codes_create(user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("profile")
    messages.success(request, _("New recovery codes made; the earlier ones no longer work."))
    return _show_recovery_codes(request, codes, reverse("profile"))


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": TokenForm(),
            "tokens": tokens_of(user),
            "device": confirmed_device(user),
            "codes_left": recovery_codes_left(user),
            "few_codes_left": FEW_CODES_LEFT,
            "security_events": security_events_of(user),
            "requires_2fa": requires_two_factor(user),
            "memberships": user.active_memberships(),
            "new_token": request.session.pop("new_token", None),
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        _token, raw = services.token_create(
            user=current_user(request), name=form.cleaned_data["name"]
        )
        request.session["new_token"] = raw
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(user=current_user(request), token=token)
    messages.success(request, _("Token revoked."))
    return redirect("profile")
