"""Each body and answer of the API has its own name in the OpenAPI document.

django-ninja files every schema under its class name, and a second class of the same name
silently takes the first one's place: `POST /situation-alerts/{id}/assign` was documented with
the petitions' `AssignIn` body, which that operation refuses. So no two schemas share a name.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from danvan.config.api import api
from tests.org.test_api import bearer


def _schemas(annotation: Any, seen: set[type]) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        yield annotation
        for field in annotation.model_fields.values():
            yield from _schemas(field.annotation, seen)
    for argument in typing.get_args(annotation):
        yield from _schemas(argument, seen)


def test_no_two_schemas_of_the_api_share_a_name() -> None:
    named: dict[str, set[str]] = {}
    seen: set[type] = set()
    for router in api._get_bound_routers():
        for view in router.path_operations.values():
            for operation in view.operations:
                models = [*operation.models, *operation.response_models.values()]
                for model in models:
                    for schema in _schemas(model, seen):
                        if schema.__module__.startswith("danvan."):
                            where = f"{schema.__module__}.{schema.__qualname__}"
                            named.setdefault(schema.__name__, set()).add(where)
    assert "PetitionAssignIn" in named and "AlertAssignIn" in named  # the walk reaches bodies
    assert {name: places for name, places in named.items() if len(places) > 1} == {}


def test_the_document_gives_each_operation_its_own_body(tinh) -> None:  # type: ignore[no-untyped-def]
    document = bearer(tinh).get("/api/v1/openapi.json").json()

    def body(path: str) -> set[str]:
        content = document["paths"][path]["post"]["requestBody"]["content"]
        ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        return set(document["components"]["schemas"][ref]["properties"])

    assert "assigned_to" in body("/api/v1/situation-alerts/{alert_id}/assign")
    assert "handler" in body("/api/v1/petitions/{petition_id}/assign")
    assert "confirmation" in body("/api/v1/petitions/{petition_id}/confirm")
    assert body("/api/v1/invitations/accept") >= {"token"}


def test_the_alerts_operations_keep_their_ids_after_their_move() -> None:
    """Generated clients name their methods by operationId, which django-ninja derives from the
    module: the alerts moved from situation/api.py to api_alerts.py and kept theirs."""
    paths = api.get_openapi_schema()["paths"]
    ids = {
        op["operationId"]
        for p, ops in paths.items()
        if "situation-alerts" in p
        for op in ops.values()
    }
    assert ids == {
        f"danvan_situation_api_{name}"
        for name in ("list_alerts", "get_alert", "acknowledge_alert", "assign_alert",
                     "close_alert", "alert_history")
    }  # fmt: skip
