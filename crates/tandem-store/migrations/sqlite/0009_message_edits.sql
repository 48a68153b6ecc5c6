-- A staff member may edit or delete their own reply or note for a short while after sending it
-- (microseconds since the epoch; NULL: never). A deleted message keeps its row with an empty
-- text, so the conversation shows where it was; an edited one keeps only its latest text.
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
