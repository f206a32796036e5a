-- Attachments: the encrypted copies (SHA-256 and size) a message needs, pushed to the recipient before it.
ALTER TABLE outbox ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';
-- What the sender signed of each attachment, with the key of its encrypted copy in the node's store.
ALTER TABLE inbox ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';
