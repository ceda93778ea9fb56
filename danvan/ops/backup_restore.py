"""Restoring an archive of `danvan backup` into an empty install (`danvan restore`).

The archive is read once into a staging place beside its targets (the database file's folder,
MEDIA_ROOT's parent), every file checked against the manifest; only then are the database and
the media replaced, and every table's row count checked against the manifest. What the archive
holds is described in backup.py.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection, transaction

import danvan
from danvan.lib import figures

from . import backup_crypto
from .backup import (
    COPY_BYTES,
    DB_MEMBER,
    ENGINE_NAMES,
    FORMAT,
    MANIFEST,
    MAX_MANIFEST_BYTES,
    MEDIA,
    SEEDED_TABLES,
    _counts,
    _encrypted_fields,
    _fsync_dir,
    _pg_env,
    _pg_params,
    _run,
    code_migrations,
    engine,
    pg_tool,
    sweep,
)


class RestoreRefused(CommandError):
    """A restore that cannot go ahead; `reason` names why for callers and tests."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    tables: int
    rows: int
    files: int
    media_bytes: int


def database_contents() -> list[str]:
    """What makes this install's database not empty: users, tables of danvan with rows.

    Neither the reference lists the migrations seed nor ops' heartbeats count.
    """
    existing = set(connection.introspection.table_names())
    user_table = get_user_model()._meta.db_table
    danvan_tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        # ops keeps the install's own heartbeats and job runs: a fresh install has them too.
        if model._meta.app_config.name.startswith("danvan.")
        and model._meta.app_label != "ops"
        and not model._meta.proxy
    }
    found = []
    with connection.cursor() as cursor:
        for table in sorted(((danvan_tables | {user_table}) & existing) - SEEDED_TABLES):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    return found


@contextmanager
def _open_archive(path: Path, key: str) -> Iterator[gzip.GzipFile]:
    """The archive's gzip stream, decrypted when sealed; refuses what is no danvan archive."""
    with path.open("rb") as raw:
        head = raw.read(len(backup_crypto.MAGIC))
        raw.seek(0)
        if backup_crypto.is_encrypted(head):
            if not key:
                raise RestoreRefused(
                    "key_missing",
                    f"{path.name} is encrypted: set DANVAN_BACKUP_KEY to the key it was made "
                    "with and run the restore again.",
                )
            try:
                source: Any = backup_crypto.DecryptingReader(raw, key)
            except backup_crypto.WrongKeyError:
                raise RestoreRefused(
                    "wrong_key",
                    f"DANVAN_BACKUP_KEY does not open {path.name}: set the key it was made with.",
                ) from None
            except backup_crypto.DecryptionError as exc:
                raise _damaged(path, str(exc)) from None
        elif head.startswith(b"\x1f\x8b"):
            source = raw
        else:
            raise _not_archive(path)
        with gzip.GzipFile(fileobj=source, mode="rb") as gz:
            yield gz


def _not_archive(path: Path) -> RestoreRefused:
    return RestoreRefused(
        "not_archive", f"{path.name} is not a danvan backup archive (made by `danvan backup`)."
    )


def _damaged(path: Path, detail: str) -> RestoreRefused:
    return RestoreRefused(
        "damaged",
        f"{path.name} is damaged ({detail}): nothing was restored. Restore another archive "
        "(the backup folder keeps several) or a copy of this one from elsewhere.",
    )


def _member_target(name: str, db_target: Path, media_staging: Path) -> Path | None:
    """Where a member goes, None for the manifest; raises ValueError for a name never written."""
    if name == MANIFEST:
        return None
    if name in DB_MEMBER.values():
        return db_target
    parts = PurePosixPath(name).parts
    if (
        len(parts) >= 2
        and parts[0] == MEDIA
        and not name.startswith("/")
        and all(part not in {"", ".", ".."} and "\\" not in part for part in parts)
    ):
        return media_staging.joinpath(*parts[1:])
    raise ValueError(f"unexpected member {name!r}")


