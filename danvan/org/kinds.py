"""The kinds of organisation danvan starts with (administrators may rename or retire them)."""

from typing import Any

# (code, Vietnamese name, English name, in use)
KINDS = [
    ("party_committee", "Cấp ủy Đảng", "Party committee", True),
    ("mobilization_commission", "Ban Dân vận", "Mass Mobilization Commission", True),
    # Merged into the mobilization commissions in 2025 (Ban Tuyên giáo và Dân vận).
    ("propaganda_commission", "Ban Tuyên giáo", "Propaganda Commission", False),
    ("government", "Cơ quan nhà nước", "Government body", True),
    ("fatherland_front", "Mặt trận Tổ quốc", "Fatherland Front", True),
    ("mass_organization", "Đoàn thể chính trị - xã hội", "Socio-political organisation", True),
    ("armed_forces", "Lực lượng vũ trang", "Armed forces unit", True),
    ("ethnic_committee", "Ban Dân tộc", "Ethnic Committee", True),
    ("religious_committee", "Ban Tôn giáo", "Religious Affairs Committee", True),
    ("steering_committee", "Ban Chỉ đạo", "Steering committee", True),
]


def ensure_kinds(kind_model: Any) -> None:
    """Create the starting kinds that are missing; never overwrite an administrator's edits."""
    for order, (code, name, name_en, active) in enumerate(KINDS, start=1):
        kind_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "order": order * 10, "is_active": active},
        )
