"""The sub-fields danvan starts with; administrators add and retire them."""

from typing import Any

# (field, Vietnamese, English)
SUBFIELDS = [
    ("economy", "Giải phóng mặt bằng", "Site clearance"),
    ("economy", "Xây dựng nông thôn mới", "New rural areas"),
    ("economy", "Giảm nghèo bền vững", "Poverty reduction"),
    ("economy", "Hiến đất làm đường", "Land donation for roads"),
    ("economy", "Chuyển đổi số", "Digital transformation"),
    ("culture_society", "Bảo vệ môi trường", "Environment"),
    ("culture_society", "Xây dựng đời sống văn hóa", "Cultural life"),
    ("culture_society", "Giáo dục, y tế", "Education and health"),
    ("defence_security", "An ninh, trật tự", "Security and order"),
    ("defence_security", "Bảo vệ chủ quyền biên giới", "Border protection"),
    ("political_system", "Xây dựng Đảng, chính quyền", "Party and government building"),
    ("political_system", "Cải cách hành chính", "Administrative reform"),
]


def ensure_subfields(model: Any) -> None:
    for order, (field, name, name_en) in enumerate(SUBFIELDS, start=1):
        model.objects.get_or_create(
            field=field, name=name, defaults={"name_en": name_en, "order": order}
        )
