-- The event log becomes the outbox of every change: one vocabulary for the feed and live clients
-- (message_created; conversation_updated with data.change naming the field), and events that are
-- not about a conversation (content_changed) have no conversation_id. seq values are kept.
DROP TRIGGER events_append_only_update;
CREATE TABLE events_new (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    conversation_id TEXT REFERENCES conversations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    actor           TEXT NOT NULL,
    data            TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
INSERT INTO events_new (seq, id, conversation_id, kind, actor, data, created_at)
SELECT seq, id, conversation_id,
       CASE kind
           WHEN 'message_added' THEN 'message_created'
           WHEN 'status_changed' THEN 'conversation_updated'
           WHEN 'priority_changed' THEN 'conversation_updated'
           WHEN 'assigned' THEN 'conversation_updated'
           WHEN 'team_changed' THEN 'conversation_updated'
           WHEN 'tagged' THEN 'conversation_updated'
           WHEN 'untagged' THEN 'conversation_updated'
           ELSE kind
       END,
       actor,
       CASE kind
           WHEN 'status_changed' THEN json_set(data, '$.change', 'status')
           WHEN 'priority_changed' THEN json_set(data, '$.change', 'priority')
           WHEN 'assigned' THEN json_set(data, '$.change', 'assignee')
           WHEN 'team_changed' THEN json_set(data, '$.change', 'team')
           WHEN 'tagged' THEN json_set(data, '$.change', 'tag_added')
           WHEN 'untagged' THEN json_set(data, '$.change', 'tag_removed')
           ELSE data
       END,
       created_at
FROM events ORDER BY seq;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_conversation ON events (conversation_id, seq);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;
