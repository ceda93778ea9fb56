"""The seed articles' work driven by an outside client through the API alone, across the apps.

A commune Front supervises how grassroots democracy is carried out; its half-year report
derives the supervision from that record, the province approves it, and the province's
roll-up reads it. (Each app's own scenario — the 2016–2021 programme renewed to 2021–2026, a
practice recognised and adopted, "X of Y" — is in tests/programs and tests/practices.)
"""

from __future__ import annotations

import json

from django.test import Client

from tests.org.test_api import bearer

API = "/api/v1"


def send(client: Client, method: str, url: str, body: object | None = None):  # type: ignore[no-untyped-def]
    return getattr(client, method)(
        f"{API}{url}", json.dumps(body or {}), content_type="application/json"
    )


def test_a_supervision_reaches_the_provinces_roll_up(half_form, world, tinh, xa) -> None:  # type: ignore[no-untyped-def]
    specialist, reporter = bearer(tinh), bearer(xa)

    supervision = send(specialist, "post", "/oversights", {
        "kind": "supervision", "title": "Giám sát thực hiện dân chủ ở cơ sở",
        "lead_id": world.front_a.pk, "subject_ids": [world.party_a.pk],
        "starts_on": "2025-09-08", "ends_on": "2025-09-12",
        "findings": "Hội nghị nhân dân được tổ chức đúng quy định.",
    })  # fmt: skip
    assert supervision.status_code == 201, supervision.content
    figure = specialist.get(
        f"{API}/oversights/figures", {"period": "2025S2", "org": world.front_a.pk}
    )
    assert (figure.json()["supervisions"], figure.json()["supervised_organizations"]) == (1, 1)

    started = send(reporter, "post", "/submissions", {
        "form_id": half_form.pk, "organization_id": world.front_a.pk, "period": "2025S2",
    })  # fmt: skip
    assert started.status_code == 201, started.content
    report = started.json()["id"]
    derived = {v["code"]: v["value"] for v in started.json()["values"]}
    assert float(derived["OV_SUPERVISIONS"]) == 1
    values = {"MEETINGS": "4", "PLANNED": "10", "DONE": "8", "SATISFACTION": "90",
              "SUPERVISIONS_TYPED": "1"}  # fmt: skip
    submitted = send(reporter, "post", f"/submissions/{report}/submit", {"values": values})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"

    assert send(reporter, "post", f"/submissions/{report}/approve").status_code == 403
    approved = send(specialist, "post", f"/submissions/{report}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert send(specialist, "post", f"/submissions/{report}/approve").status_code == 409

    for code, expected in (("OV_SUPERVISIONS", 1), ("MEETINGS", 4)):
        rollup = specialist.get(
            f"{API}/rollups", {"indicator": code, "scope": world.commission.pk, "period": "2025S2"}
        )
        assert rollup.status_code == 200 and float(rollup.json()["value"]) == expected
    yearly = specialist.get(
        f"{API}/rollups", {"indicator": "OV_SUPERVISIONS", "scope": f"a{world.province.pk}",
                           "period": "2025"},
    )  # fmt: skip
    assert float(yearly.json()["value"]) == 1
