-- Root causes: what a case handed to people is a symptom of. The bot suggests a cause when it
-- hands the case over (with the customer's words that point at it); an agent confirms or changes
-- it. `text` is the customer's messages the suggestion read, redacted: what a confirmation
-- teaches the next suggestions. Erased with its conversation.
CREATE TABLE root_causes (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    suggested       TEXT,
    confidence      DOUBLE PRECISION NOT NULL DEFAULT 0,
    -- [{text, message_id, start, end, why}]: words quoted from the customer's messages.
    evidence        TEXT NOT NULL DEFAULT '[]',
    text            TEXT NOT NULL DEFAULT '',
    confirmed       TEXT,
    confirmed_by    TEXT REFERENCES users (id) ON DELETE SET NULL,
    confirmed_at    BIGINT,
    -- When the case went to people: the day it counts on.
    handed_over_at  BIGINT NOT NULL
);
CREATE INDEX root_causes_day ON root_causes (handed_over_at);
CREATE INDEX root_causes_confirmed ON root_causes (confirmed_at) WHERE confirmed IS NOT NULL;

-- Customer satisfaction: a conversation's latest rating (1 to 5) by its customer, once resolved.
CREATE TABLE ratings (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    score           BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment         TEXT NOT NULL DEFAULT '',
    rated_at        BIGINT NOT NULL
);
CREATE INDEX ratings_day ON ratings (rated_at);

-- The days whose root-cause digests were produced (once per day, whichever instance is first).
CREATE TABLE root_cause_digests (
    day        TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);
