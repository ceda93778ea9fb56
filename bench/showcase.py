"""The public showcase search over 100,000 practices, on PostgreSQL.

The issue's target: the showcase search answers in under 100 ms. Each measured run does what
the showcase view does for page 1: `Paginator(public_practices(...), 20).get_page(1)` (the
count query), then `list(page)` (the page query).

The bench database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/danvan_bench) is
created and filled once; later runs reuse it. Measured: the app as it is, then the app without
the indexes its migrations put on practices_practice for the showcase (dropped in a transaction
that is rolled back), to show what they buy.
Run by `make bench` (bench/run.py), or alone: `.venv/bin/python bench/showcase.py`.
"""

from __future__ import annotations

import atexit
import datetime
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/danvan_bench"
PRACTICES = 100_000
BATCH = 5_000
COMMUNES = 50
PAGE_SIZE = 20
WARMUP = 3
RUNS = 30
TARGET_MS = 100.0
SEED = 2026
ROOT_AREA_CODE = "BENCH"
BENCH_EMAIL = "bench@bench.invalid"
APP = "the app as it is"
NO_TRGM = "the app without its trigram index"
NO_INDEXES = "the app without its trigram and partial indexes"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START, END = "<!-- bench:showcase:start -->", "<!-- bench:showcase:end -->"

# The cases: what people type into the showcase (the view passes these to the selector).
CASES: list[tuple[str, dict[str, Any]]] = [
    ("common word «dân vận»", {"q": "dân vận"}),
    ("rare phrase «Mường Lống»", {"q": "Mường Lống"}),
    ("two words, no diacritics «giam ngheo»", {"q": "giam ngheo"}),
    ("field + query «an ninh»", {"q": "an ninh", "field": "defence_security"}),
    ("year 2024 + provincial level", {"year": 2024, "level": "province"}),
    ("empty query", {}),
]

# --- Word lists for the generated practices -------------------------------------------------

