-- Read marks: how far each staff member has read each conversation (the `seq` of the last message
-- they had when they opened it), so unread markers hold across devices and reloads. Erased with
-- the conversation.
CREATE TABLE conversation_reads (
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    last_read_seq   INTEGER NOT NULL,
    read_at         INTEGER NOT NULL,
    PRIMARY KEY (user_id, conversation_id)
);
CREATE INDEX conversation_reads_conversation ON conversation_reads (conversation_id);
