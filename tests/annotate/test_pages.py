"""Home, project and guidelines pages: membership, progress, safe Markdown."""
import pytest
from django.urls import reverse

from annotate import services
from annotate.services import ANY_VERSION
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.presets import create_project_from_preset


@pytest.fixture
def three_documents(project):
    add_documents(
        project,
        [DocumentRecord(external_id=f"d{i}", title=f"خبر {i}", text=f"وصل الوفد إلى دمشق في اليوم {i}.")
         for i in range(3)],
    )
    return list(project.documents.order_by("order"))


def submit(document, user):
    annotation_set = services.own_set(document, user)
    services.submit_set(annotation_set, user, version=annotation_set.version)


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_home_lists_only_my_projects_with_role_and_progress(client, project, three_documents, annotator):
    create_project_from_preset("مشروع آخر", slug="other", preset="news-ar")
    submit(three_documents[0], annotator)
    client.force_login(annotator)
    html = client.get(reverse("home")).content.decode()
    assert reverse("project_detail", args=[project.slug]) in html
    assert reverse("project_detail", args=["other"]) not in html
    assert 'value="1" max="3"' in html


def _home_row(html: str, slug: str) -> str:
    row = html[html.index(f'<tr data-project="{slug}">'):]
    return row[:row.index("</tr>")]


def test_home_shows_each_project_what_the_user_does_in_it(client, project, three_documents, annotator,
                                                          other_annotator):
    from corpus.models import Membership, Role

    reviewing = create_project_from_preset("مشروع المراجعة", slug="reviewing", preset="news-ar")
    running = create_project_from_preset("مشروع الإدارة", slug="running", preset="news-ar")
    Membership.objects.create(project=reviewing, user=annotator, role=Role.REVIEWER)
    Membership.objects.create(project=running, user=annotator, role=Role.ADMIN)
    add_documents(reviewing, [DocumentRecord(external_id=f"r{i}", text=f"خبر للمراجعة رقم {i}.") for i in range(3)])
    for document in reviewing.documents.all()[:2]:
        Membership.objects.get_or_create(project=reviewing, user=other_annotator, role=Role.ANNOTATOR)
        submit(document, other_annotator)
    client.force_login(annotator)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home")).content.decode()

    annotating = _home_row(html, project.slug)
    assert "<progress" in annotating and reverse("pull_next", args=[project.slug]) in annotating
    assert "to adjudicate" not in annotating and reverse("import_documents", args=[project.slug]) not in annotating

    review = _home_row(html, "reviewing")
    assert "<progress" not in review and "pull-next" not in review and "Continue where" not in review
    assert "2 documents to adjudicate" in review and reverse("review_list", args=["reviewing"]) in review
    assert reverse("import_documents", args=["reviewing"]) not in review

    admin = _home_row(html, "running")
    assert "<progress" not in admin and "pull-next" not in admin
    assert "Nothing to adjudicate yet." in admin
    for name in ("import_documents", "members", "schema_editor", "pretag_page", "dataset_export"):
        assert reverse(name, args=["running"]) in admin


def test_project_page_lists_documents_in_import_order_with_my_status(client, project, three_documents, annotator,
                                                                     other_annotator):
    submit(three_documents[1], annotator)
    services.own_set(three_documents[2], other_annotator)  # someone else's work does not count
    submit(three_documents[2], other_annotator)
    client.force_login(annotator)
    response = client.get(reverse("project_detail", args=[project.slug]))
    html = response.content.decode()
    positions = [html.index(reverse("editor", args=[project.slug, d.pk])) for d in three_documents]
    assert positions == sorted(positions)
    rows = response.context["rows"]
    assert [row["status"] for row in rows] == ["not_started", "submitted", "not_started"]
    assert (response.context["done"], response.context["assigned"]) == (1, 3)
    assert reverse("guidelines", args=[project.slug]) in html


def test_only_admins_see_the_import_link(client, project, annotator, admin_user):
    import_url = reverse("import_documents", args=[project.slug])
    client.force_login(annotator)
    assert import_url not in client.get(reverse("project_detail", args=[project.slug])).content.decode()
    client.force_login(admin_user)
    assert import_url in client.get(reverse("project_detail", args=[project.slug])).content.decode()


@pytest.mark.parametrize("name", ["project_detail", "guidelines"])
def test_non_members_get_404(client, project, outsider, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[project.slug])).status_code == 404


def test_guidelines_render_markdown_without_raw_html(client, project, annotator):
    project.guidelines = "# القواعد\n\nعلّم **الأشخاص** فقط.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    project.save()
    client.force_login(annotator)
    html = client.get(reverse("guidelines", args=[project.slug])).content.decode()
    assert "<h1>القواعد</h1>" in html and "<strong>الأشخاص</strong>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


# --- assignments: my queue, progress, continue, next document ------------------------

def test_once_assignments_exist_my_documents_are_my_assignments(client, project, three_documents, annotator,
                                                                other_annotator):
    from annotate.services import assignment

    assignment.assign_documents(project, annotators=[annotator], documents=[three_documents[2].pk])
    client.force_login(annotator)
    response = client.get(reverse("project_detail", args=[project.slug]))
    assert [row["document"].pk for row in response.context["rows"]] == [three_documents[2].pk]
    assert (response.context["done"], response.context["assigned"]) == (0, 1)
    assert 'value="0" max="1"' in client.get(reverse("home")).content.decode()
    client.force_login(other_annotator)  # nothing assigned to them
    assert client.get(reverse("project_detail", args=[project.slug])).context["assigned"] == 0


def test_continue_where_i_stopped_points_at_my_last_unfinished_document(client, project, three_documents, annotator):
    annotation_set = services.own_set(three_documents[1], annotator)
    start = three_documents[1].text.index("دمشق")
    services.create_span(annotation_set, annotator, entity_type="GPE", start=start, end=start + 4, version=ANY_VERSION)
    client.force_login(annotator)
    html = client.get(reverse("home")).content.decode()
    assert reverse("editor", args=[project.slug, three_documents[1].pk]) in html
    assert reverse("pull_next", args=[project.slug]) in html


def test_next_document_pulls_from_the_queue_and_opens_it(client, project, three_documents, annotator):
    client.force_login(annotator)
    response = client.post(reverse("pull_next", args=[project.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("editor", args=[project.slug, three_documents[0].pk])
    assert client.get(reverse("project_detail", args=[project.slug])).context["assigned"] == 1


def test_reviewers_and_admins_see_the_workflow_links(client, project, admin_user, reviewer, annotator):
    page = reverse("project_detail", args=[project.slug])
    client.force_login(admin_user)
    html = client.get(page).content.decode()
    assert reverse("workflow", args=[project.slug]) in html and reverse("review_list", args=[project.slug]) in html
    client.force_login(reviewer)
    html = client.get(page).content.decode()
    assert reverse("workflow", args=[project.slug]) not in html and reverse("review_list", args=[project.slug]) in html
    client.force_login(annotator)
    html = client.get(page).content.decode()
    assert reverse("review_list", args=[project.slug]) not in html
    assert client.get(reverse("review_list", args=[project.slug])).status_code == 404
