"""The arrows of the layout point one way (README, "The data model, in a few lines"):
`corpus/` never imports `annotate/`, and the API (`annotate/api/`) never imports the HTML
views (`annotate/views/`), directly or through another module of the project. Imports
are read from the source (ast), those inside functions included."""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("annotate", "corpus", "tawsim")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
            if "migrations" not in path.parts}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    is_package = _modules()[module].name == "__init__.py"
    base = package if is_package else package[:-1]
    base = base[:len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


@cache
def imports_of(module: str) -> frozenset[str]:
    """The project modules `module` imports (`from a import b` counts a.b when b is a module)."""
    found = set()
    for node in ast.walk(ast.parse(_modules()[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            names = [target, *(f"{target}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name for name in names if name in _modules())
    return frozenset(found)


def reached_from(module: str) -> set[str]:
    """Every project module `module` imports, directly or through others."""
    seen, todo = set(), [module]
    while todo:
        for name in imports_of(todo.pop()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def _under(prefix: str) -> list[str]:
    return sorted(name for name in _modules() if name == prefix or name.startswith(prefix + "."))


@pytest.mark.parametrize("module", _under("annotate.api"))
def test_the_api_never_imports_the_html_views(module):
    assert [name for name in reached_from(module) if name.startswith("annotate.views")] == []


@pytest.mark.parametrize("module", _under("corpus"))
def test_corpus_never_imports_annotate(module):
    assert [name for name in reached_from(module) if name.startswith("annotate")] == []


def test_the_check_sees_an_import_of_the_views():
    """The checks above would fail: annotate.urls imports the views (as it should)."""
    assert any(name.startswith("annotate.views.") for name in reached_from("annotate.urls"))
    assert "annotate.views.http" in imports_of("annotate.views.members")
