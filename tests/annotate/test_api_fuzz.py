"""A bounded schemathesis run over every operation of the OpenAPI schema, as an admin of
a real project: requests drawn from the schema (path slugs pointed at the project) must
never get a server error. A few examples per operation keep it under a minute; explore
further with TAWSIM_FUZZ_EXAMPLES."""
from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token

from annotate import services

EXAMPLES = int(os.environ.get("TAWSIM_FUZZ_EXAMPLES", "3"))


def operations():
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.django_db(transaction=True)
def test_no_operation_answers_with_a_server_error(document, admin_user, annotator):
    services.own_set(document, annotator)
    headers = {"Authorization": f"Token {Token.objects.create(user=admin_user).key}"}
    app = get_wsgi_application()
    slug = document.project.slug
    failures: list[str] = []
    answered: set[str] = set()  # operations that answered 2xx at least once: the run got past auth
    ops = operations()
    assert len(ops) >= 60

    for operation in ops:
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case):
            if case.path_parameters and "slug" in case.path_parameters:
                case.path_parameters["slug"] = slug
            response = case.call(app=app, headers=headers)
            if response.status_code < 300:
                answered.add(case.operation.label)
            if response.status_code >= 500:
                failures.append(f"{case.operation.label}: {response.status_code} for {case.path_parameters} "
                                f"{case.query} {str(case.body)[:200]}")

        call()
    assert not failures, "\n".join(failures[:20])
    assert len(answered) >= 10, sorted(answered)
