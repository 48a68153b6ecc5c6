-- Service levels: targets set when a case goes to people, the first agent reply, breaches.
ALTER TABLE conversations ADD COLUMN first_response_due_at INTEGER;
ALTER TABLE conversations ADD COLUMN resolution_due_at INTEGER;
ALTER TABLE conversations ADD COLUMN first_response_at INTEGER;
ALTER TABLE conversations ADD COLUMN first_response_breached INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN resolution_breached INTEGER NOT NULL DEFAULT 0;
CREATE INDEX conversations_sla ON conversations (status, first_response_due_at, resolution_due_at);
-- Whether the customer's e-mail was signed by the business's own site (HMAC).
ALTER TABLE conversations ADD COLUMN customer_verified INTEGER NOT NULL DEFAULT 0;
