"""Dialogue and petitions at national scale on PostgreSQL (issue 14): the data set.

The generator adds, once (later runs reuse it), to the reporting benchmark's 34 provinces and
3,321 communes (bench/reporting.py makes them, each with its unit): 1,000,000 petitions received
from 1 November 2024 to the day before `DATA_TODAY` (25 months; fewer at weekends, a little more
each month), on the communes by a commune's activity (gamma-distributed), 5 % handled by the
province's unit; officers for every unit (a leader and a specialist per commune, a leader per
province); commune dialogue conferences (one a year) and the province units' direct dialogues,
with their commitments. Each petition's life is drawn as the daily work would have left it on
the morning of `DATA_TODAY` (the daily job having run every day before):

- accepted (petitions, feedback) or referred to the competent body (complaints, denunciations)
  a few working days after receipt (about 5 % after the 10-day acceptance deadline), refused
  (4 %), merged into an earlier petition of the same commune (1 %), or still waiting;
- settled in a share of the legal time (`deadlines.settlement_days`: 86 % in time, 10 % up to
  60 % late, 4 % long late), 5 % after an extension (`max_extension_days`);
- confirmed by the citizen within 25 days (35 %, 78 % of them satisfied), else closed by the
  daily job 31 days after settlement; open ones are received, accepted, in progress or referred.

Deadlines are computed with `danvan.dialogue.deadlines.add_working_days` (cached per start day
and number of days); event days (acceptance, settlement) step through the same working-day
calendar. 65 % of petitions have a `Petitioner` row and an encrypted text: a few values are
encrypted once and their ciphertexts reused (Fernet is slow per value); petitioners of cases
closed more than the retention time ago are erased (NULL fields, `erased_at`). Tracking codes
are drawn like `services.new_code` (unique). Rows are written with COPY in one transaction.
"""

from __future__ import annotations

import bisect
import datetime
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

DATA_TODAY = datetime.date(2026, 12, 4)
FIRST_DAY = datetime.date(2024, 11, 1)
PETITIONS = 1_000_000
SEED = 2014
BENCH_DOMAIN = "dialogue-bench.invalid"
PROVINCE_HANDLED = 0.05
PETITIONER_SHARE = 0.65
CHUNK = 50_000

KINDS = [("petition", 0.40), ("feedback", 0.38), ("complaint", 0.14), ("denunciation", 0.08)]
CHANNELS = [
    ("reception", 0.30), ("public_form", 0.30), ("letter", 0.20), ("hotline", 0.10),
    ("dialogue", 0.07), ("api", 0.03),
]  # fmt: skip
# Working days from receipt to acceptance, referral or refusal (the deadline is 10).
ACCEPT_DAYS = [(1, 0.10), (2, 0.15), (3, 0.15), (4, 0.13), (5, 0.12), (6, 0.10), (7, 0.08),
               (8, 0.06), (9, 0.04), (10, 0.02), (11, 0.03), (12, 0.02)]  # fmt: skip
