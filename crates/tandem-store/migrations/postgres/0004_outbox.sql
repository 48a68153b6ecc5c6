-- The event log becomes the outbox of every change: one vocabulary for the feed and live clients
-- (message_created; conversation_updated with data.change naming the field), and events that are
-- not about a conversation (content_changed) have no conversation_id. seq values are kept.
ALTER TABLE events ALTER COLUMN conversation_id DROP NOT NULL;
ALTER TABLE events DISABLE TRIGGER events_append_only_update;
UPDATE events SET kind = 'message_created' WHERE kind = 'message_added';
UPDATE events
SET data = (data::jsonb || jsonb_build_object('change', CASE kind
        WHEN 'status_changed' THEN 'status'
        WHEN 'priority_changed' THEN 'priority'
        WHEN 'assigned' THEN 'assignee'
        WHEN 'team_changed' THEN 'team'
        WHEN 'tagged' THEN 'tag_added'
        ELSE 'tag_removed'
    END))::text,
    kind = 'conversation_updated'
WHERE kind IN ('status_changed', 'priority_changed', 'assigned', 'team_changed', 'tagged', 'untagged');
ALTER TABLE events ENABLE TRIGGER events_append_only_update;
