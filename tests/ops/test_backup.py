"""Backups and restores: the manifest, rotation, encryption, the refusals, and the drill.

The drill (the acceptance test) runs the real commands in subprocesses on a fresh data folder:
migrate (the empty install is kept aside), demo, backup, wipe (back to that empty install: a
second migrate would give the same database in 30 to 45 seconds more), restore, compare every
table's rows and every media file's checksum, then a second round from an encrypted archive
over a non-empty install with --force, and the demo accounts sign in. It runs on the engine of
the pass: SQLite when DATABASE_URL is unset, PostgreSQL (a database of its own) when it is
postgres://.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

import danvan
from danvan.ops import backup, backup_crypto, backup_restore, heartbeat
from danvan.org.models import OrganizationKind

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))


# SQLite's online backup cannot read a database whose own connection holds the write lock,
# as a test's transaction does: tests that back up commit, and the seeded rows come back after.
backs_up = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def place(db: None, settings: Any, tmp_path: Path) -> Path:
    """Backups and media in a folder of the test's own; no key unless a test sets one."""
    settings.DANVAN_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DANVAN_BACKUP_KEY = ""
    settings.DANVAN_BACKUP_KEEP = 14
    return tmp_path


def make_backup(**options: Any) -> Path:
    out = io.StringIO()
    call_command("backup", stdout=out, stderr=io.StringIO(), **options)
    return Path(out.getvalue().strip().splitlines()[-1])


def restore(path: Path, *args: str, **options: Any) -> backup_restore.RestoreRefused:
    with pytest.raises(backup_restore.RestoreRefused) as refused:
        call_command("restore", str(path), "--yes", *args, stdout=io.StringIO(), **options)
    return refused.value


def read_archive(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]


def write_archive(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def edit_manifest(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    members = read_archive(path)
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    write_archive(path, members)


# ---------------------------------------------------------------- the manifest


@backs_up
def test_backup_writes_one_archive_with_its_manifest(place: Path) -> None:
    upload = place / "media" / "programs" / "signed" / "quyết định 12.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.7 signed")

    path = make_backup()

    assert path.parent == place / "backups"
    assert backup.ARCHIVE_RE.match(path.name)
    assert path.name.endswith(f"-{danvan.__version__}.tar.gz")
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left behind
    members = read_archive(path)
    assert list(members) == [
        f"database.{'pgdump' if ON_POSTGRES else 'sqlite3'}",
        "media/programs/signed/quyết định 12.pdf",
        "manifest.json",
    ]
    manifest = json.loads(members["manifest.json"])
    assert manifest["danvan_version"] == danvan.__version__
    assert manifest["engine"] == connection.vendor
    assert manifest["migrations"] == backup.code_migrations()
    assert "ops" in manifest["migrations"]
    assert datetime.datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    # Every model's table is counted, many-to-many and history tables included.
    assert backup.model_tables() <= set(manifest["tables"])
    assert "org_historicalorganization" in manifest["tables"]
    assert any(t.startswith("accounts_user_") for t in manifest["tables"])  # groups, permissions
    assert manifest["tables"]["org_organizationkind"] == OrganizationKind.objects.count() > 0
    for name, data in members.items():
        if name != "manifest.json":
            assert manifest["files"][name] == {
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
    beat = heartbeat.last("backup")
    assert beat is not None
    assert beat.detail == {"file": path.name, "bytes": path.stat().st_size}


def test_backup_gives_up_on_a_locked_database(
    place: Path, monkeypatch: pytest.MonkeyPatch, tinh: Any
) -> None:
    """Inside a transaction that wrote, SQLite's backup waits on itself: it must not hang."""
    if ON_POSTGRES:
        pytest.skip("PostgreSQL dumps a snapshot: nothing waits")
    monkeypatch.setattr(backup, "SQLITE_LOCK_SECONDS", 0)
    with pytest.raises(CommandError):
        make_backup()
    assert not list((place / "backups").iterdir())


@backs_up
def test_backup_output_folder(place: Path) -> None:
    path = make_backup(output=place / "elsewhere")
    assert path.parent == place / "elsewhere"
    assert not (place / "backups").exists()


def test_fresh_install_counts_as_empty(db: None) -> None:
    """Only the rows the migrations seed: keeps backup.SEEDED_TABLES true."""
    assert backup_restore.database_contents() == []


# ---------------------------------------------------------------- rotation


def test_rotation_keeps_the_newest_archives_and_nothing_else(tmp_path: Path) -> None:
    names = [
        "danvan-20260101T000000Z-0.1.0.tar.gz",
        "danvan-20260102T000000Z-0.1.0.tar.gz.enc",
        "danvan-20260103T000000Z-0.2.0.tar.gz",
        "danvan-20260104T000000Z-0.1.0.tar.gz",
    ]
    others = [
        "notes.txt",
        "danvan-latest.tar.gz",
        ".danvan-20260105T000000Z-0.1.0.tar.gz.partial-1",
    ]
    for name in names + others:
        (tmp_path / name).write_bytes(b"x")

    deleted = backup.rotate(tmp_path, 2)

    assert sorted(p.name for p in deleted) == names[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:] + others)
    assert backup.rotate(tmp_path, 0) == []  # below 1 keeps everything


@backs_up
def test_backup_rotates_its_folder(place: Path) -> None:
    first = backup.create_backup(now=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), keep=2)
    second = backup.create_backup(now=datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC), keep=2)
    third = backup.create_backup(now=datetime.datetime(2026, 1, 3, tzinfo=datetime.UTC), keep=2)

    assert third.deleted == [first.path]
    assert sorted((place / "backups").iterdir()) == [second.path, third.path]