SUMMARIES = {
    "land": ["Đề nghị xem xét bồi thường giải phóng mặt bằng dự án đường",
             "Phản ánh tranh chấp ranh giới đất giữa hai hộ",
             "Đề nghị cấp giấy chứng nhận quyền sử dụng đất"],
    "environment": ["Phản ánh ô nhiễm khói bụi từ xưởng sản xuất",
                    "Phản ánh rác thải tồn đọng ven đường liên xã"],
    "livelihood": ["Đề nghị hỗ trợ giống cây trồng sau thiên tai",
                   "Phản ánh giá vật tư nông nghiệp tăng cao"],
    "welfare": ["Đề nghị xem xét chế độ trợ cấp cho người cao tuổi",
                "Đề nghị hỗ trợ hộ nghèo sửa nhà"],
    "health": ["Phản ánh thái độ phục vụ tại trạm y tế xã"],
    "education": ["Đề nghị sửa chữa phòng học xuống cấp"],
    "order": ["Phản ánh tình trạng đua xe trái phép ban đêm"],
    "administration": ["Phản ánh chậm giải quyết thủ tục hành chính",
                       "Đề nghị công khai danh sách hỗ trợ"],
    "other": ["Kiến nghị sửa chữa đường giao thông nông thôn",
              "Đề nghị lắp đặt đèn chiếu sáng đường thôn"],
}  # fmt: skip
RESULT = "Ủy ban nhân dân xã đã trả lời bằng văn bản và tổ chức đối thoại với công dân."
REFUSAL = "Nội dung không thuộc thẩm quyền giải quyết; đã hướng dẫn công dân gửi đúng nơi."
EXTENSION = "Vụ việc phức tạp, cần xác minh thêm tại thực địa."
COMPETENT = ["Thanh tra tỉnh", "Ủy ban nhân dân tỉnh", "Tòa án nhân dân khu vực"]
PEOPLE = {
    "name": ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"],
    "phone": ["0912345678", "0987654321", "0904111222", "0365123456", "0833999888"],
    "email": ["an@example.vn", "", "cuong@example.vn", "", ""],
    "address": ["Thôn 1", "Thôn 2", "Xóm Đông", "Bản Pá", "Tổ dân phố 3"],
    "id_number": ["001090012345", "", "038085001122", "", "079188004455"],
}
TEXTS = [
    "Gia đình tôi đề nghị các cơ quan xem xét, giải quyết dứt điểm nội dung nêu trên.",
    "Kính đề nghị Ủy ban nhân dân xã kiểm tra và trả lời cho công dân được biết.",
    "Nhiều hộ dân trong thôn cùng có ý kiến như trên, đề nghị sớm giải quyết.",
]
PETITION_COLUMNS = [
    "id", "code", "public_id", "kind", "channel", "complexity", "remote_area", "second_level", "summary",
    "text", "received_on", "state", "due_on", "accepted_on", "settle_due",
    "competent_body_name", "refusal_reason", "referred_on", "settled_on", "result",
    "notice_sent_on", "published", "confirmation", "confirmed_on", "closed_on", "reopened",
    "created_at", "search_text", "area_id", "handler_id", "merged_into_id", "organization_id",
    "topic_id",
]  # fmt: skip
PETITIONER_COLUMNS = [
    "petition_id", "name", "phone", "email", "address", "id_number", "consent_version",
    "consent_at", "erased_at",
]  # fmt: skip
EXTENSION_COLUMNS = [
    "petition_id",
    "decided_on",
    "working_days",
    "previous_due",
    "new_due",
    "reason",
    "cycle",
]
NULL = "\\N"


@dataclass
class Generated:
    petitions: int
    petitioners: int
    extensions: int
    dialogues: int
    commitments: int
    officers: int
    communes: int
    states: dict[str, int]
    open_overdue: int
    seconds: float
    created: bool
    table_mb: float


