"""The meetings' part of the demo's half-year mass mobilization report: derived indicators.

As the oversight, programme and dialogue figures are on that form (`reporting/demo.py`'s
INDICATORS, in the same row layout), the conferences held, their bridge points and delegates
are read live from the meetings: a section «Hội nghị sơ kết, tổng kết; hội nghị trực tuyến»
placed before the narrative sections. `add_to_six_month_form` is run by the meetings' demo
after the reporting demo has made the form; it adds nothing twice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from danvan.accounts.models import User
from danvan.reporting import definitions, services_forms
from danvan.reporting.demo import SIX_MONTH
from danvan.reporting.models import Form, Indicator, SectionKind

# (code, Vietnamese, English, unit, source, derived key, value type, aggregation)
INDICATORS = [
    ("MEETINGS_HELD", "Số hội nghị, cuộc họp đã tổ chức", "Meetings and conferences held", "cuộc", "derived", "meetings.meetings_held", "number", "sum"),
    ("MEETINGS_REVIEWS", "Số hội nghị sơ kết, tổng kết", "Interim and final review conferences held", "hội nghị", "derived", "meetings.review_conferences_held", "number", "sum"),
    ("MEETINGS_ONLINE", "Số hội nghị trực tuyến", "Online conferences held", "hội nghị", "derived", "meetings.online_meetings_held", "number", "sum"),
    ("MEETINGS_POINTS", "Số điểm cầu", "Bridge points of the conferences held", "điểm cầu", "derived", "meetings.bridge_points", "number", "sum"),
    ("MEETINGS_DELEGATES", "Số lượt đại biểu dự tại các điểm cầu", "Delegates attending at the bridge points", "lượt đại biểu", "derived", "meetings.delegates_attending", "number", "sum"),
]  # fmt: skip
SECTION = {
    "title": "Hội nghị sơ kết, tổng kết; hội nghị trực tuyến",
    "title_en": "Review and online conferences",
    "help_text": "Số liệu lấy từ các hội nghị đơn vị và cấp dưới đã chủ trì, ghi trong danvan: "
    "hội nghị đã tổ chức, điểm cầu và số đại biểu các điểm cầu đã xác nhận.",
}


def add_to_six_month_form(out: TextIO) -> int:
    """Add the section and its derived indicators to the demo's half-year form; returns how
    many indicators were added (none when the form is missing or has them already)."""
    form = Form.objects.filter(code=SIX_MONTH).first()
    if form is None or form.sections.filter(title=SECTION["title"]).exists():
        return 0
    actor = User.objects.filter(email="lanhdao@demo.danvan.vn").first()
    section = services_forms.section_add(
        actor=actor, form=form, kind=SectionKind.INDICATORS, **SECTION
    )
    # Before the narrative sections, where the other figures are.
    others = list(form.sections.exclude(pk=section.pk).order_by("-order", "-pk"))
    for other in others:
        if other.kind != SectionKind.NARRATIVE:
            break
        section = services_forms.section_move(actor=actor, section=section, step=-1)
    for code, name, name_en, unit, source, key, value_type, aggregation in INDICATORS:
        indicator = Indicator.objects.filter(code=code).first() or definitions.indicator_create(
            actor=actor,
            code=code,
            name=name,
            name_en=name_en,
            unit=unit,
            source=source,
            derived_key=key,
            value_type=value_type,
            aggregation=aggregation,
            decimal_places=0,
            min_value=Decimal(0),
        )
        services_forms.item_add(actor=actor, section=section, indicator=indicator)
    out.write(f"  derived indicators on the half-year report: {len(INDICATORS)}\n")
    return len(INDICATORS)
