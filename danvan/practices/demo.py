"""Demo practices across the four fields and the demo communes, in every workflow state.

Names of units are the demo's; no person is named without a recorded consent.
"""

from __future__ import annotations

import datetime
from typing import TextIO

from django.utils import timezone

from danvan.accounts.models import User
from danvan.lib import periods
from danvan.org.models import Organization

from . import services
from .models import (
    Appraisal,
    Practice,
    PracticePhoto,
    PracticeResult,
    Recognition,
    Replication,
    SubField,
)
from .subfields import ensure_subfields

# (name, field, sub-field, metric, value, unit)
MODELS = [
    ("Mô hình \"Hiến đất làm đường, mở lối nông thôn mới\"", "economy", "Hiến đất làm đường", "Đất hiến", 8400, "m²"),
    ("Mô hình \"Tổ hợp tác nuôi bò sinh sản giúp hộ nghèo\"", "economy", "Giảm nghèo bền vững", "Hộ thoát nghèo", 37, "hộ"),
    ("Mô hình \"Dân vận khéo trong giải phóng mặt bằng đường ven biển\"", "economy", "Giải phóng mặt bằng", "Hộ bàn giao mặt bằng", 126, "hộ"),
    ("Mô hình \"Chợ nông sản số\" trên mạng xã hội", "economy", "Chuyển đổi số", "Doanh thu qua mạng", 1250000000, "đồng"),
    ("Mô hình \"Thắp sáng đường quê\"", "culture_society", "Xây dựng đời sống văn hóa", "Đường được chiếu sáng", 14, "km"),
    ("Mô hình \"Phân loại rác tại nguồn\"", "culture_society", "Bảo vệ môi trường", "Hộ tham gia", 640, "hộ"),
    ("Mô hình \"Tủ sách vùng biên\"", "culture_society", "Giáo dục, y tế", "Đầu sách", 2300, "cuốn"),
    ("Mô hình \"Bản không có ma túy\"", "defence_security", "An ninh, trật tự", "Đối tượng được cảm hóa", 18, "người"),
    ("Mô hình \"Tổ tự quản đường biên, mốc giới\"", "defence_security", "Bảo vệ chủ quyền biên giới", "Lượt tuần tra", 96, "lượt"),
    ("Mô hình \"Camera an ninh khu dân cư\"", "defence_security", "An ninh, trật tự", "Camera lắp đặt", 42, "chiếc"),
    ("Mô hình \"Ngày thứ Bảy cùng dân\"", "political_system", "Xây dựng Đảng, chính quyền", "Kiến nghị được giải quyết", 73, "kiến nghị"),
    ("Mô hình \"Một cửa thân thiện\"", "political_system", "Cải cách hành chính", "Hồ sơ trả đúng hạn", 98, "%"),
]  # fmt: skip
COMMUNES = [
    "16813",
    "16816",
    "16834",
    "16822",
    "16837",
    "16876",
    "17254",
    "16738",
    "17464",
    "17935",
    "16690",
    "16732",
]


def reset() -> None:
    Replication.objects.all().delete()
    Recognition.objects.all().delete()
    Appraisal.objects.all().delete()
    PracticePhoto.objects.all().delete()
    PracticeResult.objects.all().delete()
    Practice.objects.all().delete()
    for model in (Practice, Appraisal, Recognition, Replication):
        model.history.all().delete()


