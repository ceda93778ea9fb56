"""Every operation of the OpenAPI, generated inputs, two users: no server error, answers as documented.

A bounded number of examples per operation (not a time budget), so CI's length is predictable.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from danvan.accounts.services import token_create
from danvan.config.api import api

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _one_connection_per_test() -> Iterator[None]:
    """Keep the test's database connection across requests, as Django's test client does.

    The app is called as plain WSGI here, and Django closes connections when a request ends,
    which on PostgreSQL would close the connection holding the test's transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["tinh", "xa"])
def token(request: pytest.FixtureRequest, world: object) -> str:
    """A personal token of the provincial specialist, or of a commune's reporter."""
    user = request.getfixturevalue(request.param)
    return token_create(user=user, name="fuzz")[1]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_answers_a_server_error(case: schemathesis.Case, token: str) -> None:
    response = case.call(app=app, headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=CHECKS)
