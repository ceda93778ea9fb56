"""The demo's petitions: a year of them in every state, and the cases the story needs (due
this week for xa, waiting past their deadlines, the ones told one by one in `demo_cases`, old
ones erased)."""

from __future__ import annotations

import datetime
import re

from danvan.org.models import Organization

from . import deadlines, services_intake, services_petitions, services_privacy
from .demo_cases import _extended, _linked, _merged, _not_satisfied, _reopened
from .demo_texts import (
    EXTENSIONS,
    PETITIONS,
    REFERRALS,
    REFUSALS,
)
from .demo_world import (
    KENG_DU,
    MUONG_XEN,
    MY_LY,
    NA_LOI,
    NAM_CAN,
    ON_TIME,
    OTHER_ON_TIME,
    OTHER_WEIGHT,
    PETITIONS_A_YEAR,
    REMOTE,
    ROAD_TOPICS,
    TOPIC_WEIGHTS,
    WEIGHTS,
    World,
    _accepted_for,
    _working_days_before,
    _working_on_or_after,
    _working_on_or_before,
)
from .models import (
    REFERRED_KINDS,
    Complexity,
    Confirmation,
    Petition,
    PetitionChannel,
    PetitionKind,
    PetitionState,
    Reception,
    RequestKind,
)

# --- Petitions -----------------------------------------------------------------------------


def _target(w: World, org: Organization) -> float:
    return ON_TIME.get(w.commune_of(org), OTHER_ON_TIME)


def _wants_on_time(w: World, org: Organization, due: datetime.date) -> bool:
    """On time or late so that the unit's share in each half year (of the deadline) stays near
    its target, whatever the draw: the scorecard shows half years."""
    settled, on_time = w.tally.get((org.pk, due.year, due.month > 6), [0, 0])
    return on_time < round(_target(w, org) * (settled + 1))


def _count(w: World, petition: Petition, due: datetime.date) -> None:
    tally = w.tally.setdefault((petition.organization_id, due.year, due.month > 6), [0, 0])
    tally[0] += 1
    tally[1] += int(bool(petition.settled_on_time))


def _petitions(w: World) -> None:
    """About 300 petitions over the last twelve months, each taken as far as its dates allow."""
    rng = w.rng
    weights = {code: WEIGHTS.get(code, OTHER_WEIGHT) for code in w.communes}
    total = sum(weights.values())
    entries = [(topic, entry) for topic, items in PETITIONS.items() for entry in items]
    chances = [TOPIC_WEIGHTS[topic] / len(PETITIONS[topic]) for topic, _entry in entries]
    others = [e for e in entries if e[0] not in ROAD_TOPICS]

    def received() -> datetime.date:
        return w.today - datetime.timedelta(days=rng.randint(0, 364))

    for code, weight in weights.items():
        for _n in range(round(PETITIONS_A_YEAR * weight / total)):
            if rng.random() < 0.08:
                kind, topic, summary, body, answer = rng.choice(REFERRALS)
                unit = "front" if body == "ppc" or rng.random() < 0.6 else "party"
                _file(w, w.orgs[f"{unit}:{code}"], code, topic, kind, summary, answer,
                      received(), body=body)  # fmt: skip
                continue
            topic, (kind, summary, result) = rng.choices(entries, chances)[0]
            if topic in ROAD_TOPICS and code != MUONG_XEN and rng.random() < 0.6:
                topic, (kind, summary, result) = rng.choice(others)
            roll = rng.random()
            unit = "ppc" if roll < 0.58 else "front" if roll < 0.9 else "party"
            _file(w, w.orgs[f"{unit}:{code}"], code, topic, kind, summary, result, received())
    # What citizens bring to the province's reception sessions, followed by the commission.
    codes = sorted(w.communes)
    for _n in range(12):
        topic, (kind, summary, result) = rng.choice(others)
        day = received()
        _file(w, w.orgs["province"], rng.choice(codes), topic, kind, summary, result, day,
              channel=PetitionChannel.RECEPTION)  # fmt: skip


