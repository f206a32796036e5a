-- An investigation on this node: what happened, whom it concerns, and the requests drafted from it.
CREATE TABLE cases (
  id         uuid PRIMARY KEY,
  reference  text NOT NULL UNIQUE,
  offence    text NOT NULL,
  summary    text NOT NULL,
  urgency    text NOT NULL CHECK (urgency IN ('routine', 'urgent', 'critical')),
  status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  identifiers jsonb NOT NULL,
  opened_by  text NOT NULL,
  opened_at  timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE case_numbers;

CREATE TABLE case_identifiers (
  case_id   uuid NOT NULL REFERENCES cases (id),
  match_key text NOT NULL,
  PRIMARY KEY (case_id, match_key)
);
CREATE INDEX case_identifiers_by_key ON case_identifiers (match_key);

ALTER TABLE requests ADD COLUMN case_id uuid REFERENCES cases (id);
CREATE INDEX requests_by_case ON requests (case_id) WHERE case_id IS NOT NULL;

-- Deconfliction (seed 13(ee)): a case or request that names an identifier already in another open
-- case, or in a request this node sent or received. Found when the second one is recorded.
CREATE TABLE identifier_overlaps (
  subject_type text NOT NULL CHECK (subject_type IN ('case', 'request')),
  subject_id   uuid NOT NULL,
  other_type   text NOT NULL CHECK (other_type IN ('case', 'request')),
  other_id     uuid NOT NULL,
  match_key    text NOT NULL,
  found_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject_type, subject_id, other_type, other_id, match_key)
);
