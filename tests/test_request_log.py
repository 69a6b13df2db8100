"""One log line per request, written to the stderr of the moment."""
import io
import sys

import pytest


@pytest.mark.django_db
def test_a_request_is_logged_to_the_current_stderr(client, monkeypatch):
    now = io.StringIO()
    monkeypatch.setattr(sys, "stderr", now)

    client.get("/login/")

    line = now.getvalue().strip().splitlines()[-1]
    assert "tawsim.requests GET /login/ 200 " in line
    assert line.endswith("ms")


@pytest.mark.django_db
def test_a_closed_stderr_of_an_earlier_test_is_not_written_to(client, monkeypatch):
    earlier = io.StringIO()
    monkeypatch.setattr(sys, "stderr", earlier)
    client.get("/login/")
    earlier.close()
    later = io.StringIO()
    monkeypatch.setattr(sys, "stderr", later)

    client.get("/login/")  # a plain StreamHandler would write to the closed stream

    assert "GET /login/ 200" in later.getvalue()