def _file(
    w: World,
    org: Organization,
    code: str,
    topic: str,
    kind: str,
    summary: str,
    result: str,
    received: datetime.date,
    *,
    body: str = "",
    channel: str = "",
) -> Petition:
    """Record one petition on commune `code` and take it through its workflow up to today."""
    rng = w.rng
    front = org.kind.code == "fatherland_front"
    channels = (
        [PetitionChannel.LETTER, PetitionChannel.PUBLIC_FORM, PetitionChannel.HOTLINE,
         PetitionChannel.RECEPTION]
        if front
        else [PetitionChannel.RECEPTION, PetitionChannel.RECEPTION, PetitionChannel.LETTER,
              PetitionChannel.PUBLIC_FORM, PetitionChannel.HOTLINE, PetitionChannel.DIALOGUE]
    )  # fmt: skip
    channel = channel or rng.choice(channels)
    reception = dialogue = None
    if channel == PetitionChannel.RECEPTION and not front:
        reception = _reception_near(w, org, received)
        if reception is None:
            channel = PetitionChannel.LETTER
        else:
            received = reception.held_on
    elif channel == PetitionChannel.DIALOGUE:
        held = sorted(
            (d for d in w.dialogues.get(org.pk, []) if 0 <= (received - d.held_on).days <= 31),
            key=lambda d: d.held_on,
        )
        if held:
            dialogue = held[-1]
            received = dialogue.held_on
        else:
            channel = PetitionChannel.LETTER
    if channel != PetitionChannel.PUBLIC_FORM:
        received = _working_on_or_before(received)
    area = w.communes[code]
    if area.name.startswith("Phường"):  # a ward's petitions speak of the ward
        summary, result = (re.sub(r"\bxã(?! hội)\b", "phường", t) for t in (summary, result))
    if code == MY_LY and w.villages and rng.random() < 0.4:
        area = rng.choice(w.villages)
    anonymous = kind == PetitionKind.FEEDBACK and channel in (
        PetitionChannel.HOTLINE, PetitionChannel.PUBLIC_FORM
    ) and rng.random() < 0.4  # fmt: skip
    complex_ = (topic.startswith("land") and rng.random() < 0.4) or rng.random() < 0.08
    petition = services_intake.petition_create(
        actor=w.actor(org),
        organization=org,
        area=area,
        topic=w.topics[topic],
        kind=kind,
        channel=channel,
        summary=summary,
        text=f"{summary}. Kính đề nghị các cơ quan có thẩm quyền xem xét, giải quyết."
        if rng.random() < 0.5
        else "",
        received_on=received,
        complexity=Complexity.COMPLEX if complex_ else Complexity.NORMAL,
        remote_area=code in REMOTE,
        reception=reception,
        dialogue=dialogue,
        person=None if anonymous else w.person(code),
        consent=not anonymous,
        today=w.today,
    )
    if kind in REFERRED_KINDS:
        return _refer(w, petition, body, result)
    return _handle(w, petition, result)


def _reception_near(w: World, org: Organization, day: datetime.date) -> Reception | None:
    """A session of the unit up to a month before the day with cases left to link."""
    for reception in reversed(w.receptions.get(org.pk, [])):
        recent = reception.held_on <= day and (day - reception.held_on).days <= 31
        if recent and w.used[reception.pk] < reception.cases:
            w.used[reception.pk] += 1
            return reception
    return None


def _handle(w: World, petition: Petition, result: str) -> Petition:
    """Accept (or refuse), settle on time or late, and the citizen's word, as far as today."""
    rng, today = w.rng, w.today
    org = petition.organization
    actor = w.actor(org)
    slow = _target(w, org) < 0.8 and rng.random() < 0.3
    decided = deadlines.add_working_days(
        petition.received_on, rng.randint(11, 15) if slow else rng.randint(1, 7)
    )
    if decided > today:
        return petition  # still waiting to be accepted
    if rng.random() < 0.05:
        return services_petitions.petition_refuse(
            actor=actor, petition=petition, reason=rng.choice(REFUSALS), refused_on=decided,
            today=today,
        )  # fmt: skip
    petition = services_petitions.petition_accept(
        actor=actor, petition=petition, accepted_on=decided, handler=w.handlers.get(org.pk),
        today=today,
    )  # fmt: skip
    return _settle(w, petition, result, decided)


