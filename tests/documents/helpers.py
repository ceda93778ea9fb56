"""What the registry's tests share: documents registered as the cast, the records that cite
them, and the clients that call the pages and the API."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.test import Client

from danvan.accounts.models import User
from danvan.documents import references, services
from danvan.documents.models import Document, ImplementationSummary
from danvan.oversight import services as oversight_services
from danvan.oversight.models import Oversight
from danvan.programs import services as program_services
from danvan.programs.models import Program
from tests.conftest import World

D = datetime.date
AsUser = Callable[[User], Client]
QUY_CHE = "Quy chế công tác dân vận của hệ thống chính trị"
NGHI_QUYET = "Về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận"
ISSUED = D(2021, 7, 3)  # 23-QĐ/TW
PROGRAMME = "Chương trình phối hợp thực hiện Quy chế dân vận"
INSPECTION = "Kiểm tra việc thực hiện Quy chế dân vận năm 2024"
PAYLOAD = {
    "kind": "decision", "number": "23-QĐ/TW", "issuer": "Bộ Chính trị",
    "issued_on": "2021-07-03", "title": QUY_CHE,
}  # fmt: skip


def register(
    actor: User | None = None,
    *,
    kind: str = "decision",
    number: str = "23-QĐ/TW",
    issuer: str = "Bộ Chính trị",
    issued_on: datetime.date | None = ISSUED,
    title: str = QUY_CHE,
    **extra: Any,
) -> Document:
    return services.document_create(
        actor=actor, kind=kind, number=number, issuer=issuer, issued_on=issued_on, title=title,
        **extra,
    )  # fmt: skip


def programme(
    world: World, actor: User, document: Document | None, *, title: str = PROGRAMME,
    term: str = "2025-2026",
) -> Program:  # fmt: skip
    return program_services.program_create(
        actor=actor, kind="coordination_programme", title=title, lead=world.commission,
        parties=[world.party_a, world.front_a], term=term,
        documents=[document] if document else [],
    )  # fmt: skip


def oversight(
    world: World, actor: User, document: Document | None, *, start: datetime.date,
    kind: str = "inspection", title: str = INSPECTION,
) -> Oversight:  # fmt: skip
    return oversight_services.oversight_create(
        actor=actor, kind=kind, title=title, lead=world.commission, subjects=[world.front_a],
        starts_on=start, ends_on=start + datetime.timedelta(days=14),
        documents=[document] if document else [],
    )  # fmt: skip


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def api(user: User) -> Client:
    """The API through the browser session, as the web pages call it."""
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def detail_link(document: Document) -> str:
    return f'href="/documents/{document.pk}/"'


def by_source(summary: ImplementationSummary) -> dict[str, dict[str, Any]]:
    """The summary's sections by the key of the source that compiled them."""
    keys = [source.key for source in references.sources()]
    return dict(zip(keys, summary.facts["sections"], strict=True))


def counts(summary: ImplementationSummary) -> dict[str, int]:
    return {key: section["count"] for key, section in by_source(summary).items()}


def open_summary(client: Client, document: Document, org: Any, period: str, **kw: Any) -> Any:
    return client.post(
        f"/documents/{document.pk}/summaries/new/",
        {"organization": org.pk, "period": period},
        **kw,
    )
