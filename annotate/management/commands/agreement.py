"""Print a project's agreement figures: `manage.py agreement PROJECT [--json]`."""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from annotate.agreement import tables
from annotate.agreement.jobs import project_report
from corpus.models import Project


class Command(BaseCommand):
    help = "Agreement between a project's annotators, from their submitted sets (cached until they change)."

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--json", action="store_true", help="print the whole report as JSON")

    def handle(self, *args, **options):
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"project: no project with slug {options['project']!r}")
        result = project_report(project, inline=True)
        if result.report is None:
            raise CommandError(f"agreement: the computation failed: {' '.join(result.job.shown_messages)}")
        if options["json"]:
            self.stdout.write(json.dumps(result.report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{'section':<18} {'item':<32} {'metric':<20} {'value':>8} {'n':>8}")
        for section, item, metric, value, n in tables.rows(result.report):
            shown = "—" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))
            self.stdout.write(f"{section:<18} {item:<32} {metric:<20} {shown:>8} {n:>8}")
