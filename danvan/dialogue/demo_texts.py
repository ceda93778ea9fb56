"""What the demo's petitions, receptions and dialogues say.

Issues, places and answers only; the petitioners are placeholders («Lô Văn A», telephones
09xx 000 xxx) that no real person bears, and no head or officer is named.
"""

# Topic code → [(kind, summary, result)]: what people ask and what the unit answered.
PETITIONS: dict[str, list[tuple[str, str, str]]] = {
    "land-compensation": [
        (
            "petition",
            "Đề nghị xem xét lại đơn giá bồi thường tài sản, cây trồng trên đất bị thu hồi làm Quốc lộ 7",
            "Hội đồng bồi thường đã rà soát, áp dụng đơn giá thống nhất với đoạn tuyến giáp ranh; phần chênh lệch được chi trả bổ sung cùng đợt hai.",
        ),
        (
            "petition",
            "Đề nghị chi trả tiền hỗ trợ ổn định đời sống cho hộ bị thu hồi trên 30% đất sản xuất",
            "Đã lập hồ sơ hỗ trợ ổn định đời sống 12 tháng theo quy định; tiền hỗ trợ được chi trả tại trụ sở xã.",
        ),
        (
            "feedback",
            "Phản ánh diện tích đất bị thu hồi trong biên bản kiểm đếm chênh lệch so với giấy chứng nhận",
            "Tổ công tác đã đo đạc lại cùng hộ gia đình; biên bản kiểm đếm được điều chỉnh theo kết quả đo thực tế, công dân đồng ý ký.",
        ),
        (
            "petition",
            "Đề nghị hỗ trợ chuyển đổi nghề cho lao động trong hộ bị thu hồi hết đất nông nghiệp",
            "Ủy ban nhân dân xã đã đưa 3 lao động của hộ vào lớp đào tạo nghề nông thôn và đề nghị hỗ trợ chuyển đổi nghề theo phương án được duyệt.",
        ),
    ],
    "land-clearance": [
        (
            "feedback",
            "Phản ánh mốc giải phóng mặt bằng lệch so với bản vẽ thiết kế, lấn vào đất ở của các hộ",
            "Đơn vị tư vấn đã cắm lại mốc theo bản vẽ được duyệt với sự chứng kiến của các hộ và Mặt trận xã; không có phần lấn vào đất ở.",
        ),
        (
            "petition",
            "Đề nghị công khai biên bản kiểm đếm, phương án bồi thường tại nhà văn hóa khối, bản",
            "Phương án bồi thường và biên bản kiểm đếm đã được niêm yết tại nhà văn hóa các khối, bản dọc tuyến trong 20 ngày.",
        ),
        (
            "feedback",
            "Phản ánh nhà thầu thi công ban đêm gây ồn, bụi ảnh hưởng sinh hoạt của khu dân cư ven tuyến",
            "Đã yêu cầu nhà thầu không thi công sau 22 giờ, tưới nước chống bụi hai lần mỗi ngày; Mặt trận xã giám sát việc thực hiện.",
        ),
    ],
    "land-resettlement": [
        (
            "petition",
            "Đề nghị sớm hoàn thành hệ thống điện, nước sinh hoạt tại khu tái định cư",
            "Khu tái định cư đã được đấu nối điện lưới; công trình cấp nước hoàn thành và bàn giao cho tổ quản lý của bản.",
        ),
        (
            "petition",
            "Đề nghị được bố trí tái định cư tại chỗ thay vì chuyển đến khu tái định cư mới",
            "Ủy ban nhân dân xã đã báo cáo chủ đầu tư; phương án tái định cư tại chỗ được chấp thuận cho các hộ còn đủ diện tích đất ở.",
        ),
    ],
    "land-disputes": [
        (
            "petition",
            "Đề nghị giải quyết tranh chấp ranh giới đất vườn giữa hai hộ liền kề",
            "Tổ hòa giải ở cơ sở đã hòa giải thành; hai hộ thống nhất ranh giới theo hiện trạng, ký biên bản và cắm mốc.",
        ),
        (
            "petition",
            "Đề nghị xác minh nguồn gốc thửa đất nương rẫy đang có tranh chấp giữa hai dòng họ",
            "Đã xác minh nguồn gốc sử dụng đất qua hồ sơ địa chính và ý kiến người cao tuổi trong bản; hai bên đồng ý với kết quả xác minh.",
        ),
    ],
    "administration": [
        (
            "petition",
            "Đề nghị cấp giấy chứng nhận quyền sử dụng đất lần đầu, hồ sơ nộp đã quá thời hạn hẹn",
            "Hồ sơ đã được bổ sung trích lục bản đồ địa chính và chuyển Văn phòng đăng ký đất đai; giấy chứng nhận đã được trao cho công dân.",
        ),
        (
            "feedback",
            "Phản ánh bộ phận một cửa trả kết quả chứng thực chậm so với giấy hẹn",
            "Ủy ban nhân dân xã đã kiểm điểm công chức liên quan, xin lỗi công dân và trả kết quả; bổ sung lịch trực chứng thực buổi sáng thứ Bảy.",
        ),
        (
            "petition",
            "Đề nghị hướng dẫn thủ tục đăng ký cư trú, khai sinh sau khi sắp xếp đơn vị hành chính xã",
            "Công chức tư pháp - hộ tịch đã hướng dẫn tận nhà; giấy tờ đã cấp trước ngày sắp xếp vẫn có giá trị, không phải làm lại.",
        ),
        (
            "petition",
            "Đề nghị điều chỉnh thông tin địa chỉ trên căn cước sau khi đổi tên xã",
            "Đã hướng dẫn công dân cập nhật địa chỉ trên ứng dụng định danh điện tử; trường hợp cấp đổi căn cước được thực hiện miễn phí.",
        ),
        (
            "feedback",
            "Phản ánh một số công chức xã hướng dẫn thủ tục chưa rõ ràng, công dân phải đi lại nhiều lần",
            "Ủy ban nhân dân xã đã niêm yết danh mục hồ sơ từng thủ tục tại bộ phận một cửa và nhắc nhở công chức liên quan.",
        ),
    ],
    "welfare": [
        (
            "petition",
            "Đề nghị xem xét trợ cấp xã hội hằng tháng cho người khuyết tật đặc biệt nặng",
            "Hội đồng xác định mức độ khuyết tật đã họp; người khuyết tật được hưởng trợ cấp hằng tháng từ tháng sau.",
        ),
        (
            "petition",
            "Đề nghị bình xét lại hộ cận nghèo vì gia đình có người ốm đau dài ngày",
            "Ban chỉ đạo giảm nghèo xã đã rà soát lại; hộ được công nhận hộ cận nghèo và cấp thẻ bảo hiểm y tế.",
        ),
        (
            "petition",
            "Đề nghị hỗ trợ xóa nhà tạm, nhà dột nát cho hộ nghèo trước mùa mưa",
            "Hộ được đưa vào danh sách hỗ trợ xóa nhà tạm đợt này; Mặt trận và đoàn thể huy động ngày công giúp dựng nhà.",
        ),
        (
            "petition",
            "Đề nghị giải quyết trợ cấp hưu trí xã hội cho người cao tuổi từ đủ 75 tuổi",
            "Hồ sơ đã được thẩm định; người cao tuổi được hưởng trợ cấp hưu trí xã hội và cấp thẻ bảo hiểm y tế.",
        ),
        (
            "feedback",
            "Phản ánh việc chi trả trợ cấp cho đối tượng bảo trợ xã hội tháng này chậm",
            "Việc chậm do chuyển đổi sang chi trả qua tài khoản; đã chi trả đủ và thông báo lịch chi trả cố định hằng tháng.",
        ),
    ],
    "health": [
        (
            "petition",
            "Đề nghị cấp lại thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi bị sai ngày sinh",
            "Đã phối hợp với Bảo hiểm xã hội cơ sở điều chỉnh thông tin; thẻ mới đã được trao cho gia đình.",
        ),
        (
            "petition",
            "Đề nghị bố trí bác sĩ khám bệnh định kỳ tại trạm y tế xã",
            "Trung tâm y tế khu vực đã bố trí bác sĩ khám tại trạm y tế xã vào thứ Ba và thứ Năm hằng tuần.",
        ),
        (
            "feedback",
            "Phản ánh trạm y tế thiếu một số thuốc thiết yếu trong danh mục bảo hiểm y tế",
            "Trung tâm y tế đã bổ sung cơ số thuốc cho trạm và niêm yết danh mục thuốc được cấp theo bảo hiểm y tế.",
        ),
    ],
    "education": [
        (
            "petition",
            "Đề nghị sửa chữa phòng học xuống cấp, dột nát ở điểm trường bản",
            "Phòng giáo dục đã bố trí kinh phí sửa chữa mái và cửa các phòng học; công trình hoàn thành trước năm học mới.",
        ),
        (
            "feedback",
            "Phản ánh tiền hỗ trợ ăn trưa cho học sinh bán trú chi trả chậm",
            "Nhà trường đã chi trả đủ tiền hỗ trợ của học kỳ; công khai danh sách và mức hỗ trợ tại bảng tin của trường.",
        ),
        (
            "petition",
            "Đề nghị bố trí chỗ ở bán trú cho học sinh ở các bản xa trường",
            "Nhà trường đã sắp xếp thêm phòng ở bán trú cho học sinh các bản xa; Đoàn thanh niên nhận đưa đón đầu tuần.",
        ),
    ],
    "livelihood": [
        (
            "petition",
            "Đề nghị sửa chữa công trình nước sinh hoạt tự chảy bị vỡ đường ống sau mưa lũ",
            "Ủy ban nhân dân xã đã thay 300 m đường ống và sửa bể chứa; nước sinh hoạt đã được cấp lại cho các hộ.",
        ),
        (
            "petition",
            "Đề nghị kéo điện lưới quốc gia về bản chưa có điện",
            "Điện lực khu vực đã đưa bản vào danh mục đầu tư năm tới; trước mắt hỗ trợ các hộ hệ thống điện năng lượng mặt trời.",
        ),
        (
            "feedback",
            "Phản ánh điện áp yếu, mất điện thường xuyên vào giờ cao điểm buổi tối",
            "Điện lực khu vực đã lắp thêm trạm biến áp và thay dây hạ thế; điện áp đã ổn định.",
        ),
        (
            "petition",
            "Đề nghị bê tông hóa đường nội bản, mùa mưa lầy lội, học sinh đi học khó khăn",
            "Tuyến đường được đưa vào kế hoạch xây dựng nông thôn mới; nhân dân hiến đất, góp ngày công, xã hỗ trợ xi măng.",
        ),
        (
            "petition",
            "Đề nghị sửa chữa cầu treo qua suối bị hư hỏng mặt cầu",
            "Ủy ban nhân dân xã đã thay ván mặt cầu và gia cố cáp neo; cầu đã được nghiệm thu, đưa vào sử dụng.",
        ),
    ],
    "livelihood-produce": [
        (
            "petition",
            "Đề nghị hỗ trợ kết nối tiêu thụ gừng, sắn khi giá giảm mạnh",
            "Hội Nông dân đã kết nối hai doanh nghiệp thu mua theo hợp đồng; nhân dân đã bán được phần lớn sản lượng.",
        ),
    ],
    "livelihood-jobs": [
        (
            "petition",
            "Đề nghị mở lớp dạy nghề gắn với giải quyết việc làm cho thanh niên",
            "Đã mở lớp sửa chữa máy nông nghiệp và lớp may công nghiệp; học viên được giới thiệu việc làm sau khóa học.",
        ),
    ],
    "disaster": [
        (
            "petition",
            "Đề nghị khắc phục đoạn đường liên bản bị sạt lở taluy sau mưa lũ",
            "Ủy ban nhân dân xã đã huy động máy múc thông tuyến, làm rãnh thoát nước; đề nghị cấp trên hỗ trợ kè đoạn sạt lở.",
        ),
        (
            "petition",
            "Đề nghị hỗ trợ các hộ có nhà bị hư hỏng do lũ quét",
            "Các hộ đã được hỗ trợ theo mức quy định và nhận hàng cứu trợ của Mặt trận; đoàn viên thanh niên giúp dọn dẹp, sửa nhà.",
        ),
        (
            "petition",
            "Đề nghị di dời các hộ ở khu vực có nguy cơ sạt lở đồi phía sau khu dân cư",
            "Các hộ đã được di dời tạm đến nhà văn hóa bản; xã lập hồ sơ đưa vào dự án bố trí dân cư vùng thiên tai.",
        ),
    ],
    "environment-waste": [
        (
            "feedback",
            "Phản ánh rác thải không được thu gom, bị đổ xuống suối đầu nguồn",
            "Đã bố trí điểm tập kết rác, thu gom hai lần mỗi tuần; bản đưa việc không đổ rác xuống suối vào hương ước.",
        ),
        (
            "feedback",
            "Phản ánh trại chăn nuôi lợn xả nước thải gây ô nhiễm, bốc mùi",
            "Đoàn kiểm tra của xã đã lập biên bản, yêu cầu chủ trại xây hầm biogas; đã kiểm tra lại, không còn xả thải ra ngoài.",
        ),
    ],
    "environment-mining": [
        (
            "feedback",
            "Phản ánh khai thác cát sỏi trái phép trên sông ban đêm gây sạt lở bờ",
            "Tổ liên ngành đã kiểm tra, thu giữ phương tiện và xử phạt vi phạm; tổ chức tuần tra ban đêm tại khu vực.",
        ),
    ],
    "order": [
        (
            "feedback",
            "Phản ánh xe tải chạy tốc độ cao qua khu dân cư, gây mất an toàn giao thông",
            "Công an xã đã phối hợp đặt biển hạn chế tốc độ và gờ giảm tốc; tăng cường tuần tra giờ tan học.",
        ),
        (
            "feedback",
            "Phản ánh tình trạng tụ tập, gây mất trật tự ban đêm tại khu chợ",
            "Công an xã đã tăng cường tuần tra, lập biên bản nhắc nhở; tình hình đã ổn định.",
        ),
    ],
    "border": [
        (
            "petition",
            "Đề nghị hướng dẫn thủ tục cấp giấy thông hành qua cửa khẩu Nậm Cắn để thăm thân",
            "Đồn Biên phòng và Công an xã đã hướng dẫn hồ sơ; công dân đã được cấp giấy thông hành.",
        ),
    ],
    "ethnic": [
        (
            "petition",
            "Đề nghị hỗ trợ giống cây trồng, vật nuôi cho hộ đồng bào dân tộc thiểu số theo chương trình mục tiêu quốc gia",
            "Hộ đã được đưa vào danh sách hỗ trợ sinh kế năm nay; giống bò được cấp kèm tập huấn chăn nuôi.",
        ),
    ],
}

