-- The model registry: every trained model is a row with a status (one `active` at a time across
-- all packs, enforced by a unique partial index), its example count, who trained it, who promoted
-- it and when, whether the promotion was forced (with the reason), when it was retired (the most
-- recently retired model is the one a rollback restores) and the comparison with the active model
-- it was trained against. The old `active` flag is kept in step with the status.
ALTER TABLE models ADD COLUMN status TEXT NOT NULL DEFAULT 'retired'
    CHECK (status IN ('active', 'candidate', 'retired', 'refused'));
ALTER TABLE models ADD COLUMN examples BIGINT NOT NULL DEFAULT 0;
ALTER TABLE models ADD COLUMN trained_by TEXT;
ALTER TABLE models ADD COLUMN promoted_at BIGINT;
ALTER TABLE models ADD COLUMN retired_at BIGINT;
ALTER TABLE models ADD COLUMN forced BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE models ADD COLUMN force_reason TEXT;
ALTER TABLE models ADD COLUMN comparison TEXT;
-- The model that took over when this one was retired by a promotion: a rollback from that model
-- restores this one (and a second rollback the one before it).
ALTER TABLE models ADD COLUMN replaced_by TEXT;

-- Earlier Tandems kept one active model per pack revision: only the active revision's newest one
-- stays active.
UPDATE models SET active = FALSE WHERE active AND id <> COALESCE((
    SELECT m.id FROM models m JOIN content_packs p ON p.id = m.pack_id
    WHERE p.active AND m.active ORDER BY m.created_at DESC, m.id DESC LIMIT 1), '');
UPDATE models SET status = 'active', promoted_at = created_at WHERE active;
UPDATE models SET retired_at = created_at WHERE NOT active;
UPDATE models SET examples = substring(metrics FROM '"examples":\s*([0-9]{1,15})')::BIGINT
    WHERE metrics ~ '"examples":\s*[0-9]';

CREATE UNIQUE INDEX models_one_active ON models (status) WHERE status = 'active';
CREATE INDEX models_created ON models (created_at, id);
