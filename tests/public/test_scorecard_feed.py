"""The public scorecard on a small fixture, and the Atom feed of published answers."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.test import Client

from danvan.dialogue import services_petitions
from danvan.dialogue.models import Petition
from tests.conftest import World
from tests.public.conftest import TODAY, assert_no_personal_data


@pytest.fixture
def answered(
    world: World, file_petition: Callable[..., Petition], answer: Callable[..., Petition]
) -> dict[str, Petition]:
    """Commune A's Front: one answered on time (citizen satisfied), one late, one open.
    Commune B's Front: one answered on time (citizen not satisfied)."""
    quick = answer(file_petition())  # received 01/12, settled 03/12: 2 days
    late = answer(
        file_petition(received_on=datetime.date(2026, 7, 1), summary="Đề nghị cấp nước sạch"),
        accepted_on=datetime.date(2026, 7, 2),
        settled_on=datetime.date(2026, 11, 30),  # 152 days, long past the deadline
        result="Đã lắp đặt đường ống nước sạch cho thôn.",
    )
    file_petition(summary="Đề nghị lắp đèn đường")
    services_petitions.petition_confirm(
        actor=None, petition=quick, confirmation="satisfied", confirmed_on=TODAY
    )
    other = answer(
        file_petition(
            organization=world.front_b, area=world.commune_b, summary="Đề nghị sửa cầu treo"
        ),
        result="Đã sửa cầu treo bản Xốp Mạt.",
    )
    services_petitions.petition_confirm(
        actor=None, petition=other, confirmation="not_satisfied", confirmed_on=TODAY
    )
    return {"quick": quick, "late": late, "other": other}


def rows(html: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table[^>]*id="{table}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert body is not None, table
    cells = []
    for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S):
        cells.append(
            [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            ]
        )
    return cells


def test_the_scorecard_ranks_units_by_on_time_share(
    world: World, answered: dict[str, Petition], visitor: Client
) -> None:
    response = visitor.get(
        "/kien-nghi/bang-xep-hang/", {"period": "2026S2", "area": world.province.pk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "6 tháng cuối năm 2026" in html  # the period shown
    units = rows(html, "units")
    # rank, unit, received, settled, on time %, median days, satisfied %, dialogues
    assert units[0][:7] == ["1", world.front_b.name, "1", "1", "100 %", "2", "0 %"]
    assert units[1][:7] == ["2", world.front_a.name, "3", "2", "50 %", "77", "100 %"]
    communes = rows(html, "communes")
    assert [r[1] for r in communes] == [world.commune_b.name, world.commune_a.name]
    assert re.search(r'id="total-received">\s*4<', html)
    assert re.search(r'id="total-on-time">\s*66,7 %<', html)
    trend = rows(html, "trend")
    assert len(trend) == 4 and trend[-1][1:4] == ["4", "3", "66,7 %"]
    assert "<polyline" in html
    axis = re.findall(r'text-anchor="middle" fill="#6c757d">([^<]*)</text>', html)
    assert axis == ["6T đầu 2025", "6T cuối 2025", "6T đầu 2026", "6T cuối 2026"]  # not codes
    assert_no_personal_data(html)


def test_the_scorecard_of_a_commune_and_of_an_earlier_period(
    world: World, answered: dict[str, Petition], visitor: Client
) -> None:
    html = visitor.get(
        "/kien-nghi/bang-xep-hang/", {"period": "2026S1", "area": world.commune_a.pk}
    ).content.decode()
    empty = rows(html, "units")
    assert len(empty) == 1 and len(empty[0]) == 1  # one cell: nothing in the first half
    html = visitor.get(
        "/kien-nghi/bang-xep-hang/", {"period": "2026", "area": world.commune_a.pk}
    ).content.decode()
    units = rows(html, "units")
    assert [u[1] for u in units] == [world.front_a.name]
    assert 'id="communes"' not in html  # a commune has no communes below it
    # A period in the future, or of another kind, falls back to the current half year.
    assert visitor.get("/kien-nghi/bang-xep-hang/", {"period": "2099S1"}).status_code == 200
    assert (
        visitor.get("/kien-nghi/bang-xep-hang/", {"period": "abc", "area": "x"}).status_code == 200
    )


def test_the_feed_lists_published_answers_only_and_no_person(
    world: World,
    answered: dict[str, Petition],
    file_petition: Callable[..., Petition],
    answer: Callable[..., Petition],
    denunciation: Petition,
    visitor: Client,
) -> None:
    quiet = answer(file_petition(summary="Đề nghị hỗ trợ giống cây trồng"), publish=False,
                   result="Đã hỗ trợ giống.")  # fmt: skip
    response = visitor.get("/kien-nghi/feed.atom")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/atom+xml"
    )
    feed = response.content.decode()
    assert answered["late"].summary in feed and answered["late"].result in feed
    assert world.front_b.name in feed and "30/11/2026" in feed
    assert quiet.summary not in feed and quiet.result not in feed
    assert denunciation.summary not in feed and denunciation.result not in feed
    # The codes are the citizens' own: not in the public feed.
    assert answered["late"].code not in feed
    assert_no_personal_data(feed)
