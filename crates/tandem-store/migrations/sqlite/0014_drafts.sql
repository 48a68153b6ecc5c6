-- Article drafts from people's answers. A draft groups similar questions the bot could not answer;
-- each of its conversations is a case (the customer's question and the agent's reply, both
-- redacted). The draft's own text is its first case's, so nothing of a conversation outlives it:
-- erasing a conversation deletes its case (and a draft left without cases). A conversation is a
-- case of one draft at most, ever.
CREATE TABLE drafts (
    id          TEXT PRIMARY KEY,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    decided_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    decided_at  INTEGER,
    -- An accepted draft: the article it became and the intent it was taught to.
    article     TEXT,
    intent      TEXT
);
CREATE INDEX drafts_status ON drafts (status, updated_at);

CREATE TABLE draft_cases (
    conversation_id     TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    draft_id            TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    question            TEXT NOT NULL,
    answer              TEXT NOT NULL,
    question_message_id TEXT NOT NULL,
    answer_message_id   TEXT NOT NULL,
    intent              TEXT,
    added_at            INTEGER NOT NULL
);
CREATE INDEX draft_cases_draft ON draft_cases (draft_id, added_at);

-- The last event the drafts worker handled. It starts at the end of the log as it is now: cases
-- resolved before drafts existed are not drafted.
CREATE TABLE draft_cursor (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO draft_cursor (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM events;
