"""Derived figures: what danvan already knows, computed from records for (scope, period).

Each app that keeps records registers a group of figures in its AppConfig.ready() with
`register_group(...)`; periodic reports (derived indicators) read them through this registry,
so reporting never imports the apps it counts. A group's function returns all its figures at
once (the oversight group is two queries for nine figures), so a report computes each group once;
and it takes a list of scopes, so a pivot of thirty units is the same few queries grouped by
unit (org.scopes.per_scope), not thirty times them.

Computed figures are kept between requests (the «figures» cache, in each process) under the
group's token: a random value in the shared «figure_tokens» cache (a table in the database).
A write to a table of the apps the group reads (`reads`, and org's, whose paths the scopes are)
renews the token once it is committed: right after the transaction commits, or, for a write
outside one (rare: services own their transactions), before the connection's next statement,
when the request ends, or when the process exits (a script ending on it). The writes are seen
where Django sends SQL (`_watch`: the ORM, QuerySet.update, bulk_create, raw cursor SQL — with
the schema named, after comments, in a `WITH`). A figure may be kept past a write only in the
moment between its commit and the renewal (or, if a renewal fails, until the next chance: it is
logged and retried), and within a request that read the tokens before that renewal: a request
reads every token once, at its first need, and holds them to its end (or until this process
renews one), so what it shows is as new as at that moment, as if it had read everything then.
Figures are not kept from inside a transaction (what it wrote may yet be rolled back). A write
from outside danvan (psql) is not seen, and a restore brings back older tokens: `danvan
figures_reset` (which `danvan restore` and `danvan migrate` do) makes every kept figure old.

Other things read on every request and seldom written are kept the same way with `kept(name,
key, compute)`, under a token of their own that `register_kept(name, tables=…)` ties to the
tables they are read from (a form's layout: its sections, indicators and rules). They may be
kept and read inside a transaction too, unless this connection has written those tables and
their token is not yet renewed: what a transaction reads of tables it has not written is
committed, and at least as new as the token read first (in a request, perhaps before the
transaction began: as new as the request's first read). Inside a page that reads from the
replica they are computed there and not kept: their objects belong to the replica's connection;
the figures' tokens are read there each time, never from what the request holds.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.cache import caches
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from danvan.lib import periods, replica

# (scopes, period) -> [{figure name: value} for each scope]; a scope is org.scopes.ReportingScope
GroupFunction = Callable[[Sequence[Any], periods.Period], list[dict[str, int | Decimal]]]
# (organisation id or None, period) -> the page listing the records behind the figures
RecordsUrl = Callable[[int | None, periods.Period], str]


@dataclass(frozen=True)
class DerivedSource:
    key: str  # "<group>.<figure>", what Indicator.derived_key names
    label: Any
    group: str
    figure: str


@dataclass(frozen=True)
class _Group:
    compute: GroupFunction
    records_url: RecordsUrl
    reads: frozenset[str]  # app labels whose tables the figures are counted from (org's too)


T = TypeVar("T")
logger = logging.getLogger(__name__)
_GROUPS: dict[str, _Group] = {}
_SOURCES: dict[str, DerivedSource] = {}
_KEPT: dict[str, frozenset[str]] = {}  # what else is kept (`kept`): name -> the tables it reads


def register_group(
    group: str,
    compute: GroupFunction,
    records_url: RecordsUrl,
    figures: dict[str, Any],
    *,
    reads: Sequence[str],
) -> None:
    """Register a group of derived figures: {figure name: label}. `compute(scopes, period)`
    returns the figures of each scope, in order, counted from the tables of the apps `reads`
    names (app labels) and org's: a write to any of them makes the group's kept figures old."""
    _GROUPS[group] = _Group(compute, records_url, frozenset(reads) | {"org"})
    _TABLE_GROUPS.clear()
    for figure, label in figures.items():
        key = f"{group}.{figure}"
        _SOURCES[key] = DerivedSource(key, label, group, figure)


def sources() -> list[DerivedSource]:
    return list(_SOURCES.values())


def get(key: str) -> DerivedSource | None:
    return _SOURCES.get(key)


def records_url(key: str, org_id: int | None, period: periods.Period) -> str:
    source = _SOURCES[key]
    return _GROUPS[source.group].records_url(org_id, period)


def reads(group: str) -> frozenset[str]:
    return _GROUPS[group].reads


def register_kept(name: str, *, tables: Sequence[str]) -> None:
    """Keep what `kept(name, …)` computes until a write to one of these tables (their names as
    in the database; a many-to-many table of one of them counts too)."""
    _KEPT[name] = frozenset(tables)
    _TABLE_GROUPS.clear()


# --- Kept figures and their tokens ---------------------------------------------------------

# INSERT [OR IGNORE/REPLACE: SQLite's bulk_create] INTO, UPDATE, DELETE FROM: the table written,
# its schema (public.) left out; after comments, and anywhere in a statement beginning WITH (a
# data-modifying CTE)
_WRITE = re.compile(
    r'(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(?:"?\w+"?\.)?"?(\w+)"?', re.I
)
_COMMENTS = re.compile(r"\A(?:\s+|/\*.*?\*/|--[^\n]*(?:\n|\Z))*", re.S)
_WITH = re.compile(r"WITH\b", re.I)
_TRUNCATE = re.compile(r"TRUNCATE\b", re.I)
_TABLE_GROUPS: dict[str, frozenset[str]] = {}
_paused = threading.local()  # while `migrate` runs: the token table may not exist yet
_renewals = [0]  # renewals made by this process: the tokens a request holds are old
# Inside a request, every token is read at its first need, in one query, and held to its end
# (or until this process renews some): a page reading a form's layout, the reporting units
# and the figures asks once, not three times. What it keeps is as new as at that moment.
_request = threading.local()


def _token_key(group: str) -> str:
    return f"token:{group}"


def _groups_of(table: str) -> frozenset[str]:
    """The groups counted from this table: those whose `reads` hold the app it belongs to
    (its name begins with the app label and an underscore, Django's default); and the kept
    things read from it (`register_kept`: the table or its many-to-many tables)."""
    found = _TABLE_GROUPS.get(table)
    if found is None:
        found = frozenset(
            name
            for name, group in _GROUPS.items()
            if any(table.startswith(f"{label}_") for label in group.reads)
        ) | frozenset(
            name
            for name, tables in _KEPT.items()
            if any(table == t or table.startswith(f"{t}_") for t in tables)
        )
        _TABLE_GROUPS[table] = found
    return found


def _renew(groups: Iterable[str]) -> bool:
    """New tokens for these groups, in one transaction: what was kept under the old ones is
    never read again. Django's database cache swallows its errors, so the tokens are read back:
    False if they did not take (the database locked, its connection lost)."""
    tokens = caches["figure_tokens"]
    new = {_token_key(g): secrets.token_hex(8) for g in groups}
    try:
        with transaction.atomic():
            tokens.set_many(new, timeout=None)
        if tokens.get_many(list(new)) != new:
            return False
        _renewals[0] += 1
        return True
    except DatabaseError:
        logger.exception("the derived figures' tokens could not be renewed")
        return False


def flush(connection: Any) -> None:
    """Renew the tokens of the groups written through this connection, once what was written
    is committed and no statement is in progress (not from inside the write's own statement:
    SQLite cannot write while an INSERT … RETURNING is being read). Groups whose renewal
    failed stay marked, to be renewed at the next chance."""
    written = getattr(connection, "figure_groups_written", None)
    if not written or connection.in_atomic_block or getattr(_paused, "on", False):
        return
    groups = set(written)
    written.clear()  # first: the renewal's own statements pass through _watch
    if not _renew(groups):
        logger.warning("derived figures of %s: tokens not renewed, to retry", ", ".join(groups))
        written.update(groups)


def _written(connection: Any, groups: Iterable[str]) -> None:
    written = getattr(connection, "figure_groups_written", None)
    if written is None:
        written = connection.figure_groups_written = set()
    written.update(groups)
    if connection.in_atomic_block and not any(
        getattr(f, "figures_flush", False) for _sids, f, _robust in connection.run_on_commit
    ):

        def after_commit() -> None:
            flush(connection)

        after_commit.figures_flush = True  # type: ignore[attr-defined]
        # robust: an error here must not stop the other hooks (a notification's e-mail)
        transaction.on_commit(after_commit, using=connection.alias, robust=True)


def _watch(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    connection = context["connection"]
    flush(connection)  # a write before this one, outside a transaction: committed, done
    result = execute(sql, params, many, context)
    groups = _written_groups(sql) if isinstance(sql, str) else frozenset()
    if groups:
        _written(connection, groups)  # renewed after the commit (or the next statement)
    return result


def _written_groups(sql: str) -> frozenset[str]:
    """The groups counted from the tables this statement writes."""
    skipped = _COMMENTS.match(sql)
    start = skipped.end() if skipped else 0
    if _WITH.match(sql, start):  # WITH … UPDATE t …: every table a write names
        return frozenset().union(*(_groups_of(t.lower()) for t in _WRITE.findall(sql, start)))
    match = _WRITE.match(sql, start)
    if match:
        return _groups_of(match.group(1).lower())
    if _TRUNCATE.match(sql, start):  # TRUNCATE "a", "b", … (a test database's flush)
        names = re.findall(r'"(\w+)"', sql) or re.findall(r"\w+", sql[start:])[1:]
        return frozenset().union(*(_groups_of(name.lower()) for name in names))
    return frozenset()


def watch_writes(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """`connection_created`: see every write this connection sends."""
    if _watch not in connection.execute_wrappers:
        # first: Django's execute_wrapper() context manager takes off the last one on leaving
        connection.execute_wrappers.insert(0, _watch)


def flush_all(**kwargs: Any) -> None:
    """`request_finished`: a request's last write outside a transaction."""
    for connection in connections.all(initialized_only=True):
        flush(connection)


def pause_watching(**kwargs: Any) -> None:
    """`pre_migrate`: migrations write before the token table exists."""
    _paused.on = True


def forget_all(**kwargs: Any) -> None:
    """`post_migrate` (sent for each app: ops's renews), `danvan figures_reset`: every group's
    kept figures are old."""
    _paused.on = False
    sender = kwargs.get("sender")
    if sender is None or sender.label == "ops":
        for connection in connections.all(initialized_only=True):
            getattr(connection, "figure_groups_written", set()).clear()
        _renew([*_GROUPS, *_KEPT])


def request_started(**kwargs: Any) -> None:
    """`request_started`: this request reads the tokens once, at its first need."""
    _request.held = {}
    _request.renewals = _renewals[0]


def request_ended(**kwargs: Any) -> None:
    """`request_finished`: what is read after (a script, a job) asks each time again."""
    _request.held = None


def _tokens(groups: Iterable[str]) -> dict[str, str]:
    # the replica's tokens may be older than the primary's the request holds: read there
    held: dict[str, str] | None = (
        None if replica.reading_replica() else getattr(_request, "held", None)
    )
    if held is not None and _request.renewals != _renewals[0]:  # renewed here since: read again
        held.clear()
        _request.renewals = _renewals[0]
    wanted = list(groups)
    if held is None or any(g not in held for g in wanted):
        names = wanted if held is None else [*_GROUPS, *_KEPT, *wanted]
        keys = {g: _token_key(g) for g in names}
        found = caches["figure_tokens"].get_many(list(keys.values()))
        read = {g: str(found.get(key, "-")) for g, key in keys.items()}
        if held is None:
            return read
        held.update(read)
    return {g: held[g] for g in wanted}


def kept(name: str, key: str, compute: Callable[[], T]) -> T:
    """What `compute()` returns, kept in this process under the token of `name` (registered with
    `register_kept`): computed again after a write to the tables it reads. One query (the
    token; in a request, every token at its first need) when kept."""
    connection = connections["default"]
    flush(connection)  # a write before, outside a transaction: its renewal first
    if name in getattr(connection, "figure_groups_written", ()):
        return compute()  # this connection wrote what it reads: not yet committed, or renewed
    if replica.reading_replica():
        return compute()  # read there, its objects the replica's: not for the primary's pages
    token = _tokens([name])[name]
    entry_key = f"{name}:{key}"
    entry = caches["figures"].get(entry_key)
    if entry is not None and entry[0] == token:
        return entry[1]  # type: ignore[no-any-return]
    value = compute()
    caches["figures"].set(entry_key, (token, value))
    return value


def _entry_key(group: str, scope: Hashable, period: periods.Period, today: str) -> str:
    digest = hashlib.blake2b(repr(scope).encode(), digest_size=12).hexdigest()
    return f"{group}:{period.code}:{today}:{digest}"


class Calculator:
    """Computes derived figures, each group once per (scope, period), and keeps them between
    requests until a write to what they count (see the module's text)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, Hashable, str], dict[str, int | Decimal]] = {}

    def prefetch(
        self, keys: Iterable[str], scopes: Sequence[Hashable], period: periods.Period
    ) -> None:
        """Compute the groups of these figures for all these scopes at once (a pivot's rows)."""
        groups = sorted({_SOURCES[key].group for key in keys if key in _SOURCES})
        today = timezone.localdate().isoformat()
        wanted = {
            (group, scope): _entry_key(group, scope, period, today)
            for group in groups
            for scope in dict.fromkeys(scopes)
            if (group, scope, period.code) not in self._cache
        }
        # In a transaction (a service storing a report's figures, or a test) they are computed
        # afresh and not kept: what it has written may yet be rolled back.
        keep = bool(wanted) and not connections["default"].in_atomic_block
        kept: dict[str, Any] = {}
        tokens: dict[str, str] = {}
        if keep:
            flush(connections["default"])
            tokens = _tokens(groups)  # in a request, read once with the others (`_tokens`)
            kept = caches["figures"].get_many(list(wanted.values()))
        missing: dict[str, list[Hashable]] = {group: [] for group in groups}
        for (group, scope), key in wanted.items():
            entry = kept.get(key)
            if entry is not None and entry[0] == tokens[group]:
                self._cache[(group, scope, period.code)] = dict(entry[1])
            else:
                missing[group].append(scope)
        to_keep: dict[str, tuple[str, dict[str, int | Decimal]]] = {}
        for group, scopes_missing in missing.items():
            if not scopes_missing:
                continue
            found = _GROUPS[group].compute(scopes_missing, period)
            for scope, figures in zip(scopes_missing, found, strict=True):
                self._cache[(group, scope, period.code)] = figures
                if keep:
                    to_keep[wanted[(group, scope)]] = (tokens[group], dict(figures))
        if to_keep:
            caches["figures"].set_many(to_keep)

    def value(self, key: str, scope: Hashable, period: periods.Period) -> Decimal | None:
        source = _SOURCES.get(key)
        if source is None:
            return None
        self.prefetch([key], [scope], period)
        figure = self._cache[(source.group, scope, period.code)].get(source.figure)
        return None if figure is None else Decimal(figure)
