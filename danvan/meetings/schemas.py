"""The meetings API's bodies and answers (api.py, api_points.py)."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from danvan.lib.api import Patch, Ref, Year
from danvan.org.models import AreaLevel
from danvan.programs.models import Program

from . import selectors
from .models import AgendaItem, BridgePoint, Conclusion, ConclusionStatus, Meeting

KindName = Literal[
    "interim_review", "final_review", "online", "working_session", "signing", "thematic"
]
FormatName = Literal["in_person", "online", "hybrid"]
StatusName = Literal["scheduled", "held", "cancelled"]
LevelName = Literal["province", "district", "commune", "village"]
CheckName = Literal["good", "poor", "failed"]

TITLE_MAX = 300
PLACE_MAX = 300
VIDEO_URL_MAX = 500
PERIOD_MAX = 12
CHAIR_MAX = 200
NOTE_MAX = 300


def _aware(value: datetime.datetime) -> datetime.datetime:
    """A time written without an offset is Vietnam's time (the site's time zone); its year is
    checked by the service (`_check_meeting`), for the pages too."""
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


LocalDateTime = Annotated[datetime.datetime, AfterValidator(_aware)]
WHEN = "ISO 8601 with its offset (2026-06-05T08:00:00+07:00); without one, Vietnam's time"


@contextmanager
def body_names(names: dict[str, str]) -> Iterator[None]:
    """A service's refusal naming its arguments (`host`, `organization`) named as the body's
    fields (`host_id`, `organization_id`), so that a client finds the field it sent."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        errors = {names.get(field, field): msgs for field, msgs in exc.error_dict.items()}
        raise type(exc)(errors) from None


def _label(level: str) -> str:
    try:
        return str(AreaLevel(level).label)
    except ValueError:
        return level


# --- Answers --------------------------------------------------------------------------------


class LevelTotalOut(Schema):
    level: str
    label: str = Field(..., description="The level's name, in your language")
    points: int = Field(..., description="Bridge points of this level")
    confirmed: int = Field(..., description="Points that confirmed their attendance")
    expected: int = Field(..., description="Delegates expected at every point")
    attending: int = Field(..., description="Delegates attending at the confirmed points")
    rate: float | None = Field(
        ..., description="Attending per delegate expected at the confirmed points, in %"
    )


class TotalsOut(Schema):
    levels: list[LevelTotalOut]
    points: int
    confirmed: int
    expected: int
    attending: int
    rate: float | None


def totals_out(meeting: Meeting) -> dict[str, Any]:
    found = selectors.totals(meeting)
    return {
        "levels": [
            {
                "level": t.level,
                "label": t.label,
                "points": t.points,
                "confirmed": t.confirmed,
                "expected": t.expected,
                "attending": t.attending,
                "rate": t.rate,
            }
            for t in found.levels
        ],
        "points": found.points,
        "confirmed": found.confirmed,
        "expected": found.expected,
        "attending": found.attending,
        "rate": found.rate,
    }


class AgendaItemOut(Schema):
    id: int
    meeting_id: int
    starts_at: datetime.datetime
    title: str
    presenter: str = Field(..., description="The office presenting it, not the person")
    document_ids: list[int]
    attachment_url: str | None = Field(..., description="Where to download its file (this API)")
    removed: bool

    @staticmethod
    def resolve_document_ids(obj: AgendaItem) -> list[int]:
        return sorted(d.pk for d in obj.documents.all())

    @staticmethod
    def resolve_attachment_url(obj: AgendaItem) -> str | None:
        if not obj.attachment:
            return None
        return reverse("api-v1:meeting_item_file", args=[obj.meeting_id, obj.pk])

    @staticmethod
    def resolve_removed(obj: AgendaItem) -> bool:
        return obj.deleted_at is not None


class MeetingOut(Schema):
    id: int
    host: Ref = Field(..., description="The unit holding it")
    kind: str
    kind_label: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    format: str
    format_label: str
    place: str
    video_url: str
    period: str = Field(..., description="The period it reviews (2026S1, 2026…), if any")
    status: str
    status_label: str
    cancel_reason: str
    created_at: datetime.datetime
    url: str = Field(..., description="The meeting's page")
    ics_url: str = Field(..., description="The meeting as an iCalendar file")

    @staticmethod
    def resolve_kind_label(obj: Meeting) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_format_label(obj: Meeting) -> str:
        return str(obj.get_format_display())

    @staticmethod
    def resolve_status_label(obj: Meeting) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_url(obj: Meeting) -> str:
        return reverse("meeting_detail", args=[obj.pk])

    @staticmethod
    def resolve_ics_url(obj: Meeting) -> str:
        return reverse("meeting_ics", args=[obj.pk])


