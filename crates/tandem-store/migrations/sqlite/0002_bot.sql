-- The hybrid loop: content packs, trained models, decisions, handoff context.
ALTER TABLE conversations ADD COLUMN handoff_reason TEXT;
ALTER TABLE conversations ADD COLUMN summary TEXT;
ALTER TABLE conversations ADD COLUMN triage TEXT;
ALTER TABLE users ADD COLUMN available INTEGER NOT NULL DEFAULT 1;

CREATE TABLE content_packs (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    content     TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0
);

-- Trained triage models are versioned rows; exactly one is active per pack.
CREATE TABLE models (
    id                TEXT PRIMARY KEY,
    pack_id           TEXT NOT NULL REFERENCES content_packs (id),
    bytes             BLOB NOT NULL,
    metrics           TEXT NOT NULL,
    training_set_hash TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    promoted_by       TEXT,
    active            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX models_pack ON models (pack_id, active);

CREATE TABLE decisions (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id      TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('resolve', 'answer', 'clarify', 'handoff', 'acknowledge')),
    intent          TEXT,
    confidence      REAL NOT NULL,
    handoff_reason  TEXT,
    slot            TEXT,
    detail          TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX decisions_conversation ON decisions (conversation_id, seq);
