"""Search everywhere: every registered kind found without diacritics by who may see it, by
nobody else; grouped; the header's partial; flat query counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from danvan.accounts.models import User
from danvan.dialogue import services_intake
from danvan.dialogue.models import Petition, PetitionChannel, PetitionKind
from danvan.documents.models import Document
from danvan.lib import search
from danvan.org import services as org_services
from danvan.oversight.models import Oversight
from danvan.practices.models import Practice
from danvan.programs.models import Program
from danvan.reporting import definitions
from danvan.reporting import services as reporting_services
from danvan.reporting.models import Form, Submission
from danvan.situation import services as situation_services
from danvan.situation.models import Note, SourceKind, Topic
from tests.conftest import World, kind
from tests.factories import DocumentFactory, OversightFactory, PracticeFactory, ProgramFactory

TODAY = datetime.date(2026, 7, 20)
PERSON = {"name": "Nguyễn Văn Thành", "phone": "0912345678", "address": "Thôn 3"}


@dataclass
class Records:
    document: Document
    program: Program
    practice: Practice
    oversight: Oversight
    form: Form
    report: Submission
    note: Note
    petition: Petition


@pytest.fixture
def records(world: World, xa: User) -> Records:
    """One record of each kind, all of commune A's Front (the documents and forms are shared)."""
    land = Topic.objects.get(code="land-clearance")
    form = definitions.form_create(
        actor=None,
        code="dan-van-6-thang",
        name="Báo cáo công tác dân vận 6 tháng",
        name_en="Six-month mass mobilization report",
        periodicity="half",
        kinds=[kind("fatherland_front")],
        sections=[{"title": "Kết quả", "title_en": "Results", "kind": "narrative"}],
    )
    return Records(
        document=DocumentFactory(number="99-QĐ/TW", title="Quy định về vận động đồng bào vùng cao"),
        program=ProgramFactory(lead=world.front_a, title="Chương trình giữ gìn an ninh biên giới"),
        practice=PracticeFactory(
            actor=xa, organization=world.front_a, name="Mô hình đổi đất làm đường liên bản"
        ),
        oversight=OversightFactory(
            lead=world.front_a, subjects=[world.front_a], title="Giám sát bồi thường đất rừng"
        ),
        form=form,
        report=reporting_services.submission_start(
            actor=None, form=form, organization=world.front_a, period="2026S1", today=TODAY
        ),
        note=situation_services.note_create(
            actor=None,
            organization=world.front_a,
            area=world.commune_a,
            topic=land,
            event_date=TODAY,
            summary="Bà con thôn Đồng Tâm chưa đồng thuận mức hỗ trợ tái định cư",
            source=SourceKind.MEETING,
            today=TODAY,
        ),
        petition=services_intake.petition_create(
            actor=None,
            organization=world.front_a,
            area=world.commune_a,
            topic=land,
            kind=PetitionKind.PETITION,
            channel=PetitionChannel.RECEPTION,
            summary="Đề nghị sửa chữa cầu treo bị hư hỏng",
            received_on=TODAY,
            person=dict(PERSON),
            consent=True,
            today=TODAY,
        ),
    )


# (kind, query typed without diacritics, what the hit's title holds, a record of everyone?)
SCOPED = [
    ("org.organization", "uy ban mttq muong xen", "Ủy ban MTTQ Việt Nam xã Mường Xén"),
    ("org.area", "muong xen", "Xã Mường Xén"),
    ("programs.program", "an ninh bien gioi", "Chương trình giữ gìn an ninh biên giới"),
    ("practices.practice", "doi dat lam duong", "Mô hình đổi đất làm đường liên bản"),
    ("oversight.oversight", "boi thuong dat rung", "Giám sát bồi thường đất rừng"),
    ("reporting.submission", "bao cao 6 thang dau nam 2026 muong xen", "6 tháng đầu năm 2026"),
    ("situation.note", "dong tam tai dinh cu", "Bà con thôn Đồng Tâm"),
    ("dialogue.petition", "cau treo hu hong", "Đề nghị sửa chữa cầu treo bị hư hỏng"),
]
SHARED = [
    ("documents.document", "van dong dong bao vung cao", "99-QĐ/TW — Quy định về vận động"),
    ("reporting.form", "cong tac dan van 6 thang", "Báo cáo công tác dân vận 6 tháng"),
]


def titles(groups: list[search.Group], name: str) -> list[str]:
    return [hit.title for group in groups if group.name == name for hit in group.hits]


def test_every_source_is_registered() -> None:
    names = [name for name, _label in search.sources()]
    for name, _q, _title in SCOPED + SHARED:
        assert name in names


