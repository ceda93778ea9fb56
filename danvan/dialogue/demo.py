"""A year of dialogue with the people in the demo province, anchored on today.

What it tells: every demo commune's Party secretary and People's Committee chair receive
citizens about two days a month, the province's Party committee once a month; a few heads fall
behind (Na Loi's chair missed months, Nậm Cắn's secretary kept one day a month, Tương Dương's
chair missed last month), so the schedule shows them. The Party secretaries hold direct
dialogues through the year; Mỹ Lý held its dialogue conference three months ago and published
the results within the week (two commitments kept with evidence, one not kept, one overdue);
Na Loi held its conference twelve days ago and has not published the results yet; Mường Xén's
People's Committee held an urgent dialogue with the households stopping the National Road 7
works last month (the situation demo's complex incident), announced three days ahead; Nậm Cắn's
secretary has announced a dialogue with the young people for the coming weeks.

About 300 petitions over twelve months, in every state: People's Committees answer most, the
Fronts and Party committees some; complaints and denunciations go to the competent body; units
differ in how often they answer on time (Mỹ Lý about 96 %, Mường Xén 88 %, Na Loi 71 %), as
the public ranking shows. Mường Xén's Front (xa) has a petition in progress due this week and
one waiting to be accepted. One petition was reopened, one merged as a duplicate, a few
extended and a few linked to the situation notes on the road. The petitioners are placeholders
(«Lô Văn A», telephones 09xx 000 xxx); those of cases closed more than the retention time ago,
before the 2025 reform, are already erased; one person has asked to erase their data.
"""

from __future__ import annotations

import datetime
import random
from typing import TextIO

from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from danvan.org.models import AreaLevel, Organization
from danvan.situation.models import Topic
from danvan.situation.topics import ensure_topics

from . import services, services_privacy
from .demo_petitions import _data_request, _old_cases, _petitions, _specials
from .demo_texts import (
    DIRECT,
    RECEPTION_NOTES,
)
from .demo_world import (
    BEHIND,
    KENG_DU,
    MUONG_XEN,
    MY_LY,
    NA_LOI,
    NAM_CAN,
    RECEPTION_DAYS,
    TUONG_DUONG,
    World,
    _month_start,
    _working_on_or_after,
    _working_on_or_before,
    _world,
)
from .models import (
    Commitment,
    CommitmentReminder,
    DataRequest,
    Dialogue,
    DialogueKind,
    Extension,
    HostRole,
    IdentityAccess,
    Petition,
    PetitionAttachment,
    Petitioner,
    PetitionKind,
    PetitionReminder,
    PetitionState,
    Reception,
)

# --- Reset and load ------------------------------------------------------------------------


