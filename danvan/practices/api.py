"""API for practices and replications — scoped like the pages, with the workflow actions."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.lib.api import Pages, Patch
from danvan.org.api import organization_in_scope as _org
from danvan.org.api import request_user as _actor

from . import selectors, services
from .models import Practice, Replication

router = Router()


class ResultIn(Schema):
    metric: str
    value: Decimal
    unit: str
    value_before: Decimal | None = None
    as_of: datetime.date | None = None


class ResultOut(Schema):
    metric: str
    value: Decimal
    value_before: Decimal | None
    unit: str
    as_of: datetime.date


class PracticeOut(Schema):
    id: int
    kind: str
    name: str
    field: str
    organization_id: int
    area_id: int
    status: str
    is_public: bool
    registered_on: datetime.date
    outputs: str
    results: list[ResultOut]

    @staticmethod
    def resolve_results(obj: Practice) -> list[Any]:
        return [r for r in obj.results.all() if r.replication_id is None]


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
    situation: str = ""
    objectives: str = ""
    content_method: str = ""
    target_group: str = ""
    forces: str = ""
    resources: str = ""
    timeline: str = ""
    outputs: str = ""
    sustainability: str = ""
    is_public: bool = False
    results: list[ResultIn] = []


class PracticePatch(Patch):
    name: str | None = None
    outputs: str | None = None
    sustainability: str | None = None
    is_public: bool | None = None


class AppraisalIn(Schema):
    score_identity: int = Field(..., ge=0, le=10)
    score_leadership: int = Field(..., ge=0, le=10)
    score_mobilisation: int = Field(..., ge=0, le=10)
    score_urgency: int = Field(..., ge=0, le=10)
    score_recognition: int = Field(..., ge=0, le=10)
    score_sustainability: int = Field(..., ge=0, le=10)
    comments: str = ""


class DecisionIn(Schema):
    recognised: bool = True
    kind: str = "recognition"
    decided_by_id: int
    level: str = ""
    decision_number: str = ""
    decided_on: datetime.date | None = None


def _practice_out(user: User, pk: int) -> Practice:
    return Practice.objects.visible_to(user).prefetch_related("results").get(pk=pk)


@router.get("/practices", response=list[PracticeOut], tags=["practices"])
@paginate(Pages)
def list_practices(request: HttpRequest, filters: Query[PracticeFilter]) -> Any:
    return selectors.practices_for_user(
        _actor(request), q=filters.q, field=filters.field, kind=filters.kind, status=filters.status
    ).prefetch_related("results")


@router.get("/practices/{practice_id}", response=PracticeOut, tags=["practices"])
def get_practice(request: HttpRequest, practice_id: int) -> Any:
    selectors.get_practice_for_user(_actor(request), practice_id)
    return _practice_out(_actor(request), practice_id)


@router.post("/practices", response={201: PracticeOut}, tags=["practices"])
def create_practice(request: HttpRequest, payload: PracticeIn) -> Any:
    user = _actor(request)
    data = payload.dict()
    organization = _org(user, data.pop("organization_id"), "organization_id")
    practice = services.practice_register(actor=user, organization=organization, **data)
    return Status(201, _practice_out(user, practice.pk))


@router.patch("/practices/{practice_id}", response=PracticeOut, tags=["practices"])
def update_practice(request: HttpRequest, practice_id: int, payload: PracticePatch) -> Any:
    user = _actor(request)
    practice = selectors.get_practice_for_user(user, practice_id)
    services.practice_update(actor=user, practice=practice, **payload.dict(exclude_unset=True))
    return _practice_out(user, practice.pk)


@router.post("/practices/{practice_id}/appraisals", response={201: PracticeOut}, tags=["practices"])
def appraise_practice(request: HttpRequest, practice_id: int, payload: AppraisalIn) -> Any:
    user = _actor(request)
    practice = selectors.get_practice_for_user(user, practice_id)
    data = payload.dict()
    comments = data.pop("comments")
    services.appraisal_record(actor=user, practice=practice, scores=data, comments=comments)
    return Status(201, _practice_out(user, practice.pk))


@router.post("/practices/{practice_id}/decisions", response={201: PracticeOut}, tags=["practices"])
def decide_practice(request: HttpRequest, practice_id: int, payload: DecisionIn) -> Any:
    user = _actor(request)
    practice = selectors.get_practice_for_user(user, practice_id)
    data = payload.dict()
    decided_by = _org(user, data.pop("decided_by_id"), "decided_by_id")
    services.practice_decide(actor=user, practice=practice, decided_by=decided_by, **data)
    return Status(201, _practice_out(user, practice.pk))


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


@router.get("/replications", response=list[ReplicationOut], tags=["practices"])
@paginate(Pages)
def list_replications(request: HttpRequest, practice: int | None = None) -> Any:
    visible = Practice.objects.visible_to(_actor(request))
    replications = Replication.objects.filter(practice__in=visible).prefetch_related("results")
    if practice is not None:
        replications = replications.filter(practice_id=practice)
    return replications.order_by("-adopted_on", "pk")


@router.post("/replications", response={201: ReplicationOut}, tags=["practices"])
def create_replication(request: HttpRequest, payload: ReplicationIn) -> Any:
    user = _actor(request)
    data = payload.dict()
    practice = selectors.get_practice_for_user(user, data.pop("practice_id"))
    organization = _org(user, data.pop("organization_id"), "organization_id")
    replication = services.replication_record(
        actor=user, practice=practice, organization=organization, **data
    )
    return Status(201, Replication.objects.prefetch_related("results").get(pk=replication.pk))
