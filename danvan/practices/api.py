"""API for practices and replications — scoped like the pages, with the workflow steps as
sub-resources of a practice (appraisals, recognise, raise-level, commend, not-recognised)
calling the same services: the same rules, refusals and history."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.lib import periods
from danvan.lib.api import HistoryOut, Pages, Patch, history_items
from danvan.lib.api import request_user as _actor
from danvan.org.api import organization_in_scope as _org
from danvan.org.models import Area
from danvan.org.scopes import ReportingScope

from . import selectors, services
from .models import CRITERIA, Practice, PracticeResult, Replication, SubField

router = Router()
TAGS = ["practices"]


class ResultIn(Schema):
    metric: str
    value: Decimal
    unit: str
    value_before: Decimal | None = None
    as_of: datetime.date | None = None


class ResultOut(Schema):
    id: int
    metric: str
    value: Decimal
    value_before: Decimal | None
    unit: str
    as_of: datetime.date


class AdoptionOut(Schema):
    adopted: int = Field(..., description="units that adopted the practice")
    of: int = Field(..., description="units that could adopt it (see `counts`)")
    counts: str = Field(..., description="what `of` counts, in words")


def _adoption(practice: Practice, adopted: int, units: int) -> dict[str, Any]:
    return {
        "adopted": adopted,
        "of": units,
        "counts": _(
            "active %(kind)s units under the body that recognised the practice at its present "
            "level (before recognition: under the unit above the one that built it), other than "
            "the one that built it; the same for every reader"
        )
        % {"kind": practice.organization.kind.label},
    }


class PracticeOut(Schema):
    id: int
    kind: str
    name: str
    field: str
    subfield_id: int | None
    organization_id: int
    area_id: int
    status: str
    is_public: bool
    registered_on: datetime.date
    outputs: str
    results: list[ResultOut]
    adoption: AdoptionOut

    @staticmethod
    def resolve_results(obj: Any) -> list[Any]:
        return [r for r in obj.results.all() if r.replication_id is None]

    @staticmethod
    def resolve_adoption(obj: Any) -> dict[str, Any]:
        return _adoption(obj, obj.adopted_units, obj.peer_units)


class AppraisalOut(Schema):
    appraiser_id: int
    appraiser: str
    scores: dict[str, int]
    total: int
    comments: str
    appraised_on: datetime.date


class RecognitionOut(Schema):
    id: int
    kind: str
    level: str
    decision_number: str
    decided_on: datetime.date
    decided_by_id: int
    decided_by: str
    appraisal_waived_reason: str


class PhotoOut(Schema):
    id: int
    caption: str
    url: str


class PracticeDetailOut(PracticeOut):
    started_on: datetime.date | None
    situation: str
    objectives: str
    content_method: str
    target_group: str
    forces: str
    resources: str
    budget_dong: int | None
    workdays: int | None
    people_contribution_dong: int | None
    timeline: str
    sustainability: str
    person_name: str
    consent_recorded_on: datetime.date | None
    appraisals: list[AppraisalOut] = Field(
        ..., description="shown to the owning unit and to those who appraise it, as on the page"
    )
    recognitions: list[RecognitionOut]
    not_recognised_by_id: int | None = Field(
        ..., description="the body that decided not to recognise it (status not_recognised)"
    )
    not_recognised_by: str = Field(..., description="that body's name, or empty")
    not_recognised_number: str
    not_recognised_on: datetime.date | None
    photos: list[PhotoOut]
    history: list[HistoryOut]

    # Built as a dict by _detail: the list's resolvers do not apply.
    @staticmethod
    def resolve_results(obj: Any) -> list[Any]:
        return list(obj["results"])

    @staticmethod
    def resolve_adoption(obj: Any) -> dict[str, Any]:
        return obj["adoption"]


def _detail(user: User, pk: int) -> dict[str, Any]:
    """A practice as its page shows it: items, results, appraisals (to those who may see
    them), decisions, photos, the adoption figure and the history."""
    practice = selectors.get_practice_for_user(user, pk)
    figure = selectors.adoption(practice)
    data = {f.attname: getattr(practice, f.attname) for f in Practice._meta.concrete_fields}
    return {
        **data,
        "results": selectors.practice_results(practice),
        "adoption": _adoption(practice, figure["adopted"], figure["units"]),
        "appraisals": [
            {
                "appraiser_id": a.appraiser_id,
                "appraiser": str(a.appraiser),
                "scores": {name: getattr(a, name) for name, _label in CRITERIA},
                "total": a.total,
                "comments": a.comments,
                "appraised_on": a.appraised_on,
            }
            for a in selectors.appraisals_for_user(user, practice)
        ],
        "recognitions": [
            {
                **{f.attname: getattr(r, f.attname) for f in r._meta.concrete_fields},
                "decided_by": r.decided_by.name,
            }
            for r in selectors.practice_recognitions(practice)
        ],
        "not_recognised_by": practice.not_recognised_by.name if practice.not_recognised_by else "",
        "photos": [
            {"id": p.pk, "caption": p.caption, "url": reverse("practice_photo", args=[p.pk])}
            for p in selectors.practice_photos(practice)
        ],
        "history": history_items(practice),
    }


class PracticeFilter(Schema):
    q: str = ""
    field: str = ""
    kind: str = ""
    status: str = ""


class PracticeIn(Schema):
    organization_id: int
    kind: str
    name: str
    field: str
    subfield_id: int | None = None
    started_on: datetime.date | None = None
    situation: str = ""
    objectives: str = ""
    content_method: str = ""
    target_group: str = ""
    forces: str = ""
    resources: str = ""
    budget_dong: int | None = Field(None, ge=0)
    workdays: int | None = Field(None, ge=0)
    people_contribution_dong: int | None = Field(None, ge=0)
    timeline: str = ""
    outputs: str = ""
    sustainability: str = ""
    person_name: str = ""
    consent_recorded_on: datetime.date | None = None
    is_public: bool = False
    results: list[ResultIn] = []


class PracticePatch(Patch):
    nullable = frozenset(
        {"subfield_id", "started_on", "budget_dong", "workdays", "people_contribution_dong",
         "consent_recorded_on"}
    )  # fmt: skip

    kind: str | None = None
    name: str | None = None
    field: str | None = None
    subfield_id: int | None = None
    started_on: datetime.date | None = None
    situation: str | None = None
    objectives: str | None = None
    content_method: str | None = None
    target_group: str | None = None
    forces: str | None = None
    resources: str | None = None
    budget_dong: int | None = Field(None, ge=0)
    workdays: int | None = Field(None, ge=0)
    people_contribution_dong: int | None = Field(None, ge=0)
    timeline: str | None = None
    outputs: str | None = None
    sustainability: str | None = None
    person_name: str | None = None
    consent_recorded_on: datetime.date | None = None
    is_public: bool | None = None


def _subfield(data: dict[str, Any]) -> None:
    """`subfield_id` in a body becomes the service's `subfield` (an active one, or none)."""
    if "subfield_id" not in data:
        return
    pk = data.pop("subfield_id")
    if pk is None:
        data["subfield"] = None
        return
    found = SubField.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise ValidationError({"subfield_id": _("No sub-field with id %(id)s.") % {"id": pk}})
    data["subfield"] = found


