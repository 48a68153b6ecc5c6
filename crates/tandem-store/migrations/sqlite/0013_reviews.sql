-- The review queue: bot decisions and answers a trainer should look at. An item is about one
-- message (the customer message the bot did not understand, or the bot message a customer rated
-- unhelpful, that was followed by a return, or that an agent flagged); `text` is the customer's
-- words concerned, personal data redacted, `intent`/`confidence` the bot's guess. A trainer
-- resolves it with an intent (`label`: the text became a training example of it; `held_out`: it
-- joined the regression set instead of the training data) or dismisses it. At most one open item
-- per message and reason. Items go with their conversation when it is erased.
CREATE TABLE reviews (
    id               TEXT PRIMARY KEY,
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id       TEXT NOT NULL,
    reason           TEXT NOT NULL
        CHECK (reason IN ('out_of_scope', 'low_confidence', 'negative_feedback', 'false_automation', 'flagged')),
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    text             TEXT NOT NULL,
    intent           TEXT,
    confidence       REAL NOT NULL DEFAULT 0,
    flag_reason      TEXT,
    flag_comment     TEXT,
    flagged_by       TEXT REFERENCES users (id) ON DELETE SET NULL,
    label            TEXT,
    held_out         INTEGER NOT NULL DEFAULT 0,
    resolved_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    resolved_at      INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX reviews_one_open ON reviews (message_id, reason) WHERE status = 'open';
CREATE INDEX reviews_status ON reviews (status, created_at);
CREATE INDEX reviews_conversation ON reviews (conversation_id);