@pytest.mark.parametrize(("name", "query", "title"), SCOPED)
def test_a_kind_is_found_without_diacritics_by_who_sees_it_only(
    records: Records, tinh: User, xa: User, xa2: User, outsider: User, as_user: Any,
    name: str, query: str, title: str,
) -> None:  # fmt: skip
    for user in (tinh, xa):
        found = titles(search.search(user, query), name)
        assert any(title in t for t in found), (user, found)
        page = as_user(user).get(reverse("search"), {"q": query})
        assert page.status_code == 200
        assert title in page.content.decode()
    for user in (xa2, outsider):
        assert titles(search.search(user, query), name) == []
        page = as_user(user).get(reverse("search"), {"q": query})
        assert page.status_code == 200  # never a 404: simply no hits
        assert title not in page.content.decode()


@pytest.mark.parametrize(("name", "query", "title"), SHARED)
def test_the_shared_registries_are_found_by_every_officer(
    records: Records, xa2: User, outsider: User, name: str, query: str, title: str
) -> None:
    for user in (xa2, outsider):
        assert any(title in t for t in titles(search.search(user, query), name))


def test_muong_xen_finds_the_commune_and_its_organisations_grouped(
    records: Records, world: World, tinh: User, as_user: Any
) -> None:
    groups = search.search(tinh, "muong xen", limit=10)
    names = [group.name for group in groups]
    assert names.index("org.organization") < names.index("org.area")
    orgs = {h.title: h for g in groups if g.name == "org.organization" for h in g.hits}
    assert set(orgs) >= {"Đảng ủy xã Mường Xén", "Ủy ban MTTQ Việt Nam xã Mường Xén"}
    assert "Đảng ủy xã Mường Xén" in orgs["Ủy ban MTTQ Việt Nam xã Mường Xén"].subtitle  # parent
    assert orgs["Ủy ban MTTQ Việt Nam xã Mường Xén"].url == reverse(
        "organization_detail", args=[world.front_a.pk]
    )
    (area,) = [h for g in groups if g.name == "org.area" for h in g.hits]
    assert area.title == "Xã Mường Xén"
    assert "Nghệ An" in area.subtitle  # its province
    assert area.url == reverse("area_detail", args=[world.commune_a.pk])
    html = as_user(tinh).get(reverse("search"), {"q": "MUONG   xén"}).content.decode()
    assert html.index("Ủy ban MTTQ Việt Nam xã Mường Xén") < html.index(">Xã Mường Xén<")
    assert 'id="dv-kind-1"' in html and 'id="dv-kind-2"' in html


def test_the_prefix_comes_first(world: World, tinh: User) -> None:
    org_services.organization_create(
        actor=None, parent=world.commission, name="Hội Nông dân tỉnh", kind=kind("mass_organization"),
        area=world.province,
    )  # fmt: skip
    org_services.organization_create(
        actor=None, parent=world.party_a, name="Chi hội nông dân bản Nông Dân",
        kind=kind("mass_organization"), area=world.commune_a,
    )  # fmt: skip
    found = titles(search.search(tinh, "hoi nong dan"), "org.organization")
    assert found[0] == "Hội Nông dân tỉnh"


def test_a_petition_is_found_by_its_code_as_typed_but_never_by_its_petitioner(
    records: Records, xa: User, xa2: User
) -> None:
    code = records.petition.code  # a tracking code such as KN-7K3M-Q9TD
    typed = code.lower().replace("-", " ")
    assert titles(search.search(xa, typed), "dialogue.petition")[0].startswith(code)
    assert titles(search.search(xa, code[:7].lower()), "dialogue.petition")[0].startswith(code)
    assert titles(search.search(xa2, typed), "dialogue.petition") == []
    assert titles(search.search(xa, "nguyen van thanh"), "dialogue.petition") == []
    assert titles(search.search(xa, "0912345678"), "dialogue.petition") == []


def test_the_partial_is_a_listbox_of_links_grouped_by_kind(
    records: Records, xa: User, as_user: Any
) -> None:
    client = as_user(xa)
    for response in (
        client.get(reverse("search"), {"q": "muong xen"}, headers={"HX-Request": "true"}),
        client.get(reverse("search"), {"q": "muong xen", "partial": "1"}),
    ):
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert 'role="group"' in html and 'role="option"' in html
        assert (
            f'href="{reverse("organization_detail", args=[records.report.organization_id])}"'
            in html
        )
        assert "/search/?q=muong+xen" in html  # all the results
        assert 'hx-swap-oob="true"' in html
    empty = client.get(reverse("search"), {"q": "khong co gi", "partial": "1"}).content.decode()
    assert 'role="option"' in empty and 'aria-disabled="true"' in empty
    assert "<a " not in empty


