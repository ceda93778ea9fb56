"""Bring areas in: today's units from `vietnam-provinces`, history from a CSV file.

CSV format (UTF-8, header row, comma-separated), one area a row:

    code,name,level,parent_code,valid_from,valid_to,successor_codes

- level: province, district, commune or village
- parent_code: empty for a province; otherwise the code of an area in the file or
  already registered, valid when the row starts (codes may be reused over time)
- valid_from / valid_to: empty, YYYY-MM-DD or DD/MM/YYYY
- successor_codes: codes separated by ';' — the units this one was merged into

Either every row is good and all are imported, or nothing is and every bad row is reported
with its line number.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from vietnam_provinces import Province, Ward

from .areas import area_create, area_successors_set
from .models import LEVEL_DEPTH, Area, AreaLevel

if TYPE_CHECKING:
    from danvan.accounts.models import User

# The 2025 reform (Resolution 202/2025/QH15) took effect on this day.
REFORM_DAY = datetime.date(2025, 7, 1)
CSV_COLUMNS = ["code", "name", "level", "parent_code", "valid_from", "valid_to", "successor_codes"]


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def areas_load_current(*, province_codes: list[str] | None = None) -> LoadResult:
    """Load today's provinces and communes (offline, from vietnam-provinces); idempotent."""
    result = LoadResult()
    wanted = {c.zfill(2) for c in province_codes} if province_codes else None
    wards_by_province: dict[str, list[Ward]] = {}
    for ward in Ward.iter_all():
        wards_by_province.setdefault(f"{int(ward.province_code):02d}", []).append(ward)
    for province in sorted(Province.iter_all(), key=lambda p: int(p.code)):
        code = f"{int(province.code):02d}"
        if wanted is not None and code not in wanted:
            continue
        province_area = _upsert(
            result, parent=None, code=code, name=province.name, level=AreaLevel.PROVINCE
        )
        for ward in sorted(wards_by_province.get(code, []), key=lambda w: int(w.code)):
            _upsert(
                result,
                parent=province_area,
                code=f"{int(ward.code):05d}",
                name=ward.name,
                level=AreaLevel.COMMUNE,
                valid_from=REFORM_DAY,
            )
    if wanted is not None:
        missing = wanted - {f"{int(p.code):02d}" for p in Province.iter_all()}
        if missing:
            raise ValidationError(
                _("No province with code %(codes)s today.") % {"codes": ", ".join(sorted(missing))}
            )
    return result


def _upsert(
    result: LoadResult,
    *,
    parent: Area | None,
    code: str,
    name: str,
    level: str,
    valid_from: datetime.date | None = None,
) -> Area:
    existing = Area.objects.filter(code=code, level=level, valid_to__isnull=True)
    if parent is not None:
        existing = existing.filter(path__startswith=parent.path)
    area = existing.first()
    if area is None:
        result.created += 1
        return area_create(
            actor=None, parent=parent, code=code, name=name, level=level, valid_from=valid_from
        )
    if area.name != name:
        area.name = name
        area.save()
        result.updated += 1
    else:
        result.unchanged += 1
    return area


# --- CSV -----------------------------------------------------------------------------------


class ImportError_(ValidationError):
    """Every bad row, as (line number, message)."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        self.rows = rows
        super().__init__([f"{_('Line')} {line}: {message}" for line, message in rows])


def _parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a plain date
        except ValueError:
            continue
    raise ValueError(
        _("«%(text)s» is not a date; write YYYY-MM-DD or DD/MM/YYYY.") % {"text": text}
    )


def _message(error: ValidationError) -> str:
    """One line for a CSV row, naming fields as the user knows them (“Mã hành chính”)."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for field, messages in error.message_dict.items():
        try:
            label = str(Area._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:
            label = field
        parts.append(f"{label[:1].upper()}{label[1:]}: {' '.join(messages)}")
    return " ".join(parts)


@dataclass
class _Row:
    line: int
    code: str
    name: str
    level: str
    parent_code: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    successor_codes: list[str]


def _find(code: str, day: datetime.date | None, level_above: str | None = None) -> Area | None:
    """The area with this code that is valid on `day` (codes are reused over time)."""
    candidates = Area.objects.filter(code=code)
    if level_above is not None:
        depth = LEVEL_DEPTH[AreaLevel(level_above)]
        candidates = [a for a in candidates if LEVEL_DEPTH[AreaLevel(a.level)] < depth]
    matches = [a for a in candidates if day is None or a.is_valid_on(day)]
    if not matches and day is None:
        return None
    return matches[0] if len(matches) == 1 else (matches[0] if matches else None)


@transaction.atomic
def areas_import_csv(*, actor: User | None, text: str) -> int:
    """Import areas from CSV text; all rows or none. Returns how many were created."""
    errors: list[tuple[int, str]] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[:3] if c not in header]
    if missing:
        raise ImportError_(
            [
                (
                    1,
                    _("The header must name the columns: %(cols)s.")
                    % {"cols": ",".join(CSV_COLUMNS)},
                )
            ]
        )
    rows: list[_Row] = []
    for line, raw in enumerate(reader, start=2):
        data = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        if not any(data.values()):
            continue
        try:
            level = data.get("level", "").lower()
            if level not in AreaLevel.values:
                raise ValueError(
                    _("level «%(level)s» must be province, district, commune or village.")
                    % {"level": level}
                )
            rows.append(
                _Row(
                    line=line,
                    code=data.get("code", ""),
                    name=data.get("name", ""),
                    level=level,
                    parent_code=data.get("parent_code", ""),
                    valid_from=_parse_date(data.get("valid_from", "")),
                    valid_to=_parse_date(data.get("valid_to", "")),
                    successor_codes=[
                        c.strip() for c in data.get("successor_codes", "").split(";") if c.strip()
                    ],
                )
            )
        except ValueError as exc:
            errors.append((line, str(exc)))
    # Parents first, so a row may name a parent defined further down the file.
    rows.sort(key=lambda r: (LEVEL_DEPTH[AreaLevel(r.level)], r.line))
    created: dict[int, Area] = {}
    for row in rows:
        parent = None
        if row.parent_code:
            parent = _find(row.parent_code, row.valid_from or row.valid_to, level_above=row.level)
            if parent is None:
                errors.append(
                    (
                        row.line,
                        _("parent code %(code)s is not a known area valid at that time.")
                        % {"code": row.parent_code},
                    )
                )
                continue
        try:
            created[row.line] = area_create(
                actor=actor,
                parent=parent,
                code=row.code,
                name=row.name,
                level=row.level,
                valid_from=row.valid_from,
                valid_to=row.valid_to,
            )
        except ValidationError as exc:
            errors.append((row.line, _message(exc)))
        except PermissionDenied as exc:
            errors.append((row.line, str(exc)))
    for row in rows:
        if row.line not in created or not row.successor_codes:
            continue
        area = created[row.line]
        after = area.valid_to + datetime.timedelta(days=1) if area.valid_to else None
        successors = []
        for code in row.successor_codes:
            successor = _find(code, after)
            if successor is None or successor.pk == area.pk:
                errors.append(
                    (row.line, _("successor code %(code)s is not a known area.") % {"code": code})
                )
            else:
                successors.append(successor)
        area_successors_set(area=area, successors=successors)
    if errors:
        transaction.set_rollback(True)
        raise ImportError_(sorted(errors))
    return len(created)
