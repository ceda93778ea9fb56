"""Demo practices across the four fields and the demo communes, in every workflow state.

Names of units are the demo's; no person is named without a recorded consent.
"""

from __future__ import annotations

import datetime
from typing import TextIO

from django.utils import timezone

from danvan.accounts.models import User
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
    ensure_subfields(SubField)
    today = timezone.localdate()
    tinh = User.objects.get(email="tinh@demo.danvan.vn")
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
    for index, (name, field, subfield, metric, value, unit) in enumerate(MODELS * 2):
        code = COMMUNES[index % len(COMMUNES)]
        front = fronts[code]
        suffix = "" if index < len(MODELS) else f" ({front.area.name})"
        practice = services.practice_register(
            actor=tinh, organization=front, kind="model" if index % 5 else "collective_example",
            name=f"{name}{suffix}", field=field, subfield=subfields[subfield],
            started_on=today - datetime.timedelta(days=400 + index * 10),
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
    # Every state: registered, under appraisal, not recognised, recognised at two levels, commended.
    for index, practice in enumerate(practices):
        state = (index + 3) % 6  # the first practices listed are recognised ones
        if state == 0:
            continue
        services.appraisal_record(actor=tinh, practice=practice, scores=scores,
                                  comments="Đạt các tiêu chí, cần bổ sung số liệu.")  # fmt: skip
        if state == 1:
            continue
        if state == 2:
            services.practice_decide(
                actor=tinh, practice=practice, recognised=False, decided_by=commission
            )
            continue
        services.practice_decide(
            actor=tinh, practice=practice, recognised=True, decided_by=commission,
            level="commune" if state == 3 else "province",
            decision_number=f"{100 + index}-QĐ/BDV",
            decided_on=today - datetime.timedelta(days=120 - index),
        )  # fmt: skip
        if state == 5:
            services.practice_decide(
                actor=tinh, practice=practice, recognised=True, decided_by=commission,
                kind="commendation", level="province", decision_number=f"{200 + index}-QĐ/TU",
                decided_on=today - datetime.timedelta(days=60),
            )  # fmt: skip
    # Replications: each recognised practice adopted by a couple of other communes.
    recognised = [
        p for p in practices if p.is_recognised or Practice.objects.get(pk=p.pk).is_recognised
    ]
    for index, practice in enumerate(recognised):
        practice.refresh_from_db()
        for step in (1, 2):
            adopter = fronts[
                COMMUNES[(COMMUNES.index(practice.area.code) + step * 3 + index) % len(COMMUNES)]
            ]
            if (
                adopter.pk == practice.organization_id
                or practice.replications.filter(organization=adopter).exists()
            ):
                continue
            services.replication_record(
                actor=tinh, practice=practice, organization=adopter,
                adopted_on=today - datetime.timedelta(days=40 + step * 7),
                adaptation="Điều chỉnh cho phù hợp phong tục của đồng bào tại chỗ.",
                results=[{"metric": practice.results.first().metric, "value_before": 0,  # type: ignore[union-attr]
                          "value": int(practice.results.first().value / 3),  # type: ignore[union-attr]
                          "unit": practice.results.first().unit}],  # type: ignore[union-attr]
            )  # fmt: skip
    out.write(
        f"  practices: {Practice.objects.count()}, replications: {Replication.objects.count()}\n"
    )
