-- Questions with choices: the buttons a bot question offers (JSON list of {intent, label}) and,
-- on a customer message sent by picking one, the picked intent.
ALTER TABLE messages ADD COLUMN choices TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN choice TEXT;
