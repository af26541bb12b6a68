"""Fill the inbox columns of chats that existed before 0002_inbox: the last-message preview and
the inbound counter (``messaging.services.inbox.chat_note_message`` keeps them from then on).

A migration of its own: an UPDATE of messaging_chat queues the deferred foreign-key checks of
its rows, and PostgreSQL refuses the index 0002 creates afterwards in the same transaction
("pending trigger events") on any database that already has chats.
"""

from django.db import migrations

BACKFILL_SQL = """
UPDATE messaging_chat AS c SET
    last_message_id = m.id,
    last_message_text = LEFT(m.text, 200),
    last_message_direction = m.direction,
    last_message_kind = m.kind
FROM (
    SELECT DISTINCT ON (chat_id) chat_id, id, text, direction, kind
    FROM messaging_message
    ORDER BY chat_id, sent_at DESC, id DESC
) AS m
WHERE m.chat_id = c.id;
UPDATE messaging_chat AS c SET inbound_count = n.count
FROM (
    SELECT chat_id, COUNT(*) AS count FROM messaging_message
    WHERE direction = 'in' AND kind <> 'service' AND source <> 'import'
    GROUP BY chat_id
) AS n
WHERE n.chat_id = c.id;
"""


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_link_previews_templates")]

    operations = [migrations.RunSQL(sql=BACKFILL_SQL, reverse_sql=migrations.RunSQL.noop)]
