-- This node's requirements for the requests it receives, every version kept: a request says which
-- version it was checked against.
CREATE TABLE request_profile (
  version      integer PRIMARY KEY CHECK (version >= 1),
  requirements jsonb NOT NULL,
  issued_at    timestamptz NOT NULL DEFAULT now()
);

-- Peers' profiles as last fetched and verified, for when a peer cannot be reached.
CREATE TABLE peer_profiles (
  node_id    text PRIMARY KEY,
  version    integer NOT NULL,
  profile    jsonb NOT NULL,
  -- The signed profile itself, as proof of what the peer asked for.
  jws        text NOT NULL,
  fetched_at timestamptz NOT NULL
);
