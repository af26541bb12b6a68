"""Indexes the search box and the sorted, cursor-paginated lists need at a million contacts.

``crm_name_vector(name)`` is a tsvector of a name's words plus one Soundex code per word
(letters folded to a-z first), so a GIN index answers exact words, prefixes and sound-alike
typos ("Jhon Smtih") from posting lists without rechecking rows. It calls only
``pg_catalog`` functions, so it resolves under the restricted search_path PostgreSQL uses for
index maintenance. ``crm.search.sound_code`` is its Python twin (a test keeps them in step).
"""

import datetime

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models

# Letters are folded to a-z before coding: Cyrillic transliterated (ъ, ь dropped), Latin accents
# removed. The same table is in crm/search.py.
CREATE_NAME_VECTOR = r"""
CREATE FUNCTION crm_name_vector(name text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT to_tsvector('simple'::regconfig, name || ' ' || coalesce((
    SELECT string_agg(
        left(w, 1) || rpad(replace(substr(regexp_replace(replace(
            translate(w, 'aeiouyhwbfpvcgjkqsxzdtlmnr', '000000--111122222222334556'),
            '-', ''), '(.)\1+', '\1', 'g'), 2), '0', ''), 3, '0'),
        ' ')
    FROM (
        SELECT regexp_replace(translate(
            lower(part),
            'абвгдеёжзийклмнопрстуфхцчшщыэюяіїєґ'
            'àáâãäåāăąçćčďđèéêëēėęěìíîïīįłñńňòóôõöøōőřśšşťùúûüūůűųýÿžźżß'
            'ъь',
            'abvgdeejziiklmnoprstufkccssyeuaiieg'
            'aaaaaaaaacccddeeeeeeeeiiiiiilnnnoooooooorssstuuuuuuuuyyzzzs'
        ), '[^a-z]', '', 'g') AS w
        FROM regexp_split_to_table(name, '[[:space:][:punct:]]+') AS part
    ) AS words
    WHERE w <> ''
), ''))
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]

    operations = [
        migrations.RunSQL(CREATE_NAME_VECTOR, "DROP FUNCTION crm_name_vector(text);"),
        migrations.AddIndex(
            model_name="company",
            index=django.contrib.postgres.indexes.GinIndex(
                models.Func(
                    models.F("name"),
                    function="crm_name_vector",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                ),
                name="company_name_search",
            ),
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(
                models.F("organization"),
                django.db.models.functions.text.Lower("name"),
                models.F("id"),
                name="company_name_sort",
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=django.contrib.postgres.indexes.GinIndex(
                models.Func(
                    models.F("full_name"),
                    function="crm_name_vector",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                ),
                name="contact_name_search",
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                models.F("organization"),
                django.db.models.functions.text.Lower("full_name"),
                models.F("id"),
                name="contact_name_sort",
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                models.F("organization"),
                django.db.models.functions.comparison.Coalesce(
                    "last_contacted_at",
                    models.Value(datetime.datetime(1970, 1, 1, 0, 0, tzinfo=datetime.UTC)),
                ),
                models.F("id"),
                name="contact_contacted_sort",
            ),
        ),
        migrations.AddIndex(
            model_name="note",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("body", config="simple"),
                name="note_body_search",
            ),
        ),
    ]
