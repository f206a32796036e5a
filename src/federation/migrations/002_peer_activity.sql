-- When each peer was last heard from, and how many of its messages were applied: kept in the
-- transaction that applies each message, so the count is exact.
ALTER TABLE peers ADD COLUMN messages_received bigint NOT NULL DEFAULT 0;
ALTER TABLE peers ADD COLUMN last_message_at timestamptz;
