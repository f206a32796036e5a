-- The cryptocurrency-abuse database (seed 14(mm)): addresses known to have served a scam, a ransom,
-- a market or a theft, with what is known of the abuse. One row per address and source node: a
-- peer's report of the same address stays its own, with its producer, when federation shares them.
CREATE TABLE wallets (
  id          uuid PRIMARY KEY,
  chain       text NOT NULL,
  -- Canonical writing (bech32 lower case, EIP-55 mixed case); match_key is how identifiers meet it.
  address     text NOT NULL,
  network     text,
  match_key   text NOT NULL,
  abuse_type  text NOT NULL CHECK (abuse_type IN ('scam', 'ransomware', 'sextortion', 'darknet-market', 'mixer', 'theft', 'phishing', 'other')),
  -- Exact decimal amounts received, never floating point; `decimals` is the asset's smallest unit.
  amount      numeric CHECK (amount >= 0),
  asset       text,
  decimals    smallint CHECK (decimals BETWEEN 0 AND 36),
  first_seen  date,
  last_seen   date,
  source      text NOT NULL,
  added_by    text NOT NULL,
  added_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (last_seen >= first_seen),
  CHECK ((amount IS NULL) = (asset IS NULL) AND (asset IS NULL) = (decimals IS NULL)),
  UNIQUE (match_key, source)
);
CREATE INDEX wallets_by_added ON wallets (added_at DESC, id);

-- Reports and cases an analyst or investigator tied to an address on purpose.
CREATE TABLE wallet_report_links (
  wallet_id uuid NOT NULL REFERENCES wallets (id),
  -- Retention deletes old reports: their links go with them.
  report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  linked_by text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (wallet_id, report_id)
);
CREATE TABLE wallet_case_links (
  wallet_id uuid NOT NULL REFERENCES wallets (id),
  case_id   uuid NOT NULL REFERENCES cases (id),
  linked_by text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (wallet_id, case_id)
);

-- Found, not chosen: a report, case or request naming an address of the database, whichever came first.
CREATE TABLE wallet_matches (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  wallet_id  uuid NOT NULL REFERENCES wallets (id),
  report_id  uuid REFERENCES reports (id) ON DELETE CASCADE,
  case_id    uuid REFERENCES cases (id),
  request_id uuid REFERENCES requests (id),
  found_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (num_nonnulls(report_id, case_id, request_id) = 1)
);
CREATE UNIQUE INDEX wallet_matches_of_report ON wallet_matches (report_id, wallet_id) WHERE report_id IS NOT NULL;
CREATE UNIQUE INDEX wallet_matches_of_case ON wallet_matches (case_id, wallet_id) WHERE case_id IS NOT NULL;
CREATE UNIQUE INDEX wallet_matches_of_request ON wallet_matches (request_id, wallet_id) WHERE request_id IS NOT NULL;
CREATE INDEX wallet_matches_by_wallet ON wallet_matches (wallet_id);
