-- Cross-border requests. Each node keeps its own copy of every request it sends or receives: the
-- requester's and the executor's copies carry the same id and agree on their state once the
-- messages between them are delivered.
CREATE TABLE requests (
  id             uuid PRIMARY KEY,
  kind           text NOT NULL,
  -- This node's part: the requester drafts and sends, the executor answers.
  side           text NOT NULL CHECK (side IN ('requester', 'executor')),
  requester      text NOT NULL,
  executor       text NOT NULL,
  -- On the executor's node, the request this one was made to carry out (a forwarded request).
  parent_id      uuid REFERENCES requests (id),
  state          text NOT NULL,
  -- Transitions applied so far: both copies count the same ones, in the same order.
  seq            integer NOT NULL DEFAULT 0 CHECK (seq >= 0),
  fields         jsonb NOT NULL,
  legal_basis    jsonb NOT NULL,
  -- When the party whose turn it is must act by.
  due_at         timestamptz,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (requester <> executor)
);
CREATE INDEX requests_by_state ON requests (side, state, due_at);
CREATE INDEX requests_by_parent ON requests (parent_id) WHERE parent_id IS NOT NULL;

-- Every transition of a request, on this node's copy, whoever made it.
CREATE TABLE request_events (
  request_id  uuid NOT NULL REFERENCES requests (id),
  seq         integer NOT NULL CHECK (seq >= 1),
  action      text NOT NULL,
  from_state  text,
  to_state    text NOT NULL,
  -- The node whose user (or system) acted, and who.
  actor_node  text NOT NULL,
  actor_name  text NOT NULL,
  note        jsonb NOT NULL DEFAULT '{}',
  at          timestamptz NOT NULL,
  -- The federation message that carried the transition across the border, if it crossed.
  msg_id      uuid,
  PRIMARY KEY (request_id, seq)
);

-- The identifiers a request names, as deconfliction finds them however they were written.
CREATE TABLE request_identifiers (
  request_id uuid NOT NULL REFERENCES requests (id),
  match_key  text NOT NULL,
  PRIMARY KEY (request_id, match_key)
);
CREATE INDEX request_identifiers_by_key ON request_identifiers (match_key);
