-- A peer that stops answering could be showing another history to others: after a while its
-- silence is an alert of its own. When each peer last answered the watch with a head it signed.
CREATE TABLE ledger_peer_contact (
  node_id  text PRIMARY KEY REFERENCES peers (node_id) ON DELETE CASCADE,
  heard_at timestamptz NOT NULL
);

ALTER TABLE ledger_alerts DROP CONSTRAINT ledger_alerts_kind_check;
ALTER TABLE ledger_alerts ADD CONSTRAINT ledger_alerts_kind_check CHECK (kind IN ('bad-signature', 'shrunk', 'fork', 'inconsistent', 'silent'));
