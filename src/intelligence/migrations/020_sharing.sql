-- Sharing across the federation (issue 9, item 3). A scope is what a peer subscribes to: one
-- collection (its id) or this node's cryptocurrency-abuse database ('wallets').

-- On the sharing side: which peers the administrator lets subscribe, and which are named for TLP:AMBER.
CREATE TABLE intelligence_sharing (
  scope text NOT NULL,
  peer  text NOT NULL REFERENCES peers (node_id) ON DELETE CASCADE,
  amber boolean NOT NULL,
  PRIMARY KEY (scope, peer)
);

-- Peers subscribed here: each object added to a scope is queued to them in the transaction that adds it.
CREATE TABLE intelligence_subscribers (
  scope         text NOT NULL,
  peer          text NOT NULL,
  subscribed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, peer),
  FOREIGN KEY (scope, peer) REFERENCES intelligence_sharing (scope, peer) ON DELETE CASCADE
);

-- On the receiving side: this node's subscriptions to peers, and the local collection each fills.
CREATE TABLE intelligence_subscriptions (
  id            uuid PRIMARY KEY,
  peer          text NOT NULL REFERENCES peers (node_id),
  scope         text NOT NULL,
  state         text NOT NULL CHECK (state IN ('pending', 'active', 'refused')),
  reason        text,
  collection_id uuid REFERENCES taxii_collections (id),
  requested_by  text NOT NULL,
  requested_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (peer, scope)
);
