"""The topics danvan starts with: the groups the work uses, and a few topics under them.

Administrators rename, add and retire topics in the admin; codes stay, because the monthly
report's figures are keyed by the groups' codes (`figures.py`).
"""

from typing import Any

# (code, Vietnamese name, English name, [(code, Vietnamese name, English name)])
TOPICS: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "land",
        "Đất đai, giải phóng mặt bằng, bồi thường, tái định cư",
        "Land, site clearance, compensation and resettlement",
        [
            ("land-clearance", "Giải phóng mặt bằng", "Site clearance"),
            ("land-compensation", "Bồi thường, hỗ trợ", "Compensation and support"),
            ("land-resettlement", "Tái định cư", "Resettlement"),
            ("land-disputes", "Tranh chấp đất đai", "Land disputes"),
        ],
    ),
    (
        "environment",
        "Môi trường, ô nhiễm",
        "Environment and pollution",
        [
            ("environment-waste", "Rác thải, nước thải", "Waste and waste water"),
            ("environment-mining", "Khai thác khoáng sản, cát sỏi", "Mining, sand and gravel"),
        ],
    ),
    (
        "livelihood",
        "Giá cả, việc làm, đời sống",
        "Prices, jobs and livelihood",
        [
            ("livelihood-prices", "Giá cả hàng hóa, vật tư", "Prices of goods and supplies"),
            ("livelihood-jobs", "Việc làm, thu nhập", "Jobs and income"),
            ("livelihood-produce", "Tiêu thụ nông sản", "Selling farm produce"),
        ],
    ),
    ("welfare", "Chính sách xã hội, an sinh", "Social policy and welfare", []),
    ("health", "Y tế", "Health", []),
    ("education", "Giáo dục", "Education", []),
    ("order", "An ninh, trật tự", "Public order", []),
    (
        "administration",
        "Thủ tục hành chính, tác phong cán bộ",
        "Administrative procedures and cadres' conduct",
        [],
    ),
    ("ethnic", "Vùng đồng bào dân tộc thiểu số", "Ethnic minority areas", []),
    ("religion", "Hoạt động tôn giáo trong đời sống", "Religious activities in public life", []),
    ("border", "Khu vực biên giới", "Border area", []),
    ("disaster", "Thiên tai, bão lũ", "Natural disasters", []),
    ("other", "Vấn đề khác", "Other issues", []),
]


def ensure_topics(topic_model: Any) -> None:
    """Create the starting topics that are missing; never overwrite an administrator's edits."""
    for order, (code, name, name_en, children) in enumerate(TOPICS, start=1):
        group, _created = topic_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order * 10}
        )
        for child_order, (child_code, child_name, child_name_en) in enumerate(children, start=1):
            topic_model.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "name_en": child_name_en,
                    "parent": group,
                    "order": order * 10 + child_order,
                },
            )


GROUP_CODES = [code for code, _name, _name_en, _children in TOPICS]