def _refer(w: World, petition: Petition, body: str, answer: str) -> Petition:
    """Complaints and denunciations go to the competent body; its answer is followed."""
    rng, today = w.rng, w.today
    referred = deadlines.add_working_days(petition.received_on, rng.randint(1, 6))
    if referred > today:
        return petition
    org = petition.organization
    competent = w.orgs[f"ppc:{w.commune_of(org)}"] if body == "ppc" else None
    petition = services_petitions.petition_refer(
        actor=w.actor(org), petition=petition, referred_on=referred, competent_body=competent,
        competent_body_name="" if competent else body, today=today,
        reason="Chuyển đơn đến cơ quan có thẩm quyền giải quyết theo quy định; Mặt trận theo dõi kết quả."
        if org.kind.code == "fatherland_front"
        else "Chuyển đơn đến cơ quan có thẩm quyền giải quyết.",
    )  # fmt: skip
    if rng.random() < 0.35:
        return petition  # the competent body has not answered yet
    return _settle(w, petition, answer, referred)


def _settle(w: World, petition: Petition, result: str, start: datetime.date) -> Petition:
    rng, today = w.rng, w.today
    org = petition.organization
    actor = w.actor(org)
    due = petition.due_on
    if _wants_on_time(w, org, due):
        # Most answers come in the first weeks, a few near the deadline.
        span = max(6, deadlines.working_days_between(start, due) - 1)
        settled = deadlines.add_working_days(start, round(rng.triangular(4, span, 10)))
    elif rng.random() < 0.2 and petition.state != PetitionState.REFERRED:
        # Late it would have been: the unit extended it in time, with the reason.
        decided = _working_days_before(due, rng.randint(2, 6))
        if decided > today or decided < start:
            return petition
        extension = services_petitions.petition_extend(
            actor=actor, petition=petition, working_days=rng.choice([10, 15]),
            reason=rng.choice(EXTENSIONS), decided_on=decided, today=today,
        )  # fmt: skip
        settled = _working_days_before(extension.new_due, rng.randint(0, 5))
    else:
        settled = _working_on_or_after(due + datetime.timedelta(days=rng.randint(3, 30)))
    if settled > today:
        return petition
    notice = min(settled + datetime.timedelta(days=rng.choice([0, 1, 2])), today)
    petition = services_petitions.petition_settle(
        actor=actor, petition=petition, result=result, settled_on=settled,
        notice_sent_on=notice, publish=petition.kind != PetitionKind.DENUNCIATION, today=today,
    )  # fmt: skip
    _count(w, petition, due)
    roll = rng.random()
    confirmed = settled + datetime.timedelta(days=rng.randint(1, 12))
    if roll < 0.5 and confirmed <= today:
        satisfied = rng.random() < (0.88 if _target(w, org) >= 0.85 else 0.65)
        return services_petitions.petition_confirm(
            actor=None, petition=petition, confirmed_on=confirmed,
            confirmation=Confirmation.SATISFIED if satisfied else Confirmation.NOT_SATISFIED,
        )  # fmt: skip
    closed = settled + datetime.timedelta(days=31)
    if closed <= today:  # the daily job closes what the citizen did not confirm in 30 days
        return services_petitions.petition_close(actor=None, petition=petition, closed_on=closed)
    return petition


# --- The petitions the story needs ---------------------------------------------------------


