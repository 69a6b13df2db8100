from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tawsim import health, js_catalogue

# Error pages in Arabic and English (tawsim/errors.py)
handler404 = "tawsim.errors.page_not_found"
handler403 = "tawsim.errors.permission_denied"
handler500 = "tawsim.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/<str:lang>/<str:version>/", js_catalogue.catalogue, name="javascript-catalog"),
    path("django-admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("annotate.api.urls")),
    path("", include("annotate.urls")),
]
