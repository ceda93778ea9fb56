"""Areas, organisations, memberships and roles: the ground floor every other app stands on."""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from danvan.lib.history import VerbHistory
from danvan.lib.text import fold

if TYPE_CHECKING:
    from danvan.accounts.models import User


# --- Roles and what they may do -------------------------------------------------------------


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    LEADER = "leader", _("Leader")
    SPECIALIST = "specialist", _("Specialist")
    REPORTER = "reporter", _("Reporter")
    VIEWER = "viewer", _("Viewer")


class Verb(models.TextChoices):
    READ = "read", _("read")
    EDIT = "edit", _("edit")
    SUBMIT = "submit", _("submit")
    APPROVE = "approve", _("approve")
    ADMINISTER = "administer", _("administer")


# The one permission table: which verbs each role grants over its organisation's subtree.
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Verb.values),
    Role.LEADER: frozenset(Verb.values),
    Role.SPECIALIST: frozenset({Verb.READ, Verb.EDIT, Verb.SUBMIT}),
    Role.REPORTER: frozenset({Verb.READ, Verb.EDIT, Verb.SUBMIT}),
    Role.VIEWER: frozenset({Verb.READ}),
}

# Roles ordered from most to least powerful; nobody may grant a role above their own.
ROLE_RANK = {Role.ADMIN: 0, Role.LEADER: 1, Role.SPECIALIST: 2, Role.REPORTER: 3, Role.VIEWER: 4}


# --- Areas ---------------------------------------------------------------------------------


class AreaLevel(models.TextChoices):
    """The tier of an administrative unit, not its kind: a ward (phường) or a special zone is a
    commune-level unit, a centrally-run city is a province-level one, so the labels name the
    tier («cấp xã»), and the unit's own name says what it is («Phường Trường Thi»)."""

    PROVINCE = "province", pgettext_lazy("area level", "Province")
    DISTRICT = "district", pgettext_lazy("area level", "District")
    COMMUNE = "commune", pgettext_lazy("area level", "Commune")
    VILLAGE = "village", pgettext_lazy("area level", "Village")


LEVEL_DEPTH = {
    AreaLevel.PROVINCE: 1,
    AreaLevel.DISTRICT: 2,
    AreaLevel.COMMUNE: 3,
    AreaLevel.VILLAGE: 4,
}


class TreeQuerySet(MP_NodeQuerySet):
    """Tree reads by materialised path, which (unlike a cached numchild) is never stale."""

    def children_of(self, node: MP_Node) -> Any:
        return self.filter(path__startswith=node.path, depth=node.depth + 1)

    def ancestors_of(self, node: MP_Node) -> Any:
        step = node.steplen
        paths = [node.path[: step * level] for level in range(1, node.depth)]
        return self.filter(path__in=paths).order_by("depth")

    def parent_of(self, node: MP_Node) -> Any:
        if node.depth <= 1:
            return None
        return self.filter(path=node.path[: -node.steplen]).first()

    def subtree_of(self, paths: list[str]) -> Any:
        """Rows in the subtrees rooted at these materialised paths."""
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        return self.filter(condition)


TREE_FIELDS = frozenset({"path", "depth", "numchild"})


def save_without_tree_fields(node: MP_Node, kwargs: dict[str, Any]) -> None:
    """An existing node's save never writes path, depth or numchild: only treebeard moves them.

    An instance read before children were added elsewhere holds a stale numchild; writing it
    back would corrupt the tree.
    """
    if node.pk is not None and not node._state.adding and "update_fields" not in kwargs:
        kwargs["update_fields"] = [
            f.name
            for f in node._meta.concrete_fields
            if not f.primary_key and f.name not in TREE_FIELDS
        ]


class TreeManager(MP_NodeManager):
    """Treebeard's manager, returning the model's own queryset class."""

    queryset_class: type[TreeQuerySet] = TreeQuerySet

    def get_queryset(self) -> Any:
        return self.queryset_class(self.model, using=self._db).order_by("path")

    def visible_to(self, user: User) -> Any:
        return self.get_queryset().visible_to(user)

    def children_of(self, node: MP_Node) -> Any:
        return self.get_queryset().children_of(node)

    def ancestors_of(self, node: MP_Node) -> Any:
        return self.get_queryset().ancestors_of(node)

    def parent_of(self, node: MP_Node) -> Any:
        return self.get_queryset().parent_of(node)

    def active(self) -> Any:
        return self.get_queryset().active()

    def valid_on(self, day: datetime.date) -> Any:
        return self.get_queryset().valid_on(day)


