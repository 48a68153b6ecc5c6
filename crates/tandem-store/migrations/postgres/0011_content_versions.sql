-- Content history: every saved version of an article, template, intent, the bot texts and the
-- canned replies. `version` counts 1, 2, ... per (kind, key) and is never reused; version 1 of
-- what came with a pack has no author. The content is the item's JSON. Content is not personal data
-- (intents' examples are redacted before they are saved), so erasure does not touch it; an author
-- who is deleted leaves the version without an author.
CREATE TABLE content_versions (
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    version     BIGINT NOT NULL,
    content     TEXT NOT NULL,
    author_id   TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (kind, key, version)
);
