"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/), JSON only.

Services are the active situation topics; requests are petitions and feedback (never
denunciations). Lists name a request by a public id (`DV` and 8 drawn characters, never the
row's number, whose gaps would count the denunciations), never by its tracking code: the code
is the citizen's key to confirm the answer, so only the sender learns it (in the POST answer)
and only a caller who already has it sees it again. A request says what the public may read of
a case: its state, the unit answering for it, the dates and the published answer — never the
person, nor the citizen's text. POST files a petition like the public form (the same service,
the same limit per address), with `area_code` (or `address_id`): the commune's official code,
and `consent=true`: the requester's agreement to the personal data consent text.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from danvan.dialogue import privacy, selectors, services_intake
from danvan.dialogue.models import OPEN_STATES, Petition, PetitionChannel, PetitionKind
from danvan.org.models import Area, AreaLevel
from danvan.situation.models import Topic

from . import routing
from .cases import answer_of
from .protection import limited

MAX_REQUESTS = 1000
DEFAULT_DAYS = 90
SUMMARY_MAX = 300
TEXT_MAX = 20_000
TRUE = ("true", "1", "yes", "on")


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _errors(status: int, descriptions: Iterable[str]) -> JsonResponse:
    """Open311's error answer: a list of {code, description}, with the same HTTP status."""
    return _json([{"code": status, "description": d} for d in descriptions], status=status)


def _moment(day: datetime.date | None, time: datetime.time = datetime.time(0)) -> str | None:
    if day is None:
        return None
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_current_timezone()).isoformat()


def consent_notice() -> str:
    return _(
        "To send a request: POST requests.json with service_code, description, area_code (the "
        "official code of the commune or ward concerned) and consent=true, which means you agree "
        "to this text (version %(version)s): «%(text)s». first_name, last_name, phone, email and "
        "address_string are kept only to settle the request and never published."
    ) % {
        "version": settings.DANVAN_CONSENT_VERSION,
        "text": privacy.consent_text(settings.DANVAN_CONSENT_VERSION),
    }


# --- Services -------------------------------------------------------------------------------


@require_GET
def service_list(request: HttpRequest) -> JsonResponse:
    """One service per active situation topic, with its group."""
    topics = Topic.objects.filter(is_active=True).select_related("parent")
    topics = topics.order_by("parent__order", "order", "code")
    notice = consent_notice()
    return _json(
        [
            {
                "service_code": t.code,
                "service_name": t.label,
                "description": f"{t.label}. {notice}",
                "metadata": False,
                "type": "realtime",
                "keywords": "",
                "group": t.group.label,
            }
            for t in topics
        ]
    )


# --- Requests -------------------------------------------------------------------------------


def _communes(petitions: list[Petition]) -> dict[int, Area]:
    """The commune each petition is about (a village's commune), in one query."""
    wanted = {p.area.path[: len(p.area.path) - Area.steplen] for p in petitions
              if p.area.level == AreaLevel.VILLAGE}  # fmt: skip
    parents = {a.path: a for a in Area.objects.filter(path__in=wanted)} if wanted else {}
    found = {}
    for p in petitions:
        area = p.area
        if area.level == AreaLevel.VILLAGE:
            area = parents.get(area.path[: len(area.path) - Area.steplen], area)
        found[p.pk] = area
    return found


def _updated(petition: Petition) -> datetime.date:
    days = [petition.received_on, petition.accepted_on, petition.referred_on, petition.settled_on,
            petition.confirmed_on, petition.closed_on]  # fmt: skip
    return max(d for d in days if d is not None)


def public_id(petition: Petition) -> str:
    """The id a list gives a request: drawn at intake; not the tracking code, which lets its
    holder confirm, nor the row's number, whose gaps would count the denunciations."""
    return petition.public_id


def _is_public_id(raw: str) -> bool:
    return len(raw) == 10 and raw.startswith("DV") and raw.isalnum()


def as_request(petition: Petition, commune: Area, *, reveal_code: bool = False) -> dict[str, Any]:
    """A petition as an Open311 service request: the case, never the person; the tracking code
    only for a caller who gave it."""
    answer = answer_of(petition)
    agency = petition.competent_body_label if petition.referred_on else ""
    return {
        "service_request_id": petition.code if reveal_code else public_id(petition),
        "status": "open" if petition.state in OPEN_STATES else "closed",
        "status_notes": answer,
        "service_name": petition.topic.label,
        "service_code": petition.topic.code,
        # The citizen's own words stay private; the summary is public once the answer is.
        "description": petition.summary if answer else "",
        "agency_responsible": agency or petition.organization.name,
        "service_notice": "",
        "requested_datetime": _moment(petition.received_on),
        "updated_datetime": _moment(_updated(petition)),
        # The legal deadline of the current stage, to the end of its day.
        "expected_datetime": _moment(petition.due_on, datetime.time(23, 59, 59)),
        "address": commune.name,
        "address_id": commune.code,
    }


def _public() -> Any:
    return Petition.objects.filter(selectors.PUBLIC_Q).select_related(
        "organization", "topic", "area", "competent_body"
    )


def _day(raw: str) -> datetime.date | None:
    raw = raw.strip()
    if not raw or len(raw) > 40:
        return None
    try:
        moment = parse_datetime(raw)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.date()
        return parse_date(raw)
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01 at +14:00, before year 1
        return None