class MeetingDetailOut(MeetingOut):
    program_id: int | None = Field(..., description="The programme signed or reviewed, if seen")
    report_form_ids: list[int] = Field(..., description="The report forms presented")
    document_ids: list[int] = Field(..., description="The documents cited")
    minutes: str
    chair_conclusion: str
    minutes_file_url: str | None = Field(..., description="Where to download the minutes' file")
    sequence: int = Field(..., description="Raised by each change sent again to the units")
    agenda_items: list[AgendaItemOut]
    totals: TotalsOut = Field(..., description="Bridge points and delegates, by level")
    conclusions: int = Field(..., description="Conclusions recorded")
    open_conclusions: int = Field(..., description="Of them, still to do")
    may_manage: bool = Field(..., description="You may change it, invite points, conclude")

    # The detail is built for one meeting: these are a few bounded reads, not one per row.
    @staticmethod
    def resolve_program_id(obj: Meeting, context: Any) -> int | None:
        if obj.program_id is None:
            return None
        visible = Program.objects.visible_to(context["request"].user)
        return obj.program_id if visible.filter(pk=obj.program_id).exists() else None

    @staticmethod
    def resolve_report_form_ids(obj: Meeting) -> list[int]:
        return sorted(obj.report_forms.values_list("pk", flat=True))

    @staticmethod
    def resolve_document_ids(obj: Meeting) -> list[int]:
        return sorted(obj.documents.values_list("pk", flat=True))

    @staticmethod
    def resolve_minutes_file_url(obj: Meeting) -> str | None:
        if not obj.minutes_file:
            return None
        return reverse("api-v1:meeting_minutes_file", args=[obj.pk])

    @staticmethod
    def resolve_agenda_items(obj: Meeting) -> list[AgendaItem]:
        return list(obj.items.filter(deleted_at__isnull=True).prefetch_related("documents"))

    @staticmethod
    def resolve_totals(obj: Meeting) -> dict[str, Any]:
        return totals_out(obj)

    @staticmethod
    def resolve_conclusions(obj: Meeting) -> int:
        return obj.conclusions.count()

    @staticmethod
    def resolve_open_conclusions(obj: Meeting) -> int:
        return selectors.open_conclusions(obj)

    @staticmethod
    def resolve_may_manage(obj: Meeting, context: Any) -> bool:
        return selectors.may_manage(context["request"].user, obj)


class PointOut(Schema):
    id: int
    meeting_id: int
    organization: Ref = Field(..., description="The unit joining from its hall")
    level: str
    level_label: str
    is_host: bool = Field(..., description="The host's own point")
    is_guest: bool = Field(..., description="A unit from outside the host's units")
    place: str
    chair: str = Field(..., description="The office chairing the point, not the person")
    expected: int = Field(..., description="Delegates expected")
    attending: int | None = Field(..., description="Delegates attending, once confirmed")
    attendance_note: str
    confirmed: bool
    confirmed_at: datetime.datetime | None
    confirmed_by: str
    check_result: str = Field(..., description="good, poor or failed; empty if not checked")
    check_result_label: str
    check_note: str
    checked_at: datetime.datetime | None
    checked_by: str
    invited_at: datetime.datetime

    @staticmethod
    def resolve_level_label(obj: BridgePoint) -> str:
        return _label(obj.level)

    @staticmethod
    def resolve_confirmed(obj: BridgePoint) -> bool:
        return obj.confirmed_at is not None

    @staticmethod
    def resolve_confirmed_by(obj: BridgePoint) -> str:
        return str(obj.confirmed_by) if obj.confirmed_by is not None else ""

    @staticmethod
    def resolve_checked_by(obj: BridgePoint) -> str:
        return str(obj.checked_by) if obj.checked_by is not None else ""

    @staticmethod
    def resolve_check_result_label(obj: BridgePoint) -> str:
        return str(obj.get_check_result_display()) if obj.check_result else ""


class InvitedOut(Schema):
    invited: int = Field(..., description="Bridge points added (or invited back)")


class ConclusionOut(Schema):
    id: int
    meeting_id: int
    text: str
    organization: Ref = Field(..., description="The unit the task is assigned to")
    due_on: datetime.date
    status: str
    status_label: str
    result: str = Field(..., description="What was done")
    done_on: datetime.date | None
    overdue: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_status_label(obj: Conclusion) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj: Conclusion) -> bool:
        return obj.status == ConclusionStatus.OPEN and obj.due_on < timezone.localdate()


# --- Bodies and filters ---------------------------------------------------------------------


