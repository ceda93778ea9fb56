"""History with its verb: who did what to a record, when, why, and which fields changed.

Every model keeps django-simple-history records built on `VerbHistory`, so each record can say
the act (approved, returned, signed, recognised…) beside the fields it changed. A service names
the actor, the verb and the reason with `attributed(instance, actor, reason, verb=...)` before it
saves; `history_for` turns the records into lines for a page or the API.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.signals import pre_create_historical_record

from danvan.lib.periods import check_days

# Bookkeeping that a person does not need to read: the tree's (a move shows as its reason),
# search copies, the id tying a recurring task's occurrences together.
HIDDEN_FIELDS = {"id", "path", "depth", "numchild", "search_name", "search_text", "series"}
# A soft delete or its undo shows as its verb («deleted», «restored») and who did it.
HIDDEN_FIELDS |= {"deleted_at", "deleted_by"}


# The acts of the work, shown in the reader's language whatever language the actor used.
VERBS: dict[str, Any] = {
    "submitted": pgettext_lazy("history act", "submitted"),
    "approved": pgettext_lazy("history act", "approved"),
    "returned": pgettext_lazy("history act", "returned"),
    "reopened": pgettext_lazy("history act", "reopened"),
    "signed": pgettext_lazy("history act", "signed"),
    "ended": pgettext_lazy("history act", "ended"),
    "renewed": pgettext_lazy("history act", "renewed"),
    "appraised": pgettext_lazy("history act", "appraised"),
    "recognised": pgettext_lazy("history act", "recognised"),
    "raised": pgettext_lazy("history act", "level raised"),
    "commended": pgettext_lazy("history act", "commended"),
    "not_recognised": pgettext_lazy("history act", "not recognised"),
    "replicated": pgettext_lazy("history act", "adopted"),
    "concluded": pgettext_lazy("history act", "concluded"),
    "answered": pgettext_lazy("history act", "answered"),
    "replaced": pgettext_lazy("history act", "replaced"),
    "dissolved": pgettext_lazy("history act", "dissolved"),
    "moved": pgettext_lazy("history act", "moved"),
    "progress_lowered": pgettext_lazy("history act", "progress lowered"),
    "revoked": pgettext_lazy("history act", "revoked"),
    "resolved": pgettext_lazy("history act", "resolved"),
    "followed_up": pgettext_lazy("history act", "followed up"),
    "removed": pgettext_lazy("history act", "removed"),
    "alert_raised": pgettext_lazy("history act", "alert raised"),
    "acknowledged": pgettext_lazy("history act", "acknowledged"),
    "assigned": pgettext_lazy("history act", "assigned"),
    "closed": pgettext_lazy("history act", "closed"),
    "held": pgettext_lazy("history act", "held"),
    "published": pgettext_lazy("history act", "published"),
    "cancelled": pgettext_lazy("history act", "cancelled"),
    "kept": pgettext_lazy("history act", "kept"),
    "not_kept": pgettext_lazy("history act", "not kept"),
    "accepted": pgettext_lazy("history act", "accepted"),
    "referred": pgettext_lazy("history act", "referred"),
    "refused": pgettext_lazy("history act", "refused"),
    "extended": pgettext_lazy("history act", "extended"),
    "settled": pgettext_lazy("history act", "settled"),
    "confirmed": pgettext_lazy("history act", "confirmed"),
    "merged": pgettext_lazy("history act", "merged"),
    "attached": pgettext_lazy("history act", "files added"),
    "deleted": pgettext_lazy("history act", "deleted"),
    "restored": pgettext_lazy("history act", "restored"),
    "invited": pgettext_lazy("history act", "invited"),
    "connection_checked": pgettext_lazy("history act", "connection checked"),
    "done": pgettext_lazy("history act", "done"),
}


class VerbHistory(models.Model):
    """The base of every historical record: the act that wrote it, if it was one of VERBS."""

    history_verb = models.CharField(max_length=30, blank=True, default="")

    class Meta:
        abstract = True


def attributed(instance: Any, actor: Any, reason: str = "", *, verb: str = "") -> Any:
    """Name the actor, the act and its reason in the history entry the instance's next save
    writes. The reason is the person's own words (a comment, a why), never a translated label.

    A record a person saves must hold its days within the years danvan knows
    (`lib.periods.check_days`); the system's own writes (jobs, a citizen's filing) set theirs
    from today, and must not stop on a record stored before that rule."""
    if verb and verb not in VERBS:
        raise ValueError(f"unknown history verb {verb!r}")
    if actor is not None:
        check_days(instance)
        instance._history_user = actor
    else:  # the system or a citizen: not whoever saved this object before
        instance.__dict__.pop("_history_user", None)
    instance._change_reason = reason or None
    instance._history_verb = verb
    return instance


def save_if_changed(
    instance: models.Model, actor: Any, reason: str = "", *, verb: str = ""
) -> bool:
    """Save an edit of a stored record with its history entry, unless it leaves every field as
    the database holds it (an API client putting the same values back, a form sent twice):
    then nothing is written and the history gains no empty «changed» line. True if it saved.
    An act (`verb`, a move say) is always recorded.

    It compares with the stored row, not with the instance as the caller got it, because a
    model form may have set the new values on the instance already. A many-to-many change is
    recorded by its own signal, whether or not this saves."""
    attributed(instance, actor, reason, verb=verb)
    if verb or instance.pk is None or _differs_from_stored(instance):
        instance.save()
        return True
    return False


def _differs_from_stored(instance: models.Model) -> bool:
    names = [
        f.attname
        for f in instance._meta.concrete_fields
        if not f.primary_key and not getattr(f, "auto_now", False)
    ]
    stored = type(instance)._base_manager.filter(pk=instance.pk).values(*names).first()
    return stored is None or any(stored[name] != getattr(instance, name) for name in names)


@receiver(pre_create_historical_record)
def _record_verb(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    if hasattr(history_instance, "history_verb"):
        history_instance.history_verb = getattr(instance, "_history_verb", "")
        instance._history_verb = ""  # one act, one record


def short_date(day: datetime.date | None) -> str:
    """dd/mm/yyyy as agencies write it; "…" for an open end."""
    return date_format(day, "d/m/Y") if day else "…"


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    subject: str = ""  # which record, when a list mixes several (e.g. the members of a unit)
    verb: str = ""  # the act, a key of VERBS, when the entry records one


# How much of a long value (a JSON document, a text) a history line shows.
LONGEST_VALUE = 500
GEOJSON_TYPES = {
    "Feature", "FeatureCollection", "GeometryCollection", "Point", "MultiPoint",
    "LineString", "MultiLineString", "Polygon", "MultiPolygon",
}  # fmt: skip


def _shorten(text: str) -> str:
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1].rstrip() + "…"


def _file_name(value: Any) -> str:
    """A stored file by its name, not the storage path it was filed under."""
    return PurePosixPath(str(getattr(value, "name", value) or "")).name or "—"


def _points(value: Any) -> int:
    """How many positions a GeoJSON geometry holds."""
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, int | float) for v in value):
            return 1
        return sum(_points(v) for v in value)
    if isinstance(value, dict):
        parts = ("coordinates", "geometry", "features", "geometries")
        return sum(_points(value[k]) for k in parts if k in value)
    return 0


def json_text(value: Any) -> str:
    """A JSON value as a person reads it: «key: value; …», lists with commas, numbers in the
    reader's notation, a map shape by its size rather than its coordinates. Keys in sorted order:
    PostgreSQL's jsonb keeps its own order, so the same value reads the same on any database."""
    if isinstance(value, dict):
        if value.get("type") in GEOJSON_TYPES:
            n = _points(value)
            return ngettext("map shape, %(n)s point", "map shape, %(n)s points", n) % {
                "n": number_format(n)
            }
        parts = [
            f"{str(key).replace('_', ' ')}: {json_text(item)}"
            for key, item in sorted(value.items(), key=lambda pair: str(pair[0]))
            if item not in (None, "", [], {})
        ]
        return "; ".join(parts) or "—"
    if isinstance(value, list):
        nested = any(isinstance(item, dict | list) for item in value)
        return ("; " if nested else ", ").join(json_text(item) for item in value) or "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal | float | int):
        return number_format(value)
    return "—" if value is None else str(value)