@backs_up
def test_a_stopped_backup_leaves_no_dump_behind(
    place: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """systemctl stop, the unit's timeout or a shutdown send SIGTERM while the dump (never
    encrypted) is staged beside the archive being written: the command cleans up and ends."""
    add_file = backup._add_file
    seen: list[str] = []

    def stopped(tar: Any, path: Path, arcname: str) -> Any:
        seen.extend(p.name for p in (place / "backups").iterdir())
        os.kill(os.getpid(), signal.SIGTERM)  # as systemd would, mid-archive
        return add_file(tar, path, arcname)

    monkeypatch.setattr(backup, "_add_file", stopped)
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stop:
        make_backup()
    assert stop.value.code == 128 + signal.SIGTERM
    assert any(n.startswith(".danvan-backup-") for n in seen)  # the dump was there
    assert any(".partial-" in n for n in seen)  # and the archive begun
    assert list((place / "backups").iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is before  # given back


@backs_up
def test_the_next_backup_removes_what_a_killed_one_left(place: Path) -> None:
    folder = place / "backups"
    stale = [
        folder / ".danvan-backup-k1ll3d",
        folder / ".danvan-20260101T000000Z-1.tar.gz.partial-4242",
    ]
    running = folder / ".danvan-backup-runn1ng"  # another backup, writing now
    for entry in (stale[0], running):
        entry.mkdir(parents=True)
        (entry / "database.sqlite3").write_bytes(b"SQLite format 3\0 every petitioner")
    stale[1].write_bytes(b"half an archive")
    (folder / "notes.txt").write_text("the administrator's")
    hours_ago = time.time() - 7 * 3600
    for path in [*stale, stale[0] / "database.sqlite3", folder / "notes.txt"]:
        os.utime(path, (hours_ago, hours_ago))

    made = backup.create_backup()

    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([".danvan-backup-runn1ng", "notes.txt", made.path.name])


# ---------------------------------------------------------------- encryption


@pytest.mark.parametrize("size", [0, 1, 64, 65, 64 * 5, 64 * 5 + 17])
def test_encryption_round_trip(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.setattr(backup_crypto, "CHUNK", 64)
    plain = secrets.token_bytes(size)
    sealed = io.BytesIO()
    writer = backup_crypto.EncryptingWriter(sealed, "correct horse")
    for start in range(0, size, 7):  # written in uneven pieces
        writer.write(plain[start : start + 7])
    writer.close()

    assert size < 16 or plain not in sealed.getvalue()  # a short one may occur by chance
    reader = backup_crypto.DecryptingReader(io.BytesIO(sealed.getvalue()), "correct horse")
    assert reader.read(5) + reader.read() == plain


def sealed_chunks(monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    monkeypatch.setattr(backup_crypto, "CHUNK", 64)
    sealed = io.BytesIO()
    writer = backup_crypto.EncryptingWriter(sealed, "k")
    writer.write(bytes(range(200)))
    writer.close()
    start = backup_crypto.HEADER_BYTES + backup_crypto.TAG
    return sealed.getvalue()[:start], sealed.getvalue()[start:]


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda c: c[:70] + bytes([c[70] ^ 1]) + c[71:], id="flipped"),
        pytest.param(lambda c: c[:160], id="truncated-at-a-chunk"),
        pytest.param(lambda c: c[:100], id="truncated-inside"),
        pytest.param(lambda c: c[80:160] + c[:80] + c[160:], id="reordered"),
        pytest.param(lambda c: c[:80] + c[160:], id="dropped"),
        pytest.param(lambda c: c + c[-16:], id="appended"),
    ],
)
def test_encryption_refuses_tampering(
    monkeypatch: pytest.MonkeyPatch, tamper: Callable[[bytes], bytes]
) -> None:
    head, chunks = sealed_chunks(monkeypatch)
    reader = backup_crypto.DecryptingReader(io.BytesIO(head + tamper(chunks)), "k")
    with pytest.raises(backup_crypto.DecryptionError):
        reader.read()


def test_encryption_tells_a_wrong_key(monkeypatch: pytest.MonkeyPatch) -> None:
    head, chunks = sealed_chunks(monkeypatch)
    with pytest.raises(backup_crypto.WrongKeyError):
        backup_crypto.DecryptingReader(io.BytesIO(head + chunks), "not k")


@backs_up
def test_encrypted_backup_opens_only_with_its_key(place: Path, settings: Any) -> None:
    settings.DANVAN_BACKUP_KEY = "a long passphrase"
    path = make_backup()
    assert path.name.endswith(".tar.gz.enc")
    assert path.read_bytes().startswith(backup_crypto.MAGIC)

    with (
        backup_restore._open_archive(path, "a long passphrase") as gz,
        tarfile.open(fileobj=gz, mode="r|") as tar,
    ):
        assert [m.name for m in tar][-1] == "manifest.json"
    settings.DANVAN_BACKUP_KEY = ""
    assert restore(path).reason == "key_missing"
    settings.DANVAN_BACKUP_KEY = "another passphrase"
    assert restore(path).reason == "wrong_key"


@backs_up
def test_encrypted_archive_damaged(place: Path, settings: Any) -> None:
    settings.DANVAN_BACKUP_KEY = "a long passphrase"
    path = make_backup()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))
    assert restore(path).reason == "damaged"