# Ordered from common to rare: practices pick a commune with weight 1/rank.
COMMUNE_NAMES = [
    "Tân Phú", "Hòa Bình", "An Khánh", "Phú Mỹ", "Đông Hưng", "Bình Minh", "Quang Trung",
    "Thạch Hà", "Yên Lạc", "Nghĩa Đàn", "Cẩm Xuyên", "Đức Thọ", "Hưng Nguyên", "Diễn Châu",
    "Quỳnh Lưu", "Thanh Chương", "Nam Đàn", "Đô Lương", "Anh Sơn", "Con Cuông", "Tương Dương",
    "Kỳ Sơn", "Quế Phong", "Quỳ Hợp", "Tân Kỳ", "Yên Thành", "Nghi Lộc", "Hương Khê",
    "Vũ Quang", "Can Lộc", "Lộc Hà", "Thiên Cầm", "Xuân Thành", "Hồng Lĩnh", "Cửa Lò",
    "Hoàng Mai", "Thái Hòa", "Châu Khê", "Tam Quang", "Mỹ Lý", "Na Ngoi", "Bảo Thắng",
    "Hữu Kiệm", "Tri Lễ", "Châu Bình", "Lượng Minh", "Keng Đu", "Bắc Lý", "Huồi Tụ",
    "Mường Lống",
]  # fmt: skip
TOPICS: list[tuple[str, str]] = [  # (field, topic)
    ("economy", "hiến đất làm đường"),
    ("economy", "giảm nghèo bền vững"),
    ("economy", "xây dựng nông thôn mới"),
    ("economy", "hỗ trợ sinh kế cho hộ nghèo"),
    ("economy", "phát triển kinh tế hộ gia đình"),
    ("economy", "liên kết sản xuất theo chuỗi giá trị"),
    ("economy", "giải phóng mặt bằng dự án"),
    ("economy", "chuyển đổi cơ cấu cây trồng"),
    ("culture_society", "dân vận khéo trong vận động nhân dân"),
    ("culture_society", "khu dân cư văn hóa kiểu mẫu"),
    ("culture_society", "tuyến đường nở hoa"),
    ("culture_society", "thắp sáng đường quê"),
    ("culture_society", "phân loại rác tại nguồn"),
    ("culture_society", "nước sạch nông thôn"),
    ("culture_society", "khuyến học, khuyến tài"),
    ("culture_society", "chăm sóc người cao tuổi"),
    ("culture_society", "ngôi nhà đại đoàn kết"),
    ("culture_society", "bảo vệ môi trường"),
    ("defence_security", "an ninh trật tự ở cơ sở"),
    ("defence_security", "camera an ninh khu dân cư"),
    ("defence_security", "tổ tự quản an ninh trật tự"),
    ("defence_security", "phòng, chống ma túy"),
    ("defence_security", "đoàn kết đồng bào có đạo"),
    ("defence_security", "ổn định tình hình vùng đồng bào dân tộc thiểu số"),
    ("political_system", "dân vận chính quyền"),
    ("political_system", "cải cách hành chính một cửa"),
    ("political_system", "chuyển đổi số ở cơ sở"),
    ("political_system", "đối thoại với nhân dân"),
    ("political_system", "hòa giải ở cơ sở"),
    ("political_system", "tiếp công dân"),
]
PREFIXES = {
    "model": ["Mô hình", "Mô hình điểm", "Mô hình «Dân vận khéo»"],
    "collective_example": ["Điển hình", "Tập thể điển hình", "Gương tập thể"],
    "individual_example": ["Gương điển hình", "Cá nhân điển hình"],
}
PLACES = ["xã", "thôn {n}, xã", "tổ dân phố số {n}, xã", "bản {n}, xã", "khối {n}, xã"]
SENTENCES = [
    "Trước đây, đường vào thôn hẹp, lầy lội về mùa mưa, việc đi lại của nhân dân rất khó khăn.",
    "Chi bộ đã lãnh đạo, chính quyền quản lý, Mặt trận và các đoàn thể cùng vào cuộc vận động.",
    "Cán bộ, đảng viên gương mẫu đi đầu, gặp gỡ từng hộ, lắng nghe và giải thích rõ lợi ích.",
    "Nhân dân tự nguyện hiến đất, góp ngày công và kinh phí, không để ai đứng ngoài cuộc.",
    "Kết quả được công khai tại nhà văn hóa để nhân dân cùng giám sát, cùng đánh giá.",
    "Số hộ nghèo giảm rõ rệt, thu nhập bình quân đầu người tăng so với năm trước.",
    "Mô hình được duy trì thường xuyên, có quy chế hoạt động và được nhân rộng ra các thôn.",
    "Tình hình an ninh trật tự ổn định, không có điểm nóng, không có khiếu kiện đông người.",
    "Tổ công tác dân vận phân công mỗi đảng viên phụ trách một nhóm hộ gia đình.",
    "Nguồn lực chủ yếu từ nhân dân đóng góp, ngân sách nhà nước hỗ trợ một phần.",
    "Qua thực hiện, mối quan hệ giữa cán bộ và nhân dân ngày càng gắn bó, tin tưởng.",
    "Việc sơ kết, tổng kết được thực hiện hằng năm để rút kinh nghiệm và nhân rộng.",
]
PERSON_NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hồ Văn Hải"]


@dataclass
class Generated:
    practices: int
    recognitions: int
    created: int  # practices created by this run (0: the data was already there)
    seconds: float
    table_mb: float
    public: int
    note: str  # how the data was generated, kept as a comment on the table


@dataclass
class Timing:
    label: str
    rows: int  # the count the showcase shows
    total: list[float] = field(default_factory=list)  # ms
    count: list[float] = field(default_factory=list)
    page: list[float] = field(default_factory=list)


@dataclass
class Measurement:
    name: str
    timings: list[Timing]
    plan_label: str = ""
    plan_part: str = ""
    plan: list[str] = field(default_factory=list)


