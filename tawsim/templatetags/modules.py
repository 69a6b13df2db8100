"""{% module_importmap %}: Tawsim's ES modules by their hashed names.

collectstatic stores each static file under a name that holds a hash of its content,
which WhiteNoise serves with a far-future, immutable cache header (any other name gets
60 seconds). A page links its entry module by the hashed name; the modules import each
other by plain relative names (`import … from "./state.js"`), which the browser resolves
to plain URLs. Django can rewrite those imports inside the files, but not for modules
that import each other in a cycle, as the editor's do (a file's hash would depend on its
own). An import map instead sends each plain URL to the hashed one, so every module is
fetched by its hashed name and cached for good, and a release that changes one module
changes only that module's URL."""
from __future__ import annotations

import json
from urllib.parse import urljoin

from django import template
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


def own_module(name: str) -> bool:
    return name.endswith(".js") and (name.startswith("editor/") or name == "adjudication.js")


def module_urls() -> dict[str, str]:
    """Plain URL → hashed URL of each of Tawsim's ES modules; empty without a manifest
    (DEBUG, tests: plain names are the served ones)."""
    hashed = getattr(staticfiles_storage, "hashed_files", None) or {}
    return {
        urljoin(staticfiles_storage.base_url, name): staticfiles_storage.url(name)
        for name in sorted(hashed) if own_module(name)
    }


@register.simple_tag(takes_context=True)
def module_importmap(context) -> str:
    urls = module_urls()
    if not urls:
        return ""
    # The policy allows no inline script but one carrying this response's nonce.
    mapping = json.dumps({"imports": urls}).replace("<", "\\u003c")
    return format_html('<script type="importmap" nonce="{}">{}</script>', context["request"].csp_nonce,
                       mark_safe(mapping))


@register.simple_tag
def js_catalogue_url() -> str:
    """The JavaScript translation catalogue of the active language (tawsim.js_catalogue)."""
    from tawsim.js_catalogue import catalogue_url

    return catalogue_url()