# ---------------------------------------------------------------- the refusals


def test_restore_refuses_what_is_not_an_archive(place: Path) -> None:
    path = place / "notes.tar.gz"
    path.write_text("not an archive")
    assert restore(path).reason == "not_archive"
    assert restore(place / "missing.tar.gz").reason == "not_archive"
    # compressed, but not by danvan: a gzip of a text, someone else's tarball (not «damaged»)
    for name, data in [("short", b"ghi chu"), ("long", "Báo cáo 6 tháng. ".encode() * 9000)]:
        (place / f"{name}.tar.gz").write_bytes(gzip.compress(data))
        refused = restore(place / f"{name}.tar.gz")
        assert (refused.reason, str(refused)) == (
            "not_archive", f"{name}.tar.gz is not a danvan backup archive (made by `danvan backup`).",
        )  # fmt: skip
    write_archive(place / "theirs.tar.gz", {"README.md": b"# a project", "database.sqlite3": b""})
    assert restore(place / "theirs.tar.gz").reason == "not_archive"


@backs_up
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: d[: len(d) // 2] + bytes([d[len(d) // 2] ^ 1]) + d[len(d) // 2 + 1 :], id="flipped-byte"),
        pytest.param(lambda d: d[: len(d) // 2], id="truncated"),
        pytest.param(lambda d: d[:-4], id="truncated-end"),
        pytest.param(lambda d: d + b"trailing", id="trailing-bytes"),
    ],
)  # fmt: skip
def test_restore_refuses_a_damaged_archive(place: Path, damage: Callable[[bytes], bytes]) -> None:
    (place / "media").mkdir()
    (place / "media" / "a.bin").write_bytes(secrets.token_bytes(100_000))
    path = make_backup()
    (place / "media" / "a.bin").unlink()
    path.write_bytes(damage(path.read_bytes()))

    assert restore(path).reason == "damaged"
    assert not any((place / "media").iterdir())  # nothing staged is left behind
    assert not [p for p in place.iterdir() if p.name.startswith(".danvan-restore-")]


@backs_up
def test_restore_refuses_a_changed_file(place: Path) -> None:
    path = make_backup()
    members = read_archive(path)
    members["media/added.txt"] = b"slipped in"
    manifest = json.loads(members.pop("manifest.json"))
    members["manifest.json"] = json.dumps(manifest).encode()
    write_archive(path, members)
    assert restore(path).reason == "damaged"

    manifest["files"]["media/added.txt"] = {"sha256": "0" * 64, "bytes": 10}
    members["manifest.json"] = json.dumps(manifest).encode()
    write_archive(path, members)
    assert restore(path).reason == "damaged"


@backs_up
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda m: m.update(danvan_version="0.0.1"), id="version"),
        pytest.param(lambda m: m["migrations"].update(ops="0002_later"), id="migrations"),
        pytest.param(lambda m: m["migrations"].pop("ops"), id="missing-app"),
    ],
)
def test_restore_refuses_another_version(
    place: Path, change: Callable[[dict[str, Any]], Any]
) -> None:
    path = make_backup()
    edit_manifest(path, change)
    refused = restore(path)
    assert refused.reason == "version"
    assert danvan.__version__ in str(refused)