@dataclass
class Report:
    date: str
    machine: dict[str, str]
    generated: Generated
    measurements: list[Measurement]
    indexes: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


# --- Database and Django ---------------------------------------------------------------------


def ensure_database(url: str) -> None:
    """Create the bench database if it is missing; stop with a hint if PostgreSQL is down."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The showcase benchmark runs on PostgreSQL; DATABASE_URL is {url!r}.")
    params = conninfo_to_dict(url)
    name = str(params.get("dbname") or "danvan_bench")
    try:
        with psycopg.connect(
            make_conninfo(url, dbname="postgres", connect_timeout=5), autocommit=True
        ) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}")
    except psycopg.OperationalError as exc:
        host, port = params.get("host", "127.0.0.1"), params.get("port", "5432")
        raise SystemExit(
            f"PostgreSQL is not answering on {host}:{port} ({str(exc).strip()}).\n"
            "Start it, e.g. `sudo service postgresql start` or "
            "`sudo pg_ctlcluster <version> main start` (Debian), then run `make bench` again;\n"
            "or point DATABASE_URL at a PostgreSQL server (user with CREATEDB)."
        ) from None


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "danvan.config.settings.base"
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    # Secret key, media and static of this process live in a throwaway folder.
    data_dir = tempfile.mkdtemp(prefix="danvan-bench-")
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ["DANVAN_DATA_DIR"] = data_dir
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    ensure_database(os.environ["DATABASE_URL"])

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


# --- The generator -------------------------------------------------------------------------


def _step(model: Any, number: int) -> str:
    """One treebeard path step (steplen characters of the model's alphabet) for a number."""
    alphabet: str = model.alphabet
    digits = ""
    while number:
        number, rest = divmod(number, len(alphabet))
        digits = alphabet[rest] + digits
    return digits.rjust(model.steplen, alphabet[0])


def _tree() -> tuple[Any, list[Any], Any, list[Any], Any]:
    """The province, its communes, the province commission, the communes' Front committees and
    the user who registered everything; created once, with treebeard paths set by hand."""
    from danvan.accounts.models import User
    from danvan.lib.text import fold
    from danvan.org.models import Area, AreaLevel, Organization, OrganizationKind

    user = User.objects.filter(email=BENCH_EMAIL).first() or User.objects.create_user(
        BENCH_EMAIL, None, full_name="Benchmark"
    )
    province = Area.objects.filter(code=ROOT_AREA_CODE, depth=1).first()
    if province is None:
        province = Area.objects.add_root(
            instance=Area(code=ROOT_AREA_CODE, name="Tỉnh Thử Nghiệm", level=AreaLevel.PROVINCE)
        )
        communes = []
        for i, name in enumerate(COMMUNE_NAMES, start=1):
            code = f"{ROOT_AREA_CODE}{i:02d}"
            communes.append(
                Area(
                    path=province.path + _step(Area, i),
                    depth=2,
                    numchild=0,
                    code=code,
                    name=f"Xã {name}",
                    level=AreaLevel.COMMUNE,
                    search_name=fold(f"Xã {name} {code}"),
                )
            )
        Area.objects.bulk_create(communes)
        Area.objects.filter(pk=province.pk).update(numchild=len(communes))

        commission = Organization.objects.add_root(
            instance=Organization(
                name="Ban Dân vận Tỉnh ủy Thử Nghiệm",
                abbreviation="BDV",
                kind=OrganizationKind.objects.get(code="mobilization_commission"),
                area=province,
            )
        )
        front = OrganizationKind.objects.get(code="fatherland_front")
        units = []
        for i, (commune, commune_name) in enumerate(zip(communes, COMMUNE_NAMES, strict=True), 1):
            name = f"Ủy ban MTTQ Việt Nam xã {commune_name}"
            units.append(
                Organization(
                    path=commission.path + _step(Organization, i),
                    depth=2,
                    numchild=0,
                    name=name,
                    abbreviation="MTTQ",
                    kind=front,
                    area=commune,
                    search_name=fold(f"{name} MTTQ"),
                )
            )
        Organization.objects.bulk_create(units)
        Organization.objects.filter(pk=commission.pk).update(numchild=len(units))
    communes = list(Area.objects.filter(path__startswith=province.path, depth=2).order_by("path"))
    commission = Organization.objects.get(area=province, depth=1)
    units = list(Organization.objects.filter(path__startswith=commission.path, depth=2))
    unit_of = {unit.area_id: unit for unit in units}
    return province, communes, commission, [unit_of[c.pk] for c in communes], user


def _date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def generate(today: datetime.date) -> Generated:
    """100,000 practices (about 40% recognised or commended, 70% of those public) and the
    recognition decisions behind them; only what is missing is created."""
    from django.db import connection, transaction

    from danvan.lib.text import fold
    from danvan.practices.models import Practice, PracticeStatus, Recognition

    started = time.perf_counter()
    created = 0
    recognitions = 0
    with transaction.atomic():
        _province, communes, commission, units, user = _tree()
        missing = PRACTICES - Practice.objects.count()
        rng = random.Random(SEED + missing)
        weights = [1 / rank for rank in range(1, len(communes) + 1)]
        first_day = datetime.date(2016, 1, 1)
        while missing > 0:
            batch: list[Practice] = []
            decided: list[tuple[Practice, int, bool]] = []  # practice, commune index, commended
            for _ in range(min(BATCH, missing)):
                index = rng.choices(range(len(communes)), weights)[0]
                kind = rng.choices(list(PREFIXES), [5, 3, 2])[0]
                field_, topic = rng.choice(TOPICS)
                place = rng.choice(PLACES).format(n=rng.randint(1, 15))
                name = f"{rng.choice(PREFIXES[kind])} {topic} ở {place} {COMMUNE_NAMES[index]}"
                if rng.random() < 0.3:
                    name += f" giai đoạn {rng.randint(2016, 2024)}–{rng.randint(2025, 2030)}"
                roll = rng.random()
                status = (
                    PracticeStatus.RECOGNISED if roll < 0.32 else
                    PracticeStatus.COMMENDED if roll < 0.40 else
                    PracticeStatus.UNDER_APPRAISAL if roll < 0.55 else
                    PracticeStatus.NOT_RECOGNISED if roll < 0.62 else
                    PracticeStatus.REGISTERED
                )  # fmt: skip
                recognised = roll < 0.40
                registered = _date(rng, first_day, today - datetime.timedelta(days=30))
                individual = kind == "individual_example"
                practice = Practice(
                    kind=kind,
                    name=name,
                    search_text=fold(name)[:600],  # bulk_create skips save()
                    field=field_,
                    organization=units[index],
                    area=communes[index],
                    situation=" ".join(rng.sample(SENTENCES, 3)),
                    objectives=" ".join(rng.sample(SENTENCES, 2)),
                    content_method=" ".join(rng.sample(SENTENCES, 4)),
                    outputs=" ".join(rng.sample(SENTENCES, 2)),
                    budget_dong=rng.randint(0, 2_000) * 1_000_000,
                    workdays=rng.randint(0, 5_000),
                    person_name=rng.choice(PERSON_NAMES) if individual else "",
                    consent_recorded_on=registered if individual else None,
                    status=status,
                    is_public=rng.random() < (0.7 if recognised else 0.1),
                    registered_on=registered,
                    registered_by=user,
                )
                batch.append(practice)
                if recognised:
                    decided.append((practice, index, status == PracticeStatus.COMMENDED))
            Practice.objects.bulk_create(batch)
            rows: list[Recognition] = []
            for practice, index, commended in decided:
                province_level = rng.random() < 0.3
                on = _date(rng, max(practice.registered_on, datetime.date(2016, 1, 1)), today)
                rows.append(
                    Recognition(
                        practice=practice,
                        level="province" if province_level else "commune",
                        decision_number=f"{rng.randint(1, 999)}/QĐ-{'BDVTU' if province_level else 'UBND'}",
                        decided_on=on,
                        decided_by=commission if province_level else units[index],
                        recorded_by=user,
                    )
                )
                if commended:
                    rows.append(
                        Recognition(
                            practice=practice,
                            kind="commendation",
                            level="province",
                            decision_number=f"{rng.randint(1, 999)}/QĐ-BDVTU",
                            decided_on=_date(rng, on, today),
                            decided_by=commission,
                            recorded_by=user,
                        )
                    )
            Recognition.objects.bulk_create(rows)
            created += len(batch)
            recognitions += len(rows)
            missing -= len(batch)
            print(f"  generated {created:,} practices", flush=True)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        # Fresh statistics (and visibility map) for the planner.
        cursor.execute("VACUUM ANALYZE" if created else "ANALYZE")
        cursor.execute("SELECT pg_total_relation_size('practices_practice')")
        size = cursor.fetchone()
        # The generation, remembered by the bench database for the runs that reuse it.
        if created:
            note = f"danvan bench: {created:,} practices generated in {seconds:.1f} s on {today}"
            cursor.execute(f"COMMENT ON TABLE practices_practice IS '{note}'")
        cursor.execute("SELECT obj_description('practices_practice'::regclass, 'pg_class')")
        comment = cursor.fetchone()
    return Generated(
        practices=Practice.objects.count(),
        recognitions=Recognition.objects.count(),
        created=created,
        seconds=seconds,
        table_mb=(size[0] if size else 0) / 2**20,
        public=Practice.objects.public().count(),
        note=str(comment[0]) if comment and comment[0] else "",
    )


# --- The measurement -------------------------------------------------------------------------


def _once(kwargs: dict[str, Any]) -> tuple[float, float, int]:
    """What the showcase view does for page 1; (count ms, page ms, count)."""
    from django.core.paginator import Paginator

    from danvan.practices.selectors import public_practices

    started = time.perf_counter()
    page = Paginator(public_practices(**kwargs), PAGE_SIZE).get_page(1)  # the count query
    counted = time.perf_counter()
    rows = list(page)  # the page query
    done = time.perf_counter()
    assert len(rows) <= PAGE_SIZE
    return (counted - started) * 1000, (done - counted) * 1000, page.paginator.count


def measure_case(label: str, kwargs: dict[str, Any]) -> Timing:
    for _ in range(WARMUP):
        _once(kwargs)
    timing = Timing(label=label, rows=0)
    for _ in range(RUNS):
        count_ms, page_ms, rows = _once(kwargs)
        timing.count.append(count_ms)
        timing.page.append(page_ms)
        timing.total.append(count_ms + page_ms)
        timing.rows = rows
    return timing


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def explain(kwargs: dict[str, Any], part: str) -> list[str]:
    """EXPLAIN ANALYZE of the count or the page query of a case, as the view sends it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _once(kwargs)
    sql = captured.captured_queries[0 if part == "count" else 1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def _measure(name: str) -> Measurement:
    print(f"measuring: {name}", flush=True)
    timings = []
    for label, kwargs in CASES:
        timing = measure_case(label, kwargs)
        print(
            f"  {label:<40} p50 {p50(timing.total):7.1f} ms  p95 {p95(timing.total):7.1f} ms"
            f"  (count {p50(timing.count):6.1f}, page {p50(timing.page):6.1f}; {timing.rows:,} found)",
            flush=True,
        )
        timings.append(timing)
    slowest = max(range(len(CASES)), key=lambda i: p50(timings[i].total))
    part = "count" if p50(timings[slowest].count) >= p50(timings[slowest].page) else "page"
    plan = explain(CASES[slowest][1], part)
    print(f"  slowest: {CASES[slowest][0]} ({part} query): {plan[0].strip()}", flush=True)
    return Measurement(name, timings, CASES[slowest][0], part, plan)


def app_indexes() -> list[tuple[str, str]]:
    """The indexes on practices_practice, as the app's migrations made them: (name, definition)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE schemaname = current_schema() AND tablename = 'practices_practice'"
            " ORDER BY indexname"
        )
        return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


