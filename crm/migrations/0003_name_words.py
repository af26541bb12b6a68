"""The dictionary of name words the search box corrects typos against (``crm.models.NameWord``).

Statement-level triggers with transition tables add the words of every inserted or updated
contact and company name in one statement per write, so a 2,000-row ``COPY`` of an import adds
one ``INSERT … ON CONFLICT DO NOTHING``, not 2,000. The words are the lexemes of
``to_tsvector('simple', name)``, exactly the words ``crm_name_vector`` indexes. Transition tables
cannot be combined with ``UPDATE OF <columns>``, so updates of other columns run the statement
too; it finds the words already present and writes nothing.
"""

import django.db.models.deletion
from django.db import migrations, models

COLLECT = """
CREATE FUNCTION crm_name_words_from_{table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO crm_nameword (organization_id, word)
    SELECT DISTINCT changed.organization_id, word.lexeme
    FROM changed_rows AS changed, unnest(to_tsvector('simple'::regconfig, changed.{column})) AS word
    WHERE length(word.lexeme) BETWEEN 2 AND 64
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER crm_{table}_name_words_insert AFTER INSERT ON crm_{table}
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_name_words_from_{table}();
CREATE TRIGGER crm_{table}_name_words_update AFTER UPDATE ON crm_{table}
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_name_words_from_{table}();
INSERT INTO crm_nameword (organization_id, word)
SELECT DISTINCT changed.organization_id, word.lexeme
FROM crm_{table} AS changed, unnest(to_tsvector('simple'::regconfig, changed.{column})) AS word
WHERE length(word.lexeme) BETWEEN 2 AND 64
ON CONFLICT DO NOTHING;
"""
DROP = """
DROP TRIGGER crm_{table}_name_words_insert ON crm_{table};
DROP TRIGGER crm_{table}_name_words_update ON crm_{table};
DROP FUNCTION crm_name_words_from_{table}();
"""
NAMES = {"contact": "full_name", "company": "name"}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_site_name"),
        ("crm", "0002_core_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="NameWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=64)),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organization",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "word"), name="name_word_unique"
                    )
                ],
            },
        ),
        *(
            migrations.RunSQL(COLLECT.format(table=table, column=column), DROP.format(table=table))
            for table, column in NAMES.items()
        ),
    ]
