"""The Party and State documents on mass mobilization that the demo's records cite."""

from __future__ import annotations

import datetime
from typing import TextIO

from .models import Document, ImplementationSummary
from .services import document_create, document_replace

# (kind, number, issuer, date, title)
DOCUMENTS = [
    ("decision", "290-QĐ/TW", "Bộ Chính trị", datetime.date(2010, 2, 25),
     "Quy chế công tác dân vận của hệ thống chính trị"),
    ("decision", "23-QĐ/TW", "Bộ Chính trị", datetime.date(2021, 7, 30),
     "Quy chế công tác dân vận của hệ thống chính trị"),
    ("resolution", "23-NQ/TW", "Ban Chấp hành Trung ương", datetime.date(2003, 3, 12),
     "Về phát huy sức mạnh đại đoàn kết toàn dân tộc vì dân giàu, nước mạnh, xã hội công bằng, "
     "dân chủ, văn minh"),
    ("resolution", "25-NQ/TW", "Ban Chấp hành Trung ương", datetime.date(2013, 6, 3),
     "Về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận trong tình hình mới"),
    ("directive", "62-CT/TW", "Bộ Chính trị", datetime.date(1995, 11, 8),
     "Về tăng cường công tác hòa giải ở cơ sở"),
    ("directive", "05-CT/TW", "Bộ Chính trị", datetime.date(2016, 5, 15),
     "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
    ("conclusion", "61-KL/TW", "Ban Bí thư", datetime.date(2009, 12, 3),
     "Về Đề án nâng cao vai trò, trách nhiệm của Hội Nông dân Việt Nam trong phát triển nông "
     "nghiệp, xây dựng nông thôn mới và xây dựng giai cấp nông dân Việt Nam"),
    ("law", "10/2022/QH15", "Quốc hội", datetime.date(2022, 11, 10),
     "Luật Thực hiện dân chủ ở cơ sở"),
    ("decree", "59/2023/NĐ-CP", "Chính phủ", datetime.date(2023, 8, 14),
     "Quy định chi tiết một số điều của Luật Thực hiện dân chủ ở cơ sở"),
]  # fmt: skip

SUMMARIES = {
    "23-QĐ/TW": "Quy định trách nhiệm, nội dung, phương thức công tác dân vận của các cơ quan, "
    "tổ chức trong hệ thống chính trị; thay thế Quyết định số 290-QĐ/TW.",
    "23-NQ/TW": "Nghị quyết Hội nghị Trung ương 7 khóa IX; năm 2023 tổng kết 20 năm thực hiện.",
    "62-CT/TW": "Năm 2022 các cấp tổng kết 25 năm thực hiện Chỉ thị.",
    "10/2022/QH15": "Có hiệu lực từ ngày 01/7/2023.",
}


def reset() -> None:
    ImplementationSummary.objects.all().delete()
    ImplementationSummary.history.all().delete()
    Document.objects.update(replaced_by=None)
    Document.objects.all().delete()
    Document.history.all().delete()


def load(out: TextIO) -> None:
    made = {}
    for kind, number, issuer, day, title in DOCUMENTS:
        made[number] = document_create(
            actor=None,
            kind=kind,
            number=number,
            issuer=issuer,
            issued_on=day,
            title=title,
            summary=SUMMARIES.get(number, ""),
        )
    document_replace(actor=None, document=made["290-QĐ/TW"], replaced_by=made["23-QĐ/TW"])
    out.write(f"  documents: {len(made)}\n")
