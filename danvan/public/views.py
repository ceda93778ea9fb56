"""The citizens' pages, no login: send a petition, track it by its code, confirm the answer,
the public scorecard and the feed of published answers. Thin views over `dialogue`.

A code that does not exist and one outside the public view (a denunciation) answer the same
404 page after the same queries, so the page cannot tell a denunciation exists.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from danvan.dialogue import scorecard, selectors, services_intake, services_petitions
from danvan.dialogue.models import ANSWERED_STATES, Petition, PetitionChannel
from danvan.lib import periods
from danvan.lib.errors import Conflict
from danvan.lib.replica import reads_from_replica
from danvan.lib.web import add_service_errors, int_param
from danvan.org.models import Area, AreaLevel
from danvan.org.scopes import ReportingScope

from . import routing
from .cases import describe
from .forms import ConfirmForm, PetitionForm, TrackForm
from .protection import CONFIRM_GROUP, decoy_code, limited

SENT_KEY = "public_petition_sent"
SENT_CONFIDENTIAL_KEY = "public_petition_sent_confidential"
TREND_PERIODS = 4
FEED_ITEMS = 50


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Too many sendings from one address (settings.RATELIMIT_VIEW): 429, said plainly."""
    return render(request, "public/rate_limited.html", status=429)


# --- Sending a petition ---------------------------------------------------------------------


def _create(request: HttpRequest, form: PetitionForm) -> Petition | None:
    """Create the petition from a valid form; None with the errors put on the form."""
    data = form.cleaned_data
    area: Area = data["area"]
    unit = routing.handling_unit(area)
    if unit is None:
        form.add_error("area", _("No unit receives petitions for this commune yet."))
        return None
    files = data.get("attachments") or []
    try:
        return services_intake.petition_create(
            actor=None,
            organization=unit,
            area=area,
            topic=data["topic"],
            kind=data["kind"],
            channel=PetitionChannel.PUBLIC_FORM,
            summary=data["summary"],
            text=data.get("text") or "",
            person=form.person(),
            consent=bool(data.get("consent")),
            attachments=files,
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict") and files:
            # The service's file check names no field: it is about the attachments.
            form.add_error("attachments", error.messages)
        else:
            add_service_errors(form, error)
        return None


@require_http_methods(["GET", "POST"])
def petition_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PetitionForm(request.POST, request.FILES)
        if limited(request, count=False):
            # Refused with what the citizen typed kept in the form (files must be chosen again).
            context = {"form": form, "limited": True}
            return render(request, "public/petition_form.html", context, status=429)
        if form.caught_robot:
            # Pretend: a robot learns nothing from the answer, and nothing is saved.
            request.session[SENT_KEY] = decoy_code()
            request.session[SENT_CONFIDENTIAL_KEY] = form.data.get("kind") == "denunciation"
            return redirect("public_petition_sent")
        if form.is_valid():
            petition = _create(request, form)
            if petition is not None:
                limited(request)  # a petition sent counts against the address's limit
                request.session[SENT_KEY] = petition.code
                request.session[SENT_CONFIDENTIAL_KEY] = petition.is_denunciation
                return redirect("public_petition_sent")
    else:
        form = PetitionForm()
    return render(request, "public/petition_form.html", {"form": form})


@require_GET
def petition_sent(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SENT_KEY, "")
    if not code:
        return redirect("public_petition_form")
    # A denunciation is confidential: not followed on this site (selectors.PUBLIC_Q).
    confidential = bool(request.session.get(SENT_CONFIDENTIAL_KEY))
    return render(
        request, "public/petition_sent.html", {"code": code, "confidential": confidential}
    )


# --- Tracking -------------------------------------------------------------------------------


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = services_intake.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("public_track_code", code=code)
        form.add_error(
            "code", _("A tracking code looks like KN-7K3M-Q9TD: KN and 8 letters or digits.")
        )
    return render(request, "public/track.html", {"form": form})


def _not_found(request: HttpRequest, code: str) -> HttpResponse:
    return render(
        request, "public/track_not_found.html", {"code": code[:40], "form": TrackForm()}, status=404
    )


def _track_page(
    request: HttpRequest, petition: Petition, form: ConfirmForm | None = None, status: int = 200
) -> HttpResponse:
    case = describe(petition)
    if case["awaiting_confirmation"] and form is None:
        form = ConfirmForm()
    return render(
        request,
        "public/track_detail.html",
        {"case": case, "confirm_form": form if case["awaiting_confirmation"] else None},
        status=status,
    )


@require_GET
def track_code(request: HttpRequest, code: str) -> HttpResponse:
    normalised = services_intake.normalise_code(code)
    if normalised and normalised != code:
        return redirect("public_track_code", code=normalised)
    petition = selectors.public_petition(normalised)
    if petition is None:
        return _not_found(request, code)
    return _track_page(request, petition)


@require_POST
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    if limited(request, CONFIRM_GROUP):
        return rate_limited(request)
    normalised = services_intake.normalise_code(code)
    petition = selectors.public_petition(normalised)
    if petition is None:
        return _not_found(request, code)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services_petitions.petition_confirm(
                actor=None,
                petition=petition,
                confirmation=form.cleaned_data["confirmation"],
                comment=form.cleaned_data.get("comment") or "",
            )
        except Conflict as error:
            messages.error(request, " ".join(error.messages))
            return redirect("public_track_code", code=petition.code)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Thank you: your answer was recorded and the case is closed.")
            )
            return redirect("public_track_code", code=petition.code)
    return _track_page(request, petition, form, status=400)