# Complaints and denunciations are referred: (kind, topic, summary, competent body, its answer).
# A competent body "ppc" is the commune's People's Committee (when the Front or the Party
# committee received it); the others are bodies outside danvan.
REFERRALS: list[tuple[str, str, str, str, str]] = [
    ("complaint", "land-compensation", "Khiếu nại quyết định phê duyệt phương án bồi thường vì không tính đủ cây trồng trên đất", "ppc",
     "Chủ tịch Ủy ban nhân dân xã đã ban hành quyết định giải quyết khiếu nại lần đầu: công nhận một phần nội dung khiếu nại, bổ sung bồi thường 46 gốc cây ăn quả."),
    ("complaint", "administration", "Khiếu nại việc Ủy ban nhân dân xã trả lại hồ sơ đề nghị cấp giấy chứng nhận quyền sử dụng đất", "ppc",
     "Ủy ban nhân dân xã đã thu hồi văn bản trả hồ sơ, tiếp nhận lại và giải quyết hồ sơ theo đúng thời hạn."),
    ("complaint", "welfare", "Khiếu nại việc không được đưa vào danh sách hỗ trợ nhà ở cho hộ nghèo", "ppc",
     "Chủ tịch Ủy ban nhân dân xã giải quyết khiếu nại: giữ nguyên danh sách vì hộ đã được hỗ trợ nhà ở năm 2023; đã giải thích, công dân thống nhất."),
    ("complaint", "land-disputes", "Khiếu nại quyết định giải quyết tranh chấp đất đai của Ủy ban nhân dân xã", "Ủy ban nhân dân tỉnh Nghệ An",
     "Ủy ban nhân dân tỉnh đã thụ lý giải quyết khiếu nại lần hai, giao Thanh tra tỉnh xác minh; đã ban hành quyết định giải quyết."),
    ("denunciation", "administration", "Tố cáo công chức địa chính xã có dấu hiệu gây khó khăn khi đo đạc, xác nhận hồ sơ đất đai", "ppc",
     "Chủ tịch Ủy ban nhân dân xã đã xác minh, kết luận tố cáo đúng một phần; công chức bị kiểm điểm, rút kinh nghiệm."),
    ("denunciation", "order", "Tố cáo hoạt động cho vay lãi nặng, đòi nợ gây mất trật tự tại khu dân cư", "Công an tỉnh Nghệ An",
     "Cơ quan công an đã tiếp nhận, xác minh và xử lý theo quy định; kết quả đã thông báo cho người tố cáo theo quy định về bảo vệ người tố cáo."),
    ("denunciation", "environment-mining", "Tố cáo doanh nghiệp khai thác cát sỏi vượt ranh giới mỏ được cấp phép", "Sở Nông nghiệp và Môi trường tỉnh Nghệ An",
     "Đoàn kiểm tra của Sở đã xác định vi phạm, xử phạt vi phạm hành chính và buộc doanh nghiệp khắc phục hậu quả."),
]  # fmt: skip

