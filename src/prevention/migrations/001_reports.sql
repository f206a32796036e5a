-- Reports from the public: what happened, what the reporter knows of the criminal, and the
-- exchange between the reporter and the staff who handle it.
CREATE TABLE reports (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference      text NOT NULL UNIQUE,
  -- SHA-256 of the access code: the code itself is shown once to the reporter and never stored.
  access_digest  bytea NOT NULL,
  incident_type  text NOT NULL CHECK (incident_type IN ('phishing', 'online-fraud', 'romance-scam', 'ransomware', 'sextortion', 'harassment', 'hate-speech', 'account-takeover', 'crypto-scam', 'other')),
  severity       text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
  status         text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'in-review', 'linked', 'closed', 'withdrawn')),
  locale         text NOT NULL,
  what_happened  text NOT NULL,
  occurred_on    date,
  amount_lost    numeric(18, 3) CHECK (amount_lost >= 0),
  currency       text CHECK (currency ~ '^[A-Z]{3}$'),
  contact_channel text,
  -- All empty when the reporter stays anonymous, and erased when they withdraw the report.
  contact_name   text,
  contact_email  text,
  contact_phone  text,
  submitted_at   timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((amount_lost IS NULL) = (currency IS NULL))
);
CREATE INDEX reports_queue ON reports (status, severity, submitted_at);

-- Each identifier once per report, in its normal form: reports sharing one are linked.
CREATE TABLE report_identifiers (
  report_id  uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('phone', 'email', 'url', 'iban', 'wallet', 'account')),
  value      text NOT NULL,
  normalised text NOT NULL,
  PRIMARY KEY (report_id, kind, normalised)
);
CREATE INDEX report_identifiers_by_value ON report_identifiers (kind, normalised);

-- What the reporter added and what the staff told them, in order.
CREATE TABLE report_entries (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  report_id  uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  author     text NOT NULL CHECK (author IN ('reporter', 'staff')),
  body       text,
  -- The status the staff gave the report with this entry, if they changed it.
  status     text,
  at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX report_entries_by_report ON report_entries (report_id, id);

-- Wrong access codes by reference, known or not, as login_throttle counts them by name.
CREATE TABLE report_access_throttle (
  reference_key   text PRIMARY KEY,
  failures        integer NOT NULL,
  locked_until    timestamptz,
  last_failure_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_access_throttle_last_failure ON report_access_throttle (last_failure_at);