def _specials(w: World) -> None:
    today = w.today
    xa = w.users["xa"]
    front = w.orgs[f"front:{MUONG_XEN}"]
    # xa's: in progress, due this week (counted back from the due date by the law's clock).
    due = next(
        (d for d in (today + datetime.timedelta(days=n) for n in (2, 3, 4))
         if deadlines.is_working_day(d)),
        _working_on_or_after(today + datetime.timedelta(days=2)),
    )  # fmt: skip
    days = deadlines.settlement_days(PetitionKind.PETITION, Complexity.NORMAL, remote_area=True)
    accepted = _accepted_for(due, days)
    petition = services_intake.petition_create(
        actor=xa, organization=front, area=w.communes[MUONG_XEN], topic=w.topics["welfare"],
        kind=PetitionKind.PETITION, channel=PetitionChannel.RECEPTION,
        summary="Đề nghị hỗ trợ sửa chữa nhà ở cho hộ nghèo bị dột nát trước mùa mưa rét từ Quỹ "
        "Vì người nghèo", text="Nhà ở của gia đình bị dột nát, mái tôn thủng nhiều chỗ. Liên "
        "hệ: 0915 000 347.",
        received_on=_working_days_before(accepted, 2), remote_area=True,
        person=w.person(MUONG_XEN), consent=True, today=today,
    )  # fmt: skip
    petition = services_petitions.petition_accept(
        actor=xa, petition=petition, accepted_on=accepted, handler=xa, today=today
    )
    assert petition.due_on == due, (petition.due_on, due)
    # And one waiting to be accepted, sent on the public form.
    services_intake.petition_create(
        actor=None, organization=front, area=w.communes[MUONG_XEN],
        topic=w.topics["administration"], kind=PetitionKind.FEEDBACK,
        channel=PetitionChannel.PUBLIC_FORM,
        summary="Phản ánh bộ phận một cửa xã hẹn trả giấy chứng nhận quyền sử dụng đất nhiều "
        "lần nhưng chưa có kết quả",
        received_on=today - datetime.timedelta(days=1), remote_area=True,
        person=w.person(MUONG_XEN), consent=True, today=today,
    )  # fmt: skip
    # Na Loi's and Nậm Cắn's People's Committees let one wait past the acceptance deadline.
    for code, waited, summary in [
        (NA_LOI, 15, "Đề nghị sửa chữa bể chứa và đường ống nước sinh hoạt của bản bị hỏng"),
        (NAM_CAN, 12, "Đề nghị xác nhận đơn vay vốn hỗ trợ sản xuất cho hộ cận nghèo"),
    ]:
        services_intake.petition_create(
            actor=None, organization=w.orgs[f"ppc:{code}"], area=w.communes[code],
            topic=w.topics["livelihood" if code == NA_LOI else "welfare"],
            kind=PetitionKind.PETITION, channel=PetitionChannel.LETTER, summary=summary,
            received_on=_working_days_before(today, waited), remote_area=True,
            person=w.person(code), consent=True, today=today,
        )  # fmt: skip
    # And one Na Loi accepted but has let pass its settlement deadline.
    due = _working_on_or_before(today - datetime.timedelta(days=6))
    accepted = _accepted_for(due, days)
    petition = services_intake.petition_create(
        actor=None, organization=w.orgs[f"ppc:{NA_LOI}"], area=w.communes[NA_LOI],
        topic=w.topics["welfare"], kind=PetitionKind.PETITION, channel=PetitionChannel.LETTER,
        summary="Đề nghị giải quyết hồ sơ hưởng chế độ người có công còn tồn đọng",
        received_on=_working_days_before(accepted, 3), remote_area=True,
        person=w.person(NA_LOI), consent=True, today=today,
    )  # fmt: skip
    services_petitions.petition_accept(
        actor=None, petition=petition, accepted_on=accepted, today=today
    )
    # Being worked on by the officers who have accounts: xa, xa2, and tinh for the province.
    for key, code, topic, summary, weeks in [
        (
            f"front:{MUONG_XEN}",
            MUONG_XEN,
            "land-disputes",
            "Đề nghị Mặt trận xã hòa giải tranh chấp lối đi chung giữa các hộ ở khối 3",
            4,
        ),
        (
            f"front:{MY_LY}",
            MY_LY,
            "education",
            "Đề nghị hỗ trợ áo ấm, chăn màn cho học sinh bán trú điểm trường bản Huồi Cáng",
            3,
        ),
        (
            f"front:{MY_LY}",
            MY_LY,
            "welfare",
            "Đề nghị giám sát việc bình xét hộ nghèo tại bản Xốp Phe",
            6,
        ),
        (
            "province",
            KENG_DU,
            "disaster",
            "Đề nghị tỉnh hỗ trợ kè chống sạt lở đoạn đường liên bản sau mưa lũ",
            5,
        ),
        ("province", NA_LOI, "health", "Đề nghị đầu tư nâng cấp trạm y tế xã đã xuống cấp", 7),
    ]:
        org = w.orgs[key]
        received = _working_on_or_before(today - datetime.timedelta(weeks=weeks))
        reception = _reception_near(w, org, received) if key == "province" else None
        petition = services_intake.petition_create(
            actor=w.actor(org), organization=org, area=w.communes[code], topic=w.topics[topic],
            kind=PetitionKind.PETITION,
            channel=PetitionChannel.RECEPTION if reception or key != "province" else PetitionChannel.LETTER,
            reception=reception, received_on=reception.held_on if reception else received,
            summary=summary, remote_area=True, person=w.person(code), consent=True, today=today,
        )  # fmt: skip
        services_petitions.petition_accept(
            actor=w.actor(org), petition=petition, handler=w.handlers[org.pk], today=today,
            accepted_on=deadlines.add_working_days(petition.received_on, 2),
        )  # fmt: skip
    _merged(w)
    _reopened(w)
    _not_satisfied(w)
    _extended(w)
    _linked(w)