def _extract(
    path: Path, key: str, db_target: Path, media_staging: Path, vendor: str
) -> dict[str, Any]:
    """Read the archive once into the staging places; return the manifest once all is checked."""
    seen: dict[str, dict[str, Any]] = {}
    manifest_bytes = b""
    try:
        with _open_archive(path, key) as gz:
            try:
                tar = tarfile.open(fileobj=gz, mode="r|")  # noqa: SIM115 (closed by the with below)
            except tarfile.ReadError:  # a gzip stream read whole enough, holding no tar at all
                raise _not_archive(path) from None
            with tar:
                for member in tar:
                    if not seen and member.name not in DB_MEMBER.values():
                        raise _not_archive(path)  # danvan's archives open with the database
                    if not member.isreg() or member.name in seen:
                        raise ValueError(f"unexpected member {member.name!r}")
                    if member.name in DB_MEMBER.values() and member.name != DB_MEMBER[vendor]:
                        other = next(k for k, v in DB_MEMBER.items() if v == member.name)
                        raise _engines_differ(other, vendor)
                    target = _member_target(member.name, db_target, media_staging)
                    source = tar.extractfile(member)
                    assert source is not None
                    digest = hashlib.sha256()
                    if target is None:
                        if member.size > MAX_MANIFEST_BYTES:
                            raise ValueError("manifest too large")
                        manifest_bytes = source.read()
                        digest.update(manifest_bytes)
                    else:
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with target.open("wb") as out:
                            while chunk := source.read(COPY_BYTES):
                                digest.update(chunk)
                                out.write(chunk)
                    seen[member.name] = {"sha256": digest.hexdigest(), "bytes": member.size}
            while gz.read(COPY_BYTES):  # the end of the stream: its checksum and length
                pass
    except RestoreRefused:
        raise
    except backup_crypto.DecryptionError as exc:
        raise _damaged(path, str(exc)) from None
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, ValueError) as exc:
        raise _damaged(path, str(exc) or type(exc).__name__) from None

    try:
        manifest = json.loads(manifest_bytes)
        files = manifest["files"]
        assert isinstance(files, dict)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise _damaged(path, "no readable manifest") from None
    seen.pop(MANIFEST, None)
    if set(seen) != set(files):
        missing = sorted(set(files) - set(seen))[:3]
        raise _damaged(
            path, f"files missing or unlisted: {missing or sorted(set(seen) - set(files))[:3]}"
        )
    for name, found in seen.items():
        if files[name].get("sha256") != found["sha256"]:
            raise _damaged(path, f"checksum mismatch in {name}")
    return manifest


def _engines_differ(archive_engine: str, vendor: str) -> RestoreRefused:
    return RestoreRefused(
        "engine",
        f"This archive holds a {ENGINE_NAMES.get(archive_engine, archive_engine)} database and "
        f"this install uses {ENGINE_NAMES[vendor]}: engines differ. Restore it into an install "
        f"on {ENGINE_NAMES.get(archive_engine, archive_engine)} (DATABASE_URL), then move the "
        "data across with `danvan dumpdata` / `loaddata` if you must change engines.",
    )


def _check_compatible(manifest: dict[str, Any], vendor: str) -> None:
    if manifest.get("format") != FORMAT:
        raise RestoreRefused(
            "version", f"Archive format {manifest.get('format')} is not {FORMAT}: use the danvan "
            "that made it."
        )  # fmt: skip
    if manifest.get("engine") != vendor:
        raise _engines_differ(str(manifest.get("engine")), vendor)
    ours = code_migrations()
    theirs = manifest.get("migrations") or {}
    if manifest.get("danvan_version") != danvan.__version__ or theirs != ours:
        differ = [
            f"{app} {theirs.get(app, '-')} ≠ {ours.get(app, '-')}"
            for app in sorted(set(ours) | set(theirs))
            if theirs.get(app) != ours.get(app)
        ]
        made_by = manifest.get("danvan_commit") or ""
        raise RestoreRefused(
            "version",
            f"The archive was made by danvan {manifest.get('danvan_version')}"
            f"{f' (commit {made_by})' if made_by else ''} with migrations "
            f"{', '.join(differ[:5]) or 'the same as this install'}"
            f"{' …' if len(differ) > 5 else ''} (archive ≠ this install); this install is "
            f"danvan {danvan.__version__}"
            f"{f' (commit {danvan.__commit__})' if danvan.__commit__ else ''}: install the "
            "same version, restore, then upgrade (`danvan migrate`).",
        )


def _check_field_keys(
    manifest: dict[str, Any], unreadable_ok: bool, say: Callable[[str], None]
) -> None:
    theirs = manifest.get("field_keys") or []
    ours, _ = _encrypted_fields()
    rows = sum(manifest["tables"].get(table, 0) for table in manifest.get("field_tables") or [])
    if not rows or not theirs or theirs[0] in ours:
        return
    message = (
        f"The archive's personal data ({rows} rows in {', '.join(manifest['field_tables'])}) is "
        "encrypted with keys this install does not have: set SECRET_KEY and DANVAN_FIELD_KEYS "
        "(or copy secret_key and field_key from the old DANVAN_DATA_DIR) as on the install "
        "that made it"
    )
    if not unreadable_ok:
        raise RestoreRefused(
            "field_keys",
            f"{message}, or add --accept-unreadable-personal-data to restore it unreadable.",
        )
    say(f"--accept-unreadable-personal-data: {message}; those fields stay unreadable.")


def _media_entries(media_root: Path) -> list[Path]:
    return sorted(media_root.iterdir()) if media_root.is_dir() else []


def _in_memory() -> bool:
    name = str(connection.settings_dict["NAME"])
    return name == ":memory:" or "mode=memory" in name


def _restore_sqlite(staged: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    if _in_memory():
        raise CommandError("This install's SQLite database is in memory: nothing to restore into.")
    target = Path(name)
    connection.close()
    if target.exists():  # the server's user must still read and write it
        stat = target.stat()
        os.chmod(staged, stat.st_mode & 0o777)
        with suppress(PermissionError):
            os.chown(staged, stat.st_uid, stat.st_gid)
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staged, 0o666 & ~umask)
    # A journal left by the old database would be replayed into the new one.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)
    os.replace(staged, target)
    _fsync_dir(target.parent)


