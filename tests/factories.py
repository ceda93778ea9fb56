"""factory_boy factories for the common records, built through the services as users build them.

A test names only what it is about: `ProgramFactory(lead=world.commission)` gives a draft
programme on two main contents; `MemberFactory(organization=world.front_a, role="leader")` a
user with that role. Each factory calls the service that owns the record (`_create`), so its
rules and history apply as they do on the pages.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory

from danvan.accounts.models import User
from danvan.documents import services as document_services
from danvan.documents.models import Document, DocumentKind
from danvan.org import areas as org_areas
from danvan.org import services as org_services
from danvan.org.models import Area, AreaLevel, Membership, Organization, OrganizationKind, Role
from danvan.oversight import services as oversight_services
from danvan.oversight.models import Oversight, OversightKind
from danvan.practices import services as practice_services
from danvan.practices.models import Field, Practice, PracticeKind
from danvan.programs import services as program_services
from danvan.programs.models import Program, ProgramKind

TEST_PASSWORD = "pw-for-tests-123"


class UserFactory(factory.Factory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    full_name = factory.LazyAttribute(lambda o: o.email.split("@")[0])

    @classmethod
    def _create(cls, model_class: type[User], **kwargs: Any) -> User:
        return User.objects.create_user(kwargs.pop("email"), TEST_PASSWORD, **kwargs)


class AreaFactory(factory.Factory[Area]):
    """A commune under `parent` (a province by default), valid from the 2025 reform."""

    class Meta:
        model = Area

    parent = None
    code = factory.Sequence(lambda n: f"9{n:04d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    level = AreaLevel.COMMUNE
    valid_from = datetime.date(2025, 7, 1)

    @classmethod
    def _create(cls, model_class: type[Area], **kwargs: Any) -> Area:
        return org_areas.area_create(actor=None, **kwargs)


class OrganizationFactory(factory.Factory[Organization]):
    """A commune's Fatherland Front, by default in a new commune at the top of the tree."""

    class Meta:
        model = Organization

    parent = None
    name = factory.Sequence(lambda n: f"Ủy ban MTTQ Việt Nam xã Thử {n}")
    kind = factory.LazyFunction(lambda: OrganizationKind.objects.get(code="fatherland_front"))
    area = factory.SubFactory(AreaFactory)

    @classmethod
    def _create(cls, model_class: type[Organization], **kwargs: Any) -> Organization:
        return org_services.organization_create(actor=None, **kwargs)


class MembershipFactory(factory.Factory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.REPORTER

    @classmethod
    def _create(cls, model_class: type[Membership], **kwargs: Any) -> Membership:
        return org_services.membership_create(actor=None, **kwargs)


def member(organization: Organization, role: str = Role.REPORTER, **user: Any) -> User:
    """A user with `role` in `organization` (and so in its subtree)."""
    created: Membership = MembershipFactory.create(
        organization=organization, role=role, user=UserFactory.create(**user)
    )
    return created.user


class DocumentFactory(factory.Factory[Document]):
    class Meta:
        model = Document

    kind = DocumentKind.DECISION
    number = factory.Sequence(lambda n: f"{n + 1}-QĐ/TW")
    issuer = "Ban Chấp hành Trung ương"
    issued_on = datetime.date(2021, 7, 30)
    title = factory.Sequence(lambda n: f"Quy định số {n + 1} về công tác dân vận")

    @classmethod
    def _create(cls, model_class: type[Document], **kwargs: Any) -> Document:
        return document_services.document_create(actor=None, **kwargs)


class ProgramFactory(factory.Factory[Program]):
    """A draft coordination programme for 2021–2026 on two main contents; give it a `lead`."""

    class Meta:
        model = Program

    kind = ProgramKind.COORDINATION_PROGRAMME
    title = factory.Sequence(lambda n: f"Chương trình phối hợp số {n + 1}")
    term = "2021-2026"
    contents = factory.LazyFunction(lambda: ["Tuyên truyền, vận động", "Kiểm tra, giám sát"])

    @classmethod
    def _create(cls, model_class: type[Program], **kwargs: Any) -> Program:
        return program_services.program_create(actor=None, **kwargs)


class PracticeFactory(factory.Factory[Practice]):
    """A registered model practice of `organization`, registered by `actor`."""

    class Meta:
        model = Practice

    kind = PracticeKind.MODEL
    name = factory.Sequence(lambda n: f"Mô hình dân vận khéo số {n + 1}")
    field = Field.ECONOMY

    @classmethod
    def _create(cls, model_class: type[Practice], **kwargs: Any) -> Practice:
        return practice_services.practice_register(**kwargs)


class OversightFactory(factory.Factory[Oversight]):
    """A supervision by `lead` of `subjects`, in March 2026."""

    class Meta:
        model = Oversight

    kind = OversightKind.SUPERVISION
    title = factory.Sequence(lambda n: f"Giám sát thực hiện Quy chế dân chủ ở cơ sở, đợt {n + 1}")
    starts_on = datetime.date(2026, 3, 2)
    ends_on = datetime.date(2026, 3, 6)

    @classmethod
    def _create(cls, model_class: type[Oversight], **kwargs: Any) -> Oversight:
        return oversight_services.oversight_create(actor=None, **kwargs)