class MeetingFilter(Schema):
    when: Literal["upcoming", "past"] | None = Field(
        None, description="upcoming: not yet ended, soonest first; past: ended, latest first"
    )
    kind: KindName | None = None
    status: StatusName | None = None
    host_id: int | None = Field(None, description="A unit's id: meetings it or units below hold")
    year: Year | None = Field(None, description="The year it starts in")
    q: str = Field("", description="Words of the title, the place or the host's name")


class MeetingIn(Schema):
    host_id: int = Field(..., description="The unit holding it")
    kind: KindName
    title: str = Field(..., max_length=TITLE_MAX)
    starts_at: LocalDateTime = Field(..., description=WHEN)
    ends_at: LocalDateTime = Field(..., description=WHEN)
    format: FormatName = "in_person"
    place: str = Field("", max_length=PLACE_MAX)
    video_url: str = Field("", max_length=VIDEO_URL_MAX, description="The online meeting's link")
    period: str = Field("", max_length=PERIOD_MAX, description="2026S1, 2026Q2, 202605, 2026")
    program_id: int | None = Field(None, description="The programme signed or reviewed")
    report_form_ids: list[int] = Field([], description="The report forms presented")
    document_ids: list[int] = Field([], description="The documents cited")
    host_expected: int = Field(0, description="Delegates expected at the host's bridge point")
    host_chair: str = Field("", max_length=CHAIR_MAX, description="The office chairing it")


class MeetingPatch(Patch):
    """Leave a field out to keep it; `program_id` may be null (none)."""

    nullable = frozenset({"program_id"})

    kind: KindName | None = None
    title: str | None = Field(None, max_length=TITLE_MAX)
    starts_at: LocalDateTime | None = Field(None, description=WHEN)
    ends_at: LocalDateTime | None = Field(None, description=WHEN)
    format: FormatName | None = None
    place: str | None = Field(None, max_length=PLACE_MAX)
    video_url: str | None = Field(None, max_length=VIDEO_URL_MAX)
    period: str | None = Field(None, max_length=PERIOD_MAX)
    program_id: int | None = None
    report_form_ids: list[int] | None = None
    document_ids: list[int] | None = None
    reason: str | None = Field(None, description="Why it changes (kept in the history)")


class ReasonIn(Schema):
    reason: str


class MinutesIn(Schema):
    minutes: str
    chair_conclusion: str = Field("", description="The conclusion of the chair")


class AgendaItemIn(Schema):
    starts_at: LocalDateTime = Field(..., description=WHEN + "; within the meeting")
    title: str = Field(..., max_length=TITLE_MAX)
    presenter: str = Field("", max_length=CHAIR_MAX, description="The office, not the person")
    document_ids: list[int] = []


class AgendaItemPatch(Patch):
    """Leave a field out to keep it."""

    starts_at: LocalDateTime | None = Field(None, description=WHEN)
    title: str | None = Field(None, max_length=TITLE_MAX)
    presenter: str | None = Field(None, max_length=CHAIR_MAX)
    document_ids: list[int] | None = None


class PointFilter(Schema):
    level: LevelName | None = None
    confirmed: bool | None = Field(None, description="true: confirmed; false: not yet")
    q: str = Field("", description="Words of the unit's name")


class PointIn(Schema):
    organization_id: int
    guest: bool = Field(False, description="A unit outside the host's units, which you see")
    place: str = Field("", max_length=PLACE_MAX)
    chair: str = Field("", max_length=CHAIR_MAX, description="The office, not the person")
    expected: int = Field(0, description="Delegates expected")


class InviteIn(Schema):
    level: LevelName = Field(..., description="Every unit of this level under the host")
    kind: str = Field("", description="Only units of this kind: its code (fatherland_front) or id")
    expected: int = Field(0, description="Delegates expected at each point")


class PointPatch(Patch):
    """Leave a field out to keep it."""

    place: str | None = Field(None, max_length=PLACE_MAX)
    chair: str | None = Field(None, max_length=CHAIR_MAX)
    expected: int | None = None


class PointConfirmIn(Schema):
    attending: int = Field(..., description="Delegates attending")
    attendance_note: str | None = Field(
        None,
        max_length=NOTE_MAX,
        description="Required when more attend than expected; left out, the recorded one stays",
    )
    place: str | None = Field(None, max_length=PLACE_MAX)
    chair: str | None = Field(None, max_length=CHAIR_MAX)
    expected: int | None = None


class CheckIn(Schema):
    result: CheckName
    note: str = Field("", max_length=NOTE_MAX, description="Required unless the result is good")


class WithdrawIn(Schema):
    reason: str = ""


class ConclusionIn(Schema):
    text: str
    organization_id: int = Field(..., description="The unit the task is assigned to")
    due_on: datetime.date


class DoneIn(Schema):
    result: str = Field(..., description="What was done")
    done_on: datetime.date | None = Field(None, description="Default: today")
