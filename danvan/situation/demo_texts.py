"""What the demo's situation notes say: summaries by topic, places, details and actions.

All about issues and areas, never naming a private person (the privacy check would refuse it).
"""

# --- What the notes say ------------------------------------------------------------------

WHERE_MOUNTAIN = [
    "ở các bản vùng cao", "ở bản xa trung tâm xã", "ở khu dân cư ven suối",
    "ở các bản dọc Quốc lộ 7", "ở khu vực ven sông Nậm Mộ", "ở một số bản",
]  # fmt: skip
WHERE_LOWLAND = [
    "ở một số khối phố", "ở khu dân cư ven kênh", "ở khu tập thể cũ", "ở các xóm ven biển",
    "ở một số xóm", "ở khu dân cư mới",
]  # fmt: skip
SUMMARIES: dict[str, list[str]] = {
    "disaster": [
        "Mưa lớn kéo dài gây sạt lở taluy, ách tắc giao thông {where}",
        "Lũ quét làm hư hỏng một số nhà ở và diện tích lúa, hoa màu {where}",
        "Nước sông lên nhanh, nhiều hộ {where} phải di dời tài sản đến nơi an toàn",
        "Nhân dân {where} lo ngại nguy cơ sạt lở đồi phía sau khu dân cư sau nhiều ngày mưa",
        "Gió mạnh làm tốc mái nhà, đổ cây; nhân dân {where} đề nghị hỗ trợ khắc phục",
        "Đường vào các bản bị chia cắt, cần tiếp tế lương thực, nước sạch",
        "Nhân dân đề nghị sớm bố trí nơi ở mới cho các hộ ở vùng nguy cơ sạt lở cao",
        "Ngập úng kéo dài {where}, nhân dân đề nghị nạo vét kênh tiêu",
    ],
    "livelihood-prices": [
        "Giá phân bón, thức ăn chăn nuôi tăng trước Tết, nhân dân lo chi phí vụ xuân",
        "Giá thực phẩm thiết yếu tăng mạnh dịp cận Tết, đời sống hộ nghèo {where} khó khăn",
        "Phản ánh tình trạng tăng giá gas, hàng tiêu dùng dịp cuối năm",
        "Nhân dân đề nghị tăng cường kiểm tra, bình ổn giá hàng hóa phục vụ Tết",
        "Giá lợn hơi giảm trong khi giá thức ăn chăn nuôi tăng, người chăn nuôi thua lỗ",
    ],
    "livelihood-jobs": [
        "Lao động đi làm ăn xa trở về, nhiều người {where} chưa có việc làm ổn định",
        "Doanh nghiệp trong khu công nghiệp giảm đơn hàng, công nhân lo mất việc",
        "Nhân dân phản ánh việc tuyển lao động đi nước ngoài không rõ nguồn gốc, đề nghị cảnh báo",
        "Thanh niên {where} đề nghị mở lớp đào tạo nghề gắn với giải quyết việc làm",
    ],
    "livelihood-produce": [
        "Giá gừng, sắn giảm, nhân dân {where} khó tiêu thụ nông sản vụ thu hoạch",
        "Thương lái ép giá chè búp tươi, nhân dân đề nghị hỗ trợ liên kết tiêu thụ",
        "Nông sản vụ hè thu khó bán, nhân dân đề nghị kết nối doanh nghiệp bao tiêu",
    ],
    "welfare": [
        "Chậm chi trả trợ cấp cho đối tượng bảo trợ xã hội, nhân dân đề nghị làm rõ nguyên nhân",
        "Hộ nghèo {where} đề nghị được hỗ trợ xóa nhà tạm, nhà dột nát trước mùa mưa",
        "Nhân dân phản ánh việc bình xét hộ nghèo, cận nghèo chưa công khai",
        "Người có công đề nghị giải quyết dứt điểm hồ sơ chế độ còn tồn đọng",
        "Người cao tuổi {where} đề nghị hỗ trợ thẻ bảo hiểm y tế còn thiếu",
    ],
    "health": [
        "Trạm y tế thiếu thuốc bảo hiểm y tế, nhân dân phải mua thuốc bên ngoài",
        "Xuất hiện ca sốt xuất huyết {where}, nhân dân đề nghị phun thuốc diệt muỗi",
        "Nhân dân đề nghị tăng cường bác sĩ về trạm y tế xã",
        "Nước sinh hoạt {where} không bảo đảm vệ sinh, nhân dân lo ngại dịch bệnh",
    ],
    "education": [
        "Phụ huynh phản ánh một số khoản thu đầu năm học chưa đúng quy định",
        "Điểm trường lẻ {where} xuống cấp, thiếu phòng ở bán trú cho học sinh",
        "Thiếu giáo viên một số môn, phụ huynh lo lắng chất lượng dạy học",
        "Học sinh {where} đi học xa, đường sá khó khăn vào mùa mưa",
    ],
    "administration": [
        "Thời gian giải quyết thủ tục cấp giấy chứng nhận quyền sử dụng đất kéo dài",
        "Phản ánh thái độ, tác phong của một số cán bộ tiếp dân chưa đúng mực",
        "Nhân dân đề nghị công khai kết quả giải quyết đơn thư, kiến nghị",
        "Dịch vụ công trực tuyến khó sử dụng với người cao tuổi, đề nghị hỗ trợ tại bộ phận một cửa",
    ],
    "environment-waste": [
        "Bãi rác tạm {where} gây ô nhiễm, mùi hôi ảnh hưởng khu dân cư",
        "Cơ sở chăn nuôi xả thải ra kênh mương, nhân dân phản ánh ô nhiễm",
        "Rác thải sinh hoạt không được thu gom thường xuyên {where}",
    ],
    "environment-mining": [
        "Khai thác cát sỏi trên sông gây sạt lở bờ, nhân dân lo mất đất sản xuất",
        "Xe chở đất đá, khoáng sản làm hư hỏng đường giao thông nông thôn {where}",
    ],
    "order": [
        "Tình trạng trộm cắp vặt tài sản, vật nuôi {where} có chiều hướng gia tăng",
        "Nhân dân lo ngại thanh thiếu niên tụ tập, đua xe ban đêm",
        "Cảnh báo thủ đoạn lừa đảo qua mạng, giả danh cơ quan chức năng",
        "Phản ánh hoạt động cho vay lãi nặng {where}",
    ],
    "land-disputes": [
        "Tranh chấp ranh giới đất sản xuất giữa các hộ ở giáp ranh hai bản",
        "Nhân dân {where} đề nghị đo đạc, cấp giấy chứng nhận quyền sử dụng đất rừng",
        "Vướng mắc ranh giới đất giữa hộ dân và đơn vị quản lý rừng phòng hộ",
    ],
    "land-compensation": [
        "Chậm chi trả tiền bồi thường giải phóng mặt bằng công trình thủy lợi",
        "Nhân dân đề nghị công khai phương án bồi thường công trình đường giao thông {where}",
    ],
    "ethnic": [
        "Đồng bào đề nghị tiếp tục hỗ trợ giống cây, con theo chương trình mục tiêu quốc gia",
        "Tập quán tảo hôn vẫn còn {where}, cần tăng cường tuyên truyền, vận động",
        "Đồng bào phản ánh chậm triển khai hỗ trợ đất ở, nhà ở theo chương trình 1719",
        "Đồng bào {where} đề nghị hỗ trợ nước sinh hoạt tập trung",
    ],
    "religion": [
        "Cơ sở tôn giáo đề nghị hướng dẫn thủ tục sửa chữa công trình phụ trợ",
        "Lễ hội đầu năm đông người, cần bảo đảm an toàn giao thông và vệ sinh môi trường",
        "Chức sắc, giáo dân đồng tình tham gia xây dựng nông thôn mới, đề nghị hỗ trợ đường nội xóm",
    ],
    "border": [
        "Tình trạng qua lại biên giới trái phép qua đường mòn, lối mở",
        "Nhân dân phản ánh hoạt động vận chuyển hàng lậu qua biên giới",
        "Đường tuần tra biên giới bị sạt lở sau mưa, đi lại khó khăn",
        "Tổ tự quản đường biên, cột mốc đề nghị hỗ trợ kinh phí hoạt động",
        "Cảnh báo đối tượng lợi dụng quan hệ thân tộc qua biên giới để vận chuyển ma túy",
        "Kết hôn không đăng ký với người nước ngoài ở khu vực biên giới",
    ],
    "other": [
        "Nhân dân đề nghị sửa chữa hệ thống đèn chiếu sáng đường liên bản",
        "Sóng điện thoại yếu {where}, nhân dân đề nghị lắp thêm trạm phát sóng",
    ],
}
AFTER_REFORM = [
    "Sau sắp xếp đơn vị hành chính, nhân dân {where} đi lại xa khi làm thủ tục",
    "Nhân dân đề nghị sớm cập nhật địa chỉ mới trên giấy tờ sau sắp xếp đơn vị hành chính",
]
DETAILS = [
    "Ghi nhận qua hội nghị nhân dân ở các thôn, bản.",
    "Tổ công tác của Mặt trận nắm tình hình qua các trưởng thôn, bản và người có uy tín.",
    "Nhiều ý kiến tại buổi tiếp xúc cử tri đề cập vấn đề này.",
    "Thông tin lan truyền trên mạng xã hội, đã kiểm tra thực tế tại địa bàn.",
    "Tình hình được các chi hội đoàn thể phản ánh trong giao ban tháng.",
]
ACTIONS = [
    "Đã phản ánh với Ủy ban nhân dân xã, đề nghị trả lời nhân dân.",
    "Đã tuyên truyền, giải thích chính sách tại các buổi sinh hoạt thôn, bản.",
    "Đã báo cáo cấp ủy, đề nghị chỉ đạo các ngành phối hợp giải quyết.",
    "Đã vận động nhân dân giữ ổn định, chờ kết quả giải quyết.",
]
# The upgrade of National Road 7 through Mường Xén: what the land clearance raised.
ROAD = [
    ("land-compensation", "Nhân dân chưa đồng thuận đơn giá bồi thường đất, tài sản trên đất dự án nâng cấp Quốc lộ 7"),
    ("land-clearance", "Các hộ dọc tuyến Quốc lộ 7 đề nghị công khai phương án bồi thường, hỗ trợ"),
    ("land-clearance", "Vướng mắc xác định nguồn gốc đất ở một số thửa dọc tuyến, chưa bàn giao mặt bằng"),
    ("land-resettlement", "Hộ dân đề nghị bố trí tái định cư tại chỗ, không muốn chuyển đến khu tái định cư xa"),
    ("land-clearance", "Nhà thầu thi công làm bụi, hư hỏng đường dân sinh; nhân dân đề nghị khắc phục"),
    ("land-compensation", "Nhân dân kiến nghị hỗ trợ chuyển đổi nghề cho hộ bị thu hồi đất sản xuất"),
    ("land-compensation", "Một số hộ chưa nhận tiền bồi thường, chưa bàn giao mặt bằng đoạn qua trung tâm xã"),
    ("land-resettlement", "Khu tái định cư chưa hoàn thiện hạ tầng điện, nước, nhân dân chưa chuyển đến"),
    ("land-compensation", "Nhân dân đề nghị giải thích việc áp giá đất khác nhau giữa hai khu vực giáp ranh"),
    ("land-clearance", "Mốc giới giải phóng mặt bằng cắm chưa đúng vị trí, nhân dân đề nghị kiểm tra lại"),
    ("land-clearance", "Hộ kinh doanh ven tuyến đề nghị hỗ trợ ngừng kinh doanh trong thời gian thi công"),
]  # fmt: skip
SOURCES = {
    "disaster": ["field_visit", "network", "network", "media"],
    "border": ["field_visit", "network", "network", "meeting"],
    "administration": ["reception", "reception", "meeting", "media"],
    "livelihood": ["meeting", "network", "media"],
}
DEFAULT_SOURCES = ["meeting", "meeting", "reception", "field_visit", "network", "media"]
