"""Who sees what: the demo accounts' scopes, and the rule over random trees."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.accounts.models import User
from danvan.org import demo, services
from danvan.org.models import Area, AreaLevel, Membership, Organization, OrganizationKind, Role


@pytest.fixture
def demo_province(db: None) -> None:
    demo.load(io.StringIO())


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def _subtree_ids(email: str) -> set[int]:
    user = User.objects.get(email=email)
    ids: set[int] = set()
    for m in Membership.objects.active().filter(user=user):
        ids |= set(
            Organization.objects.filter(path__startswith=m.organization.path).values_list(
                "pk", flat=True
            )
        )
    return ids


def _api_ids(client: Client) -> set[int]:
    """Every organisation the API lists, page by page."""
    ids: set[int] = set()
    page = 1
    while True:
        response = client.get("/api/v1/organizations", {"page": page, "page_size": 100})
        assert response.status_code == 200
        body = response.json()
        ids |= {row["id"] for row in body["items"]}
        if len(ids) >= body["count"]:
            return ids
        page += 1


@pytest.mark.django_db
def test_each_demo_account_sees_exactly_its_scope(demo_province: None) -> None:
    everything = set(Organization.objects.values_list("pk", flat=True))
    front_a = Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Mường Xén")
    front_b = Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Mỹ Lý")
    assert _api_ids(_client("admin@demo.danvan.vn")) == everything
    assert _api_ids(_client("tinh@demo.danvan.vn")) == everything  # the whole province
    assert _api_ids(_client("lanhdao@demo.danvan.vn")) == everything
    assert _api_ids(_client("xa@demo.danvan.vn")) == {front_a.pk}
    assert _api_ids(_client("xa2@demo.danvan.vn")) == {front_b.pk}
    border = _api_ids(_client("bienphong@demo.danvan.vn"))
    assert border == _subtree_ids("bienphong@demo.danvan.vn") and len(border) == 3


@pytest.mark.django_db
def test_xa_gets_404_for_xa2s_organisation_everywhere(demo_province: None) -> None:
    front_b = Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Mỹ Lý")
    xa = _client("xa@demo.danvan.vn")
    assert xa.get(f"/orgs/{front_b.pk}/").status_code == 404
    assert xa.get(f"/orgs/{front_b.pk}/children/").status_code == 404
    assert xa.get(f"/orgs/{front_b.pk}/edit/").status_code == 404
    assert xa.get(f"/api/v1/organizations/{front_b.pk}").status_code == 404
    assert xa.get(f"/api/v1/areas/{front_b.area_id}").status_code == 404
    # …and the same answer as for an id that does not exist at all.
    assert xa.get("/orgs/999999/").status_code == 404
    assert (
        xa.get("/api/v1/organizations/999999").json()
        == xa.get(f"/api/v1/organizations/{front_b.pk}").json()
    )
    assert _client("xa2@demo.danvan.vn").get(f"/orgs/{front_b.pk}/").status_code == 200


@pytest.mark.django_db
def test_demo_areas_scope(demo_province: None) -> None:
    xa = _client("xa@demo.danvan.vn")
    codes = {row["code"] for row in xa.get("/api/v1/areas").json()["items"]}
    assert codes == {"16813"}
    tinh_count = _client("tinh@demo.danvan.vn").get("/api/v1/areas").json()["count"]
    assert tinh_count == Area.objects.count()


# --- The rule, over random trees -----------------------------------------------------------

trees = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=25)
membership_picks = st.lists(st.tuples(st.integers(0, 40), st.sampled_from(Role.values)), max_size=5)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parents=trees, picks=membership_picks, ended=st.lists(st.booleans(), max_size=5))
def test_visible_equals_union_of_membership_subtrees(
    parents: list[int], picks: list[tuple[int, str]], ended: list[bool]
) -> None:
    Membership.objects.all().delete()
    Organization.objects.all().delete()
    Area.objects.all().delete()
    User.objects.all().delete()
    area = Area.objects.add_root(
        create_kwargs={"code": "99", "name": "Tỉnh thử", "level": AreaLevel.PROVINCE}
    )
    kind = OrganizationKind.objects.get(code="mass_organization")
    nodes: list[Organization] = []
    # Node i hangs under an earlier node (or is a root): any random forest.
    for i, choice in enumerate(parents):
        parent = nodes[choice % i] if i and choice % 3 else None
        nodes.append(
            services.organization_create(
                actor=None, parent=parent, name=f"Đơn vị {i}", kind=kind, area=area
            )
        )
        if parent is not None:
            nodes[choice % i].refresh_from_db()
    user = User.objects.create_user("random@example.vn", "x")
    expected: set[int] = set()
    for k, (index, role) in enumerate(picks):
        org = Organization.objects.get(pk=nodes[index % len(nodes)].pk)
        if Membership.objects.active().filter(user=user, organization=org).exists():
            continue
        membership = services.membership_create(actor=None, user=user, organization=org, role=role)
        if k < len(ended) and ended[k]:
            services.membership_end(actor=None, membership=membership)
            continue
        expected |= {n.pk for n in Organization.objects.all() if n.path.startswith(org.path)}
    fresh = User.objects.get(pk=user.pk)
    assert set(Organization.objects.visible_to(fresh).values_list("pk", flat=True)) == expected