REFUSALS = [
    "Nội dung đã được Ủy ban nhân dân xã trả lời bằng văn bản, công dân không cung cấp thêm tình tiết mới.",
    "Vụ việc đang được Tòa án nhân dân khu vực thụ lý giải quyết; đã hướng dẫn công dân theo dõi tại Tòa án.",
    "Đơn không ghi rõ nội dung đề nghị và địa điểm; đã hướng dẫn công dân bổ sung để gửi lại.",
    "Nội dung thuộc quan hệ dân sự giữa các cá nhân; đã hướng dẫn công dân đề nghị hòa giải ở cơ sở.",
]

EXTENSIONS = [
    "Cần đo đạc lại hiện trạng thửa đất; chờ kết quả trích đo của Văn phòng đăng ký đất đai.",
    "Vụ việc liên quan nhiều hộ; cần tổ chức đối thoại với các hộ trước khi trả lời.",
    "Chờ ý kiến của Sở Nông nghiệp và Môi trường về nguồn gốc đất.",
    "Mưa lũ chia cắt đường vào bản, tổ công tác chưa thể xác minh tại hiện trường.",
    "Chờ kết quả kiểm định chất lượng công trình của đơn vị tư vấn.",
]

FAMILIES = [
    "Lô",
    "Vi",
    "Lầu",
    "Xồng",
    "Moong",
    "Lữ",
    "Lương",
    "Và",
    "Cụt",
    "Nguyễn",
    "Trần",
    "Hoàng",
]
LETTERS = "ABCDEGHIKLMNOPQSTUVXY"
PLACES = [
    "Khối 1",
    "Khối 3",
    "Bản Cha Lúm",
    "Bản Na Lượng",
    "Bản Huồi Giảng",
    "Bản Tiền Tiêu",
    "Bản Xốp Xằng",
]

