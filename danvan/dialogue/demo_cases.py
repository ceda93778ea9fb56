"""The demo's petitions that each tell one case (from `demo_petitions._specials`): two merged,
one reopened with new papers, one the citizen is not satisfied with, one extended, those linked
to the road's situation note."""

from __future__ import annotations

import datetime
from typing import Any

from danvan.situation.models import SERIOUS_LEVELS, Note

from . import deadlines, services_intake, services_petitions
from .demo_world import (
    KENG_DU,
    MUONG_XEN,
    World,
    _working_days_before,
    _working_on_or_before,
)
from .models import (
    Complexity,
    Confirmation,
    Dialogue,
    PetitionChannel,
    PetitionKind,
)

# --- The cases ------------------------------------------------------------------------------


def _merged(w: World) -> None:
    """Two households wrote about the same bridge: the second is merged into the first."""
    today = w.today
    ppc = w.orgs[f"ppc:{MUONG_XEN}"]
    first_day = _working_days_before(today, 9)
    common: dict[str, Any] = {
        "actor": None, "organization": ppc, "area": w.communes[MUONG_XEN],
        "topic": w.topics["livelihood"], "kind": PetitionKind.PETITION, "remote_area": True,
        "consent": True, "today": today,
    }  # fmt: skip
    first = services_intake.petition_create(
        **common, channel=PetitionChannel.LETTER, received_on=first_day,
        summary="Đề nghị sửa chữa cầu treo bản Cha Lúm bị hư hỏng mặt cầu, học sinh đi lại nguy hiểm",
        person=w.person(MUONG_XEN),
    )  # fmt: skip
    services_petitions.petition_accept(
        actor=None, petition=first, accepted_on=_working_days_before(today, 6), today=today
    )
    second = services_intake.petition_create(
        **common, channel=PetitionChannel.PUBLIC_FORM,
        received_on=_working_days_before(today, 7),
        summary="Cầu treo bản Cha Lúm hỏng ván mặt cầu, đề nghị sửa chữa sớm",
        person=w.person(MUONG_XEN),
    )  # fmt: skip
    services_petitions.petition_merge(
        actor=None, petition=second, into=first,
        reason="Cùng nội dung, cùng bản với kiến nghị đã tiếp nhận trước; trả lời chung.",
    )  # fmt: skip


def _reopened(w: World) -> None:
    """Settled, the citizen not satisfied, reopened with the new papers brought."""
    today = w.today
    ppc = w.orgs[f"ppc:{KENG_DU}"]
    received = _working_on_or_before(today - datetime.timedelta(days=150))
    petition = services_intake.petition_create(
        actor=None, organization=ppc, area=w.communes[KENG_DU], topic=w.topics["administration"],
        kind=PetitionKind.PETITION, channel=PetitionChannel.RECEPTION,
        summary="Đề nghị cấp giấy chứng nhận quyền sử dụng đất lần đầu cho thửa đất vườn",
        received_on=received, remote_area=True, person=w.person(KENG_DU), consent=True,
        today=today,
    )  # fmt: skip
    accepted = deadlines.add_working_days(received, 3)
    services_petitions.petition_accept(
        actor=None, petition=petition, accepted_on=accepted, today=today
    )
    services_petitions.petition_extend(
        actor=None, petition=petition, working_days=10, today=today,
        decided_on=deadlines.add_working_days(accepted, 20),
        reason="Cần xác minh nguồn gốc đất với hợp tác xã cũ.",
    )  # fmt: skip
    settled = deadlines.add_working_days(accepted, 25)
    services_petitions.petition_settle(
        actor=None, petition=petition, settled_on=settled, notice_sent_on=settled, today=today,
        result="Thửa đất chưa đủ điều kiện cấp giấy chứng nhận vì chưa xác định được nguồn gốc "
        "sử dụng ổn định; đã hướng dẫn công dân bổ sung giấy tờ.",
    )  # fmt: skip
    services_petitions.petition_confirm(
        actor=None, petition=petition, confirmation=Confirmation.NOT_SATISFIED,
        confirmed_on=settled + datetime.timedelta(days=5),
        comment="Gia đình sử dụng đất từ năm 1998, có người làm chứng.",
    )  # fmt: skip
    services_petitions.petition_reopen(
        actor=None, petition=petition, reopened_on=settled + datetime.timedelta(days=20),
        today=today,
        reason="Công dân nộp thêm biên bản giao đất năm 1998 của hợp tác xã và xác nhận của "
        "trưởng bản; cần xem xét lại nguồn gốc đất.",
    )  # fmt: skip
    # The new settlement has the law's whole extension again (30 working days in a remote area),
    # whatever the first one used.
    decided = deadlines.add_working_days(settled + datetime.timedelta(days=20), 15)
    if decided <= today:
        services_petitions.petition_extend(
            actor=None, petition=petition, working_days=25, decided_on=decided, today=today,
            reason="Chờ kết quả đo đạc lại của Văn phòng đăng ký đất đai.",
        )  # fmt: skip