class SubFieldOut(Schema):
    id: int
    field: str
    name: str
    name_en: str


@router.get("/practices/subfields", response=list[SubFieldOut], tags=TAGS)
def list_subfields(request: HttpRequest) -> Any:
    """The sub-fields in use, to choose a practice's `subfield_id` (administrators keep them)."""
    _actor(request)
    return SubField.objects.filter(is_active=True)


@router.get("/practices", response=list[PracticeOut], tags=TAGS)
@paginate(Pages)
def list_practices(request: HttpRequest, filters: Query[PracticeFilter]) -> Any:
    user = _actor(request)
    practices = selectors.practices_for_user(
        user, q=filters.q, field=filters.field, kind=filters.kind, status=filters.status
    )
    return selectors.with_adoption(
        practices.select_related("organization__kind").prefetch_related("results")
    )


# --- Where practices are not yet adopted, and figures -------------------------------------


class NotAdoptedOut(Schema):
    id: int
    name: str
    field: str
    status: str
    organization_id: int
    organization: str = Field(..., alias="organization.name")


@router.get("/practices/not-adopted", response=list[NotAdoptedOut], tags=TAGS)
@paginate(Pages)
def not_adopted(
    request: HttpRequest, organization_id: int | None = None, area_id: int | None = None
) -> Any:
    """Recognised practices a unit (`organization_id`), or no unit of an area (`area_id`),
    has built or adopted: as on the page."""
    user = _actor(request)
    if organization_id is not None:
        return selectors.not_yet_adopted(_org(user, organization_id, "organization_id"))
    if area_id is not None:
        area = Area.objects.visible_to(user).filter(pk=area_id).first()
        if area is None:
            raise ValidationError(
                {"area_id": _("No area with id %(id)s in your scope.") % {"id": area_id}}
            )
        return selectors.not_yet_adopted_in_area(area)
    raise ValidationError(_("Give an organization_id or an area_id."))