# --- The public scorecard -------------------------------------------------------------------


def period_choices(today: datetime.date) -> list[periods.Period]:
    """The current half year and the three before it, then this year and the two before."""
    half = periods.from_date(today, periods.PeriodType.HALF)
    halves = [half]
    while len(halves) < TREND_PERIODS:
        halves.append(halves[-1].previous())
    year = periods.from_date(today, periods.PeriodType.YEAR)
    years = [year, year.previous(), year.previous().previous()]
    return halves + years


def _period(request: HttpRequest, choices: list[periods.Period]) -> periods.Period:
    code = request.GET.get("period", "").strip()
    try:
        chosen = periods.parse(code) if code else None
    except periods.PeriodError:
        chosen = None
    allowed = (periods.PeriodType.HALF, periods.PeriodType.YEAR)
    if chosen is not None and chosen.type in allowed and chosen.start <= timezone.localdate():
        return chosen
    return choices[0]


def scorecard_areas(today: datetime.date) -> list[Area]:
    """The provinces, then the communes valid today."""
    provinces = list(Area.objects.filter(depth=1).order_by("name"))
    communes = list(
        Area.objects.valid_on(today).filter(level=AreaLevel.COMMUNE).order_by("name", "path")
    )
    return provinces + communes


def trend_chart(points: list[tuple[str, float | None, float | None]]) -> dict[str, Any]:
    """Coordinates of a small inline SVG: the on-time and satisfied shares over the periods."""
    width, height, pad = 360, 140, 28
    n = len(points)
    step = (width - 2 * pad) / max(n - 1, 1)

    def y(pct: float) -> float:
        return round(height - pad - pct / 100 * (height - 2 * pad), 1)

    marks: list[dict[str, Any]] = []
    lines: dict[str, list[str]] = {"on_time": [], "satisfied": []}
    for i, (code, on_time, satisfied) in enumerate(points):
        x = round(pad + i * step, 1)
        mark: dict[str, Any] = {
            "x": x, "code": code, "on_time": on_time, "satisfied": satisfied,
            "y_on_time": None, "y_satisfied": None,
        }  # fmt: skip
        if on_time is not None:
            mark["y_on_time"] = y(on_time)
            lines["on_time"].append(f"{x},{mark['y_on_time']}")
        if satisfied is not None:
            mark["y_satisfied"] = y(satisfied)
            lines["satisfied"].append(f"{x},{mark['y_satisfied']}")
        marks.append(mark)
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "y100": y(100),
        "y50": y(50),
        "y0": y(0),
        "right": width - pad,
        "label_y": height - 6,
        "on_time": " ".join(lines["on_time"]),
        "satisfied": " ".join(lines["satisfied"]),
        "marks": marks,
    }


@require_GET
@reads_from_replica
def public_scorecard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    choices = period_choices(today)
    period = _period(request, choices)
    areas = scorecard_areas(today)
    chosen = int_param(request, "area")
    area = next((a for a in areas if a.pk == chosen), None) or (areas[0] if areas else None)
    context: dict[str, Any] = {
        "period": period,
        "choices": choices,
        "areas": areas,
        "area": area,
    }
    if area is not None:
        scope = ReportingScope.of(area)
        card = scorecard.card(scope, period, trend_count=TREND_PERIODS)
        trend = card.trend
        context.update(
            units=card.units,
            communes=card.areas if area.level != AreaLevel.COMMUNE else [],
            total=card.total,
            trend=trend,
            chart=trend_chart([(c, ln.on_time_pct, ln.satisfied_pct) for c, ln in trend]),
        )
    return render(request, "public/scorecard.html", context)


# --- The feed of published answers ----------------------------------------------------------


def published_answers() -> Any:
    """Answers the units chose to publish (settled or closed), never a denunciation's."""
    return (
        Petition.objects.filter(
            selectors.PUBLIC_Q, state__in=ANSWERED_STATES, published=True, settled_on__isnull=False
        )
        .select_related("organization", "topic")
        .order_by("-settled_on", "-pk")
    )


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


class AnswersFeed(Feed):
    """The Atom feed of published answers: the summary, the answer, the unit and the date.

    No link to the tracking page: a petition's code is the citizen's, not the public's.
    """

    feed_type = Atom1Feed
    title = gettext_lazy("Answers to the people's petitions")
    subtitle = gettext_lazy("Petitions and feedback settled, with the answers the units published.")

    def link(self) -> str:
        return reverse("public_scorecard")

    def items(self) -> Any:
        return published_answers()[:FEED_ITEMS]

    def item_title(self, item: Petition) -> str:
        return item.summary

    def item_description(self, item: Petition) -> str:
        day = item.settled_on or item.received_on
        return f"{item.result}\n\n{item.organization.name} · {day:%d/%m/%Y}"

    def item_link(self, item: Petition) -> str:
        return f"{reverse('public_feed')}#answer-{item.pk}"

    def item_guid(self, item: Petition) -> str:
        return f"urn:danvan:petition-answer:{item.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, item: Petition) -> str:
        return item.organization.name

    def item_pubdate(self, item: Petition) -> datetime.datetime:
        return _noon(item.settled_on or item.received_on)

    def item_updateddate(self, item: Petition) -> datetime.datetime:
        return _noon(item.settled_on or item.received_on)

    def item_categories(self, item: Petition) -> list[str]:
        return [str(item.topic.label)]
