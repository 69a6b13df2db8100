"""Every API answer matches what the OpenAPI schema documents: its status code, content
type and body shape (schemathesis's conformance checks), for requests drawn from the
schema and aimed at real objects (tests/annotate/access_world.py), as that project's
admin with a token. Seeded and bounded (2 examples per operation, about a minute), so
CI sees the same requests each run; explore further with TAWSIM_FUZZ_EXAMPLES."""
from __future__ import annotations

import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from tests.annotate.access_world import PARAM_OF, PK_OF, build_world

EXAMPLES = int(os.environ.get("TAWSIM_FUZZ_EXAMPLES", "2"))
CHECKS = [checks.not_a_server_error, checks.content_type_conformance, checks.response_schema_conformance]
# The schema documents each operation's own answers, not the refusals every operation
# can give (401, 403, 404: README "REST API"); those are held by the access matrix.
REFUSALS = (401, 403, 404)
# Answers the schema does not document yet (issue 14: one documented error shape): a
# refusal here is a documentation bug to fix in annotate/api/, then to strike from this list.
KNOWN_GAPS = {
    ("POST /api/projects/{slug}/documents/import/", 400),  # body is the error shape, documented as ImportReport
    ("GET /api/projects/{slug}/kb/", 400),  # bad query parameters: 400 undocumented
    ("PUT /api/projects/{slug}/schema/", 400),
    ("POST /api/sets/{id}/reopen/", 400),
}


def operations():
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    return [result.ok() for result in schema.get_all_operations()]


def real_path_parameters(path: str, objects, users) -> dict:
    """The world's ids for a path's parameters: {pk} means what the segment before it names."""
    values = {}
    segments = path.strip("/").split("/")
    for i, segment in enumerate(segments):
        name = segment.strip("{}") if re.fullmatch(r"\{\w+\}", segment) else None
        if name == "slug":
            values[name] = objects.project.slug
        elif name in ("pk", "id"):
            values[name] = getattr(objects, PK_OF[segments[i - 1]]).pk
        elif name in PARAM_OF:
            values[name] = getattr(objects, PARAM_OF[name]).pk
        elif name == "username":
            values[name] = users["ann_a"].username
    return values


@pytest.fixture
def in_test_transaction(db):
    """The WSGI app closes the connection after each request, as in production; the
    test client does not, so the test's transaction survives; neither do we."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_answer_matches_the_schema(in_test_transaction):
    world = build_world()
    admin = world.users["admin"]
    headers = {"Authorization": f"Token {Token.objects.create(user=admin).key}"}
    app = get_wsgi_application()
    failures: list[str] = []
    ops = operations()
    assert len(ops) >= 60

    for operation in ops:

        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case):
            if case.path_parameters:
                real = real_path_parameters(case.operation.path, world.first, world.users)
                case.path_parameters.update({k: v for k, v in real.items() if k in case.path_parameters})
            response = case.call(app=app, headers=headers)
            if (case.operation.label, response.status_code) in KNOWN_GAPS:
                return
            try:
                status_checks = [] if response.status_code in REFUSALS else [checks.status_code_conformance]
                case.validate_response(response, checks=CHECKS + status_checks, headers=headers)
            except Exception as error:  # schemathesis groups every failed check in one error
                failures.append(f"{case.operation.label}: {str(error)[:500]}")

        call()
    assert not failures, "\n\n".join(failures[:30])
