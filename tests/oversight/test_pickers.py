"""The oversight forms' pickers: a recommendation's responsible organisation is picked among
those in the lead's scope, and what a person picks is posted as before."""

from __future__ import annotations

import datetime
import re

import pytest

from danvan.lib import pickers
from danvan.oversight import services
from danvan.oversight.models import Recommendation
from tests.conftest import World

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()  # noqa: DTZ011 — only to place test dates in the past


def test_the_responsible_picker_offers_only_the_leads_scope(world: World, tinh, as_user) -> None:  # type: ignore[no-untyped-def]
    commune = services.oversight_create(
        actor=tinh, kind="inspection", title="Kiểm tra công tác dân vận xã Mường Xén",
        lead=world.party_a, subjects=[world.front_a], documents=[],
        starts_on=TODAY - datetime.timedelta(days=10), ends_on=TODAY - datetime.timedelta(days=5),
    )  # fmt: skip
    client = as_user(tinh)
    page = client.get(f"/oversight/{commune.pk}/").content.decode()
    picker = re.search(
        r'<div class="dv-picker".*?<select name="responsible".*?</select>', page, re.S
    )
    assert picker is not None
    offered = {int(v) for v in re.findall(r'<option value="(\d+)"', picker.group(0))}
    assert offered == {world.party_a.pk, world.front_a.pk}  # not commune B's, not the commission
    token = re.search(r'data-limit-to="([^"]+)"', picker.group(0))
    assert token is not None
    assert pickers.allowed_pks(token.group(1), "org.organization") == offered

    refused = client.post(f"/oversight/{commune.pk}/recommendations/", {
        "text": "Kiện toàn tổ dân vận", "responsible": world.front_b.pk,
        "due_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
    })  # fmt: skip
    assert refused.status_code == 302 and not Recommendation.objects.exists()
    client.post(f"/oversight/{commune.pk}/recommendations/", {
        "text": "Kiện toàn tổ dân vận", "responsible": world.front_a.pk,
        "due_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
    })  # fmt: skip
    assert Recommendation.objects.get().responsible == world.front_a
