"""The editor's knowledge-base panel in a real browser: linking a new spelling shows the
entry (not "nothing close") and teaches it the spelling; date marks get no panel."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotate import services
from annotate.models import KBEntity, Span
from annotate.services import ANY_VERSION, kb
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = "استقبل الوزير حقان فيدان وفد الغرفة يوم الأحد ١٤ آذار في أنقرة."



@pytest.fixture
def linked_world(project, annotator, reviewer):
    add_documents(project, [DocumentRecord(external_id="kb-e2e", title="استقبال", text=TEXT)])
    document = project.documents.get(external_id="kb-e2e")
    own = services.own_set(document, annotator)
    for key, words in (("PER", "حقان فيدان"), ("DATE", "الأحد ١٤ آذار")):
        start = TEXT.index(words)
        services.create_span(own, annotator, entity_type=key, start=start, end=start + len(words),
                             version=ANY_VERSION, snap_to_tokens=False)
    entity = kb.create_entity(project, reviewer, entity_type="PER", name="هاكان فيدان")
    return document, entity


def test_linking_a_spelling_shows_the_entry_and_dates_have_no_panel(page, live_server, linked_world, log_in):
    document, entity = linked_world
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("editor", args=[document.project.slug, document.pk]))

    page.locator('#doc-text mark[data-t="PER"]').click()
    panel = page.locator("#kb-span-panel")
    panel.locator(f'.kb-link[data-entity="{entity.pk}"]').click()
    panel.locator("#kb-linked-entity").wait_for()
    assert panel.locator("#kb-linked-entity").inner_text() == "هاكان فيدان"
    assert panel.locator("li.empty").count() == 0  # not "no entity is close" to what was just linked
    assert KBEntity.objects.get(pk=entity.pk).aliases == ["حقان فيدان"]

    page.locator('#doc-text mark[data-t="DATE"]').click()
    date = Span.objects.get(set__document=document, entity_type__key="DATE")
    page.locator(f'#span-detail .span-detail-inner[data-span="{date.pk}"]').wait_for()
    page.locator(".htmx-request, .htmx-settling, .htmx-swapping").first.wait_for(state="detached")
    assert page.locator("#kb-span-panel").count() == 0
