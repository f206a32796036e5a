-- This node's own keys. Private keys are stored only encrypted (JWE, PBES2) with the node's key secret.
CREATE TABLE node_keys (
  kid         text PRIMARY KEY,
  use         text NOT NULL CHECK (use IN ('sig', 'enc')),
  public_jwk  jsonb NOT NULL,
  private_jwe text NOT NULL,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- The trust list: the peers this node accepts messages from and sends messages to.
CREATE TABLE peers (
  node_id      text PRIMARY KEY,
  url          text NOT NULL,
  state        text NOT NULL,
  kind         text NOT NULL,
  display_name text NOT NULL,
  inbox_url    text NOT NULL,
  fingerprint  text NOT NULL,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  added_at     timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE peer_keys (
  kid        text NOT NULL,
  node_id    text NOT NULL REFERENCES peers (node_id) ON DELETE CASCADE,
  use        text NOT NULL CHECK (use IN ('sig', 'enc')),
  jwk        jsonb NOT NULL,
  status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (node_id, kid)
);

-- Messages to send, written in the same transaction as the change that caused them.
CREATE TABLE outbox (
  msg_id          uuid PRIMARY KEY,
  recipient       text NOT NULL,
  type            text NOT NULL,
  envelope        text NOT NULL,
  digest          text NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  give_up_at      timestamptz NOT NULL,
  lease_until     timestamptz,
  last_error      text,
  delivered_at    timestamptz,
  receipt         text
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';

-- Messages received and applied; the id is recorded in the same transaction as the application.
CREATE TABLE inbox (
  msg_id      uuid PRIMARY KEY,
  sender      text NOT NULL,
  type        text NOT NULL,
  created_at  timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  digest      text NOT NULL,
  envelope    text NOT NULL,
  payload     jsonb NOT NULL,
  receipt     text NOT NULL
);
CREATE INDEX inbox_received ON inbox (received_at);
