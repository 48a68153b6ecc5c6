-- The hybrid loop: content packs, trained models, decisions, handoff context.
ALTER TABLE conversations ADD COLUMN handoff_reason TEXT;
ALTER TABLE conversations ADD COLUMN summary TEXT;
ALTER TABLE conversations ADD COLUMN triage TEXT;
ALTER TABLE users ADD COLUMN available BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE content_packs (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    content     TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT FALSE
);

-- Trained triage models are versioned rows; exactly one is active per pack.
CREATE TABLE models (
    id                TEXT PRIMARY KEY,
    pack_id           TEXT NOT NULL REFERENCES content_packs (id),
    bytes             BYTEA NOT NULL,
    metrics           TEXT NOT NULL,
    training_set_hash TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    promoted_by       TEXT,
    active            BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX models_pack ON models (pack_id, active);

CREATE TABLE decisions (
    seq             BIGSERIAL PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id      TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('resolve', 'answer', 'clarify', 'handoff', 'acknowledge')),
    intent          TEXT,
    confidence      DOUBLE PRECISION NOT NULL,
    handoff_reason  TEXT,
    slot            TEXT,
    detail          TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX decisions_conversation ON decisions (conversation_id, seq);