def _not_satisfied(w: World) -> None:
    """xa answered a household that asked to be listed as near-poor; three days ago the citizen
    said on the tracking page they are not satisfied: on xa's agenda, to reopen or explain."""
    today = w.today
    xa = w.users["xa"]
    front = w.orgs[f"front:{MUONG_XEN}"]
    received = _working_on_or_before(today - datetime.timedelta(weeks=7))
    petition = services_intake.petition_create(
        actor=xa, organization=front, area=w.communes[MUONG_XEN], topic=w.topics["welfare"],
        kind=PetitionKind.PETITION, channel=PetitionChannel.RECEPTION,
        summary="Đề nghị xem xét lại việc bình xét hộ cận nghèo năm 2026 của gia đình ở bản "
        "Huồi Giảng", received_on=received, remote_area=True, person=w.person(MUONG_XEN),
        consent=True, today=today,
    )  # fmt: skip
    services_petitions.petition_accept(
        actor=xa, petition=petition, accepted_on=deadlines.add_working_days(received, 2),
        handler=xa, today=today,
    )  # fmt: skip
    settled = _working_on_or_before(today - datetime.timedelta(days=12))
    services_petitions.petition_settle(
        actor=xa, petition=petition, settled_on=settled, notice_sent_on=settled, today=today,
        result="Đã cùng Ban chỉ đạo giảm nghèo xã rà soát: thu nhập bình quân của gia đình cao "
        "hơn chuẩn cận nghèo nên chưa đủ điều kiện; đã giải thích tại buổi làm việc ở bản.",
    )  # fmt: skip
    services_petitions.petition_confirm(
        actor=None, petition=petition, confirmation=Confirmation.NOT_SATISFIED,
        confirmed_on=today - datetime.timedelta(days=3), today=today,
        comment="Gia đình có người ốm đau dài ngày, chi phí chữa bệnh chưa được tính.",
    )  # fmt: skip


def _extended(w: World) -> None:
    """A complex compensation case in Mường Xén, extended by a decision with its reason."""
    today = w.today
    ppc = w.orgs[f"ppc:{MUONG_XEN}"]
    received = _working_on_or_before(today - datetime.timedelta(days=80))
    petition = services_intake.petition_create(
        actor=None, organization=ppc, area=w.communes[MUONG_XEN],
        topic=w.topics["land-compensation"], kind=PetitionKind.PETITION,
        channel=PetitionChannel.LETTER, complexity=Complexity.COMPLEX, remote_area=True,
        summary="Đề nghị bồi thường phần đất vườn nằm ngoài chỉ giới nhưng không còn sử dụng "
        "được sau khi thi công Quốc lộ 7",
        received_on=received, person=w.person(MUONG_XEN), consent=True, today=today,
    )  # fmt: skip
    accepted = deadlines.add_working_days(received, 4)
    petition = services_petitions.petition_accept(
        actor=None, petition=petition, accepted_on=accepted, today=today
    )
    services_petitions.petition_extend(
        actor=None, petition=petition, working_days=20, today=today,
        decided_on=min(_working_days_before(petition.due_on, 5), today),
        reason="Cần đo đạc hiện trạng phần đất còn lại và lấy ý kiến chủ đầu tư về việc thu hồi "
        "bổ sung; vụ việc liên quan nhiều hộ dọc tuyến.",
    )  # fmt: skip


def _linked(w: World) -> None:
    """Petitions from the urgent dialogue on the road, linked to the incident note followed."""
    today = w.today
    ppc = w.orgs[f"ppc:{MUONG_XEN}"]
    dialogue = Dialogue.objects.filter(organization=ppc, urgent=True).first()
    incident = (
        Note.objects.filter(area=w.communes[MUONG_XEN], level__in=SERIOUS_LEVELS)
        .order_by("-event_date")
        .first()
    )
    if dialogue is None:
        return
    asks = [
        ("land-compensation", "Đề nghị áp dụng đơn giá bồi thường tài sản trên đất như đoạn "
         "tuyến giáp ranh"),
        ("land-resettlement", "Đề nghị bố trí tái định cư tại chỗ cho hộ bị thu hồi hết đất ở"),
        ("land-clearance", "Đề nghị công khai biên bản kiểm đếm trước khi bàn giao mặt bằng"),
    ]  # fmt: skip
    for topic, summary in asks:
        petition = services_intake.petition_create(
            actor=None, organization=ppc, area=w.communes[MUONG_XEN], topic=w.topics[topic],
            kind=PetitionKind.PETITION, channel=PetitionChannel.DIALOGUE, dialogue=dialogue,
            complexity=Complexity.COMPLEX, remote_area=True, summary=summary,
            received_on=dialogue.held_on, person=w.person(MUONG_XEN), consent=True, today=today,
        )  # fmt: skip
        accepted = deadlines.add_working_days(dialogue.held_on, 1)
        if accepted <= today:
            petition = services_petitions.petition_accept(
                actor=None, petition=petition, accepted_on=accepted, today=today
            )
        if incident is not None:
            services_petitions.petition_link_note(actor=None, petition=petition, note=incident)