def reset() -> None:
    """Remove every dialogue record, with its history (nothing else keeps a reference)."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        IdentityAccess.objects.all().delete()
        PetitionReminder.objects.all().delete()
        CommitmentReminder.objects.all().delete()
        PetitionAttachment.objects.all().delete()
        for model in (DataRequest, Extension):
            model.history.all().delete()  # type: ignore[attr-defined]
            model.objects.all().delete()
        Petitioner.objects.all().delete()
        Petition.objects.update(merged_into=None)
        for historied in (Petition, Commitment, Dialogue, Reception):
            historied.history.all().delete()  # type: ignore[attr-defined]
            historied.objects.all().delete()


def load(out: TextIO) -> None:
    today = timezone.localdate()
    ensure_topics(Topic)  # the migration seeds them; a flushed test database has none
    w = _world(today)
    _receptions(w)
    _dialogues(w)
    _petitions(w)
    _specials(w)
    _old_cases(w)
    erased = services_privacy.erase_expired(today=today)
    _data_request(w)
    out.write(
        f"  receptions: {Reception.objects.count()}, dialogues: {Dialogue.objects.count()}, "
        f"commitments: {Commitment.objects.count()}, petitions: {Petition.objects.count()}, "
        f"petitioners erased: {erased}\n"
    )
    answered = (
        Petition.objects.filter(
            state=PetitionState.SETTLED, published=True, settled_on__lte=F("due_on")
        )
        .exclude(kind=PetitionKind.DENUNCIATION)
        .order_by("-settled_on", "pk")
        .first()
    )
    if answered is not None:
        out.write(f"  a tracking code to try on /kien-nghi/tra-cuu/: {answered.code}\n")


# --- Reception sessions --------------------------------------------------------------------


def _receptions(w: World) -> None:
    """Twelve months of sessions: each commune head about two days a month, the province once."""
    rng = random.Random(7)  # noqa: S311 — its own draws, so the petitions' stay the same
    last = w.today.year * 12 + w.today.month - 1
    heads: list[tuple[str, str, Organization, str, str]] = []
    for code in w.communes:
        where = w.communes[code].name
        local = where[0].lower() + where[1:]
        heads.append(("party", code, w.orgs[f"party:{code}"], HostRole.PARTY_SECRETARY,
                      f"Trụ sở Đảng ủy {local}"))  # fmt: skip
        heads.append(("ppc", code, w.orgs[f"ppc:{code}"], HostRole.COMMITTEE_CHAIR,
                      f"Phòng tiếp công dân Ủy ban nhân dân {local}"))  # fmt: skip
    heads.append(("province", "", w.orgs["province"], HostRole.PARTY_SECRETARY,
                  "Trụ sở Tiếp công dân tỉnh Nghệ An"))  # fmt: skip
    # Every other commune's Party secretary keeps the schedule too: the board is the province's.
    others = (
        Organization.objects.filter(
            kind__code="party_committee", area__level=AreaLevel.COMMUNE,
            area__valid_to__isnull=True, dissolved_on__isnull=True,
        )
        .exclude(area__code__in=list(w.communes))
        .select_related("area")
        .order_by("path")
    )  # fmt: skip
    for org in others:
        local = org.area.name[0].lower() + org.area.name[1:]
        heads.append(("party", org.area.code, org, HostRole.PARTY_SECRETARY,
                      f"Trụ sở Đảng ủy {local}"))  # fmt: skip
    for unit, code, org, role, place in heads:
        behind = BEHIND.get((unit, code), {})
        # Twelve months back, and at least from the January of last month's year: its board.
        for index in range(min(last - 11, (last - 1) // 12 * 12), last + 1):
            start = _month_start(index)
            days = RECEPTION_DAYS[unit]
            ago = last - index
            if ago in behind:
                days = days[: behind[ago]]
            for day_of_month in days:
                held = _working_on_or_after(start.replace(day=day_of_month))
                if held.month != start.month:  # a long holiday at the month's end: before it
                    held = _working_on_or_before(start.replace(day=day_of_month))
                if held > w.today:
                    continue
                citizens = rng.choice(
                    [0, 1, 2, 3, 3, 4, 5, 6, 8] if unit != "province" else [6, 9, 12, 15]
                )
                reception = services.reception_create(
                    actor=None,
                    organization=org,
                    held_on=held,
                    host_role=role,
                    place=place,
                    citizens=citizens,
                    cases=min(citizens, rng.randint(0, 5) + (2 if unit == "province" else 0)),
                    notes=RECEPTION_NOTES[4] if citizens == 0 else rng.choice(RECEPTION_NOTES[:4] + RECEPTION_NOTES[5:]),
                    today=w.today,
                )  # fmt: skip
                w.receptions.setdefault(org.pk, []).append(reception)
    # The day after the road works stopped, Mường Xén's chair received the households.
    incident = _incident_day(w.today)
    services.reception_create(
        actor=None,
        organization=w.orgs[f"ppc:{MUONG_XEN}"],
        kind="ad_hoc",
        held_on=incident + datetime.timedelta(days=1),
        host_role=HostRole.COMMITTEE_CHAIR,
        place="Nhà văn hóa khối dọc Quốc lộ 7, xã Mường Xén",
        citizens=25,
        cases=6,
        notes="Tiếp đột xuất các hộ dân đoạn qua trung tâm xã về đơn giá bồi thường Quốc lộ 7.",
        today=w.today,
    )


def _incident_day(today: datetime.date) -> datetime.date:
    """The day the situation demo's households stopped the road works (last month, the 13th)."""
    last = today.year * 12 + today.month - 1
    return _month_start(last - 1) + datetime.timedelta(days=12)


