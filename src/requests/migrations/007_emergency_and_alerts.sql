-- Second-channel confirmation of emergency requests. On the requesting node: the code its 24/7 desk
-- reads to the provider on the phone. On the executing node: only its digest, against which the
-- code the provider is read is checked, and the attempts made.
CREATE TABLE request_confirmations (
  request_id   uuid PRIMARY KEY REFERENCES requests (id),
  code         text,
  code_digest  text NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  confirmed_at timestamptz
);

-- Alerts for the 24/7 desk: an emergency request arrived, a deadline passed. Each is addressed to
-- the officer on call when it was raised, or to the whole desk if no one was.
CREATE TABLE request_alerts (
  id               uuid PRIMARY KEY,
  request_id       uuid NOT NULL REFERENCES requests (id),
  reason           text NOT NULL CHECK (reason IN ('emergency', 'overdue', 'confirmation')),
  paged_user       uuid REFERENCES users (id),
  -- For an overdue alert, the deadline that passed: one alert per deadline.
  due_at           timestamptz,
  raised_at        timestamptz NOT NULL DEFAULT now(),
  acknowledged_by  text,
  acknowledged_at  timestamptz,
  UNIQUE (request_id, reason, due_at)
);
CREATE INDEX request_alerts_open ON request_alerts (raised_at) WHERE acknowledged_at IS NULL;

-- Who is on call at the 24/7 desk, and until when.
CREATE TABLE on_call (
  user_id  uuid PRIMARY KEY REFERENCES users (id),
  since    timestamptz NOT NULL DEFAULT now(),
  until    timestamptz NOT NULL,
  CHECK (until > since)
);
