"""The practices demo keeps the rules it shows: each practice once, decisions dated after the
registration and the appraisal, a raised level after the decision it raises, and a public
showcase that lists every practice once."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.db.models import Max
from django.test import Client
from django.utils import timezone

from danvan.lib import periods
from danvan.org import demo as org_demo
from danvan.org.models import Organization
from danvan.org.scopes import ReportingScope
from danvan.practices import demo
from danvan.practices.models import Practice, Recognition, RecognitionKind, Replication
from danvan.practices.selectors import practice_figures

pytestmark = pytest.mark.django_db


def test_the_demo_practices_keep_the_rules_and_show_once() -> None:
    # The demo province and accounts (the ground floor), then the practices part: loaded once,
    # as the whole demo takes long.
    out = io.StringIO()
    org_demo.load(out)
    demo.load(out)
    practices = list(Practice.objects.select_related("organization"))
    assert len(practices) == len(demo.MODELS)
    names = Counter((p.organization_id, p.name) for p in practices)
    assert max(names.values()) == 1, "a practice seeded twice"
    last_appraisal = dict(
        Practice.objects.annotate(last=Max("appraisals__appraised_on")).values_list("pk", "last")
    )
    for recognition in Recognition.objects.select_related("practice"):
        practice = recognition.practice
        assert recognition.decided_on >= practice.registered_on, practice.name
        appraised = last_appraisal[practice.pk]
        if appraised is None:
            assert recognition.appraisal_waived_reason, practice.name
        else:
            assert recognition.decided_on >= appraised, practice.name
    for practice in practices:
        levels = list(practice.recognitions.filter(kind=RecognitionKind.RECOGNITION))
        dates = [r.decided_on for r in levels]
        assert dates == sorted(dates), practice.name  # a raise follows what it raises
        for appraisal in practice.appraisals.all():
            assert appraisal.appraised_on >= practice.registered_on, practice.name
    for replication in Replication.objects.select_related("practice"):
        first = replication.practice.recognitions.order_by("decided_on")[0]
        assert replication.adopted_on >= first.decided_on
    # Every workflow state is there to look at.
    assert {p.status for p in practices} == {
        "registered", "under_appraisal", "not_recognised", "recognised", "commended",
    }  # fmt: skip
    assert Recognition.objects.exclude(appraisal_waived_reason="").count() == 1
    refused = [p for p in practices if p.status == "not_recognised"]
    assert refused and all(
        p.not_recognised_by and p.not_recognised_number and p.not_recognised_on for p in refused
    )  # the commission's notice, as a recognition's decision is shown

    # The half-year reports read the last closed half year: the movement shows in it.
    half = periods.from_date(timezone.localdate(), periods.PeriodType.HALF).previous()
    top = Organization.objects.order_by("path").first()
    assert top is not None
    figures = practice_figures(ReportingScope(org_paths=(top.path,)), half)
    assert all(figures[name] > 0 for name in ("registered", "recognised", "replicated")), figures

    # The public showcase lists each practice once (it listed the twelve twice).
    public = Practice.objects.public()
    assert public.exists()
    page = Client().get("/thuc-tien/").content.decode()
    links = re.findall(r'href="/thuc-tien/(\d+)/"', page)
    assert sorted(set(links)) == sorted(str(pk) for pk in public.values_list("pk", flat=True))
    shown = Counter(name for name in public.values_list("name", flat=True))
    for name in shown:
        assert page.count(name.replace('"', "&quot;")) == 1, name