def in_english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_too_short_query_searches_nothing_and_says_so(
    records: Records, tinh: User, as_user: Any
) -> None:
    assert search.search(tinh, "x") == []
    client = in_english(as_user(tinh))
    page = client.get(reverse("search"), {"q": " x "})
    assert "Type at least two letters to search." in page.content.decode()
    assert (
        'role="option"'
        not in client.get(reverse("search"), {"q": "x", "partial": "1"}).content.decode()
    )
    empty = client.get(reverse("search")).content.decode()
    assert "Type at least two letters" not in empty and "Search looks through:" in empty


def test_nothing_found_says_so(tinh: User, as_user: Any) -> None:
    html = in_english(as_user(tinh)).get(reverse("search"), {"q": "zzqx"}).content.decode()
    assert "Nothing found for «zzqx»." in html


def test_more_links_to_the_kinds_list_or_to_the_kind_alone(
    records: Records, world: World, tinh: User, as_user: Any
) -> None:
    for n in range(11):
        org_services.organization_create(
            actor=None, parent=world.front_a, name=f"Chi hội Cựu chiến binh thôn {n}",
            kind=kind("mass_organization"), area=world.commune_a,
        )  # fmt: skip
        situation_services.note_create(
            actor=None, organization=world.front_a, area=world.commune_a,
            topic=records.note.topic, event_date=TODAY, summary=f"Cựu chiến binh thôn {n} kiến nghị",
            source=SourceKind.MEETING, today=TODAY,
        )  # fmt: skip
    client = as_user(tinh)
    html = client.get(reverse("search"), {"q": "cuu chien binh"}).content.decode()
    assert f"{reverse('organization_list')}?q=cuu+chien+binh" in html
    assert f"{reverse('situation_notes')}?q=cuu+chien+binh" in html
    assert "10+" in html
    listed = client.get(reverse("organization_list"), {"q": "cuu chien binh"}).content.decode()
    assert listed.count("Chi hội Cựu chiến binh thôn") == 11
    one_kind = client.get(reverse("search"), {"q": "cuu chien binh", "kind": "org.organization"})
    assert one_kind.content.decode().count("Chi hội Cựu chiến binh thôn") == 11
    assert "Cựu chiến binh thôn 1 kiến nghị" not in one_kind.content.decode()


def _more_of_everything(world: World, records: Records, xa: User, n: int) -> None:
    for i in range(n):
        org_services.organization_create(
            actor=None, parent=world.front_a, name=f"Chi hội Mường Xén {i}",
            kind=kind("mass_organization"), area=world.commune_a,
        )  # fmt: skip
        ProgramFactory(lead=world.front_a, title=f"Chương trình Mường Xén {i}")
        PracticeFactory(actor=xa, organization=world.front_a, name=f"Mô hình Mường Xén {i}")
        OversightFactory(
            lead=world.front_a, subjects=[world.front_a], title=f"Giám sát Mường Xén {i}"
        )
        situation_services.note_create(
            actor=None, organization=world.front_a, area=world.commune_a,
            topic=records.note.topic, event_date=TODAY, summary=f"Thôn Mường Xén {i}",
            source=SourceKind.MEETING, today=TODAY,
        )  # fmt: skip
        services_intake.petition_create(
            actor=None, organization=world.front_a, area=world.commune_a,
            topic=records.note.topic, kind=PetitionKind.FEEDBACK,
            channel=PetitionChannel.LETTER, summary=f"Phản ánh ở Mường Xén {i}", today=TODAY,
        )  # fmt: skip


def test_one_query_per_source_whatever_the_rows(
    records: Records, world: World, tinh: User, xa: User, as_user: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    # Session, user, second factor, the scope and the bell's count; one query per source, and
    # the reports' second read (the forms' folded names).
    queries = 5 + len(search.sources()) + 1
    client = as_user(tinh)
    for partial in ("0", "1"):
        with django_assert_max_num_queries(queries):
            client.get(reverse("search"), {"q": "muong xen", "partial": partial})
    _more_of_everything(world, records, xa, 6)
    for partial in ("0", "1"):
        with django_assert_max_num_queries(queries):
            response = client.get(reverse("search"), {"q": "muong xen", "partial": partial})
        assert "Chi hội Mường Xén 0" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(records: Records, client: Any) -> None:
    for params in ({"q": "muong xen"}, {"q": "muong xen", "partial": "1"}):
        response = client.get(reverse("search"), params)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert search.search(AnonymousUser(), "muong xen") == []