def _copy(cursor: Any, table: str, columns: list[str], lines: list[str]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for begin in range(0, len(lines), CHUNK):
            copy.write("".join(lines[begin : begin + CHUNK]))


def _d(day: datetime.date | None) -> str:
    return day.isoformat() if day else NULL


def _pick(rng: np.random.Generator, table: list[tuple[Any, float]], n: int) -> np.ndarray:
    weights = np.array([w for _v, w in table])
    return rng.choice(len(table), size=n, p=weights / weights.sum())


class Calendar:
    """Working days (deadlines.is_working_day) as a sorted list: the n-th working day after a
    day is one bisect away. Deadlines themselves come from deadlines.add_working_days."""

    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        from danvan.dialogue import deadlines

        span = (last - first).days + 1
        days = (first + datetime.timedelta(days=i) for i in range(span))
        self.workdays = [d for d in days if deadlines.is_working_day(d)]
        self._due: dict[tuple[datetime.date, int], datetime.date] = {}
        self._add = deadlines.add_working_days

    def after(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after start (n ≥ 1)."""
        return self.workdays[bisect.bisect_right(self.workdays, start) + n - 1]

    def due(self, start: datetime.date, n: int) -> datetime.date:
        """A legal deadline: add_working_days, cached per (start, days)."""
        key = (start, n)
        if key not in self._due:
            self._due[key] = self._add(start, n)
        return self._due[key]


def _codes(rng: np.random.Generator, n: int) -> list[str]:
    from danvan.dialogue.services_intake import CODE_ALPHABET

    alphabet = np.array(list(CODE_ALPHABET))
    found: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        draw = alphabet[rng.integers(0, len(alphabet), size=(n - len(out), 8))]
        for row in draw:
            raw = "".join(row)
            code = f"KN-{raw[:4]}-{raw[4:]}"
            if code not in found:
                found.add(code)
                out.append(code)
    return out


def _officers(communes: list[tuple[int, int]], provinces: dict[int, int]) -> dict[int, int]:
    """A leader and a specialist per commune unit, a leader per province unit; returns each
    unit's handler (its specialist, or the province's leader)."""
    from django.contrib.auth.hashers import make_password

    from danvan.accounts.models import User
    from danvan.org.models import Membership, Role

    plan: list[tuple[int, str]] = [(org, Role.LEADER) for _a, org in communes]
    plan += [(org, Role.SPECIALIST) for _a, org in communes]
    plan += [(org, Role.LEADER) for org in sorted(set(provinces.values()))]
    unusable = make_password(None)  # they never sign in
    users = User.objects.bulk_create(
        User(email=f"{role}-{org}@{BENCH_DOMAIN}", full_name=f"Cán bộ {org}", password=unusable)
        for org, role in plan
    )
    Membership.objects.bulk_create(
        Membership(user=user, organization_id=org, role=role)
        for user, (org, role) in zip(users, plan, strict=True)
    )
    handler: dict[int, int] = {}
    for user, (org, role) in zip(users, plan, strict=True):
        if role == Role.SPECIALIST or org not in handler:
            handler[org] = user.pk
    return handler


def _dialogues(
    rng: np.random.Generator, communes: list[tuple[int, int]], provinces: list[int]
) -> tuple[int, int]:
    """A dialogue conference a year per commune unit, a direct dialogue a month per province
    unit (2025 and 2026), three commitments each."""
    from danvan.dialogue.models import Commitment, Dialogue

    rows: list[Dialogue] = []
    for year in (2025, 2026):
        for _area, org in communes:
            held = datetime.date(year, int(rng.integers(3, 12)), int(rng.integers(1, 28)))
            rows.append(_dialogue(org, "conference", "Hội nghị đối thoại với Nhân dân", held))
        for org in provinces:
            for month in range(1, 13):
                held = datetime.date(year, month, 15)
                if held < DATA_TODAY:
                    rows.append(_dialogue(org, "direct", "Đối thoại trực tiếp", held))
    dialogues = Dialogue.objects.bulk_create(rows, batch_size=2_000)
    commitments: list[Commitment] = []
    for dialogue in dialogues:
        if dialogue.status == "planned":
            continue
        for n in range(3):
            due = dialogue.held_on + datetime.timedelta(days=int(rng.integers(30, 180)))
            fate = rng.random()
            status, done = "open", None
            if due < DATA_TODAY and fate < 0.80:
                status, done = "kept", due - datetime.timedelta(days=int(rng.integers(0, 20)))
            elif due < DATA_TODAY and fate < 0.85:
                status = "not_kept"
            commitments.append(
                Commitment(
                    dialogue=dialogue,
                    text=f"Cam kết {n + 1}: giải quyết kiến nghị của Nhân dân",
                    responsible_id=dialogue.organization_id if n else None,
                    responsible_name="" if n else "Ủy ban nhân dân xã",
                    due_on=due,
                    status=status,
                    done_on=done,
                    evidence="Biên bản kiểm tra" if status == "kept" else "",
                )
            )
    Commitment.objects.bulk_create(commitments, batch_size=5_000)
    return len(dialogues), len(commitments)


def _dialogue(org: int, kind: str, title: str, held: datetime.date) -> Any:
    from danvan.dialogue.models import Dialogue

    done = held < DATA_TODAY
    return Dialogue(
        organization_id=org, kind=kind, title=title, held_on=held, host_role="committee_chair",
        place="Hội trường", announced_on=held - datetime.timedelta(days=10),
        participants=120 if done else None, status="published" if done else "planned",
        results="Kết quả đối thoại đã được công khai." if done else "",
        published_on=held + datetime.timedelta(days=5) if done else None,
    )  # fmt: skip


def _ciphers() -> dict[str, list[str]]:
    """A few values encrypted once (the fields' own keys); reused for every row."""
    from danvan.dialogue.models import Petition, Petitioner

    out = {}
    for name, values in PEOPLE.items():
        field: Any = Petitioner._meta.get_field(name)
        out[name] = [field.get_prep_value(v) or NULL for v in values]
    text: Any = Petition._meta.get_field("text")
    out["text"] = [text.get_prep_value(v) for v in TEXTS]
    return out


def table_mb() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relkind = 'r' "
            "AND c.relname IN ('dialogue_petition', 'dialogue_petitioner', 'dialogue_extension')"
        )
        row = cursor.fetchone()
    return round(float(row[0] or 0) / 2**20, 1) if row else 0.0


def existing() -> Generated | None:
    from danvan.accounts.models import User
    from danvan.dialogue.models import Commitment, Dialogue, Extension, Petition, Petitioner

    count = Petition.objects.count()
    if count < PETITIONS:
        if count:
            raise RuntimeError(f"{count:,} petitions in the bench database, not {PETITIONS:,}")
        return None
    return Generated(
        petitions=count,
        petitioners=Petitioner.objects.count(),
        extensions=Extension.objects.count(),
        dialogues=Dialogue.objects.count(),
        commitments=Commitment.objects.count(),
        officers=User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").count(),
        communes=Petition.objects.order_by().values("area").distinct().count(),
        states=_states(),
        open_overdue=Petition.objects.overdue(DATA_TODAY).count(),
        seconds=0.0,
        created=False,
        table_mb=table_mb(),
    )


def _states() -> dict[str, int]:
    from django.db.models import Count

    from danvan.dialogue.models import Petition

    rows = Petition.objects.order_by().values("state").annotate(n=Count("pk"))
    return {r["state"]: r["n"] for r in sorted(rows, key=lambda r: -r["n"])}


def generate() -> Generated:
    """The data set (once; reused when there). Expects Django set up on the bench database
    and the reporting benchmark's communes (`reporting.generate()`)."""
    found = existing()
    if found is not None:
        return found
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic():
        made = _generate()
    with connection.cursor() as cursor:
        for table in ("dialogue_petition", "dialogue_petitioner", "dialogue_extension"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    found = existing()
    assert found is not None
    found.seconds, found.created = time.perf_counter() - started, True
    found.dialogues, found.commitments = made
    return found


def _generate() -> tuple[int, int]:
    from django.conf import settings
    from django.db import connection

    from danvan.dialogue import deadlines
    from danvan.lib.text import fold
    from danvan.org.models import Area, AreaLevel, Organization
    from danvan.situation.models import Topic

    rng = np.random.default_rng(SEED)
    communes_q = Area.objects.filter(
        level=AreaLevel.COMMUNE, valid_to__isnull=True, code__startswith="Bc"
    ).order_by("pk")
    unit_of = dict(
        Organization.objects.filter(area__in=communes_q, depth=2).values_list("area_id", "pk")
    )
    communes = [(a, unit_of[a]) for a in communes_q.values_list("pk", flat=True)]
    org_paths = dict(Organization.objects.filter(depth__lte=2).values_list("pk", "path"))
    roots = {
        org_paths[pk][: Organization.steplen]: pk
        for pk in Organization.objects.filter(depth=1, area__code__startswith="Bp", area__valid_to__isnull=True)
        .values_list("pk", flat=True)
    }  # fmt: skip
    province_of = {org: roots[org_paths[org][: Organization.steplen]] for _a, org in communes}
    handler = _officers(communes, province_of)
    made = _dialogues(rng, communes, sorted(set(province_of.values())))
    topics = list(Topic.objects.filter(is_active=True).order_by("pk").values_list("pk", "code"))
    group = {code: code.split("-")[0] for _pk, code in topics}
    summaries = {
        pk: [(s, fold(s)) for s in SUMMARIES.get(group[code], SUMMARIES["other"])]
        for pk, code in topics
    }
    ciphers = _ciphers()
    calendar = Calendar(
        FIRST_DAY - datetime.timedelta(days=10), DATA_TODAY + datetime.timedelta(days=900)
    )
    days = [FIRST_DAY + datetime.timedelta(days=i) for i in range((DATA_TODAY - FIRST_DAY).days)]
    growth = np.linspace(0.8, 1.2, len(days))
    weekday = np.array([{5: 0.3, 6: 0.1}.get(d.weekday(), 1.0) for d in days])
    day_i = np.sort(rng.choice(len(days), size=PETITIONS, p=(w := growth * weekday) / w.sum()))
    activity = rng.gamma(shape=1.5, scale=1.0, size=len(communes))
    commune_i = rng.choice(len(communes), size=PETITIONS, p=activity / activity.sum())
    remote = rng.random(len(communes)) < 0.15
    kind_i = _pick(rng, [(k, w) for k, w in KINDS], PETITIONS)
    channel_i = _pick(rng, CHANNELS, PETITIONS)
    topic_i = rng.integers(0, len(topics), size=PETITIONS)
    accept_i = _pick(rng, ACCEPT_DAYS, PETITIONS)
    u = rng.random((PETITIONS, 8))
    ratio = np.where(u[:, 2] < 0.86, rng.uniform(0.3, 1.0, PETITIONS),
                     np.where(u[:, 2] < 0.96, rng.uniform(1.0, 1.6, PETITIONS),
                              rng.uniform(1.6, 6.0, PETITIONS)))  # fmt: skip
    confirm_after = rng.integers(1, 26, size=PETITIONS)
    person_i = rng.integers(0, len(PEOPLE["name"]), size=PETITIONS)
    seconds = rng.integers(7 * 3600, 17 * 3600, size=PETITIONS)
    codes = _codes(rng, PETITIONS)
    public_ids = ["DV" + c[3:].replace("-", "") for c in _codes(rng, PETITIONS)]  # drawn apart
    first_id = 1  # the table is empty (checked by `existing`)
    retention = DATA_TODAY - datetime.timedelta(days=settings.DANVAN_PETITIONER_RETENTION_DAYS)
    today, close_wait = DATA_TODAY, datetime.timedelta(days=31)
    last_in_commune: dict[int, int] = {}
    lines: list[str] = []
    people: list[str] = []
    extensions: list[str] = []
    accept_days = deadlines.acceptance_days()
    dsettle: Callable[..., int] = deadlines.settlement_days
    for n in range(PETITIONS):
        pid = first_id + n
        received = days[day_i[n]]
        area, unit = communes[commune_i[n]]
        org = province_of[unit] if u[n, 0] < PROVINCE_HANDLED else unit
        kind = KINDS[kind_i[n]][0]
        complexity = "complex" if u[n, 1] < 0.15 else "normal"
        is_remote = bool(remote[commune_i[n]])
        second = kind != "denunciation" and u[n, 3] < 0.03
        topic = topics[topic_i[n]][0]
        summary, folded = summaries[topic][n % len(summaries[topic])]
        fate = u[n, 4]
        accept_due = calendar.due(received, accept_days)
        act = calendar.after(received, ACCEPT_DAYS[accept_i[n]][0])
        state, due = "received", accept_due
        accepted = settle_due = referred = settled = notice = confirmed = closed = None
        refusal = result = competent = ""
        confirmation, published, who, merged = "", "f", NULL, NULL
        if fate < 0.002 and received < today - datetime.timedelta(days=30):
            act = today  # left waiting: overdue for acceptance
        if act >= today:
            pass
        elif fate < 0.042 and kind not in ("complaint", "denunciation"):
            state, refusal, closed = "refused", REFUSAL, act
        elif fate < 0.052 and kind in ("petition", "feedback") and area in last_in_commune:
            state, closed, merged = "merged", act, str(last_in_commune[area])
        else:
            days_ = dsettle(kind, complexity, remote_area=is_remote, second_level=second)
            if kind in ("complaint", "denunciation"):
                state, referred, competent = "referred", act, COMPETENT[n % len(COMPETENT)]
            else:
                accepted = act
                state = "in_progress" if u[n, 5] < 0.7 else "accepted"
            if state != "accepted":
                who = str(handler[org])
            settle_due = due = calendar.due(act, days_)
            allowed = days_ + (
                deadlines.max_extension_days(kind, complexity, remote_area=is_remote)
                if u[n, 6] < 0.05
                else 0
            )
            if allowed > days_:
                extra = allowed - days_
                decided = calendar.after(act, max(1, days_ // 2))
                if decided < today:
                    due = calendar.due(settle_due, extra)
                    extensions.append(
                        f"{pid}\t{decided}\t{extra}\t{settle_due}\t{due}\t{EXTENSION}\t0\n"
                    )
                else:
                    allowed = days_
            steps = max(1, round(float(ratio[n]) * allowed))
            if allowed > days_:  # settled after the extension was decided
                steps = max(steps, days_ // 2 + 1)
            done = calendar.after(act, steps)
            if done < today:
                state, settled, result = "settled", done, RESULT
                notice = done + datetime.timedelta(days=int(u[n, 7] * 3))
                notice = min(notice, today - datetime.timedelta(days=1))
                published = "f" if kind == "denunciation" or u[n, 7] > 0.85 else "t"
                confirm_day = done + datetime.timedelta(days=int(confirm_after[n]))
                if u[n, 5] < 0.35 and confirm_day < today:
                    state, confirmed, closed = "closed", confirm_day, confirm_day
                    confirmation = "satisfied" if u[n, 1] < 0.78 else "not_satisfied"
                elif done + close_wait < today:
                    state, closed = "closed", done + close_wait
        if state != "merged":
            last_in_commune[area] = pid
        has_person = u[n, 3] < PETITIONER_SHARE or CHANNELS[channel_i[n]][0] == "public_form"
        erased = has_person and closed is not None and closed < retention
        text = NULL
        if has_person:
            p = person_i[n]
            consent = f"{received}T{seconds[n] // 3600:02d}:00:00+07:00"
            if erased:
                gone = f"{closed + datetime.timedelta(days=731)}T02:00:00+07:00"  # type: ignore[operator]
                people.append(
                    f"{pid}\t{NULL}\t{NULL}\t{NULL}\t{NULL}\t{NULL}\t2026-01\t{consent}\t{gone}\n"
                )
            else:
                fields = "\t".join(
                    ciphers[f][p] for f in ("name", "phone", "email", "address", "id_number")
                )
                people.append(f"{pid}\t{fields}\t2026-01\t{consent}\t{NULL}\n")
                text = ciphers["text"][n % len(TEXTS)]
        created = f"{received}T{seconds[n] // 3600:02d}:{seconds[n] % 3600 // 60:02d}:00+07:00"
        lines.append(
            f"{pid}\t{codes[n]}\t{public_ids[n]}\t{kind}\t{CHANNELS[channel_i[n]][0]}\t{complexity}\t"
            f"{'t' if is_remote else 'f'}\t{'t' if second else 'f'}\t{summary}\t{text}\t"
            f"{received}\t{state}\t{due}\t{_d(accepted)}\t{_d(settle_due)}\t{competent}\t"
            f"{refusal}\t{_d(referred)}\t{_d(settled)}\t{result}\t{_d(notice)}\t{published}\t"
            f"{confirmation}\t{_d(confirmed)}\t{_d(closed)}\t0\t{created}\t{folded}\t{area}\t"
            f"{who}\t{merged}\t{org}\t{topic}\n"
        )
    with connection.cursor() as cursor:
        _copy(cursor, "dialogue_petition", PETITION_COLUMNS, lines)
        del lines
        _copy(cursor, "dialogue_petitioner", PETITIONER_COLUMNS, people)
        _copy(cursor, "dialogue_extension", EXTENSION_COLUMNS, extensions)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('dialogue_petition', 'id'), "
            "(SELECT max(id) FROM dialogue_petition))"
        )
    return made


def sample_codes(count: int, seed: int = SEED) -> tuple[list[str], list[str]]:
    """Existing codes of petitions the public may track (any state but denunciations), drawn
    at random, and as many well-formed codes that are not in the database."""
    from danvan.dialogue.models import Petition

    rng = np.random.default_rng(seed + 1)
    top = Petition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = [int(i) for i in rng.integers(1, top + 1, size=count * 3)]
    found = list(
        Petition.objects.filter(pk__in=ids)
        .exclude(kind="denunciation")
        .order_by("?")
        .values_list("code", flat=True)[:count]
    )
    candidates = _codes(rng, count * 2)
    taken = set(Petition.objects.filter(code__in=candidates).values_list("code", flat=True))
    missing = [c for c in candidates if c not in taken][:count]
    return found, missing


def overdue_by_kind() -> dict[str, int]:
    """What the daily job finds on DATA_TODAY, by reminder window."""
    from django.conf import settings

    from danvan.dialogue.models import Petition

    open_ = Petition.objects.open()
    before = datetime.timedelta(days=settings.DANVAN_REMINDER_DAYS_BEFORE)
    after = datetime.timedelta(days=settings.DANVAN_REMINDER_DAYS_AFTER)
    escalate = datetime.timedelta(days=settings.DANVAN_ESCALATION_DAYS)
    t = DATA_TODAY
    counts: dict[str, int] = defaultdict(int)
    counts["due_soon"] = open_.filter(due_on__gt=t - after, due_on__lte=t + before).count()
    counts["overdue"] = open_.filter(due_on__lte=t - after).count()
    counts["escalated"] = open_.filter(due_on__lte=t - escalate).count()
    return dict(counts)