def _drop_tables_not_in(manifest: dict[str, Any]) -> list[str]:
    """Drop the tables the archive does not hold (a newer version's, when an upgrade is rolled
    back with --force): `pg_restore --clean` drops only what the archive holds, and a table
    left behind would stop the next `danvan migrate` («relation … already exists»)."""
    extra = sorted(set(connection.introspection.table_names()) - set(manifest["tables"]))
    if extra:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in extra:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    return extra


def _restore_postgresql(staged: Path) -> None:
    connection.ensure_connection()
    server_version = connection.pg_version  # type: ignore[attr-defined]
    params = _pg_params(connection.settings_dict)
    connection.close()
    restore = pg_tool("pg_restore", server_version)
    _run(
        [
            restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--no-password",
            f"--dbname={params.get('dbname', '')}",
            str(staged),
        ],
        _pg_env({k: v for k, v in params.items() if k != "dbname"}),
    )


def _verify(manifest: dict[str, Any]) -> int:
    """Every table's row count equals the manifest's; returns the rows."""
    connection.close()
    existing = set(connection.introspection.table_names())
    expected: dict[str, int] = manifest["tables"]
    with connection.cursor() as cursor:
        found = _counts(cursor, sorted(set(expected) & existing))
    wrong = [
        f"{table}: {found.get(table, 'missing')} rows, archive {rows}"
        for table, rows in sorted(expected.items())
        if found.get(table) != rows
    ]
    if wrong:
        raise CommandError(
            "The restored database does not match the archive's manifest: "
            + "; ".join(wrong[:10])
            + (" …" if len(wrong) > 10 else "")
            + ". Do not use this install; restore again or another archive."
        )
    return sum(found.values())


def restore_backup(
    *,
    path: Path,
    key: str | None = None,
    force: bool = False,
    unreadable_ok: bool = False,
    say: Callable[[str], None] = print,
) -> RestoreResult:
    """Bring an archive back into an empty install (or, with force, replace everything).
    Personal data this install's keys cannot read is refused unless `unreadable_ok` says so
    in as many words: `force` is about what is in the install, not about the archive."""
    vendor = engine()
    key = settings.DANVAN_BACKUP_KEY if key is None else key
    if not path.is_file():
        raise RestoreRefused("not_archive", f"{path} is not a file.")
    with _open_archive(path, key):
        pass  # refuses early what is no archive, or sealed without the right key
    media_root = Path(settings.MEDIA_ROOT)
    contents = database_contents()
    media_entries = _media_entries(media_root)
    if not force:
        if contents:
            raise RestoreRefused(
                "not_empty",
                f"The database is not empty (rows in {', '.join(contents[:5])}"
                f"{' …' if len(contents) > 5 else ''}). Restore into an empty install "
                "(a new database, then `danvan migrate`), or add --force to replace "
                "everything in this one.",
            )
        if media_entries:
            raise RestoreRefused(
                "media_not_empty",
                f"MEDIA_ROOT ({media_root}) is not empty. Restore into an empty install, or add "
                "--force to replace everything in it.",
            )

    media_root.parent.mkdir(parents=True, exist_ok=True)
    sweep(media_root.parent)  # what a restore killed outright left there
    staging = Path(tempfile.mkdtemp(dir=media_root.parent, prefix=".danvan-restore-"))
    media_staging = staging / MEDIA
    media_staging.mkdir()
    if vendor == "sqlite":
        # Beside the database file, so that the swap is a rename on one file system.
        db_folder = staging if _in_memory() else Path(str(connection.settings_dict["NAME"])).parent
        handle, name = tempfile.mkstemp(dir=db_folder, prefix=".danvan-restore-", suffix=".sqlite3")
        os.close(handle)
        db_target = Path(name)
    else:
        db_target = staging / DB_MEMBER[vendor]
    try:
        manifest = _extract(path, key, db_target, media_staging, vendor)
        _check_compatible(manifest, vendor)
        _check_field_keys(manifest, unreadable_ok, say)
        if force and (contents or media_entries):  # said once every check has passed
            say(
                "--force: the database and MEDIA_ROOT are replaced by the archive's; "
                "what is in them now is lost."
            )
        if vendor == "sqlite":
            _restore_sqlite(db_target)  # the whole file is replaced
        else:
            if extra := _drop_tables_not_in(manifest):
                say(f"Dropped the tables the archive does not hold: {', '.join(extra)}.")
            _restore_postgresql(db_target)
        media_root.mkdir(parents=True, exist_ok=True)
        for entry in _media_entries(media_root):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for entry in _media_entries(media_staging):
            os.replace(entry, media_root / entry.name)
    finally:
        db_target.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)

    rows = _verify(manifest)
    figures.forget_all()  # the archive's tokens are older than figures kept since
    media = [info for name, info in manifest["files"].items() if name.startswith(f"{MEDIA}/")]
    return RestoreResult(
        manifest=manifest,
        tables=len(manifest["tables"]),
        rows=rows,
        files=len(media),
        media_bytes=sum(int(info["bytes"]) for info in media),
    )