# Receptions: where, and what the citizens came about.
RECEPTION_NOTES = [
    "",
    "",
    "Công dân chủ yếu hỏi về bồi thường, hỗ trợ khi thu hồi đất.",
    "Công dân đề nghị về chính sách hỗ trợ hộ nghèo, nhà ở.",
    "Không có công dân đến; cán bộ tiếp dân trực tại trụ sở theo lịch.",
    "Công dân hỏi về thủ tục hành chính sau khi sắp xếp đơn vị hành chính.",
]

# Direct dialogues of the Party secretaries: (theme, issues raised, results, commitment or "").
DIRECT = [
    ("xây dựng nông thôn mới và bê tông hóa đường nội bản",
     "Nhân dân đề nghị hỗ trợ xi măng làm đường nội bản, công khai các khoản đóng góp.",
     "Thống nhất cơ chế Nhà nước hỗ trợ xi măng, nhân dân góp ngày công; công khai đóng góp tại nhà văn hóa bản.",
     "Cấp xi măng cho hai tuyến đường nội bản đã đăng ký"),
    ("phòng, chống ma túy ở khu vực biên giới",
     "Nhân dân lo ngại tình trạng thanh niên sử dụng ma túy, đề nghị tăng cường tuần tra đường mòn.",
     "Thành lập tổ tự quản an ninh trật tự ở các bản giáp biên; Đồn Biên phòng phối hợp tuần tra hằng tuần.",
     ""),
    ("bảo vệ và phát triển rừng, chi trả dịch vụ môi trường rừng",
     "Nhân dân đề nghị chi trả tiền dịch vụ môi trường rừng đúng hạn, công khai diện tích nhận khoán.",
     "Công khai diện tích và mức chi trả của từng cộng đồng; chi trả trước Tết.",
     "Chi trả tiền dịch vụ môi trường rừng năm nay cho các cộng đồng nhận khoán"),
    ("chuyển đổi cây trồng, vật nuôi và tiêu thụ nông sản",
     "Nhân dân đề nghị hỗ trợ giống gừng, kết nối tiêu thụ khi giá giảm.",
     "Hội Nông dân kết nối doanh nghiệp bao tiêu; xã hỗ trợ giống cho các hộ nghèo.",
     ""),
    ("thực hiện chính sách hỗ trợ đồng bào dân tộc thiểu số",
     "Nhân dân đề nghị công khai danh sách hộ được hỗ trợ đất ở, nhà ở, nước sinh hoạt phân tán.",
     "Niêm yết danh sách tại các bản; Mặt trận giám sát việc bình xét.",
     "Niêm yết danh sách hộ được hỗ trợ nhà ở, nước sinh hoạt tại các bản"),
    ("thủ tục hành chính sau khi sắp xếp đơn vị hành chính xã",
     "Nhân dân phản ánh phải đi xa để làm thủ tục, đề nghị tiếp nhận hồ sơ tại các điểm cũ.",
     "Bố trí điểm tiếp nhận hồ sơ lưu động tại trụ sở xã cũ hai ngày mỗi tuần.",
     "Mở điểm tiếp nhận hồ sơ lưu động tại trụ sở xã cũ"),
]  # fmt: skip
