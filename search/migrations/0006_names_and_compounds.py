"""Name keys and compound words as tables of their own: the indexed lookups behind the name tiers of the
ranking and the reading of every spelling of a compound as one term. Filled here from the existing
index, so an upgrade needs no rebuild."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from search.text import joined_words, name_compounds

    Document = apps.get_model("search", "SearchDocument")
    Name = apps.get_model("search", "SearchName")
    Compound = apps.get_model("search", "SearchCompound")
    names, compounds = [], {}
    for doc_id, keys, title, aliases, summary, details in Document.objects.values_list(
        "id", "keys", "title", "aliases", "summary", "details"
    ).iterator():
        for position, key in enumerate(dict.fromkeys(keys.split())):
            names.append(Name(doc_id=doc_id, key=key[:200], alias=position > 0))
        compounds.update(joined_words(" ".join([title, aliases, summary, details])))
        for name in [title, *aliases.split("\n")]:
            compounds.update(name_compounds(name))
    Name.objects.bulk_create(names, batch_size=2000)
    Compound.objects.bulk_create(
        [Compound(joined=j, parts=" ".join(p)) for j, p in compounds.items() if len(j) <= 60 and len(" ".join(p)) <= 200],
        batch_size=2000, ignore_conflicts=True,
    )


def prefix_index(apps, schema_editor):
    # prefix lookups compare keys byte by byte (key >= 'abc' AND key < 'abc{'): PostgreSQL needs the
    # "C" collation for that, whatever the database's own collation is
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('CREATE INDEX search_name_key_c ON search_name (key COLLATE "C", doc_id)')


def drop_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_name_key_c")


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0005_drop_index_state'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchCompound',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('joined', models.CharField(max_length=60, unique=True)),
                ('parts', models.CharField(help_text='the parts, separated by spaces', max_length=200)),
            ],
            options={
                'db_table': 'search_compound',
            },
        ),
        migrations.CreateModel(
            name='SearchName',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=200)),
                ('alias', models.BooleanField(default=False)),
                ('doc', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='search.searchdocument')),
            ],
            options={
                'db_table': 'search_name',
                'indexes': [models.Index(fields=['key', 'doc'], name='search_name_key'), models.Index(fields=['doc'], name='search_name_doc')],
            },
        ),
        migrations.RunPython(prefix_index, drop_prefix_index),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
