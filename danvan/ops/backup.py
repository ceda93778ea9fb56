"""Backups of an install, and their restore into an empty install (`danvan backup`, `danvan restore`).

An archive is one file in DANVAN_BACKUP_DIR, `danvan-<UTC time>-<version>.tar.gz`, sealed
(`.enc` appended, see backup_crypto.py) when DANVAN_BACKUP_KEY is set. In order it holds

    database.sqlite3 | database.pgdump   SQLite's online backup, or `pg_dump --format=custom`
    media/...                            every file under MEDIA_ROOT
    manifest.json                        version, migrations, engine, row counts, sha256 of each file

The manifest comes last so each file is read once, hashed while it is written. Row counts are
taken from what was dumped (the SQLite copy; on PostgreSQL the snapshot pg_dump reads, through
`--snapshot`), so a backup of a busy site still restores to exactly its counts. The archive is
written under a hidden temporary name and renamed when complete: a crash leaves nothing named
like a good archive. The dump is staged in a hidden folder beside it, unencrypted: a backup
stopped (SIGTERM: `systemctl stop`, a timeout, a shutdown) removes both on its way out
(`stopping_cleanly`), and what a killed one left is removed by the next backup (`sweep`).

A restore (backup_restore.py) reads the archive once into a staging place beside its targets,
checking every file against the manifest, and only then replaces the database and the media.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

import danvan
from danvan.ops import heartbeat

from . import backup_crypto

FORMAT = 1
ARCHIVE_RE = re.compile(r"^danvan-(\d{8}T\d{6}Z)-[^/]+\.tar\.gz(?:\.enc)?$")
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MANIFEST = "manifest.json"
MEDIA = "media"
GZIP_LEVEL = 3  # the dump and the media are mostly compressed already; speed matters more
COPY_BYTES = 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
SQLITE_LOCK_SECONDS = 120
# What a backup or a restore stages beside its targets, and how long untouched before it is a
# leftover: longer than any backup runs (the systemd unit stops one after 2 hours).
STAGING_RE = re.compile(r"^\.danvan-(?:backup-|restore-|.*\.partial-\d+$)")
LEFTOVER_AFTER = datetime.timedelta(hours=6)
# Tables a fresh `danvan migrate` fills (data migrations seeding reference lists): rows there
# do not make an install "not empty". tests/ops/test_backup.py checks the list stays true.
SEEDED_TABLES = frozenset({"org_organizationkind", "practices_subfield", "situation_topic"})
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# libpq connection keywords danvan passes on, and the environment variables pg_dump reads.
PG_KEYWORDS = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "application_name": "PGAPPNAME",
}


@dataclass
class BackupResult:
    path: Path
    bytes: int
    manifest: dict[str, Any]
    deleted: list[Path] = field(default_factory=list)


# ---------------------------------------------------------------- shared pieces


def archive_name(now: datetime.datetime, *, encrypted: bool) -> str:
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    version = re.sub(r"[^A-Za-z0-9.+_]", "_", danvan.__version__)
    return f"danvan-{stamp}-{version}.tar.gz" + (".enc" if encrypted else "")


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DB_MEMBER:
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def code_migrations() -> dict[str, str]:
    """The latest migration of each app in this install's code (what `migrate` brings)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return dict(sorted(loader.graph.leaf_nodes()))


def _latest_applied(cursor: Any) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = name
    return dict(sorted(latest.items()))


def _counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 — names from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    return counts


def model_tables() -> set[str]:
    """Every model's table, auto-created many-to-many and history tables included."""
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _encrypted_fields() -> tuple[list[str], list[str]]:
    """Fingerprints of the keys personal data is encrypted with (newest first), and its tables.

    The keys themselves never go into an archive: they come from SECRET_KEY and
    DANVAN_FIELD_KEYS (or the data folder's secret_key and field_key), kept apart from backups.
    """
    from encrypted_fields.fields import EncryptedFieldMixin

    tables: set[str] = set()
    keys: list[bytes] = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, EncryptedFieldMixin):
                tables.add(model._meta.db_table)
                keys = keys or model_field.keys
    prints = [hashlib.sha256(b"danvan backup fingerprint:" + key).hexdigest()[:16] for key in keys]
    return prints, sorted(tables)


