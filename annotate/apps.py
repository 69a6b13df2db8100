from django.apps import AppConfig


class AnnotateConfig(AppConfig):
    name = "annotate"
    verbose_name = "Annotation"

    def ready(self) -> None:
        from annotate import pretagging  # noqa: F401 (connects corpus.signals.documents_imported)
