"""The site's URLs plus views that fail on purpose, for the error-page tests."""
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.urls import path

from tawsim.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401 - the handlers are read by name


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a secret detail that must not reach the page")


def database_down(request):
    """A real connection to a port where no PostgreSQL listens."""
    settings_dict = {**connections["default"].settings_dict, "HOST": "127.0.0.1", "PORT": "1"}
    wrapper = connections["default"].__class__(settings_dict, alias="unreachable")
    wrapper.ensure_connection()


urlpatterns = [
    path("test-errors/forbidden/", forbidden),
    path("test-errors/broken/", broken),
    path("test-errors/database-down/", database_down),
    path("api/test-errors/database-down/", database_down),
    *urlpatterns,
]