def measure(name: str, without: list[str] | None = None) -> Measurement:
    """Measure the showcase; `without`: indexes dropped for the measurement, in a transaction
    rolled back after it (PostgreSQL's DDL is transactional), so the schema stays the app's."""
    from django.db import connection, transaction

    if not without:
        return _measure(name)
    with transaction.atomic():
        with connection.cursor() as cursor:
            for index in without:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(index)}")
        try:
            return _measure(name)
        finally:
            transaction.set_rollback(True)


# --- The machine and the record --------------------------------------------------------------


def cpu_model() -> str:
    """The processor's name from /proc/cpuinfo, for the record of a measurement."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def machine() -> dict[str, str]:
    from django.db import connection

    cpu = cpu_model()
    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=True)  # noqa: S607
        memory = free.stdout.splitlines()[1].split()[1]
    except (OSError, subprocess.CalledProcessError, IndexError):
        memory = "unknown"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()
        settings = {}
        for name in ("shared_buffers", "work_mem", "jit"):
            cursor.execute(f"SHOW {name}")
            value = cursor.fetchone()
            settings[name] = str(value[0]) if value else "?"
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "memory": memory,
        "cpu": cpu,
        "postgresql": str(version[0]).split(" ")[0] if version else "unknown",
        "postgresql_settings": ", ".join(f"{k} {v}" for k, v in settings.items()),
        "python": sys.version.split()[0],
    }


def run() -> Report:
    """Set up, generate, measure the app with and without its showcase indexes; the report."""
    started = time.perf_counter()
    setup_django()
    from django.utils import timezone

    today = timezone.localdate()
    print(f"generating {PRACTICES:,} practices (once; reused after)", flush=True)
    generated = generate(today)
    print(
        f"  {generated.practices:,} practices ({generated.public:,} on the showcase), "
        f"{generated.recognitions:,} recognitions, {generated.table_mb:.0f} MB; "
        f"{generated.created:,} created in {generated.seconds:.1f} s",
        flush=True,
    )
    indexes = app_indexes()
    trigram = [name for name, definition in indexes if "gin_trgm_ops" in definition]
    partial = [name for name, definition in indexes if " WHERE " in definition]
    measurements = [measure(APP)]
    if trigram:
        measurements.append(measure(NO_TRGM, trigram))
    if partial:
        measurements.append(measure(NO_INDEXES, trigram + partial))
    for other in measurements[1:]:
        for a, b in zip(measurements[0].timings, other.timings, strict=True):
            if a.rows != b.rows:
                print(f"warning: {other.name} finds {b.rows:,}, the app {a.rows:,}: {a.label}")
    report = Report(
        date=today.isoformat(),
        machine=machine(),
        generated=generated,
        measurements=measurements,
        indexes=indexes,
    )
    report.seconds = time.perf_counter() - started
    return report


def overall(measurement: Measurement) -> list[float]:
    return [ms for timing in measurement.timings for ms in timing.total]


def is_met(measurement: Measurement) -> bool:
    """The target holds when every query's p50 (hence the overall p50) is under 100 ms."""
    return all(p50(t.total) < TARGET_MS for t in measurement.timings)


