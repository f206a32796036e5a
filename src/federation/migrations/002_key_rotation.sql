-- Key rotation: a replaced key stays usable ("retiring") for an overlap period, then is retired.
ALTER TABLE node_keys DROP CONSTRAINT node_keys_status_check;
ALTER TABLE node_keys ADD CONSTRAINT node_keys_status_check CHECK (status IN ('active', 'retiring', 'retired'));
ALTER TABLE node_keys ADD COLUMN retire_after timestamptz;
ALTER TABLE peers ADD COLUMN refreshed_at timestamptz;

-- When each peer was last heard from, and how many of its messages were applied, read from the inbox.
CREATE INDEX inbox_sender ON inbox (sender, received_at);