def valid_on_q(day: datetime.date) -> Q:
    """Areas valid on that day (open ends count as valid)."""
    return Q(Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & Q(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


class AreaQuerySet(TreeQuerySet):
    def visible_to(self, user: User) -> AreaQuerySet:
        """The one rule for areas: the area subtrees of the user's organisations."""
        if user.is_superuser:
            return self.all()
        return self.subtree_of(scope_for(user).area_paths)

    def valid_on(self, day: datetime.date) -> AreaQuerySet:
        return self.filter(valid_on_q(day))


class AreaManager(TreeManager):
    queryset_class = AreaQuerySet  # type: ignore[assignment]


class Area(MP_Node):
    """An administrative unit (province, district, commune, village), valid over dates."""

    code = models.CharField(_("official code"), max_length=20, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="predecessors",
        blank=True,
        verbose_name=_("successors"),
    )
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, validators=[MaxValueValidator(200_000_000)]
    )
    ethnic_minority_pct = models.DecimalField(
        _("ethnic minority share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_border = models.BooleanField(_("border area"), default=False)
    search_name = models.CharField(max_length=250, editable=False, db_index=True)

    history = HistoricalRecords(
        bases=[VerbHistory], m2m_fields=[successors], excluded_fields=["search_name"]
    )
    objects = AreaManager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="area_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A denormalised, diacritic-free copy so search works the same on SQLite and PostgreSQL.
        self.search_name = fold(f"{self.name} {self.code}")
        save_without_tree_fields(self, kwargs)
        super().save(*args, **kwargs)

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def has_ended(self) -> bool:
        return self.valid_to is not None and self.valid_to < timezone.localdate()


# --- Organisations ------------------------------------------------------------------------


class OrganizationKind(models.Model):
    """A kind of organisation; a table, because kinds are merged and renamed (as in 2025)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords(bases=[VerbHistory])

    class Meta:
        verbose_name = _("organisation kind")
        verbose_name_plural = _("organisation kinds")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name if (get_language() or "vi").startswith("vi") else self.name_en


class OrganizationQuerySet(TreeQuerySet):
    def visible_to(self, user: User) -> OrganizationQuerySet:
        """The one rule for organisations: the union of the subtrees of the user's memberships."""
        if user.is_superuser:
            return self.all()
        return self.subtree_of(scope_for(user).org_paths)

    def active(self) -> OrganizationQuerySet:
        return self.filter(dissolved_on__isnull=True)


class OrganizationManager(TreeManager):
    queryset_class = OrganizationQuerySet  # type: ignore[assignment]


class Organization(MP_Node):
    """A unit of the political system (Party committee, commission, Front, …), in an area."""

    name = models.CharField(_("name"), max_length=250)
    abbreviation = models.CharField(_("abbreviation"), max_length=50, blank=True)
    kind = models.ForeignKey(
        OrganizationKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("area")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )
    search_name = models.CharField(max_length=300, editable=False, db_index=True)

    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["search_name"])
    objects = OrganizationManager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = fold(f"{self.name} {self.abbreviation}")
        save_without_tree_fields(self, kwargs)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None


# --- Predecessors, precomputed (org/lineage.py) ---------------------------------------------


class OrganizationPredecessor(models.Model):
    """Derived, kept by the services that record successors: `predecessor`'s history counts
    towards `node` (its outermost predecessors only). No history: rebuilt from the successors."""

    node = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    predecessor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "predecessor"], name="org_predecessor_key")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.node_id}"


class AreaPredecessor(models.Model):
    """The same for areas (`Area.successors`)."""

    node = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    predecessor = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "predecessor"], name="area_predecessor_key")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.node_id}"


# --- Memberships and invitations ----------------------------------------------------------


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(ended_on__isnull=True)

    def visible_to(self, user: User) -> MembershipQuerySet:
        """The one rule for memberships: those of organisations the user sees, and their own."""
        if user.is_superuser:
            return self.all()
        return self.filter(_in_scope(user, "organization") | Q(user_id=user.pk))


class Membership(models.Model):
    """A user's role in an organisation; it covers the organisation's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    history = HistoricalRecords(bases=[VerbHistory])
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__path", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(ended_on__isnull=True),
                name="one_active_membership_per_organization",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organization}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def visible_to(self, user: User) -> InvitationQuerySet:
        """The one rule for invitations: those into organisations the user sees."""
        if user.is_superuser:
            return self.all()
        return self.filter(_in_scope(user, "organization"))


class Invitation(models.Model):
    """A one-time link by e-mail that makes its holder a member with a role."""

    email = models.EmailField(_("e-mail"))
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    # The token's hash stays out of the history: it is a key, not a fact of the record.
    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["token_hash"])
    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def status_label(self) -> str:
        if self.accepted_at:
            return str(_("accepted"))
        if self.revoked_at:
            return str(_("revoked"))
        if self.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("pending"))


# --- A user's scope, cached per request -----------------------------------------------------


def _in_scope(user: User, field: str) -> Q:
    """The shared scope expression: a foreign key to Organization lies in the user's scope."""
    from .scopes import ReportingScope  # scopes reads this module's trees

    return ReportingScope.for_user(user).q(field)


class Scope:
    """The paths a user's active memberships cover, and the roles held on each."""

    def __init__(self, memberships: list[tuple[str, str, str]]) -> None:
        self.entries = memberships  # (organisation path, role, area path)
        self.org_paths = _outermost(sorted({path for path, _r, _a in memberships}))
        self.area_paths = _outermost(sorted({area for _p, _r, area in memberships}))

    def verbs_on(self, path: str) -> set[str]:
        verbs: set[str] = set()
        for org_path, role, _area in self.entries:
            if path.startswith(org_path):
                verbs |= PERMISSIONS[role]
        return verbs

    def best_role_on(self, path: str) -> str | None:
        roles = [role for org_path, role, _a in self.entries if path.startswith(org_path)]
        return min(roles, key=lambda r: ROLE_RANK[Role(r)]) if roles else None


def _outermost(paths: list[str]) -> list[str]:
    """Drop paths inside another path of the list, so filters stay short."""
    kept: list[str] = []
    for path in paths:  # sorted: an ancestor comes before its descendants
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_for(user: User) -> Scope:
    """The user's scope, computed once per user object (that is, once per request)."""
    cached: Scope | None = getattr(user, "_danvan_scope", None)
    if cached is None:
        if not user.is_authenticated:
            cached = Scope([])
        else:
            rows = Membership.objects.active().filter(
                user_id=user.pk, organization__dissolved_on__isnull=True
            )
            cached = Scope(
                list(rows.values_list("organization__path", "role", "organization__area__path"))
            )
        user._danvan_scope = cached  # type: ignore[union-attr,attr-defined]
    return cached


def forget_scope(user: User) -> None:
    """Drop the cached scope after the user's memberships changed."""
    if hasattr(user, "_danvan_scope"):
        del user._danvan_scope
