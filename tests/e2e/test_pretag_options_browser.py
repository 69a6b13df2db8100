"""The pre-tagging page's "Install the NER model" button and evaluation options in a real
browser: the job's card shows why the download failed (a closed port on this machine),
the page then says so beside the model's state; a wrong type in the options is named."""
from __future__ import annotations

import sys

import pytest
from django.urls import reverse

from annotate.models import Job
from tests.corpus.test_ner_install import closed_port

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_install_button_shows_the_failure_and_the_page_keeps_it(
    page, live_server, project, admin_user, log_in, tmp_path, monkeypatch, settings
):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "camel_data"))
    if "camel_tools.data.catalogue" in sys.modules:  # camel-tools fixed its folder at import
        monkeypatch.setattr(sys.modules["camel_tools.data.catalogue"], "CT_DATA_DIR", tmp_path / "camel_data")
    settings.TAWSIM_NER_CATALOGUE_URL = url = f"http://127.0.0.1:{closed_port()}/catalogue-1.6.json"
    settings.TAWSIM_DOWNLOAD_TIMEOUT = 5
    admin_user.is_staff = True  # the model serves every project: site staff install it
    admin_user.save(update_fields=["is_staff"])
    log_in("admin1", "pass-admin1")
    page.goto(live_server.url + reverse("pretag_page", args=[project.slug]))
    page.locator("#install-ner").click()
    card = page.locator("#pretag-jobs .job-failed")
    card.wait_for()
    assert url in card.inner_text() and "TAWSIM_MODEL_DIRS" in card.inner_text()
    assert Job.objects.get(kind="ner_install").status == Job.Status.FAILED
    page.reload()
    assert url in page.locator("#ner-model .ner-failure").inner_text()
    box = page.locator('input[name=taggers][value=camel_ner]')
    assert box.is_disabled() and not box.is_checked()


def test_an_unknown_type_in_the_evaluation_options_is_named(page, live_server, project, admin_user, log_in):
    log_in("admin1", "pass-admin1")
    page.goto(live_server.url + reverse("pretag_page", args=[project.slug]))
    options = page.locator("#pretag-evaluation form")
    options.locator("input[name=types]").fill("PER PLANET")
    options.locator("button.primary").click()
    error = page.locator("#pretag-evaluation .errorlist")
    error.wait_for()
    assert "PLANET" in error.inner_text()
    assert page.locator("#pretag-evaluation input[name=types]").input_value() == "PER PLANET"
