"""What a figure is counted over: organisation subtrees, area subtrees, or both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from .models import Area, Organization, scope_for

if TYPE_CHECKING:
    from danvan.accounts.models import User


@dataclass(frozen=True)
class ReportingScope:
    """Organisations under these organisation paths, or located under these area paths."""

    org_paths: tuple[str, ...] = ()
    area_paths: tuple[str, ...] = ()

    @classmethod
    def of(cls, *nodes: Organization | Area) -> ReportingScope:
        return cls(
            org_paths=tuple(n.path for n in nodes if isinstance(n, Organization)),
            area_paths=tuple(n.path for n in nodes if isinstance(n, Area)),
        )

    @classmethod
    def for_user(cls, user: User, organization: Organization | None = None) -> ReportingScope:
        """What a user may see: the subtrees of their memberships (one organisation's subtree
        when `organization` is given, already checked to be in their scope)."""
        if organization is not None:
            return cls.of(organization)
        if user.is_superuser:
            return cls(
                org_paths=tuple(Organization.objects.filter(depth=1).values_list("path", flat=True))
            )
        return cls(org_paths=tuple(scope_for(user).org_paths))

    def q(self, field: str) -> Q:
        """A filter on a foreign key to Organization named `field`: it lies in the scope."""
        condition = Q(pk__in=[])
        for path in self.org_paths:
            condition |= Q(**{f"{field}__path__startswith": path})
        for path in self.area_paths:
            condition |= Q(**{f"{field}__area__path__startswith": path})
        return condition
