-- Service levels: targets set when a case goes to people, the first agent reply, breaches.
ALTER TABLE conversations ADD COLUMN first_response_due_at BIGINT;
ALTER TABLE conversations ADD COLUMN resolution_due_at BIGINT;
ALTER TABLE conversations ADD COLUMN first_response_at BIGINT;
ALTER TABLE conversations ADD COLUMN first_response_breached BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversations ADD COLUMN resolution_breached BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX conversations_sla ON conversations (status, first_response_due_at, resolution_due_at);
-- Whether the customer's e-mail was signed by the business's own site (HMAC).
ALTER TABLE conversations ADD COLUMN customer_verified BOOLEAN NOT NULL DEFAULT FALSE;