# How a field that holds keys without `choices` is read (a list of keys in one text, say):
# (model, field name) -> a function of the stored value, registered by the app's ready().
_SHOWN_AS: dict[tuple[type[models.Model], str], Callable[[Any], str]] = {}


def register_display(model: type[models.Model], field: str, show: Callable[[Any], str]) -> None:
    """History lines show this field's values as `show(value)` says, not as stored."""
    _SHOWN_AS[(model, field)] = show


def _display(
    model_field: models.Field | None, value: Any, names: dict[tuple[type, Any], str]
) -> str:
    if value is None or value == "":
        return "—"
    if model_field is None:
        return str(value)
    show = _SHOWN_AS.get((getattr(model_field, "model", None), model_field.name))  # type: ignore[arg-type]
    if show is not None:
        return show(value)
    if model_field.many_to_many and isinstance(value, list):  # a list of through-row dicts
        return ", ".join(sorted(_m2m_names(model_field, value, names))) or "—"
    if isinstance(model_field, models.FileField):
        return _file_name(value)
    if isinstance(model_field, models.JSONField):
        return _shorten(json_text(value))
    if model_field.is_relation and model_field.related_model is not None:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal | float | int):
        return number_format(value)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    return str(value)


def _m2m_target_pk(row: dict[str, Any], target: Any) -> Any:
    """The related row's key in a through-row dict: `to_area` (to self) or `organization`."""
    name = target._meta.model_name
    for key in (f"to_{name}", name, f"{name}_id"):
        if row.get(key) is not None:
            return row[key]
    return next((v for k, v in row.items() if k.startswith("to_")), None)


