"""The admin shows a report and its form read-only: they change through the report pages and
the form editor, whose services keep the roll-ups, the review and what units reported."""

from __future__ import annotations

import pytest

from danvan.accounts.models import User
from danvan.reporting import services
from danvan.reporting.models import Submission


@pytest.mark.django_db
def test_the_admin_shows_workflow_records_and_refuses_to_change_them(
    half_form, world, as_user
) -> None:  # type: ignore[no-untyped-def]
    report = services.submission_start(
        actor=None, form=half_form, organization=world.front_a, period="2025S2"
    )
    root = User.objects.create_superuser("root@example.vn", "pw-for-tests-123")
    client = as_user(root)
    page = f"/admin/reporting/submission/{report.pk}/change/"
    assert client.get(page).status_code == 200  # read, with its history
    moved = client.post(page, {"organization": world.front_b.pk, "period": "2025S1"})
    assert moved.status_code == 403
    form_page = client.get(f"/admin/reporting/form/{half_form.pk}/change/")
    assert form_page.status_code == 200 and 'name="_save"' not in form_page.content.decode()
    assert client.get(f"/admin/reporting/form/{half_form.pk}/delete/").status_code == 403
    assert client.get("/admin/dialogue/petition/add/").status_code == 403
    assert client.get("/admin/meetings/meeting/add/").status_code == 403
    # The page of an earlier version (django-simple-history's) is read, not written through.
    version = report.history.order_by("history_id").first().history_id
    earlier = f"/admin/reporting/submission/{report.pk}/history/{version}/"
    assert client.get(earlier).status_code == 200
    moved = client.post(earlier, {"organization": world.front_b.pk, "period": "2025S1"})
    assert moved.status_code == 403
    report.refresh_from_db()
    assert (report.organization, report.period) == (world.front_a, "2025S2")
    assert Submission.objects.filter(form=half_form).count() == 1
