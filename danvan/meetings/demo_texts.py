"""What the demo's meetings say: titles, agendas, minutes, conclusions and the chairs' offices.

In the officials' own words (the press reports of the province's conferences), with every
person named by the office only: «đồng chí Trưởng Ban … chủ trì», never a name. The privacy
check of the situation notes finds nothing here (tests/meetings/test_demo.py checks it).
"""

from __future__ import annotations

# --- Offices (the chairs and presenters, by title) -------------------------------------------

HEAD = "Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy"
DEPUTY = "Phó Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy"
OFFICE = "Chánh Văn phòng Ban Tuyên giáo và Dân vận Tỉnh ủy"
POINTS = "Đại diện các điểm cầu"
# In 2021 the commission was the Mass Mobilization Commission alone (merged in 2025).
HEAD_2021 = "Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy"
DEPUTY_2021 = "Phó Trưởng Ban Dân vận Tỉnh ủy"
STANDING_DEPUTY_SECRETARY = "Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch Hội đồng nhân dân tỉnh"
# Who chairs a commune's bridge point: «{unit}» is «xã» or «phường».
POINT_CHAIRS = [
    "Phó Bí thư Thường trực Đảng ủy {unit}",
    "Chủ tịch Ủy ban MTTQ Việt Nam {unit}",
    "Phó Bí thư Thường trực Đảng ủy {unit}",
]

# --- The half-year review (held last July) --------------------------------------------------

HALF_YEAR_TITLE = (
    "Hội nghị trực tuyến sơ kết công tác dân vận 6 tháng đầu năm {year}, triển khai nhiệm vụ "
    "6 tháng cuối năm"
)
HOST_HALL = "Hội trường Tỉnh ủy Nghệ An (điểm cầu tỉnh)"
POINT_PLACE = "Hội trường Đảng ủy {commune}"
HALF_YEAR_AGENDA = [
    # (minutes after the start, title, presenter)
    (0, "Khai mạc hội nghị, giới thiệu đại biểu dự tại các điểm cầu", OFFICE),
    (15, "Báo cáo kết quả công tác dân vận 6 tháng đầu năm {year}, phương hướng, nhiệm vụ 6 "
         "tháng cuối năm", DEPUTY),
    (60, "Tham luận tại điểm cầu tỉnh và các điểm cầu xã", POINTS),
    (165, "Phát biểu kết luận hội nghị", HEAD),
]  # fmt: skip
HALF_YEAR_MINUTES = """\
Hội nghị được tổ chức theo hình thức trực tuyến, kết nối từ điểm cầu Tỉnh ủy đến {points} \
điểm cầu cấp xã. Tại điểm cầu Tỉnh ủy, đồng chí Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban \
Tuyên giáo và Dân vận Tỉnh ủy chủ trì; dự hội nghị có lãnh đạo các ban xây dựng Đảng của Tỉnh \
ủy, Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, các tổ chức chính trị - xã hội và các sở, ngành liên \
quan. Tại các điểm cầu cấp xã, đồng chí Phó Bí thư Thường trực Đảng ủy hoặc Chủ tịch Ủy ban \
MTTQ Việt Nam xã, phường chủ trì.

Đồng chí Phó Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy trình bày báo cáo kết quả công tác dân \
vận 6 tháng đầu năm {year}: cấp ủy, tổ chức đảng các cấp quan tâm lãnh đạo, chỉ đạo công tác \
dân vận; việc nắm tình hình nhân dân được duy trì thường xuyên, nhất là ở các xã biên giới, \
vùng đồng bào dân tộc thiểu số; phong trào thi đua "Dân vận khéo" tiếp tục được nhân rộng; \
việc thực hiện Luật Thực hiện dân chủ ở cơ sở có chuyển biến tích cực.

Hội nghị nghe 5 ý kiến tham luận tại điểm cầu tỉnh và các điểm cầu xã Mường Xén, Mỹ Lý, \
Tương Dương, Diễn Châu: kinh nghiệm vận động nhân dân đồng thuận giải phóng mặt bằng dự án nâng \
cấp Quốc lộ 7; công tác dân vận ở các bản vùng biên giới; phát huy vai trò người có uy tín \
trong đồng bào dân tộc thiểu số; xây dựng mô hình "Dân vận khéo" trong phát triển sinh kế.

Theo báo cáo của các điểm cầu: {confirmed} trên tổng số {all} điểm cầu xác nhận số đại biểu, \
với {attending} đại biểu dự tại các điểm cầu đã báo cáo.
"""
HALF_YEAR_CONCLUSION = """\
Đồng chí Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy ghi nhận kết quả công tác dân vận 6 tháng \
đầu năm {year} của hệ thống chính trị các cấp; chỉ ra những hạn chế: việc nắm tình hình nhân \
dân có nơi chưa kịp thời, còn để phát sinh tụ tập đông người liên quan đến bồi thường, giải \
phóng mặt bằng; việc nhân rộng các mô hình "Dân vận khéo" chưa đều giữa các địa phương.

Đề nghị 6 tháng cuối năm tập trung: (1) nắm chắc tình hình nhân dân, nhất là ở các xã biên \
giới, vùng đồng bào dân tộc thiểu số và nơi có dự án thu hồi đất, báo cáo kịp thời những vấn đề \
mới nảy sinh; (2) thực hiện nghiêm Luật Thực hiện dân chủ ở cơ sở và việc đối thoại giữa người \
đứng đầu cấp ủy, chính quyền với nhân dân; (3) đẩy mạnh phong trào thi đua "Dân vận khéo", lựa \
chọn mô hình tiêu biểu để biểu dương, nhân rộng; (4) các điểm cầu hoàn thiện báo cáo 6 tháng, \
gửi Ban Tuyên giáo và Dân vận Tỉnh ủy đúng thời hạn.
"""
OVER_EXPECTED_NOTE = "Mời thêm trưởng bản, người có uy tín các bản dọc Quốc lộ 7 dự tại điểm cầu xã"
CHECK_FAILED_NOTE = (
    "Mưa lớn làm đứt cáp quang đoạn qua bản Huồi Cáng, mất kết nối với điểm cầu tỉnh; đã báo "
    "nhà mạng khắc phục"
)
CHECK_FIXED_NOTE = "Nhà mạng đã nối lại cáp quang; kiểm tra lại hình ảnh, âm thanh tốt"
CHECK_POOR_NOTE = "Kết nối được nhưng hình ảnh giật, tiếng rè; đã đề nghị nhà mạng tăng băng thông"

