"""A small half-year form on the test province: typed, derived and formula indicators."""

from __future__ import annotations

import datetime

import pytest

from danvan.reporting import definitions
from danvan.reporting.models import Aggregation, Form, Severity, Source, ValueType
from tests.conftest import kind

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def half_form(world) -> Form:  # type: ignore[no-untyped-def]
    definitions.indicator_create(
        actor=None, code="MEETINGS", name="Số cuộc họp", name_en="Meetings"
    )
    definitions.indicator_create(
        actor=None, code="PLANNED", name="Nhiệm vụ kế hoạch", name_en="Tasks planned"
    )
    definitions.indicator_create(
        actor=None, code="DONE", name="Nhiệm vụ hoàn thành", name_en="Done"
    )
    definitions.indicator_create(
        actor=None,
        code="DONE_PCT",
        name="Tỷ lệ hoàn thành",
        name_en="Share done",
        value_type=ValueType.PERCENT,
        source=Source.FORMULA,
        formula="DONE / PLANNED * 100",
        aggregation=Aggregation.NONE,
    )
    definitions.indicator_create(
        actor=None,
        code="SATISFACTION",
        name="Mức hài lòng",
        name_en="Satisfaction",
        value_type=ValueType.PERCENT,
        aggregation=Aggregation.AVERAGE,
    )
    definitions.indicator_create(
        actor=None,
        code="SUPERVISIONS_TYPED",
        name="Số cuộc giám sát (đơn vị tự báo cáo)",
        name_en="Supervisions (as reported)",
    )
    definitions.indicator_create(
        actor=None,
        code="OV_SUPERVISIONS",
        name="Số cuộc giám sát",
        name_en="Supervisions",
        source=Source.DERIVED,
        derived_key="oversight.supervisions",
    )
    form = definitions.form_create(
        actor=None,
        code="half-report",
        name="Báo cáo 6 tháng",
        name_en="Six-month report",
        periodicity="half",
        kinds=[kind("fatherland_front"), kind("party_committee"), kind("mobilization_commission")],
        deadline_days=10,
        sections=[
            {
                "title": "Kết quả",
                "title_en": "Results",
                "indicators": [
                    "MEETINGS",
                    "PLANNED",
                    "DONE",
                    "DONE_PCT",
                    "SATISFACTION",
                    "SUPERVISIONS_TYPED",
                    "OV_SUPERVISIONS",
                ],
            },
            {"title": "Ưu điểm", "title_en": "Achievements", "kind": "narrative"},
        ],
    )
    definitions.rule_add(
        actor=None,
        form=form,
        left="DONE",
        operator="<=",
        right="PLANNED",
        message="Số nhiệm vụ hoàn thành không thể vượt kế hoạch",
        message_en="Tasks done cannot exceed tasks planned",
    )
    definitions.rule_add(
        actor=None,
        form=form,
        left="SUPERVISIONS_TYPED",
        operator="==",
        right="OV_SUPERVISIONS",
        severity=Severity.WARNING,
        message="Khác số cuộc giám sát đã ghi trong danvan",
        message_en="Differs from the supervisions recorded in danvan",
    )
    return form