class StatisticsOut(Schema):
    period: str
    by_field: dict[str, dict[str, int]]
    total: dict[str, int]
    registered_by_area: dict[str, int]


@router.get("/practices/statistics", response=StatisticsOut, tags=TAGS)
def statistics(request: HttpRequest, period: str) -> Any:
    """The movement's figures for the user's scope and a period (2026, 2026S1, 2026Q2, …)."""
    user = _actor(request)
    try:
        the_period = periods.parse(period)
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None
    scope = ReportingScope.for_user(user)
    return {"period": the_period.code, **selectors.statistics(scope, the_period)}


# --- One practice and its workflow ------------------------------------------------------


@router.get("/practices/{practice_id}", response=PracticeDetailOut, tags=TAGS)
def get_practice(request: HttpRequest, practice_id: int) -> Any:
    return _detail(_actor(request), practice_id)


@router.post("/practices", response={201: PracticeDetailOut}, tags=TAGS)
def create_practice(request: HttpRequest, payload: PracticeIn) -> Any:
    user = _actor(request)
    data = payload.dict()
    organization = _org(user, data.pop("organization_id"), "organization_id")
    _subfield(data)
    practice = services.practice_register(actor=user, organization=organization, **data)
    return Status(201, _detail(user, practice.pk))


@router.patch("/practices/{practice_id}", response=PracticeDetailOut, tags=TAGS)
def update_practice(request: HttpRequest, practice_id: int, payload: PracticePatch) -> Any:
    user = _actor(request)
    practice = selectors.get_practice_for_user(user, practice_id)
    data = payload.dict(exclude_unset=True)
    _subfield(data)
    services.practice_update(actor=user, practice=practice, **data)
    return _detail(user, practice.pk)


@router.post("/practices/{practice_id}/results", response={201: ResultOut}, tags=TAGS)
def add_result(request: HttpRequest, practice_id: int, payload: ResultIn) -> Any:
    """A measured result of the practice itself (the owning unit)."""
    user = _actor(request)
    practice = selectors.get_practice_for_user(user, practice_id)
    result = services.result_add(actor=user, practice=practice, **payload.dict())
    return Status(201, PracticeResult.objects.get(pk=result.pk))


@router.post("/practices/{practice_id}/photos", response={201: PhotoOut}, tags=TAGS)
def add_photo(
    request: HttpRequest,
    practice_id: int,
    image: File[UploadedFile],
    caption: Form[str] = "",
) -> Any:
    """A photo, sent as multipart/form-data (`image`, `caption`): resized, its place and
    camera data removed, as on the page."""
    user = _actor(request)
    practice = selectors.get_practice_for_user(user, practice_id)
    photo = services.photo_add(actor=user, practice=practice, upload=image, caption=caption)
    url = reverse("practice_photo", args=[photo.pk])
    return Status(201, {"id": photo.pk, "caption": photo.caption, "url": url})


class AppraisalIn(Schema):
    score_identity: int = Field(..., ge=0, le=10)
    score_leadership: int = Field(..., ge=0, le=10)
    score_mobilisation: int = Field(..., ge=0, le=10)
    score_urgency: int = Field(..., ge=0, le=10)
    score_recognition: int = Field(..., ge=0, le=10)
    score_sustainability: int = Field(..., ge=0, le=10)
    comments: str = ""


@router.post("/practices/{practice_id}/appraisals", response={201: PracticeDetailOut}, tags=TAGS)
def appraise_practice(request: HttpRequest, practice_id: int, payload: AppraisalIn) -> Any:
    """An officer of a higher unit scores the six criteria; 409 once the practice is decided."""
    user = _actor(request)
    practice = selectors.get_practice_for_user(user, practice_id)
    data = payload.dict()
    comments = data.pop("comments")
    services.appraisal_record(actor=user, practice=practice, scores=data, comments=comments)
    return Status(201, _detail(user, practice.pk))


class LevelDecisionIn(Schema):
    decided_by_id: int
    level: str
    decision_number: str
    decided_on: datetime.date | None = Field(None, description="today when left out")


class RecognitionIn(LevelDecisionIn):
    appraisal_waived_reason: str = Field(
        "", description="why no appraisal was needed: a leader of the deciding body only"
    )


class NotRecognisedIn(Schema):
    decided_by_id: int
    decision_number: str = Field("", max_length=60, description="when the decision has one")
    decided_on: datetime.date | None = Field(None, description="when the decision has one")


def _deciding(request: HttpRequest, practice_id: int, payload: Schema) -> dict[str, Any]:
    user = _actor(request)
    data = payload.dict()
    practice = selectors.get_practice_for_user(user, practice_id)
    decided_by = _org(user, data.pop("decided_by_id"), "decided_by_id")
    return {"actor": user, "practice": practice, "decided_by": decided_by, **data}


