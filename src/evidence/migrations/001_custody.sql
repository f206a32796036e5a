-- The chain of custody of evidence files: every act on a file, who did it, when, why and under
-- which request. See docs/decisions/0008-evidence-bundle.md.
CREATE TABLE custody_records (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id   uuid,
  actor_name text NOT NULL,
  role       text,
  act        text NOT NULL CHECK (act IN ('received', 'added', 'viewed', 'downloaded', 'exported', 'transferred', 'sealed')),
  -- The SHA-256 of the file's content, as its sender signed it or as it was hashed on upload.
  sha256     text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- No foreign keys, as for the audit log: a record outlives whatever it names.
  request_id uuid,
  case_id    uuid,
  purpose    text NOT NULL,
  -- The node that holds the file and keeps this record, and the other node for a file received or sent.
  node       text NOT NULL,
  peer       text,
  details    jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Its leaf in the tamper-evident log, set once by the sequencer.
  log_index  bigint UNIQUE
);
CREATE INDEX custody_records_file ON custody_records (sha256, id);
CREATE INDEX custody_records_request ON custody_records (request_id);
CREATE INDEX custody_records_not_logged ON custody_records (id) WHERE log_index IS NULL;

-- Append-only like the audit log: the only change allowed gives a record its leaf index, once.
CREATE FUNCTION custody_records_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'custody records cannot be changed or deleted' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER custody_records_no_delete BEFORE DELETE ON custody_records
  FOR EACH ROW EXECUTE FUNCTION custody_records_are_append_only();
CREATE TRIGGER custody_records_no_update BEFORE UPDATE ON custody_records
  FOR EACH ROW WHEN (NOT (
    OLD.log_index IS NULL AND NEW.log_index IS NOT NULL AND (to_jsonb(OLD) - 'log_index') = (to_jsonb(NEW) - 'log_index')
  ))
  EXECUTE FUNCTION custody_records_are_append_only();
CREATE TRIGGER custody_records_no_truncate BEFORE TRUNCATE ON custody_records
  FOR EACH STATEMENT EXECUTE FUNCTION custody_records_are_append_only();
