"""The meetings' cast: tinh's commission hosts; xa's and xa2's commune fronts are points."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from danvan.meetings import services, services_points
from danvan.meetings.models import Format, Kind, Meeting
from danvan.org.models import OrganizationKind


def at(days: int, hour: int = 8, minute: int = 0) -> datetime.datetime:
    """A local time `days` from today (Asia/Ho_Chi_Minh)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def review(world, tinh) -> Meeting:  # type: ignore[no-untyped-def]
    """An online half-year review of the commission, in a week, 8:00–11:30."""
    return services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.INTERIM_REVIEW,
        title="Hội nghị trực tuyến sơ kết công tác dân vận 6 tháng đầu năm",
        starts_at=at(7, 8), ends_at=at(7, 11, 30), format=Format.ONLINE,
        place="Hội trường Tỉnh ủy", video_url="https://meet.example.vn/so-ket",
        period="2026S2", host_expected=120, host_chair="Trưởng Ban Dân vận Tỉnh ủy",
    )  # fmt: skip


@pytest.fixture
def fronts(review, tinh, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """The commune fronts invited as bridge points in one step (the e-mails sent)."""
    with django_capture_on_commit_callbacks(execute=True):
        return services_points.points_invite_level(
            actor=tinh, meeting=review, level="commune",
            kind=OrganizationKind.objects.get(code="fatherland_front"), expected=30,
        )  # fmt: skip