class _Hashing:
    """Reads `size` bytes from a file, hashing them on the way (tarfile.addfile's source)."""

    def __init__(self, source: BinaryIO) -> None:
        self._source = source
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.sha256.update(data)
        return data


def _fsync_dir(folder: Path) -> None:
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------- PostgreSQL tools


def _pg_params(settings_dict: dict[str, Any]) -> dict[str, str]:
    params = {
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
        "user": settings_dict.get("USER") or "",
        "password": settings_dict.get("PASSWORD") or "",
        "dbname": settings_dict.get("NAME") or "",
    }
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key in PG_KEYWORDS and isinstance(value, str | int):
            params[key] = str(value)
    return {key: value for key, value in params.items() if value}


def _pg_env(params: dict[str, str]) -> dict[str, str]:
    """The child's environment: the connection (the password too) never on the command line."""
    env = {k: v for k, v in os.environ.items() if k not in PG_KEYWORDS.values()}
    env.update({PG_KEYWORDS[key]: value for key, value in params.items()})
    return env


def pg_tool(name: str, server_version: int) -> str:
    """pg_dump / pg_restore of the server's major version if installed, else the newest found."""
    major = server_version // 10000
    exact = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if exact.exists():
        return str(exact)
    if found := shutil.which(name):
        return found
    installed = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if installed:
        return str(installed[-1])
    raise CommandError(
        f"{name} was not found: install the PostgreSQL {major} client tools "
        f"(Debian: postgresql-client-{major})."
    )


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise CommandError(f"{Path(argv[0]).name} failed (exit {done.returncode}):\n{tail}")


# ---------------------------------------------------------------- backup


