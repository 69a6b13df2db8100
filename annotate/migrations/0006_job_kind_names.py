"""Job kinds become short names (annotate.jobs.KINDS) instead of dotted module paths,
so the work functions can move without stranding stored jobs."""

from django.db import migrations, models

# The names fixed here, not read from annotate.jobs: a migration must not change meaning
# when the registry later grows or moves.
PATH_TO_NAME = {
    "annotate.dataset.export_job": "export",
    "annotate.pretagging.pretag_job": "pretag",
    "annotate.pretagging.retrain_job": "retrain",
    "annotate.agreement.jobs.compute_project": "agreement",
}


def _rename(apps, mapping):
    Job = apps.get_model("annotate", "Job")
    for old, new in mapping.items():
        Job.objects.filter(kind=old).update(kind=new)


def to_names(apps, schema_editor):
    _rename(apps, PATH_TO_NAME)


def to_paths(apps, schema_editor):
    _rename(apps, {name: path for path, name in PATH_TO_NAME.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("annotate", "0005_partial_indexes_on_links"),
    ]

    operations = [
        migrations.AlterField(
            model_name="job",
            name="kind",
            field=models.CharField(help_text="name of the work in annotate.jobs.KINDS", max_length=200),
        ),
        migrations.RunPython(to_names, to_paths),
    ]
