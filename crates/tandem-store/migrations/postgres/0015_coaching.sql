-- Coaching. Every agent reply to a customer is scored on the soft-skill rubric by a worker that
-- follows the event log (`quality_cursor`); a score is erased with its conversation.
CREATE TABLE reply_scores (
    message_id      TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The scorer's answer: {skill: {level, score, reason, evidence}}.
    skills          TEXT NOT NULL,
    -- When the reply was written (its message's time), so profiles group by when people worked.
    written_at      BIGINT NOT NULL,
    scored_at       BIGINT NOT NULL
);
CREATE INDEX reply_scores_author ON reply_scores (author_id, written_at);
CREATE INDEX reply_scores_conversation ON reply_scores (conversation_id, written_at);

CREATE TABLE quality_cursor (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
-- Replies written before scoring existed are not scored.
INSERT INTO quality_cursor (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM events;

-- Practice with simulated customers. A session's turns (the customer's lines with their mood,
-- the agent's replies with their feedback) are one JSON array; a session is private to its agent
-- unless shared.
CREATE TABLE practice_sessions (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scenario    TEXT NOT NULL,
    turns       TEXT NOT NULL,
    score       BIGINT,
    passed      BOOLEAN NOT NULL DEFAULT FALSE,
    shared      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX practice_sessions_user ON practice_sessions (user_id, created_at);

-- Certifications a supervisor or an admin signed off; revoking keeps the row (who, when, why).
-- An agent holds at most one active certification per skill.
CREATE TABLE certifications (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    skill          TEXT NOT NULL,
    granted_by     TEXT REFERENCES users (id) ON DELETE SET NULL,
    granted_at     BIGINT NOT NULL,
    reason         TEXT NOT NULL,
    revoked_by     TEXT REFERENCES users (id) ON DELETE SET NULL,
    revoked_at     BIGINT,
    revoke_reason  TEXT
);
CREATE UNIQUE INDEX certifications_active ON certifications (user_id, skill) WHERE revoked_at IS NULL;
CREATE INDEX certifications_skill ON certifications (skill) WHERE revoked_at IS NULL;
