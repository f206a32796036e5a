-- The tamper-evident log (RFC 9162 Merkle tree): see docs/decisions/0007-tamper-evident-log.md.

-- The hash of every complete subtree: level 0 holds the leaves, level l the subtree of leaves
-- [idx × 2^l, (idx + 1) × 2^l). Written once, by the sequencer, when an append completes it.
CREATE TABLE ledger_nodes (
  level smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
  idx   bigint NOT NULL CHECK (idx >= 0),
  hash  bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
);
-- Whoever holds a record asks for its proof by the leaf hash they compute.
CREATE INDEX ledger_leaf_hash ON ledger_nodes (hash) WHERE level = 0;

-- Every audit record becomes a leaf: its index is set once, by the sequencer, after the record commits.
ALTER TABLE audit_log ADD COLUMN log_index bigint UNIQUE;
-- What the sequencer has still to add: small, whatever the size of the log.
CREATE INDEX audit_log_not_logged ON audit_log (id) WHERE log_index IS NULL;

-- Audit records stay unchangeable; the only update allowed gives a record its leaf index, once.
DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW WHEN (NOT (
    OLD.log_index IS NULL AND NEW.log_index IS NOT NULL AND (to_jsonb(OLD) - 'log_index') = (to_jsonb(NEW) - 'log_index')
  ))
  EXECUTE FUNCTION audit_log_is_append_only();

-- The tree heads this node has signed, the latest published at /.well-known/entraide/log.
CREATE TABLE ledger_heads (
  tree_size bigint PRIMARY KEY CHECK (tree_size >= 0),
  root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
  signed_at timestamptz NOT NULL,
  jws       text NOT NULL
);
CREATE INDEX ledger_heads_signed_at ON ledger_heads (signed_at);

-- The tree heads of peers, each verified with the peer's key and shown consistent with the one before.
CREATE TABLE ledger_peer_heads (
  node_id    text NOT NULL REFERENCES peers (node_id) ON DELETE CASCADE,
  tree_size  bigint NOT NULL CHECK (tree_size >= 0),
  root_hash  bytea NOT NULL CHECK (length(root_hash) = 32),
  signed_at  timestamptz NOT NULL,
  jws        text NOT NULL,
  fetched_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (node_id, tree_size)
);

-- What the administrator must look into: a peer whose log shrank, forked or was rewritten, or
-- whose tree head does not verify. Kept when the peer is removed: it is the evidence.
CREATE TABLE ledger_alerts (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  node_id   text NOT NULL,
  kind      text NOT NULL CHECK (kind IN ('bad-signature', 'shrunk', 'fork', 'inconsistent')),
  detail    text NOT NULL,
  -- The head kept before and the one that contradicts it, as the peer signed them.
  kept_head text,
  seen_head text NOT NULL,
  raised_at timestamptz NOT NULL DEFAULT now()
);
-- The same contradiction seen again at the next check is one alert, not one per check.
CREATE UNIQUE INDEX ledger_alerts_once ON ledger_alerts (node_id, kind, md5(seen_head));
