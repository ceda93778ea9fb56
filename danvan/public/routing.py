"""Which unit receives a citizen's petition about a commune (the public form, Open311, the API)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from danvan.org.models import Area, AreaLevel, Organization

# In order of preference: the kinds of commune unit that receive the people's petitions.
RECEIVING_KINDS = ("fatherland_front", "party_committee")


def _receiving() -> QuerySet[Organization]:
    return Organization.objects.filter(dissolved_on__isnull=True, kind__code__in=RECEIVING_KINDS)


def handling_unit(commune: Area) -> Organization | None:
    """The unit that receives a petition sent from the public pages about `commune`.

    The rule: the commune's Fatherland Front committee (kind `fatherland_front`) receives it —
    the Front gathers the people's petitions and forwards them (Law on the Vietnam Fatherland
    Front); where the commune has no active Front in danvan, its Party committee (kind
    `party_committee`) does. Only active units located at the commune itself count (not at a
    village below it, not the district or province above); among several of one kind, the
    outermost in the unit tree. None when the commune has neither: the public pages then do not
    offer the commune at all (`communes_receiving`), so a citizen never reaches a dead end.
    One query.
    """
    found = list(_receiving().filter(area=commune).select_related("kind").order_by("depth", "path"))
    for code in RECEIVING_KINDS:
        for unit in found:
            if unit.kind.code == code:
                return unit
    return None


def communes_receiving(today: datetime.date | None = None) -> QuerySet[Area]:
    """Communes valid today that have a unit receiving petitions, by name."""
    day = today or timezone.localdate()
    units = _receiving().filter(area=OuterRef("pk"))
    return (
        Area.objects.valid_on(day)
        .filter(level=AreaLevel.COMMUNE)
        .filter(Exists(units))
        .order_by("name", "path")
    )


def commune_by_code(code: str, today: datetime.date | None = None) -> Area | None:
    """A commune valid today named by its official code (Open311 `address_id`, the API)."""
    code = code.strip()
    if not code or len(code) > 20:
        return None
    return communes_receiving(today).filter(code=code).first()