# --- The year-end review (in a few days) ----------------------------------------------------

YEAR_END_TITLE = (
    "Hội nghị trực tuyến tổng kết công tác dân vận năm {year}, triển khai nhiệm vụ năm {next}"
)
YEAR_END_AGENDA = [
    (0, "Khai mạc hội nghị, giới thiệu đại biểu dự tại các điểm cầu", OFFICE),
    (15, "Báo cáo tổng kết công tác dân vận năm {year}, phương hướng, nhiệm vụ năm {next}",
     DEPUTY),
    (60, "Thảo luận, tham luận tại các điểm cầu", POINTS),
    (150, 'Biểu dương các tập thể điển hình trong phong trào thi đua "Dân vận khéo" năm {year}',
     HEAD),
    (180, "Phát biểu kết luận hội nghị", HEAD),
]  # fmt: skip

# --- The programme signing (24/03/2021) -------------------------------------------------------

SIGNING_PLACE = "Hội trường Ban Dân vận Tỉnh ủy Nghệ An"
SIGNING_AGENDA = [
    (0, "Báo cáo đánh giá kết quả thực hiện chương trình phối hợp giai đoạn 2016 – 2020",
     DEPUTY_2021),
    (40, "Thảo luận, góp ý dự thảo chương trình phối hợp giai đoạn 2021 – 2025",
     "Lãnh đạo các đơn vị phối hợp"),
    (100, "Ký kết chương trình phối hợp giai đoạn 2021 – 2025",
     "Lãnh đạo Ban Dân vận Tỉnh ủy và các đơn vị phối hợp"),
    (120, "Phát biểu kết luận hội nghị", HEAD_2021),
]  # fmt: skip
SIGNING_MINUTES = """\
Hội nghị do đồng chí Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy chủ trì; dự có \
lãnh đạo Bộ Chỉ huy Quân sự tỉnh, Bộ Chỉ huy Bộ đội Biên phòng tỉnh, Công an tỉnh, Ban Dân tộc \
tỉnh và Ban Tôn giáo (Sở Nội vụ).

Báo cáo đánh giá kết quả phối hợp giai đoạn 2016 – 2020 khẳng định: Ban Dân vận Tỉnh ủy và các \
đơn vị lực lượng vũ trang, Ban Dân tộc, Ban Tôn giáo đã phối hợp tham mưu, triển khai nhịp \
nhàng, nhất là tuyên truyền, vận động nhân dân thực hiện chủ trương của Đảng, chính sách, pháp \
luật của Nhà nước, tăng cường quốc phòng, an ninh, xây dựng hệ thống chính trị; qua phong trào \
"Dân vận khéo" xuất hiện nhiều mô hình, cách làm hay, sát với thực tiễn.

Thảo luận tại hội nghị, các đại biểu cho rằng việc tuyên truyền, nhân rộng điển hình "Dân vận \
khéo" còn hạn chế; một số cấp ủy, chính quyền chưa quan tâm đúng mức công tác dân vận; việc nắm \
tình hình, vận động nhân dân có nơi chưa chủ động. Đồng chí Phó Giám đốc Công an tỉnh đề nghị \
tăng cường phối hợp nắm tình hình ở vùng đồng bào dân tộc thiểu số, vùng có đạo.

Hội nghị thống nhất thông qua và ký kết chương trình phối hợp giai đoạn 2021 – 2025 với {contents} \
nội dung chủ yếu.
"""
SIGNING_CONCLUSION = """\
Đồng chí Trưởng Ban Dân vận Tỉnh ủy đề nghị các đơn vị cụ thể hóa chương trình phối hợp bằng kế \
hoạch hằng năm, gắn với thực hiện Nghị quyết Đại hội XIX Đảng bộ tỉnh, Nghị quyết Đại hội XIII \
của Đảng về công tác dân vận, Chỉ thị 05 của Bộ Chính trị và phong trào "Dân vận khéo" ở cơ sở; \
tăng cường hoạt động kết nghĩa, dã ngoại kết hợp làm công tác dân vận, cử cán bộ về cơ sở; quan \
tâm công tác dân vận vùng đồng bào dân tộc thiểu số, vùng có đạo; chủ động phối hợp tham gia \
giải quyết các vụ việc phức tạp ngay từ cơ sở.
"""