def _m2m_names(model_field: Any, rows: list[dict[str, Any]], names: dict) -> list[str]:
    target = model_field.related_model
    return [names.get((target, pk), f"#{pk}") for pk in (_m2m_target_pk(r, target) for r in rows)]


def history_for(instance: models.Model, limit: int = 50) -> list[HistoryEntry]:
    """The record's history, newest first, each entry with the fields it changed."""
    records = instance.history.select_related("history_user")  # type: ignore[attr-defined]
    return history_for_many(type(instance), records, limit=limit, known=loaded_relations(instance))


def loaded_relations(instance: models.Model) -> dict[tuple[type, Any], models.Model]:
    """The rows the record already holds (its foreign keys read with it, select_related), by
    (model, pk): the history names them without asking the database again."""
    held: dict[tuple[type, Any], models.Model] = {}
    for f in instance._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.is_cached(instance):
            related = getattr(instance, f.name)
            if related is not None:
                held[(f.related_model, related.pk)] = related
    return held


def history_for_many(
    model: type[models.Model],
    records: Any,
    *,
    subject: Callable[[Any], str] | None = None,
    limit: int = 50,
    known: dict[tuple[type, Any], models.Model] | None = None,
) -> list[HistoryEntry]:
    """The history of several records of one model, newest first; `subject` names each.
    `known`: related rows already read, named without a query."""
    ordered = list(records.order_by("history_date", "history_id"))
    fields: dict[str, Any] = {f.name: f for f in model._meta.get_fields() if hasattr(f, "attname")}
    raw: list[tuple[Any, list[tuple[str, Any, Any]]]] = []
    previous_of: dict[Any, Any] = {}
    for record in ordered:
        previous = previous_of.get(record.id)
        diffs: list[tuple[str, Any, Any]] = []
        if previous is None:
            for name, model_field in fields.items():
                if name in HIDDEN_FIELDS or model_field.many_to_many:
                    continue
                value = getattr(record, getattr(model_field, "attname", name), None)
                if value not in (None, "", False, [], {}):
                    diffs.append((name, None, value))
        else:
            delta = record.diff_against(previous)
            diffs = [(c.field, c.old, c.new) for c in delta.changes if c.field not in HIDDEN_FIELDS]
        raw.append((record, diffs))
        previous_of[record.id] = record
    names = _related_names(fields, raw, known)
    entries = []
    for record, diffs in raw:
        changes = [
            Change(
                field=str(fields[name].verbose_name) if name in fields else name,
                old=_display(fields.get(name), old, names) if old is not None else "",
                new=_display(fields.get(name), new, names),
            )
            for name, old, new in diffs
        ]
        reason = record.history_change_reason or ""
        verb = getattr(record, "history_verb", "")
        if not changes and not reason and not verb:
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else _("system"),
                action=str(VERBS[verb])
                if verb in VERBS
                else {"+": _("created"), "~": _("changed"), "-": _("deleted")}[record.history_type],
                verb=verb,
                reason=reason,
                changes=changes,
                subject=subject(record) if subject else "",
            )
        )
    entries.reverse()
    return entries[:limit]


def _related_names(
    fields: dict[str, Any],
    raw: list[tuple[Any, list[tuple[str, Any, Any]]]],
    known: dict[tuple[type, Any], models.Model] | None = None,
) -> dict[tuple[type, Any], str]:
    """Names of every related row the diffs mention, one query per related model (none for
    the rows already read, `known`)."""
    wanted: dict[type, set[Any]] = {}
    for _record, diffs in raw:
        for name, old, new in diffs:
            model_field = fields.get(name)
            if model_field is None or not model_field.is_relation:
                continue
            target = model_field.related_model
            for value in (old, new):
                if isinstance(value, list):
                    for row in value:
                        wanted.setdefault(target, set()).add(_m2m_target_pk(row, target))
                elif value is not None:
                    wanted.setdefault(target, set()).add(value)
    names: dict[tuple[type, Any], str] = {}
    for (target, pk), obj in (known or {}).items():
        if pk in wanted.get(target, ()):
            names[(target, pk)] = str(obj)
            wanted[target].discard(pk)
    for target, pks in wanted.items():
        if not pks:
            continue
        for obj in target._base_manager.filter(pk__in=pks):  # type: ignore[attr-defined]
            names[(target, obj.pk)] = str(obj)
    return names
