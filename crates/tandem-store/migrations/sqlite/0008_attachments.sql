-- Files sent in conversations (images and PDFs), kept with the conversation: erasure and retention
-- delete them with it. `message_id` is NULL while a file is uploaded but not sent yet; the
-- uploader is the customer or a staff member (`uploader_user_id`). `thumbnail` is a re-encoded,
-- downscaled copy of an image (no metadata), NULL for a PDF.
CREATE TABLE attachments (
    id               TEXT PRIMARY KEY,
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id       TEXT REFERENCES messages (id) ON DELETE CASCADE,
    filename         TEXT NOT NULL,
    content_type     TEXT NOT NULL,
    size             INTEGER NOT NULL,
    sha256           TEXT NOT NULL,
    uploaded_by      TEXT NOT NULL CHECK (uploaded_by IN ('customer', 'agent')),
    uploader_user_id TEXT REFERENCES users (id),
    data             BLOB NOT NULL,
    thumbnail        BLOB,
    created_at       INTEGER NOT NULL
);
CREATE INDEX attachments_conversation ON attachments (conversation_id, created_at);
CREATE INDEX attachments_message ON attachments (message_id);