# --- The working session with the province's leaders (a few weeks ago) ---------------------

SESSION_TITLE = (
    "Thường trực Tỉnh ủy làm việc với Ban Tuyên giáo và Dân vận Tỉnh ủy về kết quả công tác năm "
    "{year} và nhiệm vụ trọng tâm thời gian tới"
)
SESSION_PLACE = "Phòng họp Thường trực Tỉnh ủy"
SESSION_AGENDA = [
    (0, "Báo cáo kết quả thực hiện nhiệm vụ công tác tuyên giáo và dân vận năm {year}",
     "Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    (45, "Ý kiến của Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các cơ quan liên quan",
     "Lãnh đạo các cơ quan dự buổi làm việc"),
    (135, "Kết luận buổi làm việc", "Phó Bí thư Thường trực Tỉnh ủy"),
]  # fmt: skip
SESSION_MINUTES = """\
Đồng chí Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch Hội đồng nhân dân tỉnh chủ trì buổi làm việc; \
dự có đại diện Văn phòng Tỉnh ủy, Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và tập thể lãnh đạo Ban \
Tuyên giáo và Dân vận Tỉnh ủy.

Đồng chí Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy báo cáo kết quả thực hiện nhiệm vụ năm {year}: \
Ban chủ động tham mưu Ban Thường vụ Tỉnh ủy lãnh đạo, chỉ đạo, cụ thể hóa các văn bản của Trung \
ương về công tác dân vận; với vai trò cơ quan thường trực Ban Chỉ đạo thực hiện Quy chế dân chủ \
ở cơ sở tỉnh, tham mưu thực hiện tốt chương trình công tác đề ra; phối hợp nắm tình hình, vận \
động nhân dân đồng thuận với dự án nâng cấp Quốc lộ 7 qua xã Mường Xén.

Các ý kiến tại buổi làm việc đề nghị tăng cường phối hợp giải quyết kiến nghị của nhân dân vùng \
biên giới, nâng cao chất lượng đối thoại ở cơ sở và công tác giám sát việc thực hiện dân chủ ở \
cơ sở.
"""
SESSION_CONCLUSION = """\
Đồng chí Phó Bí thư Thường trực Tỉnh ủy ghi nhận, biểu dương những kết quả Ban Tuyên giáo và Dân \
vận Tỉnh ủy đạt được; đề nghị thời gian tới tập trung tham mưu Ban Thường vụ Tỉnh ủy lãnh đạo, \
chỉ đạo thực hiện Quy chế công tác dân vận của hệ thống chính trị; phát huy quyền làm chủ của \
nhân dân, thực hiện tốt Luật Thực hiện dân chủ ở cơ sở; nâng cao hiệu quả công tác dân vận vùng \
đồng bào dân tộc thiểu số, miền núi, vùng có đạo, nắm và giải quyết tốt các vấn đề mới nảy \
sinh; gắn bó mật thiết với già làng, trưởng bản, người có uy tín. Giao các cơ quan, đơn vị thực \
hiện các nhiệm vụ cụ thể kèm theo.
"""
TASK_DONE = (
    "Chủ trì giám sát việc thực hiện dân chủ ở cơ sở tại các xã biên giới Mỹ Lý, Keng Đu, Na "
    "Loi, Nậm Cắn; báo cáo kết quả về Thường trực Tỉnh ủy"
)
TASK_DONE_RESULT = (
    "Đã tổ chức 2 đoàn giám sát tại 4 xã biên giới; báo cáo kết quả giám sát đã gửi Thường trực "
    "Tỉnh ủy, kèm 6 kiến nghị với Ủy ban nhân dân các xã."
)
TASK_DUE_SOON = (
    "Phối hợp nắm tình hình nhân dân các khối, bản dọc Quốc lộ 7; vận động các hộ chưa đồng "
    "thuận với phương án bồi thường, tái định cư; báo cáo kết quả về Ban Tuyên giáo và Dân vận "
    "Tỉnh ủy"
)
TASK_OVERDUE = (
    "Tổng hợp ý kiến, kiến nghị của nhân dân các bản vùng biên về chính sách hỗ trợ sinh kế, "
    "nhà ở; gửi Ban Tuyên giáo và Dân vận Tỉnh ủy"
)