# --- Before the reform: old cases, their petitioners erased --------------------------------


def _old_cases(w: World) -> None:
    """Cases the old communes' Fronts closed in 2024: kept, the people's data past retention."""
    rng, today = w.rng, w.today
    for n in range(8):
        key = "old_front:16813" if n % 3 else "old_front:16852"
        org = w.orgs.get(key)
        if org is None:
            return
        topic, items = rng.choice([(t, PETITIONS[t]) for t in ("welfare", "livelihood", "health")])
        kind, summary, result = rng.choice(items)
        received = _working_on_or_before(datetime.date(2024, 2 + n % 5, 5 + 3 * n))
        petition = services_intake.petition_create(
            actor=None, organization=org, area=org.area, topic=w.topics[topic], kind=kind,
            channel=PetitionChannel.LETTER, summary=summary, received_on=received,
            remote_area=True, person=w.person(MUONG_XEN), consent=True, today=today,
        )  # fmt: skip
        accepted = deadlines.add_working_days(received, 3)
        services_petitions.petition_accept(
            actor=None, petition=petition, accepted_on=accepted, today=today
        )
        settled = deadlines.add_working_days(accepted, rng.randint(10, 25))
        services_petitions.petition_settle(
            actor=None, petition=petition, result=result, settled_on=settled,
            notice_sent_on=settled, today=today,
        )  # fmt: skip
        services_petitions.petition_confirm(
            actor=None, petition=petition, confirmation=Confirmation.SATISFIED,
            confirmed_on=settled + datetime.timedelta(days=7),
        )  # fmt: skip


def _data_request(w: World) -> None:
    """A citizen asks to erase their data from a case closed months ago; acknowledged."""
    admin = w.users["admin"]
    old = w.today - datetime.timedelta(days=150)
    petition = (
        Petition.objects.filter(
            state=PetitionState.CLOSED,
            closed_on__lte=old,
            petitioner__erased_at__isnull=True,
            petitioner__consent_at__isnull=False,
            kind=PetitionKind.PETITION,
        )
        .order_by("closed_on", "pk")
        .first()
    )
    if petition is None:
        return
    request = services_privacy.data_request_create(
        actor=admin, petition=petition, kind=RequestKind.ERASE,
        received_on=_working_days_before(w.today, 1), today=w.today,
        details="Công dân đề nghị xóa họ tên, số điện thoại và địa chỉ vì vụ việc đã kết thúc.",
    )  # fmt: skip
    services_privacy.data_request_acknowledge(actor=admin, request=request, acknowledged_on=w.today)
