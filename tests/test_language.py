"""The interface speaks Arabic first; English is one click away."""
from django.urls import reverse


def test_pages_are_arabic_whatever_the_browser_asks(client, annotator, project):
    client.force_login(annotator)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ar" dir="rtl">' in page


def test_the_switch_turns_the_interface_english_but_the_text_stays_rtl(client, annotator, project, document):
    client.force_login(annotator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en" dir="ltr">' in client.get(reverse("home")).content.decode()
    editor = client.get(reverse("editor", args=[project.slug, document.pk])).content.decode()
    assert '<html lang="en" dir="ltr">' in editor and 'dir="rtl" lang="ar"' in editor


def test_the_api_honours_accept_language(client, annotator, project):
    client.force_login(annotator)
    response = client.get("/api/projects/nope/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and response.headers["Content-Language"] == "en"


def test_the_arabic_interface_writes_decimals_as_its_charts_do():
    """Tables (floatformat) and charts (SVG text written in Python) share one separator."""
    from django.template import Context, Template
    from django.utils import translation

    from annotate.agreement.charts import Bar, bar_chart

    with translation.override("ar"):
        chart = bar_chart([Bar("PER", 0.8123)], "F1")
        table = Template("{{ x|floatformat:3 }}").render(Context({"x": 0.8123}))
    assert ">0.812<" in chart and table == "0.812"