def _dump_sqlite(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    deadline = time.monotonic() + SQLITE_LOCK_SECONDS

    def give_up_when_locked(status: int, remaining: int, total: int) -> None:
        # sqlite3 retries a locked source for ever; a writer holding it that long is a fault.
        if status in {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED} and time.monotonic() > deadline:
            raise CommandError(
                f"The database stayed locked for {SQLITE_LOCK_SECONDS} s: try the backup again."
            )

    try:
        connection.connection.backup(copy, progress=give_up_when_locked)
        cursor = copy.cursor()
        tables = connection.introspection.table_names(cast(Any, cursor))
        return _counts(cursor, tables), _latest_applied(cursor)
    finally:
        copy.close()


def _dump_postgresql(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    import psycopg

    params = _pg_params(connection.settings_dict)
    with psycopg.connect(**params) as snapshot:  # type: ignore[arg-type]
        snapshot.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot.read_only = True
        with snapshot.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]  # type: ignore[index]
            dump = pg_tool("pg_dump", snapshot.info.server_version)
            _run(
                [
                    dump,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                ],
                _pg_env(params),
            )
            tables = connection.introspection.table_names(cast(Any, cursor))
            result = _counts(cursor, tables), _latest_applied(cursor)
        snapshot.rollback()
    return result


def _media_files(media_root: Path, skip: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file under MEDIA_ROOT (sorted), with its name in the archive."""
    if not media_root.is_dir():
        return
    for folder, dirs, files in os.walk(media_root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() != skip)
        for name in sorted(files):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path, f"{MEDIA}/{path.relative_to(media_root).as_posix()}"


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> dict[str, Any]:
    with path.open("rb") as source:
        stat = os.fstat(source.fileno())
        info = tarfile.TarInfo(arcname)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o644
        hashing = _Hashing(source)
        tar.addfile(info, hashing)
    return {"sha256": hashing.sha256.hexdigest(), "bytes": info.size}


def _add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    info.mode = 0o644
    tar.addfile(info, _BytesReader(data))


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._offset + size
        chunk = bytes(self._data[self._offset : end])
        self._offset += len(chunk)
        return chunk


def rotate(folder: Path, keep: int, *, spare: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` archives of `folder` (names as danvan writes them).

    Other files are never touched; `keep` below 1 keeps everything.
    """
    if keep < 1:
        return []
    archives = sorted(
        (path for path in folder.iterdir() if path.is_file() and ARCHIVE_RE.match(path.name)),
        key=lambda path: (ARCHIVE_RE.match(path.name).group(1), path.name),  # type: ignore[union-attr]
        reverse=True,
    )
    deleted = []
    for path in archives[keep:]:
        if spare is not None and path == spare:
            continue
        path.unlink(missing_ok=True)
        deleted.append(path)
    return deleted


@contextmanager
def stopping_cleanly() -> Iterator[None]:
    """SIGTERM (systemd's stop, its timeout, a shutdown) raises SystemExit in the main thread
    instead of ending the process at once, so that `finally` and the temporary folders clean
    up: a stopped backup leaves no unencrypted dump behind, a stopped restore no staging."""

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def sweep(folder: Path) -> list[Path]:
    """Remove what a backup or restore killed outright (SIGKILL, power loss) staged in `folder`
    and left: entries named as staging that nothing has written to for LEFTOVER_AFTER (a backup
    running beside this one keeps writing to its own)."""
    moment = time.time()
    removed = []
    for entry in folder.iterdir() if folder.is_dir() else []:
        if not STAGING_RE.match(entry.name) or entry.is_symlink():
            continue
        inside = entry.rglob("*") if entry.is_dir() else []
        touched = max((p.lstat().st_mtime for p in [entry, *inside]), default=0.0)
        if moment - touched < LEFTOVER_AFTER.total_seconds():
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def create_backup(
    *,
    output_dir: Path | None = None,
    key: str | None = None,
    keep: int | None = None,
    now: datetime.datetime | None = None,
) -> BackupResult:
    """Write one archive of the database and the media, rotate, beat "backup"."""
    vendor = engine()
    folder = Path(output_dir or settings.DANVAN_BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    sweep(folder)
    key = settings.DANVAN_BACKUP_KEY if key is None else key
    created = now or datetime.datetime.now(datetime.UTC)
    name = archive_name(created, encrypted=bool(key))
    final = folder / name
    partial = folder / f".{name}.partial-{os.getpid()}"
    media_root = Path(settings.MEDIA_ROOT)

    try:
        with tempfile.TemporaryDirectory(dir=folder, prefix=".danvan-backup-") as staging:
            dump = Path(staging) / DB_MEMBER[vendor]
            dumper = _dump_sqlite if vendor == "sqlite" else _dump_postgresql
            counts, migrations = dumper(dump)
            field_keys, field_tables = _encrypted_fields()
            with partial.open("wb") as raw:
                sink: Any = backup_crypto.EncryptingWriter(raw, key) if key else raw
                with (
                    gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as gz,
                    tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar,
                ):
                    files = {dump.name: _add_file(tar, dump, dump.name)}
                    dump.unlink()  # free the space while the media are added
                    for path, arcname in _media_files(media_root, folder.resolve()):
                        files[arcname] = _add_file(tar, path, arcname)
                    manifest = {
                        "format": FORMAT,
                        "danvan_version": danvan.__version__,
                        "danvan_commit": danvan.__commit__,  # "" when unknown
                        "created_at": created.astimezone(datetime.UTC).isoformat(),
                        "engine": vendor,
                        "database": dump.name,
                        "migrations": migrations,
                        "tables": counts,
                        "files": files,
                        "encrypted": bool(key),
                        "field_keys": field_keys,
                        "field_tables": field_tables,
                    }
                    _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
                if key:
                    sink.close()
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(partial, final)
        _fsync_dir(folder)
    finally:
        partial.unlink(missing_ok=True)

    deleted = rotate(folder, settings.DANVAN_BACKUP_KEEP if keep is None else keep, spare=final)
    size = final.stat().st_size
    heartbeat.beat("backup", {"file": name, "bytes": size})
    return BackupResult(path=final, bytes=size, manifest=manifest, deleted=deleted)