def _list(request: HttpRequest) -> JsonResponse:
    params = request.GET
    errors: list[str] = []
    found = _public()
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    if codes:
        found = found.filter(topic__code__in=codes[:100])
    raw_ids = [c.strip().upper() for c in params.get("service_request_id", "").split(",")]
    public_ids = [c for c in raw_ids if _is_public_id(c)]
    ids = [services_intake.normalise_code(c) for c in raw_ids if c and not _is_public_id(c)]
    if any(ids) or public_ids:
        found = found.filter(
            Q(code__in=[c for c in ids if c][:MAX_REQUESTS])
            | Q(public_id__in=public_ids[:MAX_REQUESTS])
        )
    statuses = {s.strip().lower() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        errors.append(_("status is open or closed."))
    elif statuses == {"open"}:
        found = found.filter(state__in=OPEN_STATES)
    elif statuses == {"closed"}:
        found = found.exclude(state__in=OPEN_STATES)
    start, end = params.get("start_date", ""), params.get("end_date", "")
    start_day, end_day = _day(start), _day(end)
    if start and start_day is None:
        errors.append(
            _("start_date is an ISO 8601 date and time, such as 2026-07-01T00:00:00+07:00.")
        )
    if end and end_day is None:
        errors.append(
            _("end_date is an ISO 8601 date and time, such as 2026-12-31T23:59:59+07:00.")
        )
    if errors:
        return _errors(400, errors)
    if not start and not end and not any(ids) and not public_ids:
        start_day = timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS)
    if start_day:
        found = found.filter(received_on__gte=start_day)
    if end_day:
        found = found.filter(received_on__lte=end_day)
    petitions = list(found.order_by("-received_on", "-pk")[:MAX_REQUESTS])
    communes = _communes(petitions)
    return _json([as_request(p, communes[p.pk]) for p in petitions])


def _summary(description: str) -> str:
    first = description.strip().splitlines()[0] if description.strip() else ""
    return Truncator(first).chars(SUMMARY_MAX)


def _create(request: HttpRequest) -> JsonResponse:
    if limited(request):
        return _errors(429, [_("Too many requests from your address; try again in an hour.")])
    data = request.POST
    value = {k: (data.get(k) or "").strip() for k in (
        "service_code", "description", "first_name", "last_name", "phone", "email",
        "address_string", "area_code", "address_id", "consent",
    )}  # fmt: skip
    errors: list[str] = []
    if not value["service_code"]:
        errors.append(_("service_code is required: one of the codes of services.json."))
    if not value["description"]:
        errors.append(_("description is required: what you ask or report."))
    elif len(value["description"]) > TEXT_MAX:
        errors.append(_("description is at most %(max)d characters.") % {"max": TEXT_MAX})
    commune_code = value["area_code"] or value["address_id"]
    if not commune_code:
        errors.append(_("area_code (or address_id) is required: the official code of the commune."))
    if value["consent"].lower() not in TRUE:
        errors.append(_("consent=true is required: see the consent text in services.json."))
    if value["email"]:
        try:
            validate_email(value["email"])
        except ValidationError:
            errors.append(_("email is not a valid e-mail address."))
    if errors:
        return _errors(400, errors)
    topic = Topic.objects.filter(code=value["service_code"], is_active=True).first()
    if topic is None:
        return _errors(
            400, [_("No service with the code «%(code)s».") % {"code": value["service_code"][:60]}]
        )
    commune = routing.commune_by_code(commune_code)
    unit = routing.handling_unit(commune) if commune else None
    if commune is None or unit is None:
        return _errors(400, [_("No commune receiving petitions has the code «%(code)s».") % {
            "code": commune_code[:20]}])  # fmt: skip
    name = f"{value['first_name']} {value['last_name']}".strip()
    try:
        petition = services_intake.petition_create(
            actor=None,
            organization=unit,
            area=commune,
            topic=topic,
            kind=PetitionKind.FEEDBACK,
            channel=PetitionChannel.API,
            summary=_summary(value["description"]),
            text=value["description"],
            person={"name": name[:150], "phone": value["phone"][:30], "email": value["email"],
                    "address": value["address_string"][:300]},
            consent=True,
        )  # fmt: skip
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            return _errors(400, [f"{f}: {m}" for f, ms in error.message_dict.items() for m in ms])
        return _errors(400, error.messages)
    notice = _(
        "Received by %(unit)s. Keep the code %(code)s: it is the only way to follow your request. "
        "It is accepted or referred by %(due)s."
    ) % {"unit": unit.name, "code": petition.code, "due": petition.due_on.strftime("%d/%m/%Y")}
    return _json([{"service_request_id": petition.code, "service_notice": notice}], status=201)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> JsonResponse:
    """GET: the requests (at most 1000, the last 90 days unless dates are given); POST: send one."""
    if request.method == "POST":
        return _create(request)
    return _list(request)


@require_GET
def request_detail(request: HttpRequest, code: str) -> JsonResponse:
    """One request by its tracking code or its public id, as a list of one (the spec's shape);
    404 as for a missing one."""
    by_public_id = _is_public_id(code.strip().upper())
    if by_public_id:
        petition = _public().filter(public_id=code.strip().upper()).first()
    else:
        petition = selectors.public_petition(services_intake.normalise_code(code))
    if petition is None:
        return _errors(404, [_("No request with this code.")])
    commune = _communes([petition])[petition.pk]
    return _json([as_request(petition, commune, reveal_code=not by_public_id)])