@router.post("/practices/{practice_id}/recognise", response={201: PracticeDetailOut}, tags=TAGS)
def recognise_practice(request: HttpRequest, practice_id: int, payload: RecognitionIn) -> Any:
    """Recognise at a level, after an appraisal — or, a leader of the deciding body, with
    the reason none was needed. 409 if already recognised or not appraised."""
    decision = _deciding(request, practice_id, payload)
    services.practice_recognise(**decision)
    return Status(201, _detail(decision["actor"], practice_id))


@router.post("/practices/{practice_id}/raise-level", response={201: PracticeDetailOut}, tags=TAGS)
def raise_level(request: HttpRequest, practice_id: int, payload: LevelDecisionIn) -> Any:
    """Raise a recognised practice to a higher level, dated on or after the previous
    decision. 409 if it is not recognised or already at the highest level."""
    decision = _deciding(request, practice_id, payload)
    services.practice_raise_level(**decision)
    return Status(201, _detail(decision["actor"], practice_id))


@router.post("/practices/{practice_id}/commend", response={201: PracticeDetailOut}, tags=TAGS)
def commend_practice(request: HttpRequest, practice_id: int, payload: LevelDecisionIn) -> Any:
    """Commend a recognised practice (409 if it is not recognised)."""
    decision = _deciding(request, practice_id, payload)
    services.practice_commend(**decision)
    return Status(201, _detail(decision["actor"], practice_id))


@router.post("/practices/{practice_id}/not-recognised", response=PracticeDetailOut, tags=TAGS)
def not_recognised(request: HttpRequest, practice_id: int, payload: NotRecognisedIn) -> Any:
    """Record that the practice is not recognised, by which body and, when the decision has
    them, its number and date (409 if it is recognised, or already recorded so)."""
    decision = _deciding(request, practice_id, payload)
    services.practice_not_recognise(**decision)
    return _detail(decision["actor"], practice_id)


class DecisionIn(Schema):
    recognised: bool = True
    kind: str = "recognition"
    decided_by_id: int
    level: str = ""
    decision_number: str = ""
    decided_on: datetime.date | None = None
    appraisal_waived_reason: str = ""


@router.post("/practices/{practice_id}/decisions", response={201: PracticeDetailOut}, tags=TAGS)
def decide_practice(request: HttpRequest, practice_id: int, payload: DecisionIn) -> Any:
    """The page's one decision form: not recognised, recognised (raised, once recognised) or
    commended. The sub-resources above name each step."""
    decision = _deciding(request, practice_id, payload)
    services.practice_decide(**decision)
    return Status(201, _detail(decision["actor"], practice_id))


# --- Replications --------------------------------------------------------------------------


class ReplicationOut(Schema):
    id: int
    practice_id: int
    organization_id: int
    adopted_on: datetime.date
    adaptation: str
    results: list[ResultOut]

    @staticmethod
    def resolve_results(obj: Replication) -> list[Any]:
        return list(obj.results.all())


class ReplicationIn(Schema):
    practice_id: int
    organization_id: int
    adopted_on: datetime.date
    adaptation: str = ""
    results: list[ResultIn] = []


@router.get("/replications", response=list[ReplicationOut], tags=TAGS)
@paginate(Pages)
def list_replications(request: HttpRequest, practice: int | None = None) -> Any:
    return selectors.replications_for_user(_actor(request), practice=practice)


@router.post("/replications", response={201: ReplicationOut}, tags=TAGS)
def create_replication(request: HttpRequest, payload: ReplicationIn) -> Any:
    """A unit records that it adopted a recognised practice (409 if it is not recognised)."""
    user = _actor(request)
    data = payload.dict()
    practice = selectors.get_practice_for_user(user, data.pop("practice_id"))
    organization = _org(user, data.pop("organization_id"), "organization_id")
    replication = services.replication_record(
        actor=user, practice=practice, organization=organization, **data
    )
    return Status(201, Replication.objects.prefetch_related("results").get(pk=replication.pk))


@router.post("/replications/{replication_id}/results", response={201: ResultOut}, tags=TAGS)
def add_replication_result(request: HttpRequest, replication_id: int, payload: ResultIn) -> Any:
    """A further measured result of an adoption (the adopting unit)."""
    user = _actor(request)
    replication = selectors.get_replication_for_user(user, replication_id)
    result = services.result_add(
        actor=user, practice=replication.practice, replication=replication, **payload.dict()
    )
    return Status(201, PracticeResult.objects.get(pk=result.pk))
