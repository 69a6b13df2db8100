"""Install camel-tools' NER model (`ner-arabert`) into camel-tools' data folder:

    python manage.py install_ner_model        (what `make models` runs)

The same code as the pre-tagging page's "Install the NER model" job, run here with its
progress printed. Every connection and read times out (TAWSIM_DOWNLOAD_TIMEOUT seconds);
when the download cannot be made the command says what it tried, the error, and what to
do instead, and exits with status 1.
"""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations

from corpus.pretag.camel_ner import NERModelUnavailable, camel_data_dir, resolve_model_path
from corpus.pretag.ner_install import NERInstallError, default_catalogue_url, install_ner_model


class Command(BaseCommand):
    help = "Download and install camel-tools' NER model where the network allows; say why not when it cannot."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="install again even if a model is there")

    @no_translations
    def handle(self, *args, force: bool, **options) -> None:
        data_dir = camel_data_dir()
        if not force:
            try:
                path = resolve_model_path(None)
            except NERModelUnavailable:
                pass
            else:
                self.stdout.write(f"The NER model is already installed at {path} (--force installs it again).")
                return
        url = settings.TAWSIM_NER_CATALOGUE_URL or default_catalogue_url()
        self.stdout.write(f"Installing camel-tools' NER model into {data_dir} (catalogue {url}) ...")
        shown = [-1]

        def progress(done: int, total: int) -> None:
            percent = done * 100 // total if total else 0
            if percent // 10 != shown[0]:
                shown[0] = percent // 10
                self.stdout.write(f"  {done / 2**20:.0f} of {total / 2**20:.0f} MiB")

        try:
            path = install_ner_model(data_dir, catalogue_url=url, timeout=settings.TAWSIM_DOWNLOAD_TIMEOUT,
                                     progress=progress)
        except NERInstallError as error:
            raise CommandError(str(error), returncode=1) from None
        self.stdout.write(self.style.SUCCESS(f"Installed: {path}"))
