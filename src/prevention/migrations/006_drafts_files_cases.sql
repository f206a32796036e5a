-- Reports the public saved to finish later. Not reports: staff never see them, their identifiers
-- are never matched, and they go when sent or when they expire. The draft code is shown once to
-- its writer and kept only as a SHA-256 digest, by which the draft is found again.
CREATE TABLE report_drafts (
  draft_digest  bytea PRIMARY KEY,
  incident_type text NOT NULL,
  locale        text NOT NULL,
  -- The form's answers as typed, checked only when the report is sent.
  answers       jsonb NOT NULL,
  saved_at      timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE INDEX report_drafts_expiry ON report_drafts (expires_at);

-- Files the reporter sent with a report (screenshots, message headers), encrypted in the node's
-- store under the SHA-256 of the encrypted copy; `attachment` holds the key that opens it, so
-- deleting the row (with its report) leaves a copy nobody can read.
CREATE TABLE report_attachments (
  report_id  uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  sha256     text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  attachment jsonb NOT NULL,
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (report_id, sha256)
);

-- The cases of src/requests/cases.ts a report was linked to by staff. The cases table is made by
-- the requests capability, whose migrations run after this one, so the link is checked when it is
-- made rather than by a foreign key; cases are never deleted.
CREATE TABLE report_cases (
  report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  case_id   uuid NOT NULL,
  linked_by text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (report_id, case_id)
);
