from django.db import migrations, models


def dates_do_not_link(apps, schema_editor):
    """Projects made from the news-ar preset before the flag existed: its DATE type
    names no knowledge-base entity."""
    apps.get_model("corpus", "EntityType").objects.filter(key="DATE").update(kb_linkable=False)


class Migration(migrations.Migration):

    dependencies = [
        ("corpus", "0007_readable_label_colours"),
    ]

    operations = [
        migrations.AddField(
            model_name="entitytype",
            name="kb_linkable",
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(dates_do_not_link, migrations.RunPython.noop),
    ]
