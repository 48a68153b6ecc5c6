-- Snoozed cases: hidden from the open lists until this time (microseconds since the epoch), or
-- until the customer writes again. NULL: not snoozed.
ALTER TABLE conversations ADD COLUMN snoozed_until BIGINT;