@backs_up
def test_the_archive_names_the_commit_that_made_it(
    place: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make build` writes the clone's commit (danvan/COMMIT); the manifest keeps it, and a
    refusal names both commits: which code to check out to restore it."""
    monkeypatch.setattr(danvan, "__commit__", "1f2e3d4c" * 5)
    path = make_backup()
    assert json.loads(read_archive(path)["manifest.json"])["danvan_commit"] == "1f2e3d4c" * 5
    edit_manifest(path, lambda m: m["migrations"].update(ops="0002_later"))
    monkeypatch.setattr(danvan, "__commit__", "")  # this install's commit unknown
    refused = str(restore(path))
    assert f"(commit {'1f2e3d4c' * 5})" in refused and refused.count("commit") == 1


@backs_up
def test_restore_refuses_another_engine(place: Path) -> None:
    path = make_backup()
    other = "sqlite" if ON_POSTGRES else "postgresql"
    edit_manifest(path, lambda m: m.update(engine=other))
    assert restore(path).reason == "engine"

    # The dump itself of the other engine is refused as soon as it is met.
    members = read_archive(path)
    ours = f"database.{'pgdump' if ON_POSTGRES else 'sqlite3'}"
    theirs = backup.DB_MEMBER[other]
    write_archive(path, {(theirs if n == ours else n): d for n, d in members.items()})
    assert restore(path).reason == "engine"


@backs_up
def test_restore_refuses_personal_data_under_other_keys(
    place: Path, request: pytest.FixtureRequest
) -> None:
    path = make_backup()

    def other_keys(manifest: dict[str, Any]) -> None:
        manifest["field_keys"] = ["0" * 16]
        manifest["field_tables"] = ["org_organizationkind"]  # a table with rows

    edit_manifest(path, other_keys)
    assert restore(path).reason == "field_keys"
    # --force is about the install's own data, not the archive's keys: over an install in use
    # it is still refused, and nothing said about data being lost (nothing was).
    request.getfixturevalue("tinh")
    said = io.StringIO()
    assert restore(path, "--force", stderr=said).reason == "field_keys"
    assert "lost" not in said.getvalue()
    # Only the flag that says so in as many words lets it through, saying what stays unreadable.
    manifest = {
        "field_keys": ["0" * 16],
        "field_tables": ["dialogue_petitioner"],
        "tables": {"dialogue_petitioner": 3},
    }
    lines: list[str] = []
    backup_restore._check_field_keys(manifest, True, lines.append)
    assert lines == [
        "--accept-unreadable-personal-data: The archive's personal data (3 rows in "
        "dialogue_petitioner) is encrypted with keys this install does not have: set SECRET_KEY "
        "and DANVAN_FIELD_KEYS (or copy secret_key and field_key from the old DANVAN_DATA_DIR) "
        "as on the install that made it; those fields stay unreadable."
    ]
    with pytest.raises(backup_restore.RestoreRefused, match="--accept-unreadable-personal-data"):
        backup_restore._check_field_keys(manifest, False, lines.append)


@backs_up
def test_restore_refuses_a_database_in_use(place: Path, request: pytest.FixtureRequest) -> None:
    path = make_backup()
    request.getfixturevalue("tinh")
    refused = restore(path)
    assert refused.reason == "not_empty"
    assert "accounts_user" in str(refused)
    # --force goes on past it (to the next refusal here: the archive is damaged).
    path.write_bytes(path.read_bytes()[:-100])
    out = io.StringIO()
    with pytest.raises(backup_restore.RestoreRefused) as refused_again:
        call_command("restore", str(path), "--yes", "--force", stdout=out, stderr=out)
    assert refused_again.value.reason == "damaged"
    assert "lost" not in out.getvalue()  # said only once every check has passed


@backs_up
def test_restore_refuses_media_in_place(place: Path) -> None:
    path = make_backup()
    (place / "media").mkdir()
    (place / "media" / "left.txt").write_text("from before")
    assert restore(path).reason == "media_not_empty"
    assert (place / "media" / "left.txt").read_text() == "from before"


@backs_up
def test_restore_asks_unless_yes(place: Path) -> None:
    path = make_backup()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), stdout=io.StringIO())  # stdin is no terminal here
    assert not isinstance(refused.value, backup_restore.RestoreRefused)


# ---------------------------------------------------------------- the drill

DRILL_ACCOUNTS = ["tinh@demo.danvan.vn", "xa@demo.danvan.vn", "lanhdao@demo.danvan.vn"]
SNAPSHOT = """
import json, django
django.setup()
from django.db import connection
from django.conf import settings
with connection.cursor() as cursor:
    counts = {}
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
signed_in = {}
if %(sign_in)r:
    from django.contrib.auth import authenticate
    from django.test import RequestFactory
    from danvan.org.demo import PASSWORD
    for email in %(accounts)r:
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=email, password=PASSWORD)
        signed_in[email] = user.email if user else None
print(json.dumps({"counts": counts, "signed_in": signed_in, "media": str(settings.MEDIA_ROOT)}))
"""


class Drill:
    def __init__(self, tmp_path: Path, database_url: str | None) -> None:
        self.data = tmp_path / "data"
        self.media = self.data / "media"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "MEDIA_ROOT", "DANVAN_BACKUP_DIR", "DANVAN_BACKUP_KEY"}
        }
        # The test settings hash passwords with MD5: the demo loads in half the time.
        self.env |= {
            "DJANGO_SETTINGS_MODULE": "danvan.config.settings.test",
            "DANVAN_DATA_DIR": str(self.data),
        }
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.bin = Path(sys.executable).parent
        self.timings: dict[str, float] = {}

    def run(
        self, *args: str, key: str = "", check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        env = self.env | ({"DANVAN_BACKUP_KEY": key} if key else {})
        done = subprocess.run(  # noqa: S603
            [str(self.bin / "danvan"), *args], env=env, capture_output=True, text=True, check=False
        )
        label = " ".join(args[:1] + (("enc",) if key else ()))
        self.timings[label] = self.timings.get(label, 0) + time.monotonic() - started
        if check:
            assert done.returncode == 0, f"danvan {' '.join(args)}: {done.stderr[-3000:]}"
        return done

    def sql(self, *statements: str) -> None:
        """Statements run (and committed) on the drill's database."""
        script = (
            "import django, sys; django.setup()\n"
            "from django.db import connection\n"
            "with connection.cursor() as cursor:\n"
            "    for statement in sys.argv[1:]:\n"
            "        cursor.execute(statement)\n"
        )
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", script, *statements],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]

    def snapshot(self, *, sign_in: bool = False) -> dict[str, Any]:
        script = SNAPSHOT % {"sign_in": sign_in, "accounts": DRILL_ACCOUNTS}
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", script],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        state = json.loads(done.stdout.strip().splitlines()[-1])
        assert Path(state["media"]) == self.media
        state["files"] = {
            path.relative_to(self.media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.media.rglob("*"))
            if path.is_file()
        }
        return state


def run_drill(
    tmp_path: Path,
    database_url: str | None,
    keep_empty: Callable[[], None],
    wipe_database: Callable[[], None],
) -> None:
    """`keep_empty` sets the freshly migrated database aside; `wipe_database` puts it back."""
    drill = Drill(tmp_path, database_url)
    started = time.monotonic()
    drill.run("migrate", "-v0")
    keep_empty()
    drill.run("demo")
    for name, data in {
        "programs/signed/quyết định 1234.pdf": b"%PDF-1.7 " + secrets.token_bytes(50_000),
        "dialogue/2026/ảnh đơn.jpg": secrets.token_bytes(3_000),
    }.items():
        (drill.media / name).parent.mkdir(parents=True, exist_ok=True)
        (drill.media / name).write_bytes(data)
    before = drill.snapshot()
    assert before["counts"]["accounts_user"] >= 7
    assert len(before["files"]) == 2

    archive = Path(drill.run("backup").stdout.strip().splitlines()[-1])
    assert archive.parent == drill.data / "backups"

    # Round 1: a plain archive into an empty install.
    wipe_database()
    for path in sorted(drill.media.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    assert drill.snapshot()["counts"]["accounts_user"] == 0
    drill.run("restore", str(archive), "--yes")
    after = drill.snapshot()
    assert after["counts"] == before["counts"]
    assert after["files"] == before["files"]

    # Round 2: an encrypted archive over an install in use, which needs --force; as when an
    # upgrade is rolled back, the install holds a table of a newer version, which must go (it
    # would stop that upgrade's `migrate` the next time).
    sealed = Path(drill.run("backup", key="drill key").stdout.strip().splitlines()[-1])
    assert sealed.name.endswith(".enc")
    (drill.media / "made later.txt").write_text("gone after the restore")
    drill.sql(
        "CREATE TABLE ops_newer_release (id integer PRIMARY KEY)",
        "INSERT INTO ops_newer_release (id) VALUES (1)",
    )
    assert drill.snapshot()["counts"]["ops_newer_release"] == 1
    refused = drill.run("restore", str(sealed), "--yes", key="drill key", check=False)
    assert refused.returncode != 0
    assert "--force" in refused.stderr
    drill.run("restore", str(sealed), "--yes", "--force", key="drill key")
    final = drill.snapshot(sign_in=True)
    assert final["counts"] == before["counts"]
    assert final["files"] == before["files"]
    assert final["signed_in"] == {email: email for email in DRILL_ACCOUNTS}

    # Round 3: an archive whose petitioner data came under other keys: --force does not let it
    # through, the flag that says so does (the manifest says other keys; the data are ours).
    def other_keys(manifest: dict[str, Any]) -> None:
        manifest["field_keys"] = ["0" * 16]

    edit_manifest(archive, other_keys)
    refused = drill.run("restore", str(archive), "--yes", "--force", check=False)
    assert refused.returncode != 0
    assert "--accept-unreadable-personal-data" in refused.stderr and "lost" not in refused.stderr
    done = drill.run(
        "restore", str(archive), "--yes", "--force", "--accept-unreadable-personal-data"
    )
    assert "those fields stay unreadable" in done.stderr and "is lost" in done.stderr
    assert drill.snapshot()["counts"] == before["counts"]

    drill.timings["total"] = time.monotonic() - started
    print("drill timings (s):", {k: round(v, 1) for k, v in drill.timings.items()})


@pytest.mark.skipif(bool(DATABASE_URL), reason="the SQLite drill runs in the SQLite pass")
def test_drill_sqlite(tmp_path: Path) -> None:
    database = tmp_path / "data" / "danvan.sqlite3"
    empty = tmp_path / "empty.sqlite3"

    def copy(source: Path, target: Path) -> None:
        with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as out:
            reading.backup(out)

    def keep_empty() -> None:
        copy(database, empty)

    def wipe() -> None:
        for path in database.parent.glob("danvan.sqlite3*"):
            path.unlink()
        copy(empty, database)

    run_drill(tmp_path, None, keep_empty, wipe)


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL drill runs in the PostgreSQL pass")
def test_drill_postgresql(tmp_path: Path) -> None:
    """As README «Deploying» installs it: danvan signs in as a role of its own that owns the
    database and is no superuser, so pg_dump and pg_restore (--clean, --force) run with only
    what that role may do."""
    import psycopg

    name = f"danvan_drill_{secrets.token_hex(4)}"
    empty = f"{name}_empty"
    server = urlsplit(DATABASE_URL)
    admin_url = urlunsplit(server._replace(path="/postgres"))
    place = server.netloc.rpartition("@")[2]
    drill_url = urlunsplit(server._replace(netloc=f"{name}:drill@{place}", path=f"/{name}"))

    def admin(*statements: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as postgres:
            for statement in statements:
                postgres.execute(statement)

    def keep_empty() -> None:
        admin(f'CREATE DATABASE "{empty}" TEMPLATE "{name}"')

    def wipe() -> None:
        admin(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}" OWNER "{name}" TEMPLATE "{empty}"',
        )

    admin(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f"CREATE ROLE \"{name}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'drill'",
        f'CREATE DATABASE "{name}" OWNER "{name}"',
    )
    try:
        with psycopg.connect(drill_url) as connection:  # the drill's own role, no superuser
            row = connection.execute("SELECT current_user, usesuper FROM pg_user "
                                     "WHERE usename = current_user").fetchone()  # fmt: skip
        assert row == (name, False)
        run_drill(tmp_path, drill_url, keep_empty, wipe)
    finally:
        admin(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'DROP DATABASE IF EXISTS "{empty}" WITH (FORCE)',
            f'DROP ROLE IF EXISTS "{name}"',
        )


def test_postgresql_password_goes_through_the_environment() -> None:
    params = backup._pg_params(
        {
            "NAME": "danvan",
            "USER": "danvan",
            "PASSWORD": "s3cret",
            "HOST": "db.example",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "require", "pool": True},
        }
    )
    env = backup._pg_env(params)

    assert env["PGPASSWORD"] == "s3cret"
    assert env["PGPORT"] == "5433"
    assert env["PGSSLMODE"] == "require"
    assert "pool" not in params
