from django.db import migrations


def small_pending_list(apps, schema_editor):
    # A GIN index queues inserts in a pending list that every search reads through until it is merged
    # (at 4 MB by default: about 500 pages, which made the planner scan every document instead). Edits
    # come one entry at a time, so a small list is merged often and cheaply; a rebuild merges it at once.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX search_document_vector SET (gin_pending_list_limit = 128)")
        schema_editor.execute("ALTER INDEX search_term_trgm SET (gin_pending_list_limit = 128)")


def default_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX search_document_vector RESET (gin_pending_list_limit)")
        schema_editor.execute("ALTER INDEX search_term_trgm RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0008_lexeme_vocabulary"),
    ]

    operations = [
        migrations.RunPython(small_pending_list, default_pending_list),
    ]
