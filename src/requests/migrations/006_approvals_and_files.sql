-- Signing keys the node issues to its prosecutors and judges for four-eyes approval. The private
-- key is sealed like the node's own; the certificate is the node's signed word that the key is
-- that official's, which the recipient of an approved request checks against the trust list.
CREATE TABLE official_keys (
  kid          text PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id),
  public_jwk   jsonb NOT NULL,
  private_jwe  text NOT NULL,
  certificate  text NOT NULL,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);
CREATE UNIQUE INDEX official_keys_one_active ON official_keys (user_id) WHERE status = 'active';

-- The SHA-256 of the request as it left (kind, parties, fields, legal basis), which the approval
-- signs and which anyone holding the request can check at /verify; and the approval itself.
ALTER TABLE requests ADD COLUMN digest text;
ALTER TABLE requests ADD COLUMN approval jsonb;
CREATE INDEX requests_by_digest ON requests (digest) WHERE digest IS NOT NULL;

-- Files that a step carries (the data a provider discloses, the evidence an MLA request returns):
-- stored encrypted by the federation; staged (seq null) until the step that sends them.
CREATE TABLE request_files (
  request_id  uuid NOT NULL REFERENCES requests (id),
  sha256      text NOT NULL,
  seq         integer,
  attachment  jsonb NOT NULL,
  added_by    text NOT NULL,
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, sha256)
);

-- Orders that a foreign authority sent straight to a provider in this State, of which this State
-- asks to be told (Second Additional Protocol art. 7(5)): what the order says, and its digest.
CREATE TABLE request_notifications (
  request_id   uuid PRIMARY KEY,
  requester    text NOT NULL,
  provider     text NOT NULL,
  kind         text NOT NULL,
  digest       text NOT NULL,
  order_json   jsonb NOT NULL,
  msg_id       uuid NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);