# --- Dialogues -----------------------------------------------------------------------------


def _dialogues(w: World) -> None:
    rng = random.Random(10)  # noqa: S311
    today = w.today
    # The Party secretaries' direct dialogues through the year.
    for n, code in enumerate([MUONG_XEN, MY_LY, NA_LOI, KENG_DU, NAM_CAN, TUONG_DUONG] * 2):
        theme, issues, results, commitment = DIRECT[(n + n // 6) % len(DIRECT)]
        held = _working_on_or_before(today - datetime.timedelta(days=330 - n * 24))
        local = _local(w, code)
        dialogue = services.dialogue_create(
            actor=None,
            organization=w.orgs[f"party:{code}"],
            kind=DialogueKind.DIRECT,
            title=f"Bí thư Đảng ủy {local} đối thoại trực tiếp với nhân dân về {theme}",
            held_on=held,
            host_role=HostRole.PARTY_SECRETARY,
            announced_on=held - datetime.timedelta(days=rng.randint(9, 15)),
            place=f"Hội trường Đảng ủy {local}",
        )
        _hold(
            w,
            dialogue,
            rng.randint(45, 140),
            issues,
            results,
            held + datetime.timedelta(days=rng.randint(2, 7)),
        )
        if commitment:
            promise = services.commitment_add(
                actor=None, dialogue=dialogue, text=commitment,
                responsible=w.orgs[f"ppc:{code}"], due_on=held + datetime.timedelta(days=45),
            )  # fmt: skip
            done = held + datetime.timedelta(days=rng.randint(15, 40))
            if done <= today:
                services.commitment_keep(
                    actor=None, commitment=promise, done_on=done, today=today,
                    evidence="Biên bản kiểm tra của Mặt trận xã xác nhận đã thực hiện.",
                )  # fmt: skip
    _conference_my_ly(w)
    _conference_na_loi(w)
    _urgent_muong_xen(w)
    # Announced for the coming weeks.
    held = _working_on_or_after(today + datetime.timedelta(days=16))
    services.dialogue_create(
        actor=None,
        organization=w.orgs[f"party:{NAM_CAN}"],
        kind=DialogueKind.DIRECT,
        title="Bí thư Đảng ủy xã Nậm Cắn đối thoại với đoàn viên, thanh niên về việc làm và "
        "phòng, chống ma túy",
        held_on=held,
        host_role=HostRole.PARTY_SECRETARY,
        announced_on=today - datetime.timedelta(days=1),
        place="Hội trường Ủy ban nhân dân xã Nậm Cắn",
        channel="both",
        co_hosts=[w.orgs[f"front:{NAM_CAN}"]],
    )


def _local(w: World, code: str) -> str:
    name = w.communes[code].name
    return name[0].lower() + name[1:]


def _hold(
    w: World, dialogue: Dialogue, participants: int, issues: str, results: str,
    published: datetime.date | None,
) -> None:  # fmt: skip
    dialogue = services.dialogue_hold(
        actor=None, dialogue=dialogue, participants=participants, issues_raised=issues,
        today=w.today,
    )  # fmt: skip
    if published is not None and published <= w.today:
        services.dialogue_publish(
            actor=None, dialogue=dialogue, results=results, published_on=published, today=w.today
        )
    w.dialogues.setdefault(dialogue.organization_id, []).append(dialogue)


def _conference_my_ly(w: World) -> None:
    """Held three months ago, published within the week; four commitments followed since."""
    today = w.today
    held = _working_on_or_before(today - datetime.timedelta(days=100))
    ppc = w.orgs[f"ppc:{MY_LY}"]
    conference = services.dialogue_create(
        actor=None,
        organization=ppc,
        kind=DialogueKind.CONFERENCE,
        title="Hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền với nhân dân xã Mỹ Lý "
        "năm " + str(held.year),
        held_on=held,
        host_role=HostRole.COMMITTEE_CHAIR,
        announced_on=held - datetime.timedelta(days=15),
        place="Hội trường Ủy ban nhân dân xã Mỹ Lý",
        co_hosts=[w.orgs[f"party:{MY_LY}"], w.orgs[f"front:{MY_LY}"]],
    )
    _hold(
        w, conference, 186,
        "Nhân dân các bản kiến nghị: sửa đường vào bản Huồi Cáng bị sạt lở; hỗ trợ nhà ở cho hộ "
        "nghèo bản Xốp Phe; kéo điện lưới về bản Cha Nga; cấp giấy chứng nhận quyền sử dụng đất "
        "cho các hộ bản Huồi Cáng.",
        "Ủy ban nhân dân xã tiếp thu 4 nhóm kiến nghị, giao trách nhiệm và thời hạn cho từng nội "
        "dung; Mặt trận xã giám sát việc thực hiện và báo cáo tại kỳ họp Hội đồng nhân dân xã.",
        held + datetime.timedelta(days=6),
    )  # fmt: skip
    road = services.commitment_add(
        actor=None, dialogue=conference, responsible=ppc, due_on=held + datetime.timedelta(days=60),
        text="Sửa chữa đoạn đường từ trung tâm xã vào bản Huồi Cáng bị sạt lở",
    )  # fmt: skip
    services.commitment_keep(
        actor=None, commitment=road, done_on=held + datetime.timedelta(days=52), today=today,
        evidence="Biên bản nghiệm thu công trình sửa chữa đường vào bản Huồi Cáng; ảnh hiện trường "
        "trước và sau khi sửa chữa.",
    )  # fmt: skip
    houses = services.commitment_add(
        actor=None, dialogue=conference, responsible=ppc, due_on=held + datetime.timedelta(days=45),
        text="Hoàn thành hỗ trợ nhà ở cho 12 hộ nghèo bản Xốp Phe",
    )  # fmt: skip
    services.commitment_keep(
        actor=None, commitment=houses, done_on=held + datetime.timedelta(days=41), today=today,
        evidence="Danh sách 12 hộ đã nhận tiền hỗ trợ có chữ ký; biên bản bàn giao nhà của Mặt "
        "trận xã.",
    )  # fmt: skip
    power = services.commitment_add(
        actor=None, dialogue=conference, due_on=held + datetime.timedelta(days=75),
        responsible_name="Điện lực Kỳ Sơn (Công ty Điện lực Nghệ An)",
        text="Kéo điện lưới quốc gia về bản Cha Nga",
    )  # fmt: skip
    services.commitment_fail(
        actor=None, commitment=power,
        reason="Chưa bố trí được vốn đầu tư trong năm; Điện lực đề nghị đưa vào kế hoạch năm sau, "
        "trước mắt hỗ trợ các hộ điện năng lượng mặt trời.",
    )  # fmt: skip
    services.commitment_add(
        actor=None, dialogue=conference, responsible=ppc, due_on=held + datetime.timedelta(days=70),
        text="Cấp giấy chứng nhận quyền sử dụng đất cho 23 hộ bản Huồi Cáng",
    )  # fmt: skip


def _conference_na_loi(w: World) -> None:
    """Held twelve days ago; the results are not published yet (due within ten days)."""
    held = _working_on_or_before(w.today - datetime.timedelta(days=12))
    ppc = w.orgs[f"ppc:{NA_LOI}"]
    conference = services.dialogue_create(
        actor=None,
        organization=ppc,
        kind=DialogueKind.CONFERENCE,
        title=f"Hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền với nhân dân xã Na Loi năm {held.year}",
        held_on=held,
        host_role=HostRole.COMMITTEE_CHAIR,
        announced_on=held - datetime.timedelta(days=10),
        place="Hội trường Ủy ban nhân dân xã Na Loi",
        co_hosts=[w.orgs[f"party:{NA_LOI}"], w.orgs[f"front:{NA_LOI}"]],
    )  # fmt: skip
    _hold(
        w, conference, 142,
        "Nhân dân kiến nghị về nước sinh hoạt mùa khô, trả tiền dịch vụ môi trường rừng chậm, "
        "điểm trường bản xuống cấp.",
        "", None,
    )  # fmt: skip
    services.commitment_add(
        actor=None, dialogue=conference, responsible=ppc,
        due_on=held + datetime.timedelta(days=40),
        text="Sửa chữa công trình nước sinh hoạt tự chảy của hai bản trước mùa khô",
    )  # fmt: skip
    services.commitment_add(
        actor=None, dialogue=conference, responsible_name="Phòng Giáo dục khu vực",
        due_on=held + datetime.timedelta(days=60), text="Sửa chữa mái các phòng học điểm trường bản",
    )  # fmt: skip


def _urgent_muong_xen(w: World) -> None:
    """The households stopped the road works: a dialogue within three days, last month."""
    incident = _incident_day(w.today)
    held = incident + datetime.timedelta(days=14)
    ppc = w.orgs[f"ppc:{MUONG_XEN}"]
    dialogue = services.dialogue_create(
        actor=None,
        organization=ppc,
        kind=DialogueKind.THEMATIC,
        title="Đối thoại với các hộ dân đoạn qua trung tâm xã về bồi thường, hỗ trợ dự án nâng "
        "cấp Quốc lộ 7",
        held_on=held,
        host_role=HostRole.COMMITTEE_CHAIR,
        announced_on=held - datetime.timedelta(days=3),
        urgent=True,
        urgent_reason="Các hộ dừng thi công Quốc lộ 7 từ ngày "
        + incident.strftime("%d/%m")
        + "; cần đối thoại ngay để ổn định tình hình, không chờ đủ 7 ngày thông báo.",
        place="Nhà văn hóa xã Mường Xén",
        co_hosts=[w.orgs[f"party:{MUONG_XEN}"], w.orgs[f"front:{MUONG_XEN}"]],
    )
    _hold(
        w, dialogue, 92,
        "64 hộ đề nghị áp dụng đơn giá tài sản trên đất như đoạn tuyến giáp ranh, công khai biên "
        "bản kiểm đếm, bố trí tái định cư tại chỗ cho các hộ bị thu hồi hết đất ở.",
        "Chủ đầu tư điều chỉnh đơn giá tài sản trên đất; 38 hộ đồng ý nhận tiền bồi thường, tháo "
        "dỡ lều; Ủy ban nhân dân xã khảo sát phương án tái định cư tại chỗ cho 26 hộ còn lại.",
        held + datetime.timedelta(days=2),
    )  # fmt: skip
    price = services.commitment_add(
        actor=None, dialogue=dialogue, due_on=held + datetime.timedelta(days=7),
        responsible_name="Chủ đầu tư dự án nâng cấp Quốc lộ 7",
        text="Điều chỉnh đơn giá tài sản trên đất thống nhất với đoạn tuyến giáp ranh",
    )  # fmt: skip
    done = min(held + datetime.timedelta(days=5), w.today)
    services.commitment_keep(
        actor=None, commitment=price, done_on=done, today=w.today,
        evidence="Phương án bồi thường điều chỉnh đã niêm yết tại nhà văn hóa xã; biên bản "
        "niêm yết có xác nhận của Mặt trận xã.",
    )  # fmt: skip
    services.commitment_add(
        actor=None, dialogue=dialogue, due_on=held + datetime.timedelta(days=30),
        responsible_name="Chủ đầu tư dự án nâng cấp Quốc lộ 7",
        text="Chi trả tiền bồi thường đợt hai cho các hộ đã đồng ý",
    )  # fmt: skip
    services.commitment_add(
        actor=None, dialogue=dialogue, responsible=ppc, due_on=held + datetime.timedelta(days=45),
        text="Khảo sát, báo cáo phương án tái định cư tại chỗ cho 26 hộ chưa đồng thuận",
    )  # fmt: skip