def load(out: TextIO) -> None:
    """Each of the twelve practices once, with dates that follow the workflow: registered,
    then appraised, then recognised (a level raised later, or commended), then adopted."""
    ensure_subfields(SubField)
    today = timezone.localdate()
    # The movement's year is anchored on the last half year that has closed, so the half-year
    # reports derive their recognised and replicated figures from it (see reporting.demo).
    half = periods.from_date(today, periods.PeriodType.HALF).previous()
    day = datetime.timedelta(days=1)
    tinh = User.objects.get(email="tinh@demo.danvan.vn")
    lanhdao = User.objects.get(email="lanhdao@demo.danvan.vn")
    commission = Organization.objects.get(depth=1)
    fronts = {
        code: Organization.objects.get(
            area__code=code, kind__code="fatherland_front", dissolved_on__isnull=True
        )
        for code in COMMUNES
    }
    subfields = {s.name: s for s in SubField.objects.all()}
    scores = {
        "score_identity": 8, "score_leadership": 8, "score_mobilisation": 9,
        "score_urgency": 8, "score_recognition": 7, "score_sustainability": 8,
    }  # fmt: skip
    practices = []
    for index, (name, field, subfield, metric, value, unit) in enumerate(MODELS):
        front = fronts[COMMUNES[index]]
        practice = services.practice_register(
            actor=tinh, organization=front, kind="model" if index % 5 else "collective_example",
            name=name, field=field, subfield=subfields[subfield],
            started_on=half.start - (120 + 10 * index) * day,
            registered_on=half.start + (6 * index - 40) * day,
            situation="Xuất phát từ nhu cầu bức xúc của nhân dân trên địa bàn.",
            content_method="Cấp ủy lãnh đạo, Mặt trận chủ trì, các đoàn thể cùng vận động; "
                           "bàn bạc công khai với dân trước khi làm.",
            target_group=f"Các thôn, bản của {front.area.name}",
            outputs=f"{metric}: {value:,} {unit}".replace(",", "."),
            sustainability="Có quy chế duy trì, nhân dân tự quản; dễ nhân rộng sang địa bàn khác.",
            is_public=index % 3 != 2,
            results=[{"metric": metric, "value": value, "unit": unit,
                      "as_of": today - datetime.timedelta(days=30)}],
        )  # fmt: skip
        practices.append(practice)
    # Every state: registered, under appraisal, not recognised, recognised at the commune level
    # (once without an appraisal, for a leader's reason), raised to the provincial level, and
    # commended. The first practices listed are recognised ones.
    for index, practice in enumerate(practices):
        state = (index + 3) % 6
        decision = {
            "actor": tinh, "practice": practice, "decided_by": commission,
            "decision_number": f"{100 + index}-QĐ/BDV",
            "decided_on": half.start + (20 + 5 * index) * day,
        }  # fmt: skip
        if state == 3 and index >= 6:
            services.practice_recognise(
                **{**decision, "actor": lanhdao}, level="commune",
                appraisal_waived_reason="Đã được Hội đồng Thi đua - Khen thưởng tỉnh thẩm định "
                                        "khi xét khen thưởng năm trước.",
            )  # fmt: skip
            continue
        if state == 0:
            continue
        services.appraisal_record(
            actor=tinh, practice=practice, scores=scores,
            comments="Đạt các tiêu chí, cần bổ sung số liệu.",
            appraised_on=practice.registered_on + 20 * day,
        )  # fmt: skip
        if state == 1:
            continue
        if state == 2:
            services.practice_not_recognise(
                **{**decision, "decision_number": f"{400 + index}-TB/BDV"}
            )  # the commission's notice after the appraisal
            continue
        services.practice_recognise(**decision, level="commune" if state != 5 else "province")
        if state == 4:
            services.practice_raise_level(
                **{**decision, "decision_number": f"{300 + index}-QĐ/TU",
                   "decided_on": decision["decided_on"] + datetime.timedelta(days=45)},
                level="province",
            )  # fmt: skip
        if state == 5:
            services.practice_commend(
                **{**decision, "decision_number": f"{200 + index}-QĐ/TU",
                   "decided_on": decision["decided_on"] + datetime.timedelta(days=60)},
                level="province",
            )  # fmt: skip
    # Replications: each recognised practice adopted by a couple of other communes, after its
    # recognition.
    for index, practice in enumerate(p for p in practices if p.is_recognised):
        first = practice.recognitions.order_by("decided_on")[0]
        result = practice.results.get()
        for step in (1, 2):
            adopter = fronts[COMMUNES[(COMMUNES.index(practice.area.code) + step * 3 + index) % 12]]
            if adopter.pk == practice.organization_id:
                continue
            services.replication_record(
                actor=tinh, practice=practice, organization=adopter,
                adopted_on=first.decided_on + datetime.timedelta(days=20 + step * 7),
                adaptation="Điều chỉnh cho phù hợp phong tục của đồng bào tại chỗ.",
                results=[{"metric": result.metric, "value_before": 0,
                          "value": int(result.value / 3), "unit": result.unit}],
            )  # fmt: skip
    out.write(
        f"  practices: {Practice.objects.count()}, replications: {Replication.objects.count()}\n"
    )