def verdict(measurement: Measurement) -> str:
    worst = max(p50(t.total) for t in measurement.timings)
    return (
        ("met" if is_met(measurement) else "NOT met")
        + f" (overall p50 {p50(overall(measurement)):.1f} ms, p95 {p95(overall(measurement)):.1f}"
        + f" ms; slowest query p50 {worst:.1f} ms)"
    )


def summary(report: Report) -> str:
    lines = []
    for measurement in report.measurements:
        lines.append(f"- {measurement.name}: {verdict(measurement)}")
    return "\n".join(lines)


def markdown(report: Report) -> str:
    m, g = report.machine, report.generated
    out = [
        START,
        f"Measured {report.date} by `make bench` (bench/showcase.py); the whole run took "
        f"{report.seconds:.0f} s.",
        "",
        f"- Machine: {m['nproc']} CPUs (`nproc`), {m['memory']} memory (`free -h` total), "
        f"{m['cpu']}; Python {m['python']}",
        f"- PostgreSQL {m['postgresql']} on 127.0.0.1, default configuration "
        f"({m['postgresql_settings']})",
        f"- Data: {g.practices:,} practices ({g.public:,} on the showcase: recognised or "
        f"commended, and public), {g.recognitions:,} recognitions, 50 communes; "
        f"practices table {g.table_mb:.0f} MB with indexes",
        (
            f"- Generator: {g.created:,} practices created in {g.seconds:.1f} s "
            f"(bulk_create, batches of {BATCH:,}, then VACUUM ANALYZE)"
            if g.created
            else f"- Generator: this run reused the data; {g.note.removeprefix('danvan bench: ')}"
        ),
        f"- Each run: `Paginator(public_practices(...), {PAGE_SIZE}).get_page(1)` (count query), "
        f"`list(page)` (page query); {WARMUP} warm-up runs, then {RUNS} measured, per query.",
        "- Indexes on practices_practice (from the app's migrations): "
        + ", ".join(f"`{name}`" for name, _definition in report.indexes)
        + "; those the «without» rows drop (in a transaction rolled back after the "
        "measurement, so the database keeps the app's schema):",
        *(
            f"  `{definition}`;"
            for _name, definition in report.indexes
            if "gin_trgm_ops" in definition or " WHERE " in definition
        ),
        "",
        f"| measured | overall p50 ms | overall p95 ms | slowest query p50 ms | target < {TARGET_MS:.0f} ms |",
        "|---|--:|--:|--:|---|",
    ]
    for measurement in report.measurements:
        every = overall(measurement)
        worst = max(p50(t.total) for t in measurement.timings)
        out.append(
            f"| {measurement.name} | {p50(every):.1f} | {p95(every):.1f} | {worst:.1f} "
            f"| {'met' if is_met(measurement) else 'not met'} |"
        )
    out.append("")
    for measurement in report.measurements:
        out += [
            f"#### {measurement.name[0].upper()}{measurement.name[1:]}",
            "",
            "| query | found | p50 ms | p95 ms | count p50 | page p50 |",
            "|---|--:|--:|--:|--:|--:|",
        ]
        for t in measurement.timings:
            out.append(
                f"| {t.label} | {t.rows:,} | {p50(t.total):.1f} | {p95(t.total):.1f} "
                f"| {p50(t.count):.1f} | {p50(t.page):.1f} |"
            )
        every = overall(measurement)
        out += [
            f"| **overall** | | **{p50(every):.1f}** | **{p95(every):.1f}** | | |",
            "",
            f"Target (p50 < {TARGET_MS:.0f} ms): **{verdict(measurement)}**.",
            "",
            f"Slowest: {measurement.plan_label}, its {measurement.plan_part} query — "
            "`EXPLAIN (ANALYZE, BUFFERS)`:",
            "",
            "```",
            *(line if len(line) <= 160 else line[:159] + "…" for line in measurement.plan),
            "```",
            "",
        ]
    out.append(END)
    return "\n".join(out)


def replace_block(path: Path, start: str, end: str, block: str, heading: str) -> None:
    """Replace the generated block between the markers in RESULTS.md; the text around it is
    kept. Without the markers, the block is added at the end under `heading`."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n" + block + "\n"
    path.write_text(text)


def write_results(report: Report, path: Path = RESULTS) -> None:
    replace_block(path, START, END, markdown(report), "Public showcase search")


def main() -> int:
    report = run()
    write_results(report)
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
