"""Store document text out of line without compression.

Texts of a few kilobytes are TOASTed; with pglz (this server has no lz4) compressing
them dominated bulk import time, while the disk saved is small. EXTERNAL also makes
substring reads of long texts cheap."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("corpus", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE corpus_document ALTER COLUMN text SET STORAGE EXTERNAL;",
            "ALTER TABLE corpus_document ALTER COLUMN text SET STORAGE EXTENDED;",
        )
    ]
