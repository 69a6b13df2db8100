"""Labels are drawn in white on a type's colour: the news-ar preset's old light colours
(FAC 2.03:1, GPE 2.69:1 …) and the old default #999999 gave unreadable labels. Projects
still using them get the preset's darker colours (each at least 4.5:1, WCAG AA); a
colour an admin chose is kept."""
import django.core.validators
from django.db import migrations, models

OLD_TO_NEW = {
    "#e4572e": "#c2410c",  # PER
    "#2e86ab": "#2b7d9f",  # ORG
    "#3bb273": "#15803d",  # GPE
    "#f3a712": "#a16207",  # FAC
    "#1b998b": "#0f766e",  # MEET
    "#999999": "#6b6b6b",  # the default
}
COLOUR = django.core.validators.RegexValidator("^#[0-9a-fA-F]{6}$", "A colour is written #rrggbb.")


def darken_old_preset_colours(apps, schema_editor):
    for name in ("EntityType", "EventType"):
        model = apps.get_model("corpus", name)
        for old, new in OLD_TO_NEW.items():
            model.objects.filter(colour__iexact=old).update(colour=new)


class Migration(migrations.Migration):
    dependencies = [("corpus", "0006_document_words_md5")]

    operations = [
        migrations.AlterField("entitytype", "colour",
                              models.CharField(default="#6b6b6b", max_length=7, validators=[COLOUR])),
        migrations.AlterField("eventtype", "colour",
                              models.CharField(default="#6b6b6b", max_length=7, validators=[COLOUR])),
        migrations.RunPython(darken_old_preset_colours, migrations.RunPython.noop),
    ]
